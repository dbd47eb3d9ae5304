/*
 * The HTML document being built and the block being written, and how text
 * goes into it: what every writer of the HTML report shares.
 */
#ifndef HTML_DOC_H
#define HTML_DOC_H

#include <stdbool.h>

#include "query.h"
#include "tte_buf.h"

struct html {
    struct render *r;
    struct tte_buf b;
    bool in_pairs;       /* a pairs table is open */
    struct render_at at; /* the block, for messages */
};

/* Appends s with & < > " ' escaped (after cell_text's cleaning). */
void html_escape(struct tte_buf *b, const char *s);
/* Appends n as the XLSX shows it: '.' between thousands ("1.234"), and
 * with signed a '+' before a positive change. */
void html_count(struct tte_buf *b, double n, bool signed_);
/* Appends text masked (render_mask) and escaped. */
void html_text(struct html *h, const char *s);
/* Closes an open pairs table before anything else is written. */
void html_end_pairs(struct html *h);

#endif
