/*
 * Last year's same period (the year before, or the same quarter a year
 * earlier), counted month by month straight from the events, so that the
 * report can set it beside this year's without that period having been
 * aggregated. A month without events counts zero; the report calls the
 * previous period present only when every one of its months has events.
 */
#include <stddef.h>

#include "aggregate.h"
#include "tte_db.h"
#include "tte_log.h"

static const char *const steps[] = {
    "DELETE FROM agg_prev_month WHERE period = :period",
    /* WIB has no summer time: the local month is the UTC time shifted by
     * the zone's fixed offset. */
    "WITH RECURSIVE m(n) AS (SELECT :first_month UNION ALL"
    " SELECT n + 1 FROM m WHERE n < :last_month),"
    /* Grouped first, so that the events are read once. */
    " e AS (SELECT CAST(strftime('%m', t + :off, 'unixepoch') AS INTEGER)"
    "  AS month, count(*) AS n, sum(result = 0) AS ok, sum(result = 1) AS"
    "  fail, sum(cert_type = 0 AND result = 0) AS sign_ok,"
    "  sum(cert_type = 0 AND result = 1) AS sign_fail,"
    "  sum(cert_type = 1 AND result = 0) AS seal_ok,"
    "  sum(cert_type = 1 AND result = 1) AS seal_fail FROM events"
    "  WHERE t >= :start AND t < :end GROUP BY 1)"
    " INSERT INTO agg_prev_month SELECT :period, :prev_period, m.n,"
    " COALESCE(e.n, 0), COALESCE(e.ok, 0), COALESCE(e.fail, 0),"
    " COALESCE(e.sign_ok, 0), COALESCE(e.sign_fail, 0),"
    " COALESCE(e.seal_ok, 0), COALESCE(e.seal_fail, 0)"
    " FROM m LEFT JOIN e ON e.month = m.n ORDER BY m.n",
};

enum tte_err
aggregate_previous(sqlite3 *db, const struct tte_period *p)
{
    struct tte_period prev;

    if (tte_period_init(&prev, p->year - 1, p->quarter, p->zone))
        return TTE_E_SOFTWARE;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *st = tte_db_prepare(db, steps[i]);
        if (!st)
            return TTE_E_SOFTWARE;
        const struct {
            const char *name;
            int64_t v;
        } ints[] = {
            {":off", prev.offset},
            {":start", prev.start_utc},
            {":end", prev.end_utc},
            {":first_month", prev.first_month},
            {":last_month", prev.last_month},
        };
        for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
            int j = sqlite3_bind_parameter_index(st, ints[k].name);
            if (j)
                sqlite3_bind_int64(st, j, ints[k].v);
        }
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":period"),
                          p->key, -1, SQLITE_STATIC);
        int j = sqlite3_bind_parameter_index(st, ":prev_period");
        if (j)
            sqlite3_bind_text(st, j, prev.key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return tte_db_err(db, rc);
    }
    return TTE_OK;
}
