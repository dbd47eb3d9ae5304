/* --check: rows printed as canonical fields, nothing written. */
#include <stdio.h>
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
    k->shown++;
    k->rejected++;
    buf_init(&why);
    if (!k->opts->unmask_nik)
        tte_mask_nik_runs(reason, &why);
    printf("%zu: rejected: %s\n", line, why.data ? why.data : reason);
    buf_free(&why);
    k->left--;
    return TTE_OK;
}

static enum tte_err
ck_record(void *ctx, const struct record *rec)
{
    struct check *k = ctx;
    char iso[21];

    if (k->left <= 0)
        return TTE_OK;
    switch (rowcheck_record(&k->rc, rec)) {
    case ROW_FILTERED:
        k->filtered++;
        return TTE_OK;
    case ROW_REJECT:
        return ck_reject(k, rec->line, k->rc.reason.data, NULL, 0);
    case ROW_EVENT:
        tte_format_utc(k->rc.ev.t, iso);
        k->rc.ev.v[F_TIME] = iso;
        print_row(k, rec->line, k->rc.ev.v);
        break;
    case ROW_REGISTRY:
        buf_reset(&k->rc.reason);
        if (!registry_check(k->rc.src->kind, k->rc.row, &k->rc.reason))
            return ck_reject(k, rec->line, k->rc.reason.data, NULL, 0);
        print_row(k, rec->line, k->rc.row);
        break;
    case ROW_MAPPED:
        print_row(k, rec->line, k->rc.row);
        break;
    }
    k->shown++;
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

void
check_summary(const struct check *k)
{
    printf("%s: %lld rows shown, %lld rejected; nothing was written\n",
           k->file, k->shown, k->rejected);
}
