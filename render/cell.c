/* Cell text: no control characters, within Excel's 32,767-character cell. */
#include <string.h>

#include "render.h"

#define CELL_MAX 32767

char *
cell_text(const char *s)
{
    struct tte_buf b;
    size_t chars = 0;

    tte_buf_init(&b);
    tte_buf_add(&b, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* Tab and newline display; other C0 controls break the XML. */
        if (*p < 0x20 && *p != '\n' && *p != '\t')
            continue;
        if (*p == 0x7f)
            continue;
        if ((*p & 0xC0) != 0x80 && ++chars > CELL_MAX)
            break;
        tte_buf_addc(&b, (char)*p);
    }
    return b.data;
}

size_t
cell_longest_run(const char *s, char sep)
{
    size_t best = 0, cur = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == (unsigned char)sep) {
            cur = 0;
            continue;
        }
        if ((*p & 0xC0) != 0x80 && ++cur > best)
            best = cur;
    }
    return best;
}

size_t
cell_width(const char *s)
{
    return cell_longest_run(s, '\n');
}

/* Characters of s[0..n) (UTF-8 aware). */
static size_t
chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/*
 * libxlsxwriter does not fit rows to wrapped text and LibreOffice keeps
 * the height given, so the height is computed here: a greedy word wrap
 * as the spreadsheet does it. Calibri's average lower-case character is
 * about 0.8 of the width unit (the digit '0'); capitals and bold are
 * wider, so only a tenth more than the width is counted on, less one
 * unit for the cell's padding.
 */
int
cell_lines(const char *s, double width)
{
    size_t cap = width > 2 ? (size_t)(width * 1.1) - 1 : 1;
    int lines = 1;
    size_t used = 0;
    const char *p = s;

    while (*p) {
        if (*p == '\n') {
            lines++;
            used = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            if (used && used < cap)
                used++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        size_t w = chars(p, n);
        if (used && used + w > cap) {
            lines++;
            used = 0;
        }
        /* A word longer than the column breaks where it must. */
        while (w > cap) {
            lines++;
            w -= cap;
        }
        used += w;
        p += n;
    }
    return lines;
}

double
cell_line_height(double pt)
{
    /* Calibri's line spacing is about 1.3 times its size: 15 points at
     * 11 (Excel's default row). */
    return pt > 0 ? pt * 15.0 / 11.0 : 15.0;
}
