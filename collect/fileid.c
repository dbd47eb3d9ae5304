/*
 * File identity and incremental ingest. Every byte before the offset
 * unchanged (the prefix hash): read on from the offset (nothing to read
 * when it did not grow). A log whose first bytes are the same but whose
 * prefix is not was edited in place: what it gave before is replaced by
 * what it holds now, so that one row never counts in two versions.
 * Anything else (another file at the path, as after a rotation): read it
 * all again beside what it gave before; the dedupe rule keeps the counts
 * exact. A row saved before the prefix hash was kept falls back to the
 * inode and the two windows.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileid.h"
#include "owner.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_hash.h"
#include "tte_str.h"

/* A file's modification time in nanoseconds. */
static long long
mtime_ns(const struct stat *sb)
{
    return (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
}

/* Bytes hashed at the head of a file and before the resume offset. */
#define WINDOW 4096

struct known_file {
    long long id;
    long long dev, ino, size, mtime, offset;
    size_t lines;
    char head[65], tail[65], prefix[65];
};

/* Hashes [from, to) of fp into out; false on a short read. pread(2)
 * leaves the stream's position alone: the reading thread may be using
 * it while the writer thread records progress. */
static bool
hash_window(FILE *fp, long long from, long long to, char out[65])
{
    char buf[WINDOW];
    size_t n = (size_t)(to - from);
    if (n > sizeof buf || pread(fileno(fp), buf, n, (off_t)from) != (ssize_t)n)
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

/* The prefix hash is XXH3's 128 bits as 32 hex digits: it tells a log
 * read on from one edited in place at memory speed (a SHA-256 pass cost
 * a quarter of collect's time). It is no defence against a forged log:
 * the windows and the database are no more. A stored 64-digit value is a
 * SHA-256 of an earlier version: such a row is checked as one from
 * before the prefix hash. */
#define PREFIX_HEX 32

/* Hashes what the plan's prefix hash has not seen of [0, offset) and
 * writes the hash of [0, offset) to out ("" on a short read). A save
 * behind the bytes hashed starts over. */
static void
prefix_hash(struct file_plan *p, FILE *fp, long long offset, char out[65])
{
    unsigned char buf[65536];
    bool ok = true;

    out[0] = '\0';
    if (!p->prefix && p->known[0] && offset == p->known_at) {
        memcpy(out, p->known, sizeof p->known);
        return;
    }
    if (!p->prefix || offset < p->prefix_at) {
        if (!p->prefix)
            p->prefix = XXH3_createState();
        p->prefix_at = 0;
        ok = p->prefix && XXH3_128bits_reset(p->prefix) == XXH_OK;
    }
    while (ok && p->prefix_at < offset) {
        long long want = offset - p->prefix_at;
        size_t n = want < (long long)sizeof buf ? (size_t)want : sizeof buf;
        ssize_t got = pread(fileno(fp), buf, n, (off_t)p->prefix_at);
        ok = got > 0 &&
             XXH3_128bits_update(p->prefix, buf, (size_t)got) == XXH_OK;
        if (ok)
            p->prefix_at += got;
    }
    if (ok) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(p->prefix));
        for (size_t i = 0; i < sizeof c.digest; i++)
            snprintf(out + 2 * i, 3, "%02x", c.digest[i]);
    } else if (p->prefix) {
        /* Hashed past what could be read: start over next time. */
        XXH3_freeState(p->prefix);
        p->prefix = NULL;
    }
}

void
fileid_plan_free(struct file_plan *plan)
{
    XXH3_freeState(plan->prefix);
    plan->prefix = NULL;
}

static enum tte_err
find_file(sqlite3 *db, const char *source, const char *path,
          struct known_file *k)
{
    sqlite3_stmt *st = tte_db_prepare(
        db,
        "SELECT id, dev, ino, size, mtime, offset, lines, head_sha, tail_sha,"
        " prefix_sha FROM files WHERE source = ?1 AND path = ?2");
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
        snprintf(k->prefix, sizeof k->prefix, "%s",
                 (const char *)sqlite3_column_text(st, 9) ?: "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

static enum tte_err
create_file_row(sqlite3 *db, const char *source, const char *path,
                long long *id)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "INSERT INTO files(source, path) VALUES (?1, ?2)");
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
fileid_save(sqlite3 *db, struct file_plan *plan, FILE *fp,
            const struct stat *sb, long long offset, size_t line,
            const struct file_stats *d)
{
    char head[65], tail[65], prefix[65];
    windows(fp, offset, head, tail);
    prefix_hash(plan, fp, offset, prefix);
    sqlite3_stmt *st = tte_db_prepare(
        db, "UPDATE files SET dev = ?2, ino = ?3, size = ?4, mtime = ?5,"
            " offset = ?6, lines = ?7, head_sha = ?8, tail_sha = ?9,"
            " rows_read = rows_read + ?10, accepted = accepted + ?11,"
            " duplicates = duplicates + ?12, rejected = rejected + ?13,"
            " collected_at = ?14, filtered = filtered + ?15, prefix_sha = ?16"
            " WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, plan->file_id);
    sqlite3_bind_int64(st, 2, (long long)sb->st_dev);
    sqlite3_bind_int64(st, 3, (long long)sb->st_ino);
    sqlite3_bind_int64(st, 4, (long long)sb->st_size);
    sqlite3_bind_int64(st, 5, mtime_ns(sb));
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
    tte_bind_text(st, 16, prefix);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

/* The rows a log file gave, one signature each (every stored column
 * but the line and file, or a reject's reason and text), tagged ?2. */
#define EVENT_SIG \
    "SELECT json_array(e.t, e.app, e.unit, e.signer, e.nik, e.nip," \
    " e.name, e.position, e.cert_type, e.cert_serial, e.doc_id," \
    " e.doc_type, e.doc_number, e.visibility, e.auth_method," \
    " e.api_version, e.http_status, e.status_code, e.result, e.message," \
    " e.duration_ms, e.footer), ?2 FROM events e"
#define FILE_ROWS \
    EVENT_SIG \
    " WHERE e.file_id = ?1 UNION ALL " EVENT_SIG \
    " JOIN event_dups d ON d.event_id = e.id WHERE d.file_id = ?1" \
    " UNION ALL SELECT json_array(r.reason, r.raw), ?2 FROM rejects r" \
    " WHERE r.file_id = ?1"

static enum tte_err
note_rows(sqlite3 *db, long long file_id, int after)
{
    int64_t args[2] = {file_id, after};
    return tte_db_run(db, "INSERT INTO temp.edited_rows " FILE_ROWS, args, 2,
                      NULL);
}

enum tte_err
fileid_count_changed(sqlite3 *db, struct file_plan *plan)
{
    enum tte_err err = note_rows(db, plan->file_id, 1);
    sqlite3_stmt *st =
        err ? NULL
            : tte_db_prepare(
                  db,
                  "SELECT COALESCE(sum(n), 0) FROM (SELECT sum(after = 0) -"
                  " sum(after = 1) AS n FROM temp.edited_rows GROUP BY sig) WHERE n > 0");
    if (!st)
        return err ? err : TTE_E_IO;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        plan->changed = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(db, rc);
}

/* A log edited in place: what it gave is noted (to count the rows that
 * changed) and removed; the read from its start stores it anew. */
static enum tte_err
replace_rows(sqlite3 *db, long long id)
{
    struct forgot gone;
    enum tte_err err = tte_db_exec(
        db, "CREATE TEMP TABLE IF NOT EXISTS edited_rows(sig TEXT NOT NULL,"
            " after INTEGER NOT NULL); DELETE FROM temp.edited_rows");
    if (!err)
        err = note_rows(db, id, 0);
    if (!err)
        err = owner_clear_file(db, id, &gone);
    if (err)
        return err;
    return tte_db_run_id(db,
                         "UPDATE files SET rows_read = 0, accepted = 0,"
                         " duplicates = 0, rejected = 0, filtered = 0,"
                         " offset = 0, lines = 0 WHERE id = ?1",
                         id, NULL);
}

/* Whether the bytes before k's offset are what was read: the prefix
 * hash, or for a row from before it, the inode and the two windows. */
static bool
same_prefix(struct file_plan *plan, const struct known_file *k, FILE *fp,
            const struct stat *sb)
{
    char head[65], tail[65], prefix[65];

    if (sb->st_size < k->offset)
        return false;
    if (strlen(k->prefix) == PREFIX_HEX) {
        /* The same inode, size and modification time to the nanosecond
         * as at the last save: unchanged, as make, rsync and git decide,
         * without reading it again. */
        if (k->dev == (long long)sb->st_dev &&
            k->ino == (long long)sb->st_ino && k->size == sb->st_size &&
            k->mtime == mtime_ns(sb)) {
            memcpy(plan->known, k->prefix, sizeof plan->known);
            plan->known_at = k->offset;
            return true;
        }
        prefix_hash(plan, fp, k->offset, prefix);
        return strcmp(prefix, k->prefix) == 0;
    }
    /* A row from before the prefix hash, whose mtime is in seconds. */
    /* Unchanged size but a new mtime means it was written over in
     * place. */
    if (sb->st_size == k->offset && (long long)sb->st_mtime != k->mtime)
        return false;
    if (k->dev != (long long)sb->st_dev || k->ino != (long long)sb->st_ino)
        return false;
    windows(fp, k->offset, head, tail);
    return strcmp(head, k->head) == 0 && strcmp(tail, k->tail) == 0;
}

/* The same first bytes as read before: the same log, edited. */
static bool
same_head(const struct known_file *k, FILE *fp)
{
    char head[65], tail[65];
    if (!k->head[0] || k->offset == 0)
        return false;
    windows(fp, k->offset, head, tail);
    return strcmp(head, k->head) == 0;
}

enum tte_err
fileid_plan(sqlite3 *db, const char *source, const char *real, bool events,
            FILE *fp, const struct stat *sb, const char *name,
            struct file_plan *plan)
{
    struct known_file k;
    enum tte_err err = find_file(db, source, real, &k);

    memset(plan, 0, sizeof *plan);
    if (err)
        return err;
    if (!k.id)
        return create_file_row(db, source, real, &plan->file_id);
    plan->file_id = k.id;
    if (events && same_prefix(plan, &k, fp, sb)) {
        plan->offset = k.offset;
        plan->line = k.lines;
        plan->resumed = true;
        return TTE_OK;
    }
    if (events && same_head(&k, fp)) {
        plan->edited = true;
        return replace_rows(db, k.id);
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
        return tte_db_run_id(db,
                             "UPDATE files SET rows_read = 0,"
                             " accepted = 0, duplicates = 0, rejected = 0,"
                             " filtered = 0, offset = 0, lines = 0"
                             " WHERE id = ?1",
                             k.id, NULL);
    return tte_db_run_id(db,
                         "UPDATE files SET rows_read = rows_read -"
                         " rejected, rejected = 0, offset = 0, lines = 0"
                         " WHERE id = ?1",
                         k.id, NULL);
}
