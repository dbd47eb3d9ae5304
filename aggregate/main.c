/* tte-aggregate: sums a year or quarter into the summary tables. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "aggregate.h"
#include "tte_cli.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_time.h"

static const char usage_text[] =
    "usage: tte-aggregate [options] --year YYYY [--quarter 1-4]\n"
    "\n"
    "Builds the period's summary tables (agg_*) in the report database.\n"
    "A re-run replaces the period's sums; it never adds to them.\n"
    "\n"
    "  -d, --db FILE        database (default: report.db, or $TTE_DB)\n"
    "  -y, --year YYYY      report year (default: the last completed year)\n"
    "  -Q, --quarter Q      one quarter (1-4) instead of the whole year\n"
    "  -z, --zone ZONE      report zone (default Asia/Jakarta, WIB)\n"
    "  -q, --quiet          only errors\n"
    "  -v, --verbose        more detail (repeatable)\n"
    "  -h, --help           this help\n"
    "  -V, --version        version\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 66 no database, 74 I/O error,\n"
    "75 database busy.\n";

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"year", required_argument, NULL, 'y'},
    {"quarter", required_argument, NULL, 'Q'},
    {"zone", required_argument, NULL, 'z'},
    TTE_COMMON_LONG_OPTS,
};

int
main(int argc, char **argv)
{
    struct tte_period p;
    const char *db_path = NULL, *year = NULL, *zone = "Asia/Jakarta";
    int y, quarter = 0, offset;
    int ch, status, verbosity = TTE_LOG_INFO;
    sqlite3 *db;
    long long events;

    tte_log_init("tte-aggregate");
    while ((ch = getopt_long(argc, argv, "d:y:Q:z:qvhV", long_opts, NULL)) !=
           -1) {
        switch (ch) {
        case 'd': db_path = optarg; break;
        case 'y': year = optarg; break;
        case 'Q':
            status = tte_quarter_option(optarg, &quarter);
            if (status != TTE_OPT_NEXT)
                return status;
            break;
        case 'z': zone = optarg; break;
        default:
            status = tte_common_option(ch, usage_text, &verbosity);
            if (status != TTE_OPT_NEXT)
                return status;
        }
    }
    status = tte_args_done(argc, argv, verbosity);
    if (status != TTE_OPT_NEXT)
        return status;
    if (!tte_zone_offset(zone, &offset) || strlen(zone) >= sizeof p.zone)
        return tte_usage_error("unknown zone '%s'", zone);
    if (year && (status = tte_year_option(year, &y)) != TTE_OPT_NEXT)
        return status;
    if (!year)
        y = tte_last_completed_year(offset);
    if (tte_period_init(&p, y, quarter, zone))
        return tte_usage_error("bad period %d quarter %d", y, quarter);
    db_path = tte_opt_env(db_path, "TTE_DB", "report.db");
    /* Summing needs collected data: a missing database is missing input,
     * not one to create. */
    if (access(db_path, F_OK) != 0) {
        log_err("cannot open database '%s': %s (run tte-collect first)",
                db_path, strerror(errno));
        return EX_NOINPUT;
    }
    enum tte_err err = tte_db_open(db_path, false, &db);
    if (err)
        return tte_exit_code(err);
    err = aggregate_period(db, &p, &events);
    sqlite3_close(db);
    if (err)
        return tte_exit_code(err);
    log_info("period %s (%s): %lld events aggregated", p.key, p.zone, events);
    if (events == 0)
        log_warn("no events in %s; was tte-collect run?", p.key);
    return 0;
}
