#ifndef TTE_STATEMENT_H
#define TTE_STATEMENT_H

#include <sqlite3.h>

#include "tte_err.h"

/*
 * The Pasal 4(1)j status of each application, one definition for every
 * output (the workbook, the HTML, the terminal summary): evidence first,
 * the registry's footer flag only where no sample was checked.
 *
 * Creates, on this connection, the temporary view
 *   app_statement(period, app, name, uses, share, checked, failed,
 *                 status, why, registered, footer_statement)
 * over agg_app and v_evidence: status is 'terbukti' (samples checked, all
 * pass), 'tidak terbukti' (a sample fails) or 'belum diperiksa' (none);
 * share is the application's percentage of the period's uses; why lists
 * the failing verdicts with their counts ("2 tanpa pernyataan, ..."),
 * named by the temporary table tpl_verdict(ord, code, label) when the
 * caller filled it, else by the verdict codes. Idempotent.
 */
enum tte_err tte_statement_view(sqlite3 *db);

#endif
