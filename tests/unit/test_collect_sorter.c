/*
 * sorter.c: whatever the order records go in, and however many runs the
 * budget makes of them, they come out in key order, records of equal
 * keys in the order they went in, each once and byte for byte; the
 * temporary file is never seen in its folder; a folder it cannot be made
 * in is an error, not a loss.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../collect/store/sorter.h"

/* Record i: its index, then bytes that follow from it, len(i) in all. */
static size_t
len_of(uint32_t i, size_t spread)
{
    return 4 + (i * 2654435761u) % spread;
}

static void
fill(unsigned char *b, uint32_t i, size_t n)
{
    memcpy(b, &i, 4);
    for (size_t k = 4; k < n; k++)
        b[k] = (unsigned char)(i * 31 + k);
}

static uint64_t
key_of(uint32_t i, uint64_t range)
{
    uint64_t x = i * 0x9E3779B97F4A7C15ull;
    return (x ^ x >> 29) % range;
}

/* Adds n records (keys in [0, range), lengths up to 4 + spread, one of
 * them big bytes long when big), sorts and checks them. */
static void
round_trip(struct sorter *s, uint32_t n, uint64_t range, size_t spread,
           uint32_t big_at, size_t big)
{
    unsigned char *b = malloc(big > 4 + spread ? big : 4 + spread);
    assert_non_null(b);
    for (uint32_t i = 0; i < n; i++) {
        size_t len = i == big_at ? big : len_of(i, spread);
        fill(b, i, len);
        assert_int_equal(sorter_add(s, key_of(i, range), b, len), TTE_OK);
    }
    assert_int_equal(sorter_count(s), n);
    assert_int_equal(sorter_sort(s), TTE_OK);
    unsigned char *seen = calloc(n, 1);
    assert_non_null(seen);
    uint64_t last_key = 0;
    uint32_t last_i = 0, got = 0;
    uint64_t key;
    const void *rec;
    size_t len;
    enum tte_err err;
    int r;
    while ((r = sorter_next(s, &key, &rec, &len, &err)) == 1) {
        uint32_t i;
        assert_true(len >= 4);
        memcpy(&i, rec, 4);
        assert_true(i < n);
        assert_false(seen[i]);
        seen[i] = 1;
        assert_int_equal(key, key_of(i, range));
        assert_int_equal(len, i == big_at ? big : len_of(i, spread));
        fill(b, i, len);
        assert_memory_equal(rec, b, len);
        if (got) {
            assert_true(key >= last_key);
            if (key == last_key)
                assert_true(i > last_i);
        }
        last_key = key;
        last_i = i;
        got++;
    }
    assert_int_equal(r, 0);
    assert_int_equal(got, n);
    free(seen);
    free(b);
}

/* Entries of dir other than . and .. */
static int
entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char dir[64];

static int
make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tte-sorter-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    setenv("TMPDIR", dir, 1);
    return 0;
}

static int
remove_dir(void **state)
{
    (void)state;
    unsetenv("TMPDIR");
    return rmdir(dir);
}

static void
in_memory(void **state)
{
    (void)state;
    struct sorter *s = sorter_new(4 << 20);
    round_trip(s, 5000, 50, 40, UINT32_MAX, 0);
    assert_int_equal(entries(dir), 0);
    sorter_free(s);
}

static void
many_runs(void **state)
{
    (void)state;
    /* Some 30 MB through 64 KiB: hundreds of runs, each read back
     * through the smallest buffer. */
    struct sorter *s = sorter_new(64 << 10);
    round_trip(s, 200000, 1000, 300, UINT32_MAX, 0);
    assert_int_equal(entries(dir), 0);
    sorter_free(s);
}

static void
record_over_budget(void **state)
{
    (void)state;
    struct sorter *s = sorter_new(64 << 10);
    round_trip(s, 20000, 1u << 30, 100, 7777, 300000);
    sorter_free(s);
}

static void
cleared_and_used_again(void **state)
{
    (void)state;
    struct sorter *s = sorter_new(64 << 10);
    round_trip(s, 30000, 1u << 20, 60, UINT32_MAX, 0);
    sorter_clear(s);
    assert_int_equal(sorter_count(s), 0);
    round_trip(s, 100, 10, 10, UINT32_MAX, 0);
    sorter_clear(s);
    round_trip(s, 30000, 5, 60, UINT32_MAX, 0);
    sorter_clear(s);
    assert_int_equal(sorter_sort(s), TTE_OK);
    uint64_t key;
    const void *rec;
    size_t len;
    enum tte_err err;
    assert_int_equal(sorter_next(s, &key, &rec, &len, &err), 0);
    sorter_free(s);
}

/* Records of no bytes (the key is all): in memory and through runs, each
 * key once, in order. */
static void
empty_records(void **state)
{
    (void)state;
    for (uint32_t n = 100; n <= 100000; n *= 1000) {
        struct sorter *s = sorter_new(64 << 10);
        for (uint32_t i = 0; i < n; i++)
            assert_int_equal(sorter_add(s, key_of(i, UINT64_MAX), "", 0),
                             TTE_OK);
        assert_int_equal(sorter_sort(s), TTE_OK);
        uint64_t key, last = 0;
        const void *rec;
        size_t len;
        enum tte_err err;
        uint32_t got = 0;
        while (sorter_next(s, &key, &rec, &len, &err) == 1) {
            assert_int_equal(len, 0);
            assert_true(got == 0 || key > last);
            last = key;
            got++;
        }
        assert_int_equal(got, n);
        sorter_free(s);
    }
}

static void
no_folder_for_the_file(void **state)
{
    (void)state;
    setenv("TMPDIR", "/nonexistent/tte-sorter", 1);
    struct sorter *s = sorter_new(64 << 10);
    unsigned char b[200] = {0};
    enum tte_err err = TTE_OK;
    for (int i = 0; i < 1000 && !err; i++)
        err = sorter_add(s, (uint64_t)i, b, sizeof b);
    assert_int_equal(err, TTE_E_CANTCREAT);
    sorter_free(s);
    setenv("TMPDIR", dir, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_memory),
        cmocka_unit_test(many_runs),
        cmocka_unit_test(record_over_budget),
        cmocka_unit_test(cleared_and_used_again),
        cmocka_unit_test(empty_records),
        cmocka_unit_test(no_folder_for_the_file),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
