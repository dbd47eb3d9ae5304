/*
 * The sheet being written and a table's rows, what sheet.c, table.c,
 * page.c, prose.c and chart.c share, with the cell primitives every one
 * of them writes through: text NIK masked and cleaned, numbers, blanks,
 * and the libxlsxwriter calls that must not fail quietly.
 */
#ifndef SHEET_CELL_H
#define SHEET_CELL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <xlsxwriter.h>

#include "cell.h"
#include "query.h"
#include "tte_err.h"

#define MAX_COLS RENDER_MAX_COLS
/* A call about the sheet, not one of its cells. */
#define NO_CELL ((lxw_row_t)-1)

/* What the first walk learns of a column, in Excel width units. */
struct col_measure {
    double full;   /* the widest value on one line */
    char *longest; /* that value (malloc'd) */
    double word;   /* the widest word, headers' too */
    bool spaced;   /* a value wraps at its spaces */
    bool number;   /* or a date, month or NIK: never wrapped */
    bool wide;     /* the template's "wide": gets the room */
    double spread; /* its share of a merged cell's text on one line */
};

/* Per table block: the template's columns that print ("optional" ones
 * empty on every row do not). */
struct block_cols {
    bool used[MAX_COLS];
    bool hide[MAX_COLS];
};

struct sheet {
    struct render *r;
    lxw_worksheet *ws;
    const char *name;
    const cJSON *spec;
    lxw_row_t row;
    lxw_col_t ncols;                /* the sheet's width: its widest table */
    struct col_measure m[MAX_COLS]; /* measured (first walk) */
    double colw[MAX_COLS];          /* set, Excel width units */
    bool measure;                   /* first walks: no writes */
    struct block_cols *cols;        /* one per block */
    int nblocks;
    bool have_table;
    bool one_table; /* one table that is not "plain" */
    int index;
    int block;
    enum tte_err err; /* the first libxlsxwriter error */
    /* Print layout (second walk; a dry one before it only lays out). */
    bool dry;
    bool landscape;
    int scale;          /* percent */
    double page_w;      /* points across a page at 100 % */
    double page_h;      /* row points that fit on a page */
    double total_h;     /* row points of the whole sheet */
    double total_h_dry; /* as the dry walk found them */
    size_t nbreaks_dry;
    int scale_fit;   /* the scale the widths chose */
    double y;        /* row points used on the current page */
    double repeat_h; /* the repeated header row, once set */
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
    double chart_grow; /* the next chart's width times this */
};

struct table {
    const cJSON *cols;
    int ncols;
    lxw_row_t header_row;
    lxw_row_t first, last;  /* data rows, last < first when empty */
    lxw_col_t at[MAX_COLS]; /* the sheet column of each column */
    int span[MAX_COLS];     /* the sheet columns it takes, merged */
    lxw_col_t at_last;      /* the last one printed */
    bool hide[MAX_COLS];
    double total[MAX_COLS];
    bool summed[MAX_COLS]; /* a value went into total[] */
};

/* The exit class of an error libxlsxwriter returned: 74 or 70. */
enum tte_err render_lxw_err(lxw_error e);
bool sheet_lxw_ok(struct sheet *s, lxw_error e, lxw_row_t row, lxw_col_t col,
                  const char *call);
/* The font a format sets. */
struct cell_font sheet_font(const struct sheet *s, const lxw_format *f);
char *sheet_expand(struct sheet *s, const char *text);
/* The block being written, for query.c's messages. */
struct render_at sheet_at(const struct sheet *s);
/* False while measuring or laying out: no cell is written. */
bool sheet_writes(const struct sheet *s);
/* A cell written (not while measuring or laying out) and, while
 * measuring with measure, its width counted for its column: text NIK
 * masked and cleaned, a number as it shows, a blank. */
void sheet_put_text(struct sheet *s, lxw_row_t row, lxw_col_t col,
                    const char *text, lxw_format *f, bool measure);
void sheet_put_number(struct sheet *s, lxw_row_t row, lxw_col_t col, double v,
                      lxw_format *f);
void sheet_put_blank(struct sheet *s, lxw_row_t row, lxw_col_t col,
                     lxw_format *f);
/* Text across columns first..last, merged; while measuring, each column
 * counts its share of the text's width (sheet_put_text's measure). */
void sheet_put_merged(struct sheet *s, lxw_row_t row, lxw_col_t first,
                      lxw_col_t last, const char *text, lxw_format *f,
                      bool measure);
/* Pixels columns first..last print. */
double sheet_cols_px(const struct sheet *s, lxw_col_t first, lxw_col_t last);
/* A header's longest word counted for its column (headers wrap). */
void sheet_track_header(struct sheet *s, lxw_col_t col, const char *t);

#endif
