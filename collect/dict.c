/*
 * An in-memory cache of the strings table: text -> id. Open addressing,
 * cleared when full so memory stays flat however many distinct messages
 * a log holds; a miss costs one indexed lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "tte_util.h"

#define DICT_MAX (1u << 17)

void
dict_clear(struct dict *d)
{
    for (size_t i = 0; i < d->cap; i++)
        free(d->keys[i]);
    if (d->keys)
        memset(d->keys, 0, d->cap * sizeof *d->keys);
    d->n = 0;
}

void
dict_free(struct dict *d)
{
    dict_clear(d);
    free(d->keys);
    free(d->ids);
    memset(d, 0, sizeof *d);
}

static size_t
slot(const struct dict *d, const char *s, uint64_t h)
{
    size_t i = (size_t)h & (d->cap - 1);
    while (d->keys[i] && strcmp(d->keys[i], s) != 0)
        i = (i + 1) & (d->cap - 1);
    return i;
}

int64_t
dict_get(const struct dict *d, const char *s)
{
    if (!d->cap)
        return 0;
    size_t i = slot(d, s, tte_hash(s, strlen(s)));
    return d->keys[i] ? d->ids[i] : 0;
}

void
dict_put(struct dict *d, const char *s, int64_t id)
{
    if (!d->cap) {
        d->cap = DICT_MAX * 2;
        d->keys = xcalloc(d->cap, sizeof *d->keys);
        d->ids = xcalloc(d->cap, sizeof *d->ids);
    }
    if (d->n >= DICT_MAX)
        dict_clear(d);
    size_t i = slot(d, s, tte_hash(s, strlen(s)));
    if (!d->keys[i]) {
        d->keys[i] = xstrdup(s);
        d->n++;
    }
    d->ids[i] = id;
}
