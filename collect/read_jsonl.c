/* JSON Lines reader on cJSON: one object per line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_arena.h"
#include "json_path.h"
#include "read.h"
#include "tte_log.h"

/* The line being read, for the raw text of a reject. */
struct line_ctx {
    const char *line;
    size_t n;
    struct tte_buf *raw;
};

/* The line as read, with the values of secret keys as "***". */
static const char *
raw_text(void *ctx, size_t *len)
{
    struct line_ctx *l = ctx;
    if (!json_may_hold_secret(l->line)) {
        *len = l->n;
        return l->line;
    }
    json_redact_text(l->line, l->raw);
    *len = l->raw->len;
    return l->raw->data;
}

static enum tte_err
reject_line(const struct sink *s, size_t lineno, const char *why,
            struct line_ctx *l)
{
    size_t len;
    const char *raw = raw_text(l, &len);
    return s->reject(s->ctx, lineno, why, raw, len);
}

static enum tte_err
handle_line(const struct sink *c, char *line, size_t n, size_t lineno,
            struct tte_buf *quoted, struct tte_buf *raw)
{
    const char *end = NULL;
    char reason[160];
    enum tte_err err;

    n = input_trim_eol(line, n);
    line[n] = '\0';
    if (strspn(line, " \t") == n)
        return TTE_OK;
    struct line_ctx l = {line, n, raw};
    enum input_text t = input_text_check(line, n);
    if (t == INPUT_NUL)
        return reject_line(c, lineno, "NUL byte in line", &l);
    if (t == INPUT_NOT_UTF8)
        return reject_line(c, lineno,
                           "invalid UTF-8 (declare the file's "
                           "encoding in a source definition)",
                           &l);
    /* The length includes the terminating NUL so that anything after the
     * value (trailing garbage) is an error. */
    cJSON *doc = cJSON_ParseWithLengthOpts(line, n + 1, &end, 1);
    /* Trees live in the JSON arena (json_arena.c), freed by its reset
     * after each line: no cJSON_Delete walk. */
    if (doc && !json_numbers_exact(doc)) {
        json_quote_numbers(line, n, quoted);
        doc = cJSON_ParseWithLengthOpts(quoted->data, quoted->len + 1, NULL,
                                        1);
    }
    if (!doc) {
        size_t pos = end ? (size_t)(end - line) : 0;
        snprintf(reason, sizeof reason, "invalid JSON near column %zu",
                 pos < n ? pos + 1 : n);
        return reject_line(c, lineno, reason, &l);
    }
    if (!cJSON_IsObject(doc))
        err = reject_line(c, lineno, "JSON value is not an object", &l);
    else {
        struct record rec = {.line = lineno,
                             .json = doc,
                             .raw = raw_text,
                             .raw_ctx = &l,
                             .plain = line,
                             .plain_len = n,
                             .plain_is_json = true};
        err = c->record(c->ctx, &rec);
    }
    return err;
}

enum tte_err
read_jsonl(struct input *in, long long offset, size_t start_line,
           const struct sink *sink)
{
    struct input_line l;
    struct tte_buf quoted, raw;
    enum tte_err err = input_seek(in, offset, start_line);

    tte_buf_init(&quoted);
    tte_buf_init(&raw);
    json_arena_begin();
    while (!err && input_next(in, &l)) {
        if (!l.text) {
            char reason[80];
            err = sink->reject(sink->ctx, in->line,
                               input_convert_reason(in, reason, sizeof reason),
                               l.raw, l.raw_len);
        } else {
            /* The text is the line itself or the transcoding buffer:
             * both are ours to trim in place. */
            err = handle_line(sink, l.text, l.len, in->line, &quoted, &raw);
        }
        json_arena_reset();
        if (!err)
            err = sink->clean_point(sink->ctx, in->offset, in->line);
    }
    json_arena_end();
    if (!err)
        err = input_error(in);
    tte_buf_free(&quoted);
    tte_buf_free(&raw);
    return err;
}
