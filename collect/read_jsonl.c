/* JSON Lines reader on cJSON: one object per line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collect.h"
#include "lines.h"
#include "json_arena.h"
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
    if (!tte_is_secret_name(l->line)) {
        *len = l->n;
        return l->line;
    }
    json_redact_text(l->line, l->raw);
    *len = l->raw->len;
    return l->raw->data;
}

static enum tte_err
reject_line(struct collect *c, size_t lineno, const char *why,
            struct line_ctx *l)
{
    size_t len;
    const char *raw = raw_text(l, &len);
    return collect_reject(c, lineno, why, raw, len);
}

static enum tte_err
handle_line(struct collect *c, char *line, size_t n, size_t lineno,
            struct tte_buf *quoted, struct tte_buf *raw)
{
    const char *end = NULL;
    char reason[160];
    enum tte_err err;

    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (strspn(line, " \t") == n)
        return TTE_OK;
    struct line_ctx l = {line, n, raw};
    if (memchr(line, '\0', n))
        return reject_line(c, lineno, "NUL byte in line", &l);
    if (!utf8_valid(line, n))
        return reject_line(c, lineno, "invalid UTF-8 (declare the file's "
                           "encoding in a source definition)", &l);
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
        struct record rec = {.line = lineno, .json = doc, .raw = raw_text,
                             .raw_ctx = &l, .plain = line, .plain_len = n,
                             .plain_is_json = true};
        err = collect_record(c, &rec);
    }
    return err;
}

enum tte_err
read_jsonl(struct collect *c, FILE *fp, const char *file, size_t start_line)
{
    struct lines in;
    char *line;
    size_t lineno = start_line;
    long long offset = ftello(fp);
    ssize_t n;
    struct tte_buf quoted, raw;
    enum tte_err err = TTE_OK;

    buf_init(&quoted);
    buf_init(&raw);
    json_arena_begin();
    lines_init(&in, fp);
    while (!err && (n = lines_next(&in, &line)) > 0) {
        size_t outn;
        lineno++;
        offset += n;
        char *s = line;
        if (lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            n -= 3;
        }
        const char *text = collect_transcode(c, s, (size_t)n, &outn);
        if (!text) {
            err = collect_reject(c, lineno, "cannot convert to UTF-8", s,
                                 (size_t)n);
        } else {
            /* text is the line itself or the transcoding buffer: both are
             * ours to trim in place. */
            err = handle_line(c, (char *)text, outn, lineno, &quoted, &raw);
        }
        json_arena_reset();
        if (!err)
            err = collect_checkpoint(c, offset, lineno);
        if ((lineno & 0xffff) == 0)
            collect_progress(c, offset);
    }
    json_arena_end();
    if (!err && ferror(fp)) {
        log_err("%s: read error: %s", file, strerror(errno));
        err = TTE_E_IO;
    }
    lines_free(&in);
    buf_free(&quoted);
    buf_free(&raw);
    return err;
}
