#ifndef FILEID_H
#define FILEID_H

/*
 * File identity (fileid.c): a file is remembered by source and real path
 * with its device, inode, size, mtime (nanoseconds), the offset reached
 * and three hashes: of its first bytes, of the bytes just before that
 * offset and of all the bytes before it (the prefix).
 */

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "collect.h"
#include "tte_err.h"

struct file_plan {
    long long file_id; /* its row in files */
    long long offset;  /* where to read from */
    size_t line;       /* the line before offset */
    bool resumed;      /* the same file: only new rows follow */
    bool edited;       /* changed in place: its rows replaced */
    long long changed; /* then: its rows whose content differs */
    /* The prefix hash so far: each save hashes only the bytes since the
     * last, so a long file is hashed once per run. */
    XXH3_state_t *prefix;
    long long prefix_at;
    /* The stored prefix hash of a file found unchanged, and its offset. */
    char known[33];
    long long known_at;
};

/* Finds or creates the file's row and decides where to read from: 0 for
 * a new or changed file (whose rejects are dropped; a log keeps its other
 * counts, which the new read adds to, a registry starts them over),
 * the saved offset for a file of events that is the same up to it.
 * name is the file as given, for messages.
 * A log whose prefix changed while its first bytes did not was edited in
 * place: its events, duplicates and rejects are removed (inside the
 * caller's transaction, so the new read replaces them atomically), its
 * counts start over and plan->edited is set. Release with
 * fileid_plan_free. */
enum tte_err fileid_plan(sqlite3 *db, const char *source, const char *real,
                         bool events, FILE *fp, const struct stat *sb,
                         const char *name, struct file_plan *plan);
/* Saves where reading stopped and adds the counts in *delta. */
enum tte_err fileid_save(sqlite3 *db, struct file_plan *plan, FILE *fp,
                         const struct stat *sb, long long offset, size_t line,
                         const struct file_stats *delta);
/* After an edited file was read again: sets plan->changed to the rows of
 * the earlier version whose content is no longer in the file. */
enum tte_err fileid_count_changed(sqlite3 *db, struct file_plan *plan);
/* Frees the plan's hash state; the plan may be all zero. */
void fileid_plan_free(struct file_plan *plan);

#endif
