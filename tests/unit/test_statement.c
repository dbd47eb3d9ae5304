/* The Pasal 4(1)j status of an application: evidence first, the
 * registry's flag never overriding a sample. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "tte_db.h"
#include "tte_statement.h"

/* The tables the view reads, with v_evidence as a plain table: what
 * tte-aggregate and tte-evidence would have left. */
static const char world[] =
    "CREATE TABLE agg_app(period TEXT, app TEXT, name TEXT,"
    " registered INTEGER, footer_statement INTEGER, footer_yes INTEGER,"
    " footer_no INTEGER, ok INTEGER, fail INTEGER);"
    "CREATE TABLE v_evidence(app TEXT, verdict TEXT);"
    /* registry says no, sample proves it */
    "INSERT INTO agg_app VALUES ('2025', 'proven', 'Proven', 1, 0, 0, 0,"
    " 30, 10);"
    "INSERT INTO v_evidence VALUES ('proven', 'ok');"
    /* registry says yes, samples fail */
    "INSERT INTO agg_app VALUES ('2025', 'failing', 'Failing', 1, 1, 0, 0,"
    " 40, 0);"
    "INSERT INTO v_evidence VALUES ('failing', 'ok'),"
    " ('failing', 'no_statement'), ('failing', 'no_statement'),"
    " ('failing', 'unreadable');"
    /* no sample */
    "INSERT INTO agg_app VALUES ('2025', 'unchecked', NULL, 0, NULL, 0, 0,"
    " 20, 0);";

static sqlite3 *
open_world(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(tte_db_exec(db, world), TTE_OK);
    assert_int_equal(tte_statement_view(db), TTE_OK);
    /* Idempotent: the summary after a render creates it again. */
    assert_int_equal(tte_statement_view(db), TTE_OK);
    return db;
}

static void
expect_row(sqlite3 *db, const char *app, const char *status, int checked,
           int failed, const char *why, double share)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(
            db,
            "SELECT status, checked, failed, why, share FROM app_statement"
            " WHERE period = '2025' AND app = ?1",
            -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, app, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), status);
    assert_int_equal(sqlite3_column_int(st, 1), checked);
    assert_int_equal(sqlite3_column_int(st, 2), failed);
    if (why)
        assert_string_equal((const char *)sqlite3_column_text(st, 3), why);
    else
        assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
    assert_true(sqlite3_column_double(st, 4) > share - 0.001 &&
                sqlite3_column_double(st, 4) < share + 0.001);
    sqlite3_finalize(st);
}

static void
test_statuses(void **state)
{
    (void)state;
    sqlite3 *db = open_world();
    expect_row(db, "proven", "terbukti", 1, 0, NULL, 40.0);
    expect_row(db, "failing", "tidak terbukti", 4, 3,
               "2 no_statement, 1 unreadable", 40.0);
    expect_row(db, "unchecked", "belum diperiksa", 0, 0, NULL, 20.0);
    sqlite3_close(db);
}

static void
test_verdict_labels(void **state)
{
    (void)state;
    sqlite3 *db = open_world();
    /* A template's labels name the verdicts, in its order. */
    assert_int_equal(
        tte_db_exec(
            db,
            "INSERT INTO tpl_verdict VALUES (0, 'unreadable', 'tidak terbaca'),"
            " (1, 'no_statement', 'tanpa pernyataan')"),
        TTE_OK);
    expect_row(db, "failing", "tidak terbukti", 4, 3,
               "1 tidak terbaca, 2 tanpa pernyataan", 40.0);
    sqlite3_close(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_verdict_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
