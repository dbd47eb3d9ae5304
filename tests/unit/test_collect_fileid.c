/*
 * File identity on an in-memory database: a new file is read from the
 * start, an unchanged one is resumed at its end, one that only grew is
 * resumed where it stopped, and one changed before the saved offset (or
 * replaced by another inode) is read again: a log keeps the counts of its
 * earlier runs (its events stay stored) except the rejects, which are
 * read again; a registry starts its counts over. A log changed past its
 * first bytes (an edit in place, even of the same length) has what it
 * gave removed and its counts started over.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../collect/fileid.h"
#include "tte_db.h"
#include "tte_log.h"

struct fx {
    sqlite3 *db;
    char path[64];
};

static int
setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    tte_log_init("test");
    tte_log_set_level(-1);
    if (tte_db_open(":memory:", false, &fx->db) != TTE_OK)
        return -1;
    snprintf(fx->path, sizeof fx->path, "/tmp/tte-fileid-XXXXXX");
    int fd = mkstemp(fx->path);
    if (fd < 0)
        return -1;
    close(fd);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *fx = *state;
    unlink(fx->path);
    sqlite3_close(fx->db);
    free(fx);
    return 0;
}

static void
put(const char *path, const char *mode, const char *text)
{
    FILE *fp = fopen(path, mode);
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Plans path as source `source`, a log unless events is false. */
static struct file_plan
plan_kind(struct fx *fx, const char *source, bool events, struct stat *sb)
{
    struct file_plan p;
    FILE *fp = fopen(fx->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fstat(fileno(fp), sb), 0);
    assert_int_equal(fileid_plan(fx->db, source, fx->path, events, fp, sb,
                                 fx->path, &p),
                     TTE_OK);
    fclose(fp);
    /* The hash state is only a speed-up: a save without it hashes the
     * prefix from the start. */
    fileid_plan_free(&p);
    return p;
}

/* Plans path as a log of source `source`; fills *sb. */
static struct file_plan
plan(struct fx *fx, const char *source, struct stat *sb)
{
    return plan_kind(fx, source, true, sb);
}

static void
save_stats(struct fx *fx, struct file_plan *p, long long offset, size_t line,
           const struct file_stats *d)
{
    struct stat sb;
    FILE *fp = fopen(fx->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fstat(fileno(fp), &sb), 0);
    assert_int_equal(fileid_save(fx->db, p, fp, &sb, offset, line, d), TTE_OK);
    fileid_plan_free(p);
    fclose(fp);
}

static void
save(struct fx *fx, struct file_plan *p, long long offset, size_t line,
     long long read)
{
    struct file_stats d = {.read = read, .accepted = read};
    save_stats(fx, p, offset, line, &d);
}

/* "rows_read accepted duplicates rejected" of the file's row. */
static const char *
counts(struct fx *fx, long long id, char *out, size_t n)
{
    sqlite3_stmt *st = tte_db_prepare(
        fx->db,
        "SELECT rows_read || ' ' || accepted || ' ' || duplicates || ' ' ||"
        " rejected FROM files WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static long long
count_of(struct fx *fx, const char *sql)
{
    sqlite3_stmt *st = tte_db_prepare(fx->db, sql);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static long long
rows_read(struct fx *fx, long long id)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT rows_read FROM files WHERE id = %lld",
             id);
    return count_of(fx, sql);
}

static void
test_new_unchanged_grown(void **state)
{
    struct fx *fx = *state;
    struct stat sb;
    put(fx->path, "w", "h\na\nb\n");
    struct file_plan p = plan(fx, "csv", &sb);
    assert_true(p.file_id > 0);
    assert_int_equal(p.offset, 0);
    assert_false(p.resumed);
    save(fx, &p, 6, 3, 2);

    struct file_plan q = plan(fx, "csv", &sb);
    assert_int_equal(q.file_id, p.file_id);
    assert_true(q.resumed);
    assert_int_equal(q.offset, 6);
    assert_int_equal(q.line, 3);
    assert_int_equal(q.offset, sb.st_size); /* nothing new */

    put(fx->path, "a", "c\n");
    q = plan(fx, "csv", &sb);
    assert_true(q.resumed);
    assert_int_equal(q.offset, 6);
    assert_int_equal(sb.st_size, 8);
    save(fx, &q, 8, 4, 1);
    assert_int_equal(rows_read(fx, p.file_id), 3);

    /* Another source reading the same file is another row. */
    struct file_plan o = plan(fx, "jsonl", &sb);
    assert_true(o.file_id != p.file_id);
    assert_false(o.resumed);
}

static void
test_changed_is_read_again(void **state)
{
    struct fx *fx = *state;
    struct stat sb;
    put(fx->path, "w", "h\na\nb\n");
    char c[64];
    struct file_plan p = plan(fx, "csv", &sb);
    struct file_stats first = {.read = 2, .accepted = 1, .rejected = 1};
    save_stats(fx, &p, 6, 3, &first);
    /* Same size, a byte before the offset differs: read it all again.
     * The events of the first read stay stored, so its accepted count
     * stays; its reject is dropped, to be found again. */
    put(fx->path, "w", "h\nA\nb\nmore\n");
    struct file_plan q = plan(fx, "csv", &sb);
    assert_int_equal(q.file_id, p.file_id);
    assert_false(q.resumed);
    assert_int_equal(q.offset, 0);
    assert_string_equal(counts(fx, p.file_id, c, sizeof c), "1 1 0 0");

    /* Replaced by a new file (another inode) with the same text: the
     * second read adds its own counts (the old row is now a duplicate). */
    struct file_stats second = {
        .read = 3, .accepted = 1, .duplicates = 1, .rejected = 1};
    save_stats(fx, &q, 12, 4, &second);
    assert_string_equal(counts(fx, p.file_id, c, sizeof c), "4 2 1 1");
    char other[80];
    snprintf(other, sizeof other, "%s.new", fx->path);
    put(other, "w", "h\nA\nb\nmore\n");
    assert_int_equal(rename(other, fx->path), 0);
    q = plan(fx, "csv", &sb);
    assert_false(q.resumed);
    assert_string_equal(counts(fx, p.file_id, c, sizeof c), "3 2 1 0");
}

/* A registry is a snapshot: read again, its counts start over. */
static void
test_registry_starts_over(void **state)
{
    struct fx *fx = *state;
    struct stat sb;
    put(fx->path, "w", "h\na\nb\n");
    struct file_plan p = plan_kind(fx, "units", false, &sb);
    save(fx, &p, 6, 3, 2);
    struct file_plan q = plan_kind(fx, "units", false, &sb);
    assert_int_equal(q.file_id, p.file_id);
    assert_false(q.resumed);
    assert_int_equal(rows_read(fx, p.file_id), 0);
}

/* A log of n rows "row NNNNN ok" after a header, past the 4 KiB head
 * window; *size: its length. */
static void
put_rows(const char *path, int n, long long *size)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("h\n", fp);
    for (int i = 1; i <= n; i++)
        fprintf(fp, "row %05d ok\n", i);
    *size = ftell(fp);
    fclose(fp);
}

static void
overwrite(const char *path, long pos, const char *text)
{
    FILE *fp = fopen(path, "r+");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, pos, SEEK_SET), 0);
    fputs(text, fp);
    fclose(fp);
}

/* A same-length edit past the head window, in a file that also grew:
 * the windows alone miss it; the prefix hash sees it, and the file's
 * rejects and counts are replaced, not added to. */
static void
test_edit_in_place(void **state)
{
    struct fx *fx = *state;
    struct stat sb;
    long long size;
    char c[64];
    put_rows(fx->path, 1000, &size);
    struct file_plan p = plan(fx, "csv", &sb);
    struct file_stats first = {.read = 1000, .accepted = 999, .rejected = 1};
    save_stats(fx, &p, size, 1001, &first);
    assert_int_equal(tte_db_exec(fx->db, "INSERT INTO rejects(file_id,"
                                         " source, file, line, reason) VALUES"
                                         " (1, 'csv', 'f', 9, 'x')"),
                     TTE_OK);

    /* Same size: untouched, resumed at its end. */
    struct file_plan q = plan(fx, "csv", &sb);
    assert_true(q.resumed);
    assert_false(q.edited);

    /* Row 500 (byte 2 + 499 * 13) turns fail, and a row is appended. */
    overwrite(fx->path, 2 + 499 * 13, "row 00500 no");
    put(fx->path, "a", "row 01001 ok\n");
    q = plan(fx, "csv", &sb);
    assert_false(q.resumed);
    assert_true(q.edited);
    assert_int_equal(q.offset, 0);
    assert_string_equal(counts(fx, p.file_id, c, sizeof c), "0 0 0 0");
    assert_int_equal(count_of(fx, "SELECT count(*) FROM rejects"), 0);
}

/* Another file at the path (its first bytes differ, as after a
 * rotation): read again beside what it gave, nothing is removed. */
static void
test_rotated_is_not_an_edit(void **state)
{
    struct fx *fx = *state;
    struct stat sb;
    long long size;
    char c[64];
    put_rows(fx->path, 1000, &size);
    struct file_plan p = plan(fx, "csv", &sb);
    save(fx, &p, size, 1001, 1000);
    overwrite(fx->path, 2, "row 09999 ok");
    struct file_plan q = plan(fx, "csv", &sb);
    assert_false(q.resumed);
    assert_false(q.edited);
    assert_string_equal(counts(fx, p.file_id, c, sizeof c), "1000 1000 0 0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_unchanged_grown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_changed_is_read_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_registry_starts_over, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_edit_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotated_is_not_an_edit, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
