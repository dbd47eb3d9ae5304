/*
 * The "lines" reader and field cleaning on their own: a pattern's named
 * groups and a line's key=value pairs as columns (quoted values, escapes,
 * a group winning over a pair), unmatched lines, secret values redacted
 * in a reject's text, and a definition's remove / replace / column list
 * applied before validation. Expected values are worked out by hand from
 * the lines below.
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

#include "../../collect/input.h"
#include "../../collect/map.h"
#include "../../collect/read.h"
#include "../../collect/rowcheck.h"
#include "tte_log.h"

#define MAX 16

struct got {
    char header[160];
    size_t nrec, nunmatched, nrej;
    char rec[MAX][200];
    size_t line[MAX];
    char raw[MAX][200]; /* the reject text of each record */
    char rej[MAX][160];
    bool secret_col[MAX];
};

static enum tte_err
g_header(void *ctx, char **names, size_t n, bool **secret)
{
    struct got *g = ctx;
    g->header[0] = '\0';
    *secret = calloc(n ? n : 1, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        strcat(g->header, i ? "|" : "");
        strcat(g->header, names[i]);
        (*secret)[i] = strcmp(names[i], "pin") == 0;
    }
    return TTE_OK;
}

static enum tte_err
g_record(void *ctx, const struct record *r)
{
    struct got *g = ctx;
    size_t n = 0;
    const char *raw = r->raw(r->raw_ctx, &n);
    assert_true(g->nrec < MAX);
    if (r->unmatched) {
        g->nunmatched++;
        return TTE_OK;
    }
    char *out = g->rec[g->nrec];
    out[0] = '\0';
    for (size_t i = 0; i < r->nfields; i++) {
        strcat(out, i ? "|" : "");
        strcat(out, r->fields[i]);
        assert_int_equal(strlen(r->fields[i]), r->lens[i]);
    }
    snprintf(g->raw[g->nrec], 200, "%.*s", (int)n, raw);
    g->line[g->nrec++] = r->line;
    return TTE_OK;
}

static enum tte_err
g_reject(void *ctx, size_t line, const char *reason, const char *raw, size_t n)
{
    struct got *g = ctx;
    (void)line;
    (void)raw;
    (void)n;
    snprintf(g->rej[g->nrej++], 160, "%s", reason);
    return TTE_OK;
}

static enum tte_err
g_point(void *ctx, long long off, size_t line)
{
    (void)ctx;
    (void)off;
    (void)line;
    return TTE_OK;
}

static struct source *
load_text(const char *def)
{
    char path[] = "/tmp/tte-lines-XXXXXX.json";
    int fd = mkstemps(path, 5);
    struct source *src = NULL;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, def, strlen(def)), (ssize_t)strlen(def));
    close(fd);
    enum tte_err err = source_load(path, NULL, &src);
    unlink(path);
    return err ? NULL : src;
}

static enum tte_err
read_text(const struct source *src, const char *text, struct got *g)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "rb");
    struct input in;
    struct sink k = {g, g_header, g_record, g_reject, g_point};
    struct lines_dialect d = {src->pattern,     src->pattern_text,
                              src->group_names, src->group_nos,
                              src->ngroups,     src->pairs,
                              src->pair_keys,   src->npair_keys};
    assert_non_null(fp);
    assert_int_equal(input_open(&in, fp, "mem", NULL), TTE_OK);
    enum tte_err err = read_lines(&in, &d, 0, 0, &k);
    input_close(&in);
    fclose(fp);
    return err;
}

static const char lines_def[] =
    "{\"format\": \"lines\", \"pairs\": true,"
    " \"pattern\": \"^(?<time>\\\\S+) (?<host>\\\\S+) esign: SIGN"
    " (?<result>\\\\w+)( unit=(?<unit>\\\\w+))?\","
    " \"fields\": {\"time\": \"time\", \"app\": {\"const\": \"esign\"},"
    "  \"unit\": \"unit\", \"nip\": \"nip\", \"doc_id\": \"doc\","
    "  \"result\": \"result\", \"message\": \"msg\"}}";

static void
test_groups_and_pairs(void **state)
{
    static const char text[] =
        "T1 h1 sshd: Accepted publickey\n"
        "T2 h1 esign: SIGN ok nip=198505222010011003 doc=ESG-1 "
        "msg=\"say \\\"hi\\\" now\" unit=pair\n"
        "\n"
        "T3 h2 esign: SIGN fail unit=Grp doc=\"ESG 2\" pin=1234\n"
        "T4 h2 CRON: run\n";
    struct source *src = load_text(lines_def);
    struct got *g = calloc(1, sizeof *g);
    (void)state;
    assert_non_null(src);
    assert_int_equal(read_text(src, text, g), TTE_OK);
    /* The groups in order, then the other columns the fields name. */
    assert_string_equal(g->header, "time|host|result|unit|nip|doc|msg");
    assert_int_equal(g->nunmatched, 2);
    assert_int_equal(g->nrec, 2);
    /* A pair: unit=pair is not the group (which did not take part): the
     * unit column stays the group's, empty. */
    assert_string_equal(g->rec[0], "T2|h1|ok||198505222010011003|ESG-1|"
                                   "say \"hi\" now");
    assert_int_equal(g->line[0], 2);
    assert_string_equal(g->rec[1], "T3|h2|fail|Grp||ESG 2|");
    assert_int_equal(g->line[1], 4);
    /* A secret pair's value is never in a reject's text. */
    assert_string_equal(g->raw[1], "T3 h2 esign: SIGN fail unit=Grp "
                                   "doc=\"ESG 2\" pin=***");
    source_free(src);
    free(g);
}

static void
test_no_match_is_data_error(void **state)
{
    struct source *src = load_text(lines_def);
    struct got *g = calloc(1, sizeof *g);
    (void)state;
    tte_log_set_level(-1);
    assert_int_equal(read_text(src, "a b c\nd e f\n", g), TTE_E_DATA);
    assert_int_equal(g->nunmatched, 2);
    tte_log_set_level(TTE_LOG_INFO);
    source_free(src);
    free(g);
}

static void
test_cleaning(void **state)
{
    static const char def[] =
        "{\"format\": \"csv\","
        " \"fields\": {\"time\": \"t\", \"app\": {\"const\": \"x\"},"
        "  \"unit\": {\"column\": [\"u1\", \"u2\"]},"
        "  \"nip\": {\"column\": \"nip\", \"remove\": \" .\"},"
        "  \"doc_id\": {\"column\": \"d\", \"replace\": [[\"^esg\\\\s*\","
        "   \"ESG-\"], [\"(\\\\d+)$\", \"<$1>\"]]}}}";
    static char *names[] = {"t", "u1", "u2", "nip", "d"};
    char *fields[] = {"2025-03-07T10:00:00+07:00", "", "Deputi I",
                      "1985 0522.2010 01 1 003", "esg 353"};
    size_t lens[5];
    struct record rec = {
        .line = 2, .fields = fields, .lens = lens, .nfields = 5};
    struct rowcheck rc;
    struct tte_buf trace;
    bool *secret = NULL;
    struct source *src = load_text(def);
    (void)state;
    assert_non_null(src);
    for (size_t i = 0; i < 5; i++)
        lens[i] = strlen(fields[i]);
    rowcheck_init(&rc, src);
    tte_buf_init(&trace);
    rc.trace = &trace;
    assert_int_equal(rowcheck_header(&rc, "mem", names, 5, &secret), TTE_OK);
    free(secret);
    assert_int_equal(rowcheck_record(&rc, &rec), ROW_EVENT);
    assert_string_equal(rc.row[F_UNIT], "Deputi I");
    assert_string_equal(rc.row[F_NIP], "198505222010011003");
    assert_string_equal(rc.row[F_DOC_ID], "ESG-<353>");
    /* The trace: each cleaned field's name and its value before. */
    assert_string_equal(trace.data, "nip");
    assert_string_equal(trace.data + 4, "1985 0522.2010 01 1 003");
    tte_buf_free(&trace);
    rowcheck_free(&rc);
    source_free(src);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_and_pairs),
        cmocka_unit_test(test_no_match_is_data_error),
        cmocka_unit_test(test_cleaning),
    };
    tte_log_init("test");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
