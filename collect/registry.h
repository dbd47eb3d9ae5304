#ifndef REGISTRY_H
#define REGISTRY_H

/* The registries (registry.c): validated and stored one row at a time. */

#include <stdbool.h>
#include <sqlite3.h>

#include "source.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* Empties the kind's tables: a registry is a snapshot. */
enum tte_err registry_begin(sqlite3 *db, enum src_kind kind);
/* Validates and stores one row; false with *reason set when the row is
 * refused, false with *err set on a database error. */
bool registry_row(sqlite3 *db, enum src_kind kind, char **row,
                  struct tte_buf *reason, enum tte_err *err);
/* The same checks without storing (--check): false with *reason set
 * when a collect would refuse the row. Duplicates of an earlier row are
 * found only when storing. */
bool registry_check(enum src_kind kind, char **row, struct tte_buf *reason);

#endif
