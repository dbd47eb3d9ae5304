/*
 * What the files of a sheet share: the sheet being written, a table's
 * rows, and the libxlsxwriter calls that must not fail quietly.
 * sheet.c walks the blocks, page.c lays out the printed page, chart.c
 * draws a table's charts.
 */
#ifndef SHEET_H
#define SHEET_H

#include "render.h"

#define MAX_COLS RENDER_MAX_COLS
/* Excel keeps at most 1,023 manual page breaks; past them the
 * spreadsheet breaks by itself. */
#define MAX_BREAKS 1000
/* No table prints below 8 points: 11-point text at 73 %. */
#define MIN_SCALE 73
/* A4 in points, and libxlsxwriter's default margins (0.7 inch left and
 * right, 0.75 inch top and bottom, header and footer inside them). */
#define A4_SHORT 595.0
#define A4_LONG 842.0
#define MARGIN_X (2 * 0.7 * 72)
#define MARGIN_Y (2 * 0.75 * 72)
/* Our page is a little shorter than LibreOffice's or Excel's, so that the
 * breaks set here come before the ones they would choose. */
#define PAGE_SAFETY 0.95
/* A call about the sheet, not one of its cells. */
#define NO_CELL ((lxw_row_t)-1)

struct sheet {
    struct render *r;
    lxw_worksheet *ws;
    const char *name;
    const cJSON *spec;
    lxw_row_t row;
    lxw_col_t ncols;            /* the sheet's width: its widest table */
    size_t width[MAX_COLS];     /* measured, characters */
    double colw[MAX_COLS];      /* set, Excel width units */
    bool measure;               /* first walk: no writes */
    bool have_table;
    bool one_table;             /* one table that is not "plain" */
    int index;
    int block;
    enum tte_err err;           /* the first libxlsxwriter error */
    /* Print layout (second walk). */
    double page_h;              /* row points that fit on a page */
    double y;                   /* row points used on the current page */
    double repeat_h;            /* the repeated header row, once set */
    /* The one table's header row and last row (its total's): the header
     * repeats on every printed page only when a page break falls
     * within the table. */
    bool repeat;
    lxw_row_t repeat_first, repeat_last;
    lxw_row_t *breaks;
    size_t nbreaks;
    /* The last chart: where it is, for one put beside it. */
    lxw_row_t chart_row;
    double chart_x;
    int chart_rows;
};

struct table {
    const cJSON *cols;
    int ncols;
    lxw_row_t header_row;
    lxw_row_t first, last;      /* data rows, last < first when empty */
    double total[MAX_COLS];
    bool summed[MAX_COLS];      /* a value went into total[] */
};

/* sheet.c */
bool sheet_lxw_ok(struct sheet *s, lxw_error e, lxw_row_t row, lxw_col_t col,
                  const char *call);
char *sheet_expand(struct sheet *s, const char *text);

/* page.c: widths, orientation and scale once measured; page breaks. */
void sheet_set_widths(struct sheet *s);
void sheet_page_setup(struct sheet *s);
/* Starts a new page unless h points still fit on this one. */
void sheet_need_space(struct sheet *s, double h);
/* Ends the current row, h points tall. */
void sheet_next_row(struct sheet *s, double h);

/* chart.c: one chart of a table, on rows of its own below it. */
enum tte_err table_chart(struct sheet *s, const struct table *t,
                         const cJSON *spec);

#endif
