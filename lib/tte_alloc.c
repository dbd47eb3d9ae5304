#include <stdlib.h>
#include <string.h>

#include "tte_alloc.h"
#include "tte_log.h"

static void
die_nomem(void)
{
    log_err("out of memory");
    exit(71);
}

void *
tte_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_nomem();
    return p;
}

void *
tte_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die_nomem();
    return p;
}

void *
tte_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_nomem();
    return q;
}

char *
tte_xstrdup(const char *s)
{
    return tte_xstrndup(s, strlen(s));
}

char *
tte_xstrndup(const char *s, size_t n)
{
    char *p = tte_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
