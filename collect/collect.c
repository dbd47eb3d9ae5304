/*
 * The collect sink: takes records from the readers, validates them into
 * events or registry rows, stores them, and tracks each file so that a
 * re-run reads only what is new.
 */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect_int.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_log.h"
#include "tte_time.h"

const struct source *
collect_source(const struct collect *c)
{
    return c->src;
}

struct collect *
collect_new(sqlite3 *db, struct source *src, const struct collect_opts *o)
{
    struct collect *c = xcalloc(1, sizeof *c);
    c->db = db;
    c->src = src;
    c->opts = o;
    c->cd = (iconv_t)-1;
    buf_init(&c->conv);
    buf_init(&c->reason);
    /* TTE_COLLECT_BALANCE=reader|writer pins where rows are validated
     * (tests cover both paths); by default it follows the load. */
    const char *bal = getenv("TTE_COLLECT_BALANCE");
    c->balance = bal && (*bal == 'r' || *bal == 'w') ? *bal : 'a';
    buf_init(&c->wreason);
    buf_init(&c->wraw);
    buf_init(&c->scratch);
    buf_init(&c->raw);
    return c;
}

void
collect_free(struct collect *c)
{
    if (!c)
        return;
    store_close(c->store);
    buf_free(&c->conv);
    buf_free(&c->reason);
    buf_free(&c->wreason);
    buf_free(&c->wraw);
    buf_free(&c->scratch);
    buf_free(&c->raw);
    free(c);
}

void
collect_set_rejects(struct collect *c, FILE *fp)
{
    c->rejects_fp = fp;
}

const char *
collect_transcode(struct collect *c, const char *in, size_t n, size_t *outn)
{
    if (c->cd == (iconv_t)-1) {
        *outn = n;
        return in;
    }
    buf_reset(&c->conv);
    char *src = (char *)in;
    size_t left = n;
    while (left) {
        char out[4096];
        char *dst = out;
        size_t room = sizeof out;
        size_t rc = iconv(c->cd, &src, &left, &dst, &room);
        buf_add(&c->conv, out, sizeof out - room);
        if (rc == (size_t)-1 && errno != E2BIG) {
            iconv(c->cd, NULL, NULL, NULL, NULL);
            return NULL;
        }
    }
    *outn = c->conv.len;
    return c->conv.data ? c->conv.data : "";
}

static double
elapsed(const struct collect *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - c->started.tv_sec) +
           (double)(now.tv_nsec - c->started.tv_nsec) / 1e9;
}

void
collect_progress(struct collect *c, long long offset)
{
    if (!c->opts->progress)
        return;
    double t = elapsed(c);
    if (t - c->last_progress < 0.5)
        return;
    c->last_progress = t;
    double rate = t > 0 ? (double)c->seen / t : 0;
    double mb = (double)offset / 1048576.0;
    double eta = offset > 0 && c->size > offset
                     ? t * (double)(c->size - offset) / (double)offset : 0;
    fprintf(stderr, "\r%s: %s: %lld rows, %.1f MB, %.0f rows/s, ETA %.0f s\033[K",
            tte_progname(), c->file, c->seen, mb, rate, eta);
    c->progress_shown = true;
}

static void
write_reject_csv(struct collect *c, size_t line, const char *reason,
                 const char *raw)
{
    FILE *fp = c->rejects_fp;
    if (!fp)
        return;
    csv_fwrite_field(fp, c->file);
    fprintf(fp, ",%zu,", line);
    csv_fwrite_field(fp, reason);
    fputc(',', fp);
    csv_fwrite_field(fp, raw);
    fputc('\n', fp);
}

enum tte_err
collect_reject(struct collect *c, size_t line, const char *reason,
               const char *raw, size_t raw_len)
{
    c->seen++;
    if (c->pipe)
        return pipe_reject(c->pipe, line, reason, raw, raw_len);
    return collect_reject_now(c, line, reason, raw, raw_len);
}

enum tte_err
collect_reject_now(struct collect *c, size_t line, const char *reason,
                   const char *rawtext, size_t raw_len)
{
    buf_reset(&c->raw);
    buf_add_escaped(&c->raw, rawtext ? rawtext : "", rawtext ? raw_len : 0);
    const char *raw = c->raw.data;
    c->st.read++;
    c->st.rejected++;
    if (c->opts->check) {
        printf("%zu: rejected: %s\n", line, reason);
        c->check_left--;
        return TTE_OK;
    }
    /* DESIGN.md's form, "tte-collect: file:line: what": a bad row is a
     * data error (exit 65), shown even with --quiet. */
    if (c->st.rejected <= REJECT_MSGS)
        log_err("%s:%zu: %s", c->file, line, reason);
    else if (c->st.rejected == REJECT_MSGS + 1)
        log_err("%s: more rejected rows; see v_rejects", c->file);
    write_reject_csv(c, line, reason, raw);
    if (c->opts->strict) {
        log_err("%s:%zu: stopping at the first bad row (--strict)", c->file,
                line);
        return TTE_E_DATA;
    }
    return store_reject(c->store, c->file_id, c->src->name, c->real, line,
                        reason, raw);
}

static void
print_check_row(const struct collect *c, size_t line, char **row)
{
    size_t n;
    const char *const *names = kind_fields(c->src->kind, &n);
    printf("%zu:", line);
    for (size_t i = 0; i < n; i++) {
        if (!row[i] || !*row[i])
            continue;
        char masked[96];
        const char *v = row[i];
        if (strcmp(names[i], "nik") == 0 && !c->opts->unmask_nik) {
            tte_mask_nik(v, masked, sizeof masked);
            v = masked;
        }
        printf(" %s=%s", names[i], v);
    }
    putchar('\n');
}

static enum tte_err
reject_record(struct collect *c, const struct record *rec, const char *why)
{
    size_t len = 0;
    const char *raw = rec->raw ? rec->raw(rec->raw_ctx, &len) : "";
    return collect_reject(c, rec->line, why, raw, len);
}

enum tte_err
collect_event_now(struct collect *c, const struct tte_event *ev, size_t line)
{
    bool dup = false;
    enum tte_err err = store_event(c->store, ev, c->file_id, line, &dup);
    if (!err) {
        c->st.read++;
        if (dup)
            c->st.duplicates++;
        else
            c->st.accepted++;
    }
    return err;
}

enum tte_err
collect_row_now(struct collect *c, char **row, size_t line, const char *raw,
                size_t raw_len, bool json)
{
    struct tte_event ev;
    buf_reset(&c->wreason);
    if (tte_event_normalize(row, c->src->zone_offset, &ev, &c->wreason))
        return collect_event_now(c, &ev, line);
    if (json && tte_is_secret_name(raw)) {
        json_redact_text(raw, &c->wraw);
        raw = c->wraw.data;
        raw_len = c->wraw.len;
    }
    return collect_reject_now(c, line, c->wreason.data, raw, raw_len);
}

/* Validation runs on the reading thread, or on the writer's when it waits
 * for work; storing runs on the writer's. */
static enum tte_err
event_row(struct collect *c, const struct record *rec, char **row)
{
    struct tte_event ev;

    if (c->pipe && rec->plain && c->balance != 'r' &&
        (c->balance == 'w' || pipe_writer_idle(c->pipe))) {
        c->seen++;
        return pipe_row(c->pipe, row, rec->line, rec->plain, rec->plain_len,
                        rec->plain_is_json);
    }

    if (!tte_event_normalize(row, c->src->zone_offset, &ev, &c->reason))
        return reject_record(c, rec, c->reason.data);
    if (c->opts->check) {
        char iso[21];
        c->st.read++;
        tte_format_utc(ev.t, iso);
        ev.v[F_TIME] = iso;
        print_check_row(c, rec->line, ev.v);
        c->check_left--;
        return TTE_OK;
    }
    c->seen++;
    if (c->pipe)
        return pipe_event(c->pipe, &ev, rec->line);
    return collect_event_now(c, &ev, rec->line);
}

static enum tte_err
store_registry_row(struct collect *c, const struct record *rec, char **row)
{
    enum tte_err err = TTE_OK;
    if (c->opts->check) {
        c->st.read++;
        print_check_row(c, rec->line, row);
        c->check_left--;
        return TTE_OK;
    }
    if (!registry_row(c->db, c->src->kind, row, &c->reason, &err)) {
        if (err)
            return err;
        return reject_record(c, rec, c->reason.data);
    }
    c->st.read++;
    c->st.accepted++;
    return TTE_OK;
}

enum tte_err
collect_record(struct collect *c, const struct record *rec)
{
    char *row[SRC_MAX_FIELDS] = {0};
    bool keep = true;
    enum tte_err err;

    if (c->opts->check && c->check_left <= 0)
        return TTE_OK;
    buf_reset(&c->reason);
    if (!map_record(c->src, rec, &c->scratch, row, &keep, &c->reason))
        err = reject_record(c, rec, c->reason.data);
    else if (!keep) {
        c->st.filtered++;
        err = TTE_OK;
    } else if (c->src->kind == KIND_EVENTS)
        err = event_row(c, rec, row);
    else
        err = store_registry_row(c, rec, row);
    return err;
}
