/* Dates inside the template's sentences, and the day the report is
 * made, for its queries. */
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "render.h"
#include "sql_date.h"
#include "tte_db.h"
#include "tte_log.h"

/* tte_date('2025-12-31') = '31 Desember 2025' with the template's month
 * names; anything that is not such a date comes back as it is, NULL as
 * NULL. */
static void
sql_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const struct render *r = sqlite3_user_data(ctx);
    const char *v = (const char *)sqlite3_value_text(argv[0]);
    char buf[96];

    (void)argc;
    if (!v) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *out = render_date_text(r, v, buf, sizeof buf);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* The as-of day in the report's zone, YYYY-MM-DD, bound as :as_of. */
static enum tte_err
as_of_day(struct render *r)
{
    sqlite3_stmt *st = tte_db_prepare(
        r->db, "SELECT date(?1 + utc_offset, 'unixepoch') FROM agg_period"
               " WHERE period = ?2");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, r->as_of);
    sqlite3_bind_text(st, 2, r->period.key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(r->as_of_day, sizeof r->as_of_day, "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return TTE_OK;
}

enum tte_err
render_sql_dates(struct render *r)
{
    if (sqlite3_create_function(r->db, "tte_date", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, r,
                                sql_date, NULL, NULL) != SQLITE_OK) {
        log_err("cannot register tte_date: %s", sqlite3_errmsg(r->db));
        return TTE_E_SOFTWARE;
    }
    return as_of_day(r);
}
