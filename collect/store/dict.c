/*
 * An in-memory cache of the strings table: text -> id. Open addressing,
 * cleared when full so memory stays flat however many distinct messages
 * a log holds; a miss costs one indexed lookup. A slot keeps the hash and
 * length beside the key, so a probe touches the key's bytes only when it
 * is almost surely the one.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "tte_alloc.h"
#include "tte_hash.h"

#define DICT_MAX (1u << 16)

struct dict_slot {
    char *key;
    int64_t id;
    uint32_t hash; /* the bits the slot index does not use */
    uint32_t len;
};

void
dict_clear(struct dict *d)
{
    for (size_t i = 0; i < d->cap; i++)
        free(d->slots[i].key);
    if (d->slots)
        memset(d->slots, 0, d->cap * sizeof *d->slots);
    d->n = 0;
}

void
dict_free(struct dict *d)
{
    dict_clear(d);
    free(d->slots);
    memset(d, 0, sizeof *d);
}

static struct dict_slot *
slot(const struct dict *d, const char *s, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (d->cap - 1);
    for (;; i = (i + 1) & (d->cap - 1)) {
        struct dict_slot *e = &d->slots[i];
        if (!e->key || (e->hash == (uint32_t)(h >> 32) && e->len == n &&
                        memcmp(e->key, s, n) == 0))
            return e;
    }
}

int64_t
dict_get(const struct dict *d, const char *s, size_t n)
{
    if (!d->cap)
        return 0;
    struct dict_slot *e = slot(d, s, n, tte_hash(s, n));
    return e->key ? e->id : 0;
}

void
dict_put(struct dict *d, const char *s, size_t n, int64_t id)
{
    if (!d->cap) {
        d->cap = DICT_MAX * 2;
        d->slots = tte_xcalloc(d->cap, sizeof *d->slots);
    }
    if (d->n >= DICT_MAX)
        dict_clear(d);
    uint64_t h = tte_hash(s, n);
    struct dict_slot *e = slot(d, s, n, h);
    if (!e->key) {
        e->key = tte_xmalloc(n + 1);
        memcpy(e->key, s, n);
        e->key[n] = '\0';
        e->hash = (uint32_t)(h >> 32);
        e->len = (uint32_t)n;
        d->n++;
    }
    e->id = id;
}
