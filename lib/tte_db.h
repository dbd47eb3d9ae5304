#ifndef TTE_DB_H
#define TTE_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "tte_err.h"

/*
 * The report database. tte_db_open() creates the file 0600 when missing,
 * migrates its schema (PRAGMA user_version), and turns on WAL, foreign
 * keys and a busy timeout so that a second writer waits instead of failing.
 */

/* Default busy timeout; a writer waiting longer gets TTE_E_TEMPFAIL. */
#define TTE_DB_BUSY_MS 30000

/* Page size of a new database (an existing one keeps its own). Events
 * are appended in bulk and read by whole-table scans: 32 KiB pages make a
 * B-tree a quarter as deep and as many pages as 4 KiB ones, which makes
 * tte-collect about a tenth faster (make bench). */
#define TTE_DB_PAGE_SIZE "32768"

/* Opens path; on success *out is the handle (close with sqlite3_close). */
enum tte_err tte_db_open(const char *path, bool readonly, sqlite3 **out);

/* Runs sql (several statements); logs and maps SQLite errors. */
enum tte_err tte_db_exec(sqlite3 *db, const char *sql);

/* Prepares sql or logs why not; returns NULL on failure. */
sqlite3_stmt *tte_db_prepare(sqlite3 *db, const char *sql);

/* Runs one statement that returns no rows, with ?1.. bound to the n
 * integers of args; adds the rows it changed to *changes (unless NULL). */
enum tte_err tte_db_run(sqlite3 *db, const char *sql, const int64_t *args,
                        int n, long long *changes);
/* The same with ?1 = id alone. */
enum tte_err tte_db_run_id(sqlite3 *db, const char *sql, long long id,
                           long long *changes);

/* Maps a SQLite result code (BUSY -> TEMPFAIL, else IO). */
enum tte_err tte_db_err(sqlite3 *db, int rc);

/* Ends a failed transaction if SQLite has not already ended it. */
void tte_db_rollback(sqlite3 *db);

/* Binds text, or NULL when s is NULL or empty. */
int tte_bind_text(sqlite3_stmt *st, int i, const char *s);

/* The command that takes out what a stopped tte-collect left staged in
 * db, for messages: "tte-collect --db PATH --recover", PATH shell-quoted
 * when it needs to be. */
void tte_db_recover_command(sqlite3 *db, char *buf, size_t n);

/* PRAGMA application_id of a tte-report database ("TTER"); one without
 * it was made by a pre-release. */
#define TTE_SCHEMA_APP_ID 0x54544552

/* Internal: the migration list (tte_schema.c). */
const char *const *tte_schema_migrations(size_t *count);
/* Internal: the SQL that brings the last pre-release layout, whose
 * user_version is *version, to schema version 1. */
const char *tte_schema_prerelease(int *version);

#endif
