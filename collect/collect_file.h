#ifndef COLLECT_FILE_H
#define COLLECT_FILE_H

/* The per-file driver (collect_file.c). */

#include "collect.h"
#include "source.h"
#include "tte_err.h"

struct writer;

/*
 * Collects one file: skipped when unchanged, resumed when it only grew,
 * re-read otherwise. Adds its counts to *total and prints the summary line.
 * Events commit per file (or per chunk); registry files run inside the
 * writer's snapshot transaction (own_tx false). With --check, w is NULL
 * and the rows are printed instead.
 */
enum tte_err collect_file(struct source *src, const struct collect_opts *o,
                          struct writer *w, const char *path, bool own_tx,
                          struct file_stats *total);

#endif
