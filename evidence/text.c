/*
 * The page text of a PDF through poppler-glib, in the child process that
 * extract.c bounds. Only what a reader sees states anything: poppler
 * returns every glyph a page draws, also text in render mode 3 (no ink),
 * text in the colour of what lies under it and text too small to read.
 * So a page whose text holds a statement is rendered, and a character
 * counts only when its box shows contrast on the rendered page and its
 * font is large enough; the others become EV_HIDDEN, which no wording
 * contains.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <poppler.h>

#include "evidence.h"
#include "tte_log.h"

/* Below this size (in points) text is not read as part of a page. */
#define MIN_FONT_SIZE 4.0
/* Rendering resolution (1 = 72 dpi), and the largest side in pixels, so
 * that an oversized page does not make a huge surface. */
#define RENDER_SCALE 2.0
#define RENDER_MAX_SIDE 4000.0
/* Smallest difference of a colour channel (0..255) in a character's box
 * for its glyph to be seen. */
#define MIN_CONTRAST 64

static bool
write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static bool
put(int fd, char kind, int page, const char *s, size_t n)
{
    char hdr[9];
    uint32_t pg = (uint32_t)page, len = (uint32_t)n;
    hdr[0] = kind;
    memcpy(hdr + 1, &pg, 4);
    memcpy(hdr + 5, &len, 4);
    return write_all(fd, hdr, sizeof hdr) && write_all(fd, s, n);
}

/* glib and poppler-glib messages go to stderr, which the parent reads
 * and prefixes with the file's name. poppler reports the faults it works
 * around (syntax errors) at the info level: shown with -v, as glib would
 * hide them. */
static void
log_plain(const gchar *domain, GLogLevelFlags level, const gchar *msg,
          gpointer data)
{
    (void)data;
    if ((level & (G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG)) &&
        tte_log_level() < TTE_LOG_DEBUG)
        return;
    fprintf(stderr, "%s: %s\n", domain ? domain : "glib", msg);
}

/* Pixel bounds of a page coordinate (no libm for two roundings). */
static int
px_floor(double v)
{
    v = v < -1.0 ? -1.0 : v > 1e6 ? 1e6 : v;
    int i = (int)v;
    return (double)i > v ? i - 1 : i;
}

static int
px_ceil(double v)
{
    v = v < -1.0 ? -1.0 : v > 1e6 ? 1e6 : v;
    int i = (int)v;
    return (double)i < v ? i + 1 : i;
}

struct canvas {
    cairo_surface_t *surface;
    const unsigned char *px;
    int stride, w, h;
    double scale;
};

static bool
render(PopplerPage *page, struct canvas *c)
{
    double pw, ph;
    poppler_page_get_size(page, &pw, &ph);
    double side = pw > ph ? pw : ph;
    if (!(side >= 1.0 && side < 1e7))
        return false;
    c->scale = RENDER_MAX_SIDE / side < RENDER_SCALE ? RENDER_MAX_SIDE / side
                                                     : RENDER_SCALE;
    c->w = px_ceil(pw * c->scale);
    c->h = px_ceil(ph * c->scale);
    if (c->w < 1 || c->h < 1)
        return false;
    c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, c->w, c->h);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS)
        return false;
    cairo_t *cr = cairo_create(c->surface);
    /* The paper a reader sees under the page's content. */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, c->scale, c->scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(c->surface);
    c->px = cairo_image_surface_get_data(c->surface);
    c->stride = cairo_image_surface_get_stride(c->surface);
    return c->px != NULL;
}

/* The glyph in r left marks: its box is not one flat colour. */
static bool
inked(const struct canvas *c, const PopplerRectangle *r)
{
    int x0 = px_floor(r->x1 * c->scale), x1 = px_ceil(r->x2 * c->scale);
    int y0 = px_floor(r->y1 * c->scale), y1 = px_ceil(r->y2 * c->scale);
    int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};

    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > c->w ? c->w : x1;
    y1 = y1 > c->h ? c->h : y1;
    for (int y = y0; y < y1; y++) {
        const uint32_t *row = (const uint32_t *)(c->px +
                                                 (size_t)y * c->stride);
        for (int x = x0; x < x1; x++) {
            for (int k = 0; k < 3; k++) {
                int v = (int)(row[x] >> (16 - 8 * k)) & 0xff;
                lo[k] = v < lo[k] ? v : lo[k];
                hi[k] = v > hi[k] ? v : hi[k];
            }
        }
    }
    for (int k = 0; k < 3; k++)
        if (hi[k] - lo[k] >= MIN_CONTRAST)
            return true;
    return false;
}

static bool
is_blank(gunichar u)
{
    return g_unichar_isspace(u);
}

/* The page's text with every character a reader cannot see replaced;
 * NULL, with the reason in why, when that cannot be told: a page not
 * painted or a character without its box would otherwise count as seen,
 * and white or hidden text as a statement. */
static char *
visible_text(PopplerPage *page, const char *text, const char **why)
{
    struct canvas c = {0};
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    GList *attrs = poppler_page_get_text_attributes(page);
    GList *a = attrs;
    bool painted = render(page, &c);
    size_t n = strlen(text);
    char *out = g_malloc(n + 1);
    size_t o = 0;
    guint i = 0;

    if (!poppler_page_get_text_layout(page, &rects, &nrects))
        nrects = 0;
    *why = !painted ? "poppler cannot paint the page"
           : (glong)nrects < g_utf8_strlen(text, -1)
               ? "poppler gives no place for some of its text"
               : NULL;
    if (*why) {
        g_free(out);
        out = NULL;
        goto done;
    }
    for (const char *p = text; *p; p = g_utf8_next_char(p), i++) {
        const char *next = g_utf8_next_char(p);
        gunichar u = g_utf8_get_char(p);
        while (a && ((PopplerTextAttributes *)a->data)->end_index < (int)i)
            a = a->next;
        PopplerTextAttributes *at = a ? a->data : NULL;
        bool seen = is_blank(u) || ((!at || at->start_index > (int)i ||
                                     at->font_size >= MIN_FONT_SIZE) &&
                                    inked(&c, &rects[i]));
        if (seen) {
            memcpy(out + o, p, (size_t)(next - p));
            o += (size_t)(next - p);
        } else {
            out[o++] = EV_HIDDEN;
        }
    }
    out[o] = '\0';
done:
    g_free(rects);
    poppler_page_free_text_attributes(attrs);
    if (c.surface)
        cairo_surface_destroy(c.surface);
    return out;
}

int
ev_text_child(const char *path, const struct ev_statements *st, int fd)
{
    GError *err = NULL;
    g_log_set_default_handler(log_plain, NULL);
    gchar *uri = g_filename_to_uri(path, NULL, &err);
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL,
                                                                &err)
                               : NULL;
    g_free(uri);
    if (!doc) {
        char msg[256];
        int n = snprintf(msg, sizeof msg, "poppler cannot open it: %s",
                         err ? err->message : "unknown error");
        g_clear_error(&err);
        return put(fd, 'E', 0, msg, n < 0 ? 0 : strnlen(msg, sizeof msg)) ? 0
                                                                          : 1;
    }
    int pages = poppler_document_get_n_pages(doc);
    bool done = false, ok = true;
    for (int i = 0; i < pages && !done && ok; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        const char *why = page ? NULL : "poppler cannot read the page";
        if (text) {
            size_t n = strlen(text);
            ok = put(fd, 'A', i + 1, text, n);
            if (ok && ev_statements_find(st, text, n)) {
                char *vis = visible_text(page, text, &why);
                if (vis) {
                    ok = put(fd, 'V', i + 1, vis, strlen(vis));
                    done = ev_statements_find(st, vis, strlen(vis));
                }
                g_free(vis);
            }
        }
        /* Not a page without a statement: one that may hold it unread. */
        if (why) {
            char msg[128];
            int m = snprintf(msg, sizeof msg, "page %d: %s", i + 1, why);
            ok = put(fd, 'E', i + 1, msg,
                     m < 0 ? 0 : strnlen(msg, sizeof msg));
            done = true;
        }
        g_free(text);
        if (page)
            g_object_unref(page);
    }
    g_object_unref(doc);
    return ok ? 0 : 1;
}
