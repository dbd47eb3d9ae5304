/* tte-send: mails the report to BSSN over SMTP with STARTTLS, once. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include <curl/curl.h>

#include "ledger.h"
#include "send.h"
#include "tte_cli.h"
#include "tte_config.h"
#include "tte_db.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_text.h"
#include "tte_time.h"

static const char usage_text[] =
    "usage: tte-send [options] --report FILE.xlsx\n"
    "       tte-send --list [--db FILE]\n"
    "\n"
    "Mails the report to BSSN (SMTP, STARTTLS required) exactly once: a\n"
    "recipient that already has the period's report is not sent it again.\n"
    "\n"
    "  -d, --db FILE          database (default: report.db, or $TTE_DB)\n"
    "  -r, --report FILE      the XLSX to send\n"
    "  -c, --config FILE      configuration (default: conf/tte-report.json);\n"
    "                         its \"mail\" object gives the defaults below\n"
    "  -y, --year YYYY        report year (default: from the file name)\n"
    "  -Q, --quarter Q        the report is a quarterly preview\n"
    "  -n, --dry-run FILE     write the exact message to FILE.eml; send nothing\n"
    "      --smtp URL         smtp://host:port (STARTTLS) or smtps://host:port\n"
    "      --from ADDR        sender\n"
    "      --to ADDR          recipient (repeatable)\n"
    "      --cc ADDR          copy (repeatable)\n"
    "      --reply-to ADDR    reply address\n"
    "      --user NAME        SMTP user\n"
    "      --password-file F  SMTP password, in a file only its owner can read\n"
    "                         (or $TTE_SMTP_PASSWORD)\n"
    "      --cacert FILE      CA certificates to verify the server with\n"
    "      --allow-plaintext  no TLS; only to a loopback address (testing)\n"
    "      --force            send even if already sent, a preview, or\n"
    "                         with a placeholder official\n"
    "  -t, --template FILE    mail text (default: templates/email.json)\n"
    "  -l, --list             list what was sent\n"
    "  -q, --quiet            only errors\n"
    "  -v, --verbose          show the SMTP conversation (AUTH redacted)\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n"
    "\n"
    "Exit status: 0 sent or already sent, 64 usage, 66 report missing,\n"
    "69 refused (5xx, authentication, TLS), 75 temporary failure (retry\n"
    "later), 78 bad configuration.\n";

enum { OPT_SMTP = 256, OPT_FROM, OPT_TO, OPT_CC, OPT_REPLY, OPT_USER,
       OPT_PWFILE, OPT_CACERT, OPT_PLAIN, OPT_FORCE };

static const struct option long_opts[] = {
    {"db", required_argument, NULL, 'd'},
    {"report", required_argument, NULL, 'r'},
    {"config", required_argument, NULL, 'c'},
    {"year", required_argument, NULL, 'y'},
    {"quarter", required_argument, NULL, 'Q'},
    {"dry-run", required_argument, NULL, 'n'},
    {"smtp", required_argument, NULL, OPT_SMTP},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"cc", required_argument, NULL, OPT_CC},
    {"reply-to", required_argument, NULL, OPT_REPLY},
    {"user", required_argument, NULL, OPT_USER},
    {"password-file", required_argument, NULL, OPT_PWFILE},
    {"cacert", required_argument, NULL, OPT_CACERT},
    {"allow-plaintext", no_argument, NULL, OPT_PLAIN},
    {"force", no_argument, NULL, OPT_FORCE},
    {"template", required_argument, NULL, 't'},
    {"list", no_argument, NULL, 'l'},
    TTE_COMMON_LONG_OPTS,
};

static int
add_addr(const char **list, size_t *n, const char *a)
{
    if (*n == SEND_MAX_RCPT)
        return tte_usage_error("at most %d addresses per list", SEND_MAX_RCPT);
    list[(*n)++] = a;
    return -1;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
    int ch, verbosity = TTE_LOG_INFO, rc = -1;
    while (rc < 0 && (ch = getopt_long(argc, argv, "d:r:c:y:Q:n:t:lqvhV",
                                       long_opts, NULL)) != -1) {
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'r': o->report = optarg; break;
        case 'c': o->config = optarg; break;
        case 'y': rc = tte_year_option(optarg, &o->year); break;
        case 'Q': rc = tte_quarter_option(optarg, &o->quarter); break;
        case 'n': o->dry_run = optarg; break;
        case 't': o->tpl = optarg; break;
        case OPT_SMTP: o->smtp = optarg; break;
        case OPT_FROM: o->from = optarg; break;
        case OPT_TO: rc = add_addr(o->to, &o->nto, optarg); break;
        case OPT_CC: rc = add_addr(o->cc, &o->ncc, optarg); break;
        case OPT_REPLY: o->reply_to = optarg; break;
        case OPT_USER: o->user = optarg; break;
        case OPT_PWFILE: o->pwfile = optarg; break;
        case OPT_CACERT: o->cacert = optarg; break;
        case OPT_PLAIN: o->plaintext = true; break;
        case OPT_FORCE: o->force = true; break;
        case 'l': o->list = true; break;
        default:
            o->verbose |= ch == 'v';
            rc = tte_common_option(ch, usage_text, &verbosity);
            if (rc != TTE_OPT_NEXT)
                return rc;
        }
    }
    if (rc >= 0)
        return rc;
    rc = tte_args_done(argc, argv, verbosity);
    if (rc != TTE_OPT_NEXT)
        return rc;
    o->db = tte_opt_env(o->db, "TTE_DB", "report.db");
    if (!o->list && !o->report)
        return tte_usage_error("--report is required");
    return -1;
}


/* Year and quarter from the options, else from the file name. */
static bool
period_of(const struct opts *o, const char *name, struct settings *s,
          int *year, int *quarter)
{
    *year = o->year;
    *quarter = o->quarter;
    for (const char *p = name; !*year && *p; p++)
        if (p[0] == '2' && p[1] == '0' && strspn(p, "0123456789") == 4)
            *year = atoi(p);
    const char *t = strstr(name, "Triwulan-");
    if (!*quarter && t && t[9] >= '1' && t[9] <= '4')
        *quarter = t[9] - '0';
    s->preview = *quarter > 0 || strstr(name, "pratinjau") != NULL;
    tte_period_key(*year, *quarter, s->period);
    return *year > 0;
}

static enum tte_err
compose(const struct opts *o, const cJSON *config, struct settings *s,
        int year, int quarter)
{
    char *path = tte_find_data(o->tpl ? o->tpl : "templates/email.json");
    cJSON *tpl = NULL;
    struct tte_vars v = {0};
    struct tte_buf body;
    const cJSON *line;

    if (!path) {
        log_err("cannot find the mail template (templates/email.json)");
        return TTE_E_CONFIG;
    }
    enum tte_err err = tte_json_load(path, &tpl);
    free(path);
    if (err)
        return err == TTE_E_NOINPUT ? TTE_E_CONFIG : err;
    tte_period_vars(&v, year, quarter, TTE_WIB_OFFSET, s->mail.date,
                    tte_json_get(tpl, "labels"), config);
    tte_vars_set(&v, "report_name", s->mail.report_name);
    tte_vars_set(&v, "report_sha256", s->mail.sha256);
    s->mail.subject = tte_expand(tte_json_str(tpl, s->preview ?
                                              "preview_subject" : "subject",
                                              "{period_label}"), &v, config);
    buf_init(&body);
    cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(tpl, "body")) {
        char *t = tte_expand(cJSON_GetStringValue(line) ?: "", &v, config);
        buf_adds(&body, t);
        buf_adds(&body, "\r\n");
        free(t);
    }
    s->mail.body = body.data ? body.data : xstrdup("");
    tte_vars_free(&v);
    cJSON_Delete(tpl);
    if (!mail_header_safe(s->mail.subject)) {
        log_err("mail subject must not contain line breaks");
        return TTE_E_CONFIG;
    }
    return TTE_OK;
}

static enum tte_err
write_eml(const char *path, const struct tte_buf *msg)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(msg->data, 1, msg->len, fp) != msg->len) {
        log_err("cannot write '%s': %s", path, strerror(errno));
        if (fp)
            fclose(fp);
        return TTE_E_CANTCREAT;
    }
    if (fclose(fp) != 0) {
        log_err("cannot write '%s': %s", path, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    log_info("wrote %s (%zu bytes); nothing was sent", path, msg->len);
    return TTE_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Drops recipients that already have the period's report; *left counts
 * the rest. */
static enum tte_err
skip_delivered(sqlite3 *db, struct settings *s, bool force, size_t *left)
{
    struct mail *m = &s->mail;
    const char **lists[2] = {m->to, m->cc};
    size_t *counts[2] = {&m->nto, &m->ncc};
    enum tte_err err = TTE_OK;
    *left = 0;
    for (int l = 0; l < 2 && !err; l++) {
        size_t keep = 0;
        for (size_t i = 0; i < *counts[l] && !err; i++) {
            struct ledger_hit hit;
            bool found = false;
            if (!force)
                err = ledger_find(db, s->period, lists[l][i], &hit, &found);
            if (found)
                log_info("%s already received this report (%s) on %s (%s)%s",
                         lists[l][i], s->period, hit.when, hit.message_id,
                         strcmp(hit.sha256, m->sha256) != 0
                             ? "; this file differs from the one sent: "
                               "--force sends it"
                             : "");
            else
                lists[l][keep++] = lists[l][i];
        }
        *counts[l] = keep;
        *left += keep;
    }
    return err;
}

/* Records the accepted recipients, one row each, sorted. */
static enum tte_err
record(sqlite3 *db, const struct settings *s, const struct smtp_result *r)
{
    char accepted[sizeof r->accepted];
    const char *rcpt[2 * SEND_MAX_RCPT];
    size_t n = 0;
    snprintf(accepted, sizeof accepted, "%s", r->accepted);
    for (char *t = strtok(accepted, ", "); t && n < 2 * SEND_MAX_RCPT;
         t = strtok(NULL, ", "))
        rcpt[n++] = t;
    qsort(rcpt, n, sizeof rcpt[0], cmp_str);
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < n && !err; i++) {
        struct ledger_entry e = {s->mail.sha256, s->mail.report_path,
                                 s->period, rcpt[i], s->mail.message_id,
                                 r->reply};
        err = ledger_record(db, &e);
    }
    return err ? (tte_db_exec(db, "ROLLBACK"), err)
               : tte_db_exec(db, "COMMIT");
}

static enum tte_err
deliver(const struct opts *o, const cJSON *config, struct settings *s,
        const struct tte_buf *msg)
{
    sqlite3 *db;
    struct smtp_result res;
    size_t left;
    enum tte_err err = tte_db_open(o->db, false, &db);
    if (err)
        return err;
    err = skip_delivered(db, s, o->force, &left);
    if (!err && left == 0) {
        log_info("nothing to send: every recipient already has %s (use "
                 "--force to send again)", s->mail.report_name);
        sqlite3_close(db);
        return TTE_OK;
    }
    if (!err)
        err = settings_smtp(o, config, s);
    if (!err)
        err = smtp_send(&s->smtp, &s->mail, msg, &res);
    if (!err && res.accepted[0])
        err = record(db, s, &res);
    if (!err) {
        log_info("sent %s to %s; server: %s", s->mail.report_name,
                 res.accepted, res.reply);
        if (res.refused[0]) {
            log_err("refused by the server: %s (the others were sent and "
                    "recorded)", res.refused);
            err = res.reply[0] == '4' ? TTE_E_TEMPFAIL : TTE_E_UNAVAILABLE;
        }
    }
    sqlite3_close(db);
    return err;
}

static enum tte_err
run(const struct opts *o, struct settings *s)
{
    cJSON *config = NULL;
    struct tte_buf msg;
    int year, quarter;
    char *base = xstrdup(o->report), *data = NULL;
    size_t len = 0;
    enum tte_err err = tte_config_load(o->config, &config, NULL);

    buf_init(&msg);
    s->mail.report_path = o->report;
    s->mail.report_name = basename(base);
    s->mail.date = (int64_t)time(NULL);
    if (!err && !period_of(o, s->mail.report_name, s, &year, &quarter)) {
        log_err("cannot tell the report's year from '%s'; give --year",
                s->mail.report_name);
        err = TTE_E_USAGE;
    }
    if (!err && s->preview && !o->force && !o->dry_run) {
        log_err("'%s' is a quarterly preview, not the annual report; use "
                "--force to send it anyway", s->mail.report_name);
        err = TTE_E_USAGE;
    }
    const char *why = err ? NULL : tte_official_placeholder(config);
    if (why && !o->force && !o->dry_run) {
        log_err("the reporting official in the configuration is a "
                "placeholder (%s); fill in official.name, official.nip and "
                "official.position, or use --force", why);
        err = TTE_E_CONFIG;
    }
    if (!err && (err = tte_read_file(o->report, &data, &len)) == TTE_OK) {
        s->mail.report_data = data;
        s->mail.report_len = len;
        tte_sha256_hex(data, len, s->mail.sha256);
    }
    if (!err)
        err = settings_load(o, config, s);
    if (!err)
        err = compose(o, config, s, year, quarter);
    if (!err) {
        mail_build(&s->mail, &msg);
        err = o->dry_run ? write_eml(o->dry_run, &msg)
                         : deliver(o, config, s, &msg);
    }
    buf_free(&msg);
    cJSON_Delete(config);
    free(data);
    free(base);
    return err;
}

int
main(int argc, char **argv)
{
    struct opts o = {0};
    struct settings s = {0};
    int status;

    tte_log_init("tte-send");
    status = parse_args(argc, argv, &o);
    if (status >= 0)
        return status;
    if (o.list) {
        sqlite3 *db;
        enum tte_err err = tte_db_open(o.db, true, &db);
        if (!err)
            err = ledger_list(db, stdout);
        sqlite3_close(db);
        return tte_exit_code(err);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    enum tte_err err = run(&o, &s);
    settings_free(&s);
    curl_global_cleanup();
    return tte_exit_code(err);
}
