/*
 * Mapping a record (CSV fields or a JSON object) onto a source's target
 * fields: selectors, constants, value maps, time formats and filters.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "collect.h"
#include "tte_log.h"
#include "tte_time.h"

static int
find_column(char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], want) == 0)
            return (int)i;
    return -1;
}

static int
resolve(char **names, size_t n, const char *column, int position)
{
    if (position > 0)
        return position - 1;
    if (!column || !names)
        return -1;
    return find_column(names, n, column);
}

static enum tte_err
check_required(const struct source *src, const char *file)
{
    const struct src_field *f = src->fields;
    size_t n;
    const char *const *names = kind_fields(src->kind, &n);
    static const int ev_required[] = {F_TIME, F_APP, F_UNIT};

    if (src->kind != KIND_EVENTS) {
        /* The registries' first column is their key. */
        if (f[0].col < 0 && !f[0].constant && !(src->kind == KIND_CERTIFICATES))
            goto missing0;
        if (src->kind == KIND_CERTIFICATES && f[6].col < 0 && f[0].col < 0 &&
            f[1].col < 0) {
            log_err("%s:1: needs a cert_serial, nik or nip column", file);
            return TTE_E_DATA;
        }
        return TTE_OK;
    missing0:
        log_err("%s:1: missing column '%s'", file, names[0]);
        return TTE_E_DATA;
    }
    for (size_t i = 0; i < sizeof ev_required / sizeof ev_required[0]; i++) {
        int k = ev_required[i];
        if (f[k].col < 0 && !f[k].constant) {
            log_err("%s:1: missing column '%s'%s%s", file,
                    f[k].column ? f[k].column : names[k],
                    src->path ? " (mapped by " : "",
                    src->path ? "the source definition)" : "");
            return TTE_E_DATA;
        }
    }
    if (f[F_NIK].col < 0 && f[F_NIP].col < 0 && f[F_CERT_SERIAL].col < 0 &&
        !f[F_NIK].constant && !f[F_NIP].constant &&
        !f[F_CERT_SERIAL].constant) {
        log_err("%s:1: missing a signer column (nik, nip or cert_serial)",
                file);
        return TTE_E_DATA;
    }
    return TTE_OK;
}

enum tte_err
map_header(struct source *src, const char *file, char **names, size_t n,
           bool **secret_cols)
{
    bool *secret = xcalloc(n ? n : 1, sizeof(bool));
    for (size_t i = 0; names && i < n; i++) {
        str_trim(names[i]);
        secret[i] = tte_is_secret_name(names[i]);
    }
    for (size_t i = 0; i < src->nfields; i++) {
        struct src_field *f = &src->fields[i];
        f->col = resolve(names, n, f->column, f->position);
    }
    for (size_t i = 0; i < src->nfilters; i++) {
        struct src_filter *f = &src->filters[i];
        f->col = resolve(names, n, f->column, f->position);
        if (f->col < 0) {
            log_err("%s:1: filter column '%s' is not in the header", file,
                    f->column ? f->column : "?");
            free(secret);
            return TTE_E_DATA;
        }
    }
    enum tte_err err = check_required(src, file);
    if (err) {
        free(secret);
        return err;
    }
    *secret_cols = secret;
    return TTE_OK;
}

/* The value a selector picks from the record, malloc'd, or NULL. */
static char *
pick(const struct record *rec, const char *column, int col, bool *bad)
{
    if (rec->json) {
        if (!column)
            return NULL;
        return json_scalar(json_get_path(rec->json, column), bad);
    }
    if (col < 0 || (size_t)col >= rec->nfields)
        return NULL;
    return xstrndup(rec->fields[col], rec->lens[col]);
}

static char *
apply_map(const struct src_field *f, char *v)
{
    if (!f->nmap || !v)
        return v;
    char *t = xstrdup(v);
    str_trim(t);
    for (size_t i = 0; i < f->nmap; i++) {
        if (strcasecmp(t, f->map_from[i]) == 0) {
            free(t);
            free(v);
            return xstrdup(f->map_to[i]);
        }
    }
    free(t);
    return v;
}

static void
format_offset_time(int64_t t, char *out, size_t n)
{
    char iso[21];
    tte_format_utc(t, iso);
    snprintf(out, n, "%s", iso);
}

/* Converts a source time to ISO 8601 with an explicit offset. */
static char *
convert_time(const struct source *src, char *v)
{
    char out[64];
    long long n;

    if (!v)
        return v;
    str_trim(v);
    for (size_t i = 0; i < src->ntimes; i++) {
        const struct time_format *tf = &src->times[i];
        int64_t t;
        switch (tf->kind) {
        case TF_ISO8601:
            if (tte_parse_iso8601(v, src->zone_offset, &t))
                return v;
            break;
        case TF_EPOCH:
        case TF_EPOCH_MS:
            if (str_to_i64(v, &n) && n >= 0) {
                format_offset_time(tf->kind == TF_EPOCH ? n : n / 1000, out,
                                   sizeof out);
                free(v);
                return xstrdup(out);
            }
            break;
        case TF_PATTERN: {
            struct tm tm;
            memset(&tm, 0, sizeof tm);
            const char *end = strptime(v, tf->pattern, &tm);
            while (end && *end == ' ')
                end++;
            if (!end || *end)
                break;
            int off = src->zone_offset;
            snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
                     abs(off) / 3600, abs(off) / 60 % 60);
            free(v);
            return xstrdup(out);
        }
        }
    }
    return v;
}

static bool
filter_keeps(const struct src_filter *f, const struct record *rec)
{
    bool bad = false, keep = false;
    char *v = pick(rec, f->column, f->col, &bad);
    if (!v)
        return false;
    if (f->contains) {
        keep = strstr(v, f->contains) != NULL;
    } else {
        for (size_t i = 0; i < f->nvalues && !keep; i++)
            keep = strcmp(v, f->values[i]) == 0;
    }
    free(v);
    return keep;
}

bool
map_record(const struct source *src, const struct record *rec, char **row,
           bool *keep, struct tte_buf *reason)
{
    *keep = true;
    for (size_t i = 0; i < src->nfilters; i++) {
        if (!filter_keeps(&src->filters[i], rec)) {
            *keep = false;
            return true;
        }
    }
    for (size_t i = 0; i < src->nfields; i++) {
        const struct src_field *f = &src->fields[i];
        bool bad = false;
        row[i] = f->constant ? xstrdup(f->constant)
                             : pick(rec, f->column, f->col, &bad);
        if (bad) {
            size_t n;
            const char *const *names = kind_fields(src->kind, &n);
            buf_printf(reason, "field '%s' is an object or array, not a "
                       "value", names[i]);
            return false;
        }
        row[i] = apply_map(f, row[i]);
    }
    if (src->kind == KIND_EVENTS)
        row[F_TIME] = convert_time(src, row[F_TIME]);
    return true;
}
