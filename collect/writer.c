/*
 * The writing end of collect: events, registry rows and rejects into the
 * database through the store (store/store.h, which owns when they commit
 * and what a stopped run leaves), each file's row in files and its
 * progress, and a chunk ended every CHUNK_ROWS clean points on long files.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"
#include "owner.h"
#include "registry.h"
#include "store/store.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_log.h"
#include "rowcheck.h"
#include "rejects.h"
#include "writer.h"

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
    struct owner owner; /* the source, as files rows name it */
    bool owner_known;
    /* The file begun. */
    const char *file;    /* as given, for messages */
    char real[PATH_MAX]; /* resolved, as stored */
    FILE *fp;
    struct stat sb;
    bool own_tx;
    struct file_plan *plan; /* the caller's, while the file is open */
    struct file_stats st;
    struct file_stats saved; /* part of st already in files */
    long long clean_offset;
    size_t clean_line;
    long long since_commit;
    long long chunk_rows;
    /* The progress the store asked to hold: what a stopped run falls back
     * to. */
    long long held_offset;
    size_t held_line;
    struct file_stats held_st;
    struct store_progress progress;
    struct tte_buf reason;   /* of rows validated here */
    struct tte_buf redacted; /* their raw texts, secrets hidden */
    struct tte_buf raw;      /* a reject's text, escaped */
    struct tte_buf why;      /* a reject's reason, NIKs masked */
};

struct writer *
writer_new(sqlite3 *db, const struct source *src, const struct collect_opts *o,
           FILE *rejects)
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
    struct registry_limits lim = {w->opts->max_shrink, w->opts->allow_shrink,
                                  w->opts->allow_empty};
    enum tte_err err = commit ? registry_end(w->db, w->src->kind, w->src->name,
                                             &lim)
                              : TTE_OK;
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
    tte_buf_add_escaped(&w->raw, rawtext ? rawtext : "",
                        rawtext ? raw_len : 0);
    const char *raw = w->raw.data;
    /* A NIK in the wrong field is quoted by the reason: stderr, the
     * rejects file and v_rejects show it masked (raw keeps the row). */
    tte_mask_nik_runs(reason, &w->why);
    reason = w->why.data;
    w->st.read++;
    w->st.rejected++;
    /* The house form, "tte-collect: file:line: what": a bad row is a
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
    return store_reject(w->store, w->owner.name, w->real, line, reason, raw);
}

/* A row stored, counted with the file, to be saved with its offset;
 * also the store's progress.merged. */
static void
w_counted(void *ctx, bool dup)
{
    struct writer *w = ctx;
    w->st.read++;
    if (dup)
        w->st.duplicates++;
    else
        w->st.accepted++;
}

static enum tte_err
w_event(void *ctx, const struct tte_event *ev, size_t line)
{
    struct writer *w = ctx;
    enum store_outcome out;
    enum tte_err err = store_add(w->store, ev, line, &out);
    /* A row whose outcome waits is counted when it is decided, so that
     * the counts in files always add up: read = filtered + accepted +
     * duplicates + rejected. */
    if (!err && out != STORE_WAITS)
        w_counted(w, out == STORE_DUP);
    return err;
}

/* The store's progress.hold. */
static void
w_hold(void *ctx)
{
    struct writer *w = ctx;
    w->held_offset = w->clean_offset;
    w->held_line = w->clean_line;
    w->held_st = w->st;
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
    enum tte_err err = fileid_save(w->db, w->plan, w->fp, &w->sb, offset, line,
                                   &d);
    if (!err)
        w->saved = *st;
    return err;
}

/* The store's progress.save. */
static enum tte_err
w_save(void *ctx, bool held)
{
    struct writer *w = ctx;
    if (held)
        return save_progress_at(w, &w->held_st, w->held_offset, w->held_line);
    return save_progress_at(w, &w->st, w->clean_offset, w->clean_line);
}

/* The store's progress.finish: a log edited in place counts its rows
 * that changed against what it held, in the commit that replaces them. */
static enum tte_err
w_finish(void *ctx)
{
    struct writer *w = ctx;
    return w->plan->edited ? fileid_count_changed(w->db, w->plan) : TTE_OK;
}

static enum tte_err
w_clean_point(void *ctx, long long offset, size_t line, long long filtered)
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
    return store_chunk(w->store);
}

static enum tte_err
w_registry(void *ctx, char **row, struct tte_buf *reason, bool *stored)
{
    struct writer *w = ctx;
    enum tte_err err = TTE_OK;
    *stored = registry_row(w->db, w->src->kind, row, reason, &err);
    if (*stored)
        w_counted(w, false);
    return err;
}

struct port
writer_port(struct writer *w)
{
    struct port p = {.ctx = w,
                     .event = w_event,
                     .row = w_row,
                     .reject = w_reject,
                     .clean_point = w_clean_point,
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
                 "too",
                 path, g.kept);
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
    const char *chunk = getenv("TTE_COLLECT_CHUNK");
    w->chunk_rows = chunk && atoll(chunk) > 0 ? atoll(chunk) : CHUNK_ROWS;
    if (!realpath(path, w->real))
        snprintf(w->real, sizeof w->real, "%s", path);
    if (!w->owner_known)
        err = owner_of(w->src, &w->owner);
    w->owner_known = !err;
    if (!err && !w->store)
        err = store_open(w->db, &w->store);
    w->progress = (struct store_progress){.ctx = w,
                                          .hold = w_hold,
                                          .save = w_save,
                                          .merged = w_counted,
                                          .finish = w_finish};
    if (!err)
        err = store_file_begin(w->store, own_tx, &w->progress);
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
    w->plan = plan;
    store_file_id(w->store, plan->file_id);
    w->clean_offset = plan->offset;
    w->clean_line = plan->line;
    if (!err && plan->resumed && plan->offset == sb->st_size) {
        store_file_end(w->store, STORE_ROLLBACK);
        *unchanged = true;
        return TTE_OK;
    }
    if (err)
        store_file_end(w->store, STORE_ROLLBACK);
    return err;
}

enum tte_err
writer_file_end(struct writer *w, enum tte_err err, struct file_stats *st)
{
    enum tte_err end = store_file_end(w->store,
                                      err ? STORE_ROLLBACK : STORE_COMMIT);
    *st = w->st;
    return err ? err : end;
}
