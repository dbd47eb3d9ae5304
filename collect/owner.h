#ifndef OWNER_H
#define OWNER_H

/*
 * A log file belongs to one source at a time (owner.c). Its files row
 * names the source that last read it and the fingerprint of that
 * source's definition: the definition's real path and the SHA-256 of its
 * content (a built-in reader: its name). Reading the file under another
 * or a changed definition first removes what the earlier one stored;
 * --forget and --forget-source remove it on request.
 */

#include <limits.h>
#include <stdbool.h>
#include <sqlite3.h>

#include "source.h"
#include "tte_err.h"

struct owner {
    char name[PATH_MAX]; /* as stored in files.source */
    char def[PATH_MAX];  /* the definition's real path, or the name */
    char sha[65];        /* of its content; "" for a built-in */
    const char *spelled; /* the name on the command line (borrowed) */
};

/* What removing files took away. */
struct forgot {
    long long files;
    long long events; /* removed */
    long long kept;   /* also read from another file: now its */
    long long rejects;
};

/* The owner of what src reads: its canonical name and fingerprint. A
 * definition that can no longer be read is a TTE_E_CONFIG. */
enum tte_err owner_of(const struct source *src, struct owner *o);

/* Before the file at real path `real` is read under o: every files row
 * of that path read with another definition is removed (its events and
 * rejects with it, *gone counts them); a row read with this one is kept
 * under o's name. Runs inside the caller's transaction. */
enum tte_err owner_claim(sqlite3 *db, const char *real, const struct owner *o,
                         struct forgot *gone);
/* Removes what was read from the files row id (its events, duplicates
 * and rejects; events another file also had become that file's) and
 * keeps the row. Runs inside the caller's transaction. */
enum tte_err owner_clear_file(sqlite3 *db, long long id, struct forgot *gone);
/* Records o on the files row file_id. */
enum tte_err owner_bind(sqlite3 *db, long long file_id, const struct owner *o);

/* --forget: the files given (by any spelling of their path), in one
 * transaction. Returns TTE_E_NOINPUT when a file matched nothing (the
 * others are still removed). */
enum tte_err owner_forget_files(sqlite3 *db, char *const *paths, int n);
/* --forget-source: every file of the source named (canonically, by its
 * definition's path, or as stored); TTE_E_NOINPUT when none. */
enum tte_err owner_forget_source(sqlite3 *db, const char *name);

#endif
