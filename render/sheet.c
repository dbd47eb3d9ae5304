/*
 * One sheet of the template: its blocks written top to bottom, row by row
 * (the workbook runs in constant_memory mode, so rows only go forward).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_json.h"
#include "tte_log.h"

#define MAX_COLS 64

struct sheet {
    struct render *r;
    lxw_worksheet *ws;
    const char *name;
    const cJSON *spec;
    lxw_row_t row;
    lxw_col_t ncols;            /* the sheet's width: its widest table */
    size_t width[MAX_COLS];
    bool have_table;
    int index;
    int block;
};

static void
track(struct sheet *s, lxw_col_t col, size_t w)
{
    if (col < MAX_COLS && w > s->width[col])
        s->width[col] = w;
}

static void
put_text(struct sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
         lxw_format *f, bool measure)
{
    char *m = render_mask(s->r, text ? text : "", false);
    char *t = cell_text(m);
    free(m);
    /* write_string never turns "=..." into a formula: text stays text. */
    worksheet_write_string(s->ws, row, col, t, f);
    if (measure)
        track(s, col, cell_width(t));
    free(t);
}

static void
put_number(struct sheet *s, lxw_row_t row, lxw_col_t col, double v,
           lxw_format *f)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%.0f", v);
    worksheet_write_number(s->ws, row, col, v, f);
    track(s, col, (size_t)n + (size_t)n / 3);
}

static enum tte_err
query_error(struct sheet *s, const char *what)
{
    log_err("%s: sheets[%d].blocks[%d]: %s", s->r->tpl_path, s->index,
            s->block, what);
    return TTE_E_CONFIG;
}

/* A query that fails while it runs: where, then SQLite's reason (75 when
 * the database is busy, else 74). */
static enum tte_err
step_error(struct sheet *s, int rc)
{
    log_err("%s: sheets[%d].blocks[%d]: the query failed while running",
            s->r->tpl_path, s->index, s->block);
    return tte_db_err(s->r->db, rc);
}

static enum tte_err
prepare(struct sheet *s, const char *sql, sqlite3_stmt **out)
{
    struct render *r = s->r;
    const struct { const char *name; const char *v; } params[] = {
        {":period", r->period},
        {":year", tte_vars_get(&r->vars, "year")},
        {":quarter", tte_vars_get(&r->vars, "quarter")},
    };
    const char *tail = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, out, &tail) != SQLITE_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "query does not run: %s",
                 sqlite3_errmsg(r->db));
        return query_error(s, msg);
    }
    if (!render_sql_tail_empty(r->db, tail)) {
        sqlite3_finalize(*out);
        *out = NULL;
        return query_error(s, "a query is one statement: text after ';'");
    }
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        int k = sqlite3_bind_parameter_index(*out, params[i].name);
        if (k)
            sqlite3_bind_text(*out, k, params[i].v, -1, SQLITE_STATIC);
    }
    return TTE_OK;
}

/* Characters that fit across the sheet: fixed widths where the template
 * gives them, else a typical table column. */
static double
sheet_chars(const struct sheet *s)
{
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(s->spec, "columns");
    double sum = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(fixed, c), "width");
        sum += cJSON_IsNumber(w) ? w->valuedouble : 11;
    }
    return sum;
}

/* A line of prose: merged across the sheet and wrapped, so that it
 * neither runs off the printed page nor widens it. */
static void
put_prose(struct sheet *s, const char *text, lxw_format *f)
{
    char *t = cell_text(text);
    double lines = (double)cell_width(t) / sheet_chars(s) + 1;
    double height = (f == s->r->fmt.title ? 20 : 15) * (int)lines;
    worksheet_set_row(s->ws, s->row, height, NULL);
    if (s->ncols > 1)
        worksheet_merge_range(s->ws, s->row, 0, s->row, s->ncols - 1, t, f);
    else
        worksheet_write_string(s->ws, s->row, 0, t, f);
    s->row++;
    free(t);
}

static void
text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    const char *text = tte_json_str(b, "text", "");
    char *t = tte_expand(text, &s->r->vars, s->r->config);
    put_prose(s, t, f);
    free(t);
}

static enum tte_err scalar(struct sheet *s, const char *sql,
                           sqlite3_stmt **out);

/* Prose whose text the data decides ("query" returns it): a sentence
 * that names what it is about, or nothing when the query returns NULL. */
static enum tte_err
query_text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    sqlite3_stmt *st;
    enum tte_err err = scalar(s, tte_json_str(b, "query", ""), &st);
    if (err)
        return err;
    const char *v = (const char *)sqlite3_column_text(st, 0);
    if (v && *v) {
        char *t = tte_expand(v, &s->r->vars, s->r->config);
        put_prose(s, t, f);
        free(t);
    }
    sqlite3_finalize(st);
    return TTE_OK;
}

static enum tte_err
scalar(struct sheet *s, const char *sql, sqlite3_stmt **out)
{
    enum tte_err err = prepare(s, sql, out);
    if (err)
        return err;
    int rc = sqlite3_step(*out);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(*out);
        return rc == SQLITE_DONE ? query_error(s, "query returned no row")
                                 : step_error(s, rc);
    }
    return TTE_OK;
}

static enum tte_err
warning_block(struct sheet *s, const cJSON *b)
{
    sqlite3_stmt *st;
    enum tte_err err = scalar(s, tte_json_str(b, "when", ""), &st);
    if (err)
        return err;
    bool on = sqlite3_column_int64(st, 0) != 0;
    sqlite3_finalize(st);
    if (on && cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, s->r->fmt.warning);
    if (on)
        text_block(s, b, s->r->fmt.warning);
    return TTE_OK;
}

/* "YYYY-MM-DD..." as "31 Desember 2025"; anything else as it is. */
static const char *
date_text(struct sheet *s, const char *v, char *buf, size_t n)
{
    int y, mo, d;
    if (!v || sscanf(v, "%4d-%2d-%2d", &y, &mo, &d) != 3)
        return v;
    tte_format_date(y, mo, d, tte_json_get(s->r->tpl, "labels.months"), buf,
                    n);
    return buf;
}

static void
pair_value(struct sheet *s, sqlite3_stmt *st, int col, const char *fmt)
{
    bool count = fmt && strcmp(fmt, "count") == 0;
    char buf[96];

    if (fmt && strcmp(fmt, "date") == 0)
        put_text(s, s->row, 1, date_text(s, (const char *)
                                         sqlite3_column_text(st, col), buf,
                                         sizeof buf),
                 s->r->fmt.text, true);
    else if (count && sqlite3_column_type(st, col) != SQLITE_TEXT)
        put_number(s, s->row, 1, sqlite3_column_double(st, col),
                   s->r->fmt.count);
    else
        put_text(s, s->row, 1, (const char *)sqlite3_column_text(st, col),
                 s->r->fmt.text, true);
}

static enum tte_err
pair_row(struct sheet *s, const cJSON *row, const char *format)
{
    const char *label = tte_json_str(row, "label", "");
    const char *value = tte_json_str(row, "value", NULL);
    const char *sql = tte_json_str(row, "query", NULL);
    const char *fmt = tte_json_str(row, "format", format);

    put_text(s, s->row, 0, label, s->r->fmt.label, true);
    if (sql) {
        sqlite3_stmt *st;
        enum tte_err err = scalar(s, sql, &st);
        if (err)
            return err;
        pair_value(s, st, 0, fmt);
        sqlite3_finalize(st);
    } else {
        char *t = tte_expand(value ? value : "", &s->r->vars, s->r->config);
        put_text(s, s->row, 1, t, s->r->fmt.text, true);
        free(t);
    }
    s->row++;
    return TTE_OK;
}

static enum tte_err
pairs_block(struct sheet *s, const cJSON *b)
{
    const char *format = tte_json_str(b, "format", NULL);
    const char *sql = tte_json_str(b, "query", NULL);
    const cJSON *row;
    enum tte_err err = TTE_OK;

    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(b, "rows")) {
        err = pair_row(s, row, format);
        if (err)
            return err;
    }
    if (!sql)
        return TTE_OK;
    sqlite3_stmt *st;
    err = prepare(s, sql, &st);
    if (err)
        return err;
    if (sqlite3_column_count(st) != 2) {
        sqlite3_finalize(st);
        return query_error(s, "a pairs query returns two columns");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        put_text(s, s->row, 0, (const char *)sqlite3_column_text(st, 0),
                 s->r->fmt.label, true);
        pair_value(s, st, 1, format);
        s->row++;
    }
    sqlite3_finalize(st);
    /* A query that fails half-way must not leave a shorter list. */
    return rc == SQLITE_DONE ? TTE_OK : step_error(s, rc);
}

/* --- tables -------------------------------------------------------------- */

struct table {
    const cJSON *cols;
    int ncols;
    lxw_row_t header_row;
    lxw_row_t first, last;      /* data rows, last < first when empty */
    double total[MAX_COLS];
};

static void
table_cell(struct sheet *s, struct table *t, sqlite3_stmt *st, int c)
{
    const cJSON *col = cJSON_GetArrayItem(t->cols, c);
    const char *fmt = tte_json_str(col, "format", "text");
    const char *v = (const char *)sqlite3_column_text(st, c);
    char buf[96];

    if (sqlite3_column_type(st, c) == SQLITE_NULL) {
        worksheet_write_blank(s->ws, s->row, (lxw_col_t)c, s->r->fmt.text);
        return;
    }
    if (strcmp(fmt, "count") == 0) {
        double n = sqlite3_column_double(st, c);
        t->total[c] += n;
        put_number(s, s->row, (lxw_col_t)c, n, s->r->fmt.count);
        return;
    }
    if (strcmp(fmt, "nik") == 0 && !s->r->unmask_nik) {
        tte_mask_nik(v, buf, sizeof buf);
        v = buf;
    } else if (!s->r->unmask_nik &&
               render_nik_column(tte_json_str(col, "header", ""),
                                 sqlite3_column_name(st, c))) {
        /* A template cannot show NIKs by naming the format otherwise. */
        char *m = render_mask(s->r, v, true);
        put_text(s, s->row, (lxw_col_t)c, m, s->r->fmt.text, true);
        free(m);
        return;
    } else if (strcmp(fmt, "month") == 0) {
        const cJSON *m = cJSON_GetArrayItem(
            tte_json_get(s->r->tpl, "labels.months"),
            sqlite3_column_int(st, c) - 1);
        v = cJSON_IsString(m) ? m->valuestring : v;
    } else if (strcmp(fmt, "date") == 0) {
        v = date_text(s, v, buf, sizeof buf);
    }
    put_text(s, s->row, (lxw_col_t)c, v, s->r->fmt.text, true);
}

static void
table_header(struct sheet *s, struct table *t)
{
    /* Columns are as wide as their data and their headers' longest word;
     * a longer header wraps onto a second line, which needs the row's height set before it is written
     * (constant_memory). */
    bool two_lines = false;
    for (int c = 0; c < t->ncols; c++) {
        const char *h = tte_json_str(cJSON_GetArrayItem(t->cols, c),
                                     "header", "");
        two_lines |= cell_width(h) > cell_longest_run(h, ' ') + 4;
    }
    worksheet_set_row(s->ws, s->row, two_lines ? 30 : 15, NULL);
    t->header_row = s->row;
    for (int c = 0; c < t->ncols; c++) {
        const char *h = tte_json_str(cJSON_GetArrayItem(t->cols, c),
                                     "header", "");
        put_text(s, s->row, (lxw_col_t)c, h, s->r->fmt.header, false);
        track(s, (lxw_col_t)c, cell_longest_run(h, ' '));
    }
    s->row++;
}

/* A column's total is the sum of its rows ("total": true) or, for a
 * count that is not additive (distinct people), a query of its own. */
static enum tte_err
table_total(struct sheet *s, struct table *t, const cJSON *b)
{
    const char *label = tte_json_str(b, "total_label", NULL);
    const cJSON *lc = cJSON_GetObjectItemCaseSensitive(b, "total_label_column");
    if (!label)
        return TTE_OK;
    for (int c = 0; c < t->ncols; c++) {
        const cJSON *col = cJSON_GetArrayItem(t->cols, c);
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(col, "total");
        if (cJSON_IsString(total)) {
            sqlite3_stmt *st;
            enum tte_err err = scalar(s, total->valuestring, &st);
            if (err)
                return err;
            put_number(s, s->row, (lxw_col_t)c,
                       sqlite3_column_double(st, 0), s->r->fmt.total_count);
            sqlite3_finalize(st);
        } else if (cJSON_IsTrue(total))
            put_number(s, s->row, (lxw_col_t)c, t->total[c],
                       s->r->fmt.total_count);
        else if (c == (cJSON_IsNumber(lc) ? lc->valueint : 0))
            put_text(s, s->row, (lxw_col_t)c, label, s->r->fmt.total_text,
                     true);
        else
            worksheet_write_blank(s->ws, s->row, (lxw_col_t)c,
                                  s->r->fmt.total_text);
    }
    s->row++;
    return TTE_OK;
}

static void
table_chart(struct sheet *s, const struct table *t, const cJSON *spec)
{
    const char *type = tte_json_str(spec, "type", "column");
    uint8_t kind = strcmp(type, "line") == 0  ? LXW_CHART_LINE
                   : strcmp(type, "bar") == 0 ? LXW_CHART_BAR
                                              : LXW_CHART_COLUMN;
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(spec, "categories");
    const cJSON *v;
    lxw_chart *chart;

    if (t->last < t->first)
        return;
    chart = workbook_add_chart(s->r->wb, kind);
    char *title = tte_expand(tte_json_str(spec, "title", ""), &s->r->vars,
                             s->r->config);
    chart_title_set_name(chart, title);
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "series")) {
        lxw_chart_series *ser = chart_add_series(chart, NULL, NULL);
        chart_series_set_categories(ser, s->name, t->first,
                                    (lxw_col_t)cat->valueint, t->last,
                                    (lxw_col_t)cat->valueint);
        chart_series_set_values(ser, s->name, t->first,
                                (lxw_col_t)v->valueint, t->last,
                                (lxw_col_t)v->valueint);
        chart_series_set_name_range(ser, s->name, t->header_row,
                                    (lxw_col_t)v->valueint);
    }
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_offset = 0, .y_offset = 10};
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(spec, "width");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(spec, "height");
    double height = 288, width = 480;
    if (cJSON_IsNumber(w) && cJSON_IsNumber(h)) {
        width = w->valuedouble;
        height = h->valuedouble;
    }
    /* No wider than the table (about 7 pixels a character), so the
     * page is not scaled down for the chart. */
    if (width > sheet_chars(s) * 7)
        width = sheet_chars(s) * 7;
    opt.x_scale = width / 480.0;
    opt.y_scale = height / 288.0;
    /* Below the table and within its width, so it prints on the page. */
    worksheet_insert_chart_opt(s->ws, s->row, 0, chart, &opt);
    s->row += (lxw_row_t)(height / 20) + 2;
    free(title);
}

/* The first table of a sheet gets the frozen header, the autofilter and
 * the header repeated on every printed page. */
static void
first_table_setup(struct sheet *s, const struct table *t)
{
    if (s->have_table)
        return;
    s->have_table = true;
    worksheet_freeze_panes(s->ws, t->header_row + 1, 0);
    worksheet_autofilter(s->ws, t->header_row, 0,
                         t->last >= t->first ? t->last : t->header_row,
                         (lxw_col_t)t->ncols - 1);
    worksheet_repeat_rows(s->ws, t->header_row, t->header_row);
}

static enum tte_err
table_block(struct sheet *s, const cJSON *b)
{
    struct table t = {.cols = cJSON_GetObjectItemCaseSensitive(b, "columns")};
    sqlite3_stmt *st;
    enum tte_err err;
    int rc;

    t.ncols = cJSON_GetArraySize(t.cols);
    if (t.ncols > MAX_COLS)
        return query_error(s, "a table has at most 64 columns");
    err = prepare(s, tte_json_str(b, "query", ""), &st);
    if (err)
        return err;
    if (sqlite3_column_count(st) != t.ncols) {
        char msg[128];
        snprintf(msg, sizeof msg, "the query returns %d columns but %d "
                 "are declared", sqlite3_column_count(st), t.ncols);
        sqlite3_finalize(st);
        return query_error(s, msg);
    }
    table_header(s, &t);
    t.first = s->row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->row >= LXW_ROW_MAX) {
            sqlite3_finalize(st);
            return query_error(s, "the query returns more rows than a "
                               "sheet holds (1,048,576)");
        }
        for (int c = 0; c < t.ncols; c++)
            table_cell(s, &t, st, c);
        s->row++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return step_error(s, rc);
    t.last = s->row - 1;
    if (t.last < t.first) {
        const char *empty = tte_json_str(s->r->tpl, "labels.empty", "");
        put_prose(s, empty, s->r->fmt.note);
    }
    first_table_setup(s, &t);
    err = table_total(s, &t, b);
    if (err)
        return err;
    const cJSON *chart = cJSON_GetObjectItemCaseSensitive(b, "chart");
    if (chart)
        table_chart(s, &t, chart);
    return TTE_OK;
}

/* --- the sheet ----------------------------------------------------------- */

static enum tte_err
write_block(struct sheet *s, const cJSON *b)
{
    const char *type = tte_json_str(b, "type", "");
    const struct formats *f = &s->r->fmt;

    if (strcmp(type, "title") == 0)
        text_block(s, b, f->title);
    else if (strcmp(type, "note") == 0 &&
             cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, f->note);
    else if (strcmp(type, "note") == 0)
        text_block(s, b, f->note);
    else if (strcmp(type, "section") == 0)
        text_block(s, b, f->section);
    else if (strcmp(type, "blank") == 0)
        s->row++;
    else if (strcmp(type, "warning") == 0)
        return warning_block(s, b);
    else if (strcmp(type, "pairs") == 0)
        return pairs_block(s, b);
    else if (strcmp(type, "table") == 0)
        return table_block(s, b);
    return TTE_OK;
}

static void
page_setup(struct sheet *s)
{
    struct render *r = s->r;
    const char *hdr = r->preview ? tte_json_str(r->tpl, "preview.header", "")
                                 : tte_json_str(r->tpl, "header", "");
    char *h = tte_expand(hdr, &r->vars, r->config);
    char *f = tte_expand(tte_json_str(r->tpl, "footer", "&CHalaman &P dari &N"),
                         &r->vars, r->config);
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9);      /* A4 */
    worksheet_fit_to_pages(s->ws, 1, 0);
    render_header_fit(h, "header");
    render_header_fit(f, "footer");
    worksheet_set_header(s->ws, h);
    worksheet_set_footer(s->ws, f);
    free(h);
    free(f);
}

static void
set_widths(struct sheet *s, const cJSON *sheet)
{
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(sheet, "columns");
    for (int c = 0; c < MAX_COLS; c++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(fixed, c), "width");
        double width = (double)s->width[c] + 2;
        if (cJSON_IsNumber(w))
            width = w->valuedouble;
        else if (!s->width[c])
            continue;
        if (width < 6)
            width = 6;
        if (width > 60)
            width = 60;
        worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
    }
}

/* The widest table of the sheet, or its fixed columns; at least two. */
static lxw_col_t
sheet_width(const cJSON *spec)
{
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(spec,
                                                                "columns"));
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(spec, "blocks")) {
        int k = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b,
                                                                    "columns"));
        if (k > n)
            n = k;
    }
    if (n > MAX_COLS)
        n = MAX_COLS;
    return (lxw_col_t)(n < 2 ? 2 : n);
}

enum tte_err
sheet_write(struct render *r, const cJSON *spec, int index)
{
    struct sheet s = {.r = r, .index = index};
    const cJSON *b;
    enum tte_err err = TTE_OK;

    s.name = tte_json_str(spec, "name", "");
    s.ws = workbook_add_worksheet(r->wb, s.name);
    if (!s.ws) {
        log_err("%s: sheets[%d].name: cannot add sheet '%s'", r->tpl_path,
                index, s.name);
        return TTE_E_CONFIG;
    }
    s.spec = spec;
    s.ncols = sheet_width(spec);
    page_setup(&s);
    if (r->preview) {
        const char *mark = tte_json_str(r->tpl, "preview.mark", "");
        char *m = tte_expand(mark, &r->vars, r->config);
        put_prose(&s, m, r->fmt.preview);
        free(m);
    }
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(spec, "blocks")) {
        err = write_block(&s, b);
        if (err)
            break;
        s.block++;
    }
    set_widths(&s, spec);
    return err;
}
