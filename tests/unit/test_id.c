/* NIK and NIP structure, the reason given for a bad one, NIK masking. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tte_buf.h"
#include "tte_id.h"

static void
test_nik(void **state)
{
    (void)state;
    assert_true(tte_nik_valid("3171010101900001"));   /* man, 1 Jan */
    assert_true(tte_nik_valid("3171014101900001"));   /* woman: day + 40 */
    assert_true(tte_nik_valid("3171017112990001"));   /* woman, 31 Dec */
    assert_true(tte_nik_valid("3171012902000001"));   /* 29 Feb 2000 */
    assert_false(tte_nik_valid("3171013201900001"));  /* day 32 */
    assert_false(tte_nik_valid("3171017201900001"));  /* day 72 (32 + 40) */
    assert_false(tte_nik_valid("3171010013900001"));  /* day 0 */
    assert_false(tte_nik_valid("3171010113900001"));  /* month 13 */
    assert_false(tte_nik_valid("3171010101900000"));  /* sequence 0000 */
    assert_false(tte_nik_valid("317101010190001"));   /* 15 digits */
    assert_false(tte_nik_valid("31710101019000012")); /* 17 digits */
    assert_false(tte_nik_valid("3171O10101900001"));  /* letter O */
    assert_false(tte_nik_valid(""));
}

static void
test_nip(void **state)
{
    (void)state;
    assert_true(tte_nip_valid("198001012005011001"));
    assert_true(tte_nip_valid("199002292015122002") == false); /* 1990 !leap */
    assert_true(tte_nip_valid("199202292015122002"));
    assert_false(tte_nip_valid("198001012005013001")); /* sex digit 3 */
    assert_false(tte_nip_valid("198001012005131001")); /* TMT month 13 */
    assert_false(tte_nip_valid("198013012005011001")); /* birth month 13 */
    assert_false(tte_nip_valid("198001011975011001")); /* TMT before birth */
    assert_false(tte_nip_valid("19800101200501100"));  /* 17 digits */
}

static void
test_mask(void **state)
{
    char out[64];
    (void)state;
    tte_mask_nik("3171010101900001", out, sizeof out);
    assert_string_equal(out, "3171\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2"
                             "\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
                             "\xe2\x80\xa2"
                             "0001");
    tte_mask_nik("12345", out, sizeof out); /* short: masked whole */
    assert_string_equal(out, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80"
                             "\xa2\xe2\x80\xa2");
    /* Truncates on a whole character and terminates: 8 bytes hold the
     * four digits and one bullet; 9 do not hold a second bullet. */
    tte_mask_nik("3171010101900001", out, 8);
    assert_string_equal(out, "3171\xe2\x80\xa2");
    memset(out, 'z', sizeof out);
    tte_mask_nik("3171010101900001", out, 9);
    assert_string_equal(out, "3171\xe2\x80\xa2");
}

/* One reason for both readers (logs and registries), the NIK masked. */
static void
test_ids_check(void **state)
{
    struct tte_buf b;
    (void)state;
    tte_buf_init(&b);
    assert_true(tte_ids_check("3171010101900001", "198001012005011001", &b));
    assert_true(tte_ids_check(NULL, NULL, &b));
    assert_int_equal(b.len, 0);
    assert_false(tte_ids_check("3171013201900001", "x", &b));
    tte_buf_addc(&b, '\0');
    assert_string_equal(b.data,
                        "nik '3171\xe2\x80\xa2\xe2\x80\xa2\xe2\x80"
                        "\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
                        "\xe2\x80\xa2"
                        "0001' is not 16 digits with a valid "
                        "birth date");
    tte_buf_reset(&b);
    assert_false(tte_ids_check(NULL, "198001012005013001", &b));
    tte_buf_addc(&b, '\0');
    assert_string_equal(b.data, "nip '198001012005013001' is not 18 digits "
                                "with a valid birth date, TMT and sex digit");
    tte_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nik),
        cmocka_unit_test(test_nip),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_ids_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
