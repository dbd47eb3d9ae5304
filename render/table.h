/* A table block of a sheet. */
#ifndef TABLE_H
#define TABLE_H

#include <cjson/cJSON.h>

#include "tte_err.h"

struct sheet;
struct table;

/* A table block; the sheet columns of its columns (t->cols and t->ncols
 * set) past those hidden; its header row's height at the sheet's widths;
 * the header repeated on printed pages when a page break falls within
 * the sheet's one table. */
enum tte_err table_block(struct sheet *s, const cJSON *b);
void table_columns(struct sheet *s, struct table *t);
double table_header_height(struct sheet *s, const struct table *t);
void table_repeat_header(struct sheet *s);

#endif
