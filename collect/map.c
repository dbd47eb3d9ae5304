/*
 * Mapping a record (CSV fields or a JSON object) onto a source's target
 * fields: selectors, constants, value maps, time formats and filters.
 * Values are copied once into a scratch buffer: no allocation per field.
 */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "map.h"
#include "json_path.h"
#include "tte_hash.h"
#include "tte_log.h"
#include "tte_secret.h"
#include "tte_time.h"

static int
resolve(char **names, size_t n, const char *column, int position)
{
    if (position > 0)
        return position - 1;
    if (!column || !names)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], column) == 0)
            return (int)i;
    return -1;
}

static bool
mapped(const struct src_field *f)
{
    return f->col >= 0 || f->constant;
}

static enum tte_err
missing(const struct source *src, const char *file, const char *what)
{
    log_err("%s:1: missing %s%s", file, what,
            src->path ? " (as mapped by the source definition)" : "");
    return TTE_E_DATA;
}

static enum tte_err
check_required(const struct source *src, const char *file)
{
    const struct src_field *f = src->fields;
    char what[96];

    if (src->kind == KIND_CERTIFICATES) {
        if (!mapped(&f[0]) && !mapped(&f[1]) && !mapped(&f[6]))
            return missing(src, file, "a cert_serial, nik or nip column");
        return TTE_OK;
    }
    if (src->kind != KIND_EVENTS) {
        size_t n;
        const char *const *names = kind_fields(src->kind, &n);
        int key = src->kind == KIND_VERIFIKATOR ? 1 : 0;
        snprintf(what, sizeof what, "column '%s'", names[key]);
        return mapped(&f[key]) ? TTE_OK : missing(src, file, what);
    }
    static const int required[] = {F_TIME, F_APP, F_UNIT};
    for (size_t i = 0; i < 3; i++) {
        int k = required[i];
        snprintf(what, sizeof what, "column '%s'",
                 f[k].column ? f[k].column : tte_field_name(k));
        if (!mapped(&f[k]))
            return missing(src, file, what);
    }
    if (!mapped(&f[F_NIK]) && !mapped(&f[F_NIP]) && !mapped(&f[F_CERT_SERIAL]))
        return missing(src, file,
                       "a signer column (nik, nip or "
                       "cert_serial)");
    return TTE_OK;
}

enum tte_err
map_header(struct source *src, const char *file, char **names, size_t n,
           bool **secret_cols)
{
    bool *secret = tte_xcalloc(n ? n : 1, sizeof(bool));
    for (size_t i = 0; names && i < n; i++) {
        tte_str_trim(names[i]);
        secret[i] = tte_is_secret_name(names[i]);
    }
    for (size_t i = 0; i < src->nfields; i++) {
        struct src_field *f = &src->fields[i];
        f->col = src->format == FMT_JSONL && f->column
                     ? 0
                     : resolve(names, n, f->column, f->position);
        for (size_t k = 0; k < f->nalts; k++)
            f->alt_cols[k] = src->format == FMT_JSONL
                                 ? 0
                                 : resolve(names, n, f->alts[k], 0);
        /* Of a list, the first column the header has stands for it. */
        if (f->col < 0 && src->format != FMT_JSONL)
            for (size_t k = 0; k < f->nalts && f->col < 0; k++)
                if (f->alt_cols[k] >= 0) {
                    f->col = f->alt_cols[k];
                    f->alt_cols[k] = -1;
                }
        /* A definition's mapping that the header lacks is a typo until
         * shown otherwise (the built-in readers map every name). */
        if (src->path && names && f->col < 0 && f->column && !f->constant)
            log_warn("%s:1: column '%s' (mapped to %s by %s) is not in the "
                     "header",
                     file, f->column, kind_fields(src->kind, &(size_t){0})[i],
                     src->path);
    }
    for (size_t i = 0; i < src->nfilters; i++) {
        struct src_filter *f = &src->filters[i];
        f->col = src->format == FMT_JSONL
                     ? 0
                     : resolve(names, n, f->column, f->position);
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

static size_t
key_slot(const struct source *src, const char *key, uint64_t h)
{
    size_t i = (size_t)h & 63;
    while (src->keys[i].key &&
           (src->keys[i].hash != h || strcmp(src->keys[i].key, key) != 0))
        i = (i + 1) & 63;
    return i;
}

/* Builds the key table once: true when every field is a plain key. */
static bool
json_simple(struct source *src)
{
    if (src->json_simple)
        return src->json_simple > 0;
    src->json_simple = -1;
    for (size_t i = 0; i < src->nfields; i++) {
        const char *k = src->fields[i].column;
        if (src->fields[i].constant || !k)
            continue;
        if (src->fields[i].nalts)
            return false;
        if (strpbrk(k, ".["))
            return false;
        uint64_t h = tte_hash(k, strlen(k));
        size_t slot = key_slot(src, k, h);
        src->keys[slot].key = k;
        src->keys[slot].hash = h;
        src->keys[slot].fields |= 1u << i;
    }
    src->json_simple = 1;
    return true;
}

/* strcmp(a, b) == 0 for the short names of members, without a call. */
static inline bool
same_key(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The fields that the member named key, at position pos, maps. */
static uint32_t
member_fields(struct source *src, size_t pos, const char *key)
{
    size_t n = sizeof src->order / sizeof *src->order;
    if (pos < n && same_key(src->order[pos].key, key))
        return src->order[pos].fields;
    size_t len = strlen(key);
    size_t slot = key_slot(src, key, tte_hash(key, len));
    uint32_t fields = src->keys[slot].key ? src->keys[slot].fields : 0;
    if (pos < n && len > 0 && len < sizeof src->order[pos].key) {
        memcpy(src->order[pos].key, key, len + 1);
        src->order[pos].fields = fields;
    }
    return fields;
}

/* One pass over the object's members: the first member of each key wins,
 * as with a lookup by name. */
static bool
json_collect(const struct source *src, const cJSON *obj, const char **val,
             char (*num)[32], bool *bad)
{
    uint32_t seen = 0;
    const cJSON *m;
    size_t pos = 0;
    cJSON_ArrayForEach (m, obj) {
        if (!m->string)
            continue;
        uint32_t fields = member_fields((struct source *)src, pos++,
                                        m->string);
        /* A member maps one field or a few: visit only those. */
        for (uint32_t todo = fields & ~seen; todo; todo &= todo - 1) {
            int i = __builtin_ctz(todo);
            seen |= 1u << i;
            bool b = false;
            val[i] = json_scalar(m, &b, num[i]);
            if (b) {
                *bad = true;
                return false;
            }
        }
    }
    return true;
}

/* A CSV record's column col, if the row has it (*len set then). */
static inline const char *
csv_column(const struct record *rec, int col, size_t *len)
{
    if (col < 0 || (size_t)col >= rec->nfields)
        return NULL;
    *len = rec->lens[col];
    return rec->fields[col];
}

/* The text a selector picks (borrowed or in num), or NULL. */
static const char *
pick(const struct record *rec, const char *column, int col, size_t *len,
     bool *bad, char num[32])
{
    const char *v;
    if (rec->json) {
        v = column ? json_scalar(json_get_path(rec->json, column), bad, num)
                   : NULL;
        *len = v ? strlen(v) : 0;
        return v;
    }
    return csv_column(rec, col, len);
}

/* A value map compares the trimmed value, ignoring case. */
static const char *
apply_map(const struct src_field *f, const char *v, size_t *len)
{
    size_t b = 0, e = *len;
    while (b < e && isspace((unsigned char)v[b]))
        b++;
    while (e > b && isspace((unsigned char)v[e - 1]))
        e--;
    for (size_t i = 0; i < f->nmap; i++) {
        if (strlen(f->map_from[i]) == e - b &&
            strncasecmp(v + b, f->map_from[i], e - b) == 0) {
            *len = strlen(f->map_to[i]);
            return f->map_to[i];
        }
    }
    if (f->map_default) {
        *len = strlen(f->map_default);
        return f->map_default;
    }
    return v;
}

/* An epoch value outside the plausible window is refused here, where
 * the raw value and how it was read are known: "time '1747299004000'
 * read as epoch seconds is year 57339". */
static bool
epoch_plausible(const struct source *src, const char *raw, long long secs,
                enum time_fmt kind, struct tte_buf *reason)
{
    int y, m, d;
    if (secs >= src->time_min && secs <= src->time_max)
        return true;
    tte_buf_printf(reason, "time '%s' read as %s ", raw,
                   kind == TF_EPOCH ? "epoch seconds" : "epoch milliseconds");
    /* Past year 300,000 the year itself no longer fits an int. */
    if (secs > 9466848000000LL) {
        tte_buf_adds(reason, "is beyond year 300000");
    } else {
        tte_civil_from_days(secs / 86400, &y, &m, &d);
        tte_buf_printf(reason, "is %04d-%02d-%02d", y, m, d);
    }
    tte_buf_adds(reason, ", ");
    source_window_reason(src, reason);
    return false;
}

/* Converts a source time to ISO 8601 in out: 1 when converted, 0 when it
 * is already ISO 8601 or no format matches (validation then says so),
 * -1 when refused (reason set). */
static int
convert_time(const struct source *src, const char *v, char *out, size_t n,
             struct tte_buf *reason)
{
    long long num;
    char t[96];
    snprintf(t, sizeof t, "%s", v);
    tte_str_trim(t);
    for (size_t i = 0; i < src->ntimes; i++) {
        const struct time_format *tf = &src->times[i];
        int64_t inst;
        if (tf->kind == TF_ISO8601 &&
            tte_parse_iso8601(t, src->zone_offset, &inst))
            return 0;
        if ((tf->kind == TF_EPOCH || tf->kind == TF_EPOCH_MS) &&
            tte_str_to_i64(t, &num) && num >= 0) {
            char iso[21];
            long long secs = tf->kind == TF_EPOCH ? num : num / 1000;
            if (!epoch_plausible(src, t, secs, tf->kind, reason))
                return -1;
            tte_format_utc(secs, iso);
            snprintf(out, n, "%s", iso);
            return 1;
        }
        if (tf->kind == TF_PATTERN) {
            struct tm tm;
            memset(&tm, 0, sizeof tm);
            const char *end = strptime(t, tf->pattern, &tm);
            while (end && *end == ' ')
                end++;
            if (!end || *end)
                continue;
            /* A year strptime read but ISO 8601 cannot hold is kept as
             * written in the reason, not wrapped into another year. */
            if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
                tte_buf_printf(reason, "time '%s' has year %d", t,
                               tm.tm_year + 1900);
                return -1;
            }
            int off = src->zone_offset;
            snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
                     abs(off) / 3600, abs(off) / 60 % 60);
            return 1;
        }
    }
    return 0;
}

static bool
filter_keeps(const struct src_filter *f, const struct record *rec)
{
    bool bad = false;
    size_t len = 0;
    char num[32];
    const char *v = pick(rec, f->column, f->col, &len, &bad, num);
    bool match = false;
    if (v && f->contains)
        match = strstr(v, f->contains) != NULL;
    for (size_t i = 0; v && i < f->nvalues && !match; i++)
        match = strlen(f->values[i]) == len &&
                memcmp(v, f->values[i], len) == 0;
    /* A value the row does not have is in no list: "in" drops the row,
     * "not_in" keeps it. */
    return f->negate ? !match : match;
}

/* The first non-empty value among a field's further columns or paths. */
static const char *
pick_alt(const struct record *rec, const struct src_field *f, size_t *len,
         bool *bad, char num[32])
{
    for (size_t k = 0; k < f->nalts; k++) {
        const char *v = pick(rec, f->alts[k], f->alt_cols[k], len, bad, num);
        if (*bad)
            return NULL;
        if (v && *len && strspn(v, " \t") < *len)
            return v;
    }
    return NULL;
}

/* The length of the UTF-8 sequence that starts with byte c. */
static size_t
seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Whether the character at v[0..n) is one of set's (UTF-8) characters. */
static bool
in_set(const char *set, const char *v, size_t n)
{
    for (const char *p = set; *p; p += seq_len((unsigned char)*p)) {
        size_t k = seq_len((unsigned char)*p);
        if (k == n && strncmp(p, v, n) == 0)
            return true;
    }
    return false;
}

/* "remove" then "replace", from v[0..len) into out. False with reason
 * set when a substitution fails. */
static bool
clean_value(const struct src_field *f, const char *v, size_t len,
            struct tte_buf *out, const char *name, struct tte_buf *reason)
{
    tte_buf_reset(out);
    for (size_t i = 0; i < len;) {
        size_t k = seq_len((unsigned char)v[i]);
        if (k > len - i)
            k = len - i;
        if (!f->remove || !in_set(f->remove, v + i, k))
            tte_buf_add(out, v + i, k);
        i += k;
    }
    tte_buf_addc(out, '\0');
    for (size_t r = 0; r < f->nreplace; r++) {
        PCRE2_SIZE need = out->len * 2 + 64;
        for (int tries = 0; tries < 2; tries++) {
            char *dst = tte_xmalloc(need);
            PCRE2_SIZE got = need;
            int rc = pcre2_substitute(
                f->replace[r].re, (PCRE2_SPTR)out->data, out->len - 1, 0,
                PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
                NULL, NULL, (PCRE2_SPTR)f->replace[r].with,
                PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)dst, &got);
            if (rc == PCRE2_ERROR_NOMEMORY && tries == 0) {
                free(dst);
                need = got + 1;
                continue;
            }
            if (rc < 0) {
                PCRE2_UCHAR msg[120];
                free(dst);
                pcre2_get_error_message(rc, msg, sizeof msg);
                tte_buf_printf(reason, "field '%s': \"replace\" failed: %s",
                               name, (const char *)msg);
                return false;
            }
            tte_buf_reset(out);
            tte_buf_add(out, dst, got);
            tte_buf_addc(out, '\0');
            free(dst);
            break;
        }
    }
    return true;
}

bool
map_record(const struct source *src, const struct record *rec,
           struct tte_buf *scratch, char **row, size_t *lens, bool *keep,
           struct tte_buf *reason)
{
    return map_record_traced(src, rec, scratch, row, lens, keep, reason, NULL);
}

static bool map_fields(const struct source *src, const struct record *rec,
                       struct tte_buf *scratch, char **row, size_t *lens,
                       bool *keep, struct tte_buf *reason,
                       struct tte_buf *trace, struct tte_buf *cleaned);

bool
map_record_traced(const struct source *src, const struct record *rec,
                  struct tte_buf *scratch, char **row, size_t *lens,
                  bool *keep, struct tte_buf *reason, struct tte_buf *trace)
{
    struct tte_buf cleaned;
    tte_buf_init(&cleaned);
    bool ok = map_fields(src, rec, scratch, row, lens, keep, reason, trace,
                         &cleaned);
    tte_buf_free(&cleaned);
    return ok;
}

static bool
map_fields(const struct source *src, const struct record *rec,
           struct tte_buf *scratch, char **row, size_t *lens, bool *keep,
           struct tte_buf *reason, struct tte_buf *trace,
           struct tte_buf *cleaned)
{
    size_t off[SRC_MAX_FIELDS];
    char *direct[SRC_MAX_FIELDS]; /* texts the record lets us change */
    const char *jv[SRC_MAX_FIELDS] = {0};
    char num[SRC_MAX_FIELDS][32];
    bool fast = rec->json && json_simple((struct source *)src);

    *keep = !rec->unmatched;
    if (rec->unmatched)
        return true;
    if (trace)
        tte_buf_reset(trace);
    for (size_t i = 0; i < src->nfilters; i++) {
        if (!filter_keeps(&src->filters[i], rec)) {
            *keep = false;
            return true;
        }
    }
    tte_buf_reset(scratch);
    bool jbad = false;
    if (fast && !json_collect(src, rec->json, jv, num, &jbad))
        fast = false; /* an object or array: let pick() say which */
    for (size_t i = 0; i < src->nfields; i++) {
        const struct src_field *f = &src->fields[i];
        bool bad = false;
        size_t len = 0;
        const char *v = f->constant;
        if (v)
            len = strlen(v);
        else if (fast) {
            v = jv[i];
            len = v ? strlen(v) : 0;
        } else if (!rec->json) { /* inline: called for every field */
            v = csv_column(rec, f->col, &len);
            if (rec->field_notes && v && rec->field_notes[f->col]) {
                tte_buf_adds(reason, rec->field_notes[f->col]);
                return false;
            }
        } else
            v = pick(rec, f->column, f->col, &len, &bad, num[i]);
        if (!bad && f->nalts && (!v || !len || strspn(v, " \t") == len)) {
            const char *alt = pick_alt(rec, f, &len, &bad, num[i]);
            if (alt)
                v = alt;
            else if (!bad)
                len = v ? strlen(v) : 0;
        }
        if (bad) {
            size_t n;
            tte_buf_printf(reason,
                           "field '%s' is an object or array, not a "
                           "value",
                           kind_fields(src->kind, &n)[i]);
            return false;
        }
        direct[i] = NULL;
        off[i] = SIZE_MAX;
        lens[i] = 0;
        if (!v)
            continue;
        if (f->remove || f->nreplace) {
            size_t n;
            const char *name = kind_fields(src->kind, &n)[i];
            if (!clean_value(f, v, len, cleaned, name, reason))
                return false;
            if (trace && (cleaned->len - 1 != len ||
                          memcmp(cleaned->data, v, len) != 0)) {
                tte_buf_adds(trace, name);
                tte_buf_addc(trace, '\0');
                tte_buf_add(trace, v, len);
                tte_buf_addc(trace, '\0');
            }
            v = cleaned->data;
            len = cleaned->len - 1;
        }
        const char *mapped_v = f->nmap || f->map_default
                                   ? apply_map(f, v, &len)
                                   : v;
        lens[i] = len;
        /* A CSV field or a JSON string belongs to this record and may be
         * trimmed in place; constants, mapped values, numbers and
         * booleans (written into num) are copied first. */
        if (!f->constant && mapped_v == v && v != num[i] &&
            !(f->remove || f->nreplace)) {
            direct[i] = (char *)v;
            continue;
        }
        off[i] = scratch->len;
        tte_buf_add(scratch, mapped_v, len);
        tte_buf_addc(scratch, '\0');
    }
    for (size_t i = 0; i < src->nfields; i++)
        row[i] = direct[i]            ? direct[i]
                 : off[i] != SIZE_MAX ? scratch->data + off[i]
                                      : NULL;
    if (src->kind == KIND_EVENTS && row[F_TIME] &&
        (src->ntimes > 1 || src->times[0].kind != TF_ISO8601)) {
        char iso[64];
        int c = convert_time(src, row[F_TIME], iso, sizeof iso, reason);
        if (c < 0)
            return false;
        if (c > 0) {
            size_t o = scratch->len;
            tte_buf_adds(scratch, iso);
            tte_buf_addc(scratch, '\0');
            /* The scratch may have moved: point every copy again. */
            for (size_t i = 0; i < src->nfields; i++)
                if (!direct[i] && off[i] != SIZE_MAX)
                    row[i] = scratch->data + off[i];
            row[F_TIME] = scratch->data + o;
            lens[F_TIME] = strlen(iso);
        }
    }
    return true;
}
