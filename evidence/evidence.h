#ifndef EVIDENCE_H
#define EVIDENCE_H

/*
 * tte-evidence: sample signed PDFs of an application checked for Pasal
 * 4(1)j. The PDF structure is read by libqpdf (pdfsig.c), the signature
 * and chain by OpenSSL's CMS (cms.c), the page text by poppler (text.c);
 * what is ours is the matching of the statement (statement.c) and the
 * sanity of /ByteRange (range.c), both pure and fuzzed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509_vfy.h>
#include <sqlite3.h>

#include "tte_err.h"

/* Worst last: a document's verdict is the worst that applies. */
enum ev_verdict {
    EV_OK,
    EV_NO_STATEMENT,      /* signed, valid, BSrE, but no statement */
    EV_NOT_BSRE,          /* valid signature, issuer not in the CA bundle */
    EV_INVALID_SIGNATURE, /* digest or signature does not verify */
    EV_UNSIGNED,
    EV_UNREADABLE         /* not a PDF, truncated, encrypted */
};

/* "ok", "no_statement", ... (static strings, the v_evidence values). */
const char *ev_verdict_name(enum ev_verdict v);

/* One signature dictionary as the PDF gives it (pdfsig.c). */
struct ev_sig {
    long long range[4];         /* /ByteRange: start, length, start, length */
    size_t nrange;              /* numbers in /ByteRange (4 when sane) */
    unsigned char *contents;    /* /Contents, decoded (malloc'd) */
    size_t contents_len;
    char subfilter[64];         /* /SubFilter without the slash */
};

/* What one file turned out to be. */
struct ev_result {
    enum ev_verdict verdict;
    char reason[256];
    int signatures;
    char serial[128];           /* upper-case hex, whole bytes */
    char serial_dec[128];       /* the same in decimal, for registries */
    char subject[512];          /* RFC 2253, NIK masked */
    char issuer[512];
    long long signed_at;        /* CMS signingTime, 0 when absent */
    int statement_page;         /* 1-based, 0 when not found */
};

/* range.c: true when /ByteRange covers the whole file of size bytes but
 * exactly the hex string of /Contents (contents_len bytes decoded); else
 * false with *why set to a static text. */
bool ev_range_check(const struct ev_sig *s, long long size, const char **why);

/* statement.c: the Pasal 4(1)j wordings, normalized for matching. */
struct ev_statements {
    char **norm;
    size_t n;
};

/* Lower-cases ASCII letters and drops white space (also no-break and
 * other Unicode spaces), soft hyphens, and a hyphen that ends a line, so
 * that text broken over lines or spaced oddly still matches. Returns
 * malloc'd text and its length in *outlen. */
char *ev_normalize(const char *s, size_t n, size_t *outlen);

void ev_statements_add(struct ev_statements *st, const char *text);
void ev_statements_free(struct ev_statements *st);
/* The built-in wordings (DOMAIN.md), used when none are given. */
void ev_statements_default(struct ev_statements *st);
/* True when the page text s[0..n) contains one of the wordings. */
bool ev_statements_find(const struct ev_statements *st, const char *s,
                        size_t n);

/* pdfsig.c: the signature dictionaries of the PDF at path. Returns
 * TTE_OK with *sigs (free with ev_sigs_free) and *n (maybe 0), or
 * TTE_E_DATA when the file is no readable PDF, with why filled. */
enum tte_err ev_pdf_signatures(const char *path, struct ev_sig **sigs,
                               size_t *n, char *why, size_t whysz);
void ev_sigs_free(struct ev_sig *sigs, size_t n);

/* cms.c: the CA bundle as a trust store; NULL (with a message logged)
 * when the file cannot be read or holds no certificate. */
X509_STORE *ev_ca_load(const char *path);

/* Checks one signature of the file open on fd: the CMS over the byte
 * ranges, then the signer's chain to store. Sets r's verdict (EV_OK,
 * EV_NOT_BSRE or EV_INVALID_SIGNATURE), reason and signer fields. */
void ev_cms_check(int fd, const struct ev_sig *sig, X509_STORE *store,
                  struct ev_result *r);

/* text.c: the first page (1-based) whose text holds a statement, 0 when
 * none does, -1 when poppler cannot open the file (why filled). */
int ev_text_find(const char *path, const struct ev_statements *st,
                 char *why, size_t whysz);

/* check.c: one run over the files of an application. */
struct ev_run {
    sqlite3 *db;
    const char *app;
    X509_STORE *store;
    const struct ev_statements *statements;
    char check_key[65];         /* CA bundle + wordings: re-check on change */
    long long stamp;            /* marks the rows seen by this run */
    size_t files, ok, skipped;
};

/* Checks path (a file) unless its row is current; records the result.
 * Returns TTE_OK or a database error. */
enum tte_err ev_check_file(struct ev_run *run, const char *path);

/* Checks every *.pdf under dir, then forgets rows of this application
 * under dir that are no longer there. */
enum tte_err ev_check_dir(struct ev_run *run, const char *dir);

/* store.c */
struct ev_row {
    long long size, mtime_ns;
    char sha256[65];
    char check_key[65];
    enum ev_verdict verdict;
    bool found;
};
enum tte_err ev_store_get(sqlite3 *db, const char *app, const char *path,
                          struct ev_row *row);
/* The row is current again: new mtime, seen by this run. */
enum tte_err ev_store_touch(sqlite3 *db, const char *app, const char *path,
                            long long mtime_ns, long long stamp);
enum tte_err ev_store_put(sqlite3 *db, const struct ev_run *run,
                          const char *path, const struct ev_row *file,
                          const struct ev_result *r);
enum tte_err ev_store_prune(sqlite3 *db, const char *app, const char *dir,
                            long long stamp, int *removed);

#endif
