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
    "DELETE FROM agg_registry WHERE period = :period",
    "DELETE FROM agg_signer WHERE period = :period",
    "DELETE FROM agg_unknown_signer WHERE period = :period",

    /* Units as logged, resolved through the registry's spellings. */
    "CREATE TEMP TABLE ru AS SELECT s.id AS id, a.code AS code,"
    " COALESCE(u.name, s.s) AS name FROM (SELECT DISTINCT unit FROM cube) x"
    " JOIN strings s ON s.id = x.unit"
    " LEFT JOIN unit_alias a ON a.alias = lower(s.s)"
    " LEFT JOIN units u ON u.code = a.code",

    /* Certificates with their unit resolved, judged by their dates: the
     * registry's status is a snapshot at its export date. valid_to is the
     * last day of validity (not_after, or the day of a dated revocation
     * or suspension); in_period = validity overlaps the period and it was
     * not revoked or suspended before the period began; active = could be
     * used in the period: a revocation or suspension without its date
     * may have come before any day of it, so such a certificate is
     * counted apart (agg_action.undated), never as active. */
    "CREATE TEMP TABLE rc AS SELECT x.*, x.in_period AND NOT ("
    " COALESCE(x.status, '') IN ('REVOKE', 'SUSPEND')"
    " AND x.status_since IS NULL) AS active FROM ("
    "SELECT c.*, COALESCE(u.name, c.unit) AS uname,"
    " CASE WHEN c.status IN ('REVOKE', 'SUSPEND')"
    "  AND c.status_since IS NOT NULL AND (c.not_after IS NULL"
    "  OR c.status_since < c.not_after) THEN c.status_since"
    "  ELSE c.not_after END AS valid_to,"
    " (COALESCE(c.status, '') NOT IN ('NEW', 'WAITING_FOR_VERIFICATION',"
    "  'NO_CERTIFICATE', 'NOT_REGISTERED')"
    "  AND COALESCE(c.not_before, '') <= :last_day"
    "  AND (c.not_after >= :first_day OR (c.not_after IS NULL"
    "   AND COALESCE(c.status, 'ISSUE') IN ('ISSUE', 'RENEW')))"
    "  AND NOT (c.status IN ('REVOKE', 'SUSPEND') AND"
    "   COALESCE(c.status_since, c.snapshot_date, '9999') < :first_day))"
    "  AS in_period"
    " FROM certificates c LEFT JOIN unit_alias a ON a.alias = lower(c.unit)"
    " LEFT JOIN units u ON u.code = a.code) x",
    "CREATE INDEX temp.rc_id ON rc(id)",
    "CREATE INDEX temp.rc_nik ON rc(nik)",
    "CREATE INDEX temp.rc_nip ON rc(nip)",

    /* One person, several identifiers: a registry row (or a logged event)
     * carrying both a NIK and a NIP links them; NIK is the person key. */
    "CREATE TEMP TABLE link AS SELECT nip, min(nik) AS nik FROM ("
    " SELECT nip, nik FROM certificates WHERE nip IS NOT NULL"
    "  AND nik IS NOT NULL"
    " UNION ALL SELECT sp.s, sn.s FROM (SELECT DISTINCT nik, nip FROM cube"
    "  WHERE nik IS NOT NULL AND nip IS NOT NULL) x"
    "  JOIN strings sn ON sn.id = x.nik JOIN strings sp ON sp.id = x.nip)"
    " GROUP BY nip",
    "CREATE INDEX temp.link_nip ON link(nip)",

    /* Each signer identity matched to a certificate: by serial, else by
     * NIK, else by NIP (same certificate type). A person may hold several
     * certificates over the years, so NIK and NIP pick, per month, the
     * one valid in that month, else the latest. */
    "CREATE TEMP TABLE sk AS SELECT x.*, ss.s AS serial_text,"
    " sn.s AS nik_text, sp.s AS nip_text,"
    " CASE x.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END AS ctype"
    " FROM (SELECT signer, cert_type, COALESCE(cert_serial, 0) AS serial0,"
    "  month, max(nik) AS nik, max(nip) AS nip,"
    "  printf('%04d-%02d-01', :year, month) AS mfirst,"
    "  date(printf('%04d-%02d-01', :year, month), '+1 month', '-1 day')"
    "   AS mlast"
    "  FROM cube GROUP BY signer, cert_type, serial0, month) x"
    " LEFT JOIN strings ss ON ss.id = x.serial0"
    " LEFT JOIN strings sn ON sn.id = x.nik"
    " LEFT JOIN strings sp ON sp.id = x.nip",
    "CREATE TEMP TABLE cand AS SELECT signer, cert_type, serial0, month,"
    " kind, id, row_number() OVER (PARTITION BY signer, cert_type, serial0,"
    "  month, kind ORDER BY kind, fits DESC, not_after DESC, id) AS r"
    " FROM (SELECT sk.*, 1 AS kind, c.id, c.not_after, 1 AS fits FROM sk"
    "  JOIN certificates c ON c.cert_serial = sk.serial_text"
    " UNION ALL SELECT sk.*, 2, c.id, c.not_after,"
    "  COALESCE(c.not_before, '') <= sk.mlast"
    "  AND COALESCE(c.valid_to, '9999') >= sk.mfirst FROM sk"
    "  JOIN rc c ON c.nik = sk.nik_text AND c.cert_type = sk.ctype"
    " UNION ALL SELECT sk.*, 3, c.id, c.not_after,"
    "  COALESCE(c.not_before, '') <= sk.mlast"
    "  AND COALESCE(c.valid_to, '9999') >= sk.mfirst FROM sk"
    "  JOIN rc c ON c.nip = sk.nip_text AND c.cert_type = sk.ctype)",
    "CREATE INDEX temp.cand_key ON cand(signer, cert_type, serial0, month,"
    " kind, r)",
    "CREATE TEMP TABLE rs AS SELECT sk.*, COALESCE((SELECT id FROM cand"
    "  WHERE cand.signer = sk.signer AND cand.cert_type = sk.cert_type"
    "  AND cand.serial0 = sk.serial0 AND cand.month = sk.month AND r = 1"
    "  AND kind = 1 ORDER BY id LIMIT 1), 0) AS by_serial,"
    " COALESCE((SELECT id FROM cand WHERE cand.signer = sk.signer"
    "  AND cand.cert_type = sk.cert_type AND cand.serial0 = sk.serial0"
    "  AND cand.month = sk.month AND r = 1 AND kind = 2), 0) AS by_nik,"
    " COALESCE((SELECT id FROM cand WHERE cand.signer = sk.signer"
    "  AND cand.cert_type = sk.cert_type AND cand.serial0 = sk.serial0"
    "  AND cand.month = sk.month AND r = 1 AND kind = 3), 0) AS by_nip"
    " FROM sk",

    /* The person: the certificate's NIK, else the NIK linked to its NIP,
     * else its NIP; a signer with no certificate by its own identifiers. */
    "CREATE TEMP TABLE rp AS SELECT r.signer, r.cert_type, r.serial0,"
    " r.month, NULLIF(COALESCE(NULLIF(r.by_serial, 0), NULLIF(r.by_nik, 0),"
    "  r.by_nip), 0) AS cert_id,"
    " CASE WHEN r.by_serial THEN 'serial' WHEN r.by_nik THEN 'nik'"
    "  WHEN r.by_nip THEN 'nip' END AS matched_by,"
    " COALESCE(c.nik, (SELECT nik FROM link WHERE link.nip = c.nip), c.nip,"
    "  r.nik_text, (SELECT nik FROM link WHERE link.nip = r.nip_text),"
    "  r.nip_text, r.serial_text, c.cert_serial) AS person"
    " FROM rs r LEFT JOIN certificates c ON c.id ="
    "  COALESCE(NULLIF(r.by_serial, 0), NULLIF(r.by_nik, 0), r.by_nip)",
    "CREATE INDEX temp.rp_key ON rp(signer, cert_type, serial0, month)",
    "INSERT INTO agg_signer SELECT :period, s.s,"
    " CASE rp.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END, ss.s,"
    " rp.month, rp.cert_id, rp.matched_by, rp.person FROM rp"
    " JOIN strings s ON s.id = rp.signer"
    " LEFT JOIN strings ss ON ss.id = rp.serial0",

    /* The cube with every cell's certificate and person: the one
     * resolution every summary below reads. */
    "CREATE TEMP TABLE cp AS SELECT c.*, rp.cert_id, rp.person FROM cube c"
    " JOIN rp ON rp.signer = c.signer AND rp.cert_type = c.cert_type"
    " AND rp.serial0 = COALESCE(c.cert_serial, 0) AND rp.month = c.month",

    /* Penandatangan Aktif: distinct people with at least one successful
     * individu signing, never distinct identifiers. */
    "CREATE TEMP TABLE pu AS SELECT ru.name AS unit, max(ru.code) AS unit_code,"
    " count(DISTINCT CASE WHEN c.cert_type = 0 AND c.result = 0"
    "  THEN c.person END) AS signers,"
    " sum(CASE WHEN c.cert_type = 0 AND c.result = 0 THEN n ELSE 0 END)"
    "  AS sign_ok,"
    " sum(CASE WHEN c.cert_type = 0 AND c.result = 1 THEN n ELSE 0 END)"
    "  AS sign_fail,"
    " sum(CASE WHEN c.cert_type = 1 AND c.result = 0 THEN n ELSE 0 END)"
    "  AS seal_ok,"
    " sum(CASE WHEN c.cert_type = 1 AND c.result = 1 THEN n ELSE 0 END)"
    "  AS seal_fail"
    " FROM cp c JOIN ru ON ru.id = c.unit GROUP BY ru.name",

    "INSERT INTO agg_unit SELECT :period,"
    " row_number() OVER (ORDER BY known DESC, sortkey), code, x.unit, known,"
    " (SELECT count(*) FROM rc WHERE rc.uname = x.unit AND rc.active),"
    " COALESCE(pu.signers, 0), COALESCE(pu.sign_ok, 0),"
    " COALESCE(pu.sign_fail, 0), COALESCE(pu.seal_ok, 0),"
    " COALESCE(pu.seal_fail, 0)"
    " FROM (SELECT code, name AS unit, 1 AS known, code AS sortkey"
    "  FROM units UNION ALL SELECT NULL, unit, 0, unit FROM ("
    "  SELECT unit FROM pu WHERE unit_code IS NULL UNION SELECT uname"
    "  FROM rc WHERE active AND uname NOT IN (SELECT name FROM units)))"
    " x LEFT JOIN pu ON pu.unit = x.unit",

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
    "CREATE TEMP TABLE cu AS SELECT g.cert_id, g.cert_type, g.ok, g.fail,"
    " sn.s AS nik, sp.s AS nip, ss.s AS serial, g.unit FROM ("
    " SELECT c.cert_id,"
    " CASE c.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END AS cert_type,"
    " sum(CASE WHEN c.result = 0 THEN c.n ELSE 0 END) AS ok,"
    " sum(CASE WHEN c.result = 1 THEN c.n ELSE 0 END) AS fail,"
    " max(c.nik) AS nik, max(c.nip) AS nip, max(c.cert_serial) AS serial,"
    " max(ru.name) AS unit"
    " FROM cp c JOIN ru ON ru.id = c.unit"
    " GROUP BY c.cert_id, CASE WHEN c.cert_id IS NULL THEN c.signer END,"
    " CASE WHEN c.cert_id IS NULL THEN c.cert_type END) g"
    " LEFT JOIN strings sn ON sn.id = g.nik"
    " LEFT JOIN strings sp ON sp.id = g.nip"
    " LEFT JOIN strings ss ON ss.id = g.serial",
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
    "INSERT INTO agg_unknown_signer SELECT :period, nik, nip,"
    " CASE WHEN nik IS NULL AND nip IS NULL THEN serial END, cert_type, ok,"
    " fail FROM cu WHERE cert_id IS NULL"
    " ORDER BY ok + fail DESC, nik, nip, serial",

    "INSERT INTO agg_error SELECT :period, code, sum(n) FROM ("
    " SELECT COALESCE(s.s, CASE WHEN http_status IS NOT NULL AND"
    "  (http_status < 200 OR http_status > 299) THEN 'HTTP ' || http_status"
    "  END, '-') AS code, n FROM cube"
    " LEFT JOIN strings s ON s.id = cube.status_code WHERE result = 1)"
    " GROUP BY code ORDER BY sum(n) DESC, code",

    "INSERT INTO agg_status SELECT :period, status, count(*)"
    " FROM certificates GROUP BY status ORDER BY count(*) DESC, status",

    /* Uses after a certificate's validity, i.e. from t0, local midnight
     * after valid_to. Whole months after t0's month come from the cube;
     * within t0's own month (m0) the events themselves are read, and only
     * for a certificate used in that month. */
    "CREATE TEMP TABLE lim AS SELECT cert_id, t0,"
    " CASE WHEN t0 <= :start THEN 0 ELSE CAST(strftime('%m', t0 + :off,"
    "  'unixepoch') AS INTEGER) END AS m0, 0 AS t1 FROM ("
    " SELECT id AS cert_id,"
    "  CAST(strftime('%s', valid_to, '+1 day') AS INTEGER) - :off AS t0"
    "  FROM rc WHERE valid_to < :last_day"
    "  AND id IN (SELECT cert_id FROM rp))",
    "UPDATE lim SET t1 = CAST(strftime('%s', printf('%04d-%02d-01', :year,"
    " m0), '+1 month') AS INTEGER) - :off WHERE m0 > 0 AND EXISTS (SELECT 1"
    " FROM rp WHERE rp.cert_id = lim.cert_id AND rp.month = lim.m0)",
    "CREATE TEMP TABLE bad AS SELECT cert_id, sum(ok) AS ok,"
    " sum(fail) AS fail FROM ("
    " SELECT l.cert_id,"
    "  sum(CASE WHEN c.result = 0 THEN c.n ELSE 0 END) AS ok,"
    "  sum(CASE WHEN c.result = 1 THEN c.n ELSE 0 END) AS fail"
    "  FROM lim l JOIN cp c ON c.cert_id = l.cert_id AND c.month > l.m0"
    "  GROUP BY l.cert_id"
    /* Events are stored in the order read: one pass over them, only
     * when some certificate needs it, each event first tested for a
     * signer of such a certificate. */
    " UNION ALL SELECT l.cert_id, sum(e.result = 0), sum(e.result = 1)"
    "  FROM (SELECT min(t0) AS lo, max(t1) AS hi FROM lim WHERE t1 > 0) w"
    "  CROSS JOIN events e CROSS JOIN rp CROSS JOIN lim l"
    "  WHERE w.lo IS NOT NULL AND e.t >= w.lo AND e.t < w.hi"
    "  AND e.signer IN (SELECT p.signer FROM rp p JOIN lim m"
    "   ON m.cert_id = p.cert_id AND m.m0 = p.month WHERE m.t1 > 0)"
    "  AND rp.signer = e.signer AND rp.cert_type = e.cert_type"
    "  AND rp.serial0 = COALESCE(e.cert_serial, 0) AND rp.cert_id = l.cert_id"
    "  AND rp.month = l.m0 AND l.t1 > 0 AND e.t >= l.t0 AND e.t < l.t1"
    "  AND e.t < :end GROUP BY l.cert_id)"
    " GROUP BY cert_id",

    /* Sertifikat Perlu Tindakan: one row per certificate, with every
     * reason that applies. */
    "INSERT INTO agg_action SELECT :period, row_number() OVER"
    " (ORDER BY invalid_ok + invalid_fail > 0 DESC, undated DESC,"
    "  expiring DESC, not_after, uname, serial),"
    " serial, nik, nip, name, uname, cert_type, not_after, status,"
    " status_since, ok, fail, invalid_ok, invalid_fail, expiring, undated,"
    " unused FROM ("
    " SELECT rc.cert_serial AS serial, rc.nik, rc.nip, rc.name, rc.uname,"
    "  rc.cert_type, rc.not_after, rc.status, rc.status_since,"
    "  COALESCE(u.ok, 0) AS ok, COALESCE(u.fail, 0) AS fail,"
    "  COALESCE(b.ok, 0) AS invalid_ok, COALESCE(b.fail, 0) AS invalid_fail,"
    "  (COALESCE(rc.status, '') NOT IN ('REVOKE', 'SUSPEND')"
    "   AND rc.not_after > :last_day"
    "   AND rc.not_after <= date(:last_day, '+90 days')) AS expiring,"
    "  (rc.status IN ('REVOKE', 'SUSPEND') AND rc.status_since IS NULL"
    "   AND (rc.in_period OR COALESCE(u.ok + u.fail, 0) > 0)) AS undated,"
    "  (rc.active AND COALESCE(rc.status, 'ISSUE') IN ('ISSUE', 'RENEW')"
    "   AND COALESCE(u.ok + u.fail, 0) = 0) AS unused"
    " FROM rc LEFT JOIN (SELECT cert_id, sum(ok) AS ok, sum(fail) AS fail"
    "  FROM cu WHERE cert_id IS NOT NULL GROUP BY cert_id) u"
    "  ON u.cert_id = rc.id"
    " LEFT JOIN bad b ON b.cert_id = rc.id)"
    " WHERE expiring OR undated OR unused OR invalid_ok + invalid_fail > 0",

    /* Kualitas Data: log files apart from registries; a file by its name,
     * the full path stays in files. Per-file counts are the whole file's;
     * unknown units and period_events are the period's. fixed_later: rows
     * rejected, fixed by the operator and read again (--retry), now among
     * accepted; rejected counts those still rejected. */
    /* A source defined outside conf/sources is named by its real path:
     * the report shows its file name only. */
    "INSERT INTO agg_quality SELECT :period, row_number() OVER"
    " (ORDER BY f.id), CASE WHEN instr(f.source, '/') THEN replace(substr("
    " f.source, length(rtrim(f.source, replace(f.source, '/', ''))) + 1),"
    " '.json', '') ELSE f.source END,"
    " substr(f.path, length(rtrim(f.path, replace(f.path, '/', ''))) + 1),"
    " f.path, f.rows_read, f.filtered, f.accepted, f.duplicates, f.rejected,"
    " COALESCE(q.unknown, 0), COALESCE(q.n, 0),"
    " (SELECT count(*) FROM rejects r WHERE r.file_id = f.id"
    "  AND r.resolved_at IS NOT NULL)"
    " FROM files f LEFT JOIN (SELECT file_id, sum(n) AS n,"
    "  sum(CASE WHEN ru.code IS NULL THEN n ELSE 0 END) AS unknown"
    "  FROM cube JOIN ru ON ru.id = cube.unit GROUP BY file_id) q"
    " ON q.file_id = f.id"
    " WHERE f.source NOT IN ('certificates', 'units', 'apps', 'verifikator')"
    " ORDER BY f.id",
    "INSERT INTO agg_registry SELECT :period, row_number() OVER"
    " (ORDER BY f.id), f.source,"
    " substr(f.path, length(rtrim(f.path, replace(f.path, '/', ''))) + 1),"
    " f.path, f.rows_read, f.accepted, f.rejected FROM files f"
    " WHERE f.source IN ('certificates', 'units', 'apps', 'verifikator')"
    " ORDER BY f.id",

    "INSERT INTO agg_period(period, year, quarter, zone, utc_offset,"
    " start_utc, end_utc, first_day, last_day, aggregated_at, events,"
    " signers_active, certs_active, registry_date, rejected, duplicates,"
    " unknown_unit_events, outside_events, unknown_signers,"
    " unknown_signer_events) VALUES (:period, :year, :quarter, :zone, :off,"
    " :start, :end, :first_day, :last_day, :now,"
    " (SELECT COALESCE(sum(n), 0) FROM cube),"
    " (SELECT count(DISTINCT person) FROM cp WHERE cert_type = 0"
    "  AND result = 0),"
    " (SELECT count(*) FROM rc WHERE active),"
    " (SELECT max(snapshot_date) FROM certificates),"
    " (SELECT COALESCE(sum(rejected), 0) FROM agg_quality"
    "  WHERE period = :period),"
    " (SELECT COALESCE(sum(duplicates), 0) FROM agg_quality"
    "  WHERE period = :period),"
    " (SELECT COALESCE(sum(unknown_units), 0) FROM agg_quality"
    "  WHERE period = :period),"
    " (SELECT count(*) FROM events) - (SELECT COALESCE(sum(n), 0) FROM cube),"
    " (SELECT count(*) FROM cu WHERE cert_id IS NULL),"
    " (SELECT COALESCE(sum(ok + fail), 0) FROM cu WHERE cert_id IS NULL))",

    "DROP TABLE temp.cube; DROP TABLE temp.ru; DROP TABLE temp.rc;"
    " DROP TABLE temp.link; DROP TABLE temp.sk; DROP TABLE temp.cand;"
    " DROP TABLE temp.rs; DROP TABLE temp.rp;"
    " DROP TABLE temp.cp; DROP TABLE temp.pu; DROP TABLE temp.cu;"
    " DROP TABLE temp.lim; DROP TABLE temp.bad",
};

/* Local midnight of each month of the year, and of the next January. */
struct params {
    int64_t month_start[13];
};

static void
params_init(const struct tte_period *p, struct params *q)
{
    for (int k = 0; k < 13; k++)
        q->month_start[k] = k < 12 ? tte_local_midnight(p->year, k + 1, 1,
                                                        p->offset)
                                   : tte_local_midnight(p->year + 1, 1, 1,
                                                        p->offset);
}

static void
bind_all(sqlite3_stmt *st, const struct tte_period *p)
{
    const struct {
        const char *name;
        int64_t v;
    } ints[] = {
        {":off", p->offset},
        {":start", p->start_utc},
        {":end", p->end_utc},
        {":year", p->year},
        {":quarter", p->quarter},
        {":first_month", p->first_month},
        {":last_month", p->last_month},
        {":now", (int64_t)time(NULL)},
    };
    const struct {
        const char *name;
        const char *v;
    } texts[] = {
        {":period", p->key},
        {":zone", p->zone},
        {":first_day", p->first_day},
        {":last_day", p->last_day},
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
run_step(sqlite3 *db, const char *sql, const struct tte_period *p)
{
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
            log_err("aggregate query failed: %s", sqlite3_errmsg(db));
            return TTE_E_SOFTWARE;
        }
        if (st) {
            bind_all(st, p);
            int rc = sqlite3_step(st);
            sqlite3_finalize(st);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW)
                return tte_db_err(db, rc);
        }
        sql = tail;
    }
    return TTE_OK;
}

/* Events of a file whose rows out of time order are committed and not
 * yet merged may repeat stored ones: the period waits for the merge (or
 * for the tte-collect that takes out what a stopped one left). */
static enum tte_err
no_merge_pending(sqlite3 *db)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT COALESCE(f.path, '(file ' || s.file_id || ')'), s.pid,"
            " s.host, COALESCE(s.started_at, 0) FROM staging s"
            " LEFT JOIN files f ON f.id = s.file_id LIMIT 1");
    if (!st)
        return TTE_E_IO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        char when[21] = "at an unknown time", cmd[1200];
        if (sqlite3_column_int64(st, 3) > 0)
            tte_format_utc(sqlite3_column_int64(st, 3), when);
        tte_db_recover_command(db, cmd, sizeof cmd);
        log_err("%s: tte-collect pid %lld on host '%s' (started %s) is "
                "merging its rows, or was stopped while it did: once it has "
                "ended, run tte-collect again (on that host), or '%s' if it "
                "was stopped, then tte-aggregate",
                (const char *)sqlite3_column_text(st, 0),
                (long long)sqlite3_column_int64(st, 1),
                (const char *)sqlite3_column_text(st, 2), when, cmd);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW    ? TTE_E_TEMPFAIL
           : rc == SQLITE_DONE ? TTE_OK
                               : tte_db_err(db, rc);
}

enum tte_err
aggregate_period(sqlite3 *db, const struct tte_period *p, long long *events)
{
    struct params q;
    enum tte_err err;

    params_init(p, &q);
    err = tte_db_exec(db, "BEGIN IMMEDIATE");
    if (!err)
        err = no_merge_pending(db);
    if (!err)
        err = cube_build(db, p->start_utc, p->end_utc, q.month_start);
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        log_debug("aggregate step %zu", i);
        err = run_step(db, steps[i], p);
    }
    if (!err)
        err = aggregate_previous(db, p);
    if (err) {
        tte_db_rollback(db);
        return err;
    }
    err = tte_db_exec(db, "COMMIT");
    if (err)
        return err;
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT events FROM agg_period WHERE period = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, p->key, -1, SQLITE_STATIC);
    *events = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return TTE_OK;
}
