/*
 * Mail settings: each option overrides the configuration's "mail" key of
 * the same name. Every address and header value is checked here, before
 * anything is built or sent.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "send.h"
#include "smime.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_path.h"

static const char *
pick(const char *opt, const cJSON *config, const char *key)
{
    char path[64];
    if (opt)
        return opt;
    snprintf(path, sizeof path, "mail.%s", key);
    return tte_json_str(config, path, NULL);
}

static enum tte_err
bad(const char *what, const char *name, const char *value, bool cli)
{
    log_err("%s%s: %s '%s'", cli ? "--" : "configuration: mail.", name, what,
            value ? value : "");
    return cli ? TTE_E_USAGE : TTE_E_CONFIG;
}

/* Addresses from the option list, else from the configuration. */
static enum tte_err
pick_list(const char *const *opt, size_t nopt, const cJSON *config,
          const char *key, const char **out, size_t *n)
{
    char path[64];
    const cJSON *v, *it;
    *n = 0;
    for (size_t i = 0; i < nopt; i++) {
        if (!mail_address_valid(opt[i]))
            return bad("is not a valid address", key, opt[i], true);
        out[(*n)++] = opt[i];
    }
    if (nopt)
        return TTE_OK;
    snprintf(path, sizeof path, "mail.%s", key);
    v = tte_json_get(config, path);
    if (cJSON_IsString(v) && !mail_address_valid(v->valuestring))
        return bad("is not a valid address", key, v->valuestring, false);
    if (cJSON_IsString(v)) {
        out[(*n)++] = v->valuestring;
        return TTE_OK;
    }
    cJSON_ArrayForEach (it, v) {
        const char *a = cJSON_GetStringValue(it);
        if (!mail_address_valid(a))
            return bad("is not a valid address", key, a, false);
        if (*n < SEND_MAX_RCPT)
            out[(*n)++] = a;
    }
    return TTE_OK;
}

/* A password file must be a regular file nobody but its owner reads. */
enum tte_err
settings_read_secret(const char *path, bool cli, char **out)
{
    struct stat sb;
    char line[512];
    const char *why;
    int fd = tte_open_input(path, &sb, &why);
    FILE *fp = NULL;
    if (fd < 0 && !strstr(why, "not a regular file")) {
        log_err("cannot open password file '%s': %s", path, why);
        return cli ? TTE_E_NOINPUT : TTE_E_CONFIG;
    }
    if (fd >= 0)
        fp = fdopen(fd, "r");
    if (!fp || (sb.st_mode & 077)) {
        if (fp)
            fclose(fp);
        else if (fd >= 0)
            close(fd);
        log_err("password file '%s' must be a regular file readable only by "
                "its owner (chmod 600)",
                path);
        return TTE_E_CONFIG;
    }
    if (!fgets(line, sizeof line, fp))
        line[0] = '\0';
    fclose(fp);
    line[strcspn(line, "\r\n")] = '\0';
    *out = tte_xstrdup(line);
    explicit_bzero(line, sizeof line);
    return TTE_OK;
}

static enum tte_err
check_smtp(const struct opts *o, struct settings *s)
{
    char url[1024];
    bool cli = o->smtp != NULL;
    if (s->smtp.url)
        smtp_url_redact(s->smtp.url, url, sizeof url);
    if (!s->smtp.url)
        return bad("is required (smtp://host:587 or smtps://host:465)", "smtp",
                   "", cli);
    if (!mail_header_safe(s->smtp.url) ||
        (strncmp(s->smtp.url, "smtp://", 7) &&
         strncmp(s->smtp.url, "smtps://", 8)))
        return bad("must be smtp://host:port or smtps://host:port", "smtp",
                   url, cli);
    if (o->plaintext && !smtp_url_loopback(s->smtp.url))
        return bad("--allow-plaintext is only allowed to a loopback address,",
                   "smtp", url, cli);
    return TTE_OK;
}

static enum tte_err
load_identity(const struct opts *o, const cJSON *config, struct settings *s)
{
    struct mail *m = &s->mail;
    m->from = pick(o->from, config, "from");
    if (!mail_address_valid(m->from))
        return bad("is not a valid address", "from", m->from, o->from);
    m->reply_to = pick(o->reply_to, config, "reply_to");
    if (m->reply_to && !mail_address_valid(m->reply_to))
        return bad("is not a valid address", "reply-to", m->reply_to,
                   o->reply_to);
    enum tte_err err = pick_list(o->to, o->nto, config, "to", m->to, &m->nto);
    if (!err)
        err = pick_list(o->cc, o->ncc, config, "cc", m->cc, &m->ncc);
    if (!err && !m->nto)
        err = bad("needs at least one recipient", "to", "", o->nto);
    return err;
}

enum tte_err
settings_load(const struct opts *o, const cJSON *config, struct settings *s)
{
    return load_identity(o, config, s);
}

enum tte_err
settings_smtp(const struct opts *o, const cJSON *config, struct settings *s)
{
    enum tte_err err;
    s->smtp.url = pick(o->smtp, config, "smtp");
    s->smtp.user = pick(o->user, config, "user");
    s->smtp.cacert = pick(o->cacert, config, "cacert");
    s->smtp.allow_plaintext = o->plaintext;
    s->smtp.verbose = o->verbose;
    const cJSON *t = tte_json_get(config, "mail.timeout");
    s->smtp.timeout = o->timeout          ? o->timeout
                      : cJSON_IsNumber(t) ? (long)t->valuedouble
                                          : 60;
    if (s->smtp.timeout < 1 || s->smtp.timeout > 3600) {
        log_err("configuration: mail.timeout must be 1 to 3600 seconds");
        return TTE_E_CONFIG;
    }
    err = check_smtp(o, s);
    if (err)
        return err;
    if (s->smtp.user && !mail_header_safe(s->smtp.user))
        return bad("must not contain line breaks", "user", "", o->user);
    const char *pw = pick(o->pwfile, config, "password_file");
    const char *env = getenv("TTE_SMTP_PASSWORD");
    if (o->pwfile || (!env && pw && s->smtp.user))
        err = settings_read_secret(pw, o->pwfile != NULL, &s->password);
    else if (env)
        s->password = tte_xstrdup(env);
    s->smtp.password = s->password;
    return err;
}

/* "smime.encrypt_to": one file or a list of them. */
static size_t
config_files(const cJSON *v, const char **out)
{
    const cJSON *it;
    size_t n = 0;
    if (cJSON_IsString(v)) {
        out[n++] = v->valuestring;
        return n;
    }
    cJSON_ArrayForEach (it, v)
        if (cJSON_IsString(it) && n < SEND_MAX_RCPT)
            out[n++] = it->valuestring;
    return n;
}

enum tte_err
settings_smime(const struct opts *o, const cJSON *config, struct settings *s)
{
    const char *files[SEND_MAX_RCPT];
    struct smime_opts so = {0};
    so.cli = o->sign_cert || o->sign_key || o->sign_p12 || o->sign_pwfile;
    so.cert = so.cli ? o->sign_cert
                     : tte_json_str(config, "smime.sign_cert", NULL);
    so.key = so.cli ? o->sign_key
                    : tte_json_str(config, "smime.sign_key", NULL);
    so.p12 = so.cli ? o->sign_p12
                    : tte_json_str(config, "smime.sign_p12", NULL);
    so.pwfile = so.cli ? o->sign_pwfile
                       : tte_json_str(config, "smime.sign_key_password_file",
                                      NULL);
    so.encrypt_to = o->nencrypt ? o->encrypt_to : files;
    so.nencrypt = o->nencrypt
                      ? o->nencrypt
                      : config_files(tte_json_get(config, "smime.encrypt_to"),
                                     files);
    so.cipher = o->cipher;
    const char *pre = so.cli ? "--" : "configuration: smime.";
    if (so.cert && so.p12) {
        log_err("%ssign-cert and %ssign-p12 exclude each other", pre, pre);
        return so.cli ? TTE_E_USAGE : TTE_E_CONFIG;
    }
    if (!so.cert && !so.p12 &&
        (so.key || so.pwfile || so.nencrypt || o->cipher)) {
        log_err("S/MIME needs a signing identity: %s",
                so.cli || o->cipher || o->nencrypt
                    ? "--sign-cert (with --sign-key) or --sign-p12"
                    : "smime.sign_cert or smime.sign_p12");
        return so.cli || o->cipher || o->nencrypt ? TTE_E_USAGE : TTE_E_CONFIG;
    }
    if (!so.cert && !so.p12)
        return TTE_OK;
    enum tte_err err = smime_load(&so, &s->mail, &s->smime);
    if (!err) {
        s->signer_serial = smime_signer_serial(s->smime);
        s->encrypt_sha256 = smime_encrypt_sha256(s->smime);
    }
    return err;
}

enum tte_err
settings_build(struct settings *s, struct tte_buf *out)
{
    if (!s->smime) {
        mail_build(&s->mail, out);
        return TTE_OK;
    }
    return smime_build(s->smime, &s->mail, out);
}

void
settings_free(struct settings *s)
{
    smime_free(s->smime);
    if (s->password) {
        explicit_bzero(s->password, strlen(s->password));
        free(s->password);
    }
    free(s->mail.subject);
    free(s->mail.body);
}
