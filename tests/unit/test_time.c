/* Time parsing and the period cut in WIB. Expected instants were computed
 * with date(1): date -u -d '2025-01-01T00:00:00Z' +%s = 1735689600. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tte_period.h"
#include "tte_time.h"

#define WIB (7 * 3600)
#define NEWYEAR_2025_UTC 1735689600LL

static int64_t
parse(const char *s)
{
    int64_t t = -1;
    assert_true(tte_parse_iso8601(s, WIB, &t));
    return t;
}

static void
test_offsets(void **state)
{
    (void)state;
    assert_int_equal(parse("2025-01-01T00:00:00Z"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T07:00:00+07:00"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T07:00:00+0700"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T08:00:00+08"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2024-12-31T19:00:00-05:00"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01 07:00:00"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T07:00"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T07:00:00.999+07:00"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01 09:00:00 WIT"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01 08:00:00 WITA"), NEWYEAR_2025_UTC);
    assert_int_equal(parse("2025-01-01T00:00:00 UTC"), NEWYEAR_2025_UTC);
}

static void
test_rejects(void **state)
{
    static const char *const bad[] = {
        "",
        "2025",
        "2025-13-01T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2025-01-01T24:00:00Z",
        "2025-01-01T10:61:00Z",
        "31/12/2025 10:00",
        "2025-01-01T10:00:00+07:",
        "2025-01-01T10:00:00 Mars",
        "yesterday",
        "2025-01-01T10:00:00+25:00",
    };
    int64_t t;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(tte_parse_iso8601(bad[i], WIB, &t));
    assert_true(tte_parse_iso8601("2024-02-29T00:00:00Z", WIB, &t));
}

/* 2025-12-31T20:00Z is 2026-01-01 03:00 WIB: a 2026 event. */
static void
test_new_year_cut(void **state)
{
    struct tte_period p;
    int64_t start, end;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2025, 0, "WIB"), TTE_OK);
    start = p.start_utc;
    end = p.end_utc;
    assert_int_equal(start, NEWYEAR_2025_UTC - WIB);
    int64_t t = parse("2025-12-31T20:00:00Z");
    assert_true(t >= end);
    t = parse("2024-12-31T17:30:00Z"); /* 00:30 WIB on 1 January */
    assert_true(t >= start && t < end);
    t = parse("2025-01-01T00:30:00+08:00"); /* 23:30 WIB on 31 December */
    assert_true(t < start);
    assert_int_equal(tte_period_init(&p, 2025, 3, "WIB"), TTE_OK);
    assert_int_equal(p.start_utc, parse("2025-07-01T00:00:00+07:00"));
    assert_int_equal(p.end_utc, parse("2025-10-01T00:00:00+07:00"));
    assert_int_equal(tte_period_init(&p, 2025, 4, "WIB"), TTE_OK);
    assert_int_equal(p.end_utc, parse("2026-01-01T00:00:00+07:00"));
}

static void
test_zones_and_format(void **state)
{
    int off;
    char out[21];
    (void)state;
    assert_true(tte_zone_offset("Asia/Jakarta", &off));
    assert_int_equal(off, 7 * 3600);
    assert_true(tte_zone_offset("Asia/Makassar", &off));
    assert_int_equal(off, 8 * 3600);
    assert_true(tte_zone_offset("Asia/Jayapura", &off));
    assert_int_equal(off, 9 * 3600);
    assert_true(tte_zone_offset("+05:30", &off));
    assert_int_equal(off, 5 * 3600 + 1800);
    assert_false(tte_zone_offset("Europe/Nowhere", &off));
    tte_format_utc(NEWYEAR_2025_UTC - 1, out);
    assert_string_equal(out, "2024-12-31T23:59:59Z");
}

static void
test_period_key(void **state)
{
    struct tte_period p;
    (void)state;
    assert_int_equal(tte_period_init(&p, 2025, 0, "WIB"), TTE_OK);
    assert_string_equal(p.key, "2025");
    assert_int_equal(tte_period_init(&p, 2025, 3, "WIB"), TTE_OK);
    assert_string_equal(p.key, "2025Q3");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_new_year_cut),
        cmocka_unit_test(test_zones_and_format),
        cmocka_unit_test(test_period_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
