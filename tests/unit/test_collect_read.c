/*
 * The readers on their own, through fmemopen(3): what a sink receives
 * from read_csv and read_jsonl (records, rejects, clean points), and the
 * sink contract: every line accounted for, clean points rising to the end
 * of the input, and a read resumed from any clean point handing on
 * exactly the records after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../../collect/input.h"
#include "../../collect/read.h"

#define MAX 64

/* A sink that writes down what it is given. */
struct rec_sink {
    size_t nrec, nrej, npts, nheader;
    size_t rec_line[MAX];
    char rec[MAX][128]; /* fields joined by '|', or JSON */
    size_t rej_line[MAX];
    char rej[MAX][160]; /* reason */
    char rej_raw[MAX][160];
    long long pt_off[MAX];
    size_t pt_line[MAX];
    char header[128];
    bool secret_col; /* header marks column 2 secret */
};

static enum tte_err
s_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct rec_sink *s = ctx;
    s->nheader++;
    s->header[0] = '\0';
    for (size_t i = 0; names && i < n; i++) {
        strcat(s->header, i ? "|" : "");
        strcat(s->header, names[i]);
    }
    *secret = calloc(n ? n : 1, sizeof(bool));
    if (s->secret_col && n > 1)
        (*secret)[1] = true;
    return TTE_OK;
}

static enum tte_err
s_record(void *ctx, const struct record *r)
{
    struct rec_sink *s = ctx;
    assert_true(s->nrec < MAX);
    char *out = s->rec[s->nrec];
    out[0] = '\0';
    /* cJSON allocates from the reader's arena here: print in place. */
    if (r->json)
        assert_true(cJSON_PrintPreallocated(r->json, out, 128, 0));
    for (size_t i = 0; i < r->nfields; i++) {
        strcat(out, i ? "|" : "");
        strncat(out, r->fields[i], 20);
        assert_int_equal(strlen(r->fields[i]), r->lens[i]);
    }
    s->rec_line[s->nrec++] = r->line;
    return TTE_OK;
}

static enum tte_err
s_reject(void *ctx, size_t line, const char *reason, const char *raw, size_t n)
{
    struct rec_sink *s = ctx;
    assert_true(s->nrej < MAX);
    snprintf(s->rej[s->nrej], 160, "%s", reason);
    snprintf(s->rej_raw[s->nrej], 160, "%.*s", (int)n, raw);
    s->rej_line[s->nrej++] = line;
    return TTE_OK;
}

static enum tte_err
s_point(void *ctx, long long off, size_t line)
{
    struct rec_sink *s = ctx;
    assert_true(s->npts < MAX);
    if (s->npts)
        assert_true(off >= s->pt_off[s->npts - 1]);
    s->pt_off[s->npts] = off;
    s->pt_line[s->npts++] = line;
    return TTE_OK;
}

static struct sink
sink_of(struct rec_sink *s)
{
    struct sink k = {s, s_header, s_record, s_reject, s_point};
    return k;
}

/* Reads text (n bytes) as CSV or JSONL from offset. */
static enum tte_err
read_mem(const char *text, size_t n, bool csv, const char *encoding,
         long long offset, size_t line, struct rec_sink *s)
{
    FILE *fp = fmemopen((void *)text, n, "rb");
    struct input in;
    struct csv_dialect d = {',', '"', true};
    struct sink k = sink_of(s);
    assert_non_null(fp);
    enum tte_err err = input_open(&in, fp, "mem", encoding);
    if (!err)
        err = csv ? read_csv(&in, &d, offset, line, &k)
                  : read_jsonl(&in, offset, line, &k);
    input_close(&in);
    fclose(fp);
    return err;
}

static void
test_csv_records(void **state)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "a,b,c\r\n"
                               "1,2,3\r\n"
                               "\r\n"
                               "4,\"two\nlines\",6\n"
                               "7,8\n"
                               "9,\"x\"\"y\",10,,  \n";
    struct rec_sink *s = calloc(1, sizeof *s);
    (void)state;
    assert_int_equal(read_mem(text, sizeof text - 1, true, NULL, 0, 0, s),
                     TTE_OK);
    assert_string_equal(s->header, "a|b|c");
    assert_int_equal(s->nrec, 3);
    assert_string_equal(s->rec[0], "1|2|3");
    assert_int_equal(s->rec_line[0], 2);
    assert_string_equal(s->rec[1], "4|two\nlines|6");
    assert_int_equal(s->rec_line[1], 4);
    /* Empty extra fields are dropped, not a wrong count. */
    assert_string_equal(s->rec[2], "9|x\"y|10");
    assert_int_equal(s->rec_line[2], 7);
    assert_int_equal(s->nrej, 1);
    assert_int_equal(s->rej_line[0], 6);
    assert_string_equal(s->rej[0], "expected 3 fields, found 2");
    assert_string_equal(s->rej_raw[0], "7,8");
    /* The last clean point is the end of the input. */
    assert_int_equal(s->pt_off[s->npts - 1], (long long)sizeof text - 1);
    assert_int_equal(s->pt_line[s->npts - 1], 7);
    free(s);
}

static void
test_csv_bad_text(void **state)
{
    static const char text[] = "a,b\n"
                               "x,\xff\xfe\n"
                               "y,n\0l\n"
                               "w,\"clean line\n"
                               "then \xc3 one that is not\"\n"
                               "z,\"open\n"
                               "never closed\n";
    struct rec_sink *s = calloc(1, sizeof *s);
    (void)state;
    assert_int_equal(read_mem(text, sizeof text - 1, true, NULL, 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nrec, 0);
    assert_int_equal(s->nrej, 4);
    assert_non_null(strstr(s->rej[0], "invalid UTF-8 in field 2"));
    assert_int_equal(s->rej_line[0], 2);
    assert_string_equal(s->rej[1], "NUL byte in field 2");
    /* A record whose first line is text and whose second is not. */
    assert_non_null(strstr(s->rej[2], "invalid UTF-8 in field 2"));
    assert_int_equal(s->rej_line[2], 4);
    assert_non_null(strstr(s->rej[3], "unterminated quoted field"));
    assert_int_equal(s->rej_line[3], 6);
    free(s);
}

/* A column the header callback calls secret is "***" in a reject. */
static void
test_csv_secret_redacted(void **state)
{
    static const char text[] = "a,passphrase\nonly-one-field\n1,hunter2\n";
    struct rec_sink *s = calloc(1, sizeof *s);
    (void)state;
    s->secret_col = true;
    assert_int_equal(read_mem(text, sizeof text - 1, true, NULL, 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nrej, 1);
    /* Re-written as CSV, every field quoted. */
    assert_string_equal(s->rej_raw[0], "\"only-one-field\"");
    assert_int_equal(s->nrec, 1);
    free(s);
    static const char text2[] = "a,passphrase\n1,hunter2,3,4\n";
    s = calloc(1, sizeof *s);
    s->secret_col = true;
    assert_int_equal(read_mem(text2, sizeof text2 - 1, true, NULL, 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nrej, 1);
    assert_string_equal(s->rej_raw[0], "\"1\",\"***\",\"3\",\"4\"");
    assert_null(strstr(s->rej_raw[0], "hunter2"));
    free(s);
}

static void
test_csv_encoding(void **state)
{
    static const char text[] = "a,b\ncaf\xe9,1\n";
    struct rec_sink *s = calloc(1, sizeof *s);
    (void)state;
    assert_int_equal(read_mem(text, sizeof text - 1, true, "windows-1252", 0,
                              0, s),
                     TTE_OK);
    assert_int_equal(s->nrec, 1);
    assert_string_equal(s->rec[0], "caf\xc3\xa9|1");
    free(s);
    /* One message for a line that cannot be transcoded, in both
     * readers. */
    s = calloc(1, sizeof *s);
    assert_int_equal(read_mem(text, sizeof text - 1, true, "ASCII", 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nrej, 1);
    assert_string_equal(s->rej[0], "cannot convert from ASCII to UTF-8");
    assert_int_equal(s->rej_line[0], 2);
    free(s);
    static const char json[] = "{\"a\":\"caf\xe9\"}\n";
    s = calloc(1, sizeof *s);
    assert_int_equal(read_mem(json, sizeof json - 1, false, "ASCII", 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nrej, 1);
    assert_string_equal(s->rej[0], "cannot convert from ASCII to UTF-8");
    free(s);
    FILE *fp = fmemopen((void *)text, 4, "rb");
    struct input in;
    assert_int_equal(input_open(&in, fp, "mem", "no-such-encoding"),
                     TTE_E_CONFIG);
    input_close(&in);
    fclose(fp);
}

static void
test_jsonl_records(void **state)
{
    static const char text[] = "\xEF\xBB\xBF{\"a\":1}\r\n"
                               "  \n"
                               "[1,2]\n"
                               "{\"a\":\n"
                               "{\"passphrase\":\"hunter2\",\"x\":[}\n"
                               "{\"b\":\"\xff\"}\n"
                               "{\"c\":12345678901234567890}";
    struct rec_sink *s = calloc(1, sizeof *s);
    (void)state;
    assert_int_equal(read_mem(text, sizeof text - 1, false, NULL, 0, 0, s),
                     TTE_OK);
    assert_int_equal(s->nheader, 0);
    assert_int_equal(s->nrec, 2);
    assert_string_equal(s->rec[0], "{\"a\":1}");
    assert_int_equal(s->rec_line[0], 1);
    /* A number a double cannot hold keeps its digits. */
    assert_string_equal(s->rec[1], "{\"c\":\"12345678901234567890\"}");
    assert_int_equal(s->rec_line[1], 7);
    assert_int_equal(s->nrej, 4);
    assert_string_equal(s->rej[0], "JSON value is not an object");
    assert_int_equal(s->rej_line[0], 3);
    assert_non_null(strstr(s->rej[1], "invalid JSON"));
    assert_null(strstr(s->rej_raw[2], "hunter2"));
    assert_non_null(strstr(s->rej_raw[2], "***"));
    assert_non_null(strstr(s->rej[3], "invalid UTF-8"));
    /* One clean point per line, the last at the end. */
    assert_int_equal(s->npts, 7);
    assert_int_equal(s->pt_off[6], (long long)sizeof text - 1);
    free(s);
}

/* Resuming from any clean point hands on exactly the records after it,
 * with the same line numbers. */
static void
contract(const char *text, size_t n, bool csv)
{
    struct rec_sink *all = calloc(1, sizeof *all);
    assert_int_equal(read_mem(text, n, csv, NULL, 0, 0, all), TTE_OK);
    for (size_t p = 0; p < all->npts; p++) {
        struct rec_sink *s = calloc(1, sizeof *s);
        assert_int_equal(read_mem(text, n, csv, NULL, all->pt_off[p],
                                  all->pt_line[p], s),
                         TTE_OK);
        size_t before = 0, rej_before = 0;
        while (before < all->nrec && all->rec_line[before] <= all->pt_line[p])
            before++;
        while (rej_before < all->nrej &&
               all->rej_line[rej_before] <= all->pt_line[p])
            rej_before++;
        assert_int_equal(s->nrec, all->nrec - before);
        assert_int_equal(s->nrej, all->nrej - rej_before);
        for (size_t i = 0; i < s->nrec; i++) {
            assert_string_equal(s->rec[i], all->rec[before + i]);
            assert_int_equal(s->rec_line[i], all->rec_line[before + i]);
        }
        if (csv)
            assert_string_equal(s->header, all->header);
        free(s);
    }
    free(all);
}

static void
test_sink_contract(void **state)
{
    static const char csv[] = "a,b\n1,2\n\n3,\"x\ny\"\nbad\n5,6";
    static const char json[] = "{\"a\":1}\n\nnope\n{\"b\":2}\n{\"c\":3}\n";
    (void)state;
    contract(csv, sizeof csv - 1, true);
    contract(json, sizeof json - 1, false);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_records),
        cmocka_unit_test(test_csv_bad_text),
        cmocka_unit_test(test_csv_secret_redacted),
        cmocka_unit_test(test_csv_encoding),
        cmocka_unit_test(test_jsonl_records),
        cmocka_unit_test(test_sink_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
