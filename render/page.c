/*
 * The printed page of a sheet: A4, portrait or landscape, at a fixed
 * scale that keeps text at 8 points or more, and page breaks set here so
 * that a heading stays with its text, a chart stays whole and LibreOffice
 * or Excel never has to break a page itself.
 */
#include <stdlib.h>

#include "sheet.h"
#include "tte_json.h"

/* Printed width of the columns in points: a width unit is about 7.4
 * pixels once the spreadsheet's padding is counted (measured with
 * LibreOffice and Carlito, Calibri's metrics). */
static double
columns_pt(const struct sheet *s)
{
    double px = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        px += (s->colw[c] + 0.71) * 7.4;
    return px * 0.75;
}

/* Orientation and scale from the columns' widths: portrait when the
 * sheet fits it at 90 % or more, else landscape at no less than
 * MIN_SCALE, wide text columns narrowed (their text wraps) until it
 * does. Returns the scale in percent. */
static int
page_fit(struct sheet *s, bool *landscape)
{
    double pt = columns_pt(s);
    double avail = (A4_SHORT - MARGIN_X) * 0.98;
    *landscape = pt * 0.9 > avail;
    if (*landscape)
        avail = (A4_LONG - MARGIN_X) * 0.98;
    while (pt * MIN_SCALE / 100 > avail) {
        lxw_col_t widest = 0;
        for (lxw_col_t c = 1; c < s->ncols; c++)
            if (s->colw[c] > s->colw[widest])
                widest = c;
        if (s->colw[widest] <= 12)
            break;
        s->colw[widest] -= 1;
        pt = columns_pt(s);
    }
    int scale = pt <= avail ? 100 : (int)(avail / pt * 100);
    return scale < MIN_SCALE ? MIN_SCALE : scale;
}

/* Widths from the first walk's longest texts, or the template's. */
void
sheet_set_widths(struct sheet *s)
{
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(s->spec, "columns");
    for (int c = 0; c < MAX_COLS; c++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(fixed, c), "width");
        double width = (double)s->width[c] + 2;
        if (cJSON_IsNumber(w))
            width = w->valuedouble;
        else if (!s->width[c] && c >= (int)s->ncols)
            continue;
        if (width < 6)
            width = 6;
        if (width > 60)
            width = 60;
        s->colw[c] = width;
    }
}

void
sheet_page_setup(struct sheet *s)
{
    struct render *r = s->r;
    const char *hdr = r->preview ? tte_json_str(r->tpl, "preview.header", "")
                                 : tte_json_str(r->tpl, "header", "");
    char *h = sheet_expand(s, hdr);
    char *f = sheet_expand(s, tte_json_str(r->tpl, "footer",
                                           "&CHalaman &P dari &N"));
    bool landscape;
    int scale = page_fit(s, &landscape);

    if (landscape)
        worksheet_set_landscape(s->ws);
    else
        worksheet_set_portrait(s->ws);
    worksheet_set_paper(s->ws, 9);      /* A4 */
    /* A fixed scale rather than fit-to-width: manual page breaks need it,
     * and it keeps text at 8 points or more. */
    worksheet_set_print_scale(s->ws, (uint16_t)scale);
    s->page_h = ((landscape ? A4_SHORT : A4_LONG) - MARGIN_Y) * 100.0 /
                scale * PAGE_SAFETY;
    render_header_fit(h, "header");
    render_header_fit(f, "footer");
    sheet_lxw_ok(s, worksheet_set_header(s->ws, h), NO_CELL, 0,
                 "worksheet_set_header");
    sheet_lxw_ok(s, worksheet_set_footer(s->ws, f), NO_CELL, 0,
                 "worksheet_set_footer");
    for (lxw_col_t c = 0; c < MAX_COLS; c++)
        if (s->colw[c] > 0)
            sheet_lxw_ok(s, worksheet_set_column(s->ws, c, c, s->colw[c],
                                                 NULL),
                         0, c, "worksheet_set_column");
    free(h);
    free(f);
}

static void
page_break(struct sheet *s)
{
    if (s->nbreaks >= MAX_BREAKS || !s->row)
        return;
    if (s->nbreaks && s->breaks[s->nbreaks - 1] == s->row)
        return;
    s->breaks[s->nbreaks++] = s->row;
    s->y = s->repeat_h;
}

/* Starts a new page unless h points still fit on this one. */
void
sheet_need_space(struct sheet *s, double h)
{
    if (s->measure)
        return;
    if (s->y + h > s->page_h && s->y > s->repeat_h + 1)
        page_break(s);
}

/* Ends the current row, h points tall (set when not the default). */
void
sheet_next_row(struct sheet *s, double h)
{
    if (!s->measure) {
        sheet_need_space(s, h);
        if (h != 15)
            sheet_lxw_ok(s, worksheet_set_row(s->ws, s->row, h, NULL), s->row,
                         0, "worksheet_set_row");
        s->y += h;
    }
    s->row++;
}
