/*
 * External merge sort. Records gather in memory; when the budget is spent
 * they are sorted by key (a radix sort, which keeps equal keys in arrival
 * order, in an eighth of qsort's time here) and written out as a run; at
 * the end the runs are merged through a heap ordered by (key, run), an
 * earlier run holding earlier records. The budget is the whole of the
 * memory: the records are freed before the merge shares it among the
 * runs' read buffers. A run's record on file: its key (8 bytes), its
 * length (4), its bytes, in this machine's byte order: the file lives
 * only as long as the sort.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sorter.h"
#include "tte_alloc.h"
#include "tte_log.h"

#define HEAD 12       /* key and length before a run's record */
#define MIN_READ 4096 /* a run's read buffer, at least */

struct entry {
    uint64_t key;
    uint32_t off, len; /* in mem */
};

/* Records in memory. */
struct chunk {
    unsigned char *mem;
    size_t used, cap;
    struct entry *e, *tmp; /* tmp: the radix sort's other half */
    size_t ne, cape;
};

struct run {
    off_t pos, end; /* the next byte to read, the run's end */
    unsigned char *buf;
    size_t cap, at, have; /* unread bytes: buf[at..have) */
    uint64_t key;         /* the record at hand */
    const unsigned char *rec;
    size_t n;
};

struct sorter {
    size_t budget;
    uint64_t count;
    struct chunk c;
    /* Runs on file. */
    int fd;
    FILE *out;
    off_t size;
    struct run *runs;
    size_t nruns;
    /* Reading back: in memory (next) or through the heap of runs. */
    size_t next;
    size_t *heap, nheap; /* runs with a record at hand, by (key, run) */
    bool took;           /* the heap's top was returned */
};

struct sorter *
sorter_new(size_t budget)
{
    struct sorter *s = tte_xcalloc(1, sizeof *s);
    s->budget = budget < 65536 ? 65536 : budget;
    s->fd = -1;
    return s;
}

static void
chunk_free(struct chunk *c)
{
    free(c->mem);
    free(c->e);
    free(c->tmp);
    memset(c, 0, sizeof *c);
}

void
sorter_clear(struct sorter *s)
{
    chunk_free(&s->c);
    for (size_t i = 0; i < s->nruns; i++)
        free(s->runs[i].buf);
    free(s->runs);
    free(s->heap);
    if (s->out)
        fclose(s->out);
    else if (s->fd >= 0)
        close(s->fd);
    *s = (struct sorter){.budget = s->budget, .fd = -1};
}

void
sorter_free(struct sorter *s)
{
    if (!s)
        return;
    sorter_clear(s);
    free(s);
}

uint64_t
sorter_count(const struct sorter *s)
{
    return s->count;
}

/* Sorts c's entries by key, equal keys in the order they came: a radix
 * sort, a byte a pass from the lowest, each pass stable; a byte all keys
 * share (the high bytes of keys within a few years) is no pass. */
static void
sort_chunk(struct chunk *c)
{
    size_t count[8][256] = {{0}};
    if (!c->ne)
        return;
    for (size_t i = 0; i < c->ne; i++)
        for (int b = 0; b < 8; b++)
            count[b][c->e[i].key >> (8 * b) & 0xff]++;
    if (!c->tmp)
        c->tmp = tte_xmalloc(c->cape * sizeof *c->tmp);
    for (int b = 0; b < 8; b++) {
        size_t *n = count[b], sum = 0;
        if (n[c->e[0].key >> (8 * b) & 0xff] == c->ne)
            continue;
        for (int v = 0; v < 256; v++) {
            size_t k = n[v];
            n[v] = sum;
            sum += k;
        }
        for (size_t i = 0; i < c->ne; i++)
            c->tmp[n[c->e[i].key >> (8 * b) & 0xff]++] = c->e[i];
        struct entry *t = c->e;
        c->e = c->tmp;
        c->tmp = t;
    }
}

/* The temporary file, created at the first spill without a name, so that
 * nothing of it outlives the process, whatever ends it. A file system
 * without O_TMPFILE gets a name unlinked at once (a kill between the two
 * leaves it). */
static enum tte_err
open_file(struct sorter *s)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/tte-collect-sort-XXXXXX", dir);
    s->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (s->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR) &&
        (s->fd = mkstemp(path)) >= 0)
        unlink(path);
    if (s->fd < 0) {
        log_err("cannot create a temporary file in %s for rows out of "
                "time order (TMPDIR names another folder): %s",
                dir, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    s->out = fdopen(s->fd, "w");
    if (!s->out) {
        close(s->fd);
        s->fd = -1;
        return TTE_E_NOMEM;
    }
    /* A run is some hundred kilobytes: written in 64 KiB writes. */
    setvbuf(s->out, NULL, _IOFBF, 1 << 16);
    return TTE_OK;
}

static enum tte_err
write_error(void)
{
    log_err("cannot write the temporary file of rows out of time order: "
            "%s",
            strerror(errno));
    return TTE_E_IO;
}

/* The records in memory, sorted, as a run on file; none are left in
 * memory after. */
static enum tte_err
spill(struct sorter *s)
{
    struct chunk *c = &s->c;
    enum tte_err err = s->out ? TTE_OK : open_file(s);
    if (err)
        return err;
    sort_chunk(c);
    off_t start = s->size;
    for (size_t i = 0; i < c->ne; i++) {
        const struct entry *x = &c->e[i];
        if (fwrite_unlocked(&x->key, 8, 1, s->out) != 1 ||
            fwrite_unlocked(&x->len, 4, 1, s->out) != 1 ||
            fwrite_unlocked(c->mem + x->off, 1, x->len, s->out) != x->len)
            return write_error();
        s->size += HEAD + x->len;
    }
    s->runs = tte_xrealloc(s->runs, (s->nruns + 1) * sizeof *s->runs);
    s->runs[s->nruns++] = (struct run){.pos = start, .end = s->size};
    c->used = 0;
    c->ne = 0;
    return TTE_OK;
}

enum tte_err
sorter_add(struct sorter *s, uint64_t key, const void *rec, size_t n)
{
    if (n > UINT32_MAX)
        return TTE_E_SOFTWARE;
    struct chunk *c = &s->c;
    /* The entries count twice: the radix sort moves them to a copy. */
    if (c->ne && c->used + n + 2 * (c->ne + 1) * sizeof *c->e > s->budget) {
        enum tte_err err = spill(s);
        if (err)
            return err;
    }
    if (c->used + n > c->cap || !c->mem) { /* records may be empty */
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->used + n)
            cap *= 2;
        if (cap > s->budget && c->used + n <= s->budget)
            cap = s->budget;
        c->mem = tte_xrealloc(c->mem, cap);
        c->cap = cap;
    }
    if (c->ne == c->cape) {
        c->cape = c->cape ? 2 * c->cape : 256;
        c->e = tte_xrealloc(c->e, c->cape * sizeof *c->e);
        free(c->tmp);
        c->tmp = NULL;
    }
    memcpy(c->mem + c->used, rec, n);
    c->e[c->ne++] = (struct entry){key, (uint32_t)c->used, (uint32_t)n};
    c->used += n;
    s->count++;
    return TTE_OK;
}

/* Makes r's next record the one at hand: 1, or 0 when r is done, -1 on
 * an error. */
static int
run_advance(struct sorter *s, struct run *r, enum tte_err *err)
{
    for (;;) {
        size_t avail = r->have - r->at;
        if (avail >= HEAD) {
            uint32_t len;
            memcpy(&len, r->buf + r->at + 8, 4);
            if (avail >= HEAD + (size_t)len) {
                memcpy(&r->key, r->buf + r->at, 8);
                r->rec = r->buf + r->at + HEAD;
                r->n = len;
                r->at += HEAD + len;
                return 1;
            }
            if (HEAD + (size_t)len > r->cap) {
                r->cap = HEAD + (size_t)len;
                r->buf = tte_xrealloc(r->buf, r->cap);
            }
        }
        if (r->pos == r->end) {
            if (!avail)
                return 0;
            log_err("the temporary file of rows out of time order ends "
                    "inside a record");
            *err = TTE_E_IO;
            return -1;
        }
        memmove(r->buf, r->buf + r->at, avail);
        r->at = 0;
        r->have = avail;
        size_t want = r->cap - avail;
        if ((off_t)want > r->end - r->pos)
            want = (size_t)(r->end - r->pos);
        ssize_t got = pread(s->fd, r->buf + avail, want, r->pos);
        if (got <= 0) {
            log_err("cannot read the temporary file of rows out of time "
                    "order: %s",
                    got ? strerror(errno) : "it is short");
            *err = TTE_E_IO;
            return -1;
        }
        r->have += (size_t)got;
        r->pos += got;
    }
}

static bool
before(const struct sorter *s, size_t a, size_t b)
{
    const struct run *x = &s->runs[a], *y = &s->runs[b];
    return x->key != y->key ? x->key < y->key : a < b;
}

static void
sift_down(struct sorter *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < s->nheap && before(s, s->heap[l], s->heap[m]))
            m = l;
        if (l + 1 < s->nheap && before(s, s->heap[l + 1], s->heap[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

enum tte_err
sorter_sort(struct sorter *s)
{
    s->next = 0;
    if (!s->nruns) {
        sort_chunk(&s->c);
        return TTE_OK;
    }
    enum tte_err err = s->c.ne ? spill(s) : TTE_OK;
    if (!err && fflush(s->out) != 0)
        err = write_error();
    if (err)
        return err;
    chunk_free(&s->c);
    /* Half the budget reads the runs back: the page cache, shrunk for the
     * merge, takes some of the rest. */
    size_t each = s->budget / 2 / s->nruns;
    if (each < MIN_READ)
        each = MIN_READ;
    s->heap = tte_xmalloc(s->nruns * sizeof *s->heap);
    for (size_t i = 0; i < s->nruns; i++) {
        struct run *r = &s->runs[i];
        r->cap = each;
        r->buf = tte_xmalloc(each);
        int got = run_advance(s, r, &err);
        if (got < 0)
            return err;
        if (got)
            s->heap[s->nheap++] = i;
    }
    for (size_t i = s->nheap / 2; i-- > 0;)
        sift_down(s, i);
    s->took = false;
    return TTE_OK;
}

int
sorter_next(struct sorter *s, uint64_t *key, const void **rec, size_t *n,
            enum tte_err *err)
{
    *err = TTE_OK;
    if (!s->nruns) {
        if (s->next == s->c.ne)
            return 0;
        const struct entry *x = &s->c.e[s->next++];
        *key = x->key;
        *rec = s->c.mem + x->off;
        *n = x->len;
        return 1;
    }
    /* The record returned last stays valid until now. */
    if (s->took && s->nheap) {
        int got = run_advance(s, &s->runs[s->heap[0]], err);
        if (got < 0)
            return -1;
        if (!got)
            s->heap[0] = s->heap[--s->nheap];
        sift_down(s, 0);
    }
    if (!s->nheap)
        return 0;
    s->took = true;
    const struct run *r = &s->runs[s->heap[0]];
    *key = r->key;
    *rec = r->rec;
    *n = r->n;
    return 1;
}
