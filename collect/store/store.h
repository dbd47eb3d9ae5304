#ifndef STORE_H
#define STORE_H

/*
 * The event store: events and rejects into the database with the dedupe
 * rule (dedupe.c), and the crash protocol that keeps them consistent with
 * each file's progress whenever a run stops (store.c, staging.c). Its
 * owner (writer.c) reads files and keeps their progress; it never sees how
 * rows wait, only the progress the store asks it to hold and save.
 *
 * The invariant. What is committed is, for each file, the events and
 * rejects of its rows up to its saved offset, each row once, every event
 * with its key in event_keys, and the file's counts adding up to them
 * (read = filtered + accepted + duplicates + rejected); or that plus rows
 * under a staging mark, which every reader leaves out (the event views,
 * and tte-aggregate, which waits).
 *
 * The crash protocol.
 * 1. Rows in time order commit with their keys, the offset and the counts
 *    every chunk (store_chunk) and at the file's end (store_file_end): a
 *    kill loses the chunk, which the next run reads again.
 * 2. From a file's first row out of time order on, its keys wait in a
 *    sort until the file's end, while the rows still commit every chunk,
 *    so that the WAL's copy runs beside the reading and the WAL stays the
 *    size of a chunk. The progress at that first row is held; before the
 *    first such commit the file is marked in staging (its first waiting
 *    event and reject, and this process: pid, start, boot, host) and the
 *    held progress is what is saved. At the end the keys are merged, the
 *    mark removed and the final progress saved, in one commit.
 * 3. A run's first file begins by reading the marks. A mark of this host
 *    and boot whose process has ended is taken out: its events and
 *    rejects deleted, the mark removed, so that the file is read again
 *    from the held progress. A mark whose process still runs stays, and
 *    so does one of another host or boot (a container recreated, shared
 *    storage, a reboot) until the operator says its run has ended
 *    (store_recover, tte-collect --recover); each is said with the
 *    command that clears it, and the run ends with TTE_E_TEMPFAIL.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "tte_err.h"
#include "tte_event.h"

struct store;

/* What the store asks of the owner of the file begun: its progress (the
 * offset and line read to, and the counts). ctx is passed back. */
struct store_progress {
    void *ctx;
    /* Keep the progress as it stands as the one to fall back to. */
    void (*hold)(void *ctx);
    /* Save the progress, or the one held when held, with the next
     * commit. */
    enum tte_err (*save)(void *ctx, bool held);
    /* A row whose outcome waited is decided: new, or a duplicate. */
    void (*merged)(void *ctx, bool dup);
    /* The file read to its end, every row decided and the progress saved:
     * what the owner adds to the file's last commit (may be NULL). */
    enum tte_err (*finish)(void *ctx);
};

/* On success *out is the store of db; close with store_close. */
enum tte_err store_open(sqlite3 *db, struct store **out);
void store_close(struct store *s);

/* Takes out what stopped runs left (protocol, 3) unless this store did
 * already: what the first own_tx file does, for an owner whose rows go in
 * its own transaction (tte-collect --retry), before it begins it. */
enum tte_err store_settle(struct store *s);

/* Begins a file. own_tx: its rows commit on their own (a transaction is
 * begun here, and committed by store_chunk and store_file_end); else they
 * go in the caller's (a registry, replaced whole). The first own_tx file
 * of a store first takes out what stopped runs left (protocol, 3), in a
 * transaction of its own. p is borrowed until store_file_end. */
enum tte_err store_file_begin(struct store *s, bool own_tx,
                              const struct store_progress *p);
/* The file's row in files, once known: before its first row. */
void store_file_id(struct store *s, long long file_id);

/* What store_add did with a row. */
enum store_outcome {
    STORE_NEW,  /* a new event */
    STORE_DUP,  /* an equal event was stored before */
    STORE_WAITS /* decided at the file's end (progress.merged) */
};
/* Stores ev, read at line of the file begun, under the dedupe rule. */
enum tte_err store_add(struct store *s, const struct tte_event *ev,
                       size_t line, enum store_outcome *out);
/* Stores a rejected row of the file begun. */
enum tte_err store_reject(struct store *s, const char *source,
                          const char *file, size_t line, const char *reason,
                          const char *raw);
/* Commits what the file begun stored so far with its progress (an own_tx
 * file; the owner calls it at a clean point every chunk). */
enum tte_err store_chunk(struct store *s);

enum store_end {
    STORE_COMMIT,  /* the file read to its end: commit it all */
    STORE_ROLLBACK /* a failure: back to the last commit */
};
/* Ends the file begun. STORE_COMMIT decides the rows that waited, saves
 * the progress and (own_tx) commits; a failure there rolls back like
 * STORE_ROLLBACK, which (own_tx) rolls back and forgets what the rollback
 * took away. */
enum tte_err store_file_end(struct store *s, enum store_end how);
/* Forgets cached ids after a rollback of the caller's transaction. */
void store_forget(struct store *s);

/* tte-collect --recover: takes out what stopped runs left marked, of any
 * host or boot, in a transaction of its own, and says so (or that there
 * was nothing); TTE_E_TEMPFAIL when a marked run still runs here. */
enum tte_err store_recover(sqlite3 *db);

#endif
