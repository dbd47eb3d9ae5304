/* The operator's summary of a period: figures and warnings on stderr. */
#include <stdio.h>
#include <string.h>

#include "tte_config.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_statement.h"
#include "tte_summary.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* One number from a query over the period (?1); -1 when it cannot be read
 * (an older database, a period not aggregated): shown as "?". */
static long long
figure(sqlite3 *db, const char *period, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* "?" for a figure that cannot be read. */
static const char *
num(long long v, char *buf, size_t n)
{
    if (v < 0)
        return "?";
    snprintf(buf, n, "%lld", v);
    return buf;
}

static void
line(const char *label, long long v)
{
    char a[32];
    fprintf(stderr, "%s:   %-28s %s\n", tte_progname(), label,
            num(v, a, sizeof a));
}

static void
line_ok_fail(const char *label, long long ok, long long fail)
{
    char a[32], b[32];
    fprintf(stderr, "%s:   %-28s %s ok, %s failed\n", tte_progname(), label,
            num(ok, a, sizeof a), num(fail, b, sizeof b));
}

static const char q_events[] =
    "SELECT events FROM agg_period WHERE period = ?1";
static const char q_month[] =
    "SELECT sum(%s) FROM agg_month WHERE period = ?1";
/* People and certificates are distinct over the whole period (never a
 * sum of units): the period's own figures, as the cover shows them. */
static const char q_people[] =
    "SELECT signers_active FROM agg_period WHERE period = ?1";
static const char q_certs[] =
    "SELECT certs_active FROM agg_period WHERE period = ?1";
static const char q_action[] =
    "SELECT count(*) FROM agg_action WHERE period = ?1";
static const char q_apps[] =
    "SELECT count(*) FROM agg_app WHERE period = ?1 AND ok + fail > 0";
/* Pasal 4(1)j as the report states it: evidence first (app_statement). */
static const char q_unproven[] =
    "SELECT count(*) FROM app_statement WHERE period = ?1 AND uses > 0"
    " AND status <> 'terbukti'";
static const char q_verif[] = "SELECT count(*) FROM verifikator";
static const char q_rejected[] =
    "SELECT COALESCE(sum(rejected), 0) FROM agg_quality WHERE period = ?1";
static const char q_unknown[] =
    "SELECT count(*) FROM agg_unit WHERE period = ?1 AND known = 0";

static long long
month_sum(sqlite3 *db, const char *period, const char *col)
{
    char sql[128];
    snprintf(sql, sizeof sql, q_month, col);
    return figure(db, period, sql);
}

static void
unknown_units(sqlite3 *db, const char *period)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT unit FROM agg_unit WHERE period = ?1"
                           " AND known = 0 ORDER BY unit LIMIT 5",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct tte_buf b;
        const char *u = (const char *)sqlite3_column_text(st, 0);
        tte_buf_init(&b);
        /* A unit name comes from a log: shown escaped, never raw. */
        tte_buf_add_escaped(&b, u ? u : "", u ? strlen(u) : 0);
        log_warn("  unknown unit '%s'", b.data ? b.data : "");
        tte_buf_free(&b);
    }
    sqlite3_finalize(st);
}

static int
warnings(sqlite3 *db, const char *period, const cJSON *config)
{
    long long verif = figure(db, period, q_verif);
    long long rejected = figure(db, period, q_rejected);
    long long unknown = figure(db, period, q_unknown);
    long long unproven = figure(db, period, q_unproven);
    bool placeholder = tte_official_placeholder(config) != NULL;

    if (placeholder)
        log_warn("the reporting official (official.name, official.nip in "
                 "the configuration) is still a placeholder");
    if (verif >= 0 && verif < 2)
        log_warn("%lld verifikator: Pasal 4(1)l requires at least two", verif);
    if (rejected > 0)
        log_warn("%lld rows were rejected: see Kualitas Data and v_rejects",
                 rejected);
    if (unproven > 0)
        log_warn("%lld applications in use without the Pasal 4(1)j "
                 "statement proven by sample documents: see Per Aplikasi",
                 unproven);
    if (unknown > 0) {
        log_warn("%lld units are not in the units registry:", unknown);
        unknown_units(db, period);
    }
    return placeholder + (verif >= 0 && verif < 2) + (rejected > 0) +
           (unproven > 0) + (unknown > 0);
}

/* Each application in use that is not "terbukti", with its status in the
 * summary's words and the registry's claim where nothing was checked. */
static void
statement_apps(sqlite3 *db, const char *period)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT app, status, checked, failed,"
                           " registered, footer_statement FROM app_statement"
                           " WHERE period = ?1 AND uses > 0"
                           " AND status <> 'terbukti' ORDER BY uses DESC, app",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct tte_buf b;
        const char *app = (const char *)sqlite3_column_text(st, 0);
        const char *status = (const char *)sqlite3_column_text(st, 1);
        tte_buf_init(&b);
        tte_buf_add_escaped(&b, app ? app : "", app ? strlen(app) : 0);
        if (status && strcmp(status, "tidak terbukti") == 0)
            fprintf(stderr,
                    "%s:     %s: not proven (%d of %d samples "
                    "fail)\n",
                    tte_progname(), b.data ? b.data : "",
                    sqlite3_column_int(st, 3), sqlite3_column_int(st, 2));
        else
            fprintf(stderr,
                    "%s:     %s: not checked (0 samples; registry "
                    "says %s)\n",
                    tte_progname(), b.data ? b.data : "",
                    sqlite3_column_int(st, 4) == 0   ? "not registered"
                    : sqlite3_column_int(st, 5) == 1 ? "present"
                                                     : "absent");
        tte_buf_free(&b);
    }
    sqlite3_finalize(st);
}

int
tte_summary(sqlite3 *db, const char *period, const cJSON *config)
{
    long long apps = figure(db, period, q_apps);
    long long verif = figure(db, period, q_verif);
    long long unproven;

    /* A database whose evidence table is older leaves the figure "?". */
    (void)tte_statement_view(db);
    unproven = figure(db, period, q_unproven);

    fprintf(stderr, "%s: summary of %s\n", tte_progname(), period);
    line("events", figure(db, period, q_events));
    line_ok_fail("signings", month_sum(db, period, "sign_ok"),
                 month_sum(db, period, "sign_fail"));
    line_ok_fail("seals", month_sum(db, period, "seal_ok"),
                 month_sum(db, period, "seal_fail"));
    line("people (active signers)", figure(db, period, q_people));
    line("active certificates", figure(db, period, q_certs));
    line("certificates needing action", figure(db, period, q_action));
    {
        char a[32], b[32];
        fprintf(stderr,
                "%s:   %-28s %s (%s of %s applications in use not "
                "proven by sample documents)\n",
                tte_progname(), "Pasal 4(1)j statement",
                unproven == 0  ? "ok"
                : unproven < 0 ? "?"
                               : "NOT PROVEN",
                num(unproven, a, sizeof a), num(apps, b, sizeof b));
    }
    statement_apps(db, period);
    fprintf(stderr, "%s:   %-28s %s (%lld verifikator)\n", tte_progname(),
            "Pasal 4(1)l verifikator", verif >= 2 ? "ok" : "FEWER THAN TWO",
            verif);
    line("rows rejected", figure(db, period, q_rejected));
    return warnings(db, period, config);
}
