#ifndef FILEID_H
#define FILEID_H

/*
 * File identity (fileid.c): a file is remembered by source and real path
 * with its device, inode, size, mtime, the offset reached and two hashes:
 * of its first bytes and of the bytes just before that offset.
 */

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "collect.h"
#include "tte_err.h"

struct file_plan {
    long long file_id;          /* its row in files */
    long long offset;           /* where to read from */
    size_t line;                /* the line before offset */
    bool resumed;               /* the same file: only new rows follow */
};

/* Finds or creates the file's row and decides where to read from: 0 for
 * a new or changed file (whose rejects are dropped; a log keeps its other
 * counts, which the new read adds to, a registry starts them over),
 * the saved offset for a file of events that is the same up to it.
 * name is the file as given, for messages. */
enum tte_err fileid_plan(sqlite3 *db, const char *source, const char *real,
                         bool events, FILE *fp, const struct stat *sb,
                         const char *name, struct file_plan *plan);
/* Saves where reading stopped and adds the counts in *delta. */
enum tte_err fileid_save(sqlite3 *db, long long file_id, FILE *fp,
                         const struct stat *sb, long long offset,
                         size_t line, const struct file_stats *delta);

#endif
