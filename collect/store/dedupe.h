#ifndef DEDUPE_H
#define DEDUPE_H

/*
 * Inside the store (store.h): events and rejects into the database with
 * the dedupe rule (dedupe.c). Knows nothing of commits or of the staging
 * mark; store.c decides when what it holds is committed.
 */

#include <stdbool.h>
#include <sqlite3.h>

#include "store.h"
#include "tte_err.h"
#include "tte_event.h"

struct dedupe;
enum tte_err dedupe_open(sqlite3 *db, struct dedupe **out);
void dedupe_close(struct dedupe *s);
/* Call after a ROLLBACK: cached string ids may no longer exist. */
void dedupe_forget(struct dedupe *s);

/* Call before a file's first dedupe_event: its rows start in order. */
void dedupe_file_begin(struct dedupe *s);
/* The event of the file begun's first row that waits for dedupe_merge (0:
 * none). Rows that wait have their keys in memory and a temporary file,
 * so their events commit before the merge only under a staging mark
 * (staging.h). */
int64_t dedupe_staged(const struct dedupe *s);
/* Inserts ev unless an equal event exists, or stages it; *out tells
 * which. */
enum tte_err dedupe_event(struct dedupe *s, const struct tte_event *ev,
                          long long file_id, size_t line,
                          enum store_outcome *out);
/* Stores the keys of the events stored so far: call before a commit. */
enum tte_err dedupe_flush(struct dedupe *s);
/* Called once per staged row of the file begun merged: whether it was a
 * duplicate. */
typedef void (*dedupe_count_fn)(void *ctx, bool dup);
/* Gives every staged row its key in key order (equal keys in file
 * order), with the dedupe rule; then dedupe_flush. Within the caller's
 * transaction. */
enum tte_err dedupe_merge(struct dedupe *s, dedupe_count_fn count, void *ctx);

enum tte_err dedupe_reject(struct dedupe *s, long long file_id,
                           const char *source, const char *file, size_t line,
                           const char *reason, const char *raw);

#endif
