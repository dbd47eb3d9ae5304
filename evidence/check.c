/*
 * One document: unless its row is current, read it (qpdf), check every
 * signature (OpenSSL), look for the statement (poppler) and record the
 * worst verdict that applies.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "evidence.h"
#include "tte_log.h"
#include "tte_path.h"

/* SHA-256 of the open file, read in chunks. */
static bool
file_sha256(int fd, char out[65])
{
    unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    off_t off = 0;

    while (ok) {
        ssize_t n = pread(fd, buf, sizeof buf, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        ok = EVP_DigestUpdate(ctx, buf, (size_t)n) == 1;
        off += n;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    for (unsigned int i = 0; ok && i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return ok;
}

/* The range is inside the file, so its bytes can be read at all. */
static bool
range_readable(const struct ev_sig *s, long long size)
{
    const long long *r = s->range;
    return s->nrange == 4 && r[0] >= 0 && r[1] >= 0 && r[2] >= 0 &&
           r[3] >= 0 && r[1] <= size - r[0] && r[3] <= size - r[2];
}

static void
check_sig(int fd, const struct ev_sig *s, long long lim, X509_STORE *store,
          struct ev_result *r)
{
    const char *why = NULL;
    bool whole = ev_range_check(s, lim, &why);
    if (range_readable(s, lim))
        ev_cms_check(fd, s, store, r);
    if (!whole) {
        r->verdict = EV_INVALID_SIGNATURE;
        snprintf(r->reason, sizeof r->reason, "%s", why);
    }
}

/* Who made a signature, for a reason that names it: the common name of
 * the subject, else the serial. */
static void
signer_name(const struct ev_result *r, char name[64])
{
    const char *cn = strstr(r->subject, "CN=");
    if (cn) {
        size_t len = strcspn(cn + 3, ",+");
        snprintf(name, 64, "signer %.*s", (int)(len < 48 ? len : 48), cn + 3);
    } else if (r->serial[0]) {
        snprintf(name, 64, "signer serial %.40s", r->serial);
    } else {
        snprintf(name, 64, "signer unknown");
    }
}

/* Every signature must verify over its own revision; the one that ends
 * last must cover the whole file, and names the signer. */
static void
check_sigs(int fd, const struct ev_sig *sigs, size_t n, long long size,
           X509_STORE *store, struct ev_result *out)
{
    size_t last = 0;
    for (size_t i = 1; i < n; i++)
        if (ev_range_end(&sigs[i]) > ev_range_end(&sigs[last]))
            last = i;
    for (size_t i = 0; i < n; i++) {
        struct ev_result r = {0};
        long long end = ev_range_end(&sigs[i]);
        long long lim = i == last || end < 0 || end > size ? size : end;
        check_sig(fd, &sigs[i], lim, store, &r);
        if (i == last) {
            memcpy(out->serial, r.serial, sizeof r.serial);
            memcpy(out->serial_dec, r.serial_dec, sizeof r.serial_dec);
            memcpy(out->subject, r.subject, sizeof r.subject);
            memcpy(out->issuer, r.issuer, sizeof r.issuer);
            out->signed_at = r.signed_at;
        }
        if (r.verdict > out->verdict) {
            out->verdict = r.verdict;
            char name[64];
            if (n > 1) {
                signer_name(&r, name);
                snprintf(out->reason, sizeof out->reason,
                         "signature %d of %d (%.60s): %.150s", (int)i + 1,
                         (int)n, name, r.reason);
            } else {
                memcpy(out->reason, r.reason, sizeof r.reason);
            }
        }
    }
}

/* The signatures are checked first: that is cheap (byte ranges and a
 * CMS), while reading the page text is what a hostile file can make
 * expensive, so it runs last and bounded (extract.c). */
static void
evaluate(const struct ev_run *run, const char *path, int fd, long long size,
         struct ev_result *r)
{
    struct ev_sig *sigs = NULL;
    struct ev_text text;
    char why[256];
    size_t n = 0;

    memset(r, 0, sizeof *r);
    if (ev_pdf_signatures(path, &sigs, &n, r->reason, sizeof r->reason)) {
        r->verdict = EV_UNREADABLE;
        return;
    }
    r->signatures = (int)n;
    if (n == 0) {
        r->verdict = EV_UNSIGNED;
        snprintf(r->reason, sizeof r->reason, "no signed signature field");
    } else {
        check_sigs(fd, sigs, n, size, run->store, r);
    }
    ev_sigs_free(sigs, n);
    if (!ev_text_find(path, run->statements, &run->limits, &text, why,
                      sizeof why)) {
        r->verdict = EV_UNREADABLE;
        snprintf(r->reason, sizeof r->reason, "%s", why);
        return;
    }
    r->statement_page = text.page;
    if (r->verdict == EV_OK && text.page == 0) {
        r->verdict = EV_NO_STATEMENT;
        if (text.hidden)
            snprintf(r->reason, sizeof r->reason,
                     "statement present only as invisible text");
        else
            ev_statements_describe(run->statements, r->reason,
                                   sizeof r->reason);
    }
}

static void
report(const struct ev_run *run, const char *path, const struct ev_result *r)
{
    if (r->verdict == EV_OK)
        log_debug("%s: %s: ok (signer %s, statement on page %d)", run->app,
                  path, r->serial, r->statement_page);
    else
        log_warn("%s: %s: %s: %s", run->app, path, ev_verdict_name(r->verdict),
                 r->reason);
}

/* Compares the row with the file; true when the row still holds. */
static bool
current(const struct ev_run *run, const struct ev_row *row,
        const struct ev_row *now, bool by_sha)
{
    if (!row->found || strcmp(row->check_key, run->check_key) != 0)
        return false;
    if (by_sha)
        return strcmp(row->sha256, now->sha256) == 0;
    return row->size == now->size && row->mtime_ns == now->mtime_ns;
}

static enum tte_err
check_open(struct ev_run *run, const char *path, int fd)
{
    struct stat sb;
    struct ev_row row, now = {0};
    struct ev_result r;
    enum tte_err err;

    if (fstat(fd, &sb) != 0)
        return TTE_E_IO;
    now.size = (long long)sb.st_size;
    now.mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL +
                   sb.st_mtim.tv_nsec;
    err = ev_store_get(run->db, run->app, path, &row);
    if (err)
        return err;
    run->files++;
    /* An unchanged file is not read again (only hashed when its time
     * changed). */
    if (current(run, &row, &now, false) ||
        (file_sha256(fd, now.sha256) && current(run, &row, &now, true))) {
        run->skipped++;
        run->ok += row.verdict == EV_OK;
        return ev_store_touch(run->db, run->app, path, now.mtime_ns,
                              run->stamp);
    }
    evaluate(run, path, fd, now.size, &r);
    report(run, path, &r);
    run->ok += r.verdict == EV_OK;
    return ev_store_put(run->db, run, path, &now, &r);
}

/* A file that cannot be read still gets its row, unreadable with the
 * reason, so that the report never counts a document it could not see;
 * check_key stays empty, so the next run tries it again. */
static enum tte_err put_unreadable(struct ev_run *run, const char *path,
                                   const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum tte_err
put_unreadable(struct ev_run *run, const char *path, const char *fmt, ...)
{
    struct ev_row file = {0};
    struct ev_result r = {.verdict = EV_UNREADABLE};
    struct ev_run blank = *run;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r.reason, sizeof r.reason, fmt, ap);
    va_end(ap);
    blank.check_key[0] = '\0';
    run->files++;
    report(run, path, &r);
    return ev_store_put(run->db, &blank, path, &file, &r);
}

/* The absolute name of path; a symbolic link keeps its own name (its
 * folder resolved), so that its row belongs to the folder it is in. */
static const char *
absolute(const char *path, char out[PATH_MAX])
{
    struct stat lsb;
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');

    if (lstat(path, &lsb) != 0 || !S_ISLNK(lsb.st_mode))
        return realpath(path, out) ? out : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s",
                 (int)(slash - path + (slash == path)), path);
    char real[PATH_MAX];
    if (!realpath(dir, real) ||
        snprintf(out, PATH_MAX, "%s/%s", strcmp(real, "/") ? real : "",
                 slash ? slash + 1 : path) >= PATH_MAX)
        return path;
    return out;
}

enum tte_err
ev_check_file(struct ev_run *run, const char *path)
{
    char abs[PATH_MAX];
    const char *p = absolute(path, abs);
    /* What is not a regular file is refused before any read, and a FIFO
     * never makes the run wait. A symbolic link is followed to what it
     * names. */
    const char *why;
    int fd = tte_open_input(p, NULL, &why);

    if (fd < 0)
        return put_unreadable(run, p, "cannot read it: %s", why);
    enum tte_err err = check_open(run, p, fd);
    close(fd);
    return err;
}

static bool
is_pdf_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".pdf") == 0;
}

static int
by_name(const FTSENT **a, const FTSENT **b)
{
    return strcmp((*a)->fts_name, (*b)->fts_name);
}

enum tte_err
ev_check_dir(struct ev_run *run, const char *dir)
{
    char abs[PATH_MAX];
    char *roots[] = {realpath(dir, abs) ? abs : (char *)dir, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, by_name);
    FTSENT *e;
    enum tte_err err = TTE_OK;
    int removed = 0;

    if (!fts) {
        log_err("cannot read '%s': %s", dir, strerror(errno));
        return TTE_E_NOINPUT;
    }
    for (e = fts_read(fts); e && !err; e = fts_read(fts)) {
        /* A link or a special file named *.pdf is looked at too: it
         * is checked, or reported, never skipped unseen. */
        if ((e->fts_info == FTS_F || e->fts_info == FTS_SL ||
             e->fts_info == FTS_SLNONE || e->fts_info == FTS_DEFAULT) &&
            is_pdf_name(e->fts_name))
            err = ev_check_file(run, e->fts_path);
        else if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR)
            log_warn("cannot read '%s': %s", e->fts_path,
                     strerror(e->fts_errno));
    }
    fts_close(fts);
    if (!err)
        err = ev_store_prune(run->db, run->app, roots[0], run->stamp,
                             &removed);
    if (removed)
        log_info("%s: %d document(s) no longer in '%s' forgotten", run->app,
                 removed, dir);
    return err;
}
