/* What every output does first with a render: the period checked, the
 * template's lists and the functions its queries call loaded. */
#include <stdio.h>

#include "official.h"
#include "render.h"
#include "setup.h"
#include "sql_date.h"
#include "tte_db.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_statement.h"

/* One of the template's lists as a temporary table, for its queries to
 * join: "codes" (Kendala) and "statuses" (certificate status labels). */
static enum tte_err
load_list(struct render *r, const char *key, const char *table,
          const char *const *fields, int nfields)
{
    char sql[256];
    int n = snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s(ord INTEGER",
                     table);
    for (int i = 0; i < nfields; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", %s TEXT", fields[i]);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    enum tte_err err = tte_db_exec(r->db, sql);
    if (err)
        return err;
    n = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?1", table);
    for (int k = 0; k < nfields; k++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, ", ?%d", k + 2);
    snprintf(sql + n, sizeof sql - (size_t)n, ")");
    sqlite3_stmt *st = tte_db_prepare(r->db, sql);
    if (!st)
        return TTE_E_IO;
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(r->tpl, key)) {
        sqlite3_bind_int(st, 1, i++);
        for (int k = 0; k < nfields; k++)
            sqlite3_bind_text(st, k + 2, tte_json_str(c, fields[k], ""), -1,
                              SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE && !err)
            err = tte_db_err(r->db, rc);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return err;
}

static enum tte_err
load_codes(struct render *r)
{
    static const char *const codes[] = {"code", "meaning", "remedy"};
    static const char *const statuses[] = {"code", "label"};
    enum tte_err err = load_list(r, "codes", "tpl_codes", codes, 3);
    if (!err)
        err = load_list(r, "statuses", "tpl_status", statuses, 2);
    /* Verdict labels before the view that names them. */
    if (!err)
        err = load_list(r, "verdicts", "tpl_verdict", statuses, 2);
    return err ? err : tte_statement_view(r->db);
}

static enum tte_err
check_aggregated(struct render *r, int64_t *end)
{
    sqlite3_stmt *st = tte_db_prepare(
        r->db, "SELECT end_utc FROM agg_period WHERE period = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, r->period.key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *end = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        log_err("%s: period %s has not been aggregated; run tte-aggregate "
                "first",
                r->db_path, r->period.key);
        return TTE_E_NOINPUT;
    }
    return TTE_OK;
}

enum tte_err
render_begin(struct render *r)
{
    int64_t end = 0;
    enum tte_err err = check_aggregated(r, &end);
    if (!err)
        err = load_codes(r);
    if (!err)
        err = render_sql_dates(r);
    if (!err)
        render_official_vars(r);
    if (!err)
        r->period_end = end;
    return err;
}
