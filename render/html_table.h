/* A table block of the HTML report. */
#ifndef HTML_TABLE_H
#define HTML_TABLE_H

#include <cjson/cJSON.h>

#include "tte_err.h"

struct html;

/* A table block with its total row and charts. */
enum tte_err html_table_block(struct html *h, const cJSON *b);

#endif
