/*
 * The sheet being written and what every writer of it does to a cell:
 * text masked and cleaned, numbers, blanks, each width counted for its
 * column while measuring, and every libxlsxwriter call checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "mask.h"
#include "query.h"
#include "render.h"
#include "sheet_cell.h"
#include "tte_alloc.h"
#include "tte_log.h"

/* The report file it could not create is 73; a file it could not write
 * (its temporary files, the zip) an I/O error the next run may not meet
 * (74); anything else it refuses is a call we got wrong or memory it
 * could not get (70). Either way no report: a sheet or cell it dropped
 * would read as a smaller figure. */
enum tte_err
render_lxw_err(lxw_error e)
{
    switch (e) {
    case LXW_ERROR_CREATING_XLSX_FILE: return TTE_E_CANTCREAT;
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: return TTE_E_IO;
    default: return TTE_E_SOFTWARE;
    }
}

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
    s->err = render_lxw_err(e);
    return false;
}

struct cell_font
sheet_font(const struct sheet *s, const lxw_format *f)
{
    const struct formats *fm = &s->r->fmt;
    double pt = f == fm->title ? 14 : f == fm->preview ? 12 : 11;
    bool bold = f == fm->title || f == fm->preview || f == fm->section ||
                f == fm->warning || f == fm->header || f == fm->total_text ||
                f == fm->total_count || f == fm->total_change;
    return (struct cell_font){.pt = pt, .bold = bold};
}

/* A value's widths: on one line, and its longest word. */
static void
track(struct sheet *s, lxw_col_t col, const char *t, lxw_format *f)
{
    if (!s->measure || col >= MAX_COLS)
        return;
    struct cell_font cf = sheet_font(s, f);
    struct col_measure *m = &s->m[col];
    double full = cell_text_width(t, &cf, false);
    double word = cell_text_width(t, &cf, true);
    if (full > m->full) {
        m->full = full;
        free(m->longest);
        m->longest = tte_xstrdup(t);
    }
    if (word > m->word)
        m->word = word;
    if (full > word)
        m->spaced = true;
}

/* A header wraps at its spaces: only its longest word counts. */
void
sheet_track_header(struct sheet *s, lxw_col_t col, const char *t)
{
    if (!s->measure || col >= MAX_COLS)
        return;
    struct cell_font cf = sheet_font(s, s->r->fmt.header);
    double word = cell_text_width(t, &cf, true);
    if (word > s->m[col].word)
        s->m[col].word = word;
}

void
sheet_put_text(struct sheet *s, lxw_row_t row, lxw_col_t col, const char *text,
               lxw_format *f, bool measure)
{
    char *m = render_mask(s->r, text ? text : "", false);
    char *t = cell_text(m);
    free(m);
    /* write_string never turns "=..." into a formula: text stays text. */
    if (sheet_writes(s))
        sheet_lxw_ok(s, worksheet_write_string(s->ws, row, col, t, f), row,
                     col, "worksheet_write_string");
    if (measure)
        track(s, col, t, f);
    free(t);
}

void
sheet_put_merged(struct sheet *s, lxw_row_t row, lxw_col_t first,
                 lxw_col_t last, const char *text, lxw_format *f, bool measure)
{
    if (last <= first) {
        sheet_put_text(s, row, first, text, f, measure);
        return;
    }
    char *m = render_mask(s->r, text ? text : "", false);
    char *t = cell_text(m);
    free(m);
    if (sheet_writes(s))
        sheet_lxw_ok(s,
                     worksheet_merge_range(s->ws, row, first, row, last, t, f),
                     row, first, "worksheet_merge_range");
    /* The text wraps within the columns' sum: each column is asked for
     * its share of the text's width, and of its longest word. */
    if (measure && s->measure && last < MAX_COLS) {
        struct cell_font cf = sheet_font(s, f);
        double n = last - first + 1;
        double full = cell_text_width(t, &cf, false) / n;
        double word = cell_text_width(t, &cf, true) / n;
        for (lxw_col_t c = first; c <= last; c++) {
            if (full > s->m[c].spread)
                s->m[c].spread = full;
            if (word > s->m[c].word)
                s->m[c].word = word;
        }
    }
    free(t);
}

double
sheet_cols_px(const struct sheet *s, lxw_col_t first, lxw_col_t last)
{
    double px = 0;
    for (lxw_col_t c = first; c <= last && c < MAX_COLS; c++)
        px += cell_col_px(s->colw[c]);
    return px;
}

void
sheet_put_number(struct sheet *s, lxw_row_t row, lxw_col_t col, double v,
                 lxw_format *f)
{
    char tmp[48];
    int n = snprintf(tmp, sizeof tmp, "%+.0f", v);
    if (sheet_writes(s))
        sheet_lxw_ok(s, worksheet_write_number(s->ws, row, col, v, f), row,
                     col, "worksheet_write_number");
    /* As it shows: digits grouped by dots. */
    for (int k = n - 3; k > 1 && n < (int)sizeof tmp - 1; k -= 3) {
        memmove(tmp + k + 1, tmp + k, (size_t)(n - k + 1));
        tmp[k] = '.';
        n++;
    }
    track(s, col, tmp, f);
    if (col < MAX_COLS)
        s->m[col].number = true;
}

void
sheet_put_blank(struct sheet *s, lxw_row_t row, lxw_col_t col, lxw_format *f)
{
    if (sheet_writes(s))
        sheet_lxw_ok(s, worksheet_write_blank(s->ws, row, col, f), row, col,
                     "worksheet_write_blank");
}

bool
sheet_writes(const struct sheet *s)
{
    return !s->measure && !s->dry;
}

struct render_at
sheet_at(const struct sheet *s)
{
    return (struct render_at){.r = s->r, .sheet = s->index, .block = s->block};
}

char *
sheet_expand(struct sheet *s, const char *text)
{
    return render_expand(s->r, text);
}
