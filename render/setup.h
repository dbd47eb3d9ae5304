/* What every output does first with a render. */
#ifndef SETUP_H
#define SETUP_H

#include "tte_err.h"

struct render;

/* Checks that the period is aggregated (its end in r->period_end) and
 * loads the template's lists (tpl_codes, tpl_status, tpl_verdict), the
 * Pasal 4(1)j view app_statement, tte_date() and the official's texts for
 * its queries. */
enum tte_err render_begin(struct render *r);

#endif
