/* tte-report: the whole chain, for the year-end batch and previews. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "tte_cli.h"
#include "tte_config.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_path.h"
#include "tte_text.h"
#include "tte_time.h"

static const char usage_text[] =
    "usage: tte-report --config FILE [--year YYYY] [--quarter 1-4] [--send]\n"
    "\n"
    "Runs the chain: tte-collect for every configured source, then\n"
    "tte-aggregate, tte-render and, with --send, tte-send. Stops at the\n"
    "first stage that fails, with that stage's exit status. One run per\n"
    "database at a time; every run is recorded in the runs table.\n"
    "\n"
    "  -c, --config FILE    configuration (default: conf/tte-report.json,\n"
    "                       or $TTE_CONFIG)\n"
    "  -d, --db FILE        database (default: the configuration's\n"
    "                       \"database\")\n"
    "  -y, --year YYYY      report year (default: the last completed year\n"
    "                       in the report zone)\n"
    "  -Q, --quarter Q      a quarterly preview (marked PRATINJAU); 1-4, or\n"
    "                       last for the last completed quarter\n"
    "  -s, --send           mail the report (tte-send) after rendering\n"
    "      --force-send     send even a preview, or again\n"
    "  -q, --quiet          only errors\n"
    "  -v, --verbose        more detail (repeatable)\n"
    "  -h, --help           this help\n"
    "  -V, --version        version\n"
    "\n"
    "Exit status: 0 ok (rows may have been rejected: see Kualitas Data),\n"
    "64 usage, 66 a configuration, template or database that is not a\n"
    "regular file, 75 another run holds the database, 78 bad\n"
    "configuration, or the exit status of the stage that failed.\n";

enum { OPT_FORCE_SEND = 256 };

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"db", required_argument, NULL, 'd'},
    {"year", required_argument, NULL, 'y'},
    {"quarter", required_argument, NULL, 'Q'},
    {"send", no_argument, NULL, 's'},
    {"force-send", no_argument, NULL, OPT_FORCE_SEND},
    TTE_COMMON_LONG_OPTS,
};

static int
parse_args(int argc, char **argv, struct report_opts *o)
{
    int ch, status, verbosity = TTE_LOG_INFO;
    while ((ch = getopt_long(argc, argv, "c:d:y:Q:sqvhV", long_opts, NULL)) !=
           -1) {
        switch (ch) {
        case 'c': o->config_path = optarg; break;
        case 'd': o->db_path = optarg; break;
        case 'y':
            status = tte_year_option(optarg, &o->year);
            if (status != TTE_OPT_NEXT)
                return status;
            break;
        case 'Q':
            if (strcmp(optarg, "last") == 0)
                o->quarter = -1;
            else if (!tte_parse_quarter(optarg, &o->quarter))
                return tte_usage_error("--quarter must be 1-4 or last, not "
                                       "'%s'",
                                       optarg);
            break;
        case 's': o->send = true; break;
        case OPT_FORCE_SEND: o->send = o->force_send = true; break;
        default:
            o->quiet |= ch == 'q';
            o->verbose += ch == 'v';
            status = tte_common_option(ch, usage_text, &verbosity);
            if (status != TTE_OPT_NEXT)
                return status;
        }
    }
    return tte_args_done(argc, argv, verbosity);
    return -1;
}

/* With "html": true, the HTML report beside the workbook: the same name
 * with .html instead of .xlsx. */
static void
html_path(struct batch *b)
{
    b->html[0] = '\0';
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b->config, "html")))
        return;
    snprintf(b->html, sizeof b->html, "%s", b->report);
    char *dot = strrchr(b->html, '.');
    char *slash = strrchr(b->html, '/');
    if (dot && dot > slash && strcasecmp(dot, ".xlsx") == 0)
        *dot = '\0';
    if (strlen(b->html) + 6 > sizeof b->html) {
        b->html[0] = '\0';
        return;
    }
    strcat(b->html, ".html");
}

/* Output folder and file name from the configuration and template. */
static int
plan(struct batch *b, cJSON **tpl)
{
    const char *dir = tte_json_str(b->config, "output_dir", "out");
    char *path = tte_find_data(b->template_path);
    if (!path) {
        log_err("%s: template: cannot find '%s'", b->config_path,
                b->template_path);
        return EX_CONFIG;
    }
    enum tte_err err = tte_path_input(path, "template");
    if (!err)
        err = tte_json_load(path, tpl);
    free(path);
    if (err)
        return err == TTE_E_NOINPUT ? EX_NOINPUT : EX_CONFIG;
    /* Reports hold personal data: the folder is the owner's alone. */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_err("cannot create output folder '%s': %s", dir, strerror(errno));
        return EX_CANTCREAT;
    }
    char *name = tte_report_file_name(*tpl, b->config, &b->period);
    if (!tte_file_name_safe(name)) {
        log_err("%s: the report's file name '%s' must be a plain file name "
                "(no '/', not '.' or '..')",
                b->template_path, name);
        free(name);
        return EX_CONFIG;
    }
    snprintf(b->report, sizeof b->report, "%s/%s", dir, name);
    free(name);
    html_path(b);
    return 0;
}

/* The quarter before today's in the report zone (Q4 of last year in
 * January to March). */
static void
last_quarter(int offset, int *year, int *quarter)
{
    int y, m, d, h, mi, s;
    tte_local_fields((int64_t)time(NULL), offset, &y, &m, &d, &h, &mi, &s);
    int q = (m - 1) / 3;
    *year = q ? y : y - 1;
    *quarter = q ? q : 4;
}

/* A source entry's zone is checked before anything runs: tte-collect
 * would refuse it as a usage error half-way through the batch. */
static int
check_source_zones(const cJSON *config, const char *config_path)
{
    const cJSON *s;
    int offset;
    cJSON_ArrayForEach (s,
                        cJSON_GetObjectItemCaseSensitive(config, "sources")) {
        const char *zone = tte_json_str(s, "zone", NULL);
        if (zone && !tte_zone_offset(zone, &offset)) {
            log_err("%s: sources: %s: unknown time zone '%s' (use "
                    "Asia/Jakarta, Asia/Makassar, Asia/Jayapura, UTC or "
                    "+HH:MM)",
                    config_path, tte_json_str(s, "source", "?"), zone);
            return EX_CONFIG;
        }
    }
    return 0;
}

static int
run(struct report_opts *o, cJSON *config, const char *config_path)
{
    struct batch b = {.opts = o, .config = config, .config_path = config_path};
    cJSON *tpl = NULL;
    int offset, fd = -1;

    const char *zone = tte_json_str(config, "zone", "Asia/Jakarta");
    if (!tte_zone_offset(zone, &offset)) {
        log_err("%s: zone: unknown time zone '%s'", config_path, zone);
        return EX_CONFIG;
    }
    if (check_source_zones(config, config_path))
        return EX_CONFIG;
    if (o->quarter < 0)
        last_quarter(offset, &o->year, &o->quarter);
    if (!o->year)
        o->year = tte_last_completed_year(offset);
    if (tte_period_init(&b.period, o->year, o->quarter, zone)) {
        log_err("no report period for year %d, quarter %d", o->year,
                o->quarter);
        return EX_SOFTWARE;
    }
    b.db = o->db_path ? o->db_path
                      : tte_json_str(config, "database", "report.db");
    b.template_path = tte_json_str(config, "template",
                                   "templates/default.json");
    int rc = tte_exit_code(tte_path_input(b.db, "database"));
    if (!rc)
        rc = plan(&b, &tpl);
    if (!rc)
        rc = tte_exit_code(lock_acquire(b.db, &fd));
    if (!rc) {
        log_info("%s: period %s, database %s",
                 o->quarter ? "preview" : "annual report", b.period.key, b.db);
        rc = batch_run(&b);
        lock_release(fd);
        if (rc)
            log_err("stopped at %s (exit %d)", b.stage, rc);
        else
            log_info("done: %d sources collected, %lld events in %s, %lld "
                     "rows rejected this run; report %s%s%s%s",
                     b.sources, b.events, b.period.key, b.rejected, b.report,
                     b.html[0] ? " and " : "", b.html,
                     o->send ? " (sent)" : "");
        if (!rc && !o->quiet)
            batch_summary(&b);
    }
    cJSON_Delete(tpl);
    return rc;
}

int
main(int argc, char **argv)
{
    struct report_opts o = {0};
    cJSON *config = NULL;
    char *found = NULL;

    tte_log_init("tte-report");
    /* Every file of the batch holds personal data: owner only, whatever
     * the umask cron or a shell gives. */
    umask(077);
    int status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;
    enum tte_err err = tte_config_load(o.config_path, &config, &found);
    if (err)
        return tte_exit_code(err);
    if (!found) {
        cJSON_Delete(config);
        return tte_usage_error("--config is required (no "
                               "conf/tte-report.json here)");
    }
    /* The stages load the same file: its unknown keys are told once. */
    setenv("TTE_CONFIG_CHECKED", found, 1);
    status = run(&o, config, found);
    free(found);
    cJSON_Delete(config);
    return status;
}
