/* tte-send: mails the report to BSSN over SMTP with STARTTLS, once. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ledger.h"
#include "send.h"
#include "tte_cli.h"
#include "tte_config.h"
#include "tte_db.h"
#include "tte_hash.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_path.h"
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
    "  -r, --report FILE      the XLSX to send: one tte-render wrote into\n"
    "                         this database (known by its SHA-256)\n"
    "  -c, --config FILE      configuration (default: conf/tte-report.json);\n"
    "                         its \"mail\" object gives the defaults below\n"
    "  -y, --year YYYY        report year (default: the rendered one's)\n"
    "  -Q, --quarter Q        quarter (default: the rendered one's)\n"
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
    "      --timeout SECONDS  give a silent server up after this (default\n"
    "                         60, or the configuration's mail.timeout)\n"
    "      --force            send even if already sent or pending, or with\n"
    "                         a placeholder official; with --year/--quarter,\n"
    "                         a preview or a file not rendered here\n"
    "  -t, --template FILE    mail text (default: templates/email.json)\n"
    "  -l, --list             list what was sent\n"
    "  -q, --quiet            only errors\n"
    "  -v, --verbose          show the SMTP conversation (AUTH redacted)\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n"
    "\n"
    "S/MIME (or the configuration's \"smime\" object):\n"
    "      --sign-cert FILE   sign with this PEM certificate (its chain after\n"
    "                         it in the file); emailProtection, --from in it\n"
    "      --sign-key FILE    its PEM private key (default: in --sign-cert)\n"
    "      --sign-p12 FILE    key, certificate and chain from PKCS#12 instead\n"
    "      --sign-key-password-file F  the key's password, in a file only\n"
    "                         its owner can read\n"
    "      --encrypt-to FILE  also encrypt for the certificates in this PEM\n"
    "                         (repeatable); every To and Cc needs one\n"
    "      --encrypt-cipher C aes-256-gcm (default) or aes-256-cbc\n"
    "\n"
    "Exit status: 0 sent or already sent, 64 usage, 65 not a final report\n"
    "rendered here, 66 report missing or not a regular file, 69 refused\n"
    "(5xx, authentication, TLS, a libcurl option refused) or an unconfirmed\n"
    "earlier send, 73 --dry-run file not writable, 75 temporary failure\n"
    "(4xx, no connection, another tte-send sending; retry later), 78 bad\n"
    "configuration or S/MIME certificate.\n";

enum {
    OPT_SMTP = 256,
    OPT_FROM,
    OPT_TO,
    OPT_CC,
    OPT_REPLY,
    OPT_USER,
    OPT_PWFILE,
    OPT_CACERT,
    OPT_PLAIN,
    OPT_FORCE,
    OPT_TIMEOUT,
    OPT_SIGN_CERT,
    OPT_SIGN_KEY,
    OPT_SIGN_PW,
    OPT_SIGN_P12,
    OPT_ENCRYPT,
    OPT_CIPHER
};

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
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"sign-cert", required_argument, NULL, OPT_SIGN_CERT},
    {"sign-key", required_argument, NULL, OPT_SIGN_KEY},
    {"sign-key-password-file", required_argument, NULL, OPT_SIGN_PW},
    {"sign-p12", required_argument, NULL, OPT_SIGN_P12},
    {"encrypt-to", required_argument, NULL, OPT_ENCRYPT},
    {"encrypt-cipher", required_argument, NULL, OPT_CIPHER},
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
timeout_option(const char *arg, long *out)
{
    long long v;
    if (!tte_str_to_i64(arg, &v) || v < 1 || v > 3600)
        return tte_usage_error("--timeout needs 1 to 3600 seconds, not '%s'",
                               arg);
    *out = (long)v;
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
        case OPT_TIMEOUT: rc = timeout_option(optarg, &o->timeout); break;
        case OPT_SIGN_CERT: o->sign_cert = optarg; break;
        case OPT_SIGN_KEY: o->sign_key = optarg; break;
        case OPT_SIGN_PW: o->sign_pwfile = optarg; break;
        case OPT_SIGN_P12: o->sign_p12 = optarg; break;
        case OPT_ENCRYPT:
            rc = add_addr(o->encrypt_to, &o->nencrypt, optarg);
            break;
        case OPT_CIPHER: o->cipher = optarg; break;
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

struct rendered {
    bool found;
    int year, quarter;
    char kind[16], when[21];
};

/* What tte-render recorded about a file with this content. */
static enum tte_err
find_render(sqlite3 *db, const char *sha, struct rendered *r)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT year, quarter, kind, rendered_at FROM renders"
            " WHERE sha256 = ?1 ORDER BY rendered_at DESC, id DESC LIMIT 1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    r->found = rc == SQLITE_ROW;
    if (r->found) {
        r->year = sqlite3_column_int(st, 0);
        r->quarter = sqlite3_column_int(st, 1);
        snprintf(r->kind, sizeof r->kind, "%s",
                 (const char *)sqlite3_column_text(st, 2) ?: "");
        tte_format_utc(sqlite3_column_int64(st, 3), r->when);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

/* The report's period and kind come from what tte-render recorded for
 * these bytes, never from the file's name: a renamed preview is still a
 * preview. Only --force with --year/--quarter sends anything else. */
static enum tte_err
identify(const struct opts *o, struct settings *s)
{
    struct rendered r = {0};
    int year, quarter;
    sqlite3 *db;
    const char *name = s->mail.report_name;
    bool forced = o->force && o->year;
    enum tte_err err = tte_db_open(o->db, true, &db);
    if (!err)
        err = find_render(db, s->mail.sha256, &r);
    sqlite3_close(db);
    if (err)
        return err;
    year = r.found ? r.year : o->year;
    quarter = r.found ? r.quarter : o->quarter;
    if (!r.found && !forced) {
        log_err("'%s' is not a report tte-render wrote into '%s' (SHA-256 "
                "%.16s...): not sent; --force with --year sends it anyway",
                name, o->db, s->mail.sha256);
        return TTE_E_DATA;
    }
    if (r.found && o->year && (o->year != r.year || o->quarter != r.quarter) &&
        !o->force) {
        log_err("'%s' is the report of %d%s%.0d, rendered %s, not of "
                "%d%s%.0d",
                name, r.year, r.quarter ? "Q" : "", r.quarter, r.when, o->year,
                o->quarter ? "Q" : "", o->quarter);
        return TTE_E_DATA;
    }
    if (forced) {
        year = o->year;
        quarter = o->quarter;
    }
    if (r.found && strcmp(r.kind, "preview") == 0 && !forced) {
        log_err("'%s' is the quarterly preview (PRATINJAU) of %dQ%d, "
                "rendered %s, not the annual report: not sent; --force "
                "with --year and --quarter sends it anyway",
                name, r.year, r.quarter, r.when);
        return TTE_E_DATA;
    }
    s->preview = quarter > 0;
    /* The mail's dates are those of the period in WIB, whatever the
     * report zone. */
    if (tte_period_init(&s->period, year, quarter, "WIB")) {
        log_err("'%s': the period recorded for it (%d, quarter %d) is not "
                "a report period",
                name, year, quarter);
        return TTE_E_DATA;
    }
    return TTE_OK;
}

static enum tte_err
compose(const struct opts *o, const cJSON *config, struct settings *s)
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
    tte_period_vars(&v, &s->period, s->mail.date, tte_json_get(tpl, "labels"),
                    config);
    tte_vars_set(&v, "report_name", s->mail.report_name);
    tte_vars_set(&v, "report_sha256", s->mail.sha256);
    s->mail.subject = tte_expand(
        tte_json_str(tpl, s->preview ? "preview_subject" : "subject",
                     "{period_label}"),
        &v, config);
    tte_buf_init(&body);
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(tpl, "preview_body");
    if (!s->preview || !cJSON_IsArray(lines))
        lines = cJSON_GetObjectItemCaseSensitive(tpl, "body");
    cJSON_ArrayForEach (line, lines) {
        char *t = tte_expand(cJSON_GetStringValue(line) ?: "", &v, config);
        tte_buf_adds(&body, t);
        tte_buf_adds(&body, "\r\n");
        free(t);
    }
    s->mail.body = body.data ? body.data : tte_xstrdup("");
    tte_vars_free(&v);
    cJSON_Delete(tpl);
    if (!mail_header_safe(s->mail.subject)) {
        log_err("mail subject must not contain line breaks");
        return TTE_E_CONFIG;
    }
    return TTE_OK;
}

/* The .eml must not replace an input (the database, the report, the
 * configuration), whatever the path's spelling: same device and inode. */
static enum tte_err
check_eml(const struct opts *o)
{
    const char *inputs[] = {o->db, o->report, o->config};
    const char *hit = tte_path_clash(o->dry_run, inputs, 3);
    if (!hit)
        return TTE_OK;
    log_err("--dry-run '%s' is the input '%s'; refusing to overwrite it",
            o->dry_run, hit);
    return TTE_E_CANTCREAT;
}

static enum tte_err
write_eml(const char *path, const struct tte_buf *msg)
{
    /* The message carries the report: owner only, whatever the umask. A
     * FIFO or a device is no message file: O_NONBLOCK so that a FIFO
     * without a reader fails at once, and the type is checked before any
     * byte is written. */
    struct stat sb;
    int fd = open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                  0600);
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        log_err("--dry-run '%s' is not a regular file: not written", path);
        close(fd);
        return TTE_E_CANTCREAT;
    }
    FILE *fp = fd >= 0 && fchmod(fd, 0600) == 0 && ftruncate(fd, 0) == 0
                   ? fdopen(fd, "wb")
                   : NULL;
    if (!fp && fd >= 0)
        close(fd);
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

/* Drops recipients that already have the period's report; *left counts
 * the rest. A send that was started but never confirmed (pending) is
 * reported, not repeated: the server may have it. --force repeats it
 * with the same Message-ID, so that the receiver sees one message. */
static enum tte_err
skip_delivered(sqlite3 *db, struct settings *s, bool force, size_t *left)
{
    struct mail *m = &s->mail;
    const char **lists[2] = {m->to, m->cc};
    size_t *counts[2] = {&m->nto, &m->ncc};
    enum tte_err err = TTE_OK;
    bool pending = false;
    *left = 0;
    for (int l = 0; l < 2 && !err; l++) {
        size_t keep = 0;
        for (size_t i = 0; i < *counts[l] && !err; i++) {
            struct ledger_hit hit;
            bool found = false;
            err = ledger_find(db, s->period.key, lists[l][i], &hit, &found);
            if (found && hit.pending && force)
                snprintf(m->message_id, sizeof m->message_id, "%s",
                         hit.message_id);
            if (found && hit.pending && !force) {
                log_err("%s: the send of %s started on %s (%s) was never "
                        "confirmed by the server; it may have arrived. Ask "
                        "the recipient; --force sends it again with the "
                        "same Message-ID",
                        lists[l][i], s->period.key, hit.when, hit.message_id);
                pending = true;
            } else if (found && !hit.pending && !force) {
                log_info("%s already received this report (%s) on %s (%s)%s",
                         lists[l][i], s->period.key, hit.when, hit.message_id,
                         strcmp(hit.sha256, m->sha256) != 0
                             ? "; this file differs from the one sent: "
                               "--force sends it"
                             : "");
            } else {
                lists[l][keep++] = lists[l][i];
            }
        }
        *counts[l] = keep;
        *left += keep;
    }
    return !err && pending ? TTE_E_UNAVAILABLE : err;
}

/* One 'pending' row per recipient, written before the message goes out. */
static enum tte_err
record_pending(sqlite3 *db, const struct settings *s, struct ledger_ids *ids)
{
    const struct mail *m = &s->mail;
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < m->nto + m->ncc && !err; i++) {
        const char *rcpt = i < m->nto ? m->to[i] : m->cc[i - m->nto];
        struct ledger_entry e = {m->sha256,        m->report_path,
                                 s->period.key,    rcpt,
                                 m->message_id,    NULL,
                                 s->signer_serial, s->encrypt_sha256};
        err = ledger_pending(db, &e, &ids[i]);
    }
    if (err) {
        tte_db_rollback(db);
        return err;
    }
    return tte_db_exec(db, "COMMIT");
}

/* The code the server gave rcpt at RCPT TO, 0 when it was not asked. */
static int
rcpt_code(const struct smtp_result *r, const char *rcpt)
{
    for (size_t i = 0; i < r->nrcpt; i++)
        if (strcmp(r->rcpt[i].addr, rcpt) == 0)
            return r->rcpt[i].code;
    return 0;
}

/* Sent only when the server accepted the recipient and then answered the
 * end of DATA with 250: a 4xx or 5xx there means nobody got it. */
static enum ledger_outcome
outcome(const struct smtp_result *r, const char *rcpt, enum tte_err sent)
{
    int code = rcpt_code(r, rcpt);
    if (code >= 200 && code < 300 && r->delivered)
        return LEDGER_SENT;
    if (code >= 400)
        return code < 500 ? LEDGER_RETRY : LEDGER_FAILED;
    if (r->data_code >= 400)
        return r->data_code < 500 ? LEDGER_RETRY : LEDGER_FAILED;
    return sent == TTE_E_TEMPFAIL ? LEDGER_RETRY : LEDGER_FAILED;
}

/* After the server answered: delivered recipients become 'sent', the
 * others' rows go (a re-run sends them) and their attempts keep why. With
 * no answer to the data at all, every row stays pending. */
static enum tte_err
settle(sqlite3 *db, const struct settings *s, const struct smtp_result *r,
       enum tte_err sent, const struct ledger_ids *ids)
{
    const struct mail *m = &s->mail;
    bool any = false;
    if (r->unknown) {
        log_err("no answer from the server after the message was sent: it "
                "may have arrived; recorded as pending (%s)",
                m->message_id);
        return TTE_OK;
    }
    for (size_t i = 0; i < m->nto + m->ncc; i++)
        any |= outcome(r, i < m->nto ? m->to[i] : m->cc[i - m->nto], sent) ==
               LEDGER_SENT;
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < m->nto + m->ncc && !err; i++) {
        const char *rcpt = i < m->nto ? m->to[i] : m->cc[i - m->nto];
        err = ledger_settle(db, &ids[i], outcome(r, rcpt, sent), r->reply);
    }
    if (err)
        tte_db_rollback(db);
    else
        err = tte_db_exec(db, "COMMIT");
    if (err && any)
        log_err("the server accepted the message (%s) but it could not be "
                "recorded as sent: the ledger keeps it pending, and a "
                "re-run reports it instead of sending it again",
                m->message_id);
    return err;
}

/* Recipients refused at RCPT TO: a 5xx needs someone to look (69), only
 * 4xx ones are retried by a re-run (75). */
static enum tte_err
refusals(const struct smtp_result *r)
{
    bool temp = false, perm = false;
    for (size_t i = 0; i < r->nrcpt; i++) {
        temp |= r->rcpt[i].code >= 400 && r->rcpt[i].code < 500;
        perm |= r->rcpt[i].code >= 500;
    }
    if (!temp && !perm)
        return TTE_OK;
    log_err("refused by the server: %s (the others were sent and "
            "recorded)%s",
            r->refused, perm ? "" : "; a re-run retries them");
    return perm ? TTE_E_UNAVAILABLE : TTE_E_TEMPFAIL;
}

static enum tte_err
deliver(const struct opts *o, const cJSON *config, struct settings *s,
        struct tte_buf *msg)
{
    sqlite3 *db;
    struct smtp_result res = {0};
    struct ledger_ids ids[2 * SEND_MAX_RCPT];
    size_t left;
    int lock = -1;
    enum tte_err err = send_lock(o->db, &lock);
    if (err)
        return err;
    err = tte_db_open(o->db, false, &db);
    if (err) {
        send_unlock(lock);
        return err;
    }
    err = skip_delivered(db, s, o->force, &left);
    if (!err && left == 0) {
        log_info("nothing to send: every recipient already has %s (use "
                 "--force to send again)",
                 s->mail.report_name);
        sqlite3_close(db);
        send_unlock(lock);
        return TTE_OK;
    }
    if (!err)
        err = settings_smtp(o, config, s);
    if (!err)
        err = settings_build(s, msg);
    if (!err)
        err = record_pending(db, s, ids);
    if (!err) {
        enum tte_err sent = smtp_send(&s->smtp, &s->mail, msg, &res);
        err = settle(db, s, &res, sent, ids);
        if (sent)
            err = sent;
    }
    if (!err) {
        log_info("sent %s to %s; server: %s", s->mail.report_name,
                 res.accepted, res.reply);
        err = refusals(&res);
    }
    sqlite3_close(db);
    send_unlock(lock);
    return err;
}

/* An official report names a real official: a placeholder is refused
 * unless --force (a dry run only shows the message). */
static enum tte_err
check_official(const struct opts *o, const cJSON *config)
{
    const char *why = tte_official_placeholder(config);
    if (!why || o->force || o->dry_run)
        return TTE_OK;
    log_err("the reporting official in the configuration is a placeholder "
            "(%s); fill in official.name, official.nip and "
            "official.position, or use --force",
            why);
    return TTE_E_CONFIG;
}

static enum tte_err
run(const struct opts *o, struct settings *s)
{
    cJSON *config = NULL;
    struct tte_buf msg;
    char *base = tte_xstrdup(o->report), *data = NULL;
    size_t len = 0;
    enum tte_err err = tte_config_load(o->config, &config, NULL);

    tte_buf_init(&msg);
    s->mail.report_path = o->report;
    s->mail.report_name = basename(base);
    s->mail.date = (int64_t)time(NULL);
    if (!err && (err = report_read(o->report, &data, &len)) == TTE_OK) {
        s->mail.report_data = data;
        s->mail.report_len = len;
        tte_sha256_hex(data, len, s->mail.sha256);
    }
    if (!err)
        err = identify(o, s);
    if (!err)
        err = check_official(o, config);
    if (!err)
        err = settings_load(o, config, s);
    if (!err)
        err = settings_smime(o, config, s);
    if (!err)
        err = compose(o, config, s);
    if (!err && o->dry_run)
        err = check_eml(o);
    if (!err && o->dry_run) {
        err = settings_build(s, &msg);
        if (!err)
            err = write_eml(o->dry_run, &msg);
    } else if (!err) {
        err = deliver(o, config, s, &msg);
    }
    tte_buf_free(&msg);
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
    /* The .eml of --dry-run carries the report: owner only. */
    umask(077);
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
