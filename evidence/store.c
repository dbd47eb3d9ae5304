/* The evidence table: one row per application and file. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evidence.h"
#include "tte_db.h"
#include "tte_log.h"

static const char *const verdict_names[] = {
    "ok",       "no_statement", "not_bsre", "invalid_signature",
    "unsigned", "unreadable",
};

const char *
ev_verdict_name(enum ev_verdict v)
{
    return verdict_names[v];
}

static enum ev_verdict
verdict_of(const char *s)
{
    for (size_t i = 0; s && i < sizeof verdict_names / sizeof *verdict_names;
         i++)
        if (strcmp(s, verdict_names[i]) == 0)
            return (enum ev_verdict)i;
    return EV_UNREADABLE;
}

static void
copy_text(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

enum tte_err
ev_store_get(sqlite3 *db, const char *app, const char *path,
             struct ev_row *row)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT size, mtime, sha256, check_key, verdict FROM evidence"
            " WHERE app = ?1 AND path = ?2");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    memset(row, 0, sizeof *row);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row->found = true;
        row->size = sqlite3_column_int64(st, 0);
        row->mtime_ns = sqlite3_column_int64(st, 1);
        copy_text(st, 2, row->sha256, sizeof row->sha256);
        copy_text(st, 3, row->check_key, sizeof row->check_key);
        row->verdict = verdict_of((const char *)sqlite3_column_text(st, 4));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    return TTE_OK;
}

static enum tte_err
step_done(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
ev_store_touch(sqlite3 *db, const char *app, const char *path,
               long long mtime_ns, long long stamp)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "UPDATE evidence SET mtime = ?3, run = ?4"
            " WHERE app = ?1 AND path = ?2");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, mtime_ns);
    sqlite3_bind_int64(st, 4, stamp);
    return step_done(db, st);
}

enum tte_err
ev_store_put(sqlite3 *db, const struct ev_run *run, const char *path,
             const struct ev_row *file, const struct ev_result *r)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "INSERT OR REPLACE INTO evidence(app, path, size, mtime, sha256,"
            " check_key, verdict, reason, signatures, signer_serial,"
            " signer_serial_dec, signer_subject, issuer, signed_at,"
            " statement_page, checked_at, run) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
            " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, run->app, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, file->size);
    sqlite3_bind_int64(st, 4, file->mtime_ns);
    sqlite3_bind_text(st, 5, file->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, run->check_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ev_verdict_name(r->verdict), -1, SQLITE_STATIC);
    tte_bind_text(st, 8, r->reason);
    sqlite3_bind_int(st, 9, r->signatures);
    tte_bind_text(st, 10, r->serial);
    tte_bind_text(st, 11, r->serial_dec);
    tte_bind_text(st, 12, r->subject);
    tte_bind_text(st, 13, r->issuer);
    if (r->signed_at)
        sqlite3_bind_int64(st, 14, r->signed_at);
    if (r->statement_page > 0)
        sqlite3_bind_int(st, 15, r->statement_page);
    sqlite3_bind_int64(st, 16, (long long)time(NULL));
    sqlite3_bind_int64(st, 17, run->stamp);
    return step_done(db, st);
}

enum tte_err
ev_store_prune(sqlite3 *db, const char *app, const char *dir, long long stamp,
               int *removed)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "DELETE FROM evidence WHERE app = ?1 AND run IS NOT ?3 AND"
            " substr(path, 1, length(?2) + 1) = ?2 || '/'");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, dir, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, stamp);
    enum tte_err err = step_done(db, st);
    *removed = err ? 0 : sqlite3_changes(db);
    return err;
}
