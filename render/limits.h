/* What a template may do: the time its queries take, one statement per
 * query, page headers within Excel's limit. */
#ifndef LIMITS_H
#define LIMITS_H

#include <stdbool.h>

#include <sqlite3.h>

#include "tte_err.h"

struct render;

/* The time the template's queries may take in all ($TTE_QUERY_TIMEOUT
 * seconds, default 600); past it SQLite is interrupted, so a runaway
 * query (a recursive CTE without a limit) ends with an error instead of
 * hanging. */
enum tte_err render_set_budget(struct render *r);
/* True when the text after a query's first statement holds no other
 * statement (white space, comments and ';' only). */
bool render_sql_tail_empty(sqlite3 *db, const char *tail);
/* Cuts a page header or footer to Excel's 255 characters, with a warning
 * naming which, instead of libxlsxwriter dropping it. Also cleans it. */
void render_header_fit(char *text, const char *what);

#endif
