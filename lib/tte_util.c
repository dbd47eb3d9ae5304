#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "tte_log.h"
#include "tte_util.h"

static void
die_nomem(void)
{
    log_err("out of memory");
    exit(71);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_nomem();
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die_nomem();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_nomem();
    return q;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void
buf_init(struct tte_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
buf_free(struct tte_buf *b)
{
    free(b->data);
    buf_init(b);
}

void
buf_grow(struct tte_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void
buf_reset(struct tte_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void
buf_adds(struct tte_buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void
buf_printf(struct tte_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0. */
static size_t
utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || len > n || c == 0)
        return 0;
    return utf8_valid(s, len) ? len : 0;
}

void
buf_add_escaped(struct tte_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_seq(s + i, n - i);
        if (len) {
            buf_add(b, s + i, len);
            i += len;
        } else {
            buf_printf(b, "\\x%02X", (unsigned char)s[i]);
            i++;
        }
    }
    if (!b->data)
        buf_add(b, "", 0);
}

size_t
str_trim_len(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return n - i;
}

char *
str_trim(char *s)
{
    str_trim_len(s);
    return s;
}

bool
str_empty(const char *s)
{
    return !s || !*s;
}

bool
str_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool
str_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool
str_icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

bool
utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Most text is ASCII: eight bytes at a time, none zero or high. */
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8),
                           !(w & 0x8080808080808080ULL) &&
                           !((w - 0x0101010101010101ULL) & ~w &
                             0x8080808080808080ULL))) {
            i += 8;
            continue;
        }
        unsigned char c = s[i];
        size_t len;
        unsigned cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

bool
tte_is_secret_name(const char *name)
{
    /* "otp" covers kode otp / kode_otp, "sandi" kata sandi and
     * kata_sandi: Indonesian applications name them so. */
    static const char *const words[] = {"passphrase", "password", "passwd",
                                        "totp", "otp", "pin", "sandi"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (str_icontains(name, words[i]))
            return true;
    return false;
}

void
tte_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    static const char hex[] = "0123456789abcdef";

    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < len && i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

uint64_t
tte_hash(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 29);
}

bool
str_to_i64(const char *s, long long *out)
{
    char *end;
    if (str_empty(s))
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}
