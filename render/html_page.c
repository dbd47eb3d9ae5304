/*
 * The printed HTML page's margins: the template's page header and footer
 * (Excel's &L, &C and &R parts) as CSS @page margin boxes, so that every
 * printed page carries the page number and the confidentiality line, as
 * the spreadsheet's pages do.
 */
#include <stdbool.h>
#include <string.h>

#include "html_page.h"
#include "tte_buf.h"

/* Appends c inside a CSS string: quotes, backslashes and '<' (which could
 * end the style element) as CSS escapes. */
static void
css_char(struct tte_buf *b, char c)
{
    if (c == '"' || c == '\\' || c == '<' || c == '>' || c == '\n' ||
        ((unsigned char)c < 0x20))
        tte_buf_printf(b, "\\%x ", (unsigned)(unsigned char)c);
    else
        tte_buf_addc(b, c);
}

/* One part of a header or footer as a CSS content value: text in quotes,
 * &P and &N as the page counters; codes a browser cannot fill (the sheet's
 * name, a font) left out. */
static void
css_content(struct tte_buf *b, const char *p, const char *end)
{
    bool open = false;
    for (; p < end; p++) {
        const char *counter = NULL;
        if (p[0] == '&' && p + 1 < end) {
            p++;
            if (*p == 'P')
                counter = "counter(page)";
            else if (*p == 'N')
                counter = "counter(pages)";
            else if (*p == '"') {
                const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
                p = q ? q : end - 1;
                continue;
            } else if (*p != '&') {
                continue;
            }
        }
        if (counter) {
            tte_buf_adds(b, open ? "\" " : " ");
            tte_buf_adds(b, counter);
            open = false;
            continue;
        }
        if (!open)
            tte_buf_adds(b, " \"");
        open = true;
        css_char(b, *p);
    }
    if (open)
        tte_buf_addc(b, '"');
}

/* The part of hf after &L, &C or &R (which): [*from, *to). */
static bool
part(const char *hf, char which, const char **from, const char **to)
{
    const char *p = hf;
    *from = NULL;
    while (*p) {
        if (p[0] == '&' && p[1] == '&') {
            p += 2;
            continue;
        }
        if (p[0] == '&' && p[1] && strchr("LCR", p[1])) {
            if (*from) {
                *to = p;
                return true;
            }
            if (p[1] == which)
                *from = p + 2;
            p += 2;
            continue;
        }
        p++;
    }
    *to = p;
    return *from != NULL;
}

static void
boxes(struct tte_buf *b, const char *hf, const char *edge)
{
    static const char which[] = "LCR";
    static const char *const box[] = {"left", "center", "right"};
    for (int i = 0; i < 3; i++) {
        const char *from, *to;
        if (!part(hf, which[i], &from, &to) || from == to)
            continue;
        struct tte_buf v;
        tte_buf_init(&v);
        tte_buf_adds(&v, "");
        css_content(&v, from, to);
        if (*v.data)
            tte_buf_printf(b,
                           "@%s-%s{content:%s;font-size:7.5pt;"
                           "color:#333}\n",
                           edge, box[i], v.data);
        tte_buf_free(&v);
    }
}

void
html_page_boxes(struct tte_buf *b, const char *header, const char *footer)
{
    tte_buf_adds(b, "@page{size:A4 landscape;margin:14mm 10mm;\n");
    boxes(b, header ? header : "", "top");
    boxes(b, footer ? footer : "", "bottom");
    tte_buf_adds(b, "}\n");
}
