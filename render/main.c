/* tte-render: writes the XLSX or HTML report of a period from a template. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "html.h"
#include "limits.h"
#include "render.h"
#include "template.h"
#include "tte_cli.h"
#include "tte_config.h"
#include "tte_db.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_path.h"
#include "tte_summary.h"
#include "tte_time.h"
#include "unit_name.h"
#include "workbook.h"

static const char usage_text[] =
    "usage: tte-render [options] --year YYYY [--quarter 1-4] [--out FILE]\n"
    "\n"
    "Writes the period's report from a template, as XLSX or as one\n"
    "self-contained HTML file. A quarter gives a preview marked PRATINJAU\n"
    "on every sheet.\n"
    "\n"
    "  -d, --db FILE        database (default: report.db, or $TTE_DB)\n"
    "  -y, --year YYYY      report year (default: the last completed year)\n"
    "  -Q, --quarter Q      quarterly preview (1-4)\n"
    "  -t, --template FILE  template (default: templates/default.json);\n"
    "                       a bare name means templates/NAME.json\n"
    "  -c, --config FILE    configuration (default: conf/tte-report.json)\n"
    "  -o, --out FILE       output file (default: the template's file name\n"
    "                       in the configured output_dir)\n"
    "  -f, --format FMT     xlsx or html (default: from the output's\n"
    "                       extension, .html or .htm for html, else xlsx)\n"
    "      --as-of TIME     generated-at time (ISO 8601; default\n"
    "                       $SOURCE_DATE_EPOCH, else now)\n"
    "      --unmask-nik     show NIK in full (masked by default)\n"
    "      --summary        print the key figures and warnings to stderr\n"
    "                       (default with -v or when stderr is a terminal)\n"
    "      --no-summary     do not print them\n"
    "  -q, --quiet          only errors\n"
    "  -v, --verbose        more detail (repeatable)\n"
    "  -h, --help           this help\n"
    "  -V, --version        version\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 66 no database or period not aggregated,\n"
    "73 cannot create the output, 78 bad template or configuration.\n";

enum { OPT_ASOF = 256, OPT_UNMASK, OPT_SUMMARY, OPT_NO_SUMMARY };

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"year", required_argument, NULL, 'y'},
    {"quarter", required_argument, NULL, 'Q'},
    {"template", required_argument, NULL, 't'},
    {"config", required_argument, NULL, 'c'},
    {"out", required_argument, NULL, 'o'},
    {"as-of", required_argument, NULL, OPT_ASOF},
    {"unmask-nik", no_argument, NULL, OPT_UNMASK},
    {"format", required_argument, NULL, 'f'},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"no-summary", no_argument, NULL, OPT_NO_SUMMARY},
    TTE_COMMON_LONG_OPTS,
};

/* --format, else the output's extension. */
static int
pick_format(const char *format, struct render_opts *o)
{
    const char *dot = o->out ? strrchr(o->out, '.') : NULL;
    if (!format) {
        o->html = dot && (strcasecmp(dot, ".html") == 0 ||
                          strcasecmp(dot, ".htm") == 0);
        return TTE_OPT_NEXT;
    }
    if (strcmp(format, "html") && strcmp(format, "xlsx"))
        return tte_usage_error("--format must be xlsx or html, not '%s'",
                               format);
    o->html = strcmp(format, "html") == 0;
    return TTE_OPT_NEXT;
}

static int
parse_args(int argc, char **argv, struct render_opts *o)
{
    const char *year = NULL, *as_of = NULL, *format = NULL;
    int ch, status, verbosity = TTE_LOG_INFO;

    o->summary = -1;
    while ((ch = getopt_long(argc, argv, "d:y:Q:t:c:o:f:qvhV", long_opts,
                             NULL)) != -1) {
        switch (ch) {
        case 'd': o->db_path = optarg; break;
        case 'y': year = optarg; break;
        case 'Q':
            status = tte_quarter_option(optarg, &o->quarter);
            if (status != TTE_OPT_NEXT)
                return status;
            break;
        case 't': o->template_path = optarg; break;
        case 'c': o->config_path = optarg; break;
        case 'o': o->out = optarg; break;
        case OPT_ASOF: as_of = optarg; break;
        case OPT_UNMASK: o->unmask_nik = true; break;
        case 'f': format = optarg; break;
        case OPT_SUMMARY: o->summary = 1; break;
        case OPT_NO_SUMMARY: o->summary = 0; break;
        default:
            status = tte_common_option(ch, usage_text, &verbosity);
            if (status != TTE_OPT_NEXT)
                return status;
        }
    }
    status = tte_args_done(argc, argv, verbosity);
    if (status != TTE_OPT_NEXT)
        return status;
    /* The summary is for an operator watching: -v, or a terminal. */
    if (o->summary < 0)
        o->summary = verbosity > TTE_LOG_INFO ||
                     (verbosity == TTE_LOG_INFO && isatty(STDERR_FILENO));
    status = pick_format(format, o);
    if (status != TTE_OPT_NEXT)
        return status;
    if (year && (status = tte_year_option(year, &o->year)) != TTE_OPT_NEXT)
        return status;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long long v;
    o->as_of = (int64_t)time(NULL);
    if (as_of && !tte_parse_iso8601(as_of, TTE_WIB_OFFSET, &o->as_of))
        return tte_usage_error("--as-of needs an ISO 8601 time, not '%s'",
                               as_of);
    if (!as_of && sde && tte_str_to_i64(sde, &v))
        o->as_of = v;
    o->db_path = tte_opt_env(o->db_path, "TTE_DB", "report.db");
    return -1;
}

/* --template NAME -> templates/NAME.json (source tree or installed). */
static char *
template_path(const char *given, const cJSON *config)
{
    char name[1024];
    const char *t = given ? given
                          : tte_json_str(config, "template",
                                         "templates/default.json");
    if (!strchr(t, '/') && !strstr(t, ".json")) {
        snprintf(name, sizeof name, "templates/%s.json", t);
        t = name;
    }
    char *found = tte_find_data(t);
    if (!found)
        log_err("cannot find template '%s'", t);
    return found;
}

/* The template's file name inside output_dir; a name that would leave
 * the folder ("../x", "a/b" from file_name or agency.short) is refused.
 * The HTML is named as the workbook, with its own extension. */
static enum tte_err
default_out(struct render *r, bool html, char **out)
{
    char *name = tte_report_file_name(r->tpl, r->config, &r->period);
    const char *dir = tte_json_str(r->config, "output_dir", ".");
    if (!tte_file_name_safe(name)) {
        log_err("%s: %s: the report's file name '%s' must be a plain file "
                "name (no '/', not '.' or '..')",
                r->tpl_path, r->preview ? "file_name_preview" : "file_name",
                name);
        free(name);
        return TTE_E_CONFIG;
    }
    size_t n = strlen(dir) + strlen(name) + 8;
    *out = tte_xmalloc(n);
    snprintf(*out, n, "%s/%s", dir, name);
    char *dot = strrchr(*out, '.');
    if (html && dot && strcasecmp(dot, ".xlsx") == 0)
        strcpy(dot, ".html");
    else if (html)
        strcat(*out, ".html");
    /* The folder holds reports with personal data: owner only. */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_err("cannot create output folder '%s': %s", dir, strerror(errno));
        free(name);
        return TTE_E_CANTCREAT;
    }
    free(name);
    return TTE_OK;
}

/* The output must not be one of the inputs (the database, its journal,
 * the template, the configuration), whatever the path's spelling: the
 * same device and inode. */
static enum tte_err
check_out(const char *out, const char *const *inputs, size_t n)
{
    const char *hit = tte_path_clash(out, inputs, n);
    if (!hit)
        return TTE_OK;
    log_err("--out '%s' is the input '%s'; refusing to overwrite it", out,
            hit);
    return TTE_E_CANTCREAT;
}

static void
set_vars(struct render *r, const struct render_opts *o)
{
    const cJSON *labels = tte_json_get(r->tpl, "labels");
    struct tte_vars prev = {0};
    struct tte_period last;
    char buf[16];

    /* Last year's same period, for the columns beside this year's. */
    tte_period_init(&last, r->period.year - 1, r->period.quarter,
                    r->period.zone);
    tte_period_vars(&prev, &last, o->as_of, labels, r->config);
    tte_period_vars(&r->vars, &r->period, o->as_of, labels, r->config);
    tte_vars_set(&r->vars, "prev_period_label",
                 tte_vars_get(&prev, "period_label"));
    snprintf(buf, sizeof buf, "%d", r->period.year - 1);
    tte_vars_set(&r->vars, "prev_year", buf);
    tte_vars_free(&prev);
    /* A preview keeps the report's title; its mark goes beside it. */
    char *t = tte_expand(tte_json_str(r->tpl, "title", ""), &r->vars,
                         r->config);
    if (r->preview) {
        char *p = tte_expand(tte_json_str(r->tpl, "preview.title", ""),
                             &r->vars, r->config);
        size_t n = strlen(t) + strlen(p) + 8;
        char *both = tte_xmalloc(n);
        snprintf(both, n, "%s (%s)", t, p);
        free(t);
        free(p);
        t = both;
    }
    tte_vars_set(&r->vars, "report_title", t);
    free(t);
}

static enum tte_err
run(const struct render_opts *o, struct render *r, cJSON **tpl, cJSON **config,
    char **out)
{
    char *config_path = NULL;
    enum tte_err err = tte_config_load(o->config_path, config, &config_path);
    if (err)
        return err;
    r->config = *config;
    const char *zone = tte_json_str(*config, "zone", "Asia/Jakarta");
    if (tte_period_init(&r->period, o->year, o->quarter, zone)) {
        log_err("configuration: zone: unknown time zone '%s'", zone);
        free(config_path);
        return TTE_E_CONFIG;
    }
    char *path = template_path(o->template_path, *config);
    if (!path) {
        free(config_path);
        return TTE_E_CONFIG;
    }
    err = tte_path_input(path, "template");
    if (!err)
        err = tte_json_load(path, tpl);
    if (!err)
        err = template_validate(*tpl, path);
    r->tpl_path = path;
    r->tpl = *tpl;
    if (!err)
        err = tte_path_input(o->db_path, "database");
    if (!err)
        err = tte_db_open(o->db_path, true, &r->db);
    if (!err) {
        set_vars(r, o);
        if (o->out)
            *out = tte_xstrdup(o->out);
        else
            err = default_out(r, o->html, out);
    }
    if (!err) {
        char wal[4200], shm[4200];
        snprintf(wal, sizeof wal, "%s-wal", o->db_path);
        snprintf(shm, sizeof shm, "%s-shm", o->db_path);
        const char *inputs[] = {o->db_path, wal, shm, path, config_path};
        err = check_out(*out, inputs, 5);
    }
    free(config_path);
    if (err)
        return err;
    /* A render killed on the way leaves OUT.tmpPID with personal data in
     * it: the next render of the same output removes it. */
    tte_tmp_sweep(*out);
    /* Said here, before the work, unless the summary at its end says
     * it. */
    const char *why = tte_official_placeholder(*config);
    if (why && !o->summary)
        log_warn("configuration: the reporting official is a placeholder "
                 "(%s); fill in official.name, official.nip and "
                 "official.position before the report is sent",
                 why);
    r->db_path = o->db_path;
    render_agency_unit(r);
    err = render_set_budget(r);
    if (!err)
        err = o->html ? render_html(r, *out) : render_workbook(r, *out);
    if (!err)
        log_info("wrote %s (%s%s)", *out,
                 tte_vars_get(&r->vars, "period_label"),
                 r->preview ? ", preview" : "");
    if (!err && o->summary)
        tte_summary(r->db, r->period.key, r->config);
    return err;
}

int
main(int argc, char **argv)
{
    struct render_opts o = {0};
    struct render r = {0};
    cJSON *tpl = NULL, *config = NULL;
    char *out = NULL;
    int status;

    tte_log_init("tte-render");
    /* Reports hold personal data: every file and folder this program
     * creates is its owner's alone, whatever the caller's umask. */
    umask(077);
    status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;
    if (!o.year)
        o.year = tte_last_completed_year(TTE_WIB_OFFSET);
    r.preview = o.quarter > 0;
    r.unmask_nik = o.unmask_nik;
    r.as_of = o.as_of;
    enum tte_err err = run(&o, &r, &tpl, &config, &out);
    tte_vars_free(&r.vars);
    sqlite3_close(r.db);
    free((char *)r.tpl_path);
    free(out);
    cJSON_Delete(tpl);
    cJSON_Delete(config);
    return tte_exit_code(err);
}
