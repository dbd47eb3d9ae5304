/* The --rejects file: earlier rows kept, formulas defused. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "rejects.h"
#include "tte_alloc.h"
#include "tte_log.h"

static bool
formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
           c == '\r';
}

void
rejects_guard(const char *s, struct tte_buf *out)
{
    tte_buf_reset(out);
    if (formula_start(*s))
        tte_buf_addc(out, '\'');
    tte_buf_adds(out, s);
    tte_buf_addc(out, '\0');
}

void
rejects_write_field(FILE *fp, const char *s)
{
    struct tte_buf b;
    tte_buf_init(&b);
    rejects_guard(s, &b);
    csv_fwrite(fp, b.data, b.len - 1);
    tte_buf_free(&b);
}

void
rejects_unguard(char *s)
{
    if (s[0] == '\'' && formula_start(s[1]))
        memmove(s, s + 1, strlen(s));
}

/* The one rejects file of this process, for rejects_replaced(). */
static struct rejects_out *current;

/* Reading an earlier rejects file: rows as fields. */
struct old_rows {
    char *fields[4];
    size_t n;
    bool header_seen;
    bool bad;
    struct rejects_out *r;
};

static void
old_field(void *data, size_t len, void *arg)
{
    struct old_rows *o = arg;
    if (o->n < 4) {
        o->fields[o->n] = tte_xmalloc(len + 1);
        memcpy(o->fields[o->n], data ? data : "", len);
        o->fields[o->n][len] = '\0';
    }
    o->n++;
}

/* Each row kept as its file's name (real path when it still exists)
 * then its CSV text, written back as read: its quote prefixes are
 * there already. */
static void
old_row(int term, void *arg)
{
    struct old_rows *o = arg;
    struct rejects_out *r = o->r;
    (void)term;
    if (!o->header_seen) {
        o->header_seen = true;
        o->bad = o->n != 4 || strcmp(o->fields[0], "file") != 0;
    } else if (o->n == 4) {
        char real[PATH_MAX];
        const char *f = o->fields[0];
        r->old = tte_xrealloc(r->old, (r->nold + 1) * sizeof *r->old);
        r->old[r->nold].file = tte_xstrdup(realpath(f, real) ? real : f);
        r->old[r->nold].replaced = false;
        struct tte_buf *t = &r->old[r->nold].text;
        tte_buf_init(t);
        for (size_t i = 0; i < 4; i++) {
            if (i)
                tte_buf_addc(t, ',');
            if (i == 1) {
                tte_buf_adds(t, o->fields[i]);
                continue;
            }
            size_t n = strlen(o->fields[i]);
            char *q = tte_xmalloc(n * 2 + 3);
            tte_buf_add(t, q, csv_write(q, n * 2 + 3, o->fields[i], n));
            free(q);
        }
        tte_buf_addc(t, '\n');
        r->nold++;
    }
    for (size_t i = 0; i < 4 && i < o->n; i++)
        free(o->fields[i]);
    o->n = 0;
}

static enum tte_err
keep_old(struct rejects_out *r)
{
    FILE *in = fopen(r->path, "rb");
    struct csv_parser p;
    struct old_rows o = {.r = r};
    char buf[65536];
    size_t got;

    if (!in)
        return errno == ENOENT ? TTE_OK : TTE_E_IO;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(in);
        return TTE_E_NOMEM;
    }
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        csv_parse(&p, buf, got, old_field, old_row, &o);
    csv_fini(&p, old_field, old_row, &o);
    csv_free(&p);
    fclose(in);
    if (o.bad) {
        log_err("--rejects '%s' exists and is not a rejects file (its "
                "first line is not \"%s\"); refused",
                r->path, REJECTS_HEADER);
        return TTE_E_CANTCREAT;
    }
    return TTE_OK;
}

void
rejects_replaced(const char *path)
{
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    for (size_t i = 0; current && i < current->nold; i++)
        if (strcmp(current->old[i].file, p) == 0 ||
            strcmp(current->old[i].file, path) == 0)
            current->old[i].replaced = true;
}

enum tte_err
rejects_open(struct rejects_out *r, const char *path)
{
    size_t len = strlen(path) + 16;
    memset(r, 0, sizeof *r);
    r->path = tte_xstrdup(path);
    r->tmp = tte_xmalloc(len);
    snprintf(r->tmp, len, "%s.XXXXXX", path);
    int fd = mkstemp(r->tmp);
    if (fd < 0 || !(r->fp = fdopen(fd, "w"))) {
        log_err("cannot create '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(r->tmp);
        free(r->path);
        r->tmp = r->path = NULL;
        return TTE_E_CANTCREAT;
    }
    fputs(REJECTS_HEADER "\n", r->fp);
    enum tte_err err = keep_old(r);
    if (err) {
        if (err == TTE_E_IO)
            log_err("cannot read '%s': %s", path, strerror(errno));
        rejects_close(r, false);
        return TTE_E_CANTCREAT;
    }
    current = r;
    return TTE_OK;
}

enum tte_err
rejects_close(struct rejects_out *r, bool keep)
{
    enum tte_err err = TTE_OK;
    long long kept = 0;
    if (!r->fp)
        return TTE_OK;
    for (size_t i = 0; i < r->nold; i++) {
        if (keep && !r->old[i].replaced) {
            fwrite(r->old[i].text.data, 1, r->old[i].text.len, r->fp);
            kept++;
        }
        free(r->old[i].file);
        tte_buf_free(&r->old[i].text);
    }
    free(r->old);
    r->old = NULL;
    r->nold = 0;
    if (kept)
        log_info("%s: kept %lld rejected rows of files not read again",
                 r->path, kept);
    if (current == r)
        current = NULL;
    if (fclose(r->fp) != 0 && keep) {
        log_err("cannot write '%s': %s", r->path, strerror(errno));
        err = TTE_E_IO;
    }
    if (keep && !err && rename(r->tmp, r->path) != 0) {
        log_err("cannot write '%s': %s", r->path, strerror(errno));
        err = TTE_E_IO;
    }
    if (!keep || err)
        unlink(r->tmp);
    r->fp = NULL;
    free(r->tmp);
    free(r->path);
    r->tmp = r->path = NULL;
    return err;
}
