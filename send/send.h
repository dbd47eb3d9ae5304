#ifndef SEND_H
#define SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "tte_err.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

#include <cjson/cJSON.h>

#define SEND_MAX_RCPT 32

struct mail {
    const char *from;
    const char *reply_to;
    const char *to[SEND_MAX_RCPT];
    size_t nto;
    const char *cc[SEND_MAX_RCPT];
    size_t ncc;
    char *subject;
    char *body;
    const char *report_path;
    const char *report_name;    /* file name in the attachment */
    /* The report's bytes, read once: what is hashed is what is attached,
     * even if the file is rendered again meanwhile. */
    const char *report_data;
    size_t report_len;
    char sha256[65];            /* of report_data */
    char message_id[160];
    int64_t date;               /* seconds, shown in WIB */
};

/* message.c */
/* An address we accept: local@domain, printable ASCII, no CR/LF. */
bool mail_address_valid(const char *a);
/* Header text may not carry CR or LF (header injection). */
bool mail_header_safe(const char *s);
/* Builds the whole RFC 5322 message (headers, text part, the report as a
 * base64 attachment) into out. Deterministic for the same inputs. */
void mail_build(struct mail *m, struct tte_buf *out);

/* smtp.c */
struct smtp_opts {
    const char *url;
    const char *user;
    const char *password;       /* never logged */
    const char *cacert;
    bool allow_plaintext;
    bool verbose;
    long timeout;               /* seconds a silent server is waited for */
};

struct smtp_result {
    char reply[512];            /* the server's last reply line */
    char refused[1024];         /* recipients the server refused */
    char accepted[2048];        /* recipients it accepted, comma-separated */
    /* The whole message went out and no answer came: the server may have
     * it. Such a send stays pending in the ledger. */
    bool unknown;
};

/* True when the host curl will connect to (parsed by curl's own URL
 * parser) is exactly localhost, an address in 127.0.0.0/8 or ::1. */
bool smtp_url_loopback(const char *url);

/* Sends msg; TTE_OK only when the server accepted the data (250). */
enum tte_err smtp_send(const struct smtp_opts *o, const struct mail *m,
                       const struct tte_buf *msg, struct smtp_result *res);

/* settings.c: the command line over the configuration's "mail". */
struct opts {
    /* From the command line; NULL/0 when not given. */
    const char *db, *report, *config, *dry_run, *tpl;
    const char *smtp, *from, *reply_to, *user, *pwfile, *cacert;
    const char *to[SEND_MAX_RCPT], *cc[SEND_MAX_RCPT];
    size_t nto, ncc;
    int year, quarter;
    long timeout;               /* --timeout, 0 when not given */
    bool plaintext, force, list, verbose;
};


struct settings {
    struct mail mail;
    struct smtp_opts smtp;
    char *password;
    char period[16];
    bool preview;
};

/* Fills s from o and the configuration; validates addresses, header text,
 * the SMTP URL and the password file. Errors name the option or key. */
enum tte_err settings_load(const struct opts *o, const cJSON *config,
                           struct settings *s);
/* The SMTP part, needed only to send: URL, TLS, user and password. */
enum tte_err settings_smtp(const struct opts *o, const cJSON *config,
                           struct settings *s);
void settings_free(struct settings *s);

#endif
