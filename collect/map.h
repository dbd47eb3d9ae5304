#ifndef MAP_H
#define MAP_H

/* Mapping a record onto a source's target fields (map.c). */

#include "sink.h"
#include "source.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* Fills row[0..nfields) from a record, and lens[] with their lengths;
 * the texts live in scratch until its next use. Returns false with
 * *reason set when the row is refused before validation, true with
 * *keep false when a filter drops it. */
bool map_record(const struct source *src, const struct record *rec,
                struct tte_buf *scratch, char **row, size_t *lens, bool *keep,
                struct tte_buf *reason);
/* The same; trace (when not NULL) receives, for each field its cleaning
 * changed, its name and its value before, each NUL-terminated. */
bool map_record_traced(const struct source *src, const struct record *rec,
                       struct tte_buf *scratch, char **row, size_t *lens,
                       bool *keep, struct tte_buf *reason,
                       struct tte_buf *trace);
/* Resolves the columns from a CSV header (names NULL: none) and checks
 * the required ones; *secret_cols: which columns hold secrets. */
enum tte_err map_header(struct source *src, const char *file, char **names,
                        size_t n, bool **secret_cols);

#endif
