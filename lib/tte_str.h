#ifndef TTE_STR_H
#define TTE_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Trims ASCII white space in place; returns s. */
char *tte_str_trim(char *s);
/* Trims s in place and returns its new length. */
size_t tte_str_trim_len(char *s);
/* The same for s of n bytes (strlen(s) == n). */
size_t tte_str_trim_n(char *s, size_t n);
/* True for NULL or "". */
bool tte_str_empty(const char *s);
bool tte_str_ieq(const char *a, const char *b);
/* True when every byte of s[0..n) is an ASCII digit and n > 0. */
bool tte_str_digits(const char *s, size_t n);
/* Case-insensitive substring test. */
bool tte_str_icontains(const char *hay, const char *needle);
/* Parses a decimal integer; false unless the whole string is consumed. */
bool tte_str_to_i64(const char *s, long long *out);

/* True when s[0..n) is valid UTF-8 without NUL bytes. */
bool tte_utf8_valid(const char *s, size_t n);

#endif
