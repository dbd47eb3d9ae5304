/*
 * The printed page of a sheet: A4, portrait or landscape, at a fixed
 * scale that keeps text at 8 points or more, and page breaks set here so
 * that a heading stays with its text, a chart stays whole and LibreOffice
 * or Excel never has to break a page itself.
 */
#include <math.h>
#include <stdlib.h>

#include "cell.h"
#include "limits.h"
#include "page.h"
#include "render.h"
#include "sheet_cell.h"
#include "tte_json.h"

/* A4 in points, and libxlsxwriter's default margins (0.7 inch left and
 * right, 0.75 inch top and bottom, header and footer inside them). */
#define A4_SHORT 595.0
#define A4_LONG 842.0
#define MARGIN_X (2 * 0.7 * 72)
#define MARGIN_Y (2 * 0.75 * 72)
/* Our page is a little shorter than LibreOffice's or Excel's, so that the
 * breaks set here come before the ones they would choose. */
#define PAGE_SAFETY 0.95

/* Caps on a column's width (Excel units): a value that does not wrap
 * (identifier, number, date) is shown whole up to ID_CAP; text wraps at
 * its spaces within TEXT_CAP, or WIDE_CAP for the template's "wide"
 * columns, and never narrower than its longest word up to WORD_CAP. */
#define ID_CAP 32
#define TEXT_CAP 36
#define WIDE_CAP 60
#define WORD_CAP 16
/* Printed width of widths w[0..n) in points. */
static double
columns_pt(const double *w, lxw_col_t n)
{
    double px = 0;
    for (lxw_col_t c = 0; c < n; c++)
        px += cell_col_px(w[c]);
    return px * 0.75;
}

/* The narrowest (lo) and widest (hi) a measured column should be. */
static void
col_range(const struct col_measure *m, double *lo, double *hi)
{
    double full = m->full > m->word ? m->full : m->word;
    double cap = m->wide ? WIDE_CAP : TEXT_CAP;
    if (m->number || !m->spaced) {
        *hi = full < ID_CAP ? full : ID_CAP;
        *lo = *hi;
    } else {
        *hi = full < cap ? full : cap;
        *lo = m->word < WORD_CAP ? m->word : WORD_CAP;
        if (*lo < 10)
            *lo = *hi < 10 ? *hi : 10;
    }
    if (*hi < 4)
        *hi = 4;
    if (*lo < 4)
        *lo = 4;
}

static bool
flexible(const struct sheet *s, lxw_col_t c, const double *lo,
         const double *hi)
{
    const struct col_measure *m = &s->m[c];
    return !m->number && m->spaced && lo[c] < hi[c];
}

/* Text column c's width for its longest value on lines lines: the
 * narrowest that wraps it so. */
static double
width_for(const struct sheet *s, lxw_col_t c, const double *lo,
          const double *hi, int lines)
{
    const char *text = s->m[c].longest;
    if (!flexible(s, c, lo, hi) || !text)
        return hi[c];
    double a = lo[c], b = hi[c];
    if (cell_lines(text, a) <= lines)
        return a;
    for (int i = 0; i < 20; i++) {
        double m = (a + b) / 2;
        if (cell_lines(text, m) <= lines)
            b = m;
        else
            a = m;
    }
    return b;
}

/* What the columns leave of avail goes to those that lack width
 * (lack[c], Excel units), in proportion to what they lack. */
static void
share_room(struct sheet *s, double avail, const double *lack)
{
    double room = avail - columns_pt(s->colw, s->ncols);
    double want = 0;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        want += lack[c];
    if (room <= 0 || want <= 0)
        return;
    double f = room / (want * 7.4 * 0.75);
    if (f > 1)
        f = 1;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        s->colw[c] += lack[c] * f;
}

/* What is left of avail goes to the flexible columns (wide ones first,
 * if wide). */
static void
give_room(struct sheet *s, const double *lo, const double *hi, double avail,
          bool wide)
{
    double lack[MAX_COLS] = {0};
    for (lxw_col_t c = 0; c < s->ncols; c++)
        if (flexible(s, c, lo, hi) && s->m[c].wide == wide)
            lack[c] = hi[c] - s->colw[c];
    share_room(s, avail, lack);
}

/* What is left of avail goes to the columns under a merged text wider
 * than they are: the text then takes fewer lines. A column grows to
 * twice its own width at most (and TEXT_CAP): it is a column of the
 * tables above or below as well. */
static void
give_spread(struct sheet *s, double avail)
{
    double lack[MAX_COLS] = {0};
    for (lxw_col_t c = 0; c < s->ncols; c++) {
        double w = s->m[c].spread;
        if (w > 2 * s->colw[c])
            w = 2 * s->colw[c];
        if (w > TEXT_CAP)
            w = TEXT_CAP;
        if (w > s->colw[c])
            lack[c] = w - s->colw[c];
    }
    share_room(s, avail, lack);
}

/* Widths that print within avail points. A row is as tall as its
 * tallest cell, so the text columns are set for the same number of
 * lines of their longest values, the fewest that fit; the room left
 * goes to the template's "wide" columns, then to the others. */
static void
shrink(struct sheet *s, const double *lo, const double *hi, double avail)
{
    for (int lines = 2; lines < 64; lines++) {
        for (lxw_col_t c = 0; c < s->ncols; c++)
            s->colw[c] = width_for(s, c, lo, hi, lines);
        if (columns_pt(s->colw, s->ncols) <= avail)
            break;
    }
    give_room(s, lo, hi, avail, true);
    give_room(s, lo, hi, avail, false);
}

/* Orientation, scale and widths: portrait when the columns fit it at
 * 90 % or more, else landscape at no less than MIN_SCALE, text columns
 * narrowed (their text wraps) until they do. Returns the scale in
 * percent. */
static int
page_fit(struct sheet *s, const double *lo, const double *hi, bool *landscape)
{
    double pt = columns_pt(hi, s->ncols);
    double avail = (A4_SHORT - MARGIN_X) * 0.98;
    *landscape = pt * 0.9 > avail;
    if (*landscape)
        avail = (A4_LONG - MARGIN_X) * 0.98;
    for (lxw_col_t c = 0; c < s->ncols; c++)
        s->colw[c] = hi[c];
    if (pt * MIN_SCALE / 100 > avail) {
        shrink(s, lo, hi, avail * 100 / MIN_SCALE);
        pt = columns_pt(s->colw, s->ncols);
    }
    if (pt <= avail)
        give_spread(s, avail);
    int scale = pt <= avail ? 100 : (int)(avail / pt * 100);
    return scale < MIN_SCALE ? MIN_SCALE : scale;
}

/* The template's width of column c, or 0. */
static double
fixed_width(const struct sheet *s, int c)
{
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(s->spec, "columns");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(fixed, c), "width");
    return cJSON_IsNumber(w) && w->valuedouble > 0 ? w->valuedouble : 0;
}

static int
sheet_fit(struct sheet *s, bool *landscape)
{
    double lo[MAX_COLS], hi[MAX_COLS];
    for (int c = 0; c < MAX_COLS; c++) {
        double w = fixed_width(s, c);
        if (c >= (int)s->ncols) {
            s->colw[c] = w;
            continue;
        }
        col_range(&s->m[c], &lo[c], &hi[c]);
        if (w > 0)
            lo[c] = hi[c] = w;
    }
    return page_fit(s, lo, hi, landscape);
}

void
sheet_set_scale(struct sheet *s, int scale)
{
    double w = s->landscape ? A4_LONG : A4_SHORT;
    double h = s->landscape ? A4_SHORT : A4_LONG;
    s->scale = scale;
    s->page_w = (w - MARGIN_X) * 0.98 * 100.0 / scale;
    s->page_h = (h - MARGIN_Y) * 100.0 / scale * PAGE_SAFETY;
}

void
sheet_layout(struct sheet *s)
{
    s->scale_fit = sheet_fit(s, &s->landscape);
    sheet_set_scale(s, s->scale_fit);
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

    if (s->landscape)
        worksheet_set_landscape(s->ws);
    else
        worksheet_set_portrait(s->ws);
    worksheet_set_paper(s->ws, 9); /* A4 */
    /* A fixed scale rather than fit-to-width: manual page breaks need it,
     * and it keeps text at 8 points or more. */
    worksheet_set_print_scale(s->ws, (uint16_t)s->scale);
    render_header_fit(h, "header");
    render_header_fit(f, "footer");
    sheet_lxw_ok(s, worksheet_set_header(s->ws, h), NO_CELL, 0,
                 "worksheet_set_header");
    sheet_lxw_ok(s, worksheet_set_footer(s->ws, f), NO_CELL, 0,
                 "worksheet_set_footer");
    for (lxw_col_t c = 0; c < MAX_COLS; c++)
        if (s->colw[c] > 0)
            sheet_lxw_ok(s,
                         worksheet_set_column(s->ws, c, c, s->colw[c], NULL),
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
        s->total_h += h;
        s->y += h;
    }
    if (sheet_writes(s) && fabs(h - 15) > 0.01)
        sheet_lxw_ok(s, worksheet_set_row(s->ws, s->row, h, NULL), s->row, 0,
                     "worksheet_set_row");
    s->row++;
}
