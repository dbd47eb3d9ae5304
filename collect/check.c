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
}

void
check_free(struct check *k)
{
    rowcheck_free(&k->rc);
    free(k->keys);
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
        const char *v = row[i];
        if (strcmp(names[i], "nik") == 0 && !k->opts->unmask_nik) {
            tte_mask_nik(v, masked, sizeof masked);
            v = masked;
        }
        printf(" %s=%s", names[i], v);
    }
    putchar('\n');
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
    (void)raw;
    (void)raw_len;
    k->read++;
    k->rejected++;
    if (k->left <= 0)
        return TTE_OK;
    tte_buf_init(&why);
    if (!k->opts->unmask_nik)
        tte_mask_nik_runs(reason, &why);
    printf("%zu: rejected: %s\n", line, why.data ? why.data : reason);
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
        return TTE_OK;
    case ROW_REJECT:
        return ck_reject(k, rec->line, k->rc.reason.data, NULL, 0);
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
        if (!registry_check(k->rc.src->kind, k->rc.row, &k->rc.reason))
            return ck_reject(k, rec->line, k->rc.reason.data, NULL, 0);
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
    struct sink s = {.ctx = k, .header = ck_header, .record = ck_record,
                     .reject = ck_reject, .clean_point = ck_clean_point};
    return s;
}

enum tte_err
check_summary(const struct check *k)
{
    printf("%s: read %lld, filtered out %lld, accepted %lld, duplicates "
           "within the file %lld, rejected %lld; nothing was written\n",
           k->file, k->read, k->filtered, k->accepted, k->duplicates,
           k->rejected);
    return k->rejected ? TTE_E_DATA : TTE_OK;
}
