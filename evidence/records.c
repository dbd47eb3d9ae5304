/*
 * The records the text child sends (text.c writes them): a kind byte, the
 * page and the length as native 32-bit numbers, then the text. Both ends
 * are the same program on the same machine. Read here, pure and fuzzed:
 * the child has read a hostile file and what it sends is not trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "evidence.h"

bool
ev_text_parse(const char *buf, size_t n, const struct ev_statements *st,
              struct ev_text *out, char *why, size_t whysz)
{
    bool anywhere = false;
    size_t i = 0;
    memset(out, 0, sizeof *out);
    while (i < n) {
        uint32_t page, len;
        if (n - i < 9)
            break;
        memcpy(&page, buf + i + 1, 4);
        memcpy(&len, buf + i + 5, 4);
        if (len > n - i - 9)
            break;
        const char *s = buf + i + 9;
        if (buf[i] == 'E') {
            snprintf(why, whysz, "%.*s", (int)len, s);
            return false;
        }
        if (buf[i] == 'A' && !anywhere)
            anywhere = ev_statements_find(st, s, len);
        if (buf[i] == 'V' && !out->page && ev_statements_find(st, s, len))
            out->page = (int)page;
        i += 9 + (size_t)len;
    }
    if (i != n) {
        snprintf(why, whysz, "text extraction ended in mid-record");
        return false;
    }
    out->hidden = !out->page && anywhere;
    return true;
}
