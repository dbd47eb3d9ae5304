#ifndef SEND_H
#define SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "tte_err.h"
#include "tte_period.h"
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
    const char *report_name; /* file name in the attachment */
    /* The report's bytes, read once: what is hashed is what is attached,
     * even if the file is rendered again meanwhile. */
    const char *report_data;
    size_t report_len;
    char sha256[65]; /* of report_data */
    char message_id[160];
    int64_t date; /* seconds, shown in WIB */
};

/* message.c */
/* An address we accept: local@domain, printable ASCII, no CR/LF. */
bool mail_address_valid(const char *a);
/* Header text may not carry CR or LF (header injection). */
bool mail_header_safe(const char *s);
/* Builds the whole RFC 5322 message (headers, text part, the report as a
 * base64 attachment) into out. Deterministic for the same inputs. */
void mail_build(struct mail *m, struct tte_buf *out);
/* Its two halves: the headers up to MIME-Version (sets the Message-ID if
 * unset), and the MIME entity (Content-Type on), which S/MIME signs. Both
 * append to out. */
void mail_headers(struct mail *m, struct tte_buf *out);
void mail_entity(const struct mail *m, struct tte_buf *out);
/* base64 in CRLF-ended lines of 76 characters. */
void mail_base64(struct tte_buf *out, const unsigned char *p, size_t n);

/* smtp.c */
struct smtp_opts {
    const char *url;
    const char *user;
    const char *password; /* never logged */
    const char *cacert;
    bool allow_plaintext;
    bool verbose;
    long timeout; /* seconds a silent server is waited for */
};

struct smtp_result {
    char reply[512];     /* the server's last reply line */
    char refused[1024];  /* recipients the server refused */
    char accepted[2048]; /* recipients it accepted, comma-separated */
    /* Each RCPT TO's recipient and the code of its answer. */
    struct {
        char addr[256];
        int code;
    } rcpt[2 * SEND_MAX_RCPT];
    size_t nrcpt;
    int data_code; /* the answer to the end of DATA, or 0 */
    /* 250 to the end of DATA: only then did a recipient accepted at RCPT
     * get the message. */
    bool delivered;
    /* The whole message went out and no answer came: the server may have
     * it. Such a send stays pending in the ledger. */
    bool unknown;
};

/* url with any password in it replaced by "***", for messages. */
void smtp_url_redact(const char *url, char *out, size_t cap);

/* True when the host curl will connect to (parsed by curl's own URL
 * parser) is exactly localhost, an address in 127.0.0.0/8 or ::1. */
bool smtp_url_loopback(const char *url);

/* Sends msg; TTE_OK only when the server accepted the data (250). */
enum tte_err smtp_send(const struct smtp_opts *o, const struct mail *m,
                       const struct tte_buf *msg, struct smtp_result *res);

/* lock.c: an exclusive lock on DB-send.lock, waited for (up to minutes)
 * while another tte-send holds it; TTE_E_TEMPFAIL if it never comes.
 * Released by send_unlock, or by the kernel when the process ends. */
enum tte_err send_lock(const char *db, int *fd);
void send_unlock(int fd);

/* report.c: reads the report into *data (malloc'd; the caller frees).
 * Only a regular file is read, never waited on: a FIFO, a device or a
 * folder is refused (TTE_E_NOINPUT), and so is a file over 64 MiB. */
enum tte_err report_read(const char *path, char **data, size_t *len);

/* settings.c: the command line over the configuration's "mail". */
struct opts {
    /* From the command line; NULL/0 when not given. */
    const char *db, *report, *config, *dry_run, *tpl;
    const char *smtp, *from, *reply_to, *user, *pwfile, *cacert;
    const char *to[SEND_MAX_RCPT], *cc[SEND_MAX_RCPT];
    size_t nto, ncc;
    /* S/MIME */
    const char *sign_cert, *sign_key, *sign_pwfile, *sign_p12, *cipher;
    const char *encrypt_to[SEND_MAX_RCPT];
    size_t nencrypt;
    int year, quarter;
    long timeout; /* --timeout, 0 when not given */
    bool plaintext, force, list, verbose;
};

struct smime;

struct settings {
    struct mail mail;
    struct smime *smime; /* NULL: a plain message */
    struct smtp_opts smtp;
    char *password;
    struct tte_period period;
    /* S/MIME, for the ledger: NULL for a plain message. Borrowed from
     * smime. */
    const char *signer_serial;  /* hex */
    const char *encrypt_sha256; /* fingerprints, comma-separated */
    bool preview;
};

/* Fills s from o and the configuration; validates addresses, header text,
 * the SMTP URL and the password file. Errors name the option or key. */
enum tte_err settings_load(const struct opts *o, const cJSON *config,
                           struct settings *s);
/* The SMTP part, needed only to send: URL, TLS, user and password. */
enum tte_err settings_smtp(const struct opts *o, const cJSON *config,
                           struct settings *s);
/* S/MIME from the command line (signing options all together) or the
 * configuration's "smime"; loads and checks the certificates and keys.
 * Nothing to do without a signing identity; --encrypt-to needs one. */
enum tte_err settings_smime(const struct opts *o, const cJSON *config,
                            struct settings *s);
/* The message as it goes out: plain, or signed and maybe encrypted. */
enum tte_err settings_build(struct settings *s, struct tte_buf *out);
/* A secret (password) from a file: only a regular file nobody but its
 * owner may read (else TTE_E_CONFIG); its first line, malloc'd. */
enum tte_err settings_read_secret(const char *path, bool cli, char **out);
void settings_free(struct settings *s);

#endif
