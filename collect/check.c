/* --check: rows printed as canonical fields, nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "registry.h"
#include "tte_id.h"
#include "tte_time.h"

void
check_init(struct check *k, struct source *src, const struct collect_opts *o,
           const char *file)
{
    memset(k, 0, sizeof *k);
    k->opts = o;
    k->file = file;
    k->left = o->check_rows;
    rowcheck_init(&k->rc, src);
    tte_buf_init(&k->trace);
    k->rc.trace = &k->trace;
}

void
check_free(struct check *k)
{
    rowcheck_free(&k->rc);
    free(k->keys);
    tte_buf_free(&k->trace);
    for (size_t i = 0; i < k->nreasons; i++)
        free(k->reasons[i].text);
    free(k->reasons);
}

/* Past this many distinct reasons (each names its value, so a column of
 * bad values makes one per row) the rest are counted under the last. */
#define MAX_REASONS 1000

static void
count_reason(struct check *k, const char *text, size_t line)
{
    size_t i;
    for (i = 0; i < k->nreasons; i++)
        if (strcmp(k->reasons[i].text, text) == 0)
            break;
    if (i == k->nreasons && k->nreasons == MAX_REASONS) {
        i = k->nreasons - 1;
        free(k->reasons[i].text);
        k->reasons[i].text = tte_xstrdup("(further reasons)");
    } else if (i == k->nreasons) {
        k->reasons = tte_xrealloc(k->reasons, (i + 1) * sizeof *k->reasons);
        memset(&k->reasons[i], 0, sizeof *k->reasons);
        k->reasons[i].text = tte_xstrdup(text);
        k->nreasons++;
    }
    struct check_reason *r = &k->reasons[i];
    if (r->count < CHECK_REASON_LINES)
        r->lines[r->count] = line;
    r->count++;
}

/* A text as --check prints it: every 16-digit run that may be a NIK
 * masked, in whatever field it sits, unless --unmask-nik. */
static const char *
shown(const struct check *k, const char *s, struct tte_buf *tmp)
{
    if (k->opts->unmask_nik)
        return s;
    tte_mask_nik_runs(s, tmp);
    return tmp->data ? tmp->data : "";
}

/* True when key was already seen in this file (0 stands for itself). */
static bool
seen_before(struct check *k, uint64_t key)
{
    key = key ? key : 1;
    if (k->nkeys * 2 >= k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1024;
        uint64_t *keys = tte_xcalloc(cap, sizeof *keys);
        for (size_t i = 0; i < k->cap; i++) {
            if (!k->keys[i])
                continue;
            size_t j = (size_t)k->keys[i] & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = k->keys[i];
        }
        free(k->keys);
        k->keys = keys;
        k->cap = cap;
    }
    size_t j = (size_t)key & (k->cap - 1);
    while (k->keys[j]) {
        if (k->keys[j] == key)
            return true;
        j = (j + 1) & (k->cap - 1);
    }
    k->keys[j] = key;
    k->nkeys++;
    return false;
}

static void
print_row(const struct check *k, size_t line, char **row)
{
    size_t n;
    const char *const *names = kind_fields(k->rc.src->kind, &n);
    printf("%zu:", line);
    for (size_t i = 0; i < n; i++) {
        if (!row[i] || !*row[i])
            continue;
        char masked[96];
        struct tte_buf tmp;
        tte_buf_init(&tmp);
        const char *v = shown(k, row[i], &tmp);
        if (strcmp(names[i], "nik") == 0 && !k->opts->unmask_nik) {
            tte_mask_nik(row[i], masked, sizeof masked);
            v = masked;
        }
        printf(" %s=%s", names[i], v);
        tte_buf_free(&tmp);
    }
    putchar('\n');
    /* A cleaned field: what the file had, and what was kept. */
    for (size_t o = 0; o < k->trace.len;) {
        const char *name = k->trace.data + o;
        const char *before = name + strlen(name) + 1;
        o = (size_t)(before - k->trace.data) + strlen(before) + 1;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(names[i], name) != 0)
                continue;
            struct tte_buf a, b;
            tte_buf_init(&a);
            tte_buf_init(&b);
            printf("    cleaned %s: '%s' -> '%s'\n", name,
                   shown(k, before, &a), shown(k, row[i] ? row[i] : "", &b));
            tte_buf_free(&a);
            tte_buf_free(&b);
        }
    }
}

static void
print_unmatched(struct check *k, const struct record *rec)
{
    size_t len = 0;
    const char *raw = rec->raw ? rec->raw(rec->raw_ctx, &len) : "";
    char *line = tte_xmalloc(len + 1);
    struct tte_buf tmp;
    memcpy(line, raw, len);
    line[len] = '\0';
    tte_buf_init(&tmp);
    printf("%zu: did not match the pattern: %s\n", rec->line,
           shown(k, line, &tmp));
    tte_buf_free(&tmp);
    free(line);
}

static enum tte_err
ck_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct check *k = ctx;
    return rowcheck_header(&k->rc, k->file, names, n, secret);
}

static enum tte_err
ck_reject(void *ctx, size_t line, const char *reason, const char *raw,
          size_t raw_len)
{
    struct check *k = ctx;
    struct tte_buf why;
    k->read++;
    k->rejected++;
    count_reason(k, reason, line);
    if (k->left <= 0)
        return TTE_OK;
    tte_buf_init(&why);
    printf("%zu: rejected: %s\n", line, shown(k, reason, &why));
    if (raw && raw_len) {
        char *text = tte_xmalloc(raw_len + 1);
        memcpy(text, raw, raw_len);
        text[raw_len] = '\0';
        printf("    raw: %s\n", shown(k, text, &why));
        free(text);
    }
    tte_buf_free(&why);
    k->left--;
    return TTE_OK;
}

static enum tte_err
ck_record(void *ctx, const struct record *rec)
{
    struct check *k = ctx;
    char iso[21];

    /* Every row is counted; the first ones are shown. */
    switch (rowcheck_record(&k->rc, rec)) {
    case ROW_FILTERED:
        k->read++;
        k->filtered++;
        if (rec->unmatched && k->unmatched++ < CHECK_REASON_LINES)
            print_unmatched(k, rec);
        return TTE_OK;
    case ROW_REJECT: {
        size_t len = 0;
        const char *raw = rec->raw ? rec->raw(rec->raw_ctx, &len) : NULL;
        return ck_reject(k, rec->line, k->rc.reason.data, raw, len);
    }
    case ROW_EVENT:
        k->read++;
        if (seen_before(k, k->rc.ev.key)) {
            k->duplicates++;
            return TTE_OK;
        }
        k->accepted++;
        if (k->left <= 0)
            return TTE_OK;
        tte_format_utc(k->rc.ev.t, iso);
        k->rc.ev.v[F_TIME] = iso;
        print_row(k, rec->line, k->rc.ev.v);
        break;
    case ROW_REGISTRY:
        tte_buf_reset(&k->rc.reason);
        if (!registry_check(k->rc.src->kind, k->rc.row, &k->rc.reason)) {
            size_t len = 0;
            const char *raw = rec->raw ? rec->raw(rec->raw_ctx, &len) : NULL;
            return ck_reject(k, rec->line, k->rc.reason.data, raw, len);
        }
        k->read++;
        k->accepted++;
        if (k->left > 0)
            print_row(k, rec->line, k->rc.row);
        break;
    case ROW_MAPPED:
        k->read++;
        k->accepted++;
        if (k->left > 0)
            print_row(k, rec->line, k->rc.row);
        break;
    }
    k->left--;
    return TTE_OK;
}

static enum tte_err
ck_clean_point(void *ctx, long long offset, size_t line)
{
    (void)ctx;
    (void)offset;
    (void)line;
    return TTE_OK;
}

struct sink
check_sink(struct check *k)
{
    struct sink s = {.ctx = k,
                     .header = ck_header,
                     .record = ck_record,
                     .reject = ck_reject,
                     .clean_point = ck_clean_point};
    return s;
}

enum tte_err
check_summary(const struct check *k)
{
    struct tte_buf tmp;
    tte_buf_init(&tmp);
    for (size_t i = 0; i < k->nreasons; i++) {
        const struct check_reason *r = &k->reasons[i];
        printf("%s: %lld row%s refused for: %s (line", k->file, r->count,
               r->count == 1 ? "" : "s", shown(k, r->text, &tmp));
        for (long long j = 0; j < r->count && j < CHECK_REASON_LINES; j++)
            printf("%s %zu", j ? "," : (r->count > 1 ? "s" : ""), r->lines[j]);
        printf("%s)\n", r->count > CHECK_REASON_LINES ? ", ..." : "");
    }
    tte_buf_free(&tmp);
    if (k->unmatched)
        printf("%s: %lld lines did not match the pattern (counted as "
               "filtered out)\n",
               k->file, k->unmatched);
    printf("%s: read %lld, filtered out %lld, accepted %lld, duplicates "
           "within the file %lld, rejected %lld; nothing was written\n",
           k->file, k->read, k->filtered, k->accepted, k->duplicates,
           k->rejected);
    return k->rejected ? TTE_E_DATA : TTE_OK;
}
