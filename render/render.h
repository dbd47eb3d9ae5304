#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "tte_err.h"
#include "tte_period.h"
#include "tte_text.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

struct render_opts {
    const char *db_path;
    const char *template_path;
    const char *config_path;
    const char *out;
    int year;
    int quarter;
    int64_t as_of;
    bool unmask_nik;
    bool html;   /* --format html, or an .html output */
    int summary; /* print the summary: 1, 0, -1 undecided */
};

/* template.c: checks a template's structure; errors name the key. */
enum tte_err template_validate(const cJSON *tpl, const char *path);

/* What a block type needs in the template, and how sheet.c writes it:
 * the one list of block types (template.c checks against it). */
struct sheet;
enum {
    BLOCK_TEXT = 1,        /* "text" required */
    BLOCK_WHEN = 2,        /* "when" required */
    BLOCK_PAIRS = 4,       /* "rows" or "query" */
    BLOCK_TABLE = 8,       /* "query" and "columns", maybe "chart" */
    BLOCK_QUERY_TEXT = 16, /* or a "query" that returns the text */
};
struct block_type {
    const char *name;
    unsigned needs;
    enum tte_err (*write)(struct sheet *s, const cJSON *b);
};
extern const struct block_type block_types[];
const struct block_type *block_type_find(const char *name);

/* Column formats a table may declare. */
extern const char *const column_formats[];

/* Formats shared by every sheet. */
struct formats {
    lxw_format *title, *section, *note, *warning, *preview, *label;
    lxw_format *header, *text, *count, *total_text, *total_count;
    lxw_format *change, *total_change;
    lxw_format *missing; /* a value still to be filled in */
};

struct render {
    sqlite3 *db;
    lxw_workbook *wb;
    const cJSON *tpl;
    const cJSON *config;
    const char *tpl_path;
    struct tte_vars vars;
    struct formats fmt;
    bool preview;
    bool unmask_nik;
    int64_t as_of;
    int64_t period_end; /* UTC end of the period (exclusive) */
    struct tte_period period;
    const char *db_path; /* to record the file written (renders) */
    double deadline;     /* monotonic seconds; queries stop after */
    int budget_s;
    bool timed_out;
    char as_of_day[16]; /* --as-of's day in the zone, for :as_of */
};

/* limits.c: the time the template's queries may take in all
 * ($TTE_QUERY_TIMEOUT seconds, default 600); past it SQLite is
 * interrupted, so a runaway query (a recursive CTE without a limit) ends
 * with an error instead of hanging. */
enum tte_err render_set_budget(struct render *r);
/* mask.c: text for a cell with NIKs masked: any valid NIK in the text, and in a
 * NIK column (nik_column) any run of 16 digits. Returns malloc'd text. */
char *render_mask(const struct render *r, const char *s, bool nik_column);
/* limits.c: true when the text after a query's first statement holds no other
 * statement (white space, comments and ';' only). */
bool render_sql_tail_empty(sqlite3 *db, const char *tail);
/* limits.c: cuts a page header or footer to Excel's 255 characters, with
 * a warning naming which, instead of libxlsxwriter dropping it. Also
 * cleans it. */
void render_header_fit(char *text, const char *what);
/* True when a column's header or SQL name says it holds NIKs. */
bool render_nik_column(const char *header, const char *name);
/* official.c: sets {official_name}, {official_nip} and
 * {official_position}, a placeholder left empty. */
void render_official_vars(struct render *r);
/* sql_date.c: the SQL function tte_date(text), a date in the template's
 * words, and the as-of day bound as :as_of. */
enum tte_err render_sql_dates(struct render *r);
/* unit_name.c: sets {agency_unit}, the configuration's agency.unit as
 * the units registry names it, warning when the two differ or the
 * registry does not know it. */
void render_agency_unit(struct render *r);
/* render.c: checks that the period is aggregated (its end in
 * r->period_end) and loads the template's lists (tpl_codes, tpl_status,
 * tpl_verdict), the Pasal 4(1)j view app_statement, tte_date() and the
 * official's texts for its queries: what every output does first. */
enum tte_err render_begin(struct render *r);
/* render.c: writes the workbook to out, atomically. */
enum tte_err render_workbook(struct render *r, const char *out);
/* The exit class of an error libxlsxwriter returned: 74 or 70. */
enum tte_err render_lxw_err(lxw_error e);
/* html.c: writes the HTML report to out (0600, via a temporary file). */
enum tte_err render_html(struct render *r, const char *out);

/*
 * query.c: what the XLSX (sheet.c) and the HTML (html.c) outputs ask of
 * the template's queries, and how a value reads, in one place so that the
 * two cannot differ. at names the block in messages. A query error is
 * logged with the block and returned (78 for the template, 74/75 for the
 * database); on error *out is not set to a live statement.
 */
#define RENDER_MAX_COLS 64
struct render_at {
    struct render *r;
    int sheet;
    int block;
};
enum tte_err render_sql_error(const struct render_at *at, const char *what);
enum tte_err render_sql_step_error(const struct render_at *at, int rc);
/* One statement, :period, :year and :quarter bound; caller finalizes. */
enum tte_err render_sql_prepare(const struct render_at *at, const char *sql,
                                sqlite3_stmt **out);
/* As render_sql_prepare, stepped to its first row (an error when none). */
enum tte_err render_sql_scalar(const struct render_at *at, const char *sql,
                               sqlite3_stmt **out);
/* A block's or pairs row's "when": *on is false when it returns zero. */
enum tte_err render_sql_when(const struct render_at *at, const cJSON *b,
                             bool *on);
/* The text a query returns, expanded (malloc'd), or NULL for NULL or "". */
enum tte_err render_sql_text(const struct render_at *at, const char *sql,
                             char **out);
/* A table block's query, checked against its "columns". */
enum tte_err render_sql_table(const struct render_at *at, const cJSON *b,
                              sqlite3_stmt **out);
/* A pairs block's query, checked to return label and value. */
enum tte_err render_sql_pairs(const struct render_at *at, const char *sql,
                              sqlite3_stmt **out);
/* {placeholders} of a template text filled in; malloc'd. */
char *render_expand(const struct render *r, const char *text);
/* The PRATINJAU line of a preview (mark_ended once the period is over);
 * malloc'd. */
char *render_preview_mark(const struct render *r);
/* "YYYY-MM-DD..." as "31 Desember 2025" in buf; anything else as it is. */
const char *render_date_text(const struct render *r, const char *v, char *buf,
                             size_t n);
/* A column's format ("text" when none), and whether it is a number. */
const char *render_col_format(const cJSON *col);
bool render_is_number(const char *fmt);
/* Room for a value's text: buf, or owned (malloc'd, caller frees). */
struct render_text {
    char buf[96];
    char *owned;
};
/* The text of a table cell that is not a number nor NULL: NIK masked,
 * month names, dates. Points into out, st or the template. */
const char *render_cell_text(const struct render *r, const cJSON *col,
                             sqlite3_stmt *st, int c, struct render_text *out);
/* Points of a pairs row marked "signature": room to sign by hand or to
 * place an electronic signature. */
#define RENDER_SIGNATURE_HEIGHT 48.0
/* One label-value row of a pairs block: a count (is_number) or a text,
 * dates formatted; label and text are valid during the callback only. */
struct render_pair {
    const char *label;
    const char *text;
    double number;
    bool is_number;
    bool missing;  /* text is the block's "missing" mark */
    double height; /* points the row takes at least, or 0 */
};
typedef void render_pair_fn(void *ctx, const struct render_pair *p);
/* A pairs block's rows (those whose "when" holds), then its query's, to
 * fn in order. */
enum tte_err render_pairs(const struct render_at *at, const cJSON *b,
                          render_pair_fn *fn, void *ctx);

/* sheet.c: writes one sheet of the template. */
enum tte_err sheet_write(struct render *r, const cJSON *sheet, int index);

/* svg.c: a table's chart as inline SVG, appended to b. cats are the
 * category texts, vals[s][i] the value of series s at category i, names
 * the series' names. */
struct svg_chart {
    const char *type; /* line, column or bar */
    const char *title;
    const char *x_title, *y_title;
    const char *const *cats;
    size_t ncats;
    const double *const *vals;
    const char *const *names;
    size_t nseries;
    double width, height;
};
void svg_chart(struct tte_buf *b, const struct svg_chart *c);

/* html.c: appends s with & < > " ' escaped (after cell_text's cleaning). */
void html_escape(struct tte_buf *b, const char *s);
/* Appends n as the XLSX shows it: '.' between thousands ("1.234"), and
 * with signed a '+' before a positive change. */
void html_count(struct tte_buf *b, double n, bool signed_);

/* cell.c: cell text that is always safe and within Excel's limits. */
char *cell_text(const char *s);
/* Display width of s in characters (longest line). */
size_t cell_width(const char *s);
/* Characters in the longest run of s between sep bytes. */
size_t cell_longest_run(const char *s, char sep);
/* The font a cell's text is set in. */
struct cell_font {
    double pt;
    bool bold;
};
/* Lines s takes when wrapped at spaces (a longer word between
 * characters) in a cell px pixels wide, measured with Carlito's glyph
 * widths; at least 1. */
int cell_lines_px(const char *s, double px, const struct cell_font *f);
/* As cell_lines_px for 11-point regular text in a column width units
 * wide (Excel's width unit). */
int cell_lines(const char *s, double width);
/* Pixels a column width units wide prints, and the width that prints
 * px pixels. */
double cell_col_px(double width);
double cell_px_width(double px);
/* The width (Excel units) s needs on one line per its '\n'-separated
 * lines, or with words its longest word (at least one cell's padding
 * when s is not empty; 0 when it is). */
double cell_text_width(const char *s, const struct cell_font *f, bool words);
/* Points of one line of text at font size pt, and of a row of lines. */
double cell_line_height(double pt);
double cell_row_height(int lines, double pt);

#endif
