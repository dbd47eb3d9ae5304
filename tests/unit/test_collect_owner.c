/*
 * A log file belongs to one source (owner.c), on an in-memory database:
 * a definition is known by its real path and content whatever its
 * spelling; claiming a file read under another definition removes that
 * file's events and rejects but hands an event another file also had to
 * that file, so the accepted counts still add up to the events; a row
 * from before fingerprints is kept under the same name; forgetting what
 * was never collected is TTE_E_NOINPUT.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../collect/owner.h"
#include "tte_db.h"
#include "tte_log.h"

static int
setup(void **state)
{
    sqlite3 *db = NULL;
    tte_log_init("test");
    tte_log_set_level(-1);
    if (tte_db_open(":memory:", false, &db) != TTE_OK)
        return -1;
    *state = db;
    return 0;
}

static int
teardown(void **state)
{
    sqlite3_close(*state);
    return 0;
}

static void
exec(sqlite3 *db, const char *sql)
{
    assert_int_equal(tte_db_exec(db, sql), TTE_OK);
}

/* The text of one value. */
static const char *
value(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* "events|sum(accepted)|rejects|files" */
static const char *
counts(sqlite3 *db, char *out, size_t n)
{
    return value(db,
                 "SELECT (SELECT count(*) FROM events) || '|' ||"
                 " (SELECT COALESCE(sum(accepted), 0) FROM files) || '|' ||"
                 " (SELECT count(*) FROM rejects) || '|' ||"
                 " (SELECT count(*) FROM files)",
                 out, n);
}

/* File 1 (/a, read with d1) stored events 10, 11, 12 and a reject; file 2
 * (/b) had event 11 too, counted as its duplicate. */
static void
two_files(sqlite3 *db)
{
    exec(db, "INSERT INTO files(id, source, path, def_path, def_sha256,"
             " rows_read, accepted, rejected) VALUES"
             " (1, 's1', '/a', '/d1.json', 'x', 4, 3, 1);"
             "INSERT INTO files(id, source, path, def_path, rows_read,"
             " duplicates) VALUES (2, 'csv', '/b', 'csv', 1, 1);"
             "INSERT INTO events(id, t, app, unit, signer, cert_type,"
             " result, file_id) VALUES (10, 1, 1, 1, 1, 0, 0, 1),"
             " (11, 2, 1, 1, 1, 0, 0, 1), (12, 3, 1, 1, 1, 0, 0, 1);"
             "INSERT INTO event_dups VALUES (11, 2);"
             "INSERT INTO rejects(file_id, source, file, reason)"
             " VALUES (1, 's1', '/a', 'bad');");
}

static void
test_claim_hands_over(void **state)
{
    sqlite3 *db = *state;
    struct owner o = {.name = "/d2.json",
                      .def = "/d2.json",
                      .sha = "y",
                      .spelled = "d2.json"};
    struct forgot g;
    char buf[64];

    two_files(db);
    assert_int_equal(owner_claim(db, "/a", &o, &g), TTE_OK);
    assert_int_equal(g.files, 1);
    assert_int_equal(g.events, 2);
    assert_int_equal(g.kept, 1);
    assert_int_equal(g.rejects, 1);
    assert_string_equal(counts(db, buf, sizeof buf), "1|1|0|1");
    assert_string_equal(value(db, "SELECT id || ' ' || file_id FROM events",
                              buf, sizeof buf),
                        "11 2");
    assert_string_equal(value(db,
                              "SELECT accepted || ' ' || duplicates"
                              " FROM files WHERE id = 2",
                              buf, sizeof buf),
                        "1 0");
    assert_string_equal(
        value(db, "SELECT count(*) FROM event_dups", buf, sizeof buf), "0");
}

static void
test_claim_same_definition(void **state)
{
    sqlite3 *db = *state;
    struct owner o = {
        .name = "s1", .def = "/d1.json", .sha = "x", .spelled = "s1"};
    struct forgot g;
    char buf[64];

    two_files(db);
    assert_int_equal(owner_claim(db, "/a", &o, &g), TTE_OK);
    assert_int_equal(g.files, 0);
    assert_string_equal(counts(db, buf, sizeof buf), "3|3|1|2");
    /* The same path, the same name, another content: replaced. */
    snprintf(o.sha, sizeof o.sha, "z");
    assert_int_equal(owner_claim(db, "/a", &o, &g), TTE_OK);
    assert_int_equal(g.files, 1);
    assert_string_equal(counts(db, buf, sizeof buf), "1|1|0|1");
}

/* A row from before fingerprints, under the spelling given then. */
static void
test_claim_adopts_old_row(void **state)
{
    sqlite3 *db = *state;
    struct owner o = {.name = "/srv/x.json",
                      .def = "/srv/x.json",
                      .sha = "x",
                      .spelled = "./x.json"};
    struct forgot g;
    char buf[64];

    exec(db, "INSERT INTO files(id, source, path, accepted) VALUES"
             " (1, './x.json', '/a', 1);"
             "INSERT INTO events(id, t, app, unit, signer, cert_type,"
             " result, file_id) VALUES (10, 1, 1, 1, 1, 0, 0, 1)");
    assert_int_equal(owner_claim(db, "/a", &o, &g), TTE_OK);
    assert_int_equal(g.files, 0);
    assert_string_equal(value(db,
                              "SELECT source || ' ' || def_sha256"
                              " FROM files",
                              buf, sizeof buf),
                        "/srv/x.json x");
    assert_string_equal(counts(db, buf, sizeof buf), "1|1|0|1");
}

/* The definition file of test_owner_of_spellings, removed by its
 * teardown even when an assertion stops the test. */
static char spell_dir[] = "/tmp/tte-owner-XXXXXX";
static char spell_file[PATH_MAX];

static int
spell_teardown(void **state)
{
    (void)state;
    unlink(spell_file);
    rmdir(spell_dir);
    return 0;
}

static void
test_owner_of_spellings(void **state)
{
    (void)state;
    char *dir = spell_dir, *a = spell_file, b[PATH_MAX];
    struct source src = {0};
    struct owner o1, o2;

    assert_non_null(mkdtemp(dir));
    snprintf(a, PATH_MAX, "%s/x.json", dir);
    snprintf(b, sizeof b, "%s/./../%s/x.json", dir, strrchr(dir, '/') + 1);
    FILE *fp = fopen(a, "w");
    assert_non_null(fp);
    fputs("{}\n", fp);
    fclose(fp);
    src.name = a;
    src.path = a;
    src.zone = (char *)"Asia/Jakarta";
    assert_int_equal(owner_of(&src, &o1), TTE_OK);
    src.name = b;
    src.path = b;
    assert_int_equal(owner_of(&src, &o2), TTE_OK);
    assert_string_equal(o1.name, o2.name);
    assert_string_equal(o1.def, o2.def);
    assert_string_equal(o1.sha, o2.sha);
    /* SHA-256 of the content and the zone in force, as sha256sum gives
     * it for printf '{}\n\nzone=Asia/Jakarta'. */
    assert_string_equal(o1.sha, "f3daf13ccae41dfc3e6615c17acfccc676867b7d"
                                "85d933c370ab5a6938ee624d");
    src.name = (char *)"csv";
    src.path = NULL;
    src.zone = (char *)"Asia/Makassar";
    assert_int_equal(owner_of(&src, &o1), TTE_OK);
    assert_string_equal(o1.def, "csv");
    /* A built-in reader: its name, and the zone (printf
     * '\nzone=Asia/Makassar' | sha256sum). */
    assert_string_equal(o1.sha, "10f6d2f6157ed363de7b9deb45456e81a168602917"
                                "f87ea6e5ea297c33413063");
}

static void
test_forget_nothing(void **state)
{
    sqlite3 *db = *state;
    char *paths[] = {(char *)"/no/such/file.csv"};
    char buf[64];

    two_files(db);
    assert_int_equal(owner_forget_source(db, "no-such-source"), TTE_E_NOINPUT);
    assert_int_equal(owner_forget_files(db, paths, 1), TTE_E_NOINPUT);
    assert_string_equal(counts(db, buf, sizeof buf), "3|3|1|2");
    /* Each source forgotten in turn: the shared event goes last. */
    assert_int_equal(owner_forget_source(db, "s1"), TTE_OK);
    assert_int_equal(owner_forget_source(db, "csv"), TTE_OK);
    assert_string_equal(counts(db, buf, sizeof buf), "0|0|0|0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_claim_hands_over, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_claim_same_definition, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_claim_adopts_old_row, setup,
                                        teardown),
        cmocka_unit_test_teardown(test_owner_of_spellings, spell_teardown),
        cmocka_unit_test_setup_teardown(test_forget_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
