/* Text helpers: UTF-8 checks, secret names, exact JSON numbers, paths,
 * cell text limits and placeholder expansion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../../collect/json_path.h"
#include "../../render/cell.h"
#include "tte_text.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_secret.h"
#include "tte_str.h"

static void
test_utf8(void **state)
{
    (void)state;
    const char *s = "Biro Umum \xe2\x80\x94 Jakarta";
    assert_true(tte_utf8_valid(s, strlen(s)));
    assert_false(tte_utf8_valid("caf\xe9", 4));      /* Latin-1 */
    assert_false(tte_utf8_valid("a\0b", 3));         /* NUL */
    assert_false(tte_utf8_valid("\xc0\xaf", 2));     /* overlong */
    assert_false(tte_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(tte_utf8_valid("\xe2\x80", 2));     /* truncated */
}

static void
test_secret_names(void **state)
{
    (void)state;
    assert_true(tte_is_secret_name("passphrase"));
    assert_true(tte_is_secret_name("User_Password"));
    assert_true(tte_is_secret_name("TOTP"));
    assert_true(tte_is_secret_name("otp_code"));
    assert_true(tte_is_secret_name("PIN"));
    assert_false(tte_is_secret_name("nik"));
    assert_false(tte_is_secret_name("position"));
    assert_false(tte_is_secret_name("doc_number"));
}

static void
test_json_numbers(void **state)
{
    struct tte_buf b;
    (void)state;
    tte_buf_init(&b);
    const char *in = "{\"s\":12345678901234567890123456,\"t\":\"a 1 \\\"2\","
                     "\"n\":-1.5e3,\"a\":[1,true,null]}";
    json_quote_numbers(in, strlen(in), &b);
    assert_string_equal(b.data, "{\"s\":\"12345678901234567890123456\","
                                "\"t\":\"a 1 \\\"2\",\"n\":\"-1.5e3\","
                                "\"a\":[\"1\",true,null]}");
    cJSON *doc = cJSON_Parse(b.data);
    assert_non_null(doc);
    assert_string_equal(((cJSON *)json_get_path(doc, "s"))->valuestring,
                        "12345678901234567890123456");
    assert_string_equal(((cJSON *)json_get_path(doc, "a[0]"))->valuestring,
                        "1");
    assert_null(json_get_path(doc, "a[9]"));
    assert_null(json_get_path(doc, "s.x"));
    cJSON_Delete(doc);
    tte_buf_free(&b);
}

static void
test_json_redact(void **state)
{
    struct tte_buf b;
    (void)state;
    tte_buf_init(&b);
    json_redact_text("{\"nik\":\"1\",\"req\":{\"passphrase\":\"a, \\\"b\","
                     "\"TOTP\" : 123456},\"pin\":[1,{\"x\":\"]\"}],\"n\":2}",
                     &b);
    assert_string_equal(
        b.data, "{\"nik\":\"1\",\"req\":{\"passphrase\":"
                "\"***\",\"TOTP\" : \"***\"},\"pin\":\"***\",\"n\":2}");
    /* Text that does not parse is redacted all the same. */
    json_redact_text("{\"password\": \"abc\", \"x\": ", &b);
    assert_string_equal(b.data, "{\"password\": \"***\", \"x\": ");
    tte_buf_free(&b);
}

static void
test_cell_text(void **state)
{
    (void)state;
    char *t = cell_text("a\x01"
                        "b\tc\nd\x7f");
    assert_string_equal(t, "ab\tc\nd");
    free(t);
    char *big = malloc(40001);
    memset(big, 'x', 40000);
    big[40000] = '\0';
    t = cell_text(big);
    assert_int_equal(strlen(t), 32767);
    free(t);
    free(big);
    assert_int_equal(cell_width("ab\nabcd\nx"), 4);
    assert_int_equal(cell_width("\xe2\x80\xa2\xe2\x80\xa2"), 2);
}

static void
test_expand(void **state)
{
    struct tte_vars v = {0};
    (void)state;
    cJSON *conf = cJSON_Parse("{\"agency\":{\"short\":\"BPIP\"}}");
    tte_vars_set(&v, "year", "2025");
    char *s = tte_expand("Laporan {agency.short} {year} {not a var}", &v,
                         conf);
    assert_string_equal(s, "Laporan BPIP 2025 {not a var}");
    free(s);
    cJSON *months = cJSON_Parse(
        "[\"Januari\",\"Februari\",\"Maret\","
        "\"April\",\"Mei\",\"Juni\",\"Juli\",\"Agustus\",\"September\","
        "\"Oktober\",\"November\",\"Desember\"]");
    char d[64];
    assert_true(tte_format_date(2025, 12, 31, months, d, sizeof d));
    assert_string_equal(d, "31 Desember 2025");
    tte_vars_free(&v);
    cJSON_Delete(months);
    cJSON_Delete(conf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_secret_names),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_redact),
        cmocka_unit_test(test_cell_text),
        cmocka_unit_test(test_expand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
