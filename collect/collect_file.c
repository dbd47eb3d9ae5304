/*
 * One file, start to end: open it, ask the writer where to read from,
 * read it through a sink that checks each record and hands the verdict to
 * the writer (directly, or through the queue's thread for events), then
 * merge the counts. The reading side's state is all here, in a struct
 * only the reading thread touches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "collect_file.h"
#include "input.h"
#include "queue.h"
#include "read.h"
#include "rejects.h"
#include "rowcheck.h"
#include "tte_log.h"
#include "tte_path.h"
#include "writer.h"

/* The reading thread's state: the collecting sink. */
struct feed {
    const struct collect_opts *opts;
    const char *file;
    struct rowcheck rc;
    struct port out; /* the writer, or the queue before it */
    char balance;    /* validate on 'r'eader, 'w'riter, 'a'uto */
    long long seen;  /* rows handed on (progress) */
    long long filtered;
    long long points; /* clean points (progress) */
    long long size;
    struct timespec started;
    double last_progress;
    bool progress_shown;
};

static double
elapsed(const struct feed *f)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - f->started.tv_sec) +
           (double)(now.tv_nsec - f->started.tv_nsec) / 1e9;
}

static void
progress(struct feed *f, long long offset)
{
    if (!f->opts->progress)
        return;
    double t = elapsed(f);
    if (t - f->last_progress < 0.5)
        return;
    f->last_progress = t;
    double rate = t > 0 ? (double)f->seen / t : 0;
    double mb = (double)offset / 1048576.0;
    double eta = offset > 0 && f->size > offset
                     ? t * (double)(f->size - offset) / (double)offset
                     : 0;
    fprintf(stderr,
            "\r%s: %s: %lld rows, %.1f MB, %.0f rows/s, ETA %.0f s\033[K",
            tte_progname(), f->file, f->seen, mb, rate, eta);
    f->progress_shown = true;
}

static enum tte_err
feed_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct feed *f = ctx;
    return rowcheck_header(&f->rc, f->file, names, n, secret);
}

static enum tte_err
feed_reject(void *ctx, size_t line, const char *reason, const char *raw,
            size_t raw_len)
{
    struct feed *f = ctx;
    f->seen++;
    return f->out.reject(f->out.ctx, line, reason, raw, raw_len);
}

static enum tte_err
reject_record(struct feed *f, const struct record *rec, const char *why)
{
    size_t len = 0;
    const char *raw = rec->raw ? rec->raw(rec->raw_ctx, &len) : "";
    return feed_reject(f, rec->line, why, raw, len);
}

static enum tte_err
registry_record(struct feed *f, const struct record *rec)
{
    bool stored = false;
    enum tte_err err = f->out.registry(f->out.ctx, f->rc.row, &f->rc.reason,
                                       &stored);
    if (err || stored)
        return err;
    return reject_record(f, rec, f->rc.reason.data);
}

/* Validation runs on this thread, or on the writer's when it waits for
 * work; storing runs on the writer's. */
static enum tte_err
feed_record(void *ctx, const struct record *rec)
{
    struct feed *f = ctx;
    enum row_kind k = rowcheck_map(&f->rc, rec);

    if (k == ROW_FILTERED) {
        f->filtered++;
        return TTE_OK;
    }
    if (k == ROW_REJECT)
        return reject_record(f, rec, f->rc.reason.data);
    if (f->out.idle && rec->plain && f->balance != 'r' &&
        (f->balance == 'w' || f->out.idle(f->out.ctx))) {
        f->seen++;
        return f->out.row(f->out.ctx, f->rc.row, f->rc.len, rec->line,
                          rec->plain, rec->plain_len, rec->plain_is_json);
    }
    k = rowcheck_validate(&f->rc);
    if (k == ROW_REGISTRY)
        return registry_record(f, rec);
    if (k == ROW_REJECT)
        return reject_record(f, rec, f->rc.reason.data);
    f->seen++;
    return f->out.event(f->out.ctx, &f->rc.ev, rec->line);
}

static enum tte_err
feed_clean_point(void *ctx, long long offset, size_t line)
{
    struct feed *f = ctx;
    if ((++f->points & 0xffff) == 0)
        progress(f, offset);
    return f->out.clean_point(f->out.ctx, offset, line, f->filtered);
}

static enum tte_err
read_source(struct input *in, const struct source *src, long long offset,
            size_t line, const struct sink *sink)
{
    struct csv_dialect d = {src->delim, src->quote, src->header};
    struct lines_dialect ld = {src->pattern,     src->pattern_text,
                               src->group_names, src->group_nos,
                               src->ngroups,     src->pairs,
                               src->pair_keys,   src->npair_keys};
    struct xlsx_dialect xd = {src->sheet, src->sheet_no, src->header_row,
                              in->max_line};
    if (src->format == FMT_XLSX)
        return read_xlsx(in->name, &xd, sink);
    if (input_is_zip(in)) {
        log_err("%s: is a zip archive (an Excel workbook?), not %s text; "
                "read it with a source definition that says \"format\": "
                "\"xlsx\", or save it as CSV",
                in->name,
                src->format == FMT_JSONL   ? "JSON Lines"
                : src->format == FMT_LINES ? "log"
                                           : "CSV");
        return TTE_E_DATA;
    }
    if (src->format == FMT_LINES)
        return read_lines(in, &ld, offset, line, sink);
    if (src->format == FMT_CSV)
        return read_csv(in, &d, offset, line, sink);
    return read_jsonl(in, offset, line, sink);
}

static void
print_summary(const char *file, const struct file_stats *s, bool skipped,
              size_t from_line)
{
    if (skipped) {
        log_info("%s: unchanged since the last run, skipped", file);
        return;
    }
    char extra[64] = "";
    if (from_line)
        snprintf(extra, sizeof extra, " (new rows after line %zu)", from_line);
    /* Every row read is one of the four others: the line adds up. */
    log_info("%s: read %lld, accepted %lld, duplicates %lld, rejected %lld, "
             "filtered %lld%s",
             file, s->read, s->accepted, s->duplicates, s->rejected,
             s->filtered, extra);
}

static void
add_totals(struct file_stats *t, const struct file_stats *s)
{
    t->read += s->read;
    t->accepted += s->accepted;
    t->duplicates += s->duplicates;
    t->rejected += s->rejected;
    t->filtered += s->filtered;
}

/* Opened without blocking, so that a FIFO (whose open waits for a
 * writer) is refused as promptly as a directory or a device: a log is a
 * regular file. */
static enum tte_err
open_file(const char *path, FILE **fp, struct stat *sb)
{
    const char *why = NULL;
    int fd = tte_open_input(path, sb, &why);

    *fp = fd < 0 ? NULL : fdopen(fd, "rb");
    if (fd >= 0 && !*fp) {
        why = strerror(errno);
        close(fd);
    }
    if (!*fp) {
        log_err("cannot read '%s': %s", path, why);
        return TTE_E_NOINPUT;
    }
    return TTE_OK;
}

static enum tte_err
check_file(struct input *in, struct source *src, const struct collect_opts *o,
           const char *path)
{
    struct check k;
    check_init(&k, src, o, path);
    struct sink sink = check_sink(&k);
    enum tte_err err = read_source(in, src, 0, 0, &sink);
    rowcheck_unused(&k.rc, path);
    enum tte_err data = check_summary(&k);
    check_free(&k);
    return err ? err : data;
}

/* Reads the file into the writer; *st: the merged counts. */
static enum tte_err
feed_file(struct input *in, struct source *src, const struct collect_opts *o,
          struct writer *w, const struct file_plan *plan, long long size,
          struct file_stats *st)
{
    struct port direct = writer_port(w);
    struct queue *q = NULL;
    struct feed feed = {.opts = o, .file = in->name, .size = size};
    struct feed *f = &feed;
    const char *bal = getenv("TTE_COLLECT_BALANCE");

    /* TTE_COLLECT_BALANCE=reader|writer pins where rows are validated
     * (tests cover both paths); by default it follows the load. */
    f->balance = bal && (*bal == 'r' || *bal == 'w') ? *bal : 'a';
    clock_gettime(CLOCK_MONOTONIC, &f->started);
    rowcheck_init(&f->rc, src);

    /* Events: parse here, write on a second thread. The one place that
     * chooses. */
    if (src->kind == KIND_EVENTS) {
        q = queue_start(&direct);
        if (!q)
            log_debug("no writer thread; writing from this one");
    }
    f->out = q ? queue_port(q) : direct;
    struct sink sink = {.ctx = f,
                        .header = feed_header,
                        .record = feed_record,
                        .reject = feed_reject,
                        .clean_point = feed_clean_point};
    enum tte_err err = read_source(in, src, plan->offset, plan->line, &sink);
    if (q) {
        enum tte_err werr = queue_finish(q);
        err = err ? err : werr;
    }
    /* The writer thread has ended: its counts and ours meet here. */
    err = writer_file_end(w, err, st);
    if (!err)
        rowcheck_unused(&f->rc, in->name);
    rowcheck_free(&f->rc);
    if (f->progress_shown)
        fprintf(stderr, "\r\033[K");
    return err;
}

/* Seconds a log must rest before a last line without its end is taken
 * as complete: an export may simply lack its final newline. */
#define QUIET_SECONDS 60

static void
report_held(const char *path, size_t line, long long bytes)
{
    log_info("%s:%zu: line not ended yet (%lld bytes) in a file written "
             "within the last minute; left for the next run",
             path, line, bytes);
}

enum tte_err
collect_file(struct source *src, const struct collect_opts *o,
             struct writer *w, const char *path, bool own_tx,
             struct file_stats *total)
{
    struct input in;
    struct file_stats st = {0};
    struct file_plan plan = {0};
    struct stat sb;
    FILE *fp;
    bool unchanged = false;
    enum tte_err err = open_file(path, &fp, &sb);

    if (err)
        return err;
    err = input_open(&in, fp, path, src->encoding);
    if (err) {
        log_err("%s: encoding '%s' is not known to iconv",
                src->path ? src->path : src->name, src->encoding);
        goto cleanup;
    }
    in.max_line = o->max_record ? o->max_record : src->max_record;
    /* A log may be read while its application writes it: its last line
     * counts once it has its end, or once the file has rested. A
     * registry or --check reads it all. */
    in.hold_partial = src->kind == KIND_EVENTS && !o->check &&
                      time(NULL) - sb.st_mtime < QUIET_SECONDS;
    if (o->check) {
        err = check_file(&in, src, o, path);
        goto cleanup;
    }
    err = writer_file_begin(w, path, fp, &sb, own_tx, &plan, &unchanged);
    if (err)
        goto cleanup;
    if (unchanged) {
        print_summary(path, &st, true, 0);
        goto cleanup;
    }
    if (plan.offset == 0)
        rejects_replaced(path);
    err = feed_file(&in, src, o, w, &plan, sb.st_size, &st);
    if (!err && in.held)
        report_held(path, in.line + 1, in.held);
    if (!err && plan.edited)
        log_warn("%s: %lld row%s changed in place; its events were read "
                 "again",
                 path, plan.changed, plan.changed == 1 ? "" : "s");
    if (!err) {
        print_summary(path, &st, false, plan.resumed ? plan.line : 0);
        add_totals(total, &st);
    }
cleanup:
    fileid_plan_free(&plan);
    input_close(&in);
    fclose(fp);
    return err;
}
