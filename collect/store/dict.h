#ifndef DICT_H
#define DICT_H

#include <stddef.h>
#include <stdint.h>

struct dict_slot;

/* Cache of string -> id; a zeroed struct is an empty cache. */
struct dict {
    struct dict_slot *slots;
    size_t cap, n;
};

/* The cached id of s (n bytes), or 0. */
int64_t dict_get(const struct dict *d, const char *s, size_t n);
/* Caches s -> id (s is copied). */
void dict_put(struct dict *d, const char *s, size_t n, int64_t id);
/* Forgets everything, e.g. after a rollback made cached ids invalid. */
void dict_clear(struct dict *d);
void dict_free(struct dict *d);

#endif
