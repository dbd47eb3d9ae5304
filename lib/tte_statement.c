/* The Pasal 4(1)j status per application, as one temporary view. */
#include <stddef.h>

#include "tte_db.h"
#include "tte_statement.h"

/* A failing verdict counts against an application whatever produced it:
 * a document that cannot be read proves nothing. The status words are
 * the report's defined terms, the same in every template. */
static const char view_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS tpl_verdict(ord INTEGER, code TEXT,"
    " label TEXT);"
    "CREATE TEMP VIEW IF NOT EXISTS app_statement AS SELECT a.period,"
    " a.app, COALESCE(a.name, a.app) AS name, a.ok + a.fail AS uses,"
    " 100.0 * (a.ok + a.fail) / max((SELECT sum(b.ok + b.fail)"
    "  FROM agg_app b WHERE b.period = a.period), 1) AS share,"
    " COALESCE(e.n, 0) AS checked, COALESCE(e.bad, 0) AS failed,"
    " CASE WHEN e.n IS NULL THEN 'belum diperiksa'"
    "  WHEN e.bad = 0 THEN 'terbukti' ELSE 'tidak terbukti' END AS status,"
    " (SELECT group_concat(x.n || ' ' || x.label, ', ') FROM ("
    "  SELECT count(*) AS n, COALESCE(t.label, v.verdict) AS label"
    "  FROM v_evidence v LEFT JOIN tpl_verdict t ON t.code = v.verdict"
    "  WHERE v.app = a.app AND v.verdict <> 'ok' GROUP BY v.verdict"
    "  ORDER BY COALESCE(min(t.ord), 999), v.verdict) x) AS why,"
    " a.registered, a.footer_statement"
    " FROM agg_app a LEFT JOIN (SELECT app, count(*) AS n,"
    "  sum(verdict <> 'ok') AS bad FROM v_evidence GROUP BY app) e"
    " ON e.app = a.app;";

enum tte_err
tte_statement_view(sqlite3 *db)
{
    return tte_db_exec(db, view_sql);
}
