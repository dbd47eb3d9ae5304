#ifndef STORE_H
#define STORE_H

/* Events and rejects into the database, with the dedupe rule (store.c). */

#include <stdbool.h>
#include <sqlite3.h>

#include "tte_err.h"
#include "tte_event.h"

struct store;
enum tte_err store_open(sqlite3 *db, struct store **out);
void store_close(struct store *s);
/* Call after a ROLLBACK: cached string ids may no longer exist. */
void store_forget(struct store *s);
/* Inserts ev unless an equal event exists; *dup tells which. */
enum tte_err store_event(struct store *s, const struct tte_event *ev,
                         long long file_id, size_t line, bool *dup);
enum tte_err store_reject(struct store *s, long long file_id,
                          const char *source, const char *file, size_t line,
                          const char *reason, const char *raw);

#endif
