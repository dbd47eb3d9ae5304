#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "tte_util.h"

#define BLOCK (1 << 20)

void
lines_init(struct lines *l, FILE *fp)
{
    memset(l, 0, sizeof *l);
    l->fp = fp;
}

void
lines_free(struct lines *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

/* Moves the unread rest to the front and reads more after it. */
static void
refill(struct lines *l)
{
    size_t rest = l->end - l->start;
    if (l->start)
        memmove(l->buf, l->buf + l->start, rest);
    l->start = 0;
    l->end = rest;
    if (l->cap - l->end < BLOCK / 2) {
        l->cap = l->cap ? l->cap * 2 : BLOCK;
        l->buf = xrealloc(l->buf, l->cap + 1);
    }
    size_t n = fread(l->buf + l->end, 1, l->cap - l->end, l->fp);
    l->end += n;
    if (n == 0)
        l->eof = 1;
}

ssize_t
lines_next(struct lines *l, char **line)
{
    size_t scanned = 0;
    if (!l->buf)
        refill(l);      /* no pointer arithmetic on a NULL buffer */
    for (;;) {
        char *nl = memchr(l->buf + l->start + scanned, '\n',
                          l->end - l->start - scanned);
        if (nl) {
            size_t len = (size_t)(nl - (l->buf + l->start)) + 1;
            *line = l->buf + l->start;
            l->start += len;
            return (ssize_t)len;
        }
        if (l->eof) {
            size_t len = l->end - l->start;
            if (!len)
                return -1;
            *line = l->buf + l->start;
            l->start = l->end;
            (*line)[len] = '\0';
            return (ssize_t)len;
        }
        scanned = l->end - l->start;
        refill(l);
    }
}
