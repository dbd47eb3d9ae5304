#ifndef TTE_UTIL_H
#define TTE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that dies with "out of memory" (the CLI's OOM policy). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated. */
struct tte_buf {
    char *data;
    size_t len;
    size_t cap;
};

void buf_init(struct tte_buf *b);
void buf_free(struct tte_buf *b);
void buf_reset(struct tte_buf *b);
void buf_adds(struct tte_buf *b, const char *s);
/* Makes room for extra more bytes and the terminating NUL. */
void buf_grow(struct tte_buf *b, size_t extra);

/* Inline: the readers append every field of every row. */
static inline void
buf_add(struct tte_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        buf_grow(b, n);
    if (n)
        __builtin_memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void
buf_addc(struct tte_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
void buf_printf(struct tte_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s[0..n) keeping valid UTF-8 and writing NUL bytes and invalid
 * bytes as the text "\xNN", so the result is always valid UTF-8. */
void buf_add_escaped(struct tte_buf *b, const char *s, size_t n);

/* Trims ASCII white space in place; returns s. */
char *str_trim(char *s);
/* Trims s in place and returns its new length. */
size_t str_trim_len(char *s);
bool str_empty(const char *s);
bool str_ieq(const char *a, const char *b);
/* True when every byte of s[0..n) is an ASCII digit and n > 0. */
bool str_digits(const char *s, size_t n);
/* Case-insensitive substring test. */
bool str_icontains(const char *hay, const char *needle);

/* True when s[0..n) is valid UTF-8 without NUL bytes. */
bool utf8_valid(const char *s, size_t n);

/*
 * True when a column or key name denotes a secret (passphrase, password,
 * passwd, totp, otp, pin, in any case): its value is never stored.
 */
bool tte_is_secret_name(const char *name);

/* Lowercase hex SHA-256 of p[0..n) into out[65]. */
void tte_sha256_hex(const void *p, size_t n, char out[65]);


/* A fast 64-bit hash for in-memory tables (8 bytes per step); not stable
 * across versions: never store it. */
uint64_t tte_hash(const void *p, size_t n);

/* Parses a decimal integer; false unless the whole string is consumed. */
bool str_to_i64(const char *s, long long *out);

#endif
