/*
 * The crash protocol of the store (written out in store.h): when the rows
 * dedupe.c holds commit, under which staging mark (staging.c), with which
 * of the owner's progress.
 */
#include <stdlib.h>

#include "store.h"
#include "dedupe.h"
#include "staging.h"
#include "tte_alloc.h"
#include "tte_db.h"
#include "tte_log.h"

struct store {
    sqlite3 *db;
    struct dedupe *dd;
    bool recovered; /* stopped runs' marks were read */
    /* The file begun. */
    const struct store_progress *p;
    long long file_id;
    bool own_tx;
    bool marked;          /* its staging mark is written */
    int64_t first_reject; /* the id of its first reject held back */
};

enum tte_err
store_open(sqlite3 *db, struct store **out)
{
    struct store *s = tte_xcalloc(1, sizeof *s);
    s->db = db;
    enum tte_err err = dedupe_open(db, &s->dd);
    if (err) {
        free(s);
        return err;
    }
    *out = s;
    return TTE_OK;
}

void
store_close(struct store *s)
{
    if (!s)
        return;
    dedupe_close(s->dd);
    free(s);
}

void
store_forget(struct store *s)
{
    if (s)
        dedupe_forget(s->dd);
}

/* Protocol, 3, in a transaction of its own. */
static enum tte_err
recover(sqlite3 *db, bool operator_said, long long *taken)
{
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");
    if (!err)
        err = staging_recover(db, operator_said, taken);
    if (!err)
        err = tte_db_exec(db, "COMMIT");
    if (err)
        tte_db_rollback(db);
    return err;
}

enum tte_err
store_settle(struct store *s)
{
    /* Before anything else is read. */
    enum tte_err err = s->recovered ? TTE_OK : recover(s->db, false, NULL);
    s->recovered = !err;
    return err;
}

enum tte_err
store_recover(sqlite3 *db)
{
    long long taken = 0;
    enum tte_err err = recover(db, true, &taken);
    if (err)
        return err;
    if (taken)
        log_info("recovered %lld file%s: collect %s again", taken,
                 taken == 1 ? "" : "s", taken == 1 ? "it" : "them");
    else
        log_info("nothing was left staged: nothing to recover");
    return TTE_OK;
}

enum tte_err
store_file_begin(struct store *s, bool own_tx, const struct store_progress *p)
{
    enum tte_err err = TTE_OK;
    s->p = p;
    s->own_tx = own_tx;
    s->file_id = 0;
    s->marked = false;
    s->first_reject = 0;
    if (own_tx)
        err = store_settle(s);
    if (!err)
        dedupe_file_begin(s->dd);
    if (!err && own_tx)
        err = tte_db_exec(s->db, "BEGIN IMMEDIATE");
    return err;
}

void
store_file_id(struct store *s, long long file_id)
{
    s->file_id = file_id;
}

/* Protocol, 2: the file's first row whose key waits. What stood before
 * it is what a stopped run falls back to. */
static enum tte_err
hold(struct store *s)
{
    s->p->hold(s->p->ctx);
    sqlite3_stmt *st = tte_db_prepare(
        s->db, "SELECT COALESCE(max(id), 0) + 1 FROM rejects");
    if (!st)
        return TTE_E_IO;
    int rc = sqlite3_step(st);
    s->first_reject = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(s->db, rc);
}

enum tte_err
store_add(struct store *s, const struct tte_event *ev, size_t line,
          enum store_outcome *out)
{
    bool waited = dedupe_staged(s->dd);
    enum tte_err err = dedupe_event(s->dd, ev, s->file_id, line, out);
    if (!err && !waited && dedupe_staged(s->dd))
        err = hold(s);
    return err;
}

enum tte_err
store_reject(struct store *s, const char *source, const char *file,
             size_t line, const char *reason, const char *raw)
{
    return dedupe_reject(s->dd, s->file_id, source, file, line, reason, raw);
}

/* Protocol, 1: rows, keys, offset and counts together. Protocol, 2:
 * rows that wait commit ahead of their keys, under the mark, with the
 * progress held (both written once); the WAL's copy of them runs beside
 * the reading or the merge. */
static enum tte_err
commit(struct store *s)
{
    bool waits = dedupe_staged(s->dd);
    enum tte_err err = TTE_OK;
    if (!s->marked) {
        err = dedupe_flush(s->dd);
        if (!err)
            err = s->p->save(s->p->ctx, waits);
        if (!err && waits)
            err = staging_mark(s->db, s->file_id, dedupe_staged(s->dd),
                               s->first_reject);
        s->marked = waits && !err;
    }
    if (!err)
        err = tte_db_exec(s->db, "COMMIT; BEGIN IMMEDIATE");
    return err;
}

enum tte_err
store_chunk(struct store *s)
{
    return s->own_tx ? commit(s) : TTE_OK;
}

/* The file read to its end: the rows that waited first commit ahead of
 * their keys; the keys, the mark's removal and the progress they
 * complete then go in one commit (store_file_end's). */
static enum tte_err
finish(struct store *s)
{
    bool waited = s->own_tx && dedupe_staged(s->dd);
    enum tte_err err = waited ? commit(s) : TTE_OK;
    if (!err)
        err = dedupe_merge(s->dd, s->p->merged, s->p->ctx);
    if (!err && waited)
        err = staging_clear(s->db, s->file_id);
    if (!err)
        err = s->p->save(s->p->ctx, false);
    if (!err && s->p->finish)
        err = s->p->finish(s->p->ctx);
    return err;
}

enum tte_err
store_file_end(struct store *s, enum store_end how)
{
    enum tte_err err = how == STORE_COMMIT ? finish(s) : TTE_OK;
    if (s->own_tx && (how == STORE_ROLLBACK || err)) {
        tte_db_rollback(s->db);
        /* Rows waiting in the sort go with the rollback: a re-run reads
         * them again from the offset last committed. */
        dedupe_forget(s->dd);
    } else if (s->own_tx) {
        err = tte_db_exec(s->db, "COMMIT");
    }
    s->p = NULL;
    return err;
}
