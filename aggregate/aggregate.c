/*
 * The period's sums, in SQL. Events are cut at local midnight of the
 * report zone; units and certificates resolve through the registries.
 * Every statement binds the same named parameters.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "cube.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_time.h"

static const char *const steps[] = {
    "DELETE FROM agg_period WHERE period = :period",
    "DELETE FROM agg_unit WHERE period = :period",
    "DELETE FROM agg_month WHERE period = :period",
    "DELETE FROM agg_app WHERE period = :period",
    "DELETE FROM agg_cert WHERE period = :period",
    "DELETE FROM agg_error WHERE period = :period",
    "DELETE FROM agg_status WHERE period = :period",
    "DELETE FROM agg_action WHERE period = :period",
    "DELETE FROM agg_quality WHERE period = :period",

    /* Units as logged, resolved through the registry's spellings. */
    "CREATE TEMP TABLE ru AS SELECT s.id AS id, a.code AS code,"
    " COALESCE(u.name, s.s) AS name FROM (SELECT DISTINCT unit FROM cube) x"
    " JOIN strings s ON s.id = x.unit"
    " LEFT JOIN unit_alias a ON a.alias = lower(s.s)"
    " LEFT JOIN units u ON u.code = a.code",

    /* Certificates with their unit resolved. */
    "CREATE TEMP TABLE rc AS SELECT c.*, COALESCE(u.name, c.unit) AS uname"
    " FROM certificates c LEFT JOIN unit_alias a ON a.alias = lower(c.unit)"
    " LEFT JOIN units u ON u.code = a.code",

    /* Each signer identity matched to a registry certificate: by serial,
     * else by NIK, else by NIP (same certificate type). */
    "CREATE TEMP TABLE pc AS SELECT x.signer, x.cert_type, x.serial0,"
    " sn.s AS nik, sp.s AS nip, COALESCE("
    "  (SELECT id FROM certificates c WHERE c.cert_serial = ss.s"
    "   ORDER BY id LIMIT 1),"
    "  (SELECT id FROM certificates c WHERE c.nik = sn.s AND c.cert_type ="
    "   CASE x.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END"
    "   ORDER BY id LIMIT 1),"
    "  (SELECT id FROM certificates c WHERE c.nip = sp.s AND c.cert_type ="
    "   CASE x.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END"
    "   ORDER BY id LIMIT 1)) AS cert_id"
    " FROM (SELECT signer, cert_type, COALESCE(cert_serial, 0) AS serial0,"
    "  max(nik) AS nik, max(nip) AS nip FROM cube"
    "  GROUP BY signer, cert_type, serial0) x"
    " LEFT JOIN strings ss ON ss.id = x.serial0"
    " LEFT JOIN strings sn ON sn.id = x.nik"
    " LEFT JOIN strings sp ON sp.id = x.nip",
    "CREATE INDEX temp.pc_key ON pc(signer, cert_type, serial0)",

    "CREATE TEMP TABLE pu AS SELECT ru.name AS unit, max(ru.code) AS unit_code,"
    " count(DISTINCT CASE WHEN c.cert_type = 0 AND c.result = 0"
    "  THEN c.signer END) AS signers,"
    " sum(CASE WHEN c.cert_type = 0 AND c.result = 0 THEN n ELSE 0 END)"
    "  AS sign_ok,"
    " sum(CASE WHEN c.cert_type = 0 AND c.result = 1 THEN n ELSE 0 END)"
    "  AS sign_fail,"
    " sum(CASE WHEN c.cert_type = 1 AND c.result = 0 THEN n ELSE 0 END)"
    "  AS seal_ok,"
    " sum(CASE WHEN c.cert_type = 1 AND c.result = 1 THEN n ELSE 0 END)"
    "  AS seal_fail"
    " FROM cube c JOIN ru ON ru.id = c.unit GROUP BY ru.name",

    "INSERT INTO agg_unit SELECT :period,"
    " row_number() OVER (ORDER BY known DESC, sortkey), code, x.unit, known,"
    " (SELECT count(*) FROM rc WHERE rc.uname = x.unit"
    "  AND rc.status = 'ISSUE'),"
    " COALESCE(pu.signers, 0), COALESCE(pu.sign_ok, 0),"
    " COALESCE(pu.sign_fail, 0), COALESCE(pu.seal_ok, 0),"
    " COALESCE(pu.seal_fail, 0)"
    " FROM (SELECT code, name AS unit, 1 AS known, code AS sortkey"
    "  FROM units UNION ALL SELECT NULL, unit, 0, unit FROM pu"
    "  WHERE unit_code IS NULL) x LEFT JOIN pu ON pu.unit = x.unit",

    "WITH RECURSIVE m(n) AS (SELECT :first_month UNION ALL"
    " SELECT n + 1 FROM m WHERE n < :last_month)"
    " INSERT INTO agg_month SELECT :period, m.n,"
    " COALESCE(sum(CASE WHEN c.result = 0 THEN c.n END), 0),"
    " COALESCE(sum(CASE WHEN c.result = 1 THEN c.n END), 0),"
    " COALESCE(sum(CASE WHEN c.cert_type = 0 AND c.result = 0 THEN c.n END), 0),"
    " COALESCE(sum(CASE WHEN c.cert_type = 0 AND c.result = 1 THEN c.n END), 0),"
    " COALESCE(sum(CASE WHEN c.cert_type = 1 AND c.result = 0 THEN c.n END), 0),"
    " COALESCE(sum(CASE WHEN c.cert_type = 1 AND c.result = 1 THEN c.n END), 0)"
    " FROM m LEFT JOIN cube c ON c.month = m.n GROUP BY m.n",

    "INSERT INTO agg_app SELECT :period, x.app, COALESCE(a.name, x.app),"
    " a.app IS NOT NULL, a.footer_statement, COALESCE(c.fy, 0),"
    " COALESCE(c.fn, 0), COALESCE(c.ok, 0), COALESCE(c.fail, 0)"
    " FROM (SELECT app FROM apps UNION SELECT s.s FROM"
    "  (SELECT DISTINCT app FROM cube) d JOIN strings s ON s.id = d.app) x"
    " LEFT JOIN apps a ON a.app = x.app"
    " LEFT JOIN (SELECT s.s AS app,"
    "  sum(CASE WHEN footer = 1 THEN n ELSE 0 END) AS fy,"
    "  sum(CASE WHEN footer = 0 THEN n ELSE 0 END) AS fn,"
    "  sum(CASE WHEN result = 0 THEN n ELSE 0 END) AS ok,"
    "  sum(CASE WHEN result = 1 THEN n ELSE 0 END) AS fail"
    "  FROM cube JOIN strings s ON s.id = cube.app GROUP BY s.s) c"
    " ON c.app = x.app ORDER BY x.app",

    /* Use per matched certificate; unmatched signers stay apart. */
    "CREATE TEMP TABLE cu AS SELECT pc.cert_id,"
    " CASE c.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END AS cert_type,"
    " sum(CASE WHEN c.result = 0 THEN c.n ELSE 0 END) AS ok,"
    " sum(CASE WHEN c.result = 1 THEN c.n ELSE 0 END) AS fail,"
    " max(pc.nik) AS nik, max(pc.nip) AS nip, max(ru.name) AS unit"
    " FROM cube c JOIN pc ON pc.signer = c.signer AND pc.cert_type ="
    " c.cert_type AND pc.serial0 = COALESCE(c.cert_serial, 0)"
    " JOIN ru ON ru.id = c.unit"
    " GROUP BY pc.cert_id, CASE WHEN pc.cert_id IS NULL THEN c.signer END,"
    " CASE WHEN pc.cert_id IS NULL THEN c.cert_type END",
    "INSERT INTO agg_cert SELECT :period,"
    " row_number() OVER (ORDER BY in_registry DESC, uname, name, serial),"
    " serial, nik, nip, name, position, uname, cert_type, not_after, status,"
    " in_registry, ok, fail FROM ("
    " SELECT rc.cert_serial AS serial, rc.nik, rc.nip, rc.name, rc.position,"
    "  rc.uname, rc.cert_type, rc.not_after, rc.status, 1 AS in_registry,"
    "  COALESCE(sum(cu.ok), 0) AS ok, COALESCE(sum(cu.fail), 0) AS fail"
    "  FROM rc LEFT JOIN cu ON cu.cert_id = rc.id GROUP BY rc.id"
    " UNION ALL SELECT NULL, cu.nik, cu.nip, NULL, NULL, cu.unit,"
    "  cu.cert_type, NULL, NULL, 0, cu.ok, cu.fail FROM cu"
    "  WHERE cu.cert_id IS NULL)",

    "INSERT INTO agg_error SELECT :period, code, sum(n) FROM ("
    " SELECT COALESCE(s.s, CASE WHEN http_status IS NOT NULL AND"
    "  (http_status < 200 OR http_status > 299) THEN 'HTTP ' || http_status"
    "  END, '-') AS code, n FROM cube"
    " LEFT JOIN strings s ON s.id = cube.status_code WHERE result = 1)"
    " GROUP BY code ORDER BY sum(n) DESC, code",

    "INSERT INTO agg_status SELECT :period, status, count(*)"
    " FROM certificates GROUP BY status ORDER BY count(*) DESC, status",

    "INSERT INTO agg_action SELECT :period, row_number() OVER"
    " (ORDER BY kind, not_after, serial), kind, serial, nik, name, uname,"
    " not_after, status, uses FROM ("
    " SELECT 'expiring' AS kind, rc.cert_serial AS serial, rc.nik, rc.name,"
    "  rc.uname, rc.not_after, rc.status, COALESCE((SELECT sum(ok + fail)"
    "  FROM cu WHERE cu.cert_id = rc.id), 0) AS uses FROM rc"
    "  WHERE rc.not_after > :last_day"
    "  AND rc.not_after <= date(:last_day, '+90 days')"
    " UNION ALL SELECT 'revoked_used', rc.cert_serial, rc.nik, rc.name,"
    "  rc.uname, rc.not_after, rc.status, sum(cu.ok + cu.fail) FROM rc"
    "  JOIN cu ON cu.cert_id = rc.id WHERE rc.status IN"
    "  ('EXPIRED', 'REVOKE', 'SUSPEND') GROUP BY rc.id"
    " UNION ALL SELECT 'unused', rc.cert_serial, rc.nik, rc.name, rc.uname,"
    "  rc.not_after, rc.status, 0 FROM rc WHERE rc.status = 'ISSUE'"
    "  AND NOT EXISTS (SELECT 1 FROM cu WHERE cu.cert_id = rc.id))",

    "INSERT INTO agg_quality SELECT :period, f.source, f.path, f.rows_read,"
    " f.accepted, f.duplicates, f.rejected,"
    " COALESCE((SELECT sum(n) FROM cube JOIN ru ON ru.id = cube.unit"
    "  WHERE cube.file_id = f.id AND ru.code IS NULL), 0)"
    " FROM files f ORDER BY f.id",

    "INSERT INTO agg_period VALUES (:period, :year, :quarter, :zone, :off,"
    " :start, :end, :first_day, :last_day, :now,"
    " (SELECT COALESCE(sum(n), 0) FROM cube))",

    "DROP TABLE temp.cube; DROP TABLE temp.ru; DROP TABLE temp.rc;"
    " DROP TABLE temp.pc; DROP TABLE temp.pu; DROP TABLE temp.cu",
};

struct params {
    char name[16];
    int64_t start, end;
    int64_t month_start[13];    /* local midnight of each month, and after */
    char first_day[16], last_day[16];
    int first_month, last_month;
};

static void
params_init(const struct period *p, struct params *q)
{
    int y, m, d, h, mi, s;
    tte_period_key(p->year, p->quarter, q->name);
    tte_period_bounds(p->year, p->quarter, p->offset, &q->start, &q->end);
    for (int k = 0; k < 13; k++)
        q->month_start[k] = k < 12
            ? tte_local_midnight(p->year, k + 1, 1, p->offset)
            : tte_local_midnight(p->year + 1, 1, 1, p->offset);
    q->first_month = p->quarter ? (p->quarter - 1) * 3 + 1 : 1;
    q->last_month = p->quarter ? q->first_month + 2 : 12;
    tte_local_fields(q->start, p->offset, &y, &m, &d, &h, &mi, &s);
    snprintf(q->first_day, sizeof q->first_day, "%04d-%02d-%02d", y % 10000,
             m % 100, d % 100);
    tte_local_fields(q->end - 1, p->offset, &y, &m, &d, &h, &mi, &s);
    snprintf(q->last_day, sizeof q->last_day, "%04d-%02d-%02d", y % 10000,
             m % 100, d % 100);
}

static void
bind_all(sqlite3_stmt *st, const struct period *p, const struct params *q)
{
    const struct { const char *name; int64_t v; } ints[] = {
        {":off", p->offset}, {":start", q->start}, {":end", q->end},
        {":year", p->year}, {":quarter", p->quarter},
        {":first_month", q->first_month}, {":last_month", q->last_month},
        {":now", (int64_t)time(NULL)},
    };
    const struct { const char *name; const char *v; } texts[] = {
        {":period", q->name}, {":zone", p->zone},
        {":first_day", q->first_day}, {":last_day", q->last_day},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int k = sqlite3_bind_parameter_index(st, ints[i].name);
        if (k)
            sqlite3_bind_int64(st, k, ints[i].v);
    }
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int k = sqlite3_bind_parameter_index(st, texts[i].name);
        if (k)
            sqlite3_bind_text(st, k, texts[i].v, -1, SQLITE_STATIC);
    }
}

/* Runs one step; a step may hold several statements without parameters. */
static enum tte_err
run_step(sqlite3 *db, const char *sql, const struct period *p,
         const struct params *q)
{
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
            log_err("aggregate query failed: %s", sqlite3_errmsg(db));
            return TTE_E_SOFTWARE;
        }
        if (st) {
            bind_all(st, p, q);
            int rc = sqlite3_step(st);
            sqlite3_finalize(st);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW)
                return tte_db_err(db, rc);
        }
        sql = tail;
    }
    return TTE_OK;
}

enum tte_err
aggregate_period(sqlite3 *db, const struct period *p, long long *events)
{
    struct params q;
    enum tte_err err;

    params_init(p, &q);
    err = tte_db_exec(db, "BEGIN IMMEDIATE");
    if (!err)
        err = cube_build(db, q.start, q.end, q.month_start);
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        log_debug("aggregate step %zu", i);
        err = run_step(db, steps[i], p, &q);
    }
    if (err) {
        tte_db_exec(db, "ROLLBACK");
        return err;
    }
    err = tte_db_exec(db, "COMMIT");
    if (err)
        return err;
    sqlite3_stmt *st = tte_db_prepare(db,
        "SELECT events FROM agg_period WHERE period = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, q.name, -1, SQLITE_STATIC);
    *events = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return TTE_OK;
}
