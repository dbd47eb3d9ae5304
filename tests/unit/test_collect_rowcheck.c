/*
 * rowcheck on its own: a record in, a verdict out (event, registry row,
 * reject with its reason, filtered), through a source definition with a
 * filter, a value map, a constant and a time pattern. Expected values are
 * worked out by hand from the definition below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../../collect/rowcheck.h"
#include "tte_log.h"

static const char def[] =
    "{\"format\": \"csv\", \"zone\": \"Asia/Jakarta\","
    " \"time_format\": \"%d/%m/%Y %H:%M\","
    " \"fields\": {\"time\": \"Tanggal\", \"app\": {\"const\": \"naskah\"},"
    "  \"unit\": \"Unit\", \"nik\": \"NIK\", \"doc_id\": \"ID\","
    "  \"result\": {\"column\": \"Status\","
    "             \"map\": {\"Berhasil\": \"ok\", \"Gagal\": \"fail\"}}},"
    " \"filter\": [{\"column\": \"Jenis\", \"in\": [\"Surat\", \"Nota\"]}]}";

static char *names[] = {"Tanggal", "Unit", "NIK", "ID", "Status", "Jenis"};

static struct source *
load_def(void)
{
    char path[] = "/tmp/tte-rowcheck-XXXXXX.json";
    int fd = mkstemps(path, 5);
    struct source *src = NULL;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, def, sizeof def - 1), (ssize_t)sizeof def - 1);
    close(fd);
    assert_int_equal(source_load(path, NULL, &src), TTE_OK);
    unlink(path);
    return src;
}

/* Checks one CSV row (six fields, as names[]). */
static enum row_kind
check_row(struct rowcheck *rc, const char *t, const char *unit,
          const char *nik, const char *status, const char *jenis)
{
    /* The reader owns its texts, and rowcheck may trim them in place. */
    static char f[6][64];
    char *fields[6];
    size_t lens[6];
    const char *v[6] = {t, unit, nik, "D1", status, jenis};
    for (int i = 0; i < 6; i++) {
        snprintf(f[i], sizeof f[i], "%s", v[i]);
        fields[i] = f[i];
        lens[i] = strlen(f[i]);
    }
    struct record rec = {
        .line = 2, .fields = fields, .lens = lens, .nfields = 6};
    return rowcheck_record(rc, &rec);
}

static void
test_event_mapped(void **state)
{
    struct source *src = load_def();
    struct rowcheck rc;
    bool *secret = NULL;
    (void)state;
    rowcheck_init(&rc, src);
    assert_int_equal(rowcheck_header(&rc, "t.csv", names, 6, &secret), TTE_OK);
    free(secret);
    assert_int_equal(check_row(&rc, "01/03/2025 10:00", "Biro Umum",
                               "3171010101900001", " berhasil ", "Surat"),
                     ROW_EVENT);
    /* 10:00 WIB is 03:00 UTC: 2025-03-01 is day 20148 since 1970. */
    assert_int_equal(rc.ev.t, 20148LL * 86400 + 3 * 3600);
    assert_string_equal(rc.ev.v[F_APP], "naskah");
    assert_string_equal(rc.ev.v[F_RESULT], "ok");
    assert_int_equal(check_row(&rc, "01/03/2025 10:00", "Biro Umum",
                               "3171010101900001", "GAGAL", "Nota"),
                     ROW_EVENT);
    assert_string_equal(rc.ev.v[F_RESULT], "fail");
    rowcheck_free(&rc);
    source_free(src);
}

static void
test_filtered(void **state)
{
    struct source *src = load_def();
    struct rowcheck rc;
    bool *secret = NULL;
    (void)state;
    rowcheck_init(&rc, src);
    assert_int_equal(rowcheck_header(&rc, "t.csv", names, 6, &secret), TTE_OK);
    free(secret);
    /* Filtered before it is checked: a bad row is still just dropped. */
    assert_int_equal(check_row(&rc, "soon", "", "1", "x", "Memo"),
                     ROW_FILTERED);
    assert_int_equal(check_row(&rc, "01/03/2025 10:00", "Biro Umum",
                               "3171010101900001", "Berhasil", "surat"),
                     ROW_FILTERED);
    rowcheck_free(&rc);
    source_free(src);
}

static void
expect_reject(struct rowcheck *rc, enum row_kind k, const char *reason)
{
    assert_int_equal(k, ROW_REJECT);
    assert_string_equal(rc->reason.data, reason);
}

static void
test_rejects(void **state)
{
    struct source *src = load_def();
    struct rowcheck rc;
    bool *secret = NULL;
    const char *t = "01/03/2025 10:00", *nik = "3171010101900001";
    (void)state;
    rowcheck_init(&rc, src);
    assert_int_equal(rowcheck_header(&rc, "t.csv", names, 6, &secret), TTE_OK);
    free(secret);
    expect_reject(&rc,
                  check_row(&rc, "soon", "Biro", nik, "Berhasil", "Surat"),
                  "cannot parse time 'soon'");
    expect_reject(&rc, check_row(&rc, "", "Biro", nik, "Berhasil", "Surat"),
                  "time is empty");
    expect_reject(&rc, check_row(&rc, t, "", nik, "Berhasil", "Surat"),
                  "unit is empty");
    expect_reject(&rc, check_row(&rc, t, "Biro", "", "Berhasil", "Surat"),
                  "no signer identity (nik, nip or cert_serial)");
    assert_int_equal(check_row(&rc, t, "Biro", "12345", "Berhasil", "Surat"),
                     ROW_REJECT);
    assert_non_null(strstr(rc.reason.data, "is not 16 digits"));
    /* A value the map does not know passes through, and fails. */
    expect_reject(&rc, check_row(&rc, t, "Biro", nik, "Pending", "Surat"),
                  "result 'pending' is neither ok nor fail");
    /* The verdict after a reject is a fresh one. */
    assert_int_equal(check_row(&rc, t, "Biro", nik, "Berhasil", "Surat"),
                     ROW_EVENT);
    rowcheck_free(&rc);
    source_free(src);
}

static void
test_header_missing_column(void **state)
{
    struct source *src = load_def();
    struct rowcheck rc;
    bool *secret = NULL;
    char *few[] = {"Tanggal", "NIK", "Jenis"};
    char *nofilter[] = {"Tanggal", "Unit", "NIK"};
    (void)state;
    tte_log_set_level(-1);
    rowcheck_init(&rc, src);
    assert_int_equal(rowcheck_header(&rc, "t.csv", few, 3, &secret),
                     TTE_E_DATA);
    assert_int_equal(rowcheck_header(&rc, "t.csv", nofilter, 3, &secret),
                     TTE_E_DATA);
    rowcheck_free(&rc);
    source_free(src);
}

static void
test_json_and_registry(void **state)
{
    struct source *src = NULL;
    struct rowcheck rc;
    bool *secret = NULL;
    (void)state;
    assert_int_equal(source_builtin("jsonl", NULL, &src), TTE_OK);
    rowcheck_init(&rc, src);
    assert_int_equal(rowcheck_header(&rc, "t.jsonl", NULL, 0, &secret),
                     TTE_OK);
    free(secret);
    cJSON *doc = cJSON_Parse("{\"time\": \"2025-03-01T10:00:00+07:00\","
                             " \"app\": \"a\", \"unit\": {\"x\": 1},"
                             " \"nik\": \"3171010101900001\"}");
    struct record rec = {.line = 1, .json = doc};
    expect_reject(&rc, rowcheck_record(&rc, &rec),
                  "field 'unit' is an object or array, not a value");
    cJSON_Delete(doc);
    doc = cJSON_Parse("{\"time\": \"2025-03-01T10:00:00+07:00\","
                      " \"app\": \"a\", \"unit\": \"u\","
                      " \"nik\": \"3171010101900001\"}");
    rec.json = doc;
    assert_int_equal(rowcheck_record(&rc, &rec), ROW_EVENT);
    assert_int_equal(rc.ev.t, 20148LL * 86400 + 3 * 3600);
    cJSON_Delete(doc);
    rowcheck_free(&rc);
    source_free(src);

    /* A registry row is checked where it is stored. */
    assert_int_equal(source_builtin("units", NULL, &src), TTE_OK);
    rowcheck_init(&rc, src);
    char *unames[] = {"code", "name"};
    assert_int_equal(rowcheck_header(&rc, "u.csv", unames, 2, &secret),
                     TTE_OK);
    free(secret);
    char c0[] = "U1", c1[] = "Unit";
    char *fields[] = {c0, c1};
    size_t lens[] = {2, 4};
    struct record r2 = {
        .line = 2, .fields = fields, .lens = lens, .nfields = 2};
    assert_int_equal(rowcheck_record(&rc, &r2), ROW_REGISTRY);
    assert_string_equal(rc.row[0], "U1");
    assert_string_equal(rc.row[1], "Unit");
    assert_null(rc.row[2]);
    rowcheck_free(&rc);
    source_free(src);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_mapped),
        cmocka_unit_test(test_filtered),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_header_missing_column),
        cmocka_unit_test(test_json_and_registry),
    };
    tte_log_init("test");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
