/* The render engine on a small database: row heights for wrapped text,
 * and libxlsxwriter errors that stop the render. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../../render/render.h"
#include "tte_db.h"
#include "tte_log.h"

/* The longest Saran of templates/default.json. */
static const char saran[] =
    "Penandatangan mengulang dengan passphrase yang benar; setelah "
    "beberapa kali gagal, atur ulang passphrase melalui portal BSrE.";

struct fixture {
    char dir[64];
    char db_path[96];
    char out[96];
    sqlite3 *db;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_render.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db_path, sizeof f->db_path, "%s/r.db", f->dir);
    snprintf(f->out, sizeof f->out, "%s/r.xlsx", f->dir);
    if (tte_db_open(f->db_path, false, &f->db))
        return -1;
    if (tte_db_exec(f->db, "INSERT INTO agg_period(period, end_utc)"
                    " VALUES ('2025', 1767200400)"))
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char path[128];
    sqlite3_close(f->db);
    static const char *const files[] = {"r.db", "r.db-wal", "r.db-shm",
                                        "r.xlsx"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, files[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* A template of one sheet with the given blocks (JSON text). */
static cJSON *
sheet_template(const char *header, const char *columns, const char *blocks)
{
    char buf[4096];
    snprintf(buf, sizeof buf,
        "{\"title\": \"T\", \"file_name\": \"a.xlsx\","
        " \"file_name_preview\": \"b.xlsx\", \"header\": \"%s\","
        " \"labels\": {\"months\": [\"Januari\", \"Februari\", \"Maret\","
        "  \"April\", \"Mei\", \"Juni\", \"Juli\", \"Agustus\","
        "  \"September\", \"Oktober\", \"November\", \"Desember\"]},"
        " \"preview\": {\"title\": \"P\", \"mark\": \"M\", \"header\": \"H\"},"
        " \"sheets\": [{\"name\": \"Kendala\", \"columns\": %s,"
        "  \"blocks\": %s}]}", header, columns, blocks);
    cJSON *t = cJSON_Parse(buf);
    assert_non_null(t);
    assert_int_equal(template_validate(t, "test.json"), TTE_OK);
    return t;
}

static enum tte_err
render(struct fixture *f, const cJSON *tpl)
{
    cJSON *config = cJSON_CreateObject();
    struct render r = {.db = f->db, .tpl = tpl, .config = config,
                       .tpl_path = "test.json", .period = "2025",
                       .db_path = f->db_path};
    tte_period_vars(&r.vars, 2025, 0, 7 * 3600, 0,
                    cJSON_GetObjectItemCaseSensitive(tpl, "labels"), config);
    tte_vars_set(&r.vars, "report_title", "T");
    enum tte_err err = render_workbook(&r, f->out);
    tte_vars_free(&r.vars);
    cJSON_Delete(config);
    return err;
}

/* The first sheet's XML of an XLSX (unzip reads it back, independently
 * of libxlsxwriter); the caller frees it. */
static char *
sheet_xml(const char *xlsx)
{
    char cmd[256];
    size_t cap = 1 << 16, got = 0, n;
    char *xml = malloc(cap);
    assert_non_null(xml);
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", xlsx);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    while ((n = fread(xml + got, 1, cap - 1 - got, p)) > 0) {
        got += n;
        if (got == cap - 1) {
            cap *= 2;
            xml = realloc(xml, cap);
            assert_non_null(xml);
        }
    }
    assert_int_equal(pclose(p), 0);
    xml[got] = '\0';
    assert_true(got > 0);
    return xml;
}

/* The height (points) XLSX row n (1-based) declares, 0 when none. */
static double
row_height(const char *xlsx, int n)
{
    char want[32];
    double ht = 0;
    char *xml = sheet_xml(xlsx);
    snprintf(want, sizeof want, "<row r=\"%d\"", n);
    const char *row = strstr(xml, want);
    assert_non_null(row);
    const char *end = strchr(row, '>');
    const char *h = strstr(row, "ht=\"");
    if (h && h < end)
        ht = atof(h + 4);
    free(xml);
    return ht;
}

/* The text between <tag> and </tag> in the first sheet, "" when absent;
 * the caller frees it. */
static char *
sheet_element(const char *xlsx, const char *tag)
{
    char open[64], close[64];
    char *xml = sheet_xml(xlsx), *text;
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(xml, open), *b = a ? strstr(a, close) : NULL;
    if (!a || !b)
        text = strdup("");
    else
        text = strndup(a + strlen(open), (size_t)(b - a - strlen(open)));
    assert_non_null(text);
    free(xml);
    return text;
}

static void
test_long_saran_row_is_tall_enough(void **state)
{
    struct fixture *f = *state;
    char blocks[1024];
    snprintf(blocks, sizeof blocks,
             "[{\"type\": \"table\", \"query\": \"SELECT '2031', '%s'"
             " UNION ALL SELECT '4014', 'Singkat.'\","
             " \"columns\": [{\"header\": \"Kode\"},"
             " {\"header\": \"Saran\"}]}]",
             saran);
    cJSON *tpl =
        sheet_template("", "[{\"width\": 8}, {\"width\": 30}]", blocks);
    assert_int_equal(render(f, tpl), TTE_OK);
    /* Independently of the wrap: Calibri 11 fits at most about 1.25
     * characters per width unit, 15 points a line. */
    double width = 30, chars_per_line = width * 1.25;
    int lines = (int)((strlen(saran) + chars_per_line - 1) / chars_per_line);
    double ht = row_height(f->out, 2);
    assert_true(lines >= 4);
    assert_true(ht >= lines * 15.0);
    /* Not absurdly tall either: at most one line per 20 characters. */
    assert_true(ht <= (strlen(saran) / 20.0 + 1) * 15.0);
    /* The short text keeps the default height. */
    double short_ht = row_height(f->out, 3);
    assert_true(short_ht == 0 || short_ht == 15);
    cJSON_Delete(tpl);
}

static void
test_cell_lines(void **state)
{
    (void)state;
    assert_int_equal(cell_lines("", 10), 1);
    assert_int_equal(cell_lines("Aktif", 10), 1);
    assert_int_equal(cell_lines("a\nb\nc", 60), 3);
    /* A word longer than the column breaks. */
    assert_true(cell_lines("PERJ.2372/BSSN/SU/KJ.01.02/09/2025", 10) >= 3);
    assert_true(cell_lines(saran, 60) >= 2);
    assert_true(cell_lines(saran, 20) > cell_lines(saran, 40));
}

/* More rows than a sheet holds: the render stops before libxlsxwriter
 * would refuse the write, naming the block, with no file left. */
static void
test_too_many_rows_fails(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template("", "[]",
        "[{\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1048576)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"No\","
        " \"format\": \"count\"}]}]");
    assert_int_equal(render(f, tpl), TTE_E_CONFIG);
    assert_int_equal(access(f->out, F_OK), -1);
    cJSON_Delete(tpl);
}

/* A write libxlsxwriter refuses (the total row just past the sheet's
 * last row) stops the render with exit 73 and leaves no file. */
static void
test_refused_write_fails(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template("", "[]",
        "[{\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1048575)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"No\","
        " \"format\": \"count\", \"total\": true}],"
        " \"total_label\": \"Total\", \"total_label_column\": 1}]");
    assert_int_equal(render(f, tpl), TTE_E_CANTCREAT);
    assert_int_equal(access(f->out, F_OK), -1);
    cJSON_Delete(tpl);
}

/* A page header over Excel's 255 characters is cut (with a warning)
 * rather than dropped by libxlsxwriter: the render goes on. */
static void
test_long_header_is_cut(void **state)
{
    struct fixture *f = *state;
    char header[400];
    memset(header, 'x', 300);
    header[300] = '\0';
    cJSON *tpl = sheet_template(header, "[]",
        "[{\"type\": \"note\", \"text\": \"n\"}]");
    assert_int_equal(render(f, tpl), TTE_OK);
    /* What the sheet holds: the first 255 of the 300 'x' (plain ASCII,
     * no '&' to spare), nothing else. */
    char *got = sheet_element(f->out, "oddHeader");
    char want[256];
    memset(want, 'x', 255);
    want[255] = '\0';
    assert_int_equal(strlen(got), 255);
    assert_string_equal(got, want);
    free(got);
    cJSON_Delete(tpl);
}

int
main(void)
{
    tte_log_init("test_render");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_lines),
        cmocka_unit_test_setup_teardown(test_long_saran_row_is_tall_enough,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_rows_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refused_write_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_header_is_cut, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
