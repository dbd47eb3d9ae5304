/*
 * S/MIME (RFC 8551) with OpenSSL's CMS. The message's MIME entity (the
 * text and the report, CRLF already) is signed detached, SHA-256, with the
 * signer's chain, as multipart/signed; with recipients' certificates that
 * entity is then enveloped: AES-256-GCM (AuthEnvelopedData) or CBC, the
 * key carried by RSA-OAEP to RSA holders and by ECDH key agreement to EC
 * ones. Certificates are judged when loaded, so that a bad one stops the
 * run before any connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "smime.h"
#include "tte_log.h"
#include "tte_path.h"

struct smime {
    EVP_PKEY *key;
    X509 *signer;
    STACK_OF(X509) * chain;  /* sent beside the signature */
    STACK_OF(X509) * recips; /* NULL: signed only */
    const EVP_CIPHER *cipher;
    bool aead;
    char *serial;
    char *fingerprints;
};

/* Logs what failed with OpenSSL's first reason, and clears its queue. */
static enum tte_err
ssl_fail(enum tte_err err, const char *fmt, const char *arg)
{
    unsigned long e = ERR_get_error();
    const char *why = e ? ERR_reason_error_string(e) : NULL;
    char what[512];
    snprintf(what, sizeof what, fmt, arg);
    log_err("%s%s%s", what, why ? ": " : "", why ? why : "");
    ERR_clear_error();
    return err;
}

static const char *
name(const struct smime_opts *o, const char *opt, const char *key)
{
    return o->cli ? opt : key;
}

static enum tte_err
missing(const struct smime_opts *o, const char *what, const char *path,
        const char *why)
{
    log_err("cannot read %s '%s': %s", what, path, why);
    ERR_clear_error();
    return o->cli ? TTE_E_NOINPUT : TTE_E_CONFIG;
}

/* Certificates, chains and keys are a few KiB; a bundle of hundreds is
 * still far below this. */
#define SMIME_MAX_FILE (16 << 20)

/* A BIO on path if it is a regular file: a FIFO named as a certificate
 * must not block the run, nor a device feed it for ever. Buffered: PEM
 * reads by lines, and an fd BIO serves a line one read(2) per byte (a
 * long file without newlines took most of a minute). NULL with *why set
 * otherwise. */
static BIO *
open_regular(const char *path, const char **why)
{
    struct stat sb;
    int fd = tte_open_input(path, &sb, why);
    if (fd < 0)
        return NULL;
    if (sb.st_size > SMIME_MAX_FILE) {
        *why = "larger than 16 MiB";
        close(fd);
        return NULL;
    }
    BIO *b = BIO_new_fd(fd, BIO_CLOSE);
    BIO *buf = b ? BIO_new(BIO_f_buffer()) : NULL;
    if (!buf) {
        *why = "out of memory";
        if (b)
            BIO_free(b);
        else
            close(fd);
        return NULL;
    }
    return BIO_push(buf, b);
}

/* Every certificate in a PEM file, in order. */
static enum tte_err
read_certs(const struct smime_opts *o, const char *path, const char *what,
           STACK_OF(X509) * out)
{
    const char *why;
    BIO *in = open_regular(path, &why);
    if (!in)
        return missing(o, what, path, why);
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(in, NULL, NULL, NULL);
    BIO_free_all(in);
    if (!infos)
        return ssl_fail(TTE_E_CONFIG, "cannot read certificates from '%s'",
                        path);
    int before = sk_X509_num(out);
    enum tte_err err = TTE_OK;
    for (int i = 0; i < sk_X509_INFO_num(infos) && !err; i++) {
        X509_INFO *xi = sk_X509_INFO_value(infos, i);
        if (xi->x509 && !sk_X509_push(out, xi->x509))
            err = TTE_E_NOMEM;
        else if (xi->x509)
            xi->x509 = NULL;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if (!err && sk_X509_num(out) == before) {
        log_err("%s '%s' holds no PEM certificate", what, path);
        err = TTE_E_CONFIG;
    }
    return err;
}

/* PEM's password callback: the password from its file, never a prompt on
 * the terminal. */
static int
password_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pw = u;
    (void)rwflag;
    if (!pw)
        return 0;
    int n = (int)strlen(pw);
    if (n > size)
        return 0;
    memcpy(buf, pw, (size_t)n);
    return n;
}

static enum tte_err
read_key(const struct smime_opts *o, const char *path, const char *pw,
         EVP_PKEY **key)
{
    const char *why;
    BIO *in = open_regular(path, &why);
    if (!in)
        return missing(o, "signing key", path, why);
    *key = PEM_read_bio_PrivateKey(in, NULL, password_cb, (void *)pw);
    BIO_free_all(in);
    if (!*key) {
        log_err("cannot read the signing key '%s': %s", path,
                pw ? "not a PEM private key, or the password is wrong"
                   : "not a PEM private key, or encrypted (give its "
                     "password in a file)");
        ERR_clear_error();
        return TTE_E_CONFIG;
    }
    return TTE_OK;
}

static enum tte_err
read_p12(const struct smime_opts *o, const char *pw, struct smime *sm)
{
    const char *why;
    BIO *in = open_regular(o->p12, &why);
    if (!in)
        return missing(o, "PKCS#12 file", o->p12, why);
    PKCS12 *p12 = d2i_PKCS12_bio(in, NULL);
    BIO_free_all(in);
    STACK_OF(X509) *ca = NULL;
    int ok = p12 &&
             PKCS12_parse(p12, pw ? pw : "", &sm->key, &sm->signer, &ca) == 1;
    PKCS12_free(p12);
    if (!ok || !sm->key || !sm->signer) {
        sk_X509_pop_free(ca, X509_free);
        log_err("cannot read the PKCS#12 file '%s': %s", o->p12,
                p12 ? "wrong password, or no key and certificate in it"
                    : "not a PKCS#12 file");
        ERR_clear_error();
        return TTE_E_CONFIG;
    }
    while (ca && sk_X509_num(ca) > 0)
        if (!sk_X509_push(sm->chain, sk_X509_shift(ca)))
            return TTE_E_NOMEM;
    sk_X509_free(ca);
    return TTE_OK;
}

/* Certificate and key, from a PKCS#12 file or PEM files: the first
 * certificate of the PEM file signs, the others go with it. */
static enum tte_err
read_signer(const struct smime_opts *o, struct smime *sm)
{
    char *pw = NULL;
    enum tte_err err = TTE_OK;
    if (o->pwfile)
        err = settings_read_secret(o->pwfile, o->cli, &pw);
    if (!err && o->p12) {
        err = read_p12(o, pw, sm);
    } else if (!err) {
        err = read_certs(o, o->cert, "signing certificate", sm->chain);
        if (!err) {
            sm->signer = sk_X509_shift(sm->chain);
            err = read_key(o, o->key ? o->key : o->cert, pw, &sm->key);
        }
    }
    if (pw) {
        explicit_bzero(pw, strlen(pw));
        free(pw);
    }
    return err;
}

static bool
valid_today(X509 *c)
{
    return X509_cmp_current_time(X509_get0_notBefore(c)) < 0 &&
           X509_cmp_current_time(X509_get0_notAfter(c)) > 0;
}

static bool
has_eku(X509 *c)
{
    return (X509_get_extension_flags(c) & EXFLAG_XKUSAGE) != 0;
}

static void
subject(X509 *c, char *out, size_t cap)
{
    if (!X509_NAME_oneline(X509_get_subject_name(c), out, (int)cap))
        snprintf(out, cap, "(unreadable subject)");
}

static enum tte_err
check_signer(const struct smime_opts *o, const struct mail *m,
             struct smime *sm)
{
    char who[256];
    const char *file = o->p12 ? o->p12 : o->cert;
    uint32_t ku = X509_get_key_usage(sm->signer);
    subject(sm->signer, who, sizeof who);
    const char *why =
        !valid_today(sm->signer) ? "is not valid today (expired or not yet "
                                   "valid)"
        : has_eku(sm->signer) &&
                !(X509_get_extended_key_usage(sm->signer) & XKU_SMIME)
            ? "is not for e-mail (no emailProtection extended key usage)"
        : !has_eku(sm->signer) && !(ku & KU_DIGITAL_SIGNATURE)
            ? "may not sign (neither emailProtection nor digitalSignature)"
        : X509_check_email(sm->signer, m->from, 0, 0) != 1
            ? "does not name the sender address"
        : X509_check_private_key(sm->signer, sm->key) != 1
            ? "does not match the signing key"
            : NULL;
    ERR_clear_error();
    if (!why)
        return TTE_OK;
    log_err("%s '%s': the signing certificate %s (%s; sender %s): not "
            "sending",
            name(o, o->p12 ? "--sign-p12" : "--sign-cert",
                 o->p12 ? "smime.sign_p12" : "smime.sign_cert"),
            file, why, who, m->from);
    return TTE_E_CONFIG;
}

/* Why c cannot receive an encrypted message, or NULL. */
static const char *
recipient_problem(X509 *c)
{
    uint32_t ku = X509_get_key_usage(c);
    EVP_PKEY *pub = X509_get0_pubkey(c);
    if (!pub)
        return "has no public key OpenSSL can read";
    int type = EVP_PKEY_get_base_id(pub);
    if (!valid_today(c))
        return "is not valid today (expired or not yet valid)";
    if (has_eku(c) && !(X509_get_extended_key_usage(c) & XKU_SMIME))
        return "is not for e-mail (no emailProtection extended key usage)";
    if (type == EVP_PKEY_RSA)
        return ku & KU_KEY_ENCIPHERMENT
                   ? NULL
                   : "lacks the keyEncipherment key usage an RSA recipient needs";
    if (type == EVP_PKEY_EC)
        return ku & KU_KEY_AGREEMENT
                   ? NULL
                   : "lacks the keyAgreement key usage an EC recipient needs";
    return "has a key that is neither RSA nor EC";
}

static enum tte_err
read_recipients(const struct smime_opts *o, struct smime *sm)
{
    enum tte_err err = TTE_OK;
    const char *opt = name(o, "--encrypt-to", "smime.encrypt_to");
    sm->recips = sk_X509_new_null();
    if (!sm->recips)
        return TTE_E_NOMEM;
    for (size_t i = 0; i < o->nencrypt && !err; i++) {
        int from = sk_X509_num(sm->recips);
        err = read_certs(o, o->encrypt_to[i], "encryption certificate",
                         sm->recips);
        for (int k = from; !err && k < sk_X509_num(sm->recips); k++) {
            X509 *c = sk_X509_value(sm->recips, k);
            const char *why = recipient_problem(c);
            char who[256];
            subject(c, who, sizeof who);
            if (why) {
                log_err("%s '%s': the certificate of %s %s: not sending", opt,
                        o->encrypt_to[i], who, why);
                err = TTE_E_CONFIG;
            }
        }
    }
    return err;
}

/* Every To and Cc must be able to read the message: none gets a copy it
 * cannot decrypt, and none gets a plaintext one. */
static enum tte_err
check_coverage(const struct smime_opts *o, const struct mail *m,
               const struct smime *sm)
{
    for (size_t i = 0; i < m->nto + m->ncc; i++) {
        const char *a = i < m->nto ? m->to[i] : m->cc[i - m->nto];
        bool found = false;
        for (int k = 0; k < sk_X509_num(sm->recips) && !found; k++)
            found = X509_check_email(sk_X509_value(sm->recips, k), a, 0, 0) ==
                    1;
        ERR_clear_error();
        if (!found) {
            log_err("%s: no encryption certificate names %s; every To and "
                    "Cc needs one while encrypting: not sending",
                    name(o, "--encrypt-to", "smime.encrypt_to"), a);
            return TTE_E_CONFIG;
        }
    }
    return TTE_OK;
}

static char *
hex(const unsigned char *p, size_t n)
{
    char *s = tte_xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

static enum tte_err
identify_certs(struct smime *sm)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(sm->signer), NULL);
    char *serial = bn ? BN_bn2hex(bn) : NULL;
    BN_free(bn);
    if (!serial)
        return ssl_fail(TTE_E_SOFTWARE, "cannot read the signer's serial%s",
                        "");
    sm->serial = tte_xstrdup(serial);
    OPENSSL_free(serial);
    if (!sm->recips)
        return TTE_OK;
    struct tte_buf fps;
    tte_buf_init(&fps);
    tte_buf_add(&fps, "", 0);
    for (int k = 0; k < sk_X509_num(sm->recips); k++) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (X509_digest(sk_X509_value(sm->recips, k), EVP_sha256(), md, &n) !=
            1) {
            tte_buf_free(&fps);
            return ssl_fail(TTE_E_SOFTWARE, "cannot hash a certificate%s", "");
        }
        char *h = hex(md, n);
        tte_buf_printf(&fps, "%s%s", k ? "," : "", h);
        free(h);
    }
    sm->fingerprints = fps.data;
    return TTE_OK;
}

static enum tte_err
pick_cipher(const struct smime_opts *o, struct smime *sm)
{
    const char *c = o->cipher ? o->cipher : "aes-256-gcm";
    if (strcmp(c, "aes-256-gcm") == 0) {
        sm->cipher = EVP_aes_256_gcm();
        sm->aead = true;
    } else if (strcmp(c, "aes-256-cbc") == 0) {
        sm->cipher = EVP_aes_256_cbc();
    } else {
        log_err("--encrypt-cipher must be aes-256-gcm or aes-256-cbc, not "
                "'%s'",
                c);
        return TTE_E_USAGE;
    }
    return sm->cipher ? TTE_OK
                      : ssl_fail(TTE_E_UNAVAILABLE, "OpenSSL lacks %s", c);
}

enum tte_err
smime_load(const struct smime_opts *o, const struct mail *m,
           struct smime **out)
{
    struct smime *sm = tte_xcalloc(1, sizeof *sm);
    enum tte_err err = TTE_OK;
    sm->chain = sk_X509_new_null();
    if (!sm->chain)
        err = TTE_E_NOMEM;
    if (!err)
        err = read_signer(o, sm);
    if (!err)
        err = check_signer(o, m, sm);
    if (!err && o->nencrypt)
        err = pick_cipher(o, sm);
    if (!err && o->nencrypt)
        err = read_recipients(o, sm);
    if (!err && o->nencrypt)
        err = check_coverage(o, m, sm);
    if (!err)
        err = identify_certs(sm);
    if (err) {
        smime_free(sm);
        return err;
    }
    *out = sm;
    return TTE_OK;
}

/* DER of cms, base64, into out. */
static enum tte_err
add_der(struct tte_buf *out, CMS_ContentInfo *cms)
{
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, &der);
    if (n <= 0)
        return ssl_fail(TTE_E_SOFTWARE, "cannot encode the S/MIME %s",
                        "structure");
    mail_base64(out, der, (size_t)n);
    OPENSSL_free(der);
    return TTE_OK;
}

/* entity signed: a multipart/signed entity into out. */
static enum tte_err
sign(const struct smime *sm, const struct mail *m,
     const struct tte_buf *entity, struct tte_buf *out)
{
    const unsigned int flags = CMS_DETACHED | CMS_BINARY;
    char boundary[64];
    BIO *in = BIO_new_mem_buf(entity->data, (int)entity->len);
    CMS_ContentInfo *cms = in ? CMS_sign(NULL, NULL, sm->chain, NULL,
                                         flags | CMS_PARTIAL)
                              : NULL;
    int ok = cms &&
             CMS_add1_signer(cms, sm->signer, sm->key, EVP_sha256(), flags) &&
             CMS_final(cms, in, NULL, flags);
    BIO_free(in);
    if (!ok) {
        CMS_ContentInfo_free(cms);
        return ssl_fail(TTE_E_SOFTWARE, "cannot sign the message%s", "");
    }
    /* Not a prefix of the inner boundary: 's' is no hex digit. */
    snprintf(boundary, sizeof boundary, "=_tte_s_%.32s", m->sha256);
    tte_buf_printf(out,
                   "Content-Type: multipart/signed;\r\n"
                   " protocol=\"application/pkcs7-signature\";\r\n"
                   " micalg=sha-256; boundary=\"%s\"\r\n\r\n"
                   "This is an S/MIME signed message.\r\n--%s\r\n",
                   boundary, boundary);
    /* The signed bytes are the entity exactly; the CRLF before the next
     * delimiter belongs to the delimiter. */
    tte_buf_add(out, entity->data, entity->len);
    tte_buf_printf(out, "\r\n--%s\r\n", boundary);
    tte_buf_adds(out,
                 "Content-Type: application/pkcs7-signature;"
                 " name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64"
                 "\r\nContent-Disposition: attachment;"
                 " filename=\"smime.p7s\"\r\n\r\n");
    enum tte_err err = add_der(out, cms);
    tte_buf_printf(out, "\r\n--%s--\r\n", boundary);
    CMS_ContentInfo_free(cms);
    return err;
}

/* RSA recipients get RSA-OAEP with SHA-256 rather than PKCS#1 v1.5; EC
 * ones ECDH with the SHA-256 KDF rather than OpenSSL's SHA-1 default. */
static bool
add_recipient(CMS_ContentInfo *cms, X509 *c)
{
    bool rsa = EVP_PKEY_get_base_id(X509_get0_pubkey(c)) == EVP_PKEY_RSA;
    CMS_RecipientInfo *ri = CMS_add1_recipient_cert(cms, c, CMS_KEY_PARAM);
    EVP_PKEY_CTX *pctx = ri ? CMS_RecipientInfo_get0_pkey_ctx(ri) : NULL;
    if (!pctx)
        return false;
    if (!rsa)
        return EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, EVP_sha256()) > 0;
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
}

static enum tte_err
envelope(const struct smime *sm, const struct tte_buf *signed_entity,
         struct tte_buf *out)
{
    const unsigned int flags = CMS_BINARY;
    BIO *in = BIO_new_mem_buf(signed_entity->data, (int)signed_entity->len);
    CMS_ContentInfo *cms = in ? CMS_encrypt(NULL, NULL, sm->cipher,
                                            flags | CMS_PARTIAL)
                              : NULL;
    bool ok = cms != NULL;
    for (int k = 0; ok && k < sk_X509_num(sm->recips); k++)
        ok = add_recipient(cms, sk_X509_value(sm->recips, k));
    ok = ok && CMS_final(cms, in, NULL, flags) == 1;
    BIO_free(in);
    if (!ok) {
        CMS_ContentInfo_free(cms);
        return ssl_fail(TTE_E_SOFTWARE, "cannot encrypt the message%s", "");
    }
    tte_buf_printf(out,
                   "Content-Type: application/pkcs7-mime;"
                   " smime-type=%s;\r\n name=\"smime.p7m\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment;"
                   " filename=\"smime.p7m\"\r\n\r\n",
                   sm->aead ? "authEnveloped-data" : "enveloped-data");
    enum tte_err err = add_der(out, cms);
    CMS_ContentInfo_free(cms);
    return err;
}

enum tte_err
smime_build(const struct smime *sm, struct mail *m, struct tte_buf *out)
{
    struct tte_buf entity, signed_entity;
    tte_buf_init(&entity);
    tte_buf_init(&signed_entity);
    tte_buf_reset(out);
    mail_headers(m, out);
    mail_entity(m, &entity);
    enum tte_err err = sign(sm, m, &entity, &signed_entity);
    if (!err && sm->recips)
        err = envelope(sm, &signed_entity, out);
    else if (!err)
        tte_buf_add(out, signed_entity.data, signed_entity.len);
    tte_buf_free(&entity);
    tte_buf_free(&signed_entity);
    return err;
}

const char *
smime_signer_serial(const struct smime *sm)
{
    return sm->serial;
}

const char *
smime_encrypt_sha256(const struct smime *sm)
{
    return sm->fingerprints;
}

void
smime_free(struct smime *sm)
{
    if (!sm)
        return;
    EVP_PKEY_free(sm->key);
    X509_free(sm->signer);
    sk_X509_pop_free(sm->chain, X509_free);
    sk_X509_pop_free(sm->recips, X509_free);
    free(sm->serial);
    free(sm->fingerprints);
    free(sm);
}
