/*
 * File identity on an in-memory database: a new file is read from the
 * start, an unchanged one is resumed at its end, one that only grew is
 * resumed where it stopped, and one changed before the saved offset (or
 * replaced by another inode) is read again with its old counts dropped.
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

/* Plans path as source "csv"; fills *sb. */
static struct file_plan
plan(struct fx *fx, const char *source, struct stat *sb)
{
    struct file_plan p;
    FILE *fp = fopen(fx->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fstat(fileno(fp), sb), 0);
    assert_int_equal(fileid_plan(fx->db, source, fx->path, true, fp, sb,
                                 fx->path, &p), TTE_OK);
    fclose(fp);
    return p;
}

static void
save(struct fx *fx, const struct file_plan *p, long long offset,
     size_t line, long long read)
{
    struct stat sb;
    struct file_stats d = {.read = read, .accepted = read};
    FILE *fp = fopen(fx->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fstat(fileno(fp), &sb), 0);
    assert_int_equal(fileid_save(fx->db, p->file_id, fp, &sb, offset, line,
                                 &d), TTE_OK);
    fclose(fp);
}

static long long
rows_read(struct fx *fx, long long id)
{
    sqlite3_stmt *st = tte_db_prepare(fx->db,
        "SELECT rows_read FROM files WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
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
    assert_int_equal(q.offset, sb.st_size);     /* nothing new */

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
    struct file_plan p = plan(fx, "csv", &sb);
    save(fx, &p, 6, 3, 2);
    /* Same size, a byte before the offset differs: read it all again,
     * and forget what the old read counted. */
    put(fx->path, "w", "h\nA\nb\nmore\n");
    struct file_plan q = plan(fx, "csv", &sb);
    assert_int_equal(q.file_id, p.file_id);
    assert_false(q.resumed);
    assert_int_equal(q.offset, 0);
    assert_int_equal(rows_read(fx, p.file_id), 0);

    /* Replaced by a new file (another inode) with the same text. */
    save(fx, &q, 12, 4, 3);
    char other[80];
    snprintf(other, sizeof other, "%s.new", fx->path);
    put(other, "w", "h\nA\nb\nmore\n");
    assert_int_equal(rename(other, fx->path), 0);
    q = plan(fx, "csv", &sb);
    assert_false(q.resumed);
    assert_int_equal(rows_read(fx, p.file_id), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_unchanged_grown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_changed_is_read_again, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
