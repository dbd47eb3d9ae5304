#ifndef SORTER_H
#define SORTER_H

/*
 * An external sort of byte records by a 64-bit key, stable (records of
 * equal keys come out in the order they went in), in bounded memory: what
 * does not fit is sorted in runs into an unlinked temporary file
 * ($TMPDIR, else /tmp; mode 0600) and merged on the way out (sorter.c).
 */

#include <stddef.h>
#include <stdint.h>

#include "tte_err.h"

struct sorter;

/* budget: bytes of records and bookkeeping held in memory, at least
 * 64 KiB. */
struct sorter *sorter_new(size_t budget);
void sorter_free(struct sorter *s);
/* Empties s (and drops its file), ready for sorter_add again. */
void sorter_clear(struct sorter *s);

enum tte_err sorter_add(struct sorter *s, uint64_t key, const void *rec,
                        size_t n);
/* Records added since the last sorter_clear. */
uint64_t sorter_count(const struct sorter *s);

/* Ends the adding; the first sorter_next follows. */
enum tte_err sorter_sort(struct sorter *s);
/* The next record in key order: 1 with *key, *rec and *n set (valid
 * until the next call), 0 at the end, -1 on a read error (*err). */
int sorter_next(struct sorter *s, uint64_t *key, const void **rec, size_t *n,
                enum tte_err *err);

#endif
