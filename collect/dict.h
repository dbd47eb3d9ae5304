#ifndef DICT_H
#define DICT_H

#include <stddef.h>
#include <stdint.h>

/* Cache of string -> id; a zeroed struct is an empty cache. */
struct dict {
    char **keys;
    int64_t *ids;
    size_t cap, n;
};

/* The cached id of s, or 0. */
int64_t dict_get(const struct dict *d, const char *s);
/* Caches s -> id (s is copied). */
void dict_put(struct dict *d, const char *s, int64_t id);
/* Forgets everything, e.g. after a rollback made cached ids invalid. */
void dict_clear(struct dict *d);
void dict_free(struct dict *d);

#endif
