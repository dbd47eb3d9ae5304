/* The report period. Expected instants were worked out by hand from
 * 2025-01-01T00:00:00Z = 1735689600 (date -u -d ... +%s), whole days of
 * 86400 s and WIB = UTC+7 (25200 s). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tte_period.h"

#define NEWYEAR_2025_UTC 1735689600LL
#define WIB_S 25200LL

static void
test_year_wib(void **state)
{
    struct tte_period p;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2025, 0, "Asia/Jakarta"), TTE_OK);
    assert_string_equal(p.key, "2025");
    assert_string_equal(p.zone, "Asia/Jakarta");
    assert_int_equal(p.offset, 7 * 3600);
    /* 2024-12-31T17:00:00Z .. 2025-12-31T17:00:00Z */
    assert_int_equal(p.start_utc, NEWYEAR_2025_UTC - WIB_S);
    assert_int_equal(p.start_utc, 1735664400LL);
    assert_int_equal(p.end_utc, NEWYEAR_2025_UTC + 365 * 86400LL - WIB_S);
    assert_int_equal(p.end_utc, 1767200400LL);
    assert_string_equal(p.first_day, "2025-01-01");
    assert_string_equal(p.last_day, "2025-12-31");
    assert_int_equal(p.first_month, 1);
    assert_int_equal(p.last_month, 12);
    assert_string_equal(p.label, "Tahun 2025");
}

static void
test_fourth_quarter(void **state)
{
    struct tte_period p;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2025, 4, "WIB"), TTE_OK);
    assert_string_equal(p.key, "2025Q4");
    /* Jan..Sep 2025: 31+28+31+30+31+30+31+31+30 = 273 days. */
    assert_int_equal(p.start_utc, NEWYEAR_2025_UTC + 273 * 86400LL - WIB_S);
    assert_int_equal(p.start_utc, 1759251600LL);
    assert_int_equal(p.end_utc, 1767200400LL);
    assert_string_equal(p.first_day, "2025-10-01");
    assert_string_equal(p.last_day, "2025-12-31");
    assert_int_equal(p.first_month, 10);
    assert_int_equal(p.last_month, 12);
    assert_string_equal(p.label, "Triwulan IV 2025");
}

static void
test_leap_first_quarter(void **state)
{
    struct tte_period p;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2024, 1, "Asia/Jakarta"), TTE_OK);
    assert_string_equal(p.key, "2024Q1");
    /* 2024 has 366 days; its Q1 31+29+31 = 91. */
    assert_int_equal(p.start_utc, NEWYEAR_2025_UTC - 366 * 86400LL - WIB_S);
    assert_int_equal(p.start_utc, 1704042000LL);
    assert_int_equal(p.end_utc, 1704067200LL + 91 * 86400LL - WIB_S);
    assert_int_equal(p.end_utc, 1711904400LL);
    assert_string_equal(p.first_day, "2024-01-01");
    assert_string_equal(p.last_day, "2024-03-31");
    assert_string_equal(p.label, "Triwulan I 2024");
}

static void
test_other_zone(void **state)
{
    struct tte_period p;
    (void)state;
    /* WIT, UTC+9: the year starts 2024-12-31T15:00:00Z. */
    assert_int_equal(tte_period_init(&p, 2025, 0, "Asia/Jayapura"), TTE_OK);
    assert_int_equal(p.offset, 9 * 3600);
    assert_int_equal(p.start_utc, NEWYEAR_2025_UTC - 9 * 3600);
    assert_string_equal(p.last_day, "2025-12-31");
}

static void
test_bad_input(void **state)
{
    struct tte_period p;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2025, 5, "WIB"), TTE_E_USAGE);
    assert_int_equal(tte_period_init(&p, 2025, -1, "WIB"), TTE_E_USAGE);
    assert_int_equal(tte_period_init(&p, 0, 0, "WIB"), TTE_E_USAGE);
    assert_int_equal(tte_period_init(&p, 10000, 0, "WIB"), TTE_E_USAGE);
    assert_int_equal(tte_period_init(&p, 2025, 0, "Europe/Nowhere"),
                     TTE_E_USAGE);
    assert_int_equal(tte_period_init(&p, 2025, 0, NULL), TTE_E_USAGE);
    assert_string_equal(p.key, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_year_wib),
        cmocka_unit_test(test_fourth_quarter),
        cmocka_unit_test(test_leap_first_quarter),
        cmocka_unit_test(test_other_zone),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
