/*
 * Which source a log file belongs to, and removing what a source stored
 * from a file. An event is stored once, under the first file that had it
 * (events.file_id); event_dups lists the other files that had it too. A
 * file's events that another file also had are handed to that file (its
 * duplicate becomes its accepted row), so removing one file never takes
 * away an event another still holds, and sum(files.accepted) stays the
 * number of events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_hash.h"
#include "tte_json.h"
#include "tte_str.h"

#ifndef TTE_SYSCONFDIR
#define TTE_SYSCONFDIR "/usr/local/etc"
#endif

/* A definition in one of the folders --source NAME looks in is named
 * NAME, however it was spelled; any other by its real path. */
static void
canonical_name(const char *def, char *out, size_t n)
{
    static const char *const dirs[] = {"conf/sources",
                                       TTE_SYSCONFDIR "/tte-report/sources"};
    char dir[PATH_MAX];
    const char *slash = strrchr(def, '/');
    const char *base = slash ? slash + 1 : def;
    size_t len = strlen(base);

    snprintf(out, n, "%s", def);
    if (!slash || len <= 5 || strcmp(base + len - 5, ".json") != 0)
        return;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (realpath(dirs[i], dir) && strlen(dir) == (size_t)(slash - def) &&
            strncmp(dir, def, (size_t)(slash - def)) == 0) {
            snprintf(out, n, "%.*s", (int)(len - 5), base);
            return;
        }
    }
}

enum tte_err
owner_of(const struct source *src, struct owner *o)
{
    struct tte_buf b;
    char *data = NULL;
    size_t len = 0;

    memset(o, 0, sizeof *o);
    o->spelled = src->name;
    if (!src->path) {
        snprintf(o->name, sizeof o->name, "%s", src->name);
        snprintf(o->def, sizeof o->def, "%s", src->name);
    } else if (!realpath(src->path, o->def)) {
        log_err("cannot read '%s': %s", src->path, strerror(errno));
        return TTE_E_CONFIG;
    } else if (tte_read_file(o->def, &data, &len) != TTE_OK) {
        return TTE_E_CONFIG;
    }
    /* The zone in force is part of the definition: a file read again
     * with another --zone has other times. */
    tte_buf_init(&b);
    tte_buf_add(&b, data ? data : "", len);
    free(data);
    tte_buf_printf(&b, "\nzone=%s", src->zone ? src->zone : "");
    tte_sha256_hex(b.data, b.len, o->sha);
    tte_buf_free(&b);
    if (!src->path)
        return TTE_OK;
    canonical_name(o->def, o->name, sizeof o->name);
    return TTE_OK;
}

/* Removes files row id (unless keep_row) with its events and rejects;
 * events a file outside temp.forgetting also had become that file's. */
static enum tte_err
forget_file(sqlite3 *db, long long id, bool keep_row, struct forgot *gone)
{
    static const char *const handover[] = {
        "DELETE FROM temp.handover",
        /* Each event of this file that a file staying also had goes to
         * the first such file. */
        "INSERT INTO temp.handover SELECT d.event_id, min(d.file_id)"
        " FROM event_dups d JOIN events e ON e.id = d.event_id"
        " WHERE e.file_id = ?1 AND d.file_id NOT IN"
        " (SELECT id FROM temp.forgetting) GROUP BY d.event_id",
        "UPDATE events SET file_id = (SELECT h.file_id FROM temp.handover h"
        " WHERE h.event_id = events.id)"
        " WHERE id IN (SELECT event_id FROM temp.handover)",
        /* Its duplicate there is now its accepted row. */
        "UPDATE files SET accepted = accepted + (SELECT count(*)"
        " FROM temp.handover h WHERE h.file_id = files.id),"
        " duplicates = duplicates - (SELECT count(*) FROM temp.handover h"
        " WHERE h.file_id = files.id)"
        " WHERE id IN (SELECT file_id FROM temp.handover)",
        "DELETE FROM event_dups WHERE (event_id, file_id) IN"
        " (SELECT event_id, file_id FROM temp.handover)",
    };
    enum tte_err err = TTE_OK;
    long long kept = 0;

    for (size_t i = 0; !err && i < sizeof handover / sizeof *handover; i++)
        err = tte_db_run_id(db, handover[i], id, i == 1 ? &kept : NULL);
    if (!err)
        err = tte_db_run_id(db,
                            "DELETE FROM event_keys WHERE event IN"
                            " (SELECT id FROM events WHERE file_id = ?1)",
                            id, NULL);
    if (!err)
        err = tte_db_run_id(db, "DELETE FROM events WHERE file_id = ?1", id,
                            &gone->events);
    if (!err)
        err = tte_db_run_id(db, "DELETE FROM event_dups WHERE file_id = ?1",
                            id, NULL);
    if (!err)
        err = tte_db_run_id(db, "DELETE FROM rejects WHERE file_id = ?1", id,
                            &gone->rejects);
    if (!err)
        err = tte_db_run_id(db, "DELETE FROM staging WHERE file_id = ?1", id,
                            NULL);
    if (!err && !keep_row)
        err = tte_db_run_id(db, "DELETE FROM files WHERE id = ?1", id,
                            &gone->files);
    gone->kept += kept;
    return err;
}

/* Removes the files rows ids[0..n) as one set: an event they all had is
 * gone, one that a file staying had too is kept there. */
static enum tte_err
forget_set(sqlite3 *db, const long long *ids, size_t n, bool keep_rows,
           struct forgot *gone)
{
    enum tte_err err = tte_db_exec(
        db,
        "CREATE TEMP TABLE IF NOT EXISTS handover(event_id INTEGER PRIMARY"
        " KEY, file_id INTEGER NOT NULL);"
        "CREATE TEMP TABLE IF NOT EXISTS forgetting(id INTEGER PRIMARY KEY);"
        "DELETE FROM temp.forgetting");

    for (size_t i = 0; !err && i < n; i++)
        err = tte_db_run_id(db,
                            "INSERT OR IGNORE INTO temp.forgetting"
                            " VALUES (?1)",
                            ids[i], NULL);
    for (size_t i = 0; !err && i < n; i++)
        err = forget_file(db, ids[i], keep_rows, gone);
    return err;
}

enum tte_err
owner_clear_file(sqlite3 *db, long long id, struct forgot *gone)
{
    memset(gone, 0, sizeof *gone);
    return forget_set(db, &id, 1, true, gone);
}

/* Whether a files row was read under o: the same definition, same
 * content. A row from before fingerprints were kept is o's when it
 * carries o's name or the spelling given. */
static bool
same_owner(sqlite3_stmt *st, const struct owner *o)
{
    const char *source = (const char *)sqlite3_column_text(st, 1);
    const char *def = (const char *)sqlite3_column_text(st, 2);
    const char *sha = (const char *)sqlite3_column_text(st, 3);

    if (!def)
        return strcmp(source, o->name) == 0 || strcmp(source, o->spelled) == 0;
    return strcmp(def, o->def) == 0 && strcmp(sha ? sha : "", o->sha) == 0;
}

/* The ids of the files rows of path, split by whether o read them. */
static enum tte_err
rows_of_path(sqlite3 *db, const char *path, const struct owner *o,
             long long *mine, long long **others, size_t *nothers)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT id, source, def_path, def_sha256 FROM files"
            " WHERE path = ?1 ORDER BY id");
    int rc;

    *mine = 0;
    *others = NULL;
    *nothers = 0;
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        if (o && !*mine && same_owner(st, o)) {
            *mine = id;
            continue;
        }
        *others = tte_xrealloc(*others, (*nothers + 1) * sizeof **others);
        (*others)[(*nothers)++] = id;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
owner_bind(sqlite3 *db, long long file_id, const struct owner *o)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "UPDATE files SET source = ?2, def_path = ?3, def_sha256 = ?4"
            " WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->def, -1, SQLITE_STATIC);
    tte_bind_text(st, 4, o->sha[0] ? o->sha : NULL);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
owner_claim(sqlite3 *db, const char *real, const struct owner *o,
            struct forgot *gone)
{
    long long mine, *others;
    size_t n;
    enum tte_err err = rows_of_path(db, real, o, &mine, &others, &n);

    memset(gone, 0, sizeof *gone);
    if (!err && n)
        err = forget_set(db, others, n, false, gone);
    /* An earlier spelling of the same definition: the row is kept, under
     * the name fileid_plan looks it up by. */
    if (!err && mine)
        err = owner_bind(db, mine, o);
    free(others);
    return err;
}

/* path as stored by collect: its real path, or with only its folder
 * resolved once the file is gone. */
static void
stored_path(const char *path, char *out, size_t n)
{
    char dir[PATH_MAX], res[PATH_MAX];
    const char *slash = strrchr(path, '/');

    if (realpath(path, res)) {
        snprintf(out, n, "%s", res);
        return;
    }
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1,
             slash ? path : ".");
    if (realpath(dir, res))
        snprintf(out, n, "%s/%s", res, slash ? slash + 1 : path);
    else
        snprintf(out, n, "%s", path);
}

static void
report_forgot(const char *what, const struct forgot *g)
{
    log_info("%s: forgot %lld file%s: %lld events, %lld rejects", what,
             g->files, g->files == 1 ? "" : "s", g->events, g->rejects);
    if (g->kept)
        log_info("%s: %lld more events stay: files not forgotten had them "
                 "too",
                 what, g->kept);
}

/* Adds the ids of the files rows of path to *ids; false when none. */
static enum tte_err
add_path(sqlite3 *db, const char *path, long long **ids, size_t *n,
         bool *found)
{
    char real[2 * PATH_MAX];
    long long mine, *more;
    size_t m;

    stored_path(path, real, sizeof real);
    enum tte_err err = rows_of_path(db, real, NULL, &mine, &more, &m);
    if (!err && m) {
        *ids = tte_xrealloc(*ids, (*n + m) * sizeof **ids);
        memcpy(*ids + *n, more, m * sizeof *more);
        *n += m;
    }
    free(more);
    *found = m > 0;
    return err;
}

/* Runs forget_set in a transaction of its own and says what went. */
static enum tte_err
forget_committed(sqlite3 *db, const long long *ids, size_t n, const char *what)
{
    struct forgot g = {0};
    enum tte_err err = forget_set(db, ids, n, false, &g);

    if (err) {
        tte_db_exec(db, "ROLLBACK");
        return err;
    }
    err = tte_db_exec(db, "COMMIT");
    if (!err && g.files)
        report_forgot(what, &g);
    return err;
}

enum tte_err
owner_forget_files(sqlite3 *db, char *const *paths, int n)
{
    long long *ids = NULL;
    size_t nids = 0;
    bool all = true, found;
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");

    for (int i = 0; !err && i < n; i++) {
        err = add_path(db, paths[i], &ids, &nids, &found);
        if (!err && !found)
            log_err("%s: no collected file by that name", paths[i]);
        all = all && found;
    }
    if (!err)
        err = forget_committed(db, ids, nids, n == 1 ? paths[0] : "--forget");
    else
        tte_db_exec(db, "ROLLBACK");
    free(ids);
    return err ? err : all ? TTE_OK : TTE_E_NOINPUT;
}

/* The ids of the files of source name: as stored, or by the definition
 * it names (a path, or conf/sources/NAME.json). */
static enum tte_err
rows_of_source(sqlite3 *db, const char *name, long long **ids, size_t *n)
{
    char def[PATH_MAX], canon[PATH_MAX];
    char *found = source_find_definition(name);
    int rc;

    /* The file --source NAME would read, or NAME as it is. */
    if (!found || !realpath(found, def))
        snprintf(def, sizeof def, "%s", name);
    free(found);
    canonical_name(def, canon, sizeof canon);
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT id FROM files WHERE source IN (?1, ?2) OR def_path = ?3"
            " ORDER BY id");
    *ids = NULL;
    *n = 0;
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, canon, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, def, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *ids = tte_xrealloc(*ids, (*n + 1) * sizeof **ids);
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
owner_forget_source(sqlite3 *db, const char *name)
{
    long long *ids = NULL;
    size_t n = 0;
    char what[PATH_MAX + 16];
    enum tte_err err = tte_db_exec(db, "BEGIN IMMEDIATE");

    if (!err)
        err = rows_of_source(db, name, &ids, &n);
    snprintf(what, sizeof what, "source '%s'", name);
    if (!err && n) {
        err = forget_committed(db, ids, n, what);
    } else {
        tte_db_exec(db, "ROLLBACK");
        if (!err) {
            log_err("no files collected under source '%s'", name);
            err = TTE_E_NOINPUT;
        }
    }
    free(ids);
    return err;
}
