#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tte_str.h"

size_t
tte_str_trim_len(char *s)
{
    return tte_str_trim_n(s, strlen(s));
}

size_t
tte_str_trim_n(char *s, size_t n)
{
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
tte_str_trim(char *s)
{
    tte_str_trim_len(s);
    return s;
}

bool
tte_str_empty(const char *s)
{
    return !s || !*s;
}

bool
tte_str_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool
tte_str_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool
tte_str_icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

bool
tte_str_to_i64(const char *s, long long *out)
{
    char *end;
    if (tte_str_empty(s))
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Eight bytes, none zero and none with the high bit: plain ASCII. */
static bool
ascii_word(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return !(w & 0x8080808080808080ULL) &&
           !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL);
}

bool
tte_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        /* Most text is ASCII: eight bytes at a time. */
        if (i + 8 <= n && ascii_word(s + i)) {
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
