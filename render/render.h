#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "tte_err.h"
#include "tte_text.h"

struct render_opts {
    const char *db_path;
    const char *template_path;
    const char *config_path;
    const char *out;
    int year;
    int quarter;
    int64_t as_of;
    bool unmask_nik;
};

/* template.c: checks a template's structure; errors name the key. */
enum tte_err template_validate(const cJSON *tpl, const char *path);

/* What a block type needs in the template, and how sheet.c writes it:
 * the one list of block types (template.c checks against it). */
struct sheet;
enum {
    BLOCK_TEXT = 1,             /* "text" required */
    BLOCK_WHEN = 2,             /* "when" required */
    BLOCK_PAIRS = 4,            /* "rows" or "query" */
    BLOCK_TABLE = 8,            /* "query" and "columns", maybe "chart" */
    BLOCK_QUERY_TEXT = 16,      /* or a "query" that returns the text */
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
    int64_t period_end;         /* UTC end of the period (exclusive) */
    char period[16];
    const char *db_path;        /* to record the file written (renders) */
    double deadline;            /* monotonic seconds; queries stop after */
    int budget_s;
    bool timed_out;
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
/* limits.c: cuts a page header or footer to Excel's 255 characters, with a warning
 * naming which, instead of libxlsxwriter dropping it. Also cleans it. */
void render_header_fit(char *text, const char *what);
/* True when a column's header or SQL name says it holds NIKs. */
bool render_nik_column(const char *header, const char *name);
/* render.c: writes the workbook to out, atomically. */
enum tte_err render_workbook(struct render *r, const char *out);

/* sheet.c: writes one sheet of the template. */
enum tte_err sheet_write(struct render *r, const cJSON *sheet, int index);

/* cell.c: cell text that is always safe and within Excel's limits. */
char *cell_text(const char *s);
/* Display width of s in characters (longest line). */
size_t cell_width(const char *s);
/* Characters in the longest run of s between sep bytes. */
size_t cell_longest_run(const char *s, char sep);
/* Lines s takes when wrapped at word boundaries in a column width chars
 * wide (Excel's width unit); at least 1. */
int cell_lines(const char *s, double width);
/* Points of row height for lines of text at font size pt. */
double cell_line_height(double pt);

#endif
