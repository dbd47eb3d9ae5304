#ifndef COLLECT_RUN_H
#define COLLECT_RUN_H

/* The collect stage as main() drives it. */

#include "collect.h"

struct collect *collect_new(sqlite3 *db, struct source *src,
                            const struct collect_opts *opts);
void collect_free(struct collect *c);
void collect_set_rejects(struct collect *c, FILE *fp);

/*
 * Collects one file: skipped when unchanged, resumed when it only grew,
 * re-read otherwise. Adds its counts to *total and prints the summary line.
 * Events commit per file (or per chunk); registry files run inside the
 * caller's transaction (own_tx false).
 */
enum tte_err collect_file(struct collect *c, const char *path, bool own_tx,
                          struct file_stats *total);

/* Writes s as one quoted CSV field. */
void csv_fwrite_field(FILE *fp, const char *s);

#endif
