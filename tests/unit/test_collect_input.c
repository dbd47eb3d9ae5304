/*
 * input.c on real files (pread needs a descriptor): where lines end (LF,
 * CR LF, a lone CR, a CR LF split between two runs), a last line without
 * its end left for the next run, and a line over the limit handed on as
 * a reject without being kept in memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../collect/input.h"

/* A temporary file holding text[0..n). */
static FILE *
file_of(const char *text, size_t n)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    fflush(fp);
    rewind(fp);
    return fp;
}

/* The lines from offset, trimmed, joined by '|' into out ("!" for a line
 * without text). */
static void
lines(struct input *in, long long offset, size_t line, char *out, size_t n)
{
    struct input_line l;
    out[0] = '\0';
    assert_int_equal(input_seek(in, offset, line), TTE_OK);
    while (input_next(in, &l)) {
        size_t len = l.text ? input_trim_eol(l.text, l.len) : 0;
        snprintf(out + strlen(out), n - strlen(out), "%s%.*s",
                 out[0] ? "|" : "", l.text ? (int)len : 1,
                 l.text ? l.text : "!");
    }
}

static void
test_line_ends(void **state)
{
    (void)state;
    const char text[] = "a\nb\r\nc\rd\r\re";
    FILE *fp = file_of(text, sizeof text - 1);
    struct input in;
    char got[128];
    assert_int_equal(input_open(&in, fp, "t", NULL), TTE_OK);
    lines(&in, 0, 0, got, sizeof got);
    /* A lone CR ends a line as LF does; an empty line is still a line. */
    assert_string_equal(got, "a|b|c|d||e");
    assert_int_equal(in.line, 6);
    input_close(&in);
    fclose(fp);
}

static void
test_partial_last_line_is_held(void **state)
{
    (void)state;
    const char text[] = "one\ntwo\nthr";
    FILE *fp = file_of(text, sizeof text - 1);
    struct input in;
    char got[128];
    assert_int_equal(input_open(&in, fp, "t", NULL), TTE_OK);
    in.hold_partial = true;
    lines(&in, 0, 0, got, sizeof got);
    assert_string_equal(got, "one|two");
    assert_int_equal(in.offset, 8);
    assert_int_equal(in.line, 2);
    assert_int_equal(in.held, 3);
    /* Without hold_partial (a registry, --check) it is read. */
    in.hold_partial = false;
    lines(&in, 0, 0, got, sizeof got);
    assert_string_equal(got, "one|two|thr");
    input_close(&in);
    fclose(fp);
}

static void
test_crlf_split_between_runs(void **state)
{
    (void)state;
    /* The first run saw "x\r"; the LF came later: it ends line 1, it is
     * not an empty line 2. */
    const char text[] = "x\r\ny\r\n";
    FILE *fp = file_of(text, sizeof text - 1);
    struct input in;
    char got[128];
    assert_int_equal(input_open(&in, fp, "t", NULL), TTE_OK);
    lines(&in, 2, 1, got, sizeof got);
    assert_string_equal(got, "y");
    assert_int_equal(in.line, 2);
    assert_int_equal(in.offset, 6);
    input_close(&in);
    fclose(fp);
}

static void
test_long_line_is_let_go(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    char *text = malloc(big + 16);
    assert_non_null(text);
    memcpy(text, "a\n", 2);
    memset(text + 2, 'x', big);
    memcpy(text + 2 + big, "\nb\n", 3);
    FILE *fp = file_of(text, big + 5);
    free(text);
    struct input in;
    struct input_line l;
    char why[160];
    assert_int_equal(input_open(&in, fp, "t", NULL), TTE_OK);
    in.max_line = 1 << 20;
    assert_true(input_next(&in, &l));
    assert_non_null(l.text);
    assert_true(input_next(&in, &l));
    assert_null(l.text);
    assert_int_equal(l.raw_len, 0);
    assert_int_equal(in.oversize, (long long)big + 1);
    input_convert_reason(&in, why, sizeof why);
    assert_non_null(strstr(why, "over the limit of 1048576"));
    /* Its bytes were not kept: the buffer stays near one block. */
    assert_true(in.cap <= (size_t)(4 << 20));
    assert_true(input_next(&in, &l));
    assert_memory_equal(l.text, "b\n", 2);
    assert_int_equal(in.line, 3);
    assert_int_equal(in.offset, (long long)big + 5);
    input_close(&in);
    fclose(fp);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_partial_last_line_is_held),
        cmocka_unit_test(test_crlf_split_between_runs),
        cmocka_unit_test(test_long_line_is_let_go),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
