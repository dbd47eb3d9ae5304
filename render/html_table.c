/*
 * A table block of the HTML report: header, rows, the empty note, the
 * total row and the table's charts as inline SVG, with the same values as
 * sheet.c writes (query.c formats them for both).
 */
#include <stdlib.h>
#include <string.h>

#include "html_doc.h"
#include "html_table.h"
#include "query.h"
#include "render.h"
#include "svg.h"
#include "tte_json.h"

/* The rows a chart is drawn from: each cell's text and number. */
struct grid {
    int ncols;
    size_t n, cap;
    char **text; /* n * ncols */
    double *num; /* n * ncols; 0 for text, as a chart reads it */
};

struct table {
    const cJSON *block;
    const cJSON *cols;
    int ncols;
    long rows;
    double total[RENDER_MAX_COLS];
    bool summed[RENDER_MAX_COLS];
    bool hide[RENDER_MAX_COLS]; /* "optional" and empty on every row */
    struct grid *grid;          /* NULL without a chart */
};

static void
grid_free(struct grid *g)
{
    for (size_t i = 0; g && i < g->n * (size_t)g->ncols; i++)
        free(g->text[i]);
    if (g) {
        free(g->text);
        free(g->num);
    }
}

/* A new row; its cells are set by grid_set. */
static void
grid_add(struct grid *g)
{
    size_t k = (size_t)g->ncols;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->text = tte_xrealloc(g->text, g->cap * k * sizeof *g->text);
        g->num = tte_xrealloc(g->num, g->cap * k * sizeof *g->num);
    }
    memset(g->text + g->n * k, 0, k * sizeof *g->text);
    memset(g->num + g->n * k, 0, k * sizeof *g->num);
    g->n++;
}

static void
grid_set(struct grid *g, int c, const char *text, double num)
{
    size_t i = (g->n - 1) * (size_t)g->ncols + (size_t)c;
    g->text[i] = tte_xstrdup(text ? text : "");
    g->num[i] = num;
}

static char *
header_text(struct html *h, const struct table *t, int c)
{
    return render_expand(h->r, tte_json_str(cJSON_GetArrayItem(t->cols, c),
                                            "header", ""));
}

static bool
is_change(const struct table *t, int c)
{
    return strcmp(render_col_format(cJSON_GetArrayItem(t->cols, c)),
                  "change") == 0;
}

static int
shown_columns(const struct table *t)
{
    int n = 0;
    for (int c = 0; c < t->ncols; c++)
        n += !t->hide[c];
    return n;
}

static void
table_head(struct html *h, const struct table *t)
{
    /* Many columns print smaller, so that none is cut off the page. */
    tte_buf_adds(&h->b, shown_columns(t) >= 9
                            ? "<div class=\"scroll\"><table "
                              "class=\"data wide\">\n<thead><tr>"
                            : "<div class=\"scroll\"><table "
                              "class=\"data\">\n<thead><tr>");
    for (int c = 0; c < t->ncols; c++) {
        if (t->hide[c])
            continue;
        char *x = header_text(h, t, c);
        tte_buf_adds(&h->b, render_is_number(render_col_format(
                                cJSON_GetArrayItem(t->cols, c)))
                                ? "<th scope=\"col\" class=\"n\">"
                                : "<th scope=\"col\">");
        html_text(h, x);
        tte_buf_adds(&h->b, "</th>");
        free(x);
    }
    tte_buf_adds(&h->b, "</tr></thead>\n<tbody>\n");
}

/* Opens a cell; label (its column's header) names it where a narrow
 * screen shows each row as a card. */
static void
cell_open(struct html *h, const char *cls, const char *label)
{
    tte_buf_adds(&h->b, "<td");
    if (cls) {
        tte_buf_adds(&h->b, " class=\"");
        tte_buf_adds(&h->b, cls);
        tte_buf_adds(&h->b, "\"");
    }
    if (label && *label) {
        tte_buf_adds(&h->b, " data-label=\"");
        html_escape(&h->b, label);
        tte_buf_adds(&h->b, "\"");
    }
    tte_buf_adds(&h->b, ">");
}

static void
number_cell(struct html *h, double n, bool change, const char *label)
{
    cell_open(h, "n", label);
    html_count(&h->b, n, change);
    tte_buf_adds(&h->b, "</td>");
}

/* A long value with no space (a serial number, a file name) may break
 * anywhere: it must not widen the table past the screen. A NIK does not
 * break; a "wide" column of the template (reasons, actions) gets room. */
static const char *
text_class(const struct table *t, int c, const char *v)
{
    const cJSON *col = cJSON_GetArrayItem(t->cols, c);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(col, "wide")))
        return "t w";
    if (strcmp(render_col_format(col), "nik") == 0)
        return "t nik";
    return strlen(v) > 14 && !strchr(v, ' ') ? "t id" : "t";
}

static void
table_cell(struct html *h, struct table *t, sqlite3_stmt *st, int c)
{
    const cJSON *col = cJSON_GetArrayItem(t->cols, c);
    struct render_text txt = {.owned = NULL};
    const char *v = NULL;
    double n = 0;
    char *label = header_text(h, t, c);

    if (t->hide[c]) {
        /* not shown; a chart may still read it */
    } else if (sqlite3_column_type(st, c) == SQLITE_NULL) {
        cell_open(h, NULL, label);
        tte_buf_adds(&h->b, "</td>");
    } else if (render_is_number(render_col_format(col))) {
        n = sqlite3_column_double(st, c);
        t->total[c] += n;
        t->summed[c] = true;
        number_cell(h, n, is_change(t, c), label);
    } else {
        v = render_cell_text(h->r, col, st, c, &txt);
        cell_open(h, text_class(t, c, v), label);
        html_text(h, v);
        tte_buf_adds(&h->b, "</td>");
    }
    free(label);
    if (t->grid && v) {
        grid_set(t->grid, c, v, 0);
    } else if (t->grid) {
        struct tte_buf num;
        tte_buf_init(&num);
        tte_buf_adds(&num, "");
        if (sqlite3_column_type(st, c) != SQLITE_NULL)
            html_count(&num, n, is_change(t, c));
        grid_set(t->grid, c, num.data, n);
        tte_buf_free(&num);
    }
    free(txt.owned);
}

/* A column's total: the sum of its rows ("total": true) or a query of
 * its own ("total": "SELECT ..."), as table.c's table_total. */
static enum tte_err
total_row(struct html *h, const struct table *t)
{
    const char *label = tte_json_str(t->block, "total_label", NULL);
    const cJSON *lc = cJSON_GetObjectItemCaseSensitive(t->block,
                                                       "total_label_column");
    if (!label)
        return TTE_OK;
    tte_buf_adds(&h->b, "<tr class=\"total\">");
    for (int c = 0; c < t->ncols; c++) {
        if (t->hide[c])
            continue;
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(t->cols, c), "total");
        if (cJSON_IsString(total)) {
            sqlite3_stmt *st;
            enum tte_err err = render_sql_scalar(&h->at, total->valuestring,
                                                 &st);
            if (err)
                return err;
            number_cell(h, sqlite3_column_double(st, 0), is_change(t, c),
                        NULL);
            sqlite3_finalize(st);
        } else if (cJSON_IsTrue(total) && t->summed[c]) {
            number_cell(h, t->total[c], is_change(t, c), NULL);
        } else if (c == (cJSON_IsNumber(lc) ? lc->valueint : 0)) {
            tte_buf_adds(&h->b, "<td class=\"t\">");
            html_text(h, label);
            tte_buf_adds(&h->b, "</td>");
        } else {
            tte_buf_adds(&h->b, "<td></td>");
        }
    }
    tte_buf_adds(&h->b, "</tr>\n");
    return TTE_OK;
}

static double
spec_size(const cJSON *spec, const char *key, double dflt)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(spec, "width");
    const cJSON *ht = cJSON_GetObjectItemCaseSensitive(spec, "height");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    /* Both or neither, as chart.c reads them. */
    return cJSON_IsNumber(w) && cJSON_IsNumber(ht) ? v->valuedouble : dflt;
}

/* One chart: categories from a column, a series from each "series"
 * column, named by its header. */
static void
chart(struct html *h, const struct table *t, const cJSON *spec)
{
    const struct grid *g = t->grid;
    /* template.c has checked the indexes against the columns. */
    int cat = cJSON_GetObjectItemCaseSensitive(spec, "categories")->valueint;
    const cJSON *v;
    const char **cats = tte_xcalloc(g->n ? g->n : 1, sizeof *cats);
    const char *names[RENDER_MAX_COLS];
    char *owned[RENDER_MAX_COLS];
    const double *vals[RENDER_MAX_COLS];
    double *col[RENDER_MAX_COLS];
    size_t ns = 0;

    for (size_t i = 0; i < g->n; i++)
        cats[i] = g->text[i * (size_t)g->ncols + (size_t)cat];
    cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(spec, "series")) {
        if (ns == RENDER_MAX_COLS)
            break;
        owned[ns] = header_text(h, t, v->valueint);
        names[ns] = owned[ns];
        col[ns] = tte_xcalloc(g->n ? g->n : 1, sizeof *col[ns]);
        for (size_t i = 0; i < g->n; i++)
            col[ns][i] = g->num[i * (size_t)g->ncols + (size_t)v->valueint];
        vals[ns] = col[ns];
        ns++;
    }
    char *title = render_expand(h->r, tte_json_str(spec, "title", ""));
    char *xt = render_expand(h->r, tte_json_str(spec, "x_title", ""));
    char *yt = render_expand(h->r, tte_json_str(spec, "y_title", ""));
    struct svg_chart c = {
        .type = tte_json_str(spec, "type", "column"),
        .title = title,
        .x_title = xt,
        .y_title = yt,
        .cats = cats,
        .ncats = g->n,
        .vals = vals,
        .names = names,
        .nseries = ns,
        .width = spec_size(spec, "width", 480),
        .height = spec_size(spec, "height", 288),
    };
    tte_buf_adds(&h->b, "<figure class=\"chart\">");
    svg_chart(&h->b, &c);
    tte_buf_adds(&h->b, "</figure>\n");
    for (size_t s = 0; s < ns; s++) {
        free(owned[s]);
        free(col[s]);
    }
    free(cats);
    free(title);
    free(xt);
    free(yt);
}

/* The table's charts ("chart": one or a list); one with "beside" stays
 * on the line of the chart before it while the screen or page has room. */
static void
charts(struct html *h, const struct table *t)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(t->block, "chart");
    const cJSON *c;
    bool open = false;

    if (!t->grid || !t->rows)
        return;
    if (cJSON_IsObject(spec)) {
        chart(h, t, spec);
        return;
    }
    cJSON_ArrayForEach (c, spec) {
        bool beside = cJSON_IsTrue(
            cJSON_GetObjectItemCaseSensitive(c, "beside"));
        if (open && !beside)
            tte_buf_adds(&h->b, "</div>\n");
        if (!open || !beside)
            tte_buf_adds(&h->b, "<div class=\"charts\">\n");
        open = true;
        chart(h, t, c);
    }
    if (open)
        tte_buf_adds(&h->b, "</div>\n");
}

/* The rows from the one st is on. */
static enum tte_err
table_rows(struct html *h, struct table *t, sqlite3_stmt *st)
{
    int rc = SQLITE_ROW;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(st)) {
        if (t->grid)
            grid_add(t->grid);
        tte_buf_adds(&h->b, "<tr>");
        for (int c = 0; c < t->ncols; c++)
            table_cell(h, t, st, c);
        tte_buf_adds(&h->b, "</tr>\n");
        t->rows++;
    }
    return rc == SQLITE_DONE ? TTE_OK : render_sql_step_error(&h->at, rc);
}

/* An "optional" column empty on every row is not shown (as sheet.c). */
static enum tte_err
hide_empty(struct html *h, struct table *t)
{
    bool any = false, used[RENDER_MAX_COLS] = {false};
    sqlite3_stmt *st;
    int rc;

    for (int c = 0; c < t->ncols; c++)
        any |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(t->cols, c), "optional"));
    if (!any)
        return TTE_OK;
    enum tte_err err = render_sql_table(&h->at, t->block, &st);
    if (err)
        return err;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int c = 0; c < t->ncols; c++)
            if (sqlite3_column_type(st, c) != SQLITE_NULL &&
                (sqlite3_column_type(st, c) != SQLITE_TEXT ||
                 sqlite3_column_bytes(st, c) > 0))
                used[c] = true;
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return render_sql_step_error(&h->at, rc);
    for (int c = 0; c < t->ncols; c++)
        t->hide[c] = !used[c] &&
                     cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(t->cols, c), "optional"));
    return TTE_OK;
}

/* A table without rows: one line saying so, under its heading. */
static void
table_empty(struct html *h, const cJSON *b)
{
    const char *empty = tte_json_str(b, "empty", NULL);
    char *x = render_expand(
        h->r, empty ? empty : tte_json_str(h->r->tpl, "labels.empty", ""));
    tte_buf_adds(&h->b, "<p class=\"note empty\">");
    html_text(h, x);
    tte_buf_adds(&h->b, "</p>\n");
    free(x);
}

enum tte_err
html_table_block(struct html *h, const cJSON *b)
{
    struct table t = {.block = b};
    struct grid g = {0};
    sqlite3_stmt *st;
    enum tte_err err;
    int rc;

    t.cols = cJSON_GetObjectItemCaseSensitive(b, "columns");
    t.ncols = cJSON_GetArraySize(t.cols);
    err = hide_empty(h, &t);
    if (!err)
        err = render_sql_table(&h->at, b, &st);
    if (err)
        return err;
    g.ncols = t.ncols;
    if (cJSON_GetObjectItemCaseSensitive(b, "chart"))
        t.grid = &g;
    html_end_pairs(h);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return render_sql_step_error(&h->at, rc);
        table_empty(h, b);
        return TTE_OK;
    }
    table_head(h, &t);
    err = table_rows(h, &t, st);
    sqlite3_finalize(st);
    if (!err)
        err = total_row(h, &t);
    if (!err) {
        tte_buf_adds(&h->b, "</tbody></table></div>\n");
        charts(h, &t);
    }
    grid_free(&g);
    return err;
}
