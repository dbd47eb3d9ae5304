/*
 * --retry REJECTS.csv: the rows of a rejects file, after the operator
 * fixed their raw column, read again each with its own file's source
 * definition (the file's header first, for a CSV or a workbook). A row
 * that passes becomes an event of its original file and line, and its
 * reject is marked resolved; one that still fails keeps its reject, with
 * the new reason and text. Resolved rejects are left alone, so a second
 * run of the same retry changes nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>

#include "input.h"
#include "read.h"
#include "rejects.h"
#include "retry.h"
#include "rowcheck.h"
#include "store/store.h"
#include "tte_db.h"
#include "tte_log.h"

struct retry_row {
    char *file, *reason, *raw;
    size_t line;
};

struct rows {
    struct retry_row *v;
    size_t n, cap;
    char *f[4];
    size_t nf;
    bool header_seen, bad;
};

static void
on_field(void *data, size_t len, void *arg)
{
    struct rows *r = arg;
    if (r->nf < 4) {
        r->f[r->nf] = tte_xmalloc(len + 1);
        memcpy(r->f[r->nf], data ? data : "", len);
        r->f[r->nf][len] = '\0';
        rejects_unguard(r->f[r->nf]);
    }
    r->nf++;
}

static void
on_row(int term, void *arg)
{
    struct rows *r = arg;
    (void)term;
    if (!r->header_seen) {
        r->header_seen = true;
        r->bad = r->nf != 4 || strcmp(r->f[0], "file") != 0 ||
                 strcmp(r->f[3], "raw") != 0;
    } else if (r->nf == 4) {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->v = tte_xrealloc(r->v, r->cap * sizeof *r->v);
        }
        struct retry_row *w = &r->v[r->n++];
        w->file = r->f[0];
        w->line = (size_t)strtoull(r->f[1], NULL, 10);
        free(r->f[1]);
        w->reason = r->f[2];
        w->raw = r->f[3];
        r->nf = 0;
        return;
    }
    for (size_t i = 0; i < r->nf && i < 4; i++)
        free(r->f[i]);
    r->nf = 0;
}

static enum tte_err
read_rows(const char *path, struct rows *r)
{
    FILE *fp = fopen(path, "rb");
    struct csv_parser p;
    char buf[65536];
    size_t got;

    if (!fp) {
        log_err("cannot open '%s': %s", path, strerror(errno));
        return TTE_E_NOINPUT;
    }
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(fp);
        return TTE_E_NOMEM;
    }
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        csv_parse(&p, buf, got, on_field, on_row, r);
    csv_fini(&p, on_field, on_row, r);
    csv_free(&p);
    fclose(fp);
    if (r->bad || !r->header_seen) {
        log_err("%s:1: not a rejects file (its first line is not \"%s\")",
                path, REJECTS_HEADER);
        return TTE_E_DATA;
    }
    return TTE_OK;
}

/* --- one row ------------------------------------------------------------- */

enum verdict { V_NONE, V_EVENT, V_REJECT };

struct one {
    struct rowcheck rc;
    const char *file;
    enum verdict v;
    struct tte_buf why;
    struct store *store;
    size_t line;
    enum store_outcome outcome;
    enum tte_err err;
    char **names; /* a workbook's header, when captured */
    size_t nnames;
};

static enum tte_err
o_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct one *o = ctx;
    return rowcheck_header(&o->rc, o->file, names, n, secret);
}

static enum tte_err
o_reject(void *ctx, size_t line, const char *reason, const char *raw,
         size_t raw_len)
{
    struct one *o = ctx;
    (void)line;
    (void)raw;
    (void)raw_len;
    o->v = V_REJECT;
    tte_buf_reset(&o->why);
    tte_buf_adds(&o->why, reason);
    return TTE_OK;
}

static enum tte_err
o_record(void *ctx, const struct record *rec)
{
    struct one *o = ctx;
    if (o->v != V_NONE)
        return TTE_OK; /* one row only */
    enum row_kind k = rowcheck_record(&o->rc, rec);
    if (k == ROW_FILTERED) {
        return o_reject(o, rec->line,
                        rec->unmatched
                            ? "did not match the pattern"
                            : "a filter of the source definition drops it",
                        NULL, 0);
    }
    if (k != ROW_EVENT)
        return o_reject(o, rec->line,
                        k == ROW_REJECT ? o->rc.reason.data
                                        : "registry rows are not retried",
                        NULL, 0);
    o->v = V_EVENT;
    return store_add(o->store, &o->rc.ev, o->line, &o->outcome);
}

static enum tte_err
o_clean(void *ctx, long long offset, size_t line)
{
    (void)ctx;
    (void)offset;
    (void)line;
    return TTE_OK;
}

/* A workbook's header row: captured, then reading stops. */
static enum tte_err
cap_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct one *o = ctx;
    o->names = tte_xcalloc(n ? n : 1, sizeof *o->names);
    for (size_t i = 0; i < n; i++)
        o->names[i] = tte_xstrdup(names[i]);
    o->nnames = n;
    *secret = tte_xcalloc(n ? n : 1, sizeof **secret);
    return TTE_E_SOFTWARE; /* enough read */
}

/* The first line of the original file, as its reader decodes it. */
static bool
first_line(const struct source *src, const char *path, struct tte_buf *out)
{
    FILE *fp = fopen(path, "rb");
    struct input in;
    struct input_line l;
    bool ok = false;
    if (!fp)
        return false;
    if (input_open(&in, fp, path, src->encoding) == TTE_OK &&
        input_seek(&in, 0, 0) == TTE_OK && input_next(&in, &l) && l.text) {
        tte_buf_add(out, l.text, input_trim_eol(l.text, l.len));
        tte_buf_addc(out, '\n');
        ok = true;
    }
    input_close(&in);
    fclose(fp);
    return ok;
}

/* The workbook's header as a CSV line. */
static bool
xlsx_header(const struct source *src, const char *path, struct one *o,
            struct tte_buf *out)
{
    struct xlsx_dialect xd = {src->sheet, src->sheet_no, src->header_row,
                              src->max_record};
    struct sink s = {.ctx = o,
                     .header = cap_header,
                     .record = o_record,
                     .reject = o_reject,
                     .clean_point = o_clean};
    read_xlsx(path, &xd, &s);
    if (!o->names)
        return false;
    for (size_t i = 0; i < o->nnames; i++) {
        size_t n = strlen(o->names[i]);
        char *q = tte_xmalloc(n * 2 + 3);
        size_t qn = csv_write(q, n * 2 + 3, o->names[i], n);
        if (i)
            tte_buf_addc(out, ',');
        tte_buf_add(out, q, qn);
        free(q);
        free(o->names[i]);
    }
    free(o->names);
    o->names = NULL;
    tte_buf_addc(out, '\n');
    return true;
}

/* Reads the edited raw text as one row of the file's source. */
static enum tte_err
read_one(struct source *src, const char *path, const char *raw, struct one *o)
{
    struct tte_buf text;
    struct input in;
    enum tte_err err = TTE_OK;
    struct csv_dialect d = {src->delim, src->quote, src->header};
    struct lines_dialect ld = {src->pattern,     src->pattern_text,
                               src->group_names, src->group_nos,
                               src->ngroups,     src->pairs,
                               src->pair_keys,   src->npair_keys};
    struct sink s = {.ctx = o,
                     .header = o_header,
                     .record = o_record,
                     .reject = o_reject,
                     .clean_point = o_clean};

    tte_buf_init(&text);
    if (src->format == FMT_CSV && src->header &&
        !first_line(src, path, &text)) {
        o_reject(o, 0,
                 "the original file's header cannot be read: is it "
                 "still there?",
                 NULL, 0);
        tte_buf_free(&text);
        return TTE_OK;
    }
    if (src->format == FMT_XLSX) {
        if (!xlsx_header(src, path, o, &text)) {
            o_reject(o, 0,
                     "the original workbook's header cannot be read: "
                     "is it still there?",
                     NULL, 0);
            tte_buf_free(&text);
            return TTE_OK;
        }
        o->v = V_NONE;
        d = (struct csv_dialect){',', '"', true};
    }
    tte_buf_adds(&text, raw);
    tte_buf_addc(&text, '\n');
    /* The raw text is UTF-8 already (as it was read): not decoded again. */
    FILE *fp = tmpfile();
    if (!fp || fwrite(text.data, 1, text.len, fp) != text.len ||
        fflush(fp) != 0) {
        log_err("cannot write a temporary file: %s", strerror(errno));
        if (fp)
            fclose(fp);
        tte_buf_free(&text);
        return TTE_E_IO;
    }
    input_open(&in, fp, o->file, NULL);
    in.max_line = src->max_record;
    if (src->format == FMT_JSONL)
        err = read_jsonl(&in, 0, 0, &s);
    else if (src->format == FMT_LINES)
        err = read_lines(&in, &ld, 0, 0, &s);
    else
        err = read_csv(&in, &d, 0, 0, &s);
    input_close(&in);
    fclose(fp);
    tte_buf_free(&text);
    /* A line that no longer matches the pattern is refused by the
     * reader as a file without matches: a reject like the others. */
    if (err == TTE_E_DATA && o->v != V_EVENT) {
        if (o->v == V_NONE)
            o_reject(o, 0, "the edited row cannot be read", NULL, 0);
        err = TTE_OK;
    }
    return err;
}

/* --- the database -------------------------------------------------------- */

struct found {
    long long reject_id, file_id;
    char *source, *def_path, *path;
    bool resolved;
};

static bool
find_reject(sqlite3 *db, const struct retry_row *r, struct found *f)
{
    char real[PATH_MAX];
    const char *p = realpath(r->file, real) ? real : r->file;
    sqlite3_stmt *st;
    bool hit = false;
    memset(f, 0, sizeof *f);
    if (sqlite3_prepare_v2(
            db,
            "SELECT r.id, f.id, f.source, f.def_path, f.path,"
            " r.resolved_at IS NOT NULL FROM rejects r"
            " JOIN files f ON f.id = r.file_id"
            " WHERE r.line = ?2 AND (f.path = ?1 OR r.file = ?1)"
            " ORDER BY r.resolved_at IS NOT NULL, r.id LIMIT 1",
            -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->line);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *def = (const char *)sqlite3_column_text(st, 3);
        f->reject_id = sqlite3_column_int64(st, 0);
        f->file_id = sqlite3_column_int64(st, 1);
        f->source = tte_xstrdup((const char *)sqlite3_column_text(st, 2));
        f->def_path = def ? tte_xstrdup(def) : NULL;
        f->path = tte_xstrdup((const char *)sqlite3_column_text(st, 4));
        f->resolved = sqlite3_column_int(st, 5);
        hit = true;
    }
    sqlite3_finalize(st);
    return hit;
}

static enum tte_err
exec_bind(sqlite3 *db, const char *sql, long long id, const char *a,
          const char *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_err("%s", sqlite3_errmsg(db));
        return TTE_E_IO;
    }
    sqlite3_bind_int64(st, 1, id);
    if (a)
        sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        log_err("%s", sqlite3_errmsg(db));
        return TTE_E_IO;
    }
    return TTE_OK;
}

/* The file's counts follow its rows: read stays, one reject less, one
 * event (or duplicate) more. */
static enum tte_err
resolve(sqlite3 *db, const struct found *f, bool dup)
{
    enum tte_err err = exec_bind(db,
                                 "UPDATE rejects SET resolved_at ="
                                 " strftime('%s', 'now') WHERE id = ?1",
                                 f->reject_id, NULL, NULL);
    if (!err)
        err = exec_bind(db,
                        dup ? "UPDATE files SET rejected = rejected - 1,"
                              " duplicates = duplicates + 1 WHERE id = ?1"
                            : "UPDATE files SET rejected = rejected - 1,"
                              " accepted = accepted + 1 WHERE id = ?1",
                        f->file_id, NULL, NULL);
    return err;
}

static void
found_free(struct found *f)
{
    free(f->source);
    free(f->def_path);
    free(f->path);
}

struct tally {
    long long retried, fixed, still, resolved_before, unknown;
};

/* The store's progress for a retried row: the row is counted by
 * resolve(), in the caller's transaction, so nothing is held or saved;
 * an event whose outcome waited learns it here. */
static void
p_hold(void *ctx)
{
    (void)ctx;
}

static enum tte_err
p_save(void *ctx, bool held)
{
    (void)ctx;
    (void)held;
    return TTE_OK;
}

static void
p_merged(void *ctx, bool dup)
{
    struct one *o = ctx;
    o->outcome = dup ? STORE_DUP : STORE_NEW;
}

static enum tte_err
retry_row(sqlite3 *db, struct store *store, const struct collect_opts *opt,
          struct retry_row *r, struct tally *t)
{
    struct found f;
    struct source *src = NULL;
    struct one o;
    enum tte_err err;

    if (!find_reject(db, r, &f)) {
        log_warn("%s:%zu: no such reject in the database; skipped", r->file,
                 r->line);
        t->unknown++;
        return TTE_OK;
    }
    if (f.resolved) {
        t->resolved_before++;
        found_free(&f);
        return TTE_OK;
    }
    err = source_load(f.def_path ? f.def_path : f.source, opt->zone, &src);
    if (err) {
        found_free(&f);
        return err;
    }
    memset(&o, 0, sizeof o);
    rowcheck_init(&o.rc, src);
    tte_buf_init(&o.why);
    o.file = f.path;
    o.store = store;
    o.line = r->line;
    t->retried++;
    /* Each row is a file of one row to the store, in this run's one
     * transaction (own_tx false): its event and key commit with the
     * reject's resolution, or not at all. */
    struct store_progress p = {
        .ctx = &o, .hold = p_hold, .save = p_save, .merged = p_merged};
    err = store_file_begin(store, false, &p);
    if (!err) {
        store_file_id(store, f.file_id);
        err = read_one(src, f.path, r->raw, &o);
        enum tte_err end = store_file_end(store,
                                          err ? STORE_ROLLBACK : STORE_COMMIT);
        err = err ? err : end;
    }
    if (!err && o.v == V_EVENT) {
        err = resolve(db, &f, o.outcome == STORE_DUP);
        t->fixed += !err;
    } else if (!err) {
        const char *why = o.why.data ? o.why.data : "rejected";
        log_err("%s:%zu: still rejected: %s", f.path, r->line, why);
        err = exec_bind(db,
                        "UPDATE rejects SET reason = ?2, raw = ?3"
                        " WHERE id = ?1",
                        f.reject_id, why, r->raw);
        t->still++;
    }
    rowcheck_free(&o.rc);
    tte_buf_free(&o.why);
    source_free(src);
    found_free(&f);
    return err;
}

int
collect_retry(const struct collect_opts *opt, const char *path)
{
    struct rows rows = {0};
    struct tally t = {0};
    sqlite3 *db = NULL;
    struct store *store = NULL;
    enum tte_err err = read_rows(path, &rows);

    if (!err)
        err = tte_db_open(opt->db_path, false, &db);
    if (!err)
        err = store_open(db, &store);
    /* A mark a stopped run left would hide a retried row of its file,
     * and take it out with the run's rows: first what a run does. */
    if (!err)
        err = store_settle(store);
    if (!err)
        err = tte_db_exec(db, "BEGIN IMMEDIATE");
    for (size_t i = 0; !err && i < rows.n; i++)
        err = retry_row(db, store, opt, &rows.v[i], &t);
    if (db && !err) {
        err = tte_db_exec(db, "COMMIT");
    } else if (db) {
        tte_db_exec(db, "ROLLBACK");
        store_forget(store);
    }
    if (!err)
        log_info("%s: %zu rows: %lld retried, %lld now events, %lld still "
                 "rejected, %lld resolved before, %lld not in the database",
                 path, rows.n, t.retried, t.fixed, t.still, t.resolved_before,
                 t.unknown);
    for (size_t i = 0; i < rows.n; i++) {
        free(rows.v[i].file);
        free(rows.v[i].reason);
        free(rows.v[i].raw);
    }
    free(rows.v);
    store_close(store);
    sqlite3_close(db);
    if (err)
        return tte_exit_code(err);
    return t.still ? tte_exit_code(TTE_E_DATA) : 0;
}
