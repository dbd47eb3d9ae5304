/*
 * What the files of the HTML report share: the document being built and
 * the block being written. html.c walks the sheets and writes prose and
 * pairs, html_table.c writes tables and their charts.
 */
#ifndef HTML_H
#define HTML_H

#include "render.h"

struct html {
    struct render *r;
    struct tte_buf b;
    bool in_pairs;       /* a pairs table is open */
    struct render_at at; /* the block, for messages */
};

/* Appends text masked (render_mask) and escaped. */
void html_text(struct html *h, const char *s);
/* Closes an open pairs table before anything else is written. */
void html_end_pairs(struct html *h);

/* Every block type of sheet.c's block_types[], written as HTML
 * (test_html checks that none is missing). */
struct html_block {
    const char *name;
    enum tte_err (*write)(struct html *h, const cJSON *b);
};
extern const struct html_block html_blocks[];

/* html_page.c: the printed page (CSS @page) with the template's page
 * header and footer (expanded, Excel's codes) in its margins. */
void html_page_boxes(struct tte_buf *b, const char *header,
                     const char *footer);

/* html_table.c: a table block with its total row and charts. */
enum tte_err html_table_block(struct html *h, const cJSON *b);

#endif
