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
    const char *in = "A b\n\tC\xc2\xa0"
                     "D\xef\xac\x81x ter-\nbit";
    char *s = ev_normalize(in, strlen(in), &n);
    assert_string_equal(s, "abcdfixterbit");
    assert_int_equal(n, strlen("abcdfixterbit"));
    free(s);
    /* Punctuation goes; bytes that are not ASCII stay. */
    s = ev_normalize("e-Surat \xc3\x89", 10, &n);
    assert_string_equal(s, "esurat\xc3\x89");
    free(s);
    /* Each agency by its short name, once. */
    const char *ag = "Balai Besar Sertifikasi Elektronik (BSrE), Badan "
                     "Siber dan Sandi Negara (BSSN).";
    s = ev_normalize(ag, strlen(ag), &n);
    assert_string_equal(s, "bsrebssn");
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

/* The same statement written other ways, as applications print it. */
static void
test_statement_variants(void **state)
{
    (void)state;
    static const char *const same[] = {
        /* short name of BSSN after the long name of BSrE */
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh Balai Besar Sertifikasi "
        "Elektronik (BSrE), BSSN",
        /* both short */
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh BSrE, BSSN.",
        /* long names only, hyphenated at line ends, other punctuation */
        "Dokumen ini telah ditandatangani secara elek-\ntronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh Balai Besar Sertifi-\n"
        "kasi Elektronik - Badan Siber dan Sandi Negara;",
        /* long and short in parentheses for both, dashes and quotes */
        "\xe2\x80\x9c"
        "Dokumen ini telah ditandatangani secara elektronik "
        "menggunakan sertifikat elektronik yang diterbitkan oleh Balai Besar "
        "Sertifikasi Elektronik (BSrE) \xe2\x80\x94 Badan Siber dan Sandi "
        "Negara (BSSN)\xe2\x80\x9d",
        /* the older wording with the long name, in capitals */
        "DOKUMEN INI TELAH DITANDATANGANI SECARA ELEKTRONIK MENGGUNAKAN "
        "SERTIFIKAT ELEKTRONIK YANG DITERBITKAN OLEH BALAI BESAR "
        "SERTIFIKASI ELEKTRONIK.",
        /* spaced letters and no-break spaces */
        "Dokumen\xc2\xa0ini telah ditandatangani secara elektronik "
        "menggunakan sertifikat elektronik yang diterbitkan oleh B S r E",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        if (!found(same[i]))
            fail_msg("variant %zu not matched: %s", i, same[i]);
    }
    static const char *const other[] = {
        /* another agency, by long or short name */
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh Balai Sertifikasi "
        "Elektronik Swasta (BSES)",
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh PrivyID",
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh Badan Siber dan Sandi "
        "Negara",
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh Balai Besar "
        "Sertifikasi",
        /* a character a reader cannot see breaks the statement */
        "Dokumen ini telah ditandatangani secara elektronik menggunakan "
        "sertifikat elektronik yang diterbitkan oleh BS\x1frE",
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        if (found(other[i]))
            fail_msg("other wording %zu matched: %s", i, other[i]);
    }
}

/* The no_statement reason names what was tried. */
static void
test_describe(void **state)
{
    (void)state;
    char why[256];
    struct ev_statements st = {0};
    ev_statements_default(&st);
    ev_statements_describe(&st, why, sizeof why);
    assert_non_null(strstr(why, "usual and the older BSrE wording"));
    ev_statements_free(&st);
    ev_statements_add(&st, "satu");
    ev_statements_add(&st, "dua");
    ev_statements_describe(&st, why, sizeof why);
    assert_non_null(strstr(why, "2 --statement wordings"));
    ev_statements_free(&st);
}

static void
test_custom_wording(void **state)
{
    (void)state;
    struct ev_statements st = {0};
    ev_statements_add(&st, "  ");
    assert_int_equal(st.n, 0);
    ev_statements_add(&st, "Ditandatangani  dengan sertifikat BSrE");
    assert_true(ev_statements_find(&st,
                                   "ditandatangani dengan\nSERTIFIKAT "
                                   "bsre",
                                   37));
    ev_statements_free(&st);
}

static struct ev_sig
sig(long long a, long long b, long long c, long long d, size_t len)
{
    struct ev_sig s = {.range = {a, b, c, d},
                       .nrange = 4,
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

/* A signature whose second range starts at LLONG_MAX: its end does not
 * fit in a long long, so it ranks as no end at all (under UBSan the sum
 * used to abort). */
static void
test_range_end_overflow(void **state)
{
    (void)state;
    const char *why = NULL;
    struct ev_sig s = sig(0, 100, 0x7fffffffffffffffLL, 50, 100);
    assert_int_equal(ev_range_end(&s), -1);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 100, 302, 0x7fffffffffffffffLL, 100);
    assert_int_equal(ev_range_end(&s), -1);
    assert_false(ev_range_check(&s, 352, &why));
    s = sig(0, 100, 302, 50, 100);
    assert_int_equal(ev_range_end(&s), 352);
    s = sig(0, 100, -302, 50, 100);
    assert_int_equal(ev_range_end(&s), -1);
    s.nrange = 3;
    assert_int_equal(ev_range_end(&s), -1);
}

static size_t
rec(char *buf, char kind, uint32_t page, const char *text)
{
    uint32_t len = (uint32_t)strlen(text);
    buf[0] = kind;
    memcpy(buf + 1, &page, 4);
    memcpy(buf + 5, &len, 4);
    memcpy(buf + 9, text, len);
    return 9 + len;
}

/* What the text child sends: the first page whose visible text states it;
 * a statement seen only in all the text is hidden; a cut record or an
 * error from poppler is no answer. */
static void
test_text_records(void **state)
{
    (void)state;
    static const char stmt[] =
        "Dokumen ini telah ditandatangani secara "
        "elektronik menggunakan sertifikat elektronik yang diterbitkan oleh "
        "BSrE";
    char hidden[sizeof stmt];
    char buf[2048], why[256];
    struct ev_text t;
    struct ev_statements st = {0};
    size_t n = 0;

    ev_statements_default(&st);
    memcpy(hidden, stmt, sizeof stmt);
    hidden[3] = '\x1f';
    n += rec(buf + n, 'A', 1, "Nota dinas");
    n += rec(buf + n, 'A', 2, stmt);
    n += rec(buf + n, 'V', 2, hidden);
    assert_true(ev_text_parse(buf, n, &st, &t, why, sizeof why));
    assert_int_equal(t.page, 0);
    assert_true(t.hidden);
    n += rec(buf + n, 'A', 3, stmt);
    n += rec(buf + n, 'V', 3, stmt);
    assert_true(ev_text_parse(buf, n, &st, &t, why, sizeof why));
    assert_int_equal(t.page, 3);
    assert_false(t.hidden);
    assert_false(ev_text_parse(buf, n - 1, &st, &t, why, sizeof why));
    assert_non_null(strstr(why, "mid-record"));
    n = rec(buf, 'E', 0, "poppler cannot open it: damaged");
    assert_false(ev_text_parse(buf, n, &st, &t, why, sizeof why));
    assert_string_equal(why, "poppler cannot open it: damaged");
    /* A length past the end is not read. */
    n = rec(buf, 'A', 1, "x");
    memset(buf + 5, 0xff, 4);
    assert_false(ev_text_parse(buf, n, &st, &t, why, sizeof why));
    ev_statements_free(&st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_statement),
        cmocka_unit_test(test_statement_variants),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_custom_wording),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_range_end_overflow),
        cmocka_unit_test(test_text_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
