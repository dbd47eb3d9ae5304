/*
 * Lines of a file as UTF-8 text. The block buffer hands out pointers into
 * itself; a line is valid, and may be modified, until the next call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "tte_log.h"

#define BLOCK (1 << 20)

enum tte_err
input_open(struct input *in, FILE *fp, const char *name,
           const char *encoding)
{
    memset(in, 0, sizeof *in);
    in->fp = fp;
    in->name = name;
    in->cd = (iconv_t)-1;
    buf_init(&in->conv);
    if (encoding) {
        in->encoding = encoding;
        in->cd = iconv_open("UTF-8", encoding);
        if (in->cd == (iconv_t)-1)
            return TTE_E_CONFIG;
    }
    return TTE_OK;
}

void
input_close(struct input *in)
{
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    in->cd = (iconv_t)-1;
    free(in->buf);
    in->buf = NULL;
    buf_free(&in->conv);
}

enum tte_err
input_seek(struct input *in, long long offset, size_t line)
{
    if (fseeko(in->fp, offset, SEEK_SET) != 0) {
        log_err("%s: cannot seek: %s", in->name, strerror(errno));
        return TTE_E_IO;
    }
    in->start = in->end = 0;
    in->eof = 0;
    in->line = line;
    in->offset = offset;
    return TTE_OK;
}

/* Moves the unread rest to the front and reads more after it. */
static void
refill(struct input *in)
{
    size_t rest = in->end - in->start;
    if (in->start)
        memmove(in->buf, in->buf + in->start, rest);
    in->start = 0;
    in->end = rest;
    if (in->cap - in->end < BLOCK / 2) {
        in->cap = in->cap ? in->cap * 2 : BLOCK;
        in->buf = xrealloc(in->buf, in->cap + 1);
    }
    size_t n = fread(in->buf + in->end, 1, in->cap - in->end, in->fp);
    in->end += n;
    if (n == 0)
        in->eof = 1;
}

/* The next line with its '\n' (the last may lack it); -1 at the end. */
static ssize_t
next_raw(struct input *in, char **line)
{
    size_t scanned = 0;
    if (!in->buf)
        refill(in);     /* no pointer arithmetic on a NULL buffer */
    for (;;) {
        char *nl = memchr(in->buf + in->start + scanned, '\n',
                          in->end - in->start - scanned);
        if (nl) {
            size_t len = (size_t)(nl - (in->buf + in->start)) + 1;
            *line = in->buf + in->start;
            in->start += len;
            return (ssize_t)len;
        }
        if (in->eof) {
            size_t len = in->end - in->start;
            if (!len)
                return -1;
            *line = in->buf + in->start;
            in->start = in->end;
            (*line)[len] = '\0';
            return (ssize_t)len;
        }
        scanned = in->end - in->start;
        refill(in);
    }
}

/* NULL when in[0..n) cannot be converted. */
static char *
transcode(struct input *in, char *text, size_t n, size_t *outn)
{
    if (in->cd == (iconv_t)-1) {
        *outn = n;
        return text;
    }
    buf_reset(&in->conv);
    char *src = text;
    size_t left = n;
    while (left) {
        char out[4096];
        char *dst = out;
        size_t room = sizeof out;
        size_t rc = iconv(in->cd, &src, &left, &dst, &room);
        buf_add(&in->conv, out, sizeof out - room);
        if (rc == (size_t)-1 && errno != E2BIG) {
            iconv(in->cd, NULL, NULL, NULL, NULL);
            return NULL;
        }
    }
    buf_addc(&in->conv, '\0');
    *outn = in->conv.len - 1;
    return in->conv.data;
}

bool
input_next(struct input *in, struct input_line *l)
{
    char *s;
    ssize_t n = next_raw(in, &s);
    if (n <= 0)
        return false;
    in->line++;
    in->offset += n;
    size_t len = (size_t)n;
    if (in->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    l->raw = s;
    l->raw_len = len;
    l->text = transcode(in, s, len, &l->len);
    return true;
}

enum tte_err
input_error(const struct input *in)
{
    if (!ferror(in->fp))
        return TTE_OK;
    log_err("%s: read error: %s", in->name, strerror(errno));
    return TTE_E_IO;
}

const char *
input_convert_reason(const struct input *in, char *buf, size_t n)
{
    snprintf(buf, n, "cannot convert from %s to UTF-8",
             in->encoding ? in->encoding : "?");
    return buf;
}

size_t
input_trim_eol(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n;
}

/* ASCII runs go 8 bytes at a time, which is most of every log. */
enum input_text
input_text_check(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w & 0x8080808080808080ULL) ||
            ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
            break;
    }
    /* The tail shorter than a word, byte by byte: every field has one. */
    size_t j = i;
    while (j < n && (unsigned char)(s[j] - 1) < 0x7f)
        j++;
    if (j == n)
        return INPUT_TEXT;
    if (memchr(s + i, '\0', n - i))
        return INPUT_NUL;
    return utf8_valid(s + i, n - i) ? INPUT_TEXT : INPUT_NOT_UTF8;
}
