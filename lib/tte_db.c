#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

/* Several databases may be open (an attached one, a copy): a message that
 * names none leaves the operator guessing which file is damaged. */
static const char *
db_name(sqlite3 *db)
{
    const char *name = sqlite3_db_filename(db, "main");
    return name && *name ? name : "(temporary database)";
}

enum tte_err
tte_db_err(sqlite3 *db, int rc)
{
    int base = rc & 0xff;
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED) {
        log_err("database is busy: another tte process is writing to it "
                "(%s); try again later",
                sqlite3_errmsg(db));
        return TTE_E_TEMPFAIL;
    }
    log_err("%s: database error: %s", db_name(db), sqlite3_errmsg(db));
    return TTE_E_IO;
}

enum tte_err
tte_db_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return tte_db_err(db, rc);
    return TTE_OK;
}

enum tte_err
tte_db_run(sqlite3 *db, const char *sql, const int64_t *args, int n,
           long long *changes)
{
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return TTE_E_IO;
    for (int i = 0; i < n; i++)
        sqlite3_bind_int64(st, i + 1, args[i]);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    if (changes)
        *changes += sqlite3_changes(db);
    return TTE_OK;
}

enum tte_err
tte_db_run_id(sqlite3 *db, const char *sql, long long id, long long *changes)
{
    int64_t arg = id;
    return tte_db_run(db, sql, &arg, 1, changes);
}

sqlite3_stmt *
tte_db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        log_err("%s: database error: %s", db_name(db), sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

int
tte_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (!s || !*s)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* SQLite creates new files 0644 under the usual umask; ours hold NIKs. */
static enum tte_err
create_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return TTE_OK;
        log_err("cannot create database '%s': %s", path, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    close(fd);
    return TTE_OK;
}

/* The integer a PRAGMA or a one-value query returns. */
static enum tte_err
query_int(sqlite3 *db, const char *sql, int *v)
{
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return TTE_E_IO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    /* Not knowing the version is not version 0: never migrate blind. */
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(db, rc);
}

/* events_stage held the rows a stopped run of a version before the
 * external sort had staged; any later run merged them first. Rows there
 * now mean no such run came since: dropping them would lose events. */
static enum tte_err
prerelease_stage_empty(sqlite3 *db)
{
    int n = 0;
    enum tte_err err = query_int(db,
                                 "SELECT EXISTS (SELECT 1 FROM"
                                 " events_stage)",
                                 &n);
    if (!err && n) {
        log_err("database holds rows a stopped pre-release tte-collect "
                "left staged (table events_stage): run that release's "
                "tte-collect once to merge them, then this one");
        err = TTE_E_CONFIG;
    }
    return err;
}

/* PRAGMA application_id and user_version. */
static enum tte_err
schema_marks(sqlite3 *db, int *app_id, int *user_version)
{
    enum tte_err err = query_int(db, "PRAGMA application_id", app_id);
    return err ? err : query_int(db, "PRAGMA user_version", user_version);
}

/* The schema version of db, as an index into the migrations; a database
 * of the last pre-release layout is brought to version 1 first (within
 * the caller's transaction), any other refused. */
static enum tte_err
schema_version(sqlite3 *db, int *version)
{
    int app_id = 0, user_version = 0, last;
    enum tte_err err = schema_marks(db, &app_id, &user_version);
    if (err)
        return err;
    *version = user_version;
    if (app_id != 0 && app_id != TTE_SCHEMA_APP_ID) {
        log_err("not a tte-report database (application_id %d)", app_id);
        return TTE_E_CONFIG;
    }
    if (app_id == TTE_SCHEMA_APP_ID || user_version == 0)
        return TTE_OK;
    const char *prerelease = tte_schema_prerelease(&last);
    if (user_version != last) {
        log_err("database schema %d of a pre-release tte-report cannot be "
                "upgraded: open it once with the last release before "
                "schema 1, or collect again into a new database",
                user_version);
        return TTE_E_CONFIG;
    }
    err = prerelease_stage_empty(db);
    if (!err)
        err = tte_db_exec(db, prerelease);
    if (!err)
        *version = 1;
    return err;
}

static enum tte_err
migrate(sqlite3 *db)
{
    size_t count;
    const char *const *steps = tte_schema_migrations(&count);
    int app_id = 0, version = 0;
    char sql[96];

    /* Most opens find the schema current and take no write lock. */
    enum tte_err err = schema_marks(db, &app_id, &version);
    if (err || (app_id == TTE_SCHEMA_APP_ID && version == (int)count))
        return err;
    err = tte_db_exec(db, "BEGIN IMMEDIATE");
    if (!err)
        err = schema_version(db, &version);
    if (!err && version > (int)count) {
        log_err("database schema version %d is newer than this program "
                "understands (%zu); upgrade tte-report",
                version, count);
        err = TTE_E_CONFIG;
    }
    for (size_t i = (size_t)version; !err && i < count; i++)
        err = tte_db_exec(db, steps[i]);
    if (!err) {
        snprintf(sql, sizeof sql,
                 "PRAGMA application_id = %d;"
                 "PRAGMA user_version = %zu",
                 TTE_SCHEMA_APP_ID, count);
        err = tte_db_exec(db, sql);
    }
    if (!err)
        err = tte_db_exec(db, "COMMIT");
    if (err)
        tte_db_rollback(db);
    return err;
}

/* $TTE_BUSY_TIMEOUT_MS, a number of milliseconds; anything else is an
 * error rather than "no waiting". */
static enum tte_err
busy_timeout(int *ms)
{
    const char *env = getenv("TTE_BUSY_TIMEOUT_MS");
    long long v;
    *ms = TTE_DB_BUSY_MS;
    if (!env || !*env)
        return TTE_OK;
    if (!tte_str_to_i64(env, &v) || v < 0 || v > 86400000) {
        log_err("TTE_BUSY_TIMEOUT_MS must be a number of milliseconds "
                "(0 to 86400000), not '%s'",
                env);
        return TTE_E_CONFIG;
    }
    *ms = (int)v;
    return TTE_OK;
}

/* The first statements touch the file (WAL needs its -wal and -shm beside
 * it): a failure here is about the file, so the message names it. */
static enum tte_err
setup(sqlite3 *db, const char *path, bool readonly)
{
    int rc = sqlite3_exec(db,
                          readonly ? "PRAGMA foreign_keys=ON"
                                   : "PRAGMA page_size=" TTE_DB_PAGE_SIZE
                                     ";PRAGMA journal_mode=WAL;"
                                     "PRAGMA synchronous=NORMAL;"
                                     "PRAGMA foreign_keys=ON",
                          NULL, NULL, NULL);
    int base = rc & 0xff;
    if (rc == SQLITE_OK)
        return TTE_OK;
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return tte_db_err(db, rc);
    log_err("cannot open database '%s': %s%s", path, sqlite3_errmsg(db),
            base == SQLITE_CANTOPEN || base == SQLITE_READONLY
                ? " (its folder must be writable: SQLite keeps its journal "
                  "beside it)"
                : "");
    return readonly ? TTE_E_NOINPUT : TTE_E_CANTCREAT;
}

void
tte_db_rollback(sqlite3 *db)
{
    /* SQLite rolls back by itself after SQLITE_FULL, IOERR or NOMEM; a
     * second ROLLBACK would only add "no transaction is active". */
    if (!sqlite3_get_autocommit(db))
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

enum tte_err
tte_db_open(const char *path, bool readonly, sqlite3 **out)
{
    sqlite3 *db = NULL;
    enum tte_err err;
    /* A connection is used by one thread at a time (collect hands it to
     * its writer thread), so SQLite's own mutexes are not needed. */
    int flags = SQLITE_OPEN_NOMUTEX |
                (readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

    if (readonly && access(path, R_OK) != 0) {
        log_err("cannot open database '%s': %s", path, strerror(errno));
        return TTE_E_NOINPUT;
    }
    if (!readonly && strcmp(path, ":memory:") != 0) {
        err = create_private(path);
        if (err)
            return err;
    }
    int busy_ms;
    err = busy_timeout(&busy_ms);
    if (err)
        return err;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        log_err("cannot open database '%s': %s", path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return readonly ? TTE_E_NOINPUT : TTE_E_CANTCREAT;
    }
    sqlite3_busy_timeout(db, busy_ms);
    err = setup(db, path, readonly);
    if (!err && !readonly)
        err = migrate(db);
    if (err) {
        sqlite3_close(db);
        return err;
    }
    *out = db;
    return TTE_OK;
}

void
tte_db_recover_command(sqlite3 *db, char *buf, size_t n)
{
    const char *path = sqlite3_db_filename(db, "main");
    if (!path || !*path)
        path = ":memory:";
    bool plain = strspn(path, "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "._/:+,=@-") == strlen(path);
    struct tte_buf b;
    tte_buf_init(&b);
    if (!plain) {
        tte_buf_add(&b, "'", 1);
        for (const char *p = path; *p; p++) {
            if (*p == '\'')
                tte_buf_add(&b, "'\\''", 4);
            else
                tte_buf_add(&b, p, 1);
        }
        tte_buf_add(&b, "'", 1);
    } else {
        tte_buf_add(&b, path, strlen(path));
    }
    tte_buf_add(&b, "", 1);
    snprintf(buf, n, "tte-collect --db %s --recover", b.data);
    tte_buf_free(&b);
}
