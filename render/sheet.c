/*
 * One sheet of the template: its blocks written top to bottom, row by row
 * (the workbook runs in constant_memory mode, so rows only go forward).
 *
 * A sheet is walked twice. The first walk only measures: the columns'
 * widths follow from their longest texts. The widths give the page's
 * orientation and scale, and the second walk writes, giving every row
 * the height its wrapped text needs and breaking pages itself so that a
 * heading stays with its text and a chart stays whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "page.h"
#include "prose.h"
#include "query.h"
#include "render.h"
#include "sheet.h"
#include "sheet_cell.h"
#include "table.h"
#include "tte_json.h"
#include "tte_log.h"

static void
text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    char *t = sheet_expand(s, tte_json_str(b, "text", ""));
    sheet_put_prose(s, t, f);
    free(t);
}

/* Prose whose text the data decides ("query" returns it): a sentence
 * that names what it is about, or nothing when the query returns NULL. */
static enum tte_err
query_text_block(struct sheet *s, const cJSON *b, lxw_format *f)
{
    struct render_at a = sheet_at(s);
    char *t;
    enum tte_err err = render_sql_text(&a, tte_json_str(b, "query", ""), &t);
    if (!err && t)
        sheet_put_prose(s, t, f);
    free(t);
    return err;
}

static enum tte_err
title_block(struct sheet *s, const cJSON *b)
{
    text_block(s, b, s->r->fmt.title);
    return TTE_OK;
}

static double block_start_height(struct sheet *s, const cJSON *b, int index);

/* A note or warning explains the table after it: the two on one page. */
static void
keep_with_table(struct sheet *s, const cJSON *b)
{
    const struct block_type *t = block_type_find(
        tte_json_str(b->next, "type", ""));
    if (!s->measure && t && (t->needs & BLOCK_TABLE))
        sheet_need_space(s, block_start_height(s, b, s->block));
}

static enum tte_err
note_block(struct sheet *s, const cJSON *b)
{
    keep_with_table(s, b);
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, s->r->fmt.note);
    text_block(s, b, s->r->fmt.note);
    return TTE_OK;
}

static enum tte_err
warning_block(struct sheet *s, const cJSON *b)
{
    keep_with_table(s, b);
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return query_text_block(s, b, s->r->fmt.warning);
    text_block(s, b, s->r->fmt.warning);
    return TTE_OK;
}

static enum tte_err
blank_block(struct sheet *s, const cJSON *b)
{
    (void)b;
    sheet_next_row(s, 15);
    return TTE_OK;
}

static double
pair_height(struct sheet *s, const char *label, const char *value)
{
    struct cell_font cf = {.pt = 11, .bold = false};
    int a = cell_lines_px(label ? label : "", cell_col_px(s->colw[0]), &cf);
    int b = cell_lines_px(value ? value : "", cell_col_px(s->colw[1]), &cf);
    return cell_row_height(a > b ? a : b, 11);
}

/* A list of label-value rows short enough to keep on one page: their
 * height (a query row counted as one line); else the first three rows. */
static double
pairs_height(struct sheet *s, const cJSON *b)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(b, "rows");
    const cJSON *row;
    double h = 0;
    int n = 0;

    cJSON_ArrayForEach (row, rows) {
        char *label = sheet_expand(s, tte_json_str(row, "label", ""));
        char *value = sheet_expand(s, tte_json_str(row, "value", ""));
        double ph = pair_height(s, label, value);
        /* A signature row is tall: it stays with its block. */
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "signature")) &&
            ph < RENDER_SIGNATURE_HEIGHT)
            ph = RENDER_SIGNATURE_HEIGHT;
        h += ph;
        free(label);
        free(value);
        n++;
    }
    if (cJSON_GetObjectItemCaseSensitive(b, "query"))
        return n ? h : 45;
    return n <= 8 ? h : 45;
}

static bool
block_shown(struct sheet *s, const cJSON *b, int index)
{
    struct render_at a = {.r = s->r, .sheet = s->index, .block = index};
    bool on = false;
    return !render_sql_when(&a, b, &on) && on;
}

/* Block b's (the index-th) columns as table_columns places them. */
static void
block_table(struct sheet *s, const cJSON *b, int index, struct table *t)
{
    int block = s->block;
    *t = (struct table){
        .cols = cJSON_GetObjectItemCaseSensitive(b, "columns")};
    t->ncols = cJSON_GetArraySize(t->cols);
    s->block = index;
    table_columns(s, t);
    s->block = block;
}

/* A table's header and first row, as the sheet's widths print them (a
 * first row of one line; an empty table's line is shorter). */
static double
table_start_height(struct sheet *s, const cJSON *b, int index)
{
    struct table t;
    block_table(s, b, index, &t);
    return table_header_height(s, &t) + cell_row_height(1, 11);
}

/* Points the start of block b (the index-th) takes: what must follow a
 * heading onto its page. A note or warning brings the start of the
 * table after it: it explains that table. */
static double
block_start_height(struct sheet *s, const cJSON *b, int index)
{
    const struct block_type *t = block_type_find(tte_json_str(b, "type", ""));
    double h = 0;
    if (!b || !t)
        return 0;
    if (!block_shown(s, b, index))
        return block_start_height(s, b->next, index + 1);
    if (t->needs & BLOCK_TABLE)
        return table_start_height(s, b, index);
    if (t->needs & BLOCK_PAIRS)
        return pairs_height(s, b);
    if (!(t->needs & BLOCK_TEXT))
        return 15;
    /* Text a query returns is not known yet: count on a short paragraph
     * (a heading must not stay behind alone). */
    if ((t->needs & BLOCK_QUERY_TEXT) &&
        cJSON_GetObjectItemCaseSensitive(b, "query")) {
        h = cell_row_height(4, 11);
    } else {
        char *x = sheet_expand(s, tte_json_str(b, "text", ""));
        h = sheet_prose_height(s, x, s->r->fmt.note);
        free(x);
    }
    const struct block_type *next = block_type_find(
        tte_json_str(b->next, "type", ""));
    if (strcmp(t->name, "section") && strcmp(t->name, "title") && next &&
        (next->needs & BLOCK_TABLE))
        h += block_start_height(s, b->next, index + 1);
    return h;
}

static enum tte_err
section_block(struct sheet *s, const cJSON *b)
{
    char *t = sheet_expand(s, tte_json_str(b, "text", ""));
    /* Heading and the start of its text on one page. */
    if (!s->measure)
        sheet_need_space(s, sheet_prose_height(s, t, s->r->fmt.section) +
                                block_start_height(s, b->next, s->block + 1));
    sheet_put_prose(s, t, s->r->fmt.section);
    free(t);
    return TTE_OK;
}

/* --- pairs --------------------------------------------------------------- */

static void
pair_write(void *ctx, const struct render_pair *p)
{
    struct sheet *s = ctx;
    sheet_put_text(s, s->row, 0, p->label, s->r->fmt.label, true);
    double h = pair_height(s, p->label, p->is_number ? "" : p->text);
    if (p->is_number)
        sheet_put_number(s, s->row, 1, p->number, s->r->fmt.count);
    else
        sheet_put_text(s, s->row, 1, p->text,
                       p->missing ? s->r->fmt.missing : s->r->fmt.text, true);
    sheet_next_row(s, h > p->height ? h : p->height);
}

static enum tte_err
pairs_block(struct sheet *s, const cJSON *b)
{
    struct render_at a = sheet_at(s);
    /* A short list stays on one page. */
    if (!s->measure)
        sheet_need_space(s, pairs_height(s, b));
    return render_pairs(&a, b, pair_write, s);
}

/* --- the sheet ----------------------------------------------------------- */

/* The one list of block types: template.c checks against it. */
const struct block_type block_types[] = {
    {"title", BLOCK_TEXT, title_block},
    {"note", BLOCK_TEXT | BLOCK_QUERY_TEXT, note_block},
    {"section", BLOCK_TEXT, section_block},
    {"blank", 0, blank_block},
    {"pairs", BLOCK_PAIRS, pairs_block},
    {"table", BLOCK_TABLE, table_block},
    {"warning", BLOCK_TEXT | BLOCK_QUERY_TEXT | BLOCK_WHEN, warning_block},
    {NULL, 0, NULL},
};

const char *const column_formats[] = {"text", "count", "change", "nik",
                                      "date", "month", NULL};

const struct block_type *
block_type_find(const char *name)
{
    for (const struct block_type *t = block_types; name && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static enum tte_err
write_block(struct sheet *s, const cJSON *b)
{
    const struct block_type *t = block_type_find(tte_json_str(b, "type", ""));
    struct render_at a = sheet_at(s);
    bool on;
    enum tte_err err = render_sql_when(&a, b, &on);
    if (err || !on || !t)
        return err;
    err = t->write(s, b);
    return err ? err : s->err;
}
/* True when the sheet has one table that is not "plain". */
static bool
one_table(const cJSON *spec)
{
    const cJSON *b;
    int n = 0;
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive(spec, "blocks"))
        n += strcmp(tte_json_str(b, "type", ""), "table") == 0 &&
             !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "plain"));
    return n == 1;
}

/* The widest table of the sheet (its printed sheet columns), or its
 * fixed columns; at least two. */
static lxw_col_t
sheet_width(struct sheet *s)
{
    int n = cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(s->spec, "columns"));
    const cJSON *b;
    int i = 0;
    cJSON_ArrayForEach (b,
                        cJSON_GetObjectItemCaseSensitive(s->spec, "blocks")) {
        struct table t;
        block_table(s, b, i++, &t);
        if (t.ncols > 0 && (int)t.at_last + 1 > n)
            n = (int)t.at_last + 1;
    }
    if (n > MAX_COLS)
        n = MAX_COLS;
    return (lxw_col_t)(n < 2 ? 2 : n);
}

/* After the first walk: an "optional" column empty on every row is not
 * printed. True when one is hidden (the widths are then measured again,
 * the columns after it having moved). */
static bool
hide_empty_columns(struct sheet *s)
{
    const cJSON *b;
    bool any = false;
    int i = 0;
    cJSON_ArrayForEach (b,
                        cJSON_GetObjectItemCaseSensitive(s->spec, "blocks")) {
        const cJSON *col;
        int c = 0;
        cJSON_ArrayForEach (col,
                            cJSON_GetObjectItemCaseSensitive(b, "columns")) {
            if (c < MAX_COLS && !s->cols[i].used[c] &&
                cJSON_IsTrue(
                    cJSON_GetObjectItemCaseSensitive(col, "optional")) &&
                strcmp(tte_json_str(b, "type", ""), "table") == 0) {
                s->cols[i].hide[c] = true;
                any = true;
            }
            c++;
        }
        i++;
    }
    return any;
}

/* The template's "wide" columns: the room goes to them first. */
static void
mark_wide(struct sheet *s)
{
    const cJSON *b;
    int i = 0;
    cJSON_ArrayForEach (b,
                        cJSON_GetObjectItemCaseSensitive(s->spec, "blocks")) {
        struct table t;
        block_table(s, b, i++, &t);
        for (int c = 0; c < t.ncols && c < MAX_COLS; c++)
            if (!t.hide[c] && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                                  cJSON_GetArrayItem(t.cols, c), "wide")))
                s->m[t.at[c]].wide = true;
    }
}

static enum tte_err
walk(struct sheet *s)
{
    const cJSON *b;
    struct render *r = s->r;

    s->row = 0;
    s->block = 0;
    s->have_table = false;
    if (r->preview) {
        char *m = render_preview_mark(r);
        sheet_put_prose(s, m, r->fmt.preview);
        free(m);
    }
    cJSON_ArrayForEach (b,
                        cJSON_GetObjectItemCaseSensitive(s->spec, "blocks")) {
        enum tte_err err = write_block(s, b);
        if (err)
            return err;
        s->block++;
    }
    return s->err;
}

static void
free_measures(struct sheet *s)
{
    for (int c = 0; c < MAX_COLS; c++)
        free(s->m[c].longest);
    memset(s->m, 0, sizeof s->m);
}

/* The first walk: columns' contents, and which print. */
static enum tte_err
measure(struct sheet *s)
{
    enum tte_err err;
    s->measure = true;
    err = walk(s);
    if (!err && hide_empty_columns(s)) {
        free_measures(s);
        err = walk(s);
    }
    s->ncols = sheet_width(s);
    mark_wide(s);
    s->measure = false;
    return err;
}

/* A walk that only lays out: the sheet's height and page breaks. */
static enum tte_err
dry_walk(struct sheet *s)
{
    s->dry = true;
    s->nbreaks = 0;
    s->y = s->total_h = s->repeat_h = 0;
    s->repeat = false;
    enum tte_err err = walk(s);
    s->nbreaks_dry = s->nbreaks;
    s->nbreaks = 0;
    s->total_h_dry = s->total_h;
    s->y = s->total_h = s->repeat_h = 0;
    s->repeat = false;
    s->dry = false;
    return err;
}

/* A sheet a little longer than a page is printed a little smaller, on
 * one page (a table with its chart), down to MIN_SCALE. */
static enum tte_err
fit_one_page(struct sheet *s)
{
    enum tte_err err = dry_walk(s);
    int scale = s->scale;
    while (!err && s->nbreaks_dry && scale > MIN_SCALE &&
           s->total_h_dry <= s->page_h * scale / MIN_SCALE) {
        int want = (int)(scale * s->page_h / s->total_h_dry);
        scale = want < scale ? want : scale - 2;
        if (scale < MIN_SCALE)
            scale = MIN_SCALE;
        sheet_set_scale(s, scale);
        err = dry_walk(s);
    }
    /* Not one page even so: the scale the widths chose. */
    if (!err && s->nbreaks_dry && scale != s->scale_fit)
        sheet_set_scale(s, s->scale_fit);
    return err;
}

enum tte_err
sheet_write(struct render *r, const cJSON *spec, int index)
{
    struct sheet s = {.r = r, .index = index};
    enum tte_err err;

    s.name = tte_json_str(spec, "name", "");
    s.ws = workbook_add_worksheet(r->wb, s.name);
    if (!s.ws) {
        log_err("%s: sheets[%d].name: cannot add sheet '%s'", r->tpl_path,
                index, s.name);
        return TTE_E_CONFIG;
    }
    s.spec = spec;
    s.nblocks = cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(spec, "blocks"));
    s.cols = tte_xcalloc((size_t)s.nblocks + 1, sizeof *s.cols);
    s.ncols = MAX_COLS;
    s.one_table = one_table(spec);
    err = measure(&s);
    if (err) {
        free(s.cols);
        free_measures(&s);
        return err;
    }
    sheet_layout(&s);
    s.breaks = tte_xcalloc(MAX_BREAKS + 1, sizeof *s.breaks);
    err = fit_one_page(&s);
    if (!err)
        sheet_page_setup(&s);
    err = err ? err : s.err ? s.err : walk(&s);
    if (!err)
        table_repeat_header(&s);
    if (!err && s.nbreaks)
        sheet_lxw_ok(&s, worksheet_set_h_pagebreaks(s.ws, s.breaks), NO_CELL,
                     0, "worksheet_set_h_pagebreaks");
    free(s.breaks);
    free(s.cols);
    free_measures(&s);
    return err ? err : s.err;
}
