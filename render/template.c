/*
 * Template validation. Everything the reader sees comes from the template,
 * so a broken template must fail before any file is written, with the key
 * that is wrong.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sheet.h"
#include "template.h"
#include "tte_json.h"
#include "tte_log.h"

struct check {
    const char *path;
    char key[160];
};

static enum tte_err
fail(const struct check *c, const char *what)
{
    log_err("%s: %s: %s", c->path, c->key, what);
    return TTE_E_CONFIG;
}

static enum tte_err
want_string(struct check *c, const cJSON *obj, const char *name, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t n = strlen(c->key);
    enum tte_err err = TTE_OK;
    snprintf(c->key + n, sizeof c->key - n, ".%s", name);
    if ((v || required) && !cJSON_IsString(v))
        err = fail(c, required && !v ? "is required" : "must be a string");
    c->key[n] = '\0';
    return err;
}

/* A layout flag ("wide", "optional"): true or false when present. */
static enum tte_err
want_bool(struct check *c, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t n = strlen(c->key);
    enum tte_err err = TTE_OK;
    snprintf(c->key + n, sizeof c->key - n, ".%s", name);
    if (v && !cJSON_IsBool(v))
        err = fail(c, "must be true or false");
    c->key[n] = '\0';
    return err;
}

/* "span": the sheet columns a text column takes, merged (1 to 16). */
static enum tte_err
want_span(struct check *c, const cJSON *col)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(col, "span");
    const char *f = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(col, "format"));
    size_t n = strlen(c->key);
    enum tte_err err = TTE_OK;
    snprintf(c->key + n, sizeof c->key - n, ".span");
    if (v && (!cJSON_IsNumber(v) ||
              !(v->valuedouble >= 1 && v->valuedouble <= 16) ||
              v->valuedouble != (int)v->valuedouble))
        err = fail(c, "must be a whole number from 1 to 16");
    else if (v && v->valueint > 1 && f && strcmp(f, "text") != 0)
        err = fail(c, "is for a text column only");
    c->key[n] = '\0';
    return err;
}

static enum tte_err
check_sheet_name(struct check *c, const char *name, const cJSON *sheets,
                 int index)
{
    if (!*name || strlen(name) > 31)
        return fail(c, "sheet name must have 1 to 31 characters");
    if (strpbrk(name, "[]:*?/\\") || name[0] == '\'')
        return fail(c, "sheet name must not contain [ ] : * ? / \\");
    for (int i = 0; i < index; i++) {
        const char *other = cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetArrayItem(sheets, i), "name")
                                ->valuestring;
        if (strcasecmp(other, name) == 0)
            return fail(c, "sheet name is used twice");
    }
    return TTE_OK;
}

static enum tte_err
check_columns(struct check *c, const cJSON *cols)
{
    const cJSON *col;
    size_t n = strlen(c->key);
    int i = 0;

    if (!cJSON_IsArray(cols) || cJSON_GetArraySize(cols) < 1)
        return fail(c, "columns must be a non-empty list");
    cJSON_ArrayForEach (col, cols) {
        snprintf(c->key + n, sizeof c->key - n, ".columns[%d]", i++);
        enum tte_err err = want_string(c, col, "header", true);
        if (!err)
            err = want_string(c, col, "format", false);
        if (!err)
            err = want_bool(c, col, "wide");
        if (!err)
            err = want_bool(c, col, "optional");
        if (!err)
            err = want_span(c, col);
        if (err)
            return err;
        const char *f = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(col, "format"));
        size_t k = 0;
        while (f && column_formats[k] && strcmp(f, column_formats[k]))
            k++;
        if (f && !column_formats[k])
            return fail(c, "format must be text, count, change, nik, date "
                           "or month");
    }
    c->key[n] = '\0';
    return TTE_OK;
}

static enum tte_err
check_chart(struct check *c, const cJSON *chart, int ncols)
{
    const char *type = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(chart, "type"));
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(chart, "categories");
    const cJSON *series = cJSON_GetObjectItemCaseSensitive(chart, "series");
    const cJSON *s;
    enum tte_err err = TTE_OK;

    if (!type || (strcmp(type, "line") && strcmp(type, "column") &&
                  strcmp(type, "bar")))
        err = fail(c, "type must be line, column or bar");
    else if (!cJSON_IsNumber(cat) || cat->valueint < 0 ||
             cat->valueint >= ncols)
        err = fail(c, "categories must be a column index of the table");
    else if (!cJSON_IsArray(series) || cJSON_GetArraySize(series) < 1)
        err = fail(c, "series must be a list of column indexes");
    cJSON_ArrayForEach (s, series) {
        if (!err &&
            (!cJSON_IsNumber(s) || s->valueint < 0 || s->valueint >= ncols))
            err = fail(c, "series must be column indexes of the table");
    }
    static const char *const texts[] = {"title", "x_title", "y_title"};
    for (size_t i = 0; !err && i < 3; i++)
        err = want_string(c, chart, texts[i], false);
    return err;
}

/* "chart": one chart or a list of them, each below the table. */
static enum tte_err
check_charts(struct check *c, const cJSON *chart, int ncols)
{
    size_t n = strlen(c->key);
    enum tte_err err = TTE_OK;
    const cJSON *one;
    int i = 0;

    if (cJSON_IsObject(chart)) {
        strncat(c->key, ".chart", sizeof c->key - n - 1);
        err = check_chart(c, chart, ncols);
    } else if (!cJSON_IsArray(chart)) {
        strncat(c->key, ".chart", sizeof c->key - n - 1);
        err = fail(c, "must be a chart or a list of charts");
    }
    const cJSON *list = cJSON_IsArray(chart) ? chart : NULL;
    cJSON_ArrayForEach (one, list) {
        snprintf(c->key + n, sizeof c->key - n, ".chart[%d]", i++);
        err = cJSON_IsObject(one) ? check_chart(c, one, ncols)
                                  : fail(c, "must be a chart");
        if (err)
            break;
    }
    c->key[n] = '\0';
    return err;
}

static enum tte_err
check_block(struct check *c, const cJSON *b)
{
    const char *name = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(b, "type"));
    const struct block_type *t = block_type_find(name);
    enum tte_err err = TTE_OK;

    if (!t) {
        char msg[256] = "type must be one of";
        for (const struct block_type *k = block_types; k->name; k++)
            snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s %s",
                     k == block_types ? "" : ",", k->name);
        return fail(c, msg);
    }
    if (t->needs & BLOCK_QUERY_TEXT)
        err = want_string(c, b, "query", false);
    if (!err && (t->needs & BLOCK_TEXT) &&
        !((t->needs & BLOCK_QUERY_TEXT) &&
          cJSON_GetObjectItemCaseSensitive(b, "query")))
        err = want_string(c, b, "text", true);
    if (!err)
        err = want_string(c, b, "when", (t->needs & BLOCK_WHEN) != 0);
    if (!err && (t->needs & BLOCK_PAIRS)) {
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(b, "rows");
        if (!rows &&
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "query")))
            err = fail(c, "pairs needs \"rows\" or a \"query\"");
        else if (rows && !cJSON_IsArray(rows))
            err = fail(c, "rows must be a list of {label, value|query}");
    }
    if (!err && (t->needs & BLOCK_TABLE)) {
        const cJSON *cols = cJSON_GetObjectItemCaseSensitive(b, "columns");
        const cJSON *chart = cJSON_GetObjectItemCaseSensitive(b, "chart");
        err = want_string(c, b, "query", true);
        if (!err)
            err = want_string(c, b, "empty", false);
        if (!err)
            err = check_columns(c, cols);
        if (!err && chart)
            err = check_charts(c, chart, cJSON_GetArraySize(cols));
    }
    return err;
}

static enum tte_err
check_sheets(struct check *c, const cJSON *sheets)
{
    const cJSON *sheet, *b;
    int i = 0;

    if (!cJSON_IsArray(sheets) || cJSON_GetArraySize(sheets) < 1)
        return fail(c, "sheets must be a non-empty list");
    cJSON_ArrayForEach (sheet, sheets) {
        snprintf(c->key, sizeof c->key, "sheets[%d]", i);
        enum tte_err err = want_string(c, sheet, "name", true);
        if (!err)
            err = check_sheet_name(
                c,
                cJSON_GetObjectItemCaseSensitive(sheet, "name")->valuestring,
                sheets, i);
        const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(sheet,
                                                               "blocks");
        if (!err && (!cJSON_IsArray(blocks) || cJSON_GetArraySize(blocks) < 1))
            err = fail(c, "blocks must be a non-empty list");
        int k = 0;
        cJSON_ArrayForEach (b, blocks) {
            if (err)
                break;
            snprintf(c->key, sizeof c->key, "sheets[%d].blocks[%d]", i, k++);
            err = check_block(c, b);
        }
        if (err)
            return err;
        i++;
    }
    return TTE_OK;
}

enum tte_err
template_validate(const cJSON *tpl, const char *path)
{
    struct check c = {.path = path};
    const cJSON *months;

    if (!cJSON_IsObject(tpl)) {
        snprintf(c.key, sizeof c.key, "(top)");
        return fail(&c, "a template is a JSON object");
    }
    c.key[0] = '\0';
    static const char *const strings[] = {"title", "file_name",
                                          "file_name_preview"};
    for (size_t i = 0; i < 3; i++) {
        enum tte_err err = want_string(&c, tpl, strings[i], true);
        if (err)
            return err;
    }
    months = tte_json_get(tpl, "labels.months");
    snprintf(c.key, sizeof c.key, "labels.months");
    if (cJSON_GetArraySize(months) != 12)
        return fail(&c, "must list the twelve month names");
    for (int i = 0; i < 12; i++)
        if (!cJSON_IsString(cJSON_GetArrayItem(months, i)))
            return fail(&c, "month names must be strings");
    snprintf(c.key, sizeof c.key, "preview");
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(tpl, "preview");
    if (!cJSON_IsObject(pv))
        return fail(&c, "is required: {title, mark, header} for quarterly "
                        "previews");
    c.key[0] = '\0';
    snprintf(c.key, sizeof c.key, "preview");
    for (size_t i = 0; i < 3; i++) {
        static const char *const pk[] = {"title", "mark", "header"};
        enum tte_err err = want_string(&c, pv, pk[i], true);
        if (err)
            return err;
    }
    if (want_string(&c, pv, "mark_ended", false))
        return TTE_E_CONFIG;
    c.key[0] = '\0';
    static const char *const lists[] = {"codes", "statuses", "verdicts"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(tpl, lists[i]);
        snprintf(c.key, sizeof c.key, "%s", lists[i]);
        if (l && !cJSON_IsArray(l))
            return fail(&c, "must be a list of objects");
    }
    return check_sheets(&c, cJSON_GetObjectItemCaseSensitive(tpl, "sheets"));
}
