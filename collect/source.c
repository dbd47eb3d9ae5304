/*
 * Source definitions: how one system's log maps onto the canonical fields.
 * The built-in readers (csv, jsonl, the registries) are definitions too,
 * whose columns carry the canonical names.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "source.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_secret.h"
#include "tte_time.h"

#ifndef TTE_SYSCONFDIR
#define TTE_SYSCONFDIR "/usr/local/etc"
#endif

static const char *const cert_fields[] = {
    "nik",          "nip",           "name",       "position",  "unit",
    "cert_type",    "cert_serial",   "not_before", "not_after", "status",
    "status_since", "snapshot_date", "exported_on"};
static const char *const unit_fields[] = {"code", "name", "parent", "aliases"};
static const char *const app_fields[] = {"app", "name", "owner_unit",
                                         "footer_statement", "checked_on"};
static const char *const verif_fields[] = {"nip",  "name",         "position",
                                           "unit", "appointed_on", "decree"};
static const char *event_fields[F_COUNT];

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const *
kind_fields(enum src_kind kind, size_t *n)
{
    switch (kind) {
    case KIND_CERTIFICATES: *n = COUNT(cert_fields); return cert_fields;
    case KIND_UNITS: *n = COUNT(unit_fields); return unit_fields;
    case KIND_APPS: *n = COUNT(app_fields); return app_fields;
    case KIND_VERIFIKATOR: *n = COUNT(verif_fields); return verif_fields;
    case KIND_EVENTS: break;
    }
    for (int i = 0; i < F_COUNT; i++)
        event_fields[i] = tte_field_name((enum tte_field)i);
    *n = F_COUNT;
    return event_fields;
}

static const struct {
    const char *name;
    enum src_kind kind;
    enum src_format format;
} builtins[] = {
    {"csv", KIND_EVENTS, FMT_CSV},
    {"jsonl", KIND_EVENTS, FMT_JSONL},
    {"certificates", KIND_CERTIFICATES, FMT_CSV},
    {"units", KIND_UNITS, FMT_CSV},
    {"apps", KIND_APPS, FMT_CSV},
    {"verifikator", KIND_VERIFIKATOR, FMT_CSV},
};

static enum tte_err
set_zone(struct source *s, const char *zone, const char *where)
{
    if (!tte_zone_offset(zone, &s->zone_offset)) {
        log_err("%s: unknown time zone '%s' (use Asia/Jakarta, "
                "Asia/Makassar, Asia/Jayapura, UTC or +HH:MM)",
                where, zone);
        return TTE_E_CONFIG;
    }
    free(s->zone);
    s->zone = tte_xstrdup(zone);
    return TTE_OK;
}

static void
set_window(struct source *s, int64_t from, const char *text, int days_ahead)
{
    s->time_min = from;
    snprintf(s->time_from, sizeof s->time_from, "%s", text);
    s->days_ahead = days_ahead;
    s->time_max = (int64_t)time(NULL) + (int64_t)days_ahead * 86400;
}

void
source_window_reason(const struct source *s, struct tte_buf *reason)
{
    tte_buf_printf(reason,
                   "outside the plausible window (%s to %d day%s "
                   "after collection; widen it with \"time_window\")",
                   s->time_from, s->days_ahead, s->days_ahead == 1 ? "" : "s");
}

static struct source *
source_new(const char *name, enum src_kind kind, enum src_format format)
{
    struct source *s = tte_xcalloc(1, sizeof *s);
    const char *const *names = kind_fields(kind, &s->nfields);

    s->name = tte_xstrdup(name);
    s->kind = kind;
    s->format = format;
    s->delim = ',';
    s->quote = '"';
    s->header = true;
    s->max_record = SRC_MAX_RECORD;
    set_window(s, SRC_TIME_FROM, "2000-01-01", SRC_DAYS_AHEAD);
    s->times = tte_xcalloc(1, sizeof *s->times);
    s->times[0].kind = TF_ISO8601;
    s->ntimes = 1;
    for (size_t i = 0; i < s->nfields; i++) {
        s->fields[i].column = tte_xstrdup(names[i]);
        s->fields[i].col = -1;
    }
    return s;
}

enum tte_err
source_builtin(const char *name, const char *zone, struct source **out)
{
    for (size_t i = 0; i < COUNT(builtins); i++) {
        if (strcmp(name, builtins[i].name) != 0)
            continue;
        struct source *s = source_new(name, builtins[i].kind,
                                      builtins[i].format);
        enum tte_err err = set_zone(s, zone ? zone : "Asia/Jakarta", name);
        if (err) {
            source_free(s);
            return err;
        }
        *out = s;
        return TTE_OK;
    }
    return TTE_E_NOINPUT;
}

static void
field_clear(struct src_field *f)
{
    free(f->column);
    free(f->constant);
    for (size_t i = 0; i < f->nmap; i++) {
        free(f->map_from[i]);
        free(f->map_to[i]);
    }
    free(f->map_from);
    free(f->map_to);
    free(f->map_default);
    for (size_t i = 0; i < f->nalts; i++)
        free(f->alts[i]);
    free(f->alts);
    free(f->alt_cols);
    free(f->remove);
    for (size_t i = 0; i < f->nreplace; i++) {
        pcre2_code_free(f->replace[i].re);
        free(f->replace[i].with);
    }
    free(f->replace);
    memset(f, 0, sizeof *f);
    f->col = -1;
}

void
source_free(struct source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfields; i++)
        field_clear(&s->fields[i]);
    for (size_t i = 0; i < s->nfilters; i++) {
        free(s->filters[i].column);
        for (size_t k = 0; k < s->filters[i].nvalues; k++)
            free(s->filters[i].values[k]);
        free(s->filters[i].values);
        free(s->filters[i].contains);
    }
    free(s->filters);
    for (size_t i = 0; i < s->ntimes; i++)
        free(s->times[i].pattern);
    free(s->times);
    free(s->name);
    free(s->path);
    free(s->encoding);
    free(s->zone);
    pcre2_code_free(s->pattern);
    free(s->pattern_text);
    for (size_t i = 0; i < s->ngroups; i++)
        free(s->group_names[i]);
    free(s->group_names);
    free(s->group_nos);
    for (size_t i = 0; i < s->npair_keys; i++)
        free(s->pair_keys[i]);
    free(s->pair_keys);
    free(s->sheet);
    free(s);
}

/* --- loading a definition file ------------------------------------------ */

struct loader {
    const char *path;
    struct source *src;
};

static enum tte_err
bad(const struct loader *l, const char *key, const char *what)
{
    log_err("%s: key '%s': %s", l->path, key, what);
    return TTE_E_CONFIG;
}

static enum tte_err
load_char(const struct loader *l, const cJSON *doc, const char *key, char *c)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);
    if (!v)
        return TTE_OK;
    if (!cJSON_IsString(v) || strlen(v->valuestring) != 1)
        return bad(l, key, "must be a one-character string");
    *c = v->valuestring[0];
    return TTE_OK;
}

static enum tte_err
load_selector(const struct loader *l, const cJSON *v, const char *key,
              char **column, int *position)
{
    if (cJSON_IsString(v) && *v->valuestring) {
        *column = tte_xstrdup(v->valuestring);
        return TTE_OK;
    }
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 4096) {
        *position = (int)v->valuedouble;
        return TTE_OK;
    }
    return bad(l, key,
               "must be a column name, a JSON path or a 1-based "
               "column number");
}

static enum tte_err
load_map(const struct loader *l, const cJSON *map, const char *key,
         struct src_field *f)
{
    const cJSON *it;
    if (!cJSON_IsObject(map))
        return bad(l, key, "\"map\" must be an object of value: value");
    f->map_from = tte_xcalloc((size_t)cJSON_GetArraySize(map), sizeof(char *));
    f->map_to = tte_xcalloc((size_t)cJSON_GetArraySize(map), sizeof(char *));
    size_t i = 0;
    cJSON_ArrayForEach (it, map) {
        if (!cJSON_IsString(it))
            return bad(l, key, "map values must be strings");
        if (strcmp(it->string, "*") == 0) {
            free(f->map_default);
            f->map_default = tte_xstrdup(it->valuestring);
            continue;
        }
        f->nmap = i + 1;
        f->map_from[i] = tte_xstrdup(it->string);
        f->map_to[i] = tte_xstrdup(it->valuestring);
        i++;
    }
    return TTE_OK;
}

/* A PCRE2 pattern compiled for UTF-8 text; the message names the key
 * and the offset where the pattern went wrong. */
static pcre2_code *
compile_pattern(const struct loader *l, const char *key, const char *text)
{
    int code;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF, &code, &at, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        char what[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(what, sizeof what,
                 "invalid regular expression at offset "
                 "%zu: %s",
                 (size_t)at, (const char *)msg);
        bad(l, key, what);
        return NULL;
    }
    /* JIT when the platform has it; the interpreter otherwise. */
    (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* "column": [..] or "path": [..]: the first is the column, the rest are
 * tried in order while the value is empty. */
static enum tte_err
load_selector_list(const struct loader *l, const cJSON *v, const char *key,
                   struct src_field *f)
{
    const cJSON *it;
    size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
    if (n < 1)
        return bad(l, key, "a list of columns or paths must not be empty");
    cJSON_ArrayForEach (it, v) {
        if (!cJSON_IsString(it) || !*it->valuestring)
            return bad(l, key,
                       "a list of columns or paths holds names "
                       "(strings)");
        if (tte_is_secret_name(it->valuestring))
            return bad(l, key,
                       "maps a secret column or key (passphrase, "
                       "password, totp, otp or pin); secrets are never "
                       "collected");
    }
    f->alts = tte_xcalloc(n, sizeof *f->alts);
    f->alt_cols = tte_xcalloc(n, sizeof *f->alt_cols);
    cJSON_ArrayForEach (it, v) {
        if (i++ == 0) {
            f->column = tte_xstrdup(it->valuestring);
            continue;
        }
        f->alts[f->nalts] = tte_xstrdup(it->valuestring);
        f->alt_cols[f->nalts++] = -1;
    }
    return TTE_OK;
}

static enum tte_err
load_cleaning(const struct loader *l, const cJSON *v, const char *key,
              struct src_field *f)
{
    const cJSON *rm = cJSON_GetObjectItemCaseSensitive(v, "remove");
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(v, "replace");
    const cJSON *it;

    if (rm) {
        if (!cJSON_IsString(rm) || !*rm->valuestring)
            return bad(l, key,
                       "\"remove\" must be a string of the "
                       "characters to remove");
        f->remove = tte_xstrdup(rm->valuestring);
    }
    if (!rep)
        return TTE_OK;
    if (!cJSON_IsArray(rep))
        return bad(l, key,
                   "\"replace\" must be a list of [pattern, "
                   "replacement] pairs");
    f->replace = tte_xcalloc((size_t)cJSON_GetArraySize(rep) + 1,
                             sizeof *f->replace);
    cJSON_ArrayForEach (it, rep) {
        const cJSON *pat = cJSON_GetArrayItem(it, 0);
        const cJSON *with = cJSON_GetArrayItem(it, 1);
        if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 ||
            !cJSON_IsString(pat) || !cJSON_IsString(with) ||
            !*pat->valuestring)
            return bad(l, key,
                       "each \"replace\" entry is a [pattern, "
                       "replacement] pair of strings");
        struct src_replace *r = &f->replace[f->nreplace];
        r->re = compile_pattern(l, key, pat->valuestring);
        if (!r->re)
            return TTE_E_CONFIG;
        r->with = tte_xstrdup(with->valuestring);
        f->nreplace++;
    }
    return TTE_OK;
}

static enum tte_err
load_field(const struct loader *l, const cJSON *v, struct src_field *f)
{
    const char *key = v->string;
    if (!cJSON_IsObject(v))
        return load_selector(l, v, key, &f->column, &f->position);

    const cJSON *col = cJSON_GetObjectItemCaseSensitive(v, "column");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(v, "path");
    const cJSON *cst = cJSON_GetObjectItemCaseSensitive(v, "const");
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(v, "map");
    enum tte_err err = TTE_OK;

    if (!!col + !!path + !!cst != 1)
        return bad(l, key,
                   "needs exactly one of \"column\", \"path\" or "
                   "\"const\"");
    if (cst) {
        if (!cJSON_IsString(cst))
            return bad(l, key, "\"const\" must be a string");
        f->constant = tte_xstrdup(cst->valuestring);
    } else if (cJSON_IsArray(col ? col : path)) {
        err = load_selector_list(l, col ? col : path, key, f);
    } else {
        err = load_selector(l, col ? col : path, key, &f->column,
                            &f->position);
    }
    if (!err)
        err = load_cleaning(l, v, key, f);
    if (!err && map)
        err = load_map(l, map, key, f);
    return err;
}

static enum tte_err
load_fields(const struct loader *l, const cJSON *fields)
{
    struct source *s = l->src;
    const char *const *names = kind_fields(s->kind, &s->nfields);
    const cJSON *v;
    bool seen[SRC_MAX_FIELDS] = {false};

    if (!cJSON_IsObject(fields))
        return bad(l, "fields",
                   "must be an object of canonical field: "
                   "column");
    for (size_t i = 0; i < s->nfields; i++)
        field_clear(&s->fields[i]);
    cJSON_ArrayForEach (v, fields) {
        size_t i;
        if (tte_is_secret_name(v->string))
            return bad(l, v->string,
                       "is a secret (passphrase, password, "
                       "totp, otp or pin) and is never collected");
        for (i = 0; i < s->nfields; i++)
            if (strcmp(names[i], v->string) == 0)
                break;
        if (i == s->nfields)
            return bad(l, v->string, "is not a canonical field");
        if (seen[i])
            return bad(l, v->string, "is mapped twice");
        seen[i] = true;
        enum tte_err err = load_field(l, v, &s->fields[i]);
        if (err)
            return err;
        const char *sel = s->fields[i].column;
        if (sel && tte_is_secret_name(sel))
            return bad(l, v->string,
                       "maps a secret column or key (pass"
                       "phrase, password, totp, otp or pin); secrets are "
                       "never collected");
    }
    return TTE_OK;
}

static enum tte_err
load_times(const struct loader *l, const cJSON *tf)
{
    struct source *s = l->src;
    cJSON *one = NULL;
    const cJSON *it;

    if (cJSON_IsString(tf)) {
        one = cJSON_CreateArray();
        cJSON_AddItemToArray(one, cJSON_CreateString(tf->valuestring));
        tf = one;
    }
    if (!cJSON_IsArray(tf) || cJSON_GetArraySize(tf) < 1) {
        cJSON_Delete(one);
        return bad(l, "time_format",
                   "must be a string or a non-empty list "
                   "(iso8601, epoch, epoch_ms or a strptime pattern)");
    }
    for (size_t i = 0; i < s->ntimes; i++)
        free(s->times[i].pattern);
    free(s->times);
    s->ntimes = (size_t)cJSON_GetArraySize(tf);
    s->times = tte_xcalloc(s->ntimes, sizeof *s->times);
    size_t i = 0;
    enum tte_err err = TTE_OK;
    cJSON_ArrayForEach (it, tf) {
        const char *v = cJSON_IsString(it) ? it->valuestring : NULL;
        if (!v || !*v) {
            err = bad(l, "time_format", "entries must be strings");
            break;
        }
        if (strcmp(v, "iso8601") == 0) {
            s->times[i].kind = TF_ISO8601;
        } else if (strcmp(v, "epoch") == 0) {
            s->times[i].kind = TF_EPOCH;
        } else if (strcmp(v, "epoch_ms") == 0) {
            s->times[i].kind = TF_EPOCH_MS;
        } else if (strchr(v, '%')) {
            s->times[i].kind = TF_PATTERN;
            s->times[i].pattern = tte_xstrdup(v);
        } else {
            err = bad(l, "time_format",
                      "unknown format (iso8601, epoch, "
                      "epoch_ms or a strptime pattern with %)");
            break;
        }
        i++;
    }
    cJSON_Delete(one);
    return err;
}

static enum tte_err
load_filters(const struct loader *l, const cJSON *arr)
{
    struct source *s = l->src;
    const cJSON *it;

    if (!cJSON_IsArray(arr))
        return bad(l, "filter",
                   "must be a list of {column, in|contains|"
                   "not_in|not_contains}");
    s->nfilters = (size_t)cJSON_GetArraySize(arr);
    s->filters = tte_xcalloc(s->nfilters, sizeof *s->filters);
    size_t i = 0;
    cJSON_ArrayForEach (it, arr) {
        struct src_filter *f = &s->filters[i++];
        const cJSON *col = cJSON_GetObjectItemCaseSensitive(it, "column");
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(it, "in");
        const cJSON *has = cJSON_GetObjectItemCaseSensitive(it, "contains");
        const cJSON *nin = cJSON_GetObjectItemCaseSensitive(it, "not_in");
        const cJSON *nhas = cJSON_GetObjectItemCaseSensitive(it,
                                                             "not_contains");
        const cJSON *v;
        f->col = -1;
        if (!!in + !!has + !!nin + !!nhas != 1)
            return bad(l, "filter",
                       "each filter needs exactly one of "
                       "\"in\", \"contains\", \"not_in\" or "
                       "\"not_contains\"");
        f->negate = nin || nhas;
        in = in ? in : nin;
        has = has ? has : nhas;
        if (!col ||
            load_selector(l, col, "filter.column", &f->column, &f->position))
            return bad(l, "filter", "each filter needs a \"column\"");
        if (cJSON_IsString(has)) {
            f->contains = tte_xstrdup(has->valuestring);
        } else if (cJSON_IsArray(in)) {
            f->nvalues = (size_t)cJSON_GetArraySize(in);
            f->values = tte_xcalloc(f->nvalues, sizeof(char *));
            size_t k = 0;
            cJSON_ArrayForEach (v, in) {
                if (!cJSON_IsString(v))
                    return bad(l, "filter.in", "values must be strings");
                f->values[k++] = tte_xstrdup(v->valuestring);
            }
        } else {
            return bad(l, "filter",
                       "\"in\" and \"not_in\" take a list, "
                       "\"contains\" and \"not_contains\" a string");
        }
    }
    return TTE_OK;
}

static enum tte_err
load_kind(const struct loader *l, const cJSON *doc)
{
    const char *kind = tte_json_str(doc, "kind", "events");
    static const char *const kinds[] = {"events", "certificates", "units",
                                        "apps", "verifikator"};
    for (size_t i = 0; i < COUNT(kinds); i++) {
        if (strcmp(kind, kinds[i]) == 0) {
            struct source *s = l->src;
            s->kind = (enum src_kind)i;
            kind_fields(s->kind, &s->nfields);
            return TTE_OK;
        }
    }
    return bad(l, "kind",
               "must be events, certificates, units, apps or "
               "verifikator");
}

/* A line end as delimiter or quote would split every record; a delimiter
 * equal to the quote makes every field ambiguous. */
static enum tte_err
check_dialect(const struct loader *l, const struct source *s)
{
    if (s->delim == '\n' || s->delim == '\r')
        return bad(l, "delimiter", "cannot be a line end (LF or CR)");
    if (s->quote == '\n' || s->quote == '\r')
        return bad(l, "quote", "cannot be a line end (LF or CR)");
    if (s->delim == s->quote)
        return bad(l, "delimiter", "must differ from the quote");
    return TTE_OK;
}

static enum tte_err
load_max_record(const struct loader *l, const cJSON *doc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "max_record_bytes");
    if (!v)
        return TTE_OK;
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 1e15 ||
        v->valuedouble != (double)(long long)v->valuedouble)
        return bad(l, "max_record_bytes",
                   "must be a positive whole number "
                   "of bytes");
    l->src->max_record = (long long)v->valuedouble;
    return TTE_OK;
}

/* "pattern" and "pairs", for "format": "lines" only. */
static enum tte_err
load_lines(const struct loader *l, const cJSON *doc)
{
    struct source *s = l->src;
    const cJSON *pat = cJSON_GetObjectItemCaseSensitive(doc, "pattern");
    const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(doc, "pairs");
    uint32_t count = 0, size = 0;
    PCRE2_SPTR table = NULL;

    if (s->format != FMT_LINES) {
        if (pat || pairs)
            return bad(l, pat ? "pattern" : "pairs",
                       "applies to \"format\": "
                       "\"lines\" only");
        return TTE_OK;
    }
    if (!cJSON_IsString(pat) || !*pat->valuestring)
        return bad(l, "pattern",
                   "\"format\": \"lines\" needs a \"pattern\": "
                   "a regular expression whose named groups are the columns");
    if (pairs && !cJSON_IsBool(pairs))
        return bad(l, "pairs", "must be true or false");
    s->pairs = cJSON_IsTrue(pairs);
    s->pattern_text = tte_xstrdup(pat->valuestring);
    s->pattern = compile_pattern(l, "pattern", pat->valuestring);
    if (!s->pattern)
        return TTE_E_CONFIG;
    pcre2_pattern_info(s->pattern, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(s->pattern, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(s->pattern, PCRE2_INFO_NAMETABLE, &table);
    if (count == 0 && !s->pairs)
        return bad(l, "pattern",
                   "has no named group (?<name>...): the "
                   "named groups are the columns \"fields\" maps");
    s->group_names = tte_xcalloc(count + 1, sizeof *s->group_names);
    s->group_nos = tte_xcalloc(count + 1, sizeof *s->group_nos);
    /* Each entry: the group number, two bytes big-endian, then the name. */
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + (size_t)i * size;
        s->group_nos[i] = (uint32_t)(e[0] << 8 | e[1]);
        s->group_names[i] = tte_xstrdup((const char *)e + 2);
        if (tte_is_secret_name(s->group_names[i]))
            log_info("%s: group '%s' of the pattern names a secret; its "
                     "value is redacted and never stored",
                     l->path, s->group_names[i]);
    }
    s->ngroups = count;
    /* PCRE2's table is in name order: the columns go in the pattern's,
     * as a header's would. */
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && s->group_nos[j - 1] > s->group_nos[j];
             j--) {
            uint32_t n = s->group_nos[j];
            char *name = s->group_names[j];
            s->group_nos[j] = s->group_nos[j - 1];
            s->group_names[j] = s->group_names[j - 1];
            s->group_nos[j - 1] = n;
            s->group_names[j - 1] = name;
        }
    return TTE_OK;
}

static bool
is_group(const struct source *s, const char *name)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (strcasecmp(s->group_names[i], name) == 0)
            return true;
    return false;
}

static void
add_pair_key(struct source *s, const char *name)
{
    if (!name || is_group(s, name))
        return;
    for (size_t i = 0; i < s->npair_keys; i++)
        if (strcasecmp(s->pair_keys[i], name) == 0)
            return;
    s->pair_keys = tte_xrealloc(s->pair_keys,
                                (s->npair_keys + 1) * sizeof *s->pair_keys);
    s->pair_keys[s->npair_keys++] = tte_xstrdup(name);
}

/* Every column a field or filter of a "lines" definition names is a
 * named group, or with "pairs" a key of the line's pairs: a name that is
 * neither is a typo, said now rather than an empty column later. */
static enum tte_err
check_line_columns(const struct loader *l)
{
    struct source *s = l->src;
    size_t n;
    const char *const *names = kind_fields(s->kind, &n);
    char what[200];

    for (size_t i = 0; i < s->nfields; i++) {
        const struct src_field *f = &s->fields[i];
        for (size_t k = 0; k <= f->nalts; k++) {
            const char *c = k ? f->alts[k - 1] : f->column;
            if (f->position) {
                return bad(l, names[i],
                           "a \"lines\" definition names "
                           "columns by group, not by number");
            }
            if (!c || f->constant || s->pairs)
                continue;
            if (!is_group(s, c)) {
                snprintf(what, sizeof what,
                         "column '%s' is not a named "
                         "group of the pattern (add (?<%s>...) or set "
                         "\"pairs\": true)",
                         c, c);
                return bad(l, names[i], what);
            }
        }
    }
    for (size_t i = 0; i < s->nfilters; i++)
        if (!s->pairs && s->filters[i].column &&
            !is_group(s, s->filters[i].column))
            return bad(l, "filter",
                       "names a column that is not a named "
                       "group of the pattern");
    if (!s->pairs)
        return TTE_OK;
    for (size_t i = 0; i < s->nfields; i++) {
        add_pair_key(s, s->fields[i].constant ? NULL : s->fields[i].column);
        for (size_t k = 0; k < s->fields[i].nalts; k++)
            add_pair_key(s, s->fields[i].alts[k]);
    }
    for (size_t i = 0; i < s->nfilters; i++)
        add_pair_key(s, s->filters[i].column);
    return TTE_OK;
}

/* "sheet" and "header_row", for "format": "xlsx" only. */
static enum tte_err
load_xlsx(const struct loader *l, const cJSON *doc)
{
    struct source *s = l->src;
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(doc, "sheet");
    const cJSON *hr = cJSON_GetObjectItemCaseSensitive(doc, "header_row");

    if (s->format != FMT_XLSX) {
        if (sh || hr)
            return bad(l, sh ? "sheet" : "header_row",
                       "applies to "
                       "\"format\": \"xlsx\" only");
        return TTE_OK;
    }
    if (cJSON_IsString(sh) && *sh->valuestring)
        s->sheet = tte_xstrdup(sh->valuestring);
    else if (cJSON_IsNumber(sh) && sh->valuedouble >= 1 &&
             sh->valuedouble <= 4096 &&
             sh->valuedouble == (int)sh->valuedouble)
        s->sheet_no = (int)sh->valuedouble;
    else if (sh)
        return bad(l, "sheet",
                   "must be a sheet's name or its 1-based "
                   "number");
    if (hr &&
        (!cJSON_IsNumber(hr) || hr->valuedouble < 1 ||
         hr->valuedouble > 1048576 || hr->valuedouble != (int)hr->valuedouble))
        return bad(l, "header_row", "must be a 1-based row number");
    s->header_row = hr ? (int)hr->valuedouble : 0;
    return TTE_OK;
}

static enum tte_err
load_format(const struct loader *l, const cJSON *doc)
{
    struct source *s = l->src;
    const char *fmt = tte_json_str(doc, "format", NULL);
    const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(doc, "header");
    const char *enc = tte_json_str(doc, "encoding", NULL);
    enum tte_err err;

    static const char *const formats[] = {"csv", "jsonl", "lines", "xlsx"};
    size_t fi = COUNT(formats);
    for (size_t i = 0; fmt && i < COUNT(formats); i++)
        if (strcmp(fmt, formats[i]) == 0)
            fi = i;
    if (fi == COUNT(formats))
        return bad(l, "format",
                   "must be \"csv\", \"jsonl\", \"lines\" "
                   "or \"xlsx\"");
    s->format = (enum src_format)fi;
    err = load_lines(l, doc);
    if (!err)
        err = load_xlsx(l, doc);
    if (!err)
        err = load_char(l, doc, "delimiter", &s->delim);
    if (!err)
        err = load_char(l, doc, "quote", &s->quote);
    if (!err)
        err = check_dialect(l, s);
    if (!err)
        err = load_max_record(l, doc);
    if (err)
        return err;
    if (hdr && !cJSON_IsBool(hdr))
        return bad(l, "header", "must be true or false");
    s->header = !hdr || cJSON_IsTrue(hdr);
    /* "auto" stays as written: input.c decides per file. */
    if (enc && !tte_str_ieq(enc, "UTF-8") && !tte_str_ieq(enc, "utf8"))
        s->encoding = tte_xstrdup(tte_str_ieq(enc, "auto") ? "auto" : enc);
    if (s->encoding && s->format == FMT_XLSX)
        return bad(l, "encoding",
                   "does not apply to \"xlsx\" (a workbook "
                   "is always Unicode)");
    return TTE_OK;
}

/* "time_window": {"from": "YYYY-MM-DD", "days_ahead": N}, to widen the
 * plausible event times (an archive from before 2000, a clock ahead). */
static enum tte_err
load_window(const struct loader *l, const cJSON *doc)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(doc, "time_window");
    const char *from = tte_json_str(w, "from", l->src->time_from);
    const cJSON *ahead = cJSON_GetObjectItemCaseSensitive(w, "days_ahead");
    int y, m, d;
    char tail;

    if (!w)
        return TTE_OK;
    if (!cJSON_IsObject(w))
        return bad(l, "time_window",
                   "must be {\"from\": \"YYYY-MM-DD\", "
                   "\"days_ahead\": N}");
    if (sscanf(from, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
        !tte_date_valid(y, m, d))
        return bad(l, "time_window.from", "must be a date YYYY-MM-DD");
    if (ahead && (!cJSON_IsNumber(ahead) || ahead->valuedouble < 0 ||
                  ahead->valuedouble > 36500 ||
                  ahead->valuedouble != (int)ahead->valuedouble))
        return bad(l, "time_window.days_ahead",
                   "must be a whole number of "
                   "days from 0 to 36500");
    set_window(l->src, tte_days_from_civil(y, m, d) * 86400, from,
               ahead ? (int)ahead->valuedouble : l->src->days_ahead);
    return TTE_OK;
}

static const char *const known_keys[] = {
    "description", "kind",    "format",   "delimiter",
    "quote",       "header",  "encoding", "zone",
    "time_format", "fields",  "filter",   "max_record_bytes",
    "time_window", "pattern", "pairs",    "sheet",
    "header_row"};

static enum tte_err
check_keys(const struct loader *l, const cJSON *doc)
{
    const cJSON *it;
    cJSON_ArrayForEach (it, doc) {
        size_t i;
        for (i = 0; i < COUNT(known_keys); i++)
            if (strcmp(it->string, known_keys[i]) == 0)
                break;
        if (i == COUNT(known_keys))
            return bad(l, it->string, "unknown key");
    }
    return TTE_OK;
}

static enum tte_err
load_doc(struct loader *l, const cJSON *doc, const char *zone)
{
    const cJSON *v;
    enum tte_err err;

    if (!cJSON_IsObject(doc))
        return bad(l, "(top)", "a source definition is a JSON object");
    err = check_keys(l, doc);
    if (!err)
        err = load_kind(l, doc);
    if (!err)
        err = load_format(l, doc);
    if (err)
        return err;
    v = cJSON_GetObjectItemCaseSensitive(doc, "zone");
    if (v && !cJSON_IsString(v))
        return bad(l, "zone", "must be a string");
    /* The command line overrides a file, as anywhere else. */
    if (zone && v && strcmp(zone, v->valuestring) != 0)
        log_info("--zone %s overrides %s's zone %s", zone, l->path,
                 v->valuestring);
    err = set_zone(l->src,
                   zone ? zone
                   : v  ? v->valuestring
                        : "Asia/Jakarta",
                   zone ? "--zone" : l->path);
    if (!err)
        err = load_window(l, doc);
    v = cJSON_GetObjectItemCaseSensitive(doc, "time_format");
    if (!err && v)
        err = load_times(l, v);
    v = cJSON_GetObjectItemCaseSensitive(doc, "fields");
    if (!err && !v)
        return bad(l, "fields", "is required");
    if (!err)
        err = load_fields(l, v);
    v = cJSON_GetObjectItemCaseSensitive(doc, "filter");
    if (!err && v)
        err = load_filters(l, v);
    if (!err && l->src->format == FMT_LINES)
        err = check_line_columns(l);
    return err;
}

char *
source_find_definition(const char *name)
{
    char path[PATH_MAX];
    size_t n = strlen(name);

    if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".json") == 0))
        return tte_xstrdup(name);
    snprintf(path, sizeof path, "conf/sources/%s.json", name);
    if (access(path, R_OK) == 0)
        return tte_xstrdup(path);
    snprintf(path, sizeof path, "%s/tte-report/sources/%s.json",
             TTE_SYSCONFDIR, name);
    if (access(path, R_OK) == 0)
        return tte_xstrdup(path);
    return NULL;
}

enum tte_err
source_load(const char *name, const char *zone, struct source **out)
{
    struct loader l;
    cJSON *doc = NULL;
    enum tte_err err;
    char *path;

    if (source_builtin(name, zone, out) == TTE_OK)
        return TTE_OK;
    path = source_find_definition(name);
    if (!path) {
        log_err("unknown source '%s': not a built-in reader (csv, jsonl, "
                "certificates, units, apps, verifikator) and no "
                "conf/sources/%s.json",
                name, name);
        return TTE_E_USAGE;
    }
    err = tte_json_load(path, &doc);
    if (err) {
        free(path);
        return err == TTE_E_NOINPUT ? TTE_E_CONFIG : err;
    }
    l.path = path;
    l.src = source_new(name, KIND_EVENTS, FMT_CSV);
    l.src->path = path;
    err = load_doc(&l, doc, zone);
    cJSON_Delete(doc);
    if (err) {
        source_free(l.src);
        return err;
    }
    *out = l.src;
    return TTE_OK;
}
