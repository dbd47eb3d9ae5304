/* Text into the HTML document: escaped, masked, numbers as the XLSX
 * shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "html_doc.h"
#include "mask.h"

void
html_escape(struct tte_buf *b, const char *s)
{
    char *t = cell_text(s ? s : "");
    for (const char *p = t; *p; p++) {
        switch (*p) {
        case '&': tte_buf_adds(b, "&amp;"); break;
        case '<': tte_buf_adds(b, "&lt;"); break;
        case '>': tte_buf_adds(b, "&gt;"); break;
        case '"': tte_buf_adds(b, "&quot;"); break;
        case '\'': tte_buf_adds(b, "&#39;"); break;
        default: tte_buf_addc(b, *p);
        }
    }
    free(t);
}

void
html_count(struct tte_buf *b, double n, bool signed_)
{
    char digits[64];
    int len = snprintf(digits, sizeof digits, "%.0f", n);
    const char *d = digits;
    /* "-0" from a small negative reads as 0, as in the spreadsheet. */
    if (strcmp(digits, "-0") == 0)
        d++, len--;
    if (*d == '-') {
        tte_buf_addc(b, '-');
        d++;
        len--;
    } else if (signed_ && strcmp(d, "0") != 0) {
        tte_buf_addc(b, '+');
    }
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            tte_buf_addc(b, '.');
        tte_buf_addc(b, d[i]);
    }
}

void
html_text(struct html *h, const char *s)
{
    char *m = render_mask(h->r, s ? s : "", false);
    html_escape(&h->b, m);
    free(m);
}

void
html_end_pairs(struct html *h)
{
    if (h->in_pairs)
        tte_buf_adds(&h->b, "</tbody></table>\n");
    h->in_pairs = false;
}
