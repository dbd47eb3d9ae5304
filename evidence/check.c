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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "evidence.h"
#include "tte_log.h"

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

/* Every signature must verify over its own revision; the one that ends
 * last must cover the whole file, and names the signer. */
static void
check_sigs(int fd, const struct ev_sig *sigs, size_t n, long long size,
           X509_STORE *store, struct ev_result *out)
{
    size_t last = 0;
    for (size_t i = 1; i < n; i++)
        if (sigs[i].range[2] + sigs[i].range[3] >
            sigs[last].range[2] + sigs[last].range[3])
            last = i;
    for (size_t i = 0; i < n; i++) {
        struct ev_result r = {0};
        long long end = sigs[i].range[2] + sigs[i].range[3];
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
            memcpy(out->reason, r.reason, sizeof r.reason);
        }
    }
}

static void
evaluate(const struct ev_run *run, const char *path, int fd, long long size,
         struct ev_result *r)
{
    struct ev_sig *sigs = NULL;
    size_t n = 0;

    memset(r, 0, sizeof *r);
    if (ev_pdf_signatures(path, &sigs, &n, r->reason, sizeof r->reason)) {
        r->verdict = EV_UNREADABLE;
        return;
    }
    r->signatures = (int)n;
    int page = ev_text_find(path, run->statements, r->reason,
                            sizeof r->reason);
    if (page < 0) {
        r->verdict = EV_UNREADABLE;
        goto cleanup;
    }
    r->statement_page = page;
    if (n == 0) {
        r->verdict = EV_UNSIGNED;
        snprintf(r->reason, sizeof r->reason, "no signed signature field");
        goto cleanup;
    }
    check_sigs(fd, sigs, n, size, run->store, r);
    if (r->verdict == EV_OK && page == 0) {
        r->verdict = EV_NO_STATEMENT;
        snprintf(r->reason, sizeof r->reason,
                 "no page states the Pasal 4(1)j wording");
    }
cleanup:
    ev_sigs_free(sigs, n);
}

static void
report(const struct ev_run *run, const char *path, const struct ev_result *r)
{
    if (r->verdict == EV_OK)
        log_debug("%s: %s: ok (signer %s, statement on page %d)", run->app,
                  path, r->serial, r->statement_page);
    else
        log_warn("%s: %s: %s: %s", run->app, path,
                 ev_verdict_name(r->verdict), r->reason);
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

enum tte_err
ev_check_file(struct ev_run *run, const char *path)
{
    char abs[PATH_MAX];
    const char *p = realpath(path, abs) ? abs : path;
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    /* Counted as not ok, not fatal: the other documents still count. */
    if (fd < 0) {
        log_err("cannot open '%s': %s", path, strerror(errno));
        run->files++;
        return TTE_OK;
    }
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
        if (e->fts_info == FTS_F && is_pdf_name(e->fts_name))
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
