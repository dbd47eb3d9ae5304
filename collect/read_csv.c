/*
 * CSV reader on libcsv. Lines are fed one at a time so that every record
 * knows the physical line it starts on, and the byte offset after each
 * record is a clean place to resume from. Field texts go into one arena
 * per record; a record's raw text is only turned into a reject's text
 * when the record is rejected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "read.h"
#include "tte_log.h"

struct csv_reader {
    const struct sink *sink;
    const struct csv_dialect *d;
    struct input *in;
    struct csv_parser p;
    struct tte_buf arena; /* field texts, NUL-terminated */
    size_t *offs;
    size_t *lens;
    char **fields;
    size_t n, cap;
    size_t line;     /* physical line being fed */
    size_t rec_line; /* first line of the pending record */
    bool pending;    /* a record is open across lines */
    bool clean;      /* its lines so far are all UTF-8 text */
    bool ended;      /* a record ended on the current line */
    bool at_eof;
    bool header_done;
    bool *secret;
    size_t ncols;
    bool any_secret;
    long long offset;      /* byte offset after the current line */
    char bad[160];         /* first field problem of the record */
    const char *line_text; /* the line being fed, when a record */
    size_t line_len;       /* starts on it: its raw text, uncopied */
    struct tte_buf raw;    /* the lines of a record that spans more */
    struct tte_buf tmp;
    enum tte_err err;
};

static void
on_field(void *data, size_t len, void *arg)
{
    struct csv_reader *r = arg;
    const char *s = data ? data : "";

    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->offs = tte_xrealloc(r->offs, r->cap * sizeof *r->offs);
        r->lens = tte_xrealloc(r->lens, r->cap * sizeof *r->lens);
        r->fields = tte_xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    /* A field of lines that are text is text (delimiter and quote are
     * ASCII, which no UTF-8 sequence holds): only a line that is not
     * has its fields checked, to name the field. */
    enum input_text bad = r->bad[0] || r->clean ? INPUT_TEXT
                                                : input_text_check(s, len);
    if (bad == INPUT_NUL)
        snprintf(r->bad, sizeof r->bad, "NUL byte in field %zu", r->n + 1);
    else if (bad == INPUT_NOT_UTF8)
        snprintf(r->bad, sizeof r->bad,
                 "invalid UTF-8 in field %zu (declare the file's encoding "
                 "in a source definition)",
                 r->n + 1);
    r->offs[r->n] = r->arena.len;
    r->lens[r->n] = len;
    tte_buf_add(&r->arena, s, len);
    tte_buf_addc(&r->arena, '\0');
    r->n++;
}

/* The record as read, or re-written as CSV with secret columns as "***". */
static const char *
raw_text(void *ctx, size_t *len)
{
    struct csv_reader *r = ctx;
    if (!r->any_secret) {
        const char *t = r->raw.len ? r->raw.data : r->line_text;
        size_t n = r->raw.len ? r->raw.len : r->line_len;
        *len = t ? input_trim_eol(t, n) : 0;
        return t ? t : "";
    }
    tte_buf_reset(&r->tmp);
    for (size_t i = 0; i < r->n; i++) {
        const char *v = i < r->ncols && r->secret[i] ? "***" : r->fields[i];
        size_t vn = i < r->ncols && r->secret[i] ? 3 : r->lens[i];
        char *q = tte_xmalloc(vn * 2 + 3);
        size_t qn = csv_write2(q, vn * 2 + 3, v, vn,
                               (unsigned char)r->d->quote);
        if (i)
            tte_buf_addc(&r->tmp, r->d->delim);
        tte_buf_add(&r->tmp, q, qn);
        free(q);
    }
    *len = r->tmp.len;
    return r->tmp.data ? r->tmp.data : "";
}

static bool
extras_empty(const struct csv_reader *r)
{
    for (size_t i = r->ncols; i < r->n; i++)
        if (r->lens[i] && strspn(r->fields[i], " \t") != r->lens[i])
            return false;
    return true;
}

static enum tte_err
handle_header(struct csv_reader *r)
{
    r->header_done = true;
    r->ncols = r->n;
    enum tte_err err = r->sink->header(r->sink->ctx, r->fields, r->n,
                                       &r->secret);
    for (size_t i = 0; !err && i < r->n; i++)
        r->any_secret |= r->secret[i];
    return err;
}

static enum tte_err
reject(struct csv_reader *r, const char *why)
{
    size_t len;
    const char *raw = raw_text(r, &len);
    return r->sink->reject(r->sink->ctx, r->rec_line, why, raw, len);
}

static enum tte_err
handle_record(struct csv_reader *r)
{
    struct record rec = {.line = r->rec_line,
                         .fields = r->fields,
                         .lens = r->lens,
                         .nfields = r->n,
                         .raw = raw_text,
                         .raw_ctx = r};
    if (!r->any_secret)
        rec.plain = raw_text(r, &rec.plain_len);
    char reason[200];

    if (r->at_eof && r->rec_line < r->line) {
        snprintf(reason, sizeof reason,
                 "unterminated quoted field "
                 "(the record runs from line %zu to the end of the file)",
                 r->rec_line);
        return reject(r, reason);
    }
    if (r->bad[0])
        return reject(r, r->bad);
    if (r->ncols && r->n != r->ncols &&
        !(r->n > r->ncols && extras_empty(r))) {
        snprintf(reason, sizeof reason, "expected %zu fields, found %zu",
                 r->ncols, r->n);
        return reject(r, reason);
    }
    if (r->n > r->ncols && r->ncols)
        rec.nfields = r->ncols;
    return r->sink->record(r->sink->ctx, &rec);
}

static void
on_row(int term, void *arg)
{
    struct csv_reader *r = arg;
    bool data = r->header_done;
    (void)term;

    for (size_t i = 0; i < r->n; i++)
        r->fields[i] = r->arena.data + r->offs[i];
    if (r->err == TTE_OK)
        r->err = data ? handle_record(r) : handle_header(r);
    r->n = 0;
    r->bad[0] = '\0';
    tte_buf_reset(&r->arena);
    tte_buf_reset(&r->raw);
    r->ended = true;
    if (r->err == TTE_OK && data)
        r->err = r->sink->clean_point(r->sink->ctx, r->offset, r->line);
}

static enum tte_err
parser_init(struct csv_reader *r)
{
    if (csv_init(&r->p, CSV_APPEND_NULL) != 0)
        return TTE_E_NOMEM;
    csv_set_delim(&r->p, (unsigned char)r->d->delim);
    csv_set_quote(&r->p, (unsigned char)r->d->quote);
    return TTE_OK;
}

/* A record that runs over several lines past the maximum record size,
 * mostly a quote left open, is rejected, and reading starts again at the
 * line that crossed it: neither libcsv's buffer nor ours ever holds the
 * rest of the file, and the rows a stray quote would swallow come back. */
static enum tte_err
drop_long_record(struct csv_reader *r)
{
    char reason[200];
    snprintf(reason, sizeof reason,
             "record from line %zu is over the "
             "limit of %lld (max_record_bytes) at line %zu; a quote left "
             "open?",
             r->rec_line, r->in->max_line, r->line);
    enum tte_err err = r->sink->reject(r->sink->ctx, r->rec_line, reason, "",
                                       0);
    csv_free(&r->p);
    if (!err)
        err = parser_init(r);
    r->n = 0;
    r->bad[0] = '\0';
    tte_buf_reset(&r->arena);
    tte_buf_reset(&r->raw);
    r->line_text = NULL;
    r->pending = false;
    return err;
}

/* Feeds one line of text to libcsv; r->line and r->offset are the
 * line's number and the offset after it. */
static enum tte_err
feed_line(struct csv_reader *r, const struct input_line *l)
{
    const char *text = l->text;
    size_t outn = l->len;

    if (!text) {
        char reason[80];
        return r->sink->reject(r->sink->ctx, r->line,
                               input_convert_reason(r->in, reason,
                                                    sizeof reason),
                               l->raw, l->raw_len);
    }
    if (r->pending && r->in->max_line &&
        (long long)(r->raw.len + outn) > r->in->max_line) {
        enum tte_err err = drop_long_record(r);
        if (err)
            return err;
    }
    if (!r->pending) {
        size_t k = 0;
        while (k < outn && (text[k] == '\r' || text[k] == '\n'))
            k++;
        r->rec_line = r->line;
        if (k == outn)
            return TTE_OK; /* blank line between records */
    }
    r->ended = false;
    r->clean = (!r->pending || r->clean) &&
               input_text_check(text, outn) == INPUT_TEXT;
    /* A record on one line (most) is its line; only a record that runs
     * over several lines has them copied. */
    if (r->pending) {
        tte_buf_add(&r->raw, text, outn);
    } else {
        r->line_text = text;
        r->line_len = outn;
    }
    if (csv_parse(&r->p, text, outn, on_field, on_row, r) != outn) {
        log_err("%s:%zu: %s", r->in->name, r->line,
                csv_strerror(csv_error(&r->p)));
        return TTE_E_IO;
    }
    r->pending = !r->ended;
    if (r->pending && r->line_text) {
        tte_buf_add(&r->raw, r->line_text, r->line_len);
        r->line_text = NULL;
    }
    return r->err;
}

static void
reader_free(struct csv_reader *r)
{
    free(r->offs);
    free(r->lens);
    free(r->fields);
    free(r->secret);
    tte_buf_free(&r->arena);
    tte_buf_free(&r->raw);
    tte_buf_free(&r->tmp);
    csv_free(&r->p);
}

/* Reads the header line of a file that is resumed past it. */
static enum tte_err
read_header_only(struct csv_reader *r)
{
    struct input_line l;
    enum tte_err err = input_seek(r->in, 0, 0);
    if (!err && input_next(r->in, &l)) {
        r->line = 1;
        err = feed_line(r, &l);
    }
    return err;
}

enum tte_err
read_csv(struct input *in, const struct csv_dialect *d, long long offset,
         size_t start_line, const struct sink *sink)
{
    struct csv_reader r;
    struct input_line l;
    enum tte_err err = TTE_OK;

    memset(&r, 0, sizeof r);
    r.sink = sink;
    r.d = d;
    r.in = in;
    if (parser_init(&r) != TTE_OK)
        return TTE_E_NOMEM;

    if (!d->header) {
        r.header_done = true;
        err = sink->header(sink->ctx, NULL, 0, &r.secret);
    } else if (offset > 0) {
        err = read_header_only(&r);
    }
    if (!err)
        err = input_seek(in, offset, start_line);
    r.line = start_line;
    r.offset = offset;
    while (!err && input_next(in, &l)) {
        r.line = in->line;
        r.offset = in->offset;
        err = feed_line(&r, &l);
    }
    if (!err)
        err = input_error(in);
    if (!err) {
        r.at_eof = r.pending;
        csv_fini(&r.p, on_field, on_row, &r);
        err = r.err;
        if (!err && r.header_done)
            err = sink->clean_point(sink->ctx, r.offset, r.line);
    }
    reader_free(&r);
    return err;
}
