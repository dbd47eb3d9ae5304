#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

void
tte_buf_init(struct tte_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
tte_buf_free(struct tte_buf *b)
{
    free(b->data);
    tte_buf_init(b);
}

void
tte_buf_grow(struct tte_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = tte_xrealloc(b->data, cap);
    b->cap = cap;
}

void
tte_buf_reset(struct tte_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void
tte_buf_adds(struct tte_buf *b, const char *s)
{
    tte_buf_add(b, s, strlen(s));
}

void
tte_buf_printf(struct tte_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    tte_buf_grow(b, (size_t)n);
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
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (!len || len > n || c == 0)
        return 0;
    return tte_utf8_valid(s, len) ? len : 0;
}

void
tte_buf_add_escaped(struct tte_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_seq(s + i, n - i);
        if (len) {
            tte_buf_add(b, s + i, len);
            i += len;
        } else {
            tte_buf_printf(b, "\\x%02X", (unsigned char)s[i]);
            i++;
        }
    }
    if (!b->data)
        tte_buf_add(b, "", 0);
}
