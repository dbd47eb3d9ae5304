/* One sheet of the template, and the template's block types. */
#ifndef SHEET_H
#define SHEET_H

#include <cjson/cJSON.h>

#include "tte_err.h"

struct render;
struct sheet;

/* What a block type needs in the template, and how sheet.c writes it:
 * the one list of block types (template.c checks against it). */
enum {
    BLOCK_TEXT = 1,        /* "text" required */
    BLOCK_WHEN = 2,        /* "when" required */
    BLOCK_PAIRS = 4,       /* "rows" or "query" */
    BLOCK_TABLE = 8,       /* "query" and "columns", maybe "chart" */
    BLOCK_QUERY_TEXT = 16, /* or a "query" that returns the text */
};
struct block_type {
    const char *name;
    unsigned needs;
    enum tte_err (*write)(struct sheet *s, const cJSON *b);
};
extern const struct block_type block_types[];
const struct block_type *block_type_find(const char *name);

/* Column formats a table may declare. */
extern const char *const column_formats[];

/* Writes one sheet of the template. */
enum tte_err sheet_write(struct render *r, const cJSON *sheet, int index);

#endif
