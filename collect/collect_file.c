/*
 * File identity and incremental ingest. A file is remembered by source and
 * real path with its device, inode, size, mtime, the offset reached and two
 * hashes: of its first bytes and of the bytes just before that offset.
 * Same inode and both windows unchanged: read on from the offset (nothing
 * to read when it did not grow). Anything else: read it all again; the
 * dedupe rule keeps the counts exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "collect_int.h"
#include "tte_db.h"
#include "tte_log.h"

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
exec_id(sqlite3 *db, const char *sql, long long id)
{
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
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

/* Saves where reading stopped and what this read counted so far. */
static enum tte_err
save_progress(struct collect *c, FILE *fp, const struct stat *sb)
{
    char head[65], tail[65];
    windows(fp, c->clean_offset, head, tail);
    sqlite3_stmt *st = tte_db_prepare(c->db,
        "UPDATE files SET dev = ?2, ino = ?3, size = ?4, mtime = ?5,"
        " offset = ?6, lines = ?7, head_sha = ?8, tail_sha = ?9,"
        " rows_read = rows_read + ?10, accepted = accepted + ?11,"
        " duplicates = duplicates + ?12, rejected = rejected + ?13,"
        " collected_at = ?14 WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    struct file_stats d = c->st;
    d.read -= c->saved.read;
    d.accepted -= c->saved.accepted;
    d.duplicates -= c->saved.duplicates;
    d.rejected -= c->saved.rejected;
    sqlite3_bind_int64(st, 1, c->file_id);
    sqlite3_bind_int64(st, 2, (long long)sb->st_dev);
    sqlite3_bind_int64(st, 3, (long long)sb->st_ino);
    sqlite3_bind_int64(st, 4, (long long)sb->st_size);
    sqlite3_bind_int64(st, 5, (long long)sb->st_mtime);
    sqlite3_bind_int64(st, 6, c->clean_offset);
    sqlite3_bind_int64(st, 7, (long long)c->clean_line);
    sqlite3_bind_text(st, 8, head, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, tail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, d.read);
    sqlite3_bind_int64(st, 11, d.accepted);
    sqlite3_bind_int64(st, 12, d.duplicates);
    sqlite3_bind_int64(st, 13, d.rejected);
    sqlite3_bind_int64(st, 14, (long long)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(c->db, rc);
    c->saved = c->st;
    return TTE_OK;
}

enum tte_err
collect_checkpoint(struct collect *c, long long offset, size_t line)
{
    if (c->pipe)
        return pipe_checkpoint(c->pipe, offset, line);
    return collect_checkpoint_now(c, offset, line);
}

enum tte_err
collect_checkpoint_now(struct collect *c, long long offset, size_t line)
{
    c->clean_offset = offset;
    c->clean_line = line;
    if (!c->own_tx || c->opts->check || ++c->since_commit < c->chunk_rows)
        return TTE_OK;
    /* Offset and rows commit together: a kill loses only this chunk. */
    c->since_commit = 0;
    enum tte_err err = save_progress(c, c->fp, &c->sb);
    if (!err)
        err = tte_db_exec(c->db, "COMMIT; BEGIN IMMEDIATE");
    return err;
}

void
csv_fwrite_field(FILE *fp, const char *s)
{
    csv_fwrite(fp, s, strlen(s));
}

/* Decides where to start: 0 for a new or changed file, the saved offset
 * for a file that is the same up to it. */
static enum tte_err
plan_read(struct collect *c, const char *real, long long *offset,
          size_t *line, bool *resumed)
{
    struct known_file k;
    char head[65], tail[65];
    enum tte_err err = find_file(c->db, c->src->name, real, &k);

    *offset = 0;
    *line = 0;
    *resumed = false;
    if (err)
        return err;
    if (!k.id)
        return create_file_row(c->db, c->src->name, real, &c->file_id);
    c->file_id = k.id;
    /* Same file, same first bytes and same bytes before the offset: only
     * new rows follow. Unchanged size but a new mtime means it was
     * written over in place: read it all again. */
    bool rewritten = c->sb.st_size == k.offset &&
                     (long long)c->sb.st_mtime != k.mtime;
    if (c->src->kind == KIND_EVENTS && k.dev == (long long)c->sb.st_dev &&
        k.ino == (long long)c->sb.st_ino && c->sb.st_size >= k.offset &&
        !rewritten) {
        windows(c->fp, k.offset, head, tail);
        if (strcmp(head, k.head) == 0 && strcmp(tail, k.tail) == 0) {
            *offset = k.offset;
            *line = k.lines;
            *resumed = true;
            return TTE_OK;
        }
    }
    log_debug("%s: changed since the last run; reading it again", c->file);
    err = exec_id(c->db, "DELETE FROM rejects WHERE file_id = ?1", k.id);
    if (!err)
        err = exec_id(c->db, "UPDATE files SET rows_read = 0, accepted = 0,"
                      " duplicates = 0, rejected = 0, offset = 0, lines = 0"
                      " WHERE id = ?1", k.id);
    return err;
}

static void
print_summary(struct collect *c, bool skipped, size_t from_line)
{
    const struct file_stats *s = &c->st;
    if (c->progress_shown)
        fprintf(stderr, "\r\033[K");
    c->progress_shown = false;
    if (skipped) {
        log_info("%s: unchanged since the last run, skipped", c->file);
        return;
    }
    char extra[96] = "";
    if (s->filtered)
        snprintf(extra, sizeof extra, ", filtered out %lld", s->filtered);
    if (from_line)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
                 " (new rows after line %zu)", from_line);
    log_info("%s: read %lld, accepted %lld, duplicates %lld, rejected %lld%s",
             c->file, s->read, s->accepted, s->duplicates, s->rejected,
             extra);
}

static enum tte_err
open_input(struct collect *c, const char *path)
{
    c->fp = fopen(path, "rb");
    if (!c->fp) {
        log_err("cannot open '%s': %s", path, strerror(errno));
        return TTE_E_NOINPUT;
    }
    if (fstat(fileno(c->fp), &c->sb) != 0 || S_ISDIR(c->sb.st_mode)) {
        log_err("cannot read '%s': %s", path,
                S_ISDIR(c->sb.st_mode) ? "is a directory" : strerror(errno));
        fclose(c->fp);
        c->fp = NULL;
        return TTE_E_NOINPUT;
    }
    if (c->src->encoding) {
        c->cd = iconv_open("UTF-8", c->src->encoding);
        if (c->cd == (iconv_t)-1) {
            log_err("%s: encoding '%s' is not known to iconv",
                    c->src->path ? c->src->path : c->src->name,
                    c->src->encoding);
            fclose(c->fp);
            c->fp = NULL;
            return TTE_E_CONFIG;
        }
    }
    return TTE_OK;
}

static void
close_input(struct collect *c)
{
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    c->cd = (iconv_t)-1;
    if (c->fp)
        fclose(c->fp);
    c->fp = NULL;
}

static enum tte_err
read_from(struct collect *c, const char *path, long long offset, size_t line)
{
    if (fseeko(c->fp, offset, SEEK_SET) != 0) {
        log_err("%s: cannot seek: %s", path, strerror(errno));
        return TTE_E_IO;
    }
    if (c->src->format == FMT_CSV)
        return read_csv(c, c->fp, path, line, offset);
    return read_jsonl(c, c->fp, path, line);
}

static void
add_totals(struct file_stats *t, const struct file_stats *s)
{
    t->read += s->read;
    t->accepted += s->accepted;
    t->duplicates += s->duplicates;
    t->rejected += s->rejected;
    t->filtered += s->filtered;
}

static enum tte_err
collect_checked(struct collect *c, const char *path)
{
    c->check_left = c->opts->check_rows;
    enum tte_err err = read_from(c, path, 0, 0);
    printf("%s: %lld rows shown, %lld rejected; nothing was written\n", path,
           c->st.read, c->st.rejected);
    return err;
}

enum tte_err
collect_file(struct collect *c, const char *path, bool own_tx,
             struct file_stats *total)
{
    char *real = c->real;
    long long offset;
    size_t line;
    bool resumed;
    enum tte_err err = open_input(c, path);

    if (err)
        return err;
    memset(&c->st, 0, sizeof c->st);
    c->seen = 0;
    memset(&c->saved, 0, sizeof c->saved);
    c->file = path;
    c->size = c->sb.st_size;
    c->own_tx = own_tx;
    c->since_commit = 0;
    c->last_progress = 0;
    const char *chunk = getenv("TTE_COLLECT_CHUNK");
    c->chunk_rows = chunk && atoll(chunk) > 0 ? atoll(chunk) : CHUNK_ROWS;
    clock_gettime(CLOCK_MONOTONIC, &c->started);
    if (c->opts->check) {
        err = collect_checked(c, path);
        close_input(c);
        return err;
    }
    if (!realpath(path, real))
        snprintf(real, sizeof c->real, "%s", path);
    if (!c->store)
        err = store_open(c->db, &c->store);
    if (!err && own_tx)
        err = tte_db_exec(c->db, "BEGIN IMMEDIATE");
    if (err) {
        close_input(c);
        return err;
    }
    err = plan_read(c, real, &offset, &line, &resumed);
    c->clean_offset = offset;
    c->clean_line = line;
    if (!err && resumed && offset == c->sb.st_size) {
        if (own_tx)
            tte_db_exec(c->db, "ROLLBACK");
        close_input(c);
        print_summary(c, true, 0);
        return TTE_OK;
    }
    /* Events: parse here, write on a second thread. */
    if (!err && c->src->kind == KIND_EVENTS) {
        c->pipe = pipe_start(c);
        if (!c->pipe)
            log_debug("no writer thread; writing from this one");
    }
    if (!err)
        err = read_from(c, path, offset, line);
    if (c->pipe) {
        enum tte_err werr = pipe_finish(c->pipe);
        c->pipe = NULL;
        err = err ? err : werr;
    }
    if (!err)
        err = save_progress(c, c->fp, &c->sb);
    if (own_tx && err) {
        tte_db_exec(c->db, "ROLLBACK");
        store_forget(c->store);
    } else if (own_tx) {
        err = tte_db_exec(c->db, "COMMIT");
    }
    close_input(c);
    if (!err) {
        print_summary(c, false, resumed ? line : 0);
        add_totals(total, &c->st);
    }
    return err;
}
