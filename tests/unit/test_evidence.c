/* tte-evidence's own logic: matching the Pasal 4(1)j statement in page
 * text, and whether a /ByteRange signs the whole file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../evidence/evidence.h"

static bool
found(const char *page)
{
    struct ev_statements st = {0};
    ev_statements_default(&st);
    bool f = ev_statements_find(&st, page, strlen(page));
    ev_statements_free(&st);
    return f;
}

static void
test_normalize(void **state)
{
    (void)state;
    size_t n;
    const char *in = "A b\n\tC\xc2\xa0" "D\xef\xac\x81x ter-\nbit";
    char *s = ev_normalize(in, strlen(in), &n);
    assert_string_equal(s, "abcdfixterbit");
    assert_int_equal(n, strlen("abcdfixterbit"));
    free(s);
    /* A hyphen inside a line is kept; bytes that are not ASCII stay. */
    s = ev_normalize("e-Surat \xc3\x89", 10, &n);
    assert_string_equal(s, "e-surat\xc3\x89");
    free(s);
}

static void
test_statement(void **state)
{
    (void)state;
    assert_true(found("Nota dinas\nDokumen ini telah ditandatangani secara "
                      "elektronik menggunakan sertifikat elektronik yang "
                      "diterbitkan oleh Balai Besar Sertifikasi Elektronik "
                      "(BSrE), Badan Siber dan Sandi Negara\nhalaman 1"));
    /* Across lines, odd spacing, upper case, an "fi" ligature. */
    assert_true(found("DOKUMEN INI TELAH ditandatangani secara\r\n"
                      "elektronik   menggunakan serti\xef\xac\x81kat "
                      "elektronik yang diterbitkan oleh Balai Besar Sertifi-\n"
                      "kasi Elektronik (BSrE), Badan Siber dan Sandi Negara"));
    /* The older wording. */
    assert_true(found("dokumen ini telah ditandatangani secara elektronik "
                      "menggunakan sertifikat elektronik yang diterbitkan "
                      "oleh BSrE."));
    /* A shortened statement does not count. */
    assert_false(found("Dokumen ini telah ditandatangani secara "
                       "elektronik."));
    assert_false(found(""));
}

static void
test_custom_wording(void **state)
{
    (void)state;
    struct ev_statements st = {0};
    ev_statements_add(&st, "  ");
    assert_int_equal(st.n, 0);
    ev_statements_add(&st, "Ditandatangani  dengan sertifikat BSrE");
    assert_true(ev_statements_find(&st, "ditandatangani dengan\nSERTIFIKAT "
                                        "bsre", 37));
    ev_statements_free(&st);
}

static struct ev_sig
sig(long long a, long long b, long long c, long long d, size_t len)
{
    struct ev_sig s = {.range = {a, b, c, d}, .nrange = 4,
                       .contents_len = len};
    return s;
}

static void
test_range(void **state)
{
    (void)state;
    const char *why = NULL;
    struct ev_sig s = sig(0, 100, 302, 50, 100);
    assert_true(ev_range_check(&s, 352, &why));
    /* Appended after signing: the range stops short of the end. */
    assert_false(ev_range_check(&s, 400, &why));
    assert_non_null(strstr(why, "changed after signing"));
    /* A hole wider than /Contents. */
    s = sig(0, 100, 310, 42, 100);
    assert_false(ev_range_check(&s, 352, &why));
    /* Not from the start, outside the file, overlapping, wrong count. */
    s = sig(10, 90, 302, 50, 100);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 100, 302, 60, 100);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 400, 302, 50, 100);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, -1, 302, 50, 100);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 100, 302, 50, 100);
    s.nrange = 6;
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 0x7fffffffffffffffLL, 0x7fffffffffffffffLL, 1, 100);
    assert_false(ev_range_check(&s, 352, &why));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_statement),
        cmocka_unit_test(test_custom_wording),
        cmocka_unit_test(test_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
