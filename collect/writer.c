/*
 * The writing end of collect: events, registry rows and rejects into the
 * database, each file's row in files, and a commit every CHUNK_ROWS clean
 * points on long files so that a kill loses at most one chunk (of a file
 * in time order; from a file's first row out of order on, its rows
 * commit with its end, store.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "json_path.h"
#include "owner.h"
#include "registry.h"
#include "store.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_log.h"
#include "rowcheck.h"
#include "rejects.h"
#include "writer.h"
#include "staging.h"

/* Rows per transaction on long files; each commit records the offset. */
#define CHUNK_ROWS 200000
/* Reject messages printed per file before they are only counted. */
#define REJECT_MSGS 10

struct writer {
    sqlite3 *db;
    const struct source *src;
    const struct collect_opts *opts;
    struct store *store;
    FILE *rejects_fp;
    struct owner owner;         /* the source, as files rows name it */
    bool owner_known;
    /* The file begun. */
    const char *file;           /* as given, for messages */
    char real[PATH_MAX];        /* resolved, as stored */
    FILE *fp;
    struct stat sb;
    bool own_tx;
    long long file_id;
    struct file_plan *plan;     /* the caller's, while the file is open */
    struct file_stats st;
    struct file_stats saved;    /* part of st already in files */
    long long clean_offset;
    size_t clean_line;
    long long since_commit;
    long long chunk_rows;
    /* Where the file stood before its first row out of time order: what
     * a stopped merge falls back to (staging.h). */
    long long pre_offset;
    size_t pre_line;
    struct file_stats pre_st;
    int64_t first_reject;
    bool marked;                /* the staging row is written */
    bool leftovers_checked;     /* staged rows of a stopped run merged */
    struct tte_buf reason;      /* of rows validated here */
    struct tte_buf redacted;    /* their raw texts, secrets hidden */
    struct tte_buf raw;         /* a reject's text, escaped */
    struct tte_buf why;         /* a reject's reason, NIKs masked */
};

struct writer *
writer_new(sqlite3 *db, const struct source *src,
           const struct collect_opts *o, FILE *rejects)
{
    struct writer *w = tte_xcalloc(1, sizeof *w);
    w->db = db;
    w->src = src;
    w->opts = o;
    w->rejects_fp = rejects;
    tte_buf_init(&w->reason);
    tte_buf_init(&w->redacted);
    tte_buf_init(&w->raw);
    tte_buf_init(&w->why);
    return w;
}

void
writer_free(struct writer *w)
{
    if (!w)
        return;
    store_close(w->store);
    tte_buf_free(&w->reason);
    tte_buf_free(&w->redacted);
    tte_buf_free(&w->raw);
    tte_buf_free(&w->why);
    free(w);
}

enum tte_err
writer_snapshot_begin(struct writer *w)
{
    enum tte_err err = tte_db_exec(w->db, "BEGIN IMMEDIATE");
    if (!err)
        err = registry_begin(w->db, w->src->kind);
    return err;
}

enum tte_err
writer_snapshot_end(struct writer *w, bool commit)
{
    struct registry_limits lim = {w->opts->max_shrink,
                                  w->opts->allow_shrink,
                                  w->opts->allow_empty};
    enum tte_err err = commit ? registry_end(w->db, w->src->kind,
                                             w->src->name, &lim) : TTE_OK;
    if (commit && !err)
        return tte_db_exec(w->db, "COMMIT");
    tte_db_exec(w->db, "ROLLBACK");
    return err;
}

static void
write_reject_csv(struct writer *w, size_t line, const char *reason,
                 const char *raw)
{
    FILE *fp = w->rejects_fp;
    if (!fp)
        return;
    rejects_write_field(fp, w->file);
    fprintf(fp, ",%zu,", line);
    rejects_write_field(fp, reason);
    fputc(',', fp);
    rejects_write_field(fp, raw);
    fputc('\n', fp);
}

/* raw[0..raw_len) is kept; bytes that are not UTF-8 become \xNN. */
static enum tte_err
w_reject(void *ctx, size_t line, const char *reason, const char *rawtext,
         size_t raw_len)
{
    struct writer *w = ctx;
    tte_buf_reset(&w->raw);
    tte_buf_add_escaped(&w->raw, rawtext ? rawtext : "", rawtext ? raw_len : 0);
    const char *raw = w->raw.data;
    /* A NIK in the wrong field is quoted by the reason: stderr, the
     * rejects file and v_rejects show it masked (raw keeps the row). */
    tte_mask_nik_runs(reason, &w->why);
    reason = w->why.data;
    w->st.read++;
    w->st.rejected++;
    /* DESIGN.md's form, "tte-collect: file:line: what": a bad row is a
     * data error (exit 65), shown even with --quiet. */
    if (w->st.rejected <= REJECT_MSGS)
        log_err("%s:%zu: %s", w->file, line, reason);
    else if (w->st.rejected == REJECT_MSGS + 1)
        log_err("%s: more rejected rows; see v_rejects", w->file);
    write_reject_csv(w, line, reason, raw);
    if (w->opts->strict) {
        log_err("%s:%zu: stopping at the first bad row (--strict)", w->file,
                line);
        return TTE_E_DATA;
    }
    return store_reject(w->store, w->file_id, w->owner.name, w->real, line,
                        reason, raw);
}

/* The file's first row out of time order: what stood before it is kept
 * to be saved when the rows are committed ahead of their merge. */
static enum tte_err
note_staging_began(struct writer *w)
{
    w->pre_offset = w->clean_offset;
    w->pre_line = w->clean_line;
    w->pre_st = w->st;
    sqlite3_stmt *st = tte_db_prepare(w->db,
        "SELECT COALESCE(max(id), 0) + 1 FROM rejects");
    if (!st)
        return TTE_E_IO;
    int rc = sqlite3_step(st);
    w->first_reject = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(w->db, rc);
}

static enum tte_err
w_event(void *ctx, const struct tte_event *ev, size_t line)
{
    struct writer *w = ctx;
    enum store_outcome out;
    bool sorted_before = store_staging(w->store);
    enum tte_err err = store_event(w->store, ev, w->file_id, line, &out);
    if (!err && !sorted_before && store_staging(w->store))
        err = note_staging_began(w);
    /* A staged row is counted when it is merged, so that the counts in
     * files always add up: read = filtered + accepted + duplicates +
     * rejected. */
    if (!err && out != STORE_STAGED) {
        w->st.read++;
        if (out == STORE_DUP)
            w->st.duplicates++;
        else
            w->st.accepted++;
    }
    return err;
}

/* Counts of staged rows merged: the file being written's (when mine) go
 * into its stats, to be saved with its offset; any other file's (rows a
 * stopped run of an earlier version committed to events_stage) are added
 * to its files row here. */
struct leftover {
    long long file_id, accepted, duplicates;
};
struct merged {
    struct writer *mine;
    struct leftover *v;
    size_t n;
};

static void
count_merged(void *ctx, long long file_id, bool dup)
{
    struct merged *m = ctx;
    if (m->mine && file_id == m->mine->file_id) {
        m->mine->st.read++;
        if (dup)
            m->mine->st.duplicates++;
        else
            m->mine->st.accepted++;
        return;
    }
    size_t i = 0;
    while (i < m->n && m->v[i].file_id != file_id)
        i++;
    if (i == m->n) {
        m->v = tte_xrealloc(m->v, (m->n + 1) * sizeof *m->v);
        m->v[m->n++] = (struct leftover){file_id, 0, 0};
    }
    if (dup)
        m->v[i].duplicates++;
    else
        m->v[i].accepted++;
}

static enum tte_err
save_leftovers(sqlite3 *db, const struct merged *l)
{
    sqlite3_stmt *st = tte_db_prepare(db,
        "UPDATE files SET rows_read = rows_read + ?2 + ?3,"
        " accepted = accepted + ?2, duplicates = duplicates + ?3"
        " WHERE id = ?1");
    enum tte_err err = st ? TTE_OK : TTE_E_IO;
    for (size_t i = 0; !err && i < l->n; i++) {
        sqlite3_bind_int64(st, 1, l->v[i].file_id);
        sqlite3_bind_int64(st, 2, l->v[i].accepted);
        sqlite3_bind_int64(st, 3, l->v[i].duplicates);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            err = tte_db_err(db, rc);
    }
    sqlite3_finalize(st);
    return err;
}

/* Merges whatever is staged, within the transaction open; mine: the
 * file begun counts its own rows. */
static enum tte_err
merge_staged(struct writer *w, bool mine)
{
    struct merged m = {mine ? w : NULL, NULL, 0};
    enum tte_err err = store_merge(w->store, count_merged, &m);
    if (!err && m.n)
        err = save_leftovers(w->db, &m);
    free(m.v);
    return err;
}

/* Before anything else is read, in a transaction of their own: rows a
 * stopped run committed ahead of their keys are taken out (staging.c),
 * and rows a stopped run of an earlier version staged and committed
 * (with the offset past them) go into events. */
static enum tte_err
merge_leftovers(struct writer *w)
{
    enum tte_err err = tte_db_exec(w->db, "BEGIN IMMEDIATE");
    if (!err)
        err = staging_recover(w->db);
    if (!err)
        err = merge_staged(w, false);
    if (!err)
        err = tte_db_exec(w->db, "COMMIT");
    if (err) {
        tte_db_rollback(w->db);
        store_forget(w->store);
    }
    return err;
}

/* Validation on this side: the reading thread handed the row over while
 * this one waited for work. */
static enum tte_err
w_row(void *ctx, char *const *row, const size_t *lens, size_t line,
      const char *raw, size_t raw_len, bool json)
{
    struct writer *w = ctx;
    struct tte_event ev;
    tte_buf_reset(&w->reason);
    if (rowcheck_event(w->src, (char **)row, lens, &ev, &w->reason))
        return w_event(w, &ev, line);
    if (json && json_may_hold_secret(raw)) {
        json_redact_text(raw, &w->redacted);
        raw = w->redacted.data;
        raw_len = w->redacted.len;
    }
    return w_reject(w, line, w->reason.data, raw, raw_len);
}

/* Saves the file as read to offset (line), with counts st. */
static enum tte_err
save_progress_at(struct writer *w, const struct file_stats *st,
                 long long offset, size_t line)
{
    struct file_stats d = *st;
    d.read -= w->saved.read;
    d.accepted -= w->saved.accepted;
    d.duplicates -= w->saved.duplicates;
    d.rejected -= w->saved.rejected;
    d.filtered -= w->saved.filtered;
    enum tte_err err = fileid_save(w->db, w->plan, w->fp, &w->sb, offset,
                                   line, &d);
    if (!err)
        w->saved = *st;
    return err;
}

static enum tte_err
save_progress(struct writer *w)
{
    return save_progress_at(w, &w->st, w->clean_offset, w->clean_line);
}

static enum tte_err commit_staged(struct writer *w);

static enum tte_err
w_clean_point(void *ctx, long long offset, size_t line,
              long long filtered)
{
    struct writer *w = ctx;
    /* Read = filtered + accepted + duplicates + rejected. */
    w->st.read += filtered - w->st.filtered;
    w->st.filtered = filtered;
    w->clean_offset = offset;
    w->clean_line = line;
    if (!w->own_tx || ++w->since_commit < w->chunk_rows)
        return TTE_OK;
    w->since_commit = 0;
    /* Rows out of time order wait for their keys until the file's end:
     * they commit under the staging row, the offset stays before them. */
    if (store_staging(w->store))
        return commit_staged(w);
    /* Offset and rows commit together: a kill loses only this chunk. */
    enum tte_err err = store_flush(w->store);
    if (!err)
        err = save_progress(w);
    if (!err)
        err = tte_db_exec(w->db, "COMMIT; BEGIN IMMEDIATE");
    return err;
}

static enum tte_err
w_registry(void *ctx, char **row, struct tte_buf *reason, bool *stored)
{
    struct writer *w = ctx;
    enum tte_err err = TTE_OK;
    *stored = registry_row(w->db, w->src->kind, row, reason, &err);
    if (*stored) {
        w->st.read++;
        w->st.accepted++;
    }
    return err;
}

struct port
writer_port(struct writer *w)
{
    struct port p = {.ctx = w, .event = w_event, .row = w_row,
                     .reject = w_reject, .clean_point = w_clean_point,
                     .registry = w_registry};
    return p;
}

/* A log file belongs to one source: what another or a changed definition
 * stored from it is removed first, and said. */
static enum tte_err
claim_file(struct writer *w, const char *path)
{
    struct forgot g;
    enum tte_err err = owner_claim(w->db, w->real, &w->owner, &g);

    if (err || !g.files)
        return err;
    if (w->src->kind != KIND_EVENTS) {
        log_debug("%s: read before as another registry source", path);
        return TTE_OK;
    }
    log_warn("%s: replaced %lld event%s read with the earlier definition%s",
             path, g.events, g.events == 1 ? "" : "s",
             g.rejects ? " (and its rejects)" : "");
    if (g.kept)
        log_warn("%s: %lld more of its events stay: other files had them "
                 "too", path, g.kept);
    return TTE_OK;
}

enum tte_err
writer_file_begin(struct writer *w, const char *path, FILE *fp,
                  const struct stat *sb, bool own_tx, struct file_plan *plan,
                  bool *unchanged)
{
    enum tte_err err = TTE_OK;

    *unchanged = false;
    memset(plan, 0, sizeof *plan);
    memset(&w->st, 0, sizeof w->st);
    memset(&w->saved, 0, sizeof w->saved);
    w->file = path;
    w->fp = fp;
    w->sb = *sb;
    w->own_tx = own_tx;
    w->since_commit = 0;
    w->marked = false;
    const char *chunk = getenv("TTE_COLLECT_CHUNK");
    w->chunk_rows = chunk && atoll(chunk) > 0 ? atoll(chunk) : CHUNK_ROWS;
    if (!realpath(path, w->real))
        snprintf(w->real, sizeof w->real, "%s", path);
    if (!w->owner_known)
        err = owner_of(w->src, &w->owner);
    w->owner_known = !err;
    if (!err && !w->store)
        err = store_open(w->db, &w->store);
    if (!err && own_tx && !w->leftovers_checked) {
        err = merge_leftovers(w);
        w->leftovers_checked = !err;
    }
    if (!err)
        store_file_begin(w->store);
    if (!err && own_tx)
        err = tte_db_exec(w->db, "BEGIN IMMEDIATE");
    if (err)
        return err;
    /* The file's earlier events go in the transaction its new ones
     * come in. */
    err = claim_file(w, path);
    if (!err)
        err = fileid_plan(w->db, w->owner.name, w->real,
                          w->src->kind == KIND_EVENTS, fp, sb, path, plan);
    if (!err)
        err = owner_bind(w->db, plan->file_id, &w->owner);
    w->file_id = plan->file_id;
    w->plan = plan;
    w->clean_offset = plan->offset;
    w->clean_line = plan->line;
    if (!err && plan->resumed && plan->offset == sb->st_size) {
        if (own_tx)
            tte_db_exec(w->db, "ROLLBACK");
        *unchanged = true;
        return TTE_OK;
    }
    if (err && own_tx) {
        tte_db_exec(w->db, "ROLLBACK");
        store_forget(w->store);
    }
    return err;
}

/* Commits the file's rows out of time order so far ahead of their merge,
 * under a staging row, so that the WAL's copy of them runs beside the
 * reading or the merge and the WAL stays the size of a chunk; the offset
 * and counts saved with them are those from before the first of them,
 * which a stopped merge falls back to. */
static enum tte_err
commit_staged(struct writer *w)
{
    enum tte_err err = TTE_OK;
    if (!w->marked) {
        err = store_flush(w->store);
        if (!err)
            err = save_progress_at(w, &w->pre_st, w->pre_offset,
                                   w->pre_line);
        if (!err)
            err = staging_mark(w->db, w->file_id,
                               store_first_staged(w->store), w->first_reject);
        w->marked = !err;
    }
    if (!err)
        err = tte_db_exec(w->db, "COMMIT; BEGIN IMMEDIATE");
    return err;
}

enum tte_err
writer_file_end(struct writer *w, enum tte_err err, struct file_stats *st)
{
    /* The file's staged rows commit first (commit_staged); their keys,
     * and the counts they complete, commit with its last offset. */
    bool staged = !err && w->own_tx && store_staging(w->store);
    if (staged)
        err = commit_staged(w);
    if (!err)
        err = merge_staged(w, true);
    if (!err && staged)
        err = staging_clear(w->db, w->file_id);
    if (!err)
        err = save_progress(w);
    if (!err && w->plan->edited)
        err = fileid_count_changed(w->db, w->plan);
    if (w->own_tx && err) {
        tte_db_exec(w->db, "ROLLBACK");
        /* Rows waiting in the sort go with the rollback: a re-run reads
         * them again from the offset last committed. */
        store_forget(w->store);
    } else if (w->own_tx) {
        err = tte_db_exec(w->db, "COMMIT");
    }
    *st = w->st;
    return err;
}
