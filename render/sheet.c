/*
 * One sheet of the template: its blocks written top to bottom, row by row
 * (the workbook runs in constant_memory mode, so rows only go forward).
 *
 * A sheet is walked twice. The first walk only measures: the columns'
 * widths follow from their longest texts. The widths give the page's
 * orientation and scale, and the second walk writes, giving every row
 * the height its wrapped text needs and breaking pages itself so that a
 * heading stays with its text and a chart stays whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_json.h"
#include "tte_log.h"

/* --- libxlsxwriter calls ------------------------------------------------- */

/* Every libxlsxwriter call that can fail goes through here: a lost cell
 * must stop the render, with the sheet and the cell. */
bool
sheet_lxw_ok(struct sheet *s, lxw_error e, lxw_row_t row, lxw_col_t col,
             const char *call)
{
    char cell[16];
    if (e == LXW_NO_ERROR)
        return true;
    lxw_rowcol_to_cell(cell, row, col);
    if (!s->err && row == NO_CELL)
        log_err("%s: sheet '%s': %s: %s", s->r->tpl_path, s->name, call,
                lxw_strerror(e));
    else if (!s->err)
        log_err("%s: sheet '%s' cell %s: %s: %s", s->r->tpl_path, s->name,
                cell, call, lxw_strerror(e));
    s->err = TTE_E_CANTCREAT;
    return false;
}

static void
track(struct sheet *s, lxw_col_t col, size_t w)
{
    if (s->measure && col < MAX_COLS && w > s->width[col])
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
    if (!s->measure)
        sheet_lxw_ok(s, worksheet_write_string(s->ws, row, col, t, f), row,
                     col, "worksheet_write_string");
    if (measure)
        track(s, col, cell_width(t));
    free(t);
}

static void
put_number(struct sheet *s, lxw_row_t row, lxw_col_t col, double v,
           lxw_format *f)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%+.0f", v);
    if (!s->measure)
        sheet_lxw_ok(s, worksheet_write_number(s->ws, row, col, v, f), row,
                     col, "worksheet_write_number");
    track(s, col, (size_t)n + (size_t)n / 3);
}

static void
put_blank(struct sheet *s, lxw_row_t row, lxw_col_t col, lxw_format *f)
{
    if (!s->measure)
        sheet_lxw_ok(s, worksheet_write_blank(s->ws, row, col, f), row, col,
                     "worksheet_write_blank");
}

/* --- queries (query.c) -------------------------------------------------- */

static struct render_at
at(const struct sheet *s)
{
    return (struct render_at){.r = s->r, .sheet = s->index,
                              .block = s->block};
}

/* --- prose --------------------------------------------------------------- */

/* Characters that fit across the sheet. */
static double
sheet_chars(const struct sheet *s)
{
    double sum = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        sum += s->colw[c] > 0 ? s->colw[c] : 8.43;
    return sum;
}

static double
prose_height(const struct sheet *s, const char *text, lxw_format *f)
{
    const struct formats *fm = &s->r->fmt;
    double pt = f == fm->title ? 14 : f == fm->preview ? 12 : 11;
    /* Larger and bold letters: fewer of them across the same width. */
    bool bold = f != fm->note;
    double chars = sheet_chars(s) * 11 / pt * (bold ? 0.9 : 1);
    return cell_lines(text, chars) * cell_line_height(pt) + 2;
}

/* A line of prose: merged across the sheet and wrapped, so that it
 * neither runs off the printed page nor widens it. */
static void
put_prose(struct sheet *s, const char *text, lxw_format *f)
{
    char *m = render_mask(s->r, text ? text : "", false);
    char *t = cell_text(m);
    free(m);
    if (!s->measure) {
        sheet_need_space(s, prose_height(s, t, f));
        if (s->ncols > 1)
            sheet_lxw_ok(s, worksheet_merge_range(s->ws, s->row, 0, s->row,
                                                  s->ncols - 1, t, f),
                         s->row, 0, "worksheet_merge_range");
        else
            put_text(s, s->row, 0, t, f, false);
    }
    sheet_next_row(s, prose_height(s, t, f));
    free(t);
}

char *
sheet_expand(struct sheet *s, const char *text)
{
    return render_expand(s->r, text);
}

static void
text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    char *t = sheet_expand(s, tte_json_str(b, "text", ""));
    put_prose(s, t, f);
    free(t);
}

/* Prose whose text the data decides ("query" returns it): a sentence
 * that names what it is about, or nothing when the query returns NULL. */
static enum tte_err
query_text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    struct render_at a = at(s);
    char *t;
    enum tte_err err = render_sql_text(&a, tte_json_str(b, "query", ""), &t);
    if (!err && t)
        put_prose(s, t, f);
    free(t);
    return err;
}

static enum tte_err
title_block(struct sheet *s, const cJSON *b)
{
    text_block(s, b, s->r->fmt.title);
    return TTE_OK;
}

static enum tte_err
note_block(struct sheet *s, const cJSON *b)
{
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, s->r->fmt.note);
    text_block(s, b, s->r->fmt.note);
    return TTE_OK;
}

static enum tte_err
warning_block(struct sheet *s, const cJSON *b)
{
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, s->r->fmt.warning);
    text_block(s, b, s->r->fmt.warning);
    return TTE_OK;
}

static enum tte_err
blank_block(struct sheet *s, const cJSON *b)
{
    (void)b;
    sheet_next_row(s, 15);
    return TTE_OK;
}

static double
pair_height(struct sheet *s, const char *label, const char *value)
{
    int a = cell_lines(label ? label : "", s->colw[0]);
    int b = cell_lines(value ? value : "", s->colw[1]);
    return (a > b ? a : b) * 15.0;
}

/* A list of label-value rows short enough to keep on one page: their
 * height (a query row counted as one line); else the first three rows. */
static double
pairs_height(struct sheet *s, const cJSON *b)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(b, "rows");
    const cJSON *row;
    double h = 0;
    int n = 0;

    cJSON_ArrayForEach(row, rows) {
        char *label = sheet_expand(s, tte_json_str(row, "label", ""));
        char *value = sheet_expand(s, tte_json_str(row, "value", ""));
        double ph = pair_height(s, label, value);
        /* A signature row is tall: it stays with its block. */
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "signature"))
            && ph < RENDER_SIGNATURE_HEIGHT)
            ph = RENDER_SIGNATURE_HEIGHT;
        h += ph;
        free(label);
        free(value);
        n++;
    }
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return n ? h : 45;
    return n <= 8 ? h : 45;
}

/* Points the start of block b takes: what must follow a heading onto its
 * page. */
static double
block_start_height(struct sheet *s, const cJSON *b)
{
    const struct block_type *t = block_type_find(
        tte_json_str(b, "type", ""));
    if (!b || !t)
        return 0;
    /* Text a query returns is not known yet: count on a short paragraph
     * (a heading must not stay behind alone). */
    if ((t->needs & BLOCK_QUERY_TEXT) &&
        cJSON_GetObjectItemCaseSensitive(b, "query"))
        return 4 * cell_line_height(11) + 2;
    if (t->needs & BLOCK_TEXT) {
        char *x = sheet_expand(s, tte_json_str(b, "text", ""));
        double h = prose_height(s, x, s->r->fmt.note);
        free(x);
        return h;
    }
    if (t->needs & BLOCK_TABLE)
        return 45 + 15;
    if (t->needs & BLOCK_PAIRS)
        return pairs_height(s, b);
    return 15;
}

static enum tte_err
section_block(struct sheet *s, const cJSON *b)
{
    char *t = sheet_expand(s, tte_json_str(b, "text", ""));
    /* Heading and the start of its text on one page. */
    if (!s->measure)
        sheet_need_space(s, prose_height(s, t, s->r->fmt.section) +
                                block_start_height(s, b->next));
    put_prose(s, t, s->r->fmt.section);
    free(t);
    return TTE_OK;
}

/* --- pairs --------------------------------------------------------------- */

static void
pair_write(void *ctx, const struct render_pair *p)
{
    struct sheet *s = ctx;
    put_text(s, s->row, 0, p->label, s->r->fmt.label, true);
    double h = pair_height(s, p->label, p->is_number ? "" : p->text);
    if (p->is_number)
        put_number(s, s->row, 1, p->number, s->r->fmt.count);
    else
        put_text(s, s->row, 1, p->text,
                 p->missing ? s->r->fmt.missing : s->r->fmt.text, true);
    sheet_next_row(s, h > p->height ? h : p->height);
}

static enum tte_err
pairs_block(struct sheet *s, const cJSON *b)
{
    struct render_at a = at(s);
    /* A short list stays on one page. */
    if (!s->measure)
        sheet_need_space(s, pairs_height(s, b));
    return render_pairs(&a, b, pair_write, s);
}

/* --- tables -------------------------------------------------------------- */

static const char *
col_format(const struct table *t, int c)
{
    return render_col_format(cJSON_GetArrayItem(t->cols, c));
}

static void
table_row(struct sheet *s, struct table *t, sqlite3_stmt *st)
{
    struct render_text buf[MAX_COLS];
    const char *text[MAX_COLS];
    int lines = 1;

    for (int c = 0; c < t->ncols; c++) {
        const char *fmt = col_format(t, c);
        text[c] = NULL;
        buf[c].owned = NULL;
        if (sqlite3_column_type(st, c) == SQLITE_NULL ||
            render_is_number(fmt))
            continue;
        text[c] = render_cell_text(s->r, cJSON_GetArrayItem(t->cols, c), st,
                                   c, &buf[c]);
        int k = s->measure ? 1 : cell_lines(text[c], s->colw[c]);
        if (k > lines)
            lines = k;
    }
    /* The row's height before its cells: a page break goes before it. */
    if (!s->measure)
        sheet_need_space(s, lines * 15.0);
    for (int c = 0; c < t->ncols; c++) {
        const char *fmt = col_format(t, c);
        bool change = strcmp(fmt, "change") == 0;
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
            put_blank(s, s->row, (lxw_col_t)c, s->r->fmt.text);
        } else if (render_is_number(fmt)) {
            double n = sqlite3_column_double(st, c);
            t->total[c] += n;
            t->summed[c] = true;
            put_number(s, s->row, (lxw_col_t)c, n,
                       change ? s->r->fmt.change : s->r->fmt.count);
        } else {
            put_text(s, s->row, (lxw_col_t)c, text[c], s->r->fmt.text, true);
        }
        free(buf[c].owned);
    }
    sheet_next_row(s, lines * 15.0);
}

static char *
header_text(struct sheet *s, const struct table *t, int c)
{
    return sheet_expand(s, tte_json_str(cJSON_GetArrayItem(t->cols, c),
                                        "header", ""));
}

static void
table_header(struct sheet *s, struct table *t, bool plain)
{
    /* Columns are as wide as their data and their headers' longest word;
     * a longer header wraps onto more lines. */
    int lines = 1;
    for (int c = 0; c < t->ncols; c++) {
        char *h = header_text(s, t, c);
        int k = cell_lines(h, s->colw[c]);
        if (k > lines)
            lines = k;
        free(h);
    }
    /* The header and the first rows on one page. */
    if (!s->measure)
        sheet_need_space(s, lines * 15.0 + 30);
    t->header_row = s->row;
    for (int c = 0; c < t->ncols; c++) {
        char *h = header_text(s, t, c);
        put_text(s, s->row, (lxw_col_t)c, h, s->r->fmt.header, false);
        track(s, (lxw_col_t)c, cell_longest_run(h, ' '));
        free(h);
    }
    sheet_next_row(s, lines * 15.0);
    if (!s->have_table && !s->measure && !plain && s->one_table)
        s->repeat_h = lines * 15.0;
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
        bool change = strcmp(col_format(t, c), "change") == 0;
        /* A column of empty cells has no sum either, not a zero. */
        if (cJSON_IsString(total)) {
            sqlite3_stmt *st;
            struct render_at a = at(s);
            enum tte_err err = render_sql_scalar(&a, total->valuestring,
                                                 &st);
            if (err)
                return err;
            put_number(s, s->row, (lxw_col_t)c, sqlite3_column_double(st, 0),
                       change ? s->r->fmt.total_change
                              : s->r->fmt.total_count);
            sqlite3_finalize(st);
        } else if (cJSON_IsTrue(total) && t->summed[c]) {
            put_number(s, s->row, (lxw_col_t)c, t->total[c],
                       change ? s->r->fmt.total_change
                              : s->r->fmt.total_count);
        } else if (c == (cJSON_IsNumber(lc) ? lc->valueint : 0)) {
            put_text(s, s->row, (lxw_col_t)c, label, s->r->fmt.total_text,
                     true);
        } else {
            put_blank(s, s->row, (lxw_col_t)c, s->r->fmt.total_text);
        }
    }
    sheet_next_row(s, 15);
    return TTE_OK;
}

/* The first table of a sheet gets the frozen header, the autofilter and
 * the header repeated on every printed page; a "plain" table (a few
 * figures on a summary) does not. */
static void
first_table_setup(struct sheet *s, const struct table *t, const cJSON *b)
{
    if (s->have_table || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                             b, "plain")))
        return;
    s->have_table = true;
    if (s->measure)
        return;
    worksheet_freeze_panes(s->ws, t->header_row + 1, 0);
    /* An empty table has nothing to filter (and its note is already on
     * the next row, which constant_memory mode does not go back from). */
    if (t->last >= t->first)
        sheet_lxw_ok(s, worksheet_autofilter(s->ws, t->header_row, 0,
                                             t->last,
                                             (lxw_col_t)t->ncols - 1),
                     t->header_row, 0, "worksheet_autofilter");
    /* Repeated on printed pages only when it is the sheet's one table
     * (above another table it would name the wrong columns), and only
     * if the table goes on to another page (repeat_header): alone above
     * a chart carried to a page of its own it says nothing. */
    if (s->one_table) {
        s->repeat = true;
        s->repeat_first = t->header_row;
    }
}

/* Sets the repeated header row when a page break falls within the
 * table. */
static void
repeat_header(struct sheet *s)
{
    for (size_t i = 0; s->repeat && i < s->nbreaks; i++) {
        if (s->breaks[i] > s->repeat_first &&
            s->breaks[i] <= s->repeat_last) {
            sheet_lxw_ok(s, worksheet_repeat_rows(s->ws, s->repeat_first,
                                                  s->repeat_first),
                         s->repeat_first, 0, "worksheet_repeat_rows");
            return;
        }
    }
}

static enum tte_err
table_block(struct sheet *s, const cJSON *b)
{
    struct table t = {.cols = cJSON_GetObjectItemCaseSensitive(b, "columns")};
    struct render_at a = at(s);
    sqlite3_stmt *st;
    enum tte_err err;
    int rc = SQLITE_DONE;

    t.ncols = cJSON_GetArraySize(t.cols);
    err = render_sql_table(&a, b, &st);
    if (err)
        return err;
    s->chart_rows = 0;          /* "beside" is within one table */
    table_header(s, &t, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                            b, "plain")));
    t.first = s->row;
    while (!s->err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->row >= LXW_ROW_MAX) {
            sqlite3_finalize(st);
            return render_sql_error(&a, "the query returns more rows than "
                                    "a sheet holds (1,048,576)");
        }
        table_row(s, &t, st);
    }
    sqlite3_finalize(st);
    if (s->err)
        return s->err;
    if (rc != SQLITE_DONE)
        return render_sql_step_error(&a, rc);
    t.last = s->row - 1;
    if (t.last < t.first) {
        const char *empty = tte_json_str(s->r->tpl, "labels.empty", "");
        put_prose(s, empty, s->r->fmt.note);
    }
    first_table_setup(s, &t, b);
    err = table_total(s, &t, b);
    if (err)
        return err;
    /* The repeating header's table ends with its total. */
    if (s->repeat && s->repeat_first == t.header_row)
        s->repeat_last = s->row - 1;
    const cJSON *chart = cJSON_GetObjectItemCaseSensitive(b, "chart");
    const cJSON *c;
    if (cJSON_IsObject(chart))
        return table_chart(s, &t, chart);
    cJSON_ArrayForEach(c, chart) {
        err = table_chart(s, &t, c);
        if (err)
            return err;
    }
    return s->err;
}

/* --- the sheet ----------------------------------------------------------- */

/* The one list of block types: template.c checks against it. */
const struct block_type block_types[] = {
    {"title", BLOCK_TEXT, title_block},
    {"note", BLOCK_TEXT | BLOCK_QUERY_TEXT, note_block},
    {"section", BLOCK_TEXT, section_block},
    {"blank", 0, blank_block},
    {"pairs", BLOCK_PAIRS, pairs_block},
    {"table", BLOCK_TABLE, table_block},
    {"warning", BLOCK_TEXT | BLOCK_QUERY_TEXT | BLOCK_WHEN, warning_block},
    {NULL, 0, NULL},
};

const char *const column_formats[] = {"text", "count", "change", "nik",
                                      "date", "month", NULL};

const struct block_type *
block_type_find(const char *name)
{
    for (const struct block_type *t = block_types; name && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static enum tte_err
write_block(struct sheet *s, const cJSON *b)
{
    const struct block_type *t = block_type_find(tte_json_str(b, "type",
                                                              ""));
    struct render_at a = at(s);
    bool on;
    enum tte_err err = render_sql_when(&a, b, &on);
    if (err || !on || !t)
        return err;
    err = t->write(s, b);
    return err ? err : s->err;
}
/* True when the sheet has one table that is not "plain". */
static bool
one_table(const cJSON *spec)
{
    const cJSON *b;
    int n = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(spec, "blocks"))
        n += strcmp(tte_json_str(b, "type", ""), "table") == 0 &&
             !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "plain"));
    return n == 1;
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

static enum tte_err
walk(struct sheet *s)
{
    const cJSON *b;
    struct render *r = s->r;

    s->row = 0;
    s->block = 0;
    s->have_table = false;
    if (r->preview) {
        char *m = render_preview_mark(r);
        put_prose(s, m, r->fmt.preview);
        free(m);
    }
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(s->spec,
                                                           "blocks")) {
        enum tte_err err = write_block(s, b);
        if (err)
            return err;
        s->block++;
    }
    return s->err;
}

enum tte_err
sheet_write(struct render *r, const cJSON *spec, int index)
{
    struct sheet s = {.r = r, .index = index};
    enum tte_err err;

    s.name = tte_json_str(spec, "name", "");
    s.ws = workbook_add_worksheet(r->wb, s.name);
    if (!s.ws) {
        log_err("%s: sheets[%d].name: cannot add sheet '%s'", r->tpl_path,
                index, s.name);
        return TTE_E_CONFIG;
    }
    s.spec = spec;
    s.ncols = sheet_width(spec);
    s.one_table = one_table(spec);
    s.measure = true;
    err = walk(&s);
    if (err)
        return err;
    sheet_set_widths(&s);
    s.measure = false;
    sheet_page_setup(&s);
    s.breaks = tte_xcalloc(MAX_BREAKS + 1, sizeof *s.breaks);
    err = s.err ? s.err : walk(&s);
    if (!err)
        repeat_header(&s);
    if (!err && s.nbreaks)
        sheet_lxw_ok(&s, worksheet_set_h_pagebreaks(s.ws, s.breaks),
                     NO_CELL, 0, "worksheet_set_h_pagebreaks");
    free(s.breaks);
    return err ? err : s.err;
}
