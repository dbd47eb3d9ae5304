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

/* What store_event did with a row. */
enum store_outcome {
    STORE_NEW,          /* a new event */
    STORE_DUP,          /* an equal event was stored before */
    STORE_STAGED        /* out of time order: decided by store_merge */
};
/* Call before a file's first store_event: its rows start in order. */
void store_file_begin(struct store *s);
/* Whether rows of the file begun wait for store_merge: their keys are in
 * memory and a temporary file, so their events commit before the merge
 * only under a staging row (staging.h). */
bool store_staging(const struct store *s);
/* The event of the file's first row that waits (0: none). */
int64_t store_first_staged(const struct store *s);
/* Inserts ev unless an equal event exists, or stages it; *out tells
 * which. */
enum tte_err store_event(struct store *s, const struct tte_event *ev,
                         long long file_id, size_t line,
                         enum store_outcome *out);
/* Stores the keys of the events stored so far: call before a commit. */
enum tte_err store_flush(struct store *s);
/* Called once per staged row merged: its file and whether it was a
 * duplicate. */
typedef void (*store_count_fn)(void *ctx, long long file_id, bool dup);
/* Gives every staged row its key in key order (equal keys in file
 * order), with the dedupe rule: first the rows an earlier version left
 * in events_stage, then the file's; then store_flush. Within the
 * caller's transaction. */
enum tte_err store_merge(struct store *s, store_count_fn count, void *ctx);

enum tte_err store_reject(struct store *s, long long file_id,
                          const char *source, const char *file, size_t line,
                          const char *reason, const char *raw);

#endif
