/*
 * A PDF signature checked with OpenSSL's CMS: the detached PKCS#7 in
 * /Contents over the bytes /ByteRange names, then the signer's chain to
 * the CA bundle. The signed bytes are streamed from the file through a
 * BIO, so memory stays flat however large the PDF.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "evidence.h"
#include "tte_id.h"
#include "tte_log.h"
#include "tte_path.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* A bundle is a few certificates; more is not one. */
#define EV_MAX_CA_SIZE (16 << 20)

/* The two byte ranges of the file, read in order. */
struct ranges {
    int fd;
    long long r[4];
    int part;
    long long pos;
    int err; /* errno of a failed read; EIO when the file ended early */
};

static int
ranges_read(BIO *b, char *out, size_t len, size_t *got)
{
    struct ranges *s = BIO_get_data(b);
    *got = 0;
    while (s->part < 2 && s->pos >= s->r[2 * s->part + 1]) {
        s->part++;
        s->pos = 0;
    }
    if (s->part >= 2 || len == 0)
        return 0;
    long long left = s->r[2 * s->part + 1] - s->pos;
    size_t want = (long long)len < left ? len : (size_t)left;
    ssize_t n = pread(s->fd, out, want, (off_t)(s->r[2 * s->part] + s->pos));
    /* OpenSSL takes a failed read for the end of the content: the digest
     * of fewer bytes. Noted, so that it is told as unreadable, not as a
     * signature that does not match. */
    if (n <= 0) {
        s->err = n < 0 ? errno : EIO;
        return 0;
    }
    s->pos += n;
    *got = (size_t)n;
    return 1;
}

static long
ranges_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct ranges *s = BIO_get_data(b);
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_EOF: return s->part >= 2;
    case BIO_CTRL_FLUSH: return 1;
    default: return 0;
    }
}

static int
ranges_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* A read-only BIO over the byte ranges of sig in the file on fd. The
 * method is made per BIO: it is cheap, and no global is needed. */
static BIO *
ranges_bio(int fd, const struct ev_sig *sig, struct ranges *s,
           BIO_METHOD **meth)
{
    *meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                         "pdf byte ranges");
    if (!*meth)
        return NULL;
    BIO_meth_set_read_ex(*meth, ranges_read);
    BIO_meth_set_ctrl(*meth, ranges_ctrl);
    BIO_meth_set_create(*meth, ranges_create);
    memset(s, 0, sizeof *s);
    s->fd = fd;
    memcpy(s->r, sig->range, sizeof s->r);
    BIO *b = BIO_new(*meth);
    if (b)
        BIO_set_data(b, s);
    return b;
}

X509_STORE *
ev_ca_load(const char *path)
{
    /* Looked at before OpenSSL reads it: a FIFO or a device given as the
     * bundle must not hang the run. */
    struct stat sb;
    const char *why;
    int fd = tte_open_input(path, &sb, &why);
    if (fd < 0) {
        log_err("cannot read the CA bundle '%s': %s", path, why);
        return NULL;
    }
    close(fd);
    if (sb.st_size > EV_MAX_CA_SIZE) {
        log_err("cannot read the CA bundle '%s': larger than 16 MiB", path);
        return NULL;
    }
    X509_STORE *store = X509_STORE_new();
    if (!store || X509_STORE_load_file(store, path) != 1) {
        unsigned long e = ERR_get_error();
        const char *reason = e ? ERR_reason_error_string(e) : NULL;
        log_err("cannot read the CA bundle '%s': %s", path,
                reason ? reason : "no certificate in it");
        X509_STORE_free(store);
        return NULL;
    }
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
    if (sk_X509_OBJECT_num(objs) == 0) {
        log_err("cannot read the CA bundle '%s': no certificate in it", path);
        X509_STORE_free(store);
        return NULL;
    }
    /* The bundle may hold BSrE's issuing CA without the national root
     * above it: every certificate in it is a trust anchor. */
    if (X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN) != 1) {
        log_err("cannot read the CA bundle '%s': cannot set its flags", path);
        X509_STORE_free(store);
        return NULL;
    }
    ERR_clear_error();
    return store;
}

/* RFC 2253 text of a name, UTF-8 kept, into out. */
static void
name_text(const X509_NAME *name, char *out, size_t outsz)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p;
    out[0] = '\0';
    if (!b)
        return;
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    long n = BIO_get_mem_data(b, &p);
    snprintf(out, outsz, "%.*s", (int)(n > 0 ? n : 0), p);
    BIO_free(b);
}

/* A certificate subject may carry the holder's NIK (16 digits): it is
 * personal data, masked like everywhere else. */
static void
mask_niks(const char *in, char *out, size_t outsz)
{
    struct tte_buf b;
    tte_buf_init(&b);
    for (size_t i = 0; in[i];) {
        size_t j = i;
        while (in[j] >= '0' && in[j] <= '9')
            j++;
        if (j - i == 16) {
            char nik[17], masked[64];
            memcpy(nik, in + i, 16);
            nik[16] = '\0';
            tte_mask_nik(nik, masked, sizeof masked);
            tte_buf_adds(&b, masked);
        } else {
            tte_buf_add(&b, in + i, j > i ? j - i : 1);
        }
        i = j > i ? j : i + 1;
    }
    snprintf(out, outsz, "%s", b.data ? b.data : "");
    tte_buf_free(&b);
}

static void
signer_fields(X509 *cert, struct ev_result *r)
{
    char subject[sizeof r->subject];
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    char *dec = bn ? BN_bn2dec(bn) : NULL;
    snprintf(r->serial, sizeof r->serial, "%s", hex ? hex : "");
    snprintf(r->serial_dec, sizeof r->serial_dec, "%s", dec ? dec : "");
    OPENSSL_free(hex);
    OPENSSL_free(dec);
    BN_free(bn);
    name_text(X509_get_subject_name(cert), subject, sizeof subject);
    mask_niks(subject, r->subject, sizeof r->subject);
    name_text(X509_get_issuer_name(cert), r->issuer, sizeof r->issuer);
}

/* The CMS signingTime attribute, as Unix time; 0 when absent. */
static long long
signing_time(CMS_ContentInfo *cms)
{
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    int i = si ? CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)
               : -1;
    if (i < 0)
        return 0;
    ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
    struct tm tm;
    if (!t ||
        (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME) ||
        ASN1_TIME_to_tm(t->value.utctime, &tm) != 1)
        return 0;
    return (long long)timegm(&tm);
}

static void
set_reason(struct ev_result *r, enum ev_verdict v, const char *what,
           const char *detail)
{
    r->verdict = v;
    snprintf(r->reason, sizeof r->reason, "%s%s%s", what, detail ? ": " : "",
             detail ? detail : "");
}

/* Errors that mean "no path to the bundle" rather than a broken chain. */
static bool
other_issuer(int e)
{
    return e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
           e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
           e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
           e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

/* The signer's chain to the bundle, at the time it signed when the
 * signature says (a certificate that expired since still proves who
 * signed then). */
static void
check_chain(X509 *signer, STACK_OF(X509) * certs, X509_STORE *store,
            struct ev_result *r)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || !X509_STORE_CTX_init(ctx, store, signer, certs)) {
        set_reason(r, EV_INVALID_SIGNATURE, "cannot check the chain", NULL);
        X509_STORE_CTX_free(ctx);
        return;
    }
    if (r->signed_at)
        X509_STORE_CTX_set_time(ctx, 0, (time_t)r->signed_at);
    if (X509_verify_cert(ctx) == 1) {
        r->verdict = EV_OK;
    } else {
        int e = X509_STORE_CTX_get_error(ctx);
        /* X509_verify_cert can fail (< 0) with no verification error
         * set: still a failure, never "ok" as the reason. */
        set_reason(r, other_issuer(e) ? EV_NOT_BSRE : EV_INVALID_SIGNATURE,
                   other_issuer(e) ? "signer not issued under the CA bundle"
                                   : "signer certificate",
                   e != X509_V_OK ? X509_verify_cert_error_string(e)
                                  : "the chain could not be checked");
    }
    X509_STORE_CTX_free(ctx);
}

/* The hole of /ByteRange must hold the hex string itself: "<...>". */
static bool
hole_is_contents(int fd, const struct ev_sig *sig)
{
    char a = 0, b = 0;
    return pread(fd, &a, 1, (off_t)sig->range[1]) == 1 &&
           pread(fd, &b, 1, (off_t)sig->range[2] - 1) == 1 && a == '<' &&
           b == '>';
}

static bool
supported(const char *subfilter)
{
    return strcmp(subfilter, "adbe.pkcs7.detached") == 0 ||
           strcmp(subfilter, "ETSI.CAdES.detached") == 0;
}

void
ev_cms_check(int fd, const struct ev_sig *sig, X509_STORE *store,
             struct ev_result *r)
{
    const unsigned char *p = sig->contents;
    CMS_ContentInfo *cms = NULL;
    STACK_OF(X509) *certs = NULL, *signers = NULL;
    BIO_METHOD *meth = NULL;
    BIO *content = NULL;
    struct ranges src;

    if (!supported(sig->subfilter)) {
        set_reason(r, EV_INVALID_SIGNATURE, "unsupported signature type",
                   sig->subfilter[0] ? sig->subfilter : "none");
        return;
    }
    if (!hole_is_contents(fd, sig)) {
        set_reason(r, EV_INVALID_SIGNATURE,
                   "the unsigned gap in /ByteRange is not /Contents", NULL);
        return;
    }
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig->contents_len);
    if (!cms) {
        set_reason(r, EV_INVALID_SIGNATURE, "/Contents is not a CMS signature",
                   NULL);
        goto cleanup;
    }
    content = ranges_bio(fd, sig, &src, &meth);
    if (!content) {
        set_reason(r, EV_INVALID_SIGNATURE, "out of memory", NULL);
        goto cleanup;
    }
    int verified = CMS_verify(cms, NULL, NULL, content, NULL,
                              CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY);
    if (src.err) {
        set_reason(r, EV_UNREADABLE, "cannot read the signed bytes",
                   strerror(src.err));
        goto cleanup;
    }
    if (verified != 1) {
        unsigned long e = ERR_peek_last_error();
        set_reason(r, EV_INVALID_SIGNATURE,
                   "signature does not match the signed bytes",
                   e ? ERR_reason_error_string(e) : NULL);
        goto cleanup;
    }
    signers = CMS_get0_signers(cms);
    X509 *signer = sk_X509_value(signers, 0);
    if (!signer) {
        set_reason(r, EV_INVALID_SIGNATURE, "no signer certificate", NULL);
        goto cleanup;
    }
    signer_fields(signer, r);
    r->signed_at = signing_time(cms);
    certs = CMS_get1_certs(cms);
    check_chain(signer, certs, store, r);
cleanup:
    ERR_clear_error();
    sk_X509_free(signers);
    sk_X509_pop_free(certs, X509_free);
    BIO_free(content);
    BIO_meth_free(meth);
    CMS_ContentInfo_free(cms);
}
