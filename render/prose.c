/* Prose on a sheet: a line merged across the sheet and wrapped. */
#include <stdlib.h>

#include "cell.h"
#include "mask.h"
#include "page.h"
#include "prose.h"
#include "sheet_cell.h"

/* Pixels across the sheet's columns: a merged line of prose. */
static double
sheet_px(const struct sheet *s)
{
    double sum = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        sum += cell_col_px(s->colw[c] > 0 ? s->colw[c] : 8.43);
    return sum;
}

double
sheet_prose_height(const struct sheet *s, const char *text, lxw_format *f)
{
    struct cell_font cf = sheet_font(s, f);
    return cell_row_height(cell_lines_px(text, sheet_px(s), &cf), cf.pt);
}

/* A line of prose: merged across the sheet and wrapped, so that it
 * neither runs off the printed page nor widens it. */
void
sheet_put_prose(struct sheet *s, const char *text, lxw_format *f)
{
    char *m = render_mask(s->r, text ? text : "", false);
    char *t = cell_text(m);
    free(m);
    if (!s->measure) {
        sheet_need_space(s, sheet_prose_height(s, t, f));
        if (sheet_writes(s) && s->ncols > 1)
            sheet_lxw_ok(s,
                         worksheet_merge_range(s->ws, s->row, 0, s->row,
                                               s->ncols - 1, t, f),
                         s->row, 0, "worksheet_merge_range");
        else
            sheet_put_text(s, s->row, 0, t, f, false);
    }
    sheet_next_row(s, sheet_prose_height(s, t, f));
    free(t);
}
