/* Cell text: no control characters, within Excel's 32,767-character cell. */
#include <string.h>

#include "render.h"

#define CELL_MAX 32767

char *
cell_text(const char *s)
{
    struct tte_buf b;
    size_t chars = 0;

    buf_init(&b);
    buf_add(&b, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* Tab and newline display; other C0 controls break the XML. */
        if (*p < 0x20 && *p != '\n' && *p != '\t')
            continue;
        if (*p == 0x7f)
            continue;
        if ((*p & 0xC0) != 0x80 && ++chars > CELL_MAX)
            break;
        buf_addc(&b, (char)*p);
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
