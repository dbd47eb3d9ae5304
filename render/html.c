/*
 * The HTML report: one self-contained file, inline CSS and SVG, no
 * script, a Content-Security-Policy that forbids scripts and every fetch,
 * every text escaped and masked as in the XLSX. Read in a browser on the
 * intranet or a phone, or printed on A4 landscape. The template's blocks
 * are walked here; their queries and values come from query.c, as the
 * XLSX's do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"
#include "html_doc.h"
#include "html_page.h"
#include "html_table.h"
#include "query.h"
#include "render.h"
#include "setup.h"
#include "tte_json.h"
#include "tte_log.h"

/* Nothing may load or run: styles are inline, charts are inline SVG. */
static const char csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'";

static const char css[] =
    "body{margin:0;background:#f4f5f7;color:#1a1a1a;"
    "font:15px/1.45 \"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif}\n"
    "header.doc,footer.doc{background:#1f3864;color:#fff;"
    "padding:.5em 1em}\n"
    "header.doc p,footer.doc p{margin:0}\n"
    "main{max-width:80em;margin:0 auto;padding:0 .6em}\n"
    "nav.toc ol{margin:.6em 0;padding-left:1.6em;columns:14em}\n"
    "nav.toc a{color:#1f3864}\n"
    "section.sheet{background:#fff;border:1px solid #d0d5dd;"
    "border-radius:4px;margin:1em 0;padding:.4em 1em 1em}\n"
    "h2.sheet-name{font-size:.8em;letter-spacing:.06em;color:#596273;"
    "text-transform:uppercase;margin:.4em 0}\n"
    "h3.title{font-size:1.3em;margin:.2em 0 .5em}\n"
    "h4.section{font-size:1.05em;margin:1.1em 0 .3em}\n"
    "p{margin:.4em 0}\n"
    "p,td{white-space:pre-line}\n"
    "p.note{font-style:italic;color:#333}\n"
    "p.warning{color:#b00000;font-weight:bold;border-left:4px solid "
    "#b00000;padding-left:.5em}\n"
    "p.preview{background:#ffc7ce;color:#9c0006;font-weight:bold;"
    "padding:.4em .6em}\n"
    ".scroll{overflow-x:auto;max-width:100%;margin:.5em 0}\n"
    "table{border-collapse:collapse}\n"
    "table.pairs th{text-align:left;font-weight:normal;"
    "padding:.15em 1.5em .15em 0;vertical-align:top;min-width:12em}\n"
    "table.pairs td{padding:.15em 0;vertical-align:top;"
    "overflow-wrap:anywhere}\n"
    "table.pairs td.missing{color:#b00000;font-weight:bold}\n"
    "table.pairs td.sign{height:5em;min-width:16em;"
    "border-bottom:1px solid #333}\n"
    "@media (max-width:40em){table.pairs th{min-width:0;"
    "padding-right:.8em}}\n"
    "table.data th,table.data td{border:1px solid #b4bccc;"
    "padding:.25em .5em;vertical-align:top}\n"
    "table.data thead th{background:#d9e1f2;text-align:left}\n"
    "table.data td.t{min-width:4em;max-width:22em}\n"
    /* A long value without spaces (serial number, file name) breaks
     * anywhere rather than widen the table past the screen. */
    "table.data td.id{overflow-wrap:anywhere;min-width:5em;max-width:9em}\n"
    "table.data td.nik{white-space:nowrap}\n"
    "table.data td.w{min-width:11em}\n"
    "table.wide{font-size:.87em}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.n{white-space:nowrap}\n"
    /* Counts as narrow as their header's longest word: the width goes
     * to the names. */
    "table.data th.n{width:1%}\n"
    "tr.total td{font-weight:bold;border-top:3px double #333}\n"
    "td.empty{font-style:italic}\n"
    "figure.chart{margin:1em 0}\n"
    "figure.chart svg{display:block;max-width:100%;height:auto}\n"
    "svg text{font:12px \"DejaVu Sans\",Arial,sans-serif;fill:#222}\n"
    "svg text.ctitle{font-size:15px;font-weight:bold}\n"
    "svg text.value{font-size:10px}\n"
    "svg text.atitle{font-size:12px;fill:#444}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:1em}\n"
    "svg .grid{stroke:#dde1e8}\n"
    "svg .axis{stroke:#555}\n"
    /* A narrow screen shows each row as a card, every value named by its
     * column (data-label); a chart keeps its size and scrolls, so that
     * its labels stay readable. */
    "@media screen and (max-width:40em){\n"
    "main{padding:0 .3em}\n"
    "section.sheet{padding:.3em .5em .6em}\n"
    ".scroll{overflow-x:visible}\n"
    "table.data thead{display:none}\n"
    "table.data,table.data tbody,table.data tr,table.data td{display:block}\n"
    "table.data tr{border:1px solid #b4bccc;border-radius:3px;"
    "margin:.5em 0;padding:.25em .5em}\n"
    "table.data tr:nth-child(odd){background:#f7f8fa}\n"
    "table.data th,table.data td{border:0;padding:.1em 0}\n"
    "table.data td.t,table.data td.id{min-width:0;max-width:none}\n"
    "table.data td.n{text-align:left}\n"
    "table.data td:empty{display:none}\n"
    "table.data td[data-label]::before{content:attr(data-label) \": \";"
    "font-weight:bold;color:#333}\n"
    "tr.total td{border-top:0}\n"
    "tr.total{border-top:3px double #333}\n"
    "figure.chart{overflow-x:auto}\n"
    "figure.chart svg{max-width:none}\n"
    "}\n"
    "@media print{\n"
    "body{background:#fff;font-size:8.5pt}\n"
    "nav.toc{display:none}\n"
    "main{max-width:none;padding:0}\n"
    "header.doc,footer.doc{background:none;color:#000;padding:0 0 .4em}\n"
    "section.sheet{border:0;margin:0;padding:0;break-before:page}\n"
    "section.sheet:first-of-type{break-before:auto}\n"
    ".scroll{overflow:visible}\n"
    "table.data{width:100%}\n"
    "table.data td.t,table.data td.id{min-width:0;max-width:none}\n"
    "table.data th,table.data td{overflow-wrap:break-word;"
    "padding:.15em .3em}\n"
    "table.wide{font-size:7.5pt}\n"
    "thead{display:table-header-group}\n"
    "tr,figure.chart,p.warning{break-inside:avoid}\n"
    "h3,h4{break-after:avoid}\n"
    "figure.chart svg{max-height:150mm;width:auto}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

/* One part of a header: left out when it numbers pages (the browser
 * numbers printed pages itself), else trimmed. */
static void
header_part(struct tte_buf *b, struct tte_buf *part, bool *first)
{
    char *t = tte_xstrdup(part->data ? part->data : "");
    tte_str_trim(t);
    if (*t && !strchr(t, '\x01')) {
        if (!*first)
            tte_buf_adds(b, " \xc2\xb7 ");
        html_escape(b, t);
        *first = false;
    }
    free(t);
    tte_buf_reset(part);
}

/* A header or footer of the template without Excel's codes: its &L, &C
 * and &R parts joined. */
static void
header_text(struct tte_buf *b, const char *hf)
{
    struct tte_buf part;
    bool first = true;

    tte_buf_init(&part);
    for (const char *p = hf; *p; p++) {
        if (p[0] != '&' || !p[1]) {
            tte_buf_addc(&part, *p);
            continue;
        }
        p++;
        if (strchr("LCR", *p)) {
            header_part(b, &part, &first);
        } else if (*p == '"') {
            const char *q = strchr(p + 1, '"');
            p = q ? q : p + strlen(p) - 1;
        } else if (*p == '&') {
            tte_buf_addc(&part, '&');
        } else if (strchr("PNDTFAZG", *p)) {
            tte_buf_addc(&part, '\x01'); /* marks a page-number part */
        }
    }
    header_part(b, &part, &first);
    tte_buf_free(&part);
}

static void
doc_begin(struct html *h)
{
    struct render *r = h->r;
    struct tte_buf *b = &h->b;
    const char *hdr = r->preview ? tte_json_str(r->tpl, "preview.header", "")
                                 : tte_json_str(r->tpl, "header", "");
    char *x = render_expand(r, hdr);
    char *title = render_expand(r, tte_vars_get(&r->vars, "report_title"));

    tte_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"");
    tte_buf_adds(b, csp);
    tte_buf_adds(b,
                 "\">\n<meta name=\"viewport\" content=\"width=device-width,"
                 " initial-scale=1\">\n"
                 "<meta name=\"robots\" content=\"noindex\">"
                 "\n<title>");
    html_text(h, title);
    tte_buf_adds(b, "</title>\n<style>\n");
    tte_buf_adds(b, css);
    char *footer = render_expand(r, tte_json_str(r->tpl, "footer", ""));
    html_page_boxes(b, x, footer);
    free(footer);
    tte_buf_adds(b, "</style>\n</head>\n<body>\n<header class=\"doc\"><p>");
    header_text(b, x);
    tte_buf_adds(b, "</p></header>\n<main>\n<nav class=\"toc\"><ol>\n");
    free(x);
    free(title);
    const cJSON *sheet;
    int i = 1;
    cJSON_ArrayForEach (sheet,
                        cJSON_GetObjectItemCaseSensitive(r->tpl, "sheets")) {
        tte_buf_printf(b, "<li><a href=\"#lembar-%d\">", i++);
        html_text(h, tte_json_str(sheet, "name", ""));
        tte_buf_adds(b, "</a></li>\n");
    }
    tte_buf_adds(b, "</ol></nav>\n");
}

static void
doc_end(struct html *h)
{
    char *f = render_expand(h->r, tte_json_str(h->r->tpl, "footer", ""));
    tte_buf_adds(&h->b, "</main>\n<footer class=\"doc\"><p>");
    header_text(&h->b, f);
    tte_buf_adds(&h->b, "</p></footer>\n</body>\n</html>\n");
    free(f);
}

/* --- prose --------------------------------------------------------------- */

enum prose { TITLE, SECTION, NOTE, WARNING, PREVIEW };

static void
prose(struct html *h, enum prose kind, const char *text)
{
    static const char *const open[] = {
        [TITLE] = "<h3 class=\"title\">",
        [SECTION] = "<h4 class=\"section\">",
        [NOTE] = "<p class=\"note\">",
        [WARNING] = "<p class=\"warning\" role=\"alert\">",
        [PREVIEW] = "<p class=\"preview\">",
    };
    static const char *const close[] = {
        [TITLE] = "</h3>\n",  [SECTION] = "</h4>\n", [NOTE] = "</p>\n",
        [WARNING] = "</p>\n", [PREVIEW] = "</p>\n",
    };
    html_end_pairs(h);
    tte_buf_adds(&h->b, open[kind]);
    html_text(h, text);
    tte_buf_adds(&h->b, close[kind]);
}

/* Text from the template, or for a note or a warning from a "query" that
 * returns it (nothing when it returns NULL), as sheet.c writes them. */
static enum tte_err
prose_block(struct html *h, const cJSON *b)
{
    static const struct {
        const char *type;
        enum prose kind;
    } kinds[] = {
        {"title", TITLE},
        {"section", SECTION},
        {"note", NOTE},
        {"warning", WARNING},
    };
    const char *type = tte_json_str(b, "type", "");
    enum prose kind = NOTE;
    char *t = NULL;
    enum tte_err err = TTE_OK;

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].type, type) == 0)
            kind = kinds[i].kind;
    if (kind != TITLE && kind != SECTION &&
        cJSON_GetObjectItemCaseSensitive(b, "query"))
        err = render_sql_text(&h->at, tte_json_str(b, "query", ""), &t);
    else
        t = render_expand(h->r, tte_json_str(b, "text", ""));
    if (!err && t)
        prose(h, kind, t);
    free(t);
    return err;
}

static enum tte_err
blank_block(struct html *h, const cJSON *b)
{
    (void)b;
    html_end_pairs(h);
    return TTE_OK;
}

/* --- pairs --------------------------------------------------------------- */

static void
pair(void *ctx, const struct render_pair *p)
{
    struct html *h = ctx;
    if (!h->in_pairs)
        tte_buf_adds(&h->b, "<table class=\"pairs\"><tbody>\n");
    h->in_pairs = true;
    tte_buf_adds(&h->b, "<tr><th scope=\"row\">");
    html_text(h, p->label);
    tte_buf_adds(&h->b, "</th>");
    if (p->is_number) {
        tte_buf_adds(&h->b, "<td class=\"n\">");
        html_count(&h->b, p->number, false);
    } else {
        tte_buf_adds(&h->b, p->missing      ? "<td class=\"t missing\">"
                            : p->height > 0 ? "<td class=\"t sign\">"
                                            : "<td class=\"t\">");
        html_text(h, p->text);
    }
    tte_buf_adds(&h->b, "</td></tr>\n");
}

static enum tte_err
pairs_block(struct html *h, const cJSON *b)
{
    return render_pairs(&h->at, b, pair, h);
}

/* --- the walk ------------------------------------------------------------ */

const struct html_block html_blocks[] = {
    {"title", prose_block},   {"note", prose_block},
    {"section", prose_block}, {"blank", blank_block},
    {"pairs", pairs_block},   {"table", html_table_block},
    {"warning", prose_block}, {NULL, NULL},
};

static enum tte_err
write_block(struct html *h, const cJSON *b)
{
    const char *type = tte_json_str(b, "type", "");
    bool on;
    enum tte_err err = render_sql_when(&h->at, b, &on);
    for (const struct html_block *t = html_blocks; !err && on && t->name; t++)
        if (strcmp(t->name, type) == 0)
            return t->write(h, b);
    return err;
}

static enum tte_err
write_sheet(struct html *h, const cJSON *spec)
{
    const cJSON *b;
    enum tte_err err = TTE_OK;

    tte_buf_printf(&h->b,
                   "<section class=\"sheet\" id=\"lembar-%d\">\n"
                   "<h2 class=\"sheet-name\">",
                   h->at.sheet + 1);
    html_text(h, tte_json_str(spec, "name", ""));
    tte_buf_adds(&h->b, "</h2>\n");
    if (h->r->preview) {
        char *m = render_preview_mark(h->r);
        prose(h, PREVIEW, m);
        free(m);
    }
    h->at.block = 0;
    cJSON_ArrayForEach (b, cJSON_GetObjectItemCaseSensitive(spec, "blocks")) {
        err = write_block(h, b);
        if (err)
            break;
        h->at.block++;
    }
    html_end_pairs(h);
    tte_buf_adds(&h->b, "</section>\n");
    return err;
}

/* The whole file at once, created 0600 (it holds personal data) under a
 * temporary name and renamed into place. */
static enum tte_err
write_file(const char *out, const struct tte_buf *b)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_err("cannot create '%s': %s", out, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    size_t done = 0;
    while (done < b->len) {
        ssize_t n = write(fd, b->data + done, b->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int saved = errno;
    if (close(fd) != 0 && done == b->len) {
        saved = errno;
        done = 0;
    }
    if (done == b->len && rename(tmp, out) != 0) {
        saved = errno;
        done = 0;
    }
    if (done != b->len) {
        log_err("cannot write '%s': %s", out, strerror(saved));
        unlink(tmp);
        return TTE_E_CANTCREAT;
    }
    return TTE_OK;
}

enum tte_err
render_html(struct render *r, const char *out)
{
    struct html h = {.r = r, .at = {.r = r}};
    const cJSON *sheet;
    enum tte_err err = render_begin(r);

    if (err)
        return err;
    tte_buf_init(&h.b);
    doc_begin(&h);
    cJSON_ArrayForEach (sheet,
                        cJSON_GetObjectItemCaseSensitive(r->tpl, "sheets")) {
        err = write_sheet(&h, sheet);
        if (err)
            break;
        h.at.sheet++;
    }
    if (err && r->timed_out)
        err = TTE_E_CONFIG;
    if (!err) {
        doc_end(&h);
        err = write_file(out, &h.b);
    }
    tte_buf_free(&h.b);
    return err;
}
