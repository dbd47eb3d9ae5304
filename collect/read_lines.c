/*
 * "lines" reader: each line of a text log matched against a PCRE2
 * pattern whose named groups are the columns, and with "pairs" the line's
 * key=value / key="quoted value" pairs (logfmt) as further columns. A log
 * interleaves other programs' lines (sshd, CRON): a line the pattern does
 * not match is handed on as unmatched, to be counted, never an event.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read.h"
#include "tte_log.h"
#include "tte_secret.h"

/* A pattern that backtracks without end on some line gives up there,
 * and the line is a reject, instead of the run hanging on it. */
#define MATCH_LIMIT 2000000

struct span {
    size_t b, e;
};

struct lines_reader {
    const struct lines_dialect *d;
    const struct sink *sink;
    struct input *in;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    size_t ncols;
    char **names; /* header: groups then pair keys */
    char **fields;
    size_t *lens;
    size_t *offs;
    struct span *spans; /* each column's bytes in the line */
    bool *secret;
    struct tte_buf arena;
    const char *line;
    size_t n;
    bool secret_pair; /* the line holds a secret key=value */
    struct tte_buf raw;
    long long tried, matched;
};

static bool
key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* The next key=value pair at or after *pos; *quoted when the value was
 * in double quotes (its span then excludes them). */
static bool
next_pair(const char *s, size_t n, size_t *pos, struct span *k, struct span *v,
          bool *quoted)
{
    size_t i = *pos;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        size_t kb = i;
        while (i < n && key_char(s[i]))
            i++;
        if (i > kb && i < n && s[i] == '=') {
            k->b = kb;
            k->e = i++;
            *quoted = i < n && s[i] == '"';
            if (*quoted) {
                v->b = ++i;
                while (i < n && s[i] != '"')
                    i += s[i] == '\\' && i + 1 < n ? 2 : 1;
                v->e = i < n ? i : n;
                if (i < n)
                    i++;
            } else {
                v->b = i;
                while (i < n && s[i] != ' ' && s[i] != '\t')
                    i++;
                v->e = i;
            }
            *pos = i;
            return true;
        }
        /* Not a pair: the rest of this word, a quoted part whole. */
        while (i < n && s[i] != ' ' && s[i] != '\t') {
            if (s[i++] != '"')
                continue;
            while (i < n && s[i] != '"')
                i += s[i] == '\\' && i + 1 < n ? 2 : 1;
            if (i < n)
                i++;
        }
    }
    *pos = i;
    return false;
}

static bool
key_is(const char *s, struct span k, const char *name)
{
    size_t n = k.e - k.b;
    return strlen(name) == n && strncasecmp(s + k.b, name, n) == 0;
}

static bool
span_is_secret_key(const char *s, struct span k)
{
    char key[64];
    size_t n = k.e - k.b;
    if (n >= sizeof key)
        return false;
    memcpy(key, s + k.b, n);
    key[n] = '\0';
    return tte_is_secret_name(key);
}

/* The line with the values of secret columns and of secret pairs as
 * "***": such a value is never kept, not even in a reject's text. */
static const char *
raw_text(void *ctx, size_t *len)
{
    struct lines_reader *r = ctx;
    bool any = r->secret_pair;
    for (size_t i = 0; !any && r->secret && i < r->ncols; i++)
        any = r->secret[i] && r->spans[i].e > r->spans[i].b;
    if (!any) {
        *len = r->n;
        return r->line;
    }
    char *hide = tte_xcalloc(r->n + 1, 1);
    for (size_t i = 0; r->secret && i < r->ncols; i++)
        if (r->secret[i])
            memset(hide + r->spans[i].b, 1, r->spans[i].e - r->spans[i].b);
    size_t pos = 0;
    struct span k, v;
    bool q;
    while (next_pair(r->line, r->n, &pos, &k, &v, &q))
        if (span_is_secret_key(r->line, k))
            memset(hide + v.b, 1, v.e - v.b);
    tte_buf_reset(&r->raw);
    for (size_t i = 0; i < r->n; i++) {
        if (!hide[i])
            tte_buf_addc(&r->raw, r->line[i]);
        else if (i == 0 || !hide[i - 1])
            tte_buf_adds(&r->raw, "***");
    }
    free(hide);
    *len = r->raw.len;
    return r->raw.data ? r->raw.data : "";
}

static void
set_field(struct lines_reader *r, size_t col, const char *s, size_t n,
          bool unescape)
{
    r->offs[col] = r->arena.len;
    r->lens[col] = 0;
    for (size_t i = 0; i < n; i++) {
        if (unescape && s[i] == '\\' && i + 1 < n &&
            (s[i + 1] == '"' || s[i + 1] == '\\'))
            i++;
        tte_buf_addc(&r->arena, s[i]);
        r->lens[col]++;
    }
    tte_buf_addc(&r->arena, '\0');
}

/* The columns of a matched line, in the arena. */
static void
fill_columns(struct lines_reader *r, const char *s, size_t n)
{
    const struct lines_dialect *d = r->d;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    uint32_t npairs = pcre2_get_ovector_count(r->md);

    tte_buf_reset(&r->arena);
    for (size_t i = 0; i < r->ncols; i++) {
        r->spans[i].b = r->spans[i].e = 0;
        r->offs[i] = SIZE_MAX;
    }
    for (size_t i = 0; i < d->ngroups; i++) {
        uint32_t g = d->group_nos[i];
        if (g >= npairs || ov[2 * g] == PCRE2_UNSET)
            continue;
        r->spans[i].b = ov[2 * g];
        r->spans[i].e = ov[2 * g + 1];
        set_field(r, i, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], false);
    }
    /* Groups of one name in alternatives ((?J) or (?|...)): a column
     * finds its name's first entry, so that entry takes the value of
     * whichever took part. */
    for (size_t i = 0; i < d->ngroups; i++)
        for (size_t j = i + 1; r->offs[i] == SIZE_MAX && j < d->ngroups; j++)
            if (r->offs[j] != SIZE_MAX &&
                strcmp(d->groups[i], d->groups[j]) == 0) {
                r->offs[i] = r->offs[j];
                r->lens[i] = r->lens[j];
                r->spans[i] = r->spans[j];
            }
    size_t pos = 0;
    struct span k, v;
    bool q;
    r->secret_pair = false;
    while (memchr(s, '=', n) && next_pair(s, n, &pos, &k, &v, &q)) {
        if (span_is_secret_key(s, k))
            r->secret_pair = true;
        for (size_t j = 0; d->pairs && j < d->npair_keys; j++) {
            size_t c = d->ngroups + j;
            if (r->offs[c] != SIZE_MAX || !key_is(s, k, d->pair_keys[j]))
                continue;
            r->spans[c] = v;
            set_field(r, c, s + v.b, v.e - v.b, q);
        }
    }
    for (size_t i = 0; i < r->ncols; i++)
        if (r->offs[i] == SIZE_MAX)
            set_field(r, i, "", 0, false);
    for (size_t i = 0; i < r->ncols; i++)
        r->fields[i] = r->arena.data + r->offs[i];
}

static enum tte_err
reject(struct lines_reader *r, size_t lineno, const char *why)
{
    size_t len;
    const char *raw = raw_text(r, &len);
    return r->sink->reject(r->sink->ctx, lineno, why, raw, len);
}

static enum tte_err
handle_line(struct lines_reader *r, char *s, size_t n, size_t lineno)
{
    n = input_trim_eol(s, n);
    s[n] = '\0';
    if (strspn(s, " \t") == n)
        return TTE_OK;
    r->line = s;
    r->n = n;
    r->secret_pair = false;
    for (size_t i = 0; i < r->ncols; i++)
        r->spans[i].b = r->spans[i].e = 0;
    enum input_text t = input_text_check(s, n);
    if (t == INPUT_NUL)
        return reject(r, lineno, "NUL byte in line");
    if (t == INPUT_NOT_UTF8)
        return reject(r, lineno,
                      "invalid UTF-8 (declare the file's "
                      "encoding in the source definition)");
    r->tried++;
    int rc = pcre2_match(r->d->re, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
    if (rc == PCRE2_ERROR_NOMATCH) {
        struct record rec = {
            .line = lineno, .raw = raw_text, .raw_ctx = r, .unmatched = true};
        if (memchr(s, '=', n)) {
            size_t pos = 0;
            struct span k, v;
            bool q;
            while (next_pair(s, n, &pos, &k, &v, &q))
                r->secret_pair |= span_is_secret_key(s, k);
        }
        return r->sink->record(r->sink->ctx, &rec);
    }
    if (rc < 0) {
        PCRE2_UCHAR msg[120];
        char why[200];
        pcre2_get_error_message(rc, msg, sizeof msg);
        snprintf(why, sizeof why,
                 "the pattern could not be matched "
                 "against this line (%s)",
                 (const char *)msg);
        return reject(r, lineno, why);
    }
    r->matched++;
    fill_columns(r, s, n);
    struct record rec = {.line = lineno,
                         .fields = r->fields,
                         .lens = r->lens,
                         .nfields = r->ncols,
                         .raw = raw_text,
                         .raw_ctx = r};
    size_t len;
    const char *raw = raw_text(r, &len);
    if (raw == s) {
        rec.plain = s;
        rec.plain_len = n;
    }
    return r->sink->record(r->sink->ctx, &rec);
}

static void
reader_free(struct lines_reader *r)
{
    pcre2_match_data_free(r->md);
    pcre2_match_context_free(r->mc);
    free(r->names);
    free(r->fields);
    free(r->lens);
    free(r->offs);
    free(r->spans);
    free(r->secret);
    tte_buf_free(&r->arena);
    tte_buf_free(&r->raw);
}

enum tte_err
read_lines(struct input *in, const struct lines_dialect *d, long long offset,
           size_t start_line, const struct sink *sink)
{
    struct lines_reader r;
    struct input_line l;
    enum tte_err err;

    memset(&r, 0, sizeof r);
    r.d = d;
    r.sink = sink;
    r.in = in;
    r.ncols = d->ngroups + (d->pairs ? d->npair_keys : 0);
    size_t cap = r.ncols ? r.ncols : 1;
    r.names = tte_xcalloc(cap, sizeof *r.names);
    r.fields = tte_xcalloc(cap, sizeof *r.fields);
    r.lens = tte_xcalloc(cap, sizeof *r.lens);
    r.offs = tte_xcalloc(cap, sizeof *r.offs);
    r.spans = tte_xcalloc(cap, sizeof *r.spans);
    r.md = pcre2_match_data_create_from_pattern(d->re, NULL);
    r.mc = pcre2_match_context_create(NULL);
    if (!r.md || !r.mc) {
        reader_free(&r);
        return TTE_E_NOMEM;
    }
    pcre2_set_match_limit(r.mc, MATCH_LIMIT);
    for (size_t i = 0; i < d->ngroups; i++)
        r.names[i] = d->groups[i];
    for (size_t j = 0; d->pairs && j < d->npair_keys; j++)
        r.names[d->ngroups + j] = d->pair_keys[j];
    err = sink->header(sink->ctx, r.names, r.ncols, &r.secret);
    if (!err)
        err = input_seek(in, offset, start_line);
    while (!err && input_next(in, &l)) {
        if (!l.text) {
            char reason[80];
            err = sink->reject(sink->ctx, in->line,
                               input_convert_reason(in, reason, sizeof reason),
                               l.raw, l.raw_len);
        } else {
            err = handle_line(&r, l.text, l.len, in->line);
        }
        if (!err)
            err = sink->clean_point(sink->ctx, in->offset, in->line);
    }
    if (!err)
        err = input_error(in);
    if (!err && offset == 0 && r.tried > 0 && r.matched == 0) {
        log_err("%s: none of its %lld lines matches the pattern %s; is it "
                "the log this definition is for?",
                in->name, r.tried, d->pattern);
        err = TTE_E_DATA;
    }
    reader_free(&r);
    return err;
}
