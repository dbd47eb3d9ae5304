/*
 * A table's chart: below the table on rows of its own, whole on one page,
 * with axis titles; a bar chart lists its categories in the table's order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "page.h"
#include "render.h"
#include "sheet_cell.h"
#include "tte_json.h"
#include "tte_log.h"

/* The chart's size in pixels: the template's, no wider than the
 * printed page, so that it is not cut at its edge. */
double
chart_room(const struct sheet *s)
{
    /* A chart is placed in Excel's pixels (7 a width unit) and printed
     * in LibreOffice's (7.4 a unit); the column it ends in prints whole:
     * a spreadsheet column's width (72 pixels) kept free, or the page
     * would spill sideways. */
    return s->page_w / 0.75 * 7.0 / 7.4 - 72;
}

double
chart_width(const cJSON *spec)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(spec, "width");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(spec, "height");
    /* Both or neither. */
    return cJSON_IsNumber(w) && cJSON_IsNumber(h) ? w->valuedouble : 480;
}

static void
chart_size(const struct sheet *s, const cJSON *spec, double *width,
           double *height)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(spec, "width");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(spec, "height");
    *width = chart_width(spec);
    *height = cJSON_IsNumber(w) && cJSON_IsNumber(h) ? h->valuedouble : 288;
    if (s->chart_grow > 0)
        *width *= s->chart_grow;
    if (*width > chart_room(s))
        *width = chart_room(s);
}

/* Where the chart goes: on rows of its own below the table, whole on one
 * page; "beside" puts it to the right of the chart before, on the same
 * rows, when the page has room. Returns the x offset; *rows_out the
 * rows it took (0 beside). */
static double
chart_place(struct sheet *s, const cJSON *spec, double width, double height,
            int *rows_out)
{
    int rows = (int)ceil((height * 0.75 + 8) / 15.0);
    bool beside = cJSON_IsTrue(
                      cJSON_GetObjectItemCaseSensitive(spec, "beside")) &&
                  s->chart_rows && s->chart_x + width <= chart_room(s) + 1;
    double x = s->chart_x;
    *rows_out = 0;
    if (!beside) {
        sheet_need_space(s, rows * 15.0);
        s->chart_row = s->row;
        s->chart_rows = rows;
        x = 0;
        *rows_out = rows;
    }
    s->chart_x = x + width + 10;
    return x;
}

static enum tte_err chart_draw(struct sheet *s, const struct table *t,
                               const cJSON *spec,
                               const lxw_chart_options *opt);

enum tte_err
table_chart(struct sheet *s, const struct table *t, const cJSON *spec)
{
    double width, height;
    int rows;

    if (t->last < t->first || s->measure)
        return TTE_OK;
    chart_size(s, spec, &width, &height);
    double x = chart_place(s, spec, width, height, &rows);
    lxw_chart_options opt = {.x_offset = (int32_t)x,
                             .y_offset = 4,
                             .x_scale = width / 480.0,
                             .y_scale = height / 288.0};
    enum tte_err err = s->dry ? TTE_OK : chart_draw(s, t, spec, &opt);
    for (int i = 0; i < rows; i++)
        sheet_next_row(s, 15);
    return err ? err : s->err;
}

static enum tte_err
chart_draw(struct sheet *s, const struct table *t, const cJSON *spec,
           const lxw_chart_options *opt)
{
    const char *type = tte_json_str(spec, "type", "column");
    uint8_t kind = strcmp(type, "line") == 0  ? LXW_CHART_LINE
                   : strcmp(type, "bar") == 0 ? LXW_CHART_BAR
                                              : LXW_CHART_COLUMN;
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(spec, "categories");
    const cJSON *v;
    lxw_chart *chart;
    int nseries = 0;

    chart = workbook_add_chart(s->r->wb, kind);
    if (!chart) {
        log_err("%s: sheet '%s': workbook_add_chart failed", s->r->tpl_path,
                s->name);
        return TTE_E_CANTCREAT;
    }
    char *title = sheet_expand(s, tte_json_str(spec, "title", ""));
    chart_title_set_name(chart, title);
    lxw_col_t cat_col = t->at[cat->valueint];
    const bool *used = s->cols[s->block].used;
    bool some = false;
    cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(spec, "series"))
        some |= used[v->valueint];
    cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(spec, "series")) {
        /* A series with no value (last year not collected) would only
         * take room in the legend. */
        if (t->hide[v->valueint] || (some && !used[v->valueint]))
            continue;
        lxw_col_t col = t->at[v->valueint];
        lxw_chart_series *ser = chart_add_series(chart, NULL, NULL);
        if (!ser) {
            log_err("%s: sheet '%s': chart_add_series failed", s->r->tpl_path,
                    s->name);
            free(title);
            return TTE_E_CANTCREAT;
        }
        chart_series_set_categories(ser, s->name, t->first, cat_col, t->last,
                                    cat_col);
        chart_series_set_values(ser, s->name, t->first, col, t->last, col);
        chart_series_set_name_range(ser, s->name, t->header_row, col);
        nseries++;
    }
    /* Axis titles; a bar chart lists its categories top-down, in the
     * table's order. */
    char *xt = sheet_expand(s, tte_json_str(spec, "x_title", ""));
    char *yt = sheet_expand(s, tte_json_str(spec, "y_title", ""));
    /* x_title names the categories, y_title the values; a bar chart has
     * its categories on the vertical axis (libxlsxwriter's y_axis). */
    bool bar = kind == LXW_CHART_BAR;
    lxw_chart_axis *cat_axis = bar ? chart->y_axis : chart->x_axis;
    lxw_chart_axis *val_axis = bar ? chart->x_axis : chart->y_axis;
    if (*xt)
        chart_axis_set_name(cat_axis, xt);
    if (*yt)
        chart_axis_set_name(val_axis, yt);
    /* Every category labelled: a spreadsheet skips some when crowded,
     * so they are set a little smaller than the chart's 10 points. */
    lxw_chart_font small = {.size = 8};
    chart_axis_set_interval_unit(cat_axis, 1);
    chart_axis_set_num_font(cat_axis, &small);
    if (bar) {
        chart_axis_set_reverse(cat_axis);
        chart_axis_set_crossing_max(cat_axis);
    }
    chart_axis_set_num_format(val_axis, "[$-421]#,##0");
    /* Counts: a value axis starting above zero makes small differences
     * look large. */
    chart_axis_set_min(val_axis, 0);
    /* Smaller titles and legend than the spreadsheet's defaults: the
     * plot takes the room (libxlsxwriter 1.1.4 cannot place it). */
    lxw_chart_font head = {.size = 11, .bold = LXW_TRUE};
    lxw_chart_font label = {.size = 9};
    chart_title_set_name_font(chart, &head);
    chart_axis_set_name_font(cat_axis, &label);
    chart_axis_set_name_font(val_axis, &label);
    chart_legend_set_font(chart, &label);
    /* One series: the axis title names it; no legend under the plot. */
    chart_legend_set_position(chart, nseries > 1 ? LXW_CHART_LEGEND_BOTTOM
                                                 : LXW_CHART_LEGEND_NONE);
    lxw_chart_options o = *opt;
    sheet_lxw_ok(s,
                 worksheet_insert_chart_opt(s->ws, s->chart_row, 0, chart, &o),
                 s->chart_row, 0, "worksheet_insert_chart");
    free(title);
    free(xt);
    free(yt);
    return s->err;
}
