#ifndef TTE_BUF_H
#define TTE_BUF_H

#include <stddef.h>

/* A growable byte buffer, always NUL-terminated once anything is added. */
struct tte_buf {
    char *data;
    size_t len;
    size_t cap;
};

void tte_buf_init(struct tte_buf *b);
/* Frees the data and leaves b empty and reusable. */
void tte_buf_free(struct tte_buf *b);
/* Empties b, keeping its memory. */
void tte_buf_reset(struct tte_buf *b);
void tte_buf_adds(struct tte_buf *b, const char *s);
/* Makes room for extra more bytes and the terminating NUL. */
void tte_buf_grow(struct tte_buf *b, size_t extra);

/* Inline: the readers append every field of every row. */
static inline void
tte_buf_add(struct tte_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        tte_buf_grow(b, n);
    if (n)
        __builtin_memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void
tte_buf_addc(struct tte_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        tte_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void tte_buf_printf(struct tte_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s[0..n) keeping valid UTF-8 and writing NUL bytes and invalid
 * bytes as the text "\xNN", so the result is always valid UTF-8. */
void tte_buf_add_escaped(struct tte_buf *b, const char *s, size_t n);

#endif
