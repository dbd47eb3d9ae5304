/*
 * What the XLSX (sheet.c) and the HTML (html.c) outputs ask of the
 * template's queries, and how a value reads, in one place so that the two
 * cannot differ. at names the block in messages. A query error is logged
 * with the block and returned (78 for the template, 74/75 for the
 * database); on error *out is not set to a live statement.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "tte_err.h"

struct render;

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

#endif
