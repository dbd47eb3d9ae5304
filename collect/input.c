/*
 * Lines of a file as UTF-8 text. The block buffer hands out pointers into
 * itself; a line is valid, and may be modified, until the next call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "tte_log.h"

#define BLOCK (1 << 20)

static bool
starts_with_bom(FILE *fp)
{
    unsigned char b[3];
    return pread(fileno(fp), b, 3, 0) == 3 &&
           memcmp(b, "\xEF\xBB\xBF", 3) == 0;
}

/* The bytes of an incomplete UTF-8 sequence at the end of s[0..n). */
static size_t
utf8_tail(const unsigned char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = s[n - k];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return want > k ? k : 0;
    }
    return 0;
}

/* Reads the whole file once, in blocks: valid UTF-8 throughout. */
static bool
file_is_utf8(FILE *fp)
{
    unsigned char *buf = tte_xmalloc(BLOCK + 4);
    size_t carry = 0;
    off_t at = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = pread(fileno(fp), buf + carry, BLOCK, at);
        if (n <= 0) {
            ok = ok && carry == 0;
            break;
        }
        at += n;
        size_t have = carry + (size_t)n;
        size_t tail = utf8_tail(buf, have);
        if (!tte_utf8_valid((const char *)buf, have - tail)) {
            ok = false;
            break;
        }
        memmove(buf, buf + have - tail, tail);
        carry = tail;
    }
    free(buf);
    return ok;
}

enum tte_err
input_open(struct input *in, FILE *fp, const char *name, const char *encoding)
{
    memset(in, 0, sizeof *in);
    in->fp = fp;
    in->name = name;
    in->cd = (iconv_t)-1;
    in->lf = SIZE_MAX;
    tte_buf_init(&in->conv);
    if (!encoding)
        return TTE_OK;
    if (starts_with_bom(fp)) {
        /* The mark is the file's own word on its encoding: it wins over
         * a definition written for an older export. */
        if (strcmp(encoding, "auto") != 0)
            log_warn("%s: starts with a UTF-8 byte-order mark; read as "
                     "UTF-8, not as %s as the source definition says",
                     name, encoding);
        return TTE_OK;
    }
    /* Decided when reading starts: a file skipped as unchanged is not
     * read through for it. */
    if (strcmp(encoding, "auto") == 0) {
        in->auto_pending = true;
        return TTE_OK;
    }
    in->encoding = encoding;
    in->cd = iconv_open("UTF-8", encoding);
    if (in->cd == (iconv_t)-1)
        return TTE_E_CONFIG;
    return TTE_OK;
}

bool
input_is_zip(const struct input *in)
{
    unsigned char sig[4];
    return pread(fileno(in->fp), sig, 4, 0) == 4 &&
           memcmp(sig, "PK\3\4", 4) == 0;
}

void
input_close(struct input *in)
{
    if (in->cd != (iconv_t)-1)
        iconv_close(in->cd);
    in->cd = (iconv_t)-1;
    free(in->buf);
    in->buf = NULL;
    tte_buf_free(&in->conv);
}

/* "auto": UTF-8 when the whole file is, else Windows-1252. */
static enum tte_err
decide_auto(struct input *in)
{
    in->auto_pending = false;
    if (file_is_utf8(in->fp)) {
        log_info("%s: encoding auto: valid UTF-8, read as UTF-8", in->name);
        return TTE_OK;
    }
    log_info("%s: encoding auto: not valid UTF-8, read as Windows-1252",
             in->name);
    in->encoding = "WINDOWS-1252";
    in->cd = iconv_open("UTF-8", in->encoding);
    return in->cd == (iconv_t)-1 ? TTE_E_CONFIG : TTE_OK;
}

enum tte_err
input_seek(struct input *in, long long offset, size_t line)
{
    if (in->auto_pending && decide_auto(in) != TTE_OK) {
        log_err("%s: iconv cannot read Windows-1252", in->name);
        return TTE_E_CONFIG;
    }
    if (fseeko(in->fp, offset, SEEK_SET) != 0) {
        log_err("%s: cannot seek: %s", in->name, strerror(errno));
        return TTE_E_IO;
    }
    in->start = in->end = 0;
    in->eof = 0;
    in->lf = SIZE_MAX;
    in->lf_scanned = 0;
    in->line = line;
    in->offset = offset;
    in->held = 0;
    /* After a line that ended with a lone CR, a LF written since is the
     * rest of that line's end, not an empty line of its own. */
    unsigned char prev = 0;
    in->skip_lf = offset > 0 &&
                  pread(fileno(in->fp), &prev, 1, (off_t)(offset - 1)) == 1 &&
                  prev == '\r';
    return TTE_OK;
}

/* Moves the unread rest to the front and reads more after it. */
static void
refill(struct input *in)
{
    size_t rest = in->end - in->start;
    if (in->start)
        memmove(in->buf, in->buf + in->start, rest);
    if (in->lf != SIZE_MAX)
        in->lf = in->lf >= in->start ? in->lf - in->start : SIZE_MAX;
    in->lf_scanned = in->lf_scanned > in->start ? in->lf_scanned - in->start
                                                : 0;
    in->start = 0;
    in->end = rest;
    if (in->cap - in->end < BLOCK / 2) {
        in->cap = in->cap ? in->cap * 2 : BLOCK;
        in->buf = tte_xrealloc(in->buf, in->cap + 1);
    }
    size_t n = fread(in->buf + in->end, 1, in->cap - in->end, in->fp);
    in->end += n;
    if (n == 0)
        in->eof = 1;
}

/* The first LF at or after buf[from], or NULL. Where it is, or that the
 * buffer holds none, is remembered: in a file whose lines end with a lone
 * CR, looking for a LF from every line would read the block each time. */
static const char *
find_lf(struct input *in, size_t from)
{
    if (in->lf != SIZE_MAX && in->lf >= from)
        return in->buf + in->lf;
    size_t s = in->lf_scanned > from ? in->lf_scanned : from;
    const char *nl = memchr(in->buf + s, '\n', in->end - s);
    in->lf = nl ? (size_t)(nl - in->buf) : SIZE_MAX;
    in->lf_scanned = nl ? in->lf : in->end;
    return nl;
}

/* The length of the line at in->start with its end ('\n', "\r\n" or a
 * lone '\r', as libcsv reads them), or 0 when the buffer does not show
 * it yet; *scanned: bytes known to hold no line end. */
static size_t
line_end(struct input *in, size_t *scanned)
{
    const char *base = in->buf + in->start;
    size_t avail = in->end - in->start;
    const char *nl = find_lf(in, in->start + *scanned);
    size_t lim = nl ? (size_t)(nl - base) : avail;
    const char *cr = memchr(base + *scanned, '\r', lim - *scanned);

    if (cr) {
        size_t i = (size_t)(cr - base);
        if (i + 1 < avail)
            return base[i + 1] == '\n' ? i + 2 : i + 1;
        /* A CR last in the buffer: a LF may follow in the next block. */
        *scanned = i;
        return in->eof ? i + 1 : 0;
    }
    *scanned = avail;
    return nl ? lim + 1 : 0;
}

/* A line resumed right after a CR: a LF that follows belongs to it. */
static void
skip_lf(struct input *in)
{
    in->skip_lf = false;
    if (in->start == in->end && !in->eof)
        refill(in);
    if (in->start < in->end && in->buf[in->start] == '\n') {
        in->start++;
        in->offset++;
    }
}

/* The next line with its end (the last may lack it), *line NULL for a
 * line over in->max_line, whose bytes are let go as they are read so
 * that memory stays bounded; -1 at the end. */
static ssize_t
next_raw(struct input *in, char **line)
{
    size_t scanned = 0, len;
    long long skipped = 0;

    if (!in->buf)
        refill(in); /* no pointer arithmetic on a NULL buffer */
    if (in->skip_lf)
        skip_lf(in);
    in->oversize = 0;
    for (;;) {
        len = line_end(in, &scanned);
        if (len || in->eof)
            break;
        size_t avail = in->end - in->start;
        if (in->max_line && skipped + (long long)avail > in->max_line &&
            avail > 1) {
            /* Too long already: let its bytes go but the last, which
             * may be a CR whose LF is still to come. */
            skipped += (long long)avail - 1;
            in->start = in->end - 1;
            scanned = 0;
        }
        refill(in);
    }
    if (!len) {
        len = in->end - in->start;
        if (!len && !skipped)
            return -1;
        /* A line without its end may still be being written: it is
         * left for the next run, which resumes before it. */
        if (in->hold_partial) {
            in->held = skipped + (long long)len;
            return -1;
        }
    }
    *line = in->buf + in->start;
    in->start += len;
    if (in->max_line && skipped + (long long)len > in->max_line) {
        in->oversize = skipped + (long long)len;
        *line = NULL;
        return (ssize_t)in->oversize;
    }
    if (in->start == in->end && in->eof)
        (*line)[len] = '\0'; /* the last line may lack its end */
    return (ssize_t)len;
}

/* NULL when in[0..n) cannot be converted. */
static char *
transcode(struct input *in, char *text, size_t n, size_t *outn)
{
    if (in->cd == (iconv_t)-1) {
        *outn = n;
        return text;
    }
    tte_buf_reset(&in->conv);
    char *src = text;
    size_t left = n;
    while (left) {
        char out[4096];
        char *dst = out;
        size_t room = sizeof out;
        size_t rc = iconv(in->cd, &src, &left, &dst, &room);
        tte_buf_add(&in->conv, out, sizeof out - room);
        if (rc == (size_t)-1 && errno != E2BIG) {
            iconv(in->cd, NULL, NULL, NULL, NULL);
            return NULL;
        }
    }
    tte_buf_addc(&in->conv, '\0');
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
    if (!s) {
        l->text = NULL;
        l->raw = "";
        l->len = l->raw_len = 0;
        return true;
    }
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
    if (in->oversize)
        snprintf(buf, n,
                 "line of %lld bytes is over the limit of %lld "
                 "(max_record_bytes)",
                 in->oversize, in->max_line);
    else
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
    return tte_utf8_valid(s + i, n - i) ? INPUT_TEXT : INPUT_NOT_UTF8;
}
