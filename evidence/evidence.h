#ifndef EVIDENCE_H
#define EVIDENCE_H

/*
 * tte-evidence: sample signed PDFs of an application checked for Pasal
 * 4(1)j. The PDF structure is read by libqpdf (pdfsig.c), the signature
 * and chain by OpenSSL's CMS (cms.c), the page text by poppler (text.c)
 * in a bounded child process (extract.c); what is ours is the matching of
 * the statement (statement.c), the sanity of /ByteRange (range.c) and
 * the reading of what the child sends (records.c), all pure and fuzzed.
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
    EV_UNREADABLE /* not a PDF, truncated, encrypted */
};

/* "ok", "no_statement", ... (static strings, the v_evidence values). */
const char *ev_verdict_name(enum ev_verdict v);

/* One signature dictionary as the PDF gives it (pdfsig.c). */
struct ev_sig {
    long long range[4];      /* /ByteRange: start, length, start, length */
    size_t nrange;           /* numbers in /ByteRange (4 when sane) */
    unsigned char *contents; /* /Contents, decoded (malloc'd) */
    size_t contents_len;
    char subfilter[64]; /* /SubFilter without the slash */
};

/* What one file turned out to be. */
struct ev_result {
    enum ev_verdict verdict;
    char reason[256];
    int signatures;
    char serial[128];     /* upper-case hex, whole bytes */
    char serial_dec[128]; /* the same in decimal, for registries */
    char subject[512];    /* RFC 2253, NIK masked */
    char issuer[512];
    long long signed_at; /* CMS signingTime, 0 when absent */
    int statement_page;  /* 1-based, 0 when not found */
};

/* range.c: true when /ByteRange covers the whole file of size bytes but
 * exactly the hex string of /Contents (contents_len bytes decoded); else
 * false with *why set to a static text. */
bool ev_range_check(const struct ev_sig *s, long long size, const char **why);

/* Where the signed bytes of s end (start + length of its second range),
 * or -1 when the range is not four numbers or the sum does not fit: a
 * hostile /ByteRange must not overflow. */
long long ev_range_end(const struct ev_sig *s);

/* statement.c: the Pasal 4(1)j wordings, normalized for matching. */
struct ev_statements {
    char **norm;
    size_t n;
    bool defaults; /* the built-in wordings */
};

/* Lower-cases ASCII letters, drops white space (also no-break and other
 * Unicode spaces), punctuation, dashes and soft hyphens (so a word
 * hyphenated at a line end is whole again), spells out ligatures and
 * reads each agency's long name as its short one, so that the same
 * statement broken, spaced or named differently still matches. Returns
 * malloc'd text and its length in *outlen. */
char *ev_normalize(const char *s, size_t n, size_t *outlen);

void ev_statements_add(struct ev_statements *st, const char *text);
void ev_statements_free(struct ev_statements *st);
/* The built-in wordings (DOMAIN.md), used when none are given. */
void ev_statements_default(struct ev_statements *st);
/* The no_statement reason: which wordings were tried, briefly. */
void ev_statements_describe(const struct ev_statements *st, char *out,
                            size_t outsz);
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

/* Bounds on reading one document's page text. */
struct ev_limits {
    unsigned long long max_memory; /* bytes of address space */
    unsigned timeout;              /* seconds of wall-clock time */
    size_t max_text;               /* bytes of text sent back */
};

#define EV_DEFAULT_MAX_MEMORY (512ULL << 20)
#define EV_DEFAULT_TIMEOUT 30
#define EV_MAX_TEXT (16u << 20)

/* text.c, run in the child: writes, per page, an 'A' record with all of
 * its text and, when that holds a statement, a 'V' record with its
 * visible text (characters a reader cannot see replaced by EV_HIDDEN);
 * stops after the first page whose visible text holds one. An 'E' record
 * says why poppler could not open the file. Returns the exit status. */
#define EV_HIDDEN '\x1f'
int ev_text_child(const char *path, const struct ev_statements *st, int fd);

/* What the page text of a document says (extract.c). */
struct ev_text {
    int page;    /* first page with a visible statement, 0 none */
    bool hidden; /* a statement is there, but only unseen */
};

/* Reads the page text of path in a child process bound by lim; returns
 * false with why filled when the text cannot be read (poppler refuses
 * the file, or a limit is exceeded). */
bool ev_text_find(const char *path, const struct ev_statements *st,
                  const struct ev_limits *lim, struct ev_text *out, char *why,
                  size_t whysz);

/* The record stream of ev_text_child, parsed: true when it is whole. */
bool ev_text_parse(const char *buf, size_t n, const struct ev_statements *st,
                   struct ev_text *out, char *why, size_t whysz);

/* check.c: one run over the files of an application. */
struct ev_run {
    sqlite3 *db;
    const char *app;
    X509_STORE *store;
    const struct ev_statements *statements;
    struct ev_limits limits;
    char check_key[65]; /* CA bundle + wordings: re-check on change */
    long long stamp;    /* marks the rows seen by this run */
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
