#ifndef WRITER_H
#define WRITER_H

/*
 * The one owner of the database connection while collecting: the files
 * row, the events, registry rows and rejects, chunk commits, the rejects
 * file and the counts that go with what is committed. Its port runs on
 * one thread at a time: the reading one, or the queue's.
 */

#include <stdio.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "collect.h"
#include "fileid.h"
#include "port.h"
#include "source.h"

struct writer;

/* rejects: the --rejects file or NULL; it stays the caller's to close. */
struct writer *writer_new(sqlite3 *db, const struct source *src,
                          const struct collect_opts *o, FILE *rejects);
void writer_free(struct writer *w);

/* A registry is replaced whole or not at all: one transaction around
 * all its files. */
enum tte_err writer_snapshot_begin(struct writer *w);
enum tte_err writer_snapshot_end(struct writer *w, bool commit);

/* Starts a file (path as given; fp and sb of the open file): plans where
 * to read from. *unchanged: nothing new to read, nothing left open. */
enum tte_err writer_file_begin(struct writer *w, const char *path, FILE *fp,
                               const struct stat *sb, bool own_tx,
                               struct file_plan *plan, bool *unchanged);
/* The operations for the rows of the file begun. */
struct port writer_port(struct writer *w);
/* Ends the file begun: saves where reading stopped and commits, or rolls
 * back when err. *st: the counts written. */
enum tte_err writer_file_end(struct writer *w, enum tte_err err,
                             struct file_stats *st);

#endif
