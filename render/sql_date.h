/* Dates inside the template's sentences, for its queries. */
#ifndef SQL_DATE_H
#define SQL_DATE_H

#include "tte_err.h"

struct render;

/* The SQL function tte_date(text), a date in the template's words, and
 * the as-of day bound as :as_of. */
enum tte_err render_sql_dates(struct render *r);

#endif
