#ifndef REGISTRY_H
#define REGISTRY_H

/* The registries (registry.c): validated and stored one row at a time. */

#include <stdbool.h>
#include <sqlite3.h>

#include "source.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* Empties the kind's tables: a registry is a snapshot. Notes their size
 * first, for registry_end. */
enum tte_err registry_begin(sqlite3 *db, enum src_kind kind);

/* How far a registry may shrink when it is replaced. */
struct registry_limits {
    int max_shrink;    /* percent of the stored rows */
    bool allow_shrink; /* any shrink is meant */
    bool allow_empty;  /* so is a registry emptied */
};
/* Before the snapshot commits: TTE_E_DATA (and says so, naming the
 * registry, both sizes and --allow-shrink) when it lost more than
 * max_shrink percent of the rows it had. name: the registry's, for the
 * message. */
enum tte_err registry_end(sqlite3 *db, enum src_kind kind, const char *name,
                          const struct registry_limits *lim);
/* Validates and stores one row; false with *reason set when the row is
 * refused, false with *err set on a database error. */
bool registry_row(sqlite3 *db, enum src_kind kind, char **row,
                  struct tte_buf *reason, enum tte_err *err);
/* The same checks without storing (--check): false with *reason set
 * when a collect would refuse the row. Duplicates of an earlier row are
 * found only when storing. */
bool registry_check(enum src_kind kind, char **row, struct tte_buf *reason);

#endif
