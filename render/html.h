/* The HTML report. */
#ifndef HTML_H
#define HTML_H

#include <cjson/cJSON.h>

#include "tte_err.h"

struct html;
struct render;

/* Every block type of sheet.c's block_types[], written as HTML
 * (test_html checks that none is missing). */
struct html_block {
    const char *name;
    enum tte_err (*write)(struct html *h, const cJSON *b);
};
extern const struct html_block html_blocks[];

/* Writes the HTML report to out (0600, via a temporary file). */
enum tte_err render_html(struct render *r, const char *out);

#endif
