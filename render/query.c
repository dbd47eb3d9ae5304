/*
 * What every output asks of a template's queries, and how a value reads:
 * the statement prepared and bound, a block's "when", a query's text, a
 * cell's text (masked NIK, month names, dates). The XLSX writer (sheet.c)
 * and the HTML writer (html.c) both call these, so that the two show the
 * same texts and the same numbers; they only lay them out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "mask.h"
#include "query.h"
#include "render.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_json.h"
#include "tte_log.h"

enum tte_err
render_sql_error(const struct render_at *at, const char *what)
{
    log_err("%s: sheets[%d].blocks[%d]: %s", at->r->tpl_path, at->sheet,
            at->block, what);
    return TTE_E_CONFIG;
}

/* A query that fails while it runs: where, then SQLite's reason (75 when
 * the database is busy, else 74). */
enum tte_err
render_sql_step_error(const struct render_at *at, int rc)
{
    log_err("%s: sheets[%d].blocks[%d]: the query failed while running",
            at->r->tpl_path, at->sheet, at->block);
    return tte_db_err(at->r->db, rc);
}

enum tte_err
render_sql_prepare(const struct render_at *at, const char *sql,
                   sqlite3_stmt **out)
{
    struct render *r = at->r;
    const struct {
        const char *name;
        const char *v;
    } params[] = {
        {":period", r->period.key},
        {":year", tte_vars_get(&r->vars, "year")},
        {":quarter", tte_vars_get(&r->vars, "quarter")},
        {":as_of", r->as_of_day},
    };
    const char *tail = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, out, &tail) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "query does not run: %s",
                 sqlite3_errmsg(r->db));
        return render_sql_error(at, msg);
    }
    if (!render_sql_tail_empty(r->db, tail)) {
        sqlite3_finalize(*out);
        *out = NULL;
        return render_sql_error(at, "a query is one statement: text after "
                                    "';'");
    }
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        int k = sqlite3_bind_parameter_index(*out, params[i].name);
        if (k)
            sqlite3_bind_text(*out, k, params[i].v, -1, SQLITE_STATIC);
    }
    return TTE_OK;
}

enum tte_err
render_sql_scalar(const struct render_at *at, const char *sql,
                  sqlite3_stmt **out)
{
    enum tte_err err = render_sql_prepare(at, sql, out);
    if (err)
        return err;
    int rc = sqlite3_step(*out);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(*out);
        return rc == SQLITE_DONE
                   ? render_sql_error(at, "query returned no row")
                   : render_sql_step_error(at, rc);
    }
    return TTE_OK;
}

enum tte_err
render_sql_when(const struct render_at *at, const cJSON *b, bool *on)
{
    const char *when = tte_json_str(b, "when", NULL);
    sqlite3_stmt *st;
    *on = true;
    /* A preview is not for signing: no approval block. */
    if (at->r->preview &&
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "approval")))
        *on = false;
    if (!when || !*on)
        return TTE_OK;
    enum tte_err err = render_sql_scalar(at, when, &st);
    if (err)
        return err;
    *on = sqlite3_column_int64(st, 0) != 0;
    sqlite3_finalize(st);
    return TTE_OK;
}

enum tte_err
render_sql_text(const struct render_at *at, const char *sql, char **out)
{
    sqlite3_stmt *st;
    enum tte_err err = render_sql_scalar(at, sql, &st);
    *out = NULL;
    if (err)
        return err;
    const char *v = (const char *)sqlite3_column_text(st, 0);
    if (v && *v)
        *out = render_expand(at->r, v);
    sqlite3_finalize(st);
    return TTE_OK;
}

/* A query that must return ncols columns; what names them in the error. */
static enum tte_err
prepare_cols(const struct render_at *at, const char *sql, int ncols,
             const char *what, sqlite3_stmt **out)
{
    enum tte_err err = render_sql_prepare(at, sql, out);
    if (err || sqlite3_column_count(*out) == ncols)
        return err;
    char msg[128];
    snprintf(msg, sizeof msg, what, sqlite3_column_count(*out), ncols);
    sqlite3_finalize(*out);
    *out = NULL;
    return render_sql_error(at, msg);
}

enum tte_err
render_sql_table(const struct render_at *at, const cJSON *b,
                 sqlite3_stmt **out)
{
    int ncols = cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(b, "columns"));
    if (ncols > RENDER_MAX_COLS)
        return render_sql_error(at, "a table has at most 64 columns");
    return prepare_cols(at, tte_json_str(b, "query", ""), ncols,
                        "the query returns %d columns but %d are declared",
                        out);
}

enum tte_err
render_sql_pairs(const struct render_at *at, const char *sql,
                 sqlite3_stmt **out)
{
    return prepare_cols(at, sql, 2, "a pairs query returns two columns", out);
}

/* --- texts --------------------------------------------------------------- */

char *
render_expand(const struct render *r, const char *text)
{
    return tte_expand(text, &r->vars, r->config);
}

char *
render_preview_mark(const struct render *r)
{
    const char *key = r->as_of >= r->period_end && r->period_end
                          ? "preview.mark_ended"
                          : "preview.mark";
    const char *mark = tte_json_str(r->tpl, key, NULL);
    if (!mark)
        mark = tte_json_str(r->tpl, "preview.mark", "");
    return render_expand(r, mark);
}

const char *
render_date_text(const struct render *r, const char *v, char *buf, size_t n)
{
    int y, mo, d;
    if (!v || sscanf(v, "%4d-%2d-%2d", &y, &mo, &d) != 3)
        return v;
    tte_format_date(y, mo, d, tte_json_get(r->tpl, "labels.months"), buf, n);
    return buf;
}

const char *
render_col_format(const cJSON *col)
{
    return tte_json_str(col, "format", "text");
}

bool
render_is_number(const char *fmt)
{
    return strcmp(fmt, "count") == 0 || strcmp(fmt, "change") == 0;
}

const char *
render_cell_text(const struct render *r, const cJSON *col, sqlite3_stmt *st,
                 int c, struct render_text *out)
{
    const char *fmt = render_col_format(col);
    const char *v = (const char *)sqlite3_column_text(st, c);
    if (strcmp(fmt, "nik") == 0 && !r->unmask_nik) {
        tte_mask_nik(v, out->buf, sizeof out->buf);
        v = out->buf;
    } else if (!r->unmask_nik &&
               render_nik_column(tte_json_str(col, "header", ""),
                                 sqlite3_column_name(st, c))) {
        /* A template cannot show NIKs by naming the format otherwise. */
        out->owned = render_mask(r, v, true);
        v = out->owned;
    } else if (strcmp(fmt, "month") == 0) {
        const cJSON *m = cJSON_GetArrayItem(tte_json_get(r->tpl,
                                                         "labels.months"),
                                            sqlite3_column_int(st, c) - 1);
        v = cJSON_IsString(m) ? m->valuestring : v;
    } else if (strcmp(fmt, "date") == 0) {
        v = render_date_text(r, v, out->buf, sizeof out->buf);
    }
    return v;
}

/* A value from a query's column: a number when its format is count and
 * it is not text; else its text, a date formatted. */
static void
pair_value(const struct render *r, sqlite3_stmt *st, int col, const char *fmt,
           struct render_pair *p, struct render_text *buf)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    p->is_number = fmt && strcmp(fmt, "count") == 0 &&
                   sqlite3_column_type(st, col) != SQLITE_TEXT;
    p->number = sqlite3_column_double(st, col);
    if (fmt && strcmp(fmt, "date") == 0)
        v = render_date_text(r, v, buf->buf, sizeof buf->buf);
    p->text = v;
}

/* An empty value of a block with a "missing" mark shows the mark (the
 * cell is to be filled in); a "signature" row stays empty, tall enough
 * for a wet or electronic signature. */
static void
pair_fill(const cJSON *row, const char *missing, struct render_pair *p)
{
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "signature"))) {
        p->height = RENDER_SIGNATURE_HEIGHT;
        return;
    }
    if (missing && *missing && (!p->text || !*p->text)) {
        p->text = missing;
        p->missing = true;
    }
}

/* One of a pairs block's "rows": a query's value or a template text. */
static enum tte_err
pair_row(const struct render_at *at, const cJSON *row, const char *format,
         const char *missing, render_pair_fn *fn, void *ctx)
{
    char *label = render_expand(at->r, tte_json_str(row, "label", ""));
    const char *sql = tte_json_str(row, "query", NULL);
    struct render_pair p = {.label = label};
    struct render_text buf;
    enum tte_err err = TTE_OK;

    if (sql) {
        sqlite3_stmt *st;
        err = render_sql_scalar(at, sql, &st);
        if (!err) {
            pair_value(at->r, st, 0, tte_json_str(row, "format", format), &p,
                       &buf);
            fn(ctx, &p);
            sqlite3_finalize(st);
        }
    } else {
        char *t = render_expand(at->r, tte_json_str(row, "value", ""));
        p.text = t;
        pair_fill(row, missing, &p);
        fn(ctx, &p);
        free(t);
    }
    free(label);
    return err;
}

enum tte_err
render_pairs(const struct render_at *at, const cJSON *b, render_pair_fn *fn,
             void *ctx)
{
    const char *format = tte_json_str(b, "format", NULL);
    const char *sql = tte_json_str(b, "query", NULL);
    const char *missing = tte_json_str(b, "missing", NULL);
    const cJSON *row;
    sqlite3_stmt *st;
    enum tte_err err;
    int rc;

    cJSON_ArrayForEach (row, cJSON_GetObjectItemCaseSensitive(b, "rows")) {
        bool on;
        err = render_sql_when(at, row, &on);
        if (!err && on)
            err = pair_row(at, row, format, missing, fn, ctx);
        if (err)
            return err;
    }
    if (!sql)
        return TTE_OK;
    err = render_sql_pairs(at, sql, &st);
    if (err)
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct render_pair p = {
            .label = (const char *)sqlite3_column_text(st, 0)};
        struct render_text buf;
        pair_value(at->r, st, 1, format, &p, &buf);
        fn(ctx, &p);
    }
    sqlite3_finalize(st);
    /* A query that fails half-way must not leave a shorter list. */
    return rc == SQLITE_DONE ? TTE_OK : render_sql_step_error(at, rc);
}
