/*
 * A table block of a sheet: its header, rows as tall as their wrapped
 * text, the line of a table without rows, the total row, the frozen and
 * repeated header, and its charts (chart.c). An "optional" column empty
 * on every row is not printed: the columns after it move left. A column
 * may "span" several sheet columns, merged: text that tables above or
 * below it would otherwise widen their figures' columns for.
 */
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "chart.h"
#include "page.h"
#include "prose.h"
#include "query.h"
#include "render.h"
#include "sheet_cell.h"
#include "table.h"
#include "tte_json.h"

static const char *
col_format(const struct table *t, int c)
{
    return render_col_format(cJSON_GetArrayItem(t->cols, c));
}

/* The last sheet column of column c: a column may span several. */
static lxw_col_t
last_col(const struct table *t, int c)
{
    return t->at[c] + (lxw_col_t)t->span[c] - 1;
}

/* The row's height: its tallest cell's lines at its column's width. */
static double
row_height(struct sheet *s, const struct table *t, sqlite3_stmt *st)
{
    struct cell_font cf = sheet_font(s, s->r->fmt.text);
    int lines = 1;

    for (int c = 0; c < t->ncols && !s->measure; c++) {
        struct render_text buf = {.owned = NULL};
        if (t->hide[c] || sqlite3_column_type(st, c) == SQLITE_NULL ||
            render_is_number(col_format(t, c)))
            continue;
        const char *text = render_cell_text(s->r,
                                            cJSON_GetArrayItem(t->cols, c), st,
                                            c, &buf);
        char *clean = cell_text(text);
        int k = cell_lines_px(clean,
                              sheet_cols_px(s, t->at[c], last_col(t, c)), &cf);
        if (k > lines)
            lines = k;
        free(clean);
        free(buf.owned);
    }
    return cell_row_height(lines, cf.pt);
}

/* Marks the columns that hold something on this row (first walk). */
static void
row_used(struct sheet *s, const struct table *t, sqlite3_stmt *st)
{
    bool *used = s->cols[s->block].used;
    for (int c = 0; c < t->ncols && c < MAX_COLS; c++)
        if (sqlite3_column_type(st, c) != SQLITE_NULL &&
            (sqlite3_column_type(st, c) != SQLITE_TEXT ||
             sqlite3_column_bytes(st, c) > 0))
            used[c] = true;
}

static void
table_row(struct sheet *s, struct table *t, sqlite3_stmt *st)
{
    double h = row_height(s, t, st);

    if (s->measure)
        row_used(s, t, st);
    /* The row's height before its cells: a page break goes before it. */
    sheet_need_space(s, h);
    for (int c = 0; c < t->ncols; c++) {
        const char *fmt = col_format(t, c);
        bool change = strcmp(fmt, "change") == 0;
        lxw_col_t col = t->at[c];
        struct render_text buf = {.owned = NULL};
        if (t->hide[c])
            continue;
        if (sqlite3_column_type(st, c) == SQLITE_NULL && t->span[c] > 1) {
            sheet_put_merged(s, s->row, col, last_col(t, c), "",
                             s->r->fmt.text, false);
        } else if (sqlite3_column_type(st, c) == SQLITE_NULL) {
            sheet_put_blank(s, s->row, col, s->r->fmt.text);
        } else if (render_is_number(fmt)) {
            double n = sqlite3_column_double(st, c);
            t->total[c] += n;
            t->summed[c] = true;
            sheet_put_number(s, s->row, col, n,
                             change ? s->r->fmt.change : s->r->fmt.count);
        } else {
            const char *text = render_cell_text(s->r,
                                                cJSON_GetArrayItem(t->cols, c),
                                                st, c, &buf);
            sheet_put_merged(s, s->row, col, last_col(t, c), text,
                             s->r->fmt.text, true);
            /* A date or a NIK reads badly broken over two lines. */
            if (s->measure && strcmp(fmt, "text") && col < MAX_COLS)
                s->m[col].number = true;
        }
        free(buf.owned);
    }
    sheet_next_row(s, h);
}

static char *
header_text(struct sheet *s, const struct table *t, int c)
{
    return sheet_expand(s, tte_json_str(cJSON_GetArrayItem(t->cols, c),
                                        "header", ""));
}

/* The header row's height: headers wrap at their spaces. */
double
table_header_height(struct sheet *s, const struct table *t)
{
    struct cell_font cf = sheet_font(s, s->r->fmt.header);
    int lines = 1;
    for (int c = 0; c < t->ncols && !s->measure; c++) {
        if (t->hide[c])
            continue;
        char *h = header_text(s, t, c);
        int k = cell_lines_px(h, sheet_cols_px(s, t->at[c], last_col(t, c)),
                              &cf);
        if (k > lines)
            lines = k;
        free(h);
    }
    return cell_row_height(lines, cf.pt);
}

/* first_h: the first row's height, kept on the header's page. */
static void
table_header(struct sheet *s, struct table *t, bool plain, double first_h)
{
    double h = table_header_height(s, t);
    sheet_need_space(s, h + first_h);
    t->header_row = s->row;
    for (int c = 0; c < t->ncols; c++) {
        if (t->hide[c])
            continue;
        char *x = header_text(s, t, c);
        sheet_put_merged(s, s->row, t->at[c], last_col(t, c), x,
                         s->r->fmt.header, false);
        if (t->span[c] == 1)
            sheet_track_header(s, t->at[c], x);
        free(x);
    }
    sheet_next_row(s, h);
    if (!s->have_table && !s->measure && !plain && s->one_table)
        s->repeat_h = h;
}

/* A column's total is the sum of its rows ("total": true) or, for a
 * count that is not additive (distinct people), a query of its own. */
static enum tte_err
table_total(struct sheet *s, struct table *t, const cJSON *b)
{
    const char *label = tte_json_str(b, "total_label", NULL);
    const cJSON *lc = cJSON_GetObjectItemCaseSensitive(b,
                                                       "total_label_column");
    if (!label)
        return TTE_OK;
    for (int c = 0; c < t->ncols; c++) {
        const cJSON *col = cJSON_GetArrayItem(t->cols, c);
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(col, "total");
        bool change = strcmp(col_format(t, c), "change") == 0;
        lxw_col_t at_c = t->at[c];
        if (t->hide[c])
            continue;
        /* A column of empty cells has no sum either, not a zero. */
        if (cJSON_IsString(total)) {
            sqlite3_stmt *st;
            struct render_at a = sheet_at(s);
            enum tte_err err = render_sql_scalar(&a, total->valuestring, &st);
            if (err)
                return err;
            sheet_put_number(s, s->row, at_c, sqlite3_column_double(st, 0),
                             change ? s->r->fmt.total_change
                                    : s->r->fmt.total_count);
            sqlite3_finalize(st);
        } else if (cJSON_IsTrue(total) && t->summed[c]) {
            sheet_put_number(s, s->row, at_c, t->total[c],
                             change ? s->r->fmt.total_change
                                    : s->r->fmt.total_count);
        } else if (c == (cJSON_IsNumber(lc) ? lc->valueint : 0)) {
            sheet_put_merged(s, s->row, at_c, last_col(t, c), label,
                             s->r->fmt.total_text, true);
        } else if (t->span[c] > 1) {
            sheet_put_merged(s, s->row, at_c, last_col(t, c), "",
                             s->r->fmt.total_text, false);
        } else {
            sheet_put_blank(s, s->row, at_c, s->r->fmt.total_text);
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
    if (s->have_table ||
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "plain")))
        return;
    s->have_table = true;
    if (!sheet_writes(s))
        return;
    worksheet_freeze_panes(s->ws, t->header_row + 1, 0);
    if (t->last >= t->first)
        sheet_lxw_ok(s,
                     worksheet_autofilter(s->ws, t->header_row, 0, t->last,
                                          t->at_last),
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
void
table_repeat_header(struct sheet *s)
{
    for (size_t i = 0; s->repeat && i < s->nbreaks; i++) {
        if (s->breaks[i] > s->repeat_first && s->breaks[i] <= s->repeat_last) {
            sheet_lxw_ok(s,
                         worksheet_repeat_rows(s->ws, s->repeat_first,
                                               s->repeat_first),
                         s->repeat_first, 0, "worksheet_repeat_rows");
            return;
        }
    }
}

/* The sheet column of each of the table's columns, past those hidden,
 * and how many it spans (the template's "span"). */
void
table_columns(struct sheet *s, struct table *t)
{
    const bool *hide = s->cols ? s->cols[s->block].hide : NULL;
    lxw_col_t next = 0;
    for (int c = 0; c < t->ncols && c < MAX_COLS; c++) {
        const cJSON *span = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(t->cols, c), "span");
        t->hide[c] = hide && hide[c];
        t->span[c] = cJSON_IsNumber(span) && span->valueint > 1
                         ? span->valueint
                         : 1;
        t->at[c] = next;
        if (!t->hide[c]) {
            next += (lxw_col_t)t->span[c];
            t->at_last = next - 1;
        }
    }
}

/* A table without rows: one line saying so, in place of the table. */
static void
table_empty(struct sheet *s, const cJSON *b)
{
    const char *empty = tte_json_str(b, "empty", NULL);
    char *x = sheet_expand(
        s, empty ? empty : tte_json_str(s->r->tpl, "labels.empty", ""));
    sheet_put_prose(s, x, s->r->fmt.note);
    free(x);
}

/* How much wider (or narrower) than the template's the charts of the
 * row that c starts are drawn: the row takes the page's width. A chart
 * "beside" one with no room for it starts a row of its own. */
static double
row_grow(const struct sheet *s, const cJSON *c)
{
    double page = chart_room(s);
    double sum = chart_width(c);
    for (const cJSON *n = c->next; n; n = n->next) {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(n, "beside")))
            break;
        sum += 10 + chart_width(n);
    }
    /* A little narrower side by side, rather than one below the other
     * on a page of their own. */
    if (sum > page && page / sum < 0.8)
        sum = chart_width(c);
    return page / sum;
}

static enum tte_err
table_charts(struct sheet *s, const struct table *t, const cJSON *b)
{
    const cJSON *chart = cJSON_GetObjectItemCaseSensitive(b, "chart");
    const cJSON *c;
    double grow = 1;
    if (cJSON_IsObject(chart)) {
        s->chart_grow = row_grow(s, chart);
        return table_chart(s, t, chart);
    }
    cJSON_ArrayForEach (c, chart) {
        bool beside = c->prev && c != chart->child &&
                      cJSON_IsTrue(
                          cJSON_GetObjectItemCaseSensitive(c, "beside"));
        /* A row starts here, or the one before had no room for this. */
        if (!beside || s->chart_x + grow * chart_width(c) > chart_room(s) + 1)
            grow = row_grow(s, c);
        s->chart_grow = grow;
        enum tte_err err = table_chart(s, t, c);
        if (err)
            return err;
    }
    return s->err;
}

enum tte_err
table_block(struct sheet *s, const cJSON *b)
{
    struct table t = {.cols = cJSON_GetObjectItemCaseSensitive(b, "columns")};
    struct render_at a = sheet_at(s);
    sqlite3_stmt *st;
    enum tte_err err;
    int rc;

    t.ncols = cJSON_GetArraySize(t.cols);
    table_columns(s, &t);
    err = render_sql_table(&a, b, &st);
    if (err)
        return err;
    s->chart_rows = 0; /* "beside" is within one table */
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        table_empty(s, b);
        return s->err;
    }
    if (rc == SQLITE_ROW)
        table_header(
            s, &t, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "plain")),
            row_height(s, &t, st));
    t.first = s->row;
    while (!s->err && rc == SQLITE_ROW) {
        if (s->row >= LXW_ROW_MAX) {
            sqlite3_finalize(st);
            return render_sql_error(&a, "the query returns more rows than "
                                        "a sheet holds (1,048,576)");
        }
        table_row(s, &t, st);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (s->err)
        return s->err;
    if (rc != SQLITE_DONE)
        return render_sql_step_error(&a, rc);
    t.last = s->row - 1;
    first_table_setup(s, &t, b);
    err = table_total(s, &t, b);
    if (err)
        return err;
    /* The repeating header's table ends with its total. */
    if (s->repeat && s->repeat_first == t.header_row)
        s->repeat_last = s->row - 1;
    return table_charts(s, &t, b);
}
