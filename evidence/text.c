/* The page text of a PDF, through poppler-glib, searched for the
 * statement page by page (one page's text in memory at a time). */
#include <stdio.h>
#include <string.h>

#include <poppler.h>

#include "evidence.h"

int
ev_text_find(const char *path, const struct ev_statements *st, char *why,
             size_t whysz)
{
    GError *err = NULL;
    gchar *uri = g_filename_to_uri(path, NULL, &err);
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL,
                                                                &err)
                               : NULL;
    int found = 0;

    g_free(uri);
    if (!doc) {
        snprintf(why, whysz, "poppler cannot open it: %s",
                 err ? err->message : "unknown error");
        g_clear_error(&err);
        return -1;
    }
    int pages = poppler_document_get_n_pages(doc);
    for (int i = 0; i < pages && !found; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        char *text = page ? poppler_page_get_text(page) : NULL;
        if (text && ev_statements_find(st, text, strlen(text)))
            found = i + 1;
        g_free(text);
        if (page)
            g_object_unref(page);
    }
    g_object_unref(doc);
    return found;
}
