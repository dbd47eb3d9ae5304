/*
 * A table's chart: below the table on rows of its own, whole on one page,
 * with axis titles; a bar chart lists its categories in the table's order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "tte_json.h"
#include "tte_log.h"

enum tte_err
table_chart(struct sheet *s, const struct table *t, const cJSON *spec)
{
    const char *type = tte_json_str(spec, "type", "column");
    uint8_t kind = strcmp(type, "line") == 0  ? LXW_CHART_LINE
                   : strcmp(type, "bar") == 0 ? LXW_CHART_BAR
                                              : LXW_CHART_COLUMN;
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(spec, "categories");
    const cJSON *v;
    lxw_chart *chart;

    if (t->last < t->first || s->measure)
        return TTE_OK;
    chart = workbook_add_chart(s->r->wb, kind);
    if (!chart) {
        log_err("%s: sheet '%s': workbook_add_chart failed", s->r->tpl_path,
                s->name);
        return TTE_E_CANTCREAT;
    }
    char *title = sheet_expand(s, tte_json_str(spec, "title", ""));
    chart_title_set_name(chart, title);
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "series")) {
        lxw_chart_series *ser = chart_add_series(chart, NULL, NULL);
        if (!ser) {
            log_err("%s: sheet '%s': chart_add_series failed",
                    s->r->tpl_path, s->name);
            free(title);
            return TTE_E_CANTCREAT;
        }
        chart_series_set_categories(ser, s->name, t->first,
                                    (lxw_col_t)cat->valueint, t->last,
                                    (lxw_col_t)cat->valueint);
        chart_series_set_values(ser, s->name, t->first,
                                (lxw_col_t)v->valueint, t->last,
                                (lxw_col_t)v->valueint);
        chart_series_set_name_range(ser, s->name, t->header_row,
                                    (lxw_col_t)v->valueint);
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
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_offset = 0, .y_offset = 4};
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(spec, "width");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(spec, "height");
    double height = 288, width = 480;
    if (cJSON_IsNumber(w) && cJSON_IsNumber(h)) {
        width = w->valuedouble;
        height = h->valuedouble;
    }
    /* No wider than the sheet's columns (in Excel's pixels: 7 a unit
     * and 5 of padding), so the chart is not cut at the page's edge. */
    double room = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        room += s->colw[c] * 7 + 5;
    if (width > room)
        width = room;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec, "beside")) &&
        s->chart_rows && s->chart_x + width > room)
        s->chart_rows = 0;      /* no room beside: below instead */
    opt.x_scale = width / 480.0;
    opt.y_scale = height / 288.0;
    /* On rows of its own below the table, whole on one page; "beside"
     * puts it to the right of the chart before, on the same rows. */
    int rows = (int)ceil((height * 0.75 + 8) / 15.0);
    bool beside = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(spec,
                                                                 "beside"))
                  && s->chart_rows;
    if (beside) {
        opt.x_offset = (int32_t)s->chart_x;
        if (rows > s->chart_rows)
            rows = s->chart_rows;
    } else {
        sheet_need_space(s, rows * 15.0);
        s->chart_row = s->row;
        s->chart_x = 0;
        s->chart_rows = rows;
    }
    sheet_lxw_ok(s, worksheet_insert_chart_opt(s->ws, s->chart_row, 0,
                                               chart, &opt),
                 s->chart_row, 0, "worksheet_insert_chart");
    s->chart_x += width + 10;
    for (int i = 0; !beside && i < rows; i++)
        sheet_next_row(s, 15);
    free(title);
    free(xt);
    free(yt);
    return s->err;
}
