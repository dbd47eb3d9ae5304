/* The render engine on a small database: row heights for wrapped text,
 * and libxlsxwriter errors that stop the render. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "../../render/cell.h"
#include "../../render/render.h"
#include "../../render/template.h"
#include "../../render/workbook.h"
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

/* The text of a template of one sheet with the given blocks (JSON). */
static void
template_text(char *buf, size_t n, const char *header, const char *columns,
              const char *blocks)
{
    snprintf(
        buf, n,
        "{\"title\": \"T\", \"file_name\": \"a.xlsx\","
        " \"file_name_preview\": \"b.xlsx\", \"header\": \"%s\","
        " \"labels\": {\"months\": [\"Januari\", \"Februari\", \"Maret\","
        "  \"April\", \"Mei\", \"Juni\", \"Juli\", \"Agustus\","
        "  \"September\", \"Oktober\", \"November\", \"Desember\"]},"
        " \"preview\": {\"title\": \"P\", \"mark\": \"M\", \"header\": \"H\"},"
        " \"sheets\": [{\"name\": \"Kendala\", \"columns\": %s,"
        "  \"blocks\": %s}]}",
        header, columns, blocks);
}

/* A template of one sheet with the given blocks (JSON text). */
static cJSON *
sheet_template(const char *header, const char *columns, const char *blocks)
{
    char buf[4096];
    template_text(buf, sizeof buf, header, columns, blocks);
    cJSON *t = cJSON_Parse(buf);
    assert_non_null(t);
    assert_int_equal(template_validate(t, "test.json"), TTE_OK);
    return t;
}

/* template_validate's verdict on a template of one table whose only
 * column is col. */
static enum tte_err
column_verdict(const char *col)
{
    char blocks[512], buf[4096];
    snprintf(blocks, sizeof blocks,
             "[{\"type\": \"table\", \"query\": \"SELECT 1\","
             " \"columns\": [%s]}]",
             col);
    template_text(buf, sizeof buf, "", "[]", blocks);
    cJSON *t = cJSON_Parse(buf);
    assert_non_null(t);
    enum tte_err err = template_validate(t, "test.json");
    cJSON_Delete(t);
    return err;
}

static enum tte_err
render(struct fixture *f, const cJSON *tpl)
{
    cJSON *config = cJSON_CreateObject();
    struct render r = {.db = f->db,
                       .tpl = tpl,
                       .config = config,
                       .tpl_path = "test.json",
                       .db_path = f->db_path};
    assert_int_equal(tte_period_init(&r.period, 2025, 0, "WIB"), TTE_OK);
    tte_period_vars(&r.vars, &r.period, 0,
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
    cJSON *tpl = sheet_template("", "[{\"width\": 8}, {\"width\": 30}]",
                                blocks);
    assert_int_equal(render(f, tpl), TTE_OK);
    /* Independently of the wrap: LibreOffice set this text on 4 lines
     * in a column 30 wide (measured, see test_cell_lines), and a line
     * of Calibri or Carlito at 11 points takes 1.22 em (13.4 points). */
    double ht = row_height(f->out, 2);
    assert_true(ht >= 4 * 13.4);
    /* No more than its lines and a point or two. */
    assert_true(ht <= 4 * 13.43 + 2);
    /* The short text keeps the default height. */
    double short_ht = row_height(f->out, 3);
    assert_true(short_ht == 0 || short_ht == 15);
    cJSON_Delete(tpl);
}

/*
 * Line counts LibreOffice 7 gave with Carlito 11 in columns 10, 13, 20
 * and 30 units wide (a workbook with these texts converted to PDF, the
 * lines counted with pdftotext -bbox): the wrap must match them.
 */
static const struct {
    const char *text;
    int lines[4];
} measured[] = {
    {"Ajukan pembaruan sebelum masa berlaku berakhir", {6, 4, 3, 2}},
    {"Deputi Bidang Pengkajian dan Materi", {4, 3, 2, 1}},
    {"Status Dicabut (REVOKE) per tanggal data; tanggal pencabutan tidak "
     "tercatat - periksa",
     {10, 7, 4, 3}},
};
static const double measured_width[4] = {10, 13, 20, 30};

static void
test_cell_lines_one_line(void **state)
{
    (void)state;
    assert_int_equal(cell_lines("", 10), 1);
    assert_int_equal(cell_lines("Aktif", 10), 1);
    /* LibreOffice fits 9 'n' on a line of a column 9.29 wide, not 10. */
    assert_int_equal(cell_lines("nnnnnnnnn", 9.29), 1);
    assert_int_equal(cell_lines("nnnnnnnnnn", 9.29), 2);
    /* and 37 in a column 39.29 wide, not 38 */
    char n37[40];
    memset(n37, 'n', 37);
    n37[37] = '\0';
    assert_int_equal(cell_lines(n37, 39.29), 1);
    assert_true(fabs(cell_row_height(1, 11) - 15.0) < 0.01);
}

static void
test_cell_lines_long_word(void **state)
{
    (void)state;
    /* A word wider than the column breaks between characters: 30 'n'
     * at 9 a line (as LibreOffice) are 4 lines. */
    char n30[31];
    memset(n30, 'n', 30);
    n30[30] = '\0';
    assert_int_equal(cell_lines(n30, 9.29), 4);
    assert_true(cell_lines("PERJ.2372/BSSN/SU/KJ.01.02/09/2025", 10) >= 3);
}

static void
test_cell_lines_five(void **state)
{
    (void)state;
    assert_int_equal(cell_lines("a\nb\nc\nd\ne", 60), 5);
    /* Five words that each fill a line. */
    assert_int_equal(cell_lines("nnnnnnnnn nnnnnnnnn nnnnnnnnn nnnnnnnnn "
                                "nnnnnnnnn",
                                9.29),
                     5);
    /* Five lines are 5 x 1.22 em and the padding, not 90 points. */
    double h = cell_row_height(5, 11);
    assert_true(h >= 5 * 13.4 && h <= 5 * 13.43 + 2);
}

static void
test_cell_lines_indonesian(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof measured / sizeof measured[0]; i++)
        for (size_t w = 0; w < 4; w++)
            assert_int_equal(cell_lines(measured[i].text, measured_width[w]),
                             measured[i].lines[w]);
    assert_int_equal(cell_lines(saran, 30), 4);
    assert_true(cell_lines(saran, 20) > cell_lines(saran, 40));
}

/* An "optional" column empty on every row is not printed: the next
 * column takes its place. */
static void
test_optional_column_hidden(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"table\", \"query\": \"SELECT 'a', '', 'b'"
        " UNION ALL SELECT 'c', NULL, 'd'\", \"columns\": ["
        " {\"header\": \"Satu\"}, {\"header\": \"Catatan\","
        " \"optional\": true}, {\"header\": \"Dua\"}]}]");
    assert_int_equal(render(f, tpl), TTE_OK);
    char *x = sheet_xml(f->out);
    assert_null(strstr(x, "Catatan"));
    assert_non_null(strstr(x, "<c r=\"B1\""));
    assert_true(strstr(x, "Dua") > strstr(x, "<c r=\"B1\""));
    assert_null(strstr(x, "<c r=\"C1\""));
    free(x);
    cJSON_Delete(tpl);
}

/* A column with "span" takes several sheet columns, merged, header and
 * rows; the columns after it move right. A span on a number column, or
 * one that is not a whole number from 1 to 16, is a template error. */
static void
test_span_merged(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"table\", \"query\": \"SELECT 'a', 1, 2\","
        " \"columns\": [{\"header\": \"Satu\"}, {\"header\": \"Dua\","
        " \"format\": \"count\"}, {\"header\": \"Tiga\", \"format\":"
        " \"count\"}]}, {\"type\": \"table\", \"query\": \"SELECT 'k',"
        " 'teks yang panjang sekali', 'z' UNION ALL SELECT 'l', NULL, 'y'\","
        " \"columns\": [{\"header\": \"Kode\"}, {\"header\":"
        " \"Keterangan\", \"span\": 2}, {\"header\": \"Akhir\"}]}]");
    assert_int_equal(render(f, tpl), TTE_OK);
    char *x = sheet_xml(f->out);
    /* rows 1-2 the first table, 3-5 the second's header and rows */
    assert_non_null(strstr(x, "<mergeCell ref=\"B3:C3\"/>"));
    assert_non_null(strstr(x, "<mergeCell ref=\"B4:C4\"/>"));
    assert_non_null(strstr(x, "<mergeCell ref=\"B5:C5\"/>"));
    assert_non_null(strstr(x, "<c r=\"D4\""));
    free(x);
    cJSON_Delete(tpl);

    static const char *const bad[] = {
        "{\"header\": \"N\", \"format\": \"count\", \"span\": 2}",
        "{\"header\": \"N\", \"span\": 0}",
        "{\"header\": \"N\", \"span\": 17}",
        "{\"header\": \"N\", \"span\": 1.5}",
        "{\"header\": \"N\", \"span\": \"2\"}",
        "{\"header\": \"N\", \"span\": 1e300}",
    };
    assert_int_equal(column_verdict("{\"header\": \"N\", \"span\": 16}"),
                     TTE_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(column_verdict(bad[i]), TTE_E_CONFIG);
}

/* A table without rows: one line under its heading, no header row. */
static void
test_empty_table_one_line(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"section\", \"text\": \"Bagian\"},"
        " {\"type\": \"table\", \"query\": \"SELECT 1 WHERE 0\","
        " \"empty\": \"Tidak ada apa pun pada periode ini.\","
        " \"columns\": [{\"header\": \"Kosong\"}]}]");
    assert_int_equal(render(f, tpl), TTE_OK);
    char *x = sheet_xml(f->out);
    assert_null(strstr(x, "Kosong"));
    assert_non_null(strstr(x, "Tidak ada apa pun pada periode ini."));
    /* directly under the heading */
    assert_true(strstr(x, "Tidak ada apa pun") > strstr(x, "<row r=\"2\""));
    assert_null(strstr(x, "<row r=\"3\""));
    free(x);
    cJSON_Delete(tpl);
}

/* A heading that falls at a page's foot goes to the next page with its
 * note and its table's header and first row: one-line rows of 15 points,
 * 697 points to a portrait page (842 less the margins, 5 % kept free),
 * so after a header and 43 rows (660 points) the heading, the note and
 * the table's first 30 points (720) do not fit; the page breaks above
 * the heading (row 44), not above the table. */
static void
test_heading_stays_with_table(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 43)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"No\","
        " \"format\": \"count\"}]},"
        " {\"type\": \"section\", \"text\": \"Bagian\"},"
        " {\"type\": \"note\", \"text\": \"Catatan.\"},"
        " {\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"Nomor\","
        " \"format\": \"count\"}]}]");
    assert_int_equal(render(f, tpl), TTE_OK);
    char *x = sheet_xml(f->out);
    assert_non_null(strstr(x, "<brk id=\"44\""));
    assert_null(strstr(x, "<brk id=\"46\""));
    free(x);
    cJSON_Delete(tpl);
}

/* More rows than a sheet holds: the render stops before libxlsxwriter
 * would refuse the write, naming the block, with no file left. */
static void
test_too_many_rows_fails(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1048576)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"No\","
        " \"format\": \"count\"}]}]");
    assert_int_equal(render(f, tpl), TTE_E_CONFIG);
    assert_int_equal(access(f->out, F_OK), -1);
    cJSON_Delete(tpl);
}

/* A write libxlsxwriter refuses (the total row just past the sheet's
 * last row) stops the render with exit 70 and leaves no file. */
static void
test_refused_write_fails(void **state)
{
    struct fixture *f = *state;
    cJSON *tpl = sheet_template(
        "", "[]",
        "[{\"type\": \"table\", \"query\": \"WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1048575)"
        " SELECT i FROM n\", \"columns\": [{\"header\": \"No\","
        " \"format\": \"count\", \"total\": true}],"
        " \"total_label\": \"Total\", \"total_label_column\": 1}]");
    assert_int_equal(render(f, tpl), TTE_E_SOFTWARE);
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
        cmocka_unit_test(test_cell_lines_one_line),
        cmocka_unit_test(test_cell_lines_long_word),
        cmocka_unit_test(test_cell_lines_five),
        cmocka_unit_test(test_cell_lines_indonesian),
        cmocka_unit_test_setup_teardown(test_span_merged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optional_column_hidden, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_table_one_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_heading_stays_with_table, setup,
                                        teardown),
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
