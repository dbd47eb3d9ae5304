/*
 * The store's crash protocol (collect/store/store.h): rows in time order
 * commit with their keys; rows out of time order wait, commit ahead of
 * their keys only under a staging mark naming this process, and are
 * decided at the file's end; a mark left by a stopped run is taken out
 * when its process has ended here, kept while it runs, and kept for an
 * operator's store_recover when it is of another host. And the whole
 * protocol end to end: a run killed after each step of a file, then the
 * next run, stores every event once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../collect/store/store.h"
#include "tte_db.h"

/* The owner's side: what the store asked of it. */
struct prog {
    int holds, saves, saves_held;
    long long merged_new, merged_dup;
};

static void
p_hold(void *ctx)
{
    ((struct prog *)ctx)->holds++;
}

static enum tte_err
p_save(void *ctx, bool held)
{
    struct prog *p = ctx;
    p->saves++;
    p->saves_held += held;
    return TTE_OK;
}

static void
p_merged(void *ctx, bool dup)
{
    struct prog *p = ctx;
    if (dup)
        p->merged_dup++;
    else
        p->merged_new++;
}

struct fix {
    sqlite3 *db;
    struct store *s;
    struct prog prog;
    struct store_progress sp;
};

static long long
count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int
setup(void **state)
{
    struct fix *f = test_calloc(1, sizeof *f);
    if (tte_db_open(":memory:", false, &f->db) != TTE_OK)
        return -1;
    if (tte_db_exec(f->db, "INSERT INTO files(id, source, path)"
                           " VALUES (1, 'csv', '/logs/a.csv')") != TTE_OK)
        return -1;
    if (store_open(f->db, &f->s) != TTE_OK)
        return -1;
    f->sp = (struct store_progress){
        .ctx = &f->prog, .hold = p_hold, .save = p_save, .merged = p_merged};
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fix *f = *state;
    store_close(f->s);
    sqlite3_close(f->db);
    test_free(f);
    return 0;
}

/* Adds the event of app srikandi, NIK 3171010101900001, at hh:mm on 1
 * March 2025 (WIB) with doc_id doc; returns what the store did. */
static enum store_outcome
add_to(struct store *s, const char *hhmm, const char *doc)
{
    char b[F_COUNT][64];
    char *row[F_COUNT] = {0};
    struct tte_event ev;
    struct tte_buf why;
    enum store_outcome out = STORE_NEW;
    snprintf(b[F_TIME], sizeof b[F_TIME], "2025-03-01T%s:00+07:00", hhmm);
    snprintf(b[F_APP], sizeof b[F_APP], "srikandi");
    snprintf(b[F_UNIT], sizeof b[F_UNIT], "Biro Umum");
    snprintf(b[F_NIK], sizeof b[F_NIK], "3171010101900001");
    snprintf(b[F_DOC_ID], sizeof b[F_DOC_ID], "%s", doc);
    enum tte_field set[] = {F_TIME, F_APP, F_UNIT, F_NIK, F_DOC_ID};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        row[set[i]] = b[set[i]];
    tte_buf_init(&why);
    if (!tte_event_normalize(row, NULL, 7 * 3600, &ev, &why))
        abort(); /* a child cannot use cmocka's asserts */
    tte_buf_free(&why);
    if (store_add(s, &ev, 2, &out) != TTE_OK)
        abort();
    return out;
}

static enum store_outcome
add(struct fix *f, const char *hhmm, const char *doc)
{
    return add_to(f->s, hhmm, doc);
}

static void
begin(struct fix *f)
{
    assert_int_equal(store_file_begin(f->s, true, &f->sp), TTE_OK);
    store_file_id(f->s, 1);
}

static void
test_in_order(void **state)
{
    struct fix *f = *state;
    begin(f);
    assert_int_equal(add(f, "08:00", "D1"), STORE_NEW);
    assert_int_equal(add(f, "09:00", "D2"), STORE_NEW);
    assert_int_equal(add(f, "09:00", "D2"), STORE_DUP);
    assert_int_equal(store_file_end(f->s, STORE_COMMIT), TTE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM v_events"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM event_keys"), 2);
    assert_int_equal(f->prog.holds, 0);
    assert_int_equal(f->prog.saves, 1);
    assert_int_equal(f->prog.saves_held, 0);
}

/* Decided at the end: one new, two duplicates (of a stored event and of
 * a waiting one); the mark written and removed within the file's end. */
static void
test_waits_then_merged(void **state)
{
    struct fix *f = *state;
    begin(f);
    assert_int_equal(add(f, "09:00", "D2"), STORE_NEW);
    assert_int_equal(add(f, "08:00", "D1"), STORE_WAITS);
    assert_int_equal(add(f, "08:00", "D1"), STORE_WAITS);
    assert_int_equal(add(f, "09:00", "D2"), STORE_WAITS);
    assert_int_equal(f->prog.holds, 1);
    assert_int_equal(store_file_end(f->s, STORE_COMMIT), TTE_OK);
    assert_int_equal(f->prog.merged_new, 1);
    assert_int_equal(f->prog.merged_dup, 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM v_events"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM event_keys"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM staging"), 0);
    assert_int_equal(f->prog.saves_held, 1);
    assert_int_equal(f->prog.saves, 2);
}

/* A chunk commits the waiting rows under a mark naming this process and
 * the progress held; a kill then (a rollback, the mark committed) leaves
 * the mark, which stays while its process runs and is taken out once it
 * has ended. */
static void
test_killed_while_waiting(void **state)
{
    struct fix *f = *state;
    char host[256] = "";
    char sql[512];
    begin(f);
    assert_int_equal(add(f, "09:00", "D2"), STORE_NEW);
    assert_int_equal(add(f, "08:00", "D1"), STORE_WAITS);
    assert_int_equal(store_chunk(f->s), TTE_OK);
    assert_int_equal(f->prog.saves_held, 1);
    gethostname(host, sizeof host - 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM staging WHERE pid = %lld"
             " AND host = '%s' AND file_id = 1",
             (long long)getpid(), host);
    assert_int_equal(count(f->db, sql), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM v_events"), 1);
    assert_int_equal(store_file_end(f->s, STORE_ROLLBACK), TTE_OK);

    /* A new run, this process still running: the mark stays. */
    store_close(f->s);
    assert_int_equal(store_open(f->db, &f->s), TTE_OK);
    assert_int_equal(store_file_begin(f->s, true, &f->sp), TTE_E_TEMPFAIL);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 2);
    /* The process named has ended (its pid started again). */
    assert_int_equal(tte_db_exec(f->db, "UPDATE staging SET started ="
                                        " started + 1"),
                     TTE_OK);
    assert_int_equal(store_file_begin(f->s, true, &f->sp), TTE_OK);
    assert_int_equal(store_file_end(f->s, STORE_ROLLBACK), TTE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM staging"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM v_events"), 1);
}

/* A mark of another host: only the operator clears it. */
static void
test_other_host(void **state)
{
    struct fix *f = *state;
    begin(f);
    assert_int_equal(add(f, "09:00", "D2"), STORE_NEW);
    assert_int_equal(add(f, "08:00", "D1"), STORE_WAITS);
    assert_int_equal(store_chunk(f->s), TTE_OK);
    assert_int_equal(store_file_end(f->s, STORE_ROLLBACK), TTE_OK);
    assert_int_equal(tte_db_exec(f->db, "UPDATE staging SET host ="
                                        " 'gone-container'"),
                     TTE_OK);
    store_close(f->s);
    assert_int_equal(store_open(f->db, &f->s), TTE_OK);
    assert_int_equal(store_file_begin(f->s, true, &f->sp), TTE_E_TEMPFAIL);
    assert_int_equal(count(f->db, "SELECT count(*) FROM staging"), 1);
    assert_int_equal(store_recover(f->db), TTE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM staging"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 1);
    assert_int_equal(store_recover(f->db), TTE_OK); /* nothing left */
}

/* A log of six rows, two out of time order and two repeated: four
 * distinct events (D0..D3). The owner commits a chunk after rows 2 and 4. */
static const char *const log_rows[][2] = {
    {"09:00", "D2"}, {"08:00", "D1"}, {"08:00", "D1"},
    {"10:00", "D3"}, {"07:00", "D0"}, {"09:00", "D2"},
};
#define LOG_ROWS 6
#define LOG_DISTINCT 4
static bool
chunk_after(int row)
{
    return row == 1 || row == 3;
}

/* The owner of that log: its progress is the rows read, saved in
 * files.offset with each commit the store asks for. */
struct owner {
    sqlite3 *db;
    long long pos, held;
};

static void
o_hold(void *ctx)
{
    struct owner *o = ctx;
    o->held = o->pos;
}

static enum tte_err
o_save(void *ctx, bool held)
{
    struct owner *o = ctx;
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE files SET offset = %lld WHERE id = 1",
             held ? o->held : o->pos);
    return tte_db_exec(o->db, sql);
}

static void
o_merged(void *ctx, bool dup)
{
    (void)ctx;
    (void)dup;
}

/* One run over the log from its saved offset: begin, add each row (a
 * chunk where the owner commits one), end. Stops after steps calls to
 * the store when steps >= 0, as a kill would: nothing ended, nothing
 * closed. Returns the failing call's error, or TTE_OK. */
static enum tte_err
run_log(const char *path, int steps)
{
    struct owner o = {0};
    struct store *s;
    enum tte_err err;
    int done = 0;
    if ((err = tte_db_open(path, false, &o.db)) ||
        (err = store_open(o.db, &s)))
        return err;
    struct store_progress sp = {
        .ctx = &o, .hold = o_hold, .save = o_save, .merged = o_merged};
    if ((err = store_file_begin(s, true, &sp)))
        return err;
    store_file_id(s, 1);
    o.pos = o.held = count(o.db, "SELECT offset FROM files WHERE id = 1");
    for (int i = (int)o.pos; i < LOG_ROWS; i++) {
        if (steps >= 0 && done++ == steps)
            return TTE_OK;
        add_to(s, log_rows[i][0], log_rows[i][1]);
        o.pos = i + 1;
        if (chunk_after(i)) {
            if (steps >= 0 && done++ == steps)
                return TTE_OK;
            if ((err = store_chunk(s)))
                return err;
        }
    }
    if (steps >= 0 && done == steps)
        return TTE_OK;
    if ((err = store_file_end(s, STORE_COMMIT)))
        return err;
    store_close(s);
    sqlite3_close(o.db);
    return TTE_OK;
}

/* For each step of a run (every add, chunk and the end), a process
 * killed right after it, then a run to the end: every event once, with
 * its key, and no mark left. */
static void
test_killed_at_each_step(void **state)
{
    (void)state;
    char dir[] = "/tmp/tte-store-XXXXXX";
    char path[64], side[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    int steps = LOG_ROWS + 2 + 1; /* adds, chunks, the end */
    for (int k = 0; k <= steps; k++) {
        sqlite3 *db;
        unlink(path);
        assert_int_equal(tte_db_open(path, false, &db), TTE_OK);
        assert_int_equal(tte_db_exec(db, "INSERT INTO files(id, source, path)"
                                         " VALUES (1, 'csv', '/logs/a.csv')"),
                         TTE_OK);
        sqlite3_close(db);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(run_log(path, k) == TTE_OK ? 0 : 1);
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        assert_int_equal(run_log(path, -1), TTE_OK);
        assert_int_equal(tte_db_open(path, false, &db), TTE_OK);
        assert_int_equal(count(db, "SELECT count(*) FROM v_events"),
                         LOG_DISTINCT);
        assert_int_equal(count(db, "SELECT count(DISTINCT doc_id)"
                                   " FROM events"),
                         LOG_DISTINCT);
        assert_int_equal(count(db, "SELECT count(*) FROM events"),
                         LOG_DISTINCT);
        assert_int_equal(count(db, "SELECT count(*) FROM event_keys"),
                         LOG_DISTINCT);
        assert_int_equal(count(db, "SELECT count(*) FROM staging"), 0);
        assert_int_equal(count(db, "SELECT offset FROM files"), LOG_ROWS);
        sqlite3_close(db);
    }
    const char *const ends[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", path, ends[i]);
        unlink(side);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* A rollback takes back the rows since the last commit, and only them. */
static void
test_rollback(void **state)
{
    struct fix *f = *state;
    begin(f);
    assert_int_equal(add(f, "08:00", "D1"), STORE_NEW);
    assert_int_equal(add(f, "09:00", "D2"), STORE_NEW);
    assert_int_equal(store_chunk(f->s), TTE_OK);
    assert_int_equal(add(f, "10:00", "D3"), STORE_NEW);
    assert_int_equal(add(f, "07:00", "D0"), STORE_WAITS);
    assert_int_equal(store_file_end(f->s, STORE_ROLLBACK), TTE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM events"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM event_keys"), 2);
    assert_int_equal(count(f->db, "SELECT count(*) FROM staging"), 0);
    /* Read again: D3 is new, not a duplicate of the row taken back. */
    begin(f);
    assert_int_equal(add(f, "09:00", "D2"), STORE_DUP);
    assert_int_equal(add(f, "10:00", "D3"), STORE_NEW);
    assert_int_equal(store_file_end(f->s, STORE_COMMIT), TTE_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM v_events"), 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_then_merged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_killed_while_waiting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_other_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test(test_killed_at_each_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
