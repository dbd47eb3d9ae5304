/*
 * LD_PRELOAD shim for tests: the poppler or cairo step named by
 * FAIL_POPPLER fails in tte-evidence's text child, as it would out of
 * memory or on a page poppler cannot parse: "page" (no page object),
 * "layout" (no character boxes), "paint" (no surface to paint on). Every
 * other call goes to the libraries.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <cairo.h>
#include <poppler.h>

static int
fails(const char *what)
{
    const char *want = getenv("FAIL_POPPLER");
    return want && strcmp(want, what) == 0;
}

typedef PopplerPage *(*get_page_fn)(PopplerDocument *, int);
PopplerPage *
poppler_document_get_page(PopplerDocument *doc, int index)
{
    if (fails("page"))
        return NULL;
    return ((get_page_fn)dlsym(RTLD_NEXT, "poppler_document_get_page"))(doc,
                                                                        index);
}

typedef gboolean (*layout_fn)(PopplerPage *, PopplerRectangle **, guint *);
gboolean
poppler_page_get_text_layout(PopplerPage *page, PopplerRectangle **rects,
                             guint *n)
{
    if (fails("layout"))
        return FALSE;
    return ((layout_fn)dlsym(RTLD_NEXT,
                             "poppler_page_get_text_layout"))(page, rects, n);
}

/* An invalid size: cairo returns its error surface, as when out of
 * memory. */
typedef cairo_surface_t *(*surface_fn)(cairo_format_t, int, int);
cairo_surface_t *
cairo_image_surface_create(cairo_format_t format, int w, int h)
{
    surface_fn real = (surface_fn)dlsym(RTLD_NEXT,
                                        "cairo_image_surface_create");
    return fails("paint") ? real(format, -1, -1) : real(format, w, h);
}
