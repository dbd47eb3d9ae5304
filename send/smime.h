#ifndef SMIME_H
#define SMIME_H

#include <stdbool.h>
#include <stddef.h>

#include "send.h"

/* Where the signing identity and the recipients' certificates come from;
 * names are for messages ("--sign-cert" or "smime.sign_cert"). */
struct smime_opts {
    const char *cert, *key, *pwfile, *p12;
    const char *const *encrypt_to;
    size_t nencrypt;
    const char *cipher; /* "aes-256-gcm" (default), "aes-256-cbc" */
    bool cli;           /* from the command line, not the config */
};

struct smime;

/* Loads and checks everything S/MIME needs, before anything is sent: the
 * signing certificate valid today, for e-mail protection, with m->from in
 * it and the key that matches it; each encryption certificate valid today
 * and able to carry a key to its holder; every To and Cc address covered
 * by one of them. Errors name the file and the reason: TTE_E_CONFIG (78),
 * TTE_E_NOINPUT for a missing file given on the command line. *out is
 * malloc'd; smime_free() it. */
enum tte_err smime_load(const struct smime_opts *o, const struct mail *m,
                        struct smime **out);
/* Builds the whole message into out (reset first): the headers, then the
 * MIME entity signed (multipart/signed) and, with recipients, enveloped
 * (application/pkcs7-mime). TTE_E_SOFTWARE when OpenSSL fails. */
enum tte_err smime_build(const struct smime *sm, struct mail *m,
                         struct tte_buf *out);
/* For the ledger: the signer's serial in hex, and the recipients'
 * certificates' SHA-256 fingerprints comma-separated (NULL when not
 * encrypting). Borrowed; valid until smime_free. */
const char *smime_signer_serial(const struct smime *sm);
const char *smime_encrypt_sha256(const struct smime *sm);
void smime_free(struct smime *sm);

#endif
