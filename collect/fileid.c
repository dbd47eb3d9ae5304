/*
 * File identity and incremental ingest. Same inode and both hashed
 * windows unchanged: read on from the offset (nothing to read when it did
 * not grow). Anything else: read it all again; the dedupe rule keeps the
 * counts exact.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileid.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_hash.h"
#include "tte_str.h"

/* Bytes hashed at the head of a file and before the resume offset. */
#define WINDOW 4096

struct known_file {
    long long id;
    long long dev, ino, size, mtime, offset;
    size_t lines;
    char head[65], tail[65];
};

/* Hashes [from, to) of fp into out; false on a short read. pread(2)
 * leaves the stream's position alone: the reading thread may be using
 * it while the writer thread records progress. */
static bool
hash_window(FILE *fp, long long from, long long to, char out[65])
{
    char buf[WINDOW];
    size_t n = (size_t)(to - from);
    if (n > sizeof buf ||
        pread(fileno(fp), buf, n, (off_t)from) != (ssize_t)n)
        return false;
    tte_sha256_hex(buf, n, out);
    return true;
}

static void
windows(FILE *fp, long long offset, char head[65], char tail[65])
{
    long long h = offset < WINDOW ? offset : WINDOW;
    long long t = offset < WINDOW ? 0 : offset - WINDOW;
    if (!hash_window(fp, 0, h, head))
        head[0] = '\0';
    if (!hash_window(fp, t, offset, tail))
        tail[0] = '\0';
}
static enum tte_err
find_file(sqlite3 *db, const char *source, const char *path,
          struct known_file *k)
{
    sqlite3_stmt *st = tte_db_prepare(db,
        "SELECT id, dev, ino, size, mtime, offset, lines, head_sha, tail_sha"
        " FROM files WHERE source = ?1 AND path = ?2");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    memset(k, 0, sizeof *k);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        k->id = sqlite3_column_int64(st, 0);
        k->dev = sqlite3_column_int64(st, 1);
        k->ino = sqlite3_column_int64(st, 2);
        k->size = sqlite3_column_int64(st, 3);
        k->mtime = sqlite3_column_int64(st, 4);
        k->offset = sqlite3_column_int64(st, 5);
        k->lines = (size_t)sqlite3_column_int64(st, 6);
        snprintf(k->head, sizeof k->head, "%s",
                 (const char *)sqlite3_column_text(st, 7) ?: "");
        snprintf(k->tail, sizeof k->tail, "%s",
                 (const char *)sqlite3_column_text(st, 8) ?: "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK
                                                 : tte_db_err(db, rc);
}

static enum tte_err
create_file_row(sqlite3 *db, const char *source, const char *path,
                long long *id)
{
    sqlite3_stmt *st = tte_db_prepare(db,
        "INSERT INTO files(source, path) VALUES (?1, ?2)");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    *id = sqlite3_last_insert_rowid(db);
    return TTE_OK;
}

enum tte_err
fileid_save(sqlite3 *db, long long file_id, FILE *fp, const struct stat *sb,
            long long offset, size_t line, const struct file_stats *d)
{
    char head[65], tail[65];
    windows(fp, offset, head, tail);
    sqlite3_stmt *st = tte_db_prepare(db,
        "UPDATE files SET dev = ?2, ino = ?3, size = ?4, mtime = ?5,"
        " offset = ?6, lines = ?7, head_sha = ?8, tail_sha = ?9,"
        " rows_read = rows_read + ?10, accepted = accepted + ?11,"
        " duplicates = duplicates + ?12, rejected = rejected + ?13,"
        " collected_at = ?14, filtered = filtered + ?15 WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, (long long)sb->st_dev);
    sqlite3_bind_int64(st, 3, (long long)sb->st_ino);
    sqlite3_bind_int64(st, 4, (long long)sb->st_size);
    sqlite3_bind_int64(st, 5, (long long)sb->st_mtime);
    sqlite3_bind_int64(st, 6, offset);
    sqlite3_bind_int64(st, 7, (long long)line);
    sqlite3_bind_text(st, 8, head, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, tail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, d->read);
    sqlite3_bind_int64(st, 11, d->accepted);
    sqlite3_bind_int64(st, 12, d->duplicates);
    sqlite3_bind_int64(st, 13, d->rejected);
    sqlite3_bind_int64(st, 14, (long long)time(NULL));
    sqlite3_bind_int64(st, 15, d->filtered);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
fileid_plan(sqlite3 *db, const char *source, const char *real, bool events,
            FILE *fp, const struct stat *sb, const char *name,
            struct file_plan *plan)
{
    struct known_file k;
    char head[65], tail[65];
    enum tte_err err = find_file(db, source, real, &k);

    memset(plan, 0, sizeof *plan);
    if (err)
        return err;
    if (!k.id)
        return create_file_row(db, source, real, &plan->file_id);
    plan->file_id = k.id;
    /* Same file, same first bytes and same bytes before the offset: only
     * new rows follow. Unchanged size but a new mtime means it was
     * written over in place: read it all again. */
    bool rewritten = sb->st_size == k.offset &&
                     (long long)sb->st_mtime != k.mtime;
    if (events && k.dev == (long long)sb->st_dev &&
        k.ino == (long long)sb->st_ino && sb->st_size >= k.offset &&
        !rewritten) {
        windows(fp, k.offset, head, tail);
        if (strcmp(head, k.head) == 0 && strcmp(tail, k.tail) == 0) {
            plan->offset = k.offset;
            plan->line = k.lines;
            plan->resumed = true;
            return TTE_OK;
        }
    }
    log_debug("%s: changed since the last run; reading it again", name);
    err = tte_db_run_id(db, "DELETE FROM rejects WHERE file_id = ?1", k.id,
                        NULL);
    if (err)
        return err;
    /* A registry is a snapshot: its counts are its last read's. A log's
     * events stay stored, so its counts are the sum of its runs (the
     * rows read again count as duplicates): sum(accepted) over files is
     * the number of events. Only the rejects, read again, start over. */
    if (!events)
        return tte_db_run_id(db, "UPDATE files SET rows_read = 0,"
                             " accepted = 0, duplicates = 0, rejected = 0,"
                             " filtered = 0, offset = 0, lines = 0"
                             " WHERE id = ?1", k.id, NULL);
    return tte_db_run_id(db, "UPDATE files SET rows_read = rows_read -"
                         " rejected, rejected = 0, offset = 0, lines = 0"
                         " WHERE id = ?1", k.id, NULL);
}
