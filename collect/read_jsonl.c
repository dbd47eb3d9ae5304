/* JSON Lines reader on cJSON: one object per line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collect.h"
#include "tte_log.h"

/* A line that cannot be parsed is kept raw, but a secret in it must not
 * be: everything after a secret-looking key up to the next ',' or '}'
 * becomes ***. */
static void
redact_text(const char *in, struct tte_buf *out)
{
    static const char *const words[] = {"passphrase", "password", "passwd",
                                        "totp", "otp", "pin"};
    size_t n = strlen(in);
    buf_reset(out);
    for (size_t i = 0; i < n;) {
        size_t hit = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0] && !hit; w++)
            if (strncasecmp(in + i, words[w], strlen(words[w])) == 0)
                hit = strlen(words[w]);
        if (!hit) {
            buf_addc(out, in[i++]);
            continue;
        }
        buf_add(out, in + i, hit);
        i += hit;
        size_t colon = i + strcspn(in + i, ":,}");
        if (colon < n && in[colon] == ':') {
            buf_add(out, in + i, colon + 1 - i);
            buf_adds(out, "\"***\"");
            i = colon + 1 + strcspn(in + colon + 1, ",}");
        }
    }
}

static bool
has_secret_text(const char *s)
{
    return tte_is_secret_name(s);
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
    /* Raw text is kept as valid UTF-8: bad bytes become \xNN. */
    buf_reset(raw);
    buf_add_escaped(raw, line, n);
    bool secret = has_secret_text(raw->data);
    if (secret) {
        char *copy = xstrdup(raw->data);
        redact_text(copy, raw);
        free(copy);
    }
    const char *rawtext = raw->data;

    if (memchr(line, '\0', n))
        return collect_reject(c, lineno, "NUL byte in line", rawtext);
    if (!utf8_valid(line, n))
        return collect_reject(c, lineno, "invalid UTF-8 (declare the file's "
                              "encoding in a source definition)", rawtext);
    json_quote_numbers(line, n, quoted);
    /* The length includes the terminating NUL so that anything after the
     * value (trailing garbage) is an error. */
    cJSON *doc = cJSON_ParseWithLengthOpts(quoted->data, quoted->len + 1,
                                           &end, 1);
    if (!doc) {
        /* Parse the original text again for a position in its columns. */
        cJSON_Delete(cJSON_ParseWithLengthOpts(line, n + 1, &end, 1));
        size_t pos = end ? (size_t)(end - line) : 0;
        snprintf(reason, sizeof reason, "invalid JSON near column %zu",
                 pos < n ? pos + 1 : n);
        return collect_reject(c, lineno, reason, rawtext);
    }
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return collect_reject(c, lineno, "JSON value is not an object",
                              rawtext);
    }
    char *printed = NULL;
    if (secret) {
        json_redact(doc);
        printed = cJSON_PrintUnformatted(doc);
    }
    struct record rec = {.line = lineno, .json = doc,
                         .raw = printed ? printed : line};
    err = collect_record(c, &rec);
    cJSON_free(printed);
    cJSON_Delete(doc);
    return err;
}

enum tte_err
read_jsonl(struct collect *c, FILE *fp, const char *file, size_t start_line)
{
    char *line = NULL;
    size_t cap = 0, lineno = start_line;
    long long offset = ftello(fp);
    ssize_t n;
    struct tte_buf quoted, raw;
    enum tte_err err = TTE_OK;

    buf_init(&quoted);
    buf_init(&raw);
    while (!err && (n = getline(&line, &cap, fp)) > 0) {
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
            err = collect_reject(c, lineno, "cannot convert to UTF-8", "");
        } else {
            char *copy = xstrndup(text, outn);
            err = handle_line(c, copy, outn, lineno, &quoted, &raw);
            free(copy);
        }
        if (!err)
            err = collect_checkpoint(c, offset, lineno);
        if ((lineno & 0xffff) == 0)
            collect_progress(c, offset);
    }
    if (!err && ferror(fp)) {
        log_err("%s: read error: %s", file, strerror(errno));
        err = TTE_E_IO;
    }
    free(line);
    buf_free(&quoted);
    buf_free(&raw);
    return err;
}
