/*
 * Hardening outside collect: NIK masking of template output, the one-query
 * rule, page headers cut to Excel's limit, safe report file names, and
 * configurations of the wrong shape or type.
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

#include "../../render/limits.h"
#include "../../render/mask.h"
#include "../../render/render.h"
#include "tte_config.h"
#include "tte_text.h"

static void
test_mask(void **state)
{
    struct render r = {0};
    char *m;
    (void)state;
    /* A valid NIK anywhere in text is masked ... */
    m = render_mask(&r, "pemohon 3171010101900001.", false);
    assert_string_equal(m, "pemohon 3171\u2022\u2022\u2022\u2022\u2022"
                           "\u2022\u2022\u20220001.");
    free(m);
    /* ... any 16 digits only in a NIK column; 17 digits are not a NIK. */
    m = render_mask(&r, "1234567890123456", false);
    assert_string_equal(m, "1234567890123456");
    free(m);
    m = render_mask(&r, "1234567890123456", true);
    assert_string_equal(m, "1234\u2022\u2022\u2022\u2022\u2022\u2022\u2022"
                           "\u20223456");
    free(m);
    m = render_mask(&r, "31710101019000012", true);
    assert_string_equal(m, "31710101019000012");
    free(m);
    r.unmask_nik = true;
    m = render_mask(&r, "3171010101900001", true);
    assert_string_equal(m, "3171010101900001");
    free(m);
}

static void
test_nik_column(void **state)
{
    (void)state;
    assert_true(render_nik_column("NIK", NULL));
    assert_true(render_nik_column("NIK Pemohon", "x"));
    assert_true(render_nik_column("Nomor", "signer_nik"));
    assert_false(render_nik_column("Teknik", "teknik"));
    assert_false(render_nik_column("Nama", "name"));
}

static void
test_sql_tail(void **state)
{
    sqlite3 *db;
    (void)state;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_true(render_sql_tail_empty(db, ""));
    assert_true(render_sql_tail_empty(db, "  ; -- note\n /* c */ ;"));
    assert_false(render_sql_tail_empty(db, " DELETE FROM x"));
    assert_false(render_sql_tail_empty(db, " SELECT 1"));
    sqlite3_close(db);
}

static void
test_header_fit(void **state)
{
    char h[700];
    (void)state;
    snprintf(h, sizeof h,
             "&La\x01"
             "b");
    render_header_fit(h, "header");
    assert_string_equal(h, "&Lab");
    /* 300 two-byte characters: cut on a character boundary within 255
     * bytes, so 127 whole characters (254 bytes), not 127 and a half. */
    h[0] = '\0';
    for (int i = 0; i < 300; i++)
        strcat(h, "\u00e9");
    render_header_fit(h, "header");
    assert_int_equal(strlen(h), 254);
    assert_true(((unsigned char)h[strlen(h) - 2] & 0xE0) == 0xC0);
    /* A cut that would end on '&' (a control code's first half) drops
     * it: 254 'x' then "&P" cut at 255 leaves the 254 'x'. */
    memset(h, 'x', 254);
    snprintf(h + 254, sizeof h - 254, "&Pyyyy");
    render_header_fit(h, "header");
    assert_int_equal(strlen(h), 254);
    assert_int_equal(h[253], 'x');
}

static void
test_file_name(void **state)
{
    (void)state;
    assert_true(tte_file_name_safe("Laporan-TTE-BPIP-2025.xlsx"));
    assert_false(tte_file_name_safe("../x.xlsx"));
    assert_false(tte_file_name_safe("a/b.xlsx"));
    assert_false(tte_file_name_safe(".."));
    assert_false(tte_file_name_safe(""));
}

static enum tte_err
load_text(const char *text, cJSON **out)
{
    char path[] = "/tmp/tte-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    enum tte_err err = tte_config_load(path, out, NULL);
    unlink(path);
    return err;
}

static void
test_config_shape(void **state)
{
    static const char *const bad[] = {"[]",
                                      "\"x\"",
                                      "null",
                                      "{\"output_dir\": 5}",
                                      "{\"zone\": 7}",
                                      "{\"agency\": \"BPIP\"}",
                                      "{\"mail\": {\"to\": [1]}}"};
    cJSON *c = NULL;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = (cJSON *)1;
        assert_int_equal(load_text(bad[i], &c), TTE_E_CONFIG);
        /* Nothing left for the caller to free a second time. */
        assert_null(c);
        cJSON_Delete(c);
    }
    assert_int_equal(
        load_text("{\"agency\": {\"name\": \"A\\u0001B\\tC\"}}", &c), TTE_OK);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
                            cJSON_GetObjectItem(c, "agency"), "name")),
                        "AB\tC");
    cJSON_Delete(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask),      cmocka_unit_test(test_nik_column),
        cmocka_unit_test(test_sql_tail),  cmocka_unit_test(test_header_fit),
        cmocka_unit_test(test_file_name), cmocka_unit_test(test_config_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
