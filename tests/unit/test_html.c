/* The HTML output: escaping, Indonesian counts, SVG charts, every block
 * type of the XLSX writer, and a small report rendered from a database
 * with the values written by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../render/html.h"
#include "../../render/html_doc.h"
#include "../../render/render.h"
#include "../../render/sheet.h"
#include "../../render/svg.h"
#include "../../render/template.h"
#include "tte_db.h"
#include "tte_json.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

static char *
escaped(const char *s)
{
    struct tte_buf b;
    tte_buf_init(&b);
    tte_buf_adds(&b, "");
    html_escape(&b, s);
    return b.data;
}

static void
test_escape(void **state)
{
    (void)state;
    char *t = escaped("<script>alert(1)</script>");
    assert_string_equal(t, "&lt;script&gt;alert(1)&lt;/script&gt;");
    free(t);
    t = escaped("\"><img src=x onerror='a&b'>");
    assert_string_equal(t, "&quot;&gt;&lt;img src=x onerror=&#39;a&amp;b"
                           "&#39;&gt;");
    free(t);
    /* Control characters go, as in the XLSX; newlines and UTF-8 stay. */
    t = escaped("a\x01\x1b"
                "b\nc \xe2\x80\x94");
    assert_string_equal(t, "ab\nc \xe2\x80\x94");
    free(t);
    t = escaped(NULL);
    assert_string_equal(t, "");
    free(t);
}

static void
test_count(void **state)
{
    (void)state;
    const struct {
        double n;
        bool sign;
        const char *want;
    } cases[] = {
        {0, false, "0"},
        {7, false, "7"},
        {999, false, "999"},
        {1000, false, "1.000"},
        {1234567, false, "1.234.567"},
        {-4321, false, "-4.321"},
        {100000, false, "100.000"},
        /* A change carries its sign, as "+#,##0;-#,##0;0" shows it. */
        {12, true, "+12"},
        {1234, true, "+1.234"},
        {-3, true, "-3"},
        {0, true, "0"},
        {-0.2, true, "0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tte_buf b;
        tte_buf_init(&b);
        tte_buf_adds(&b, "");
        html_count(&b, cases[i].n, cases[i].sign);
        assert_string_equal(b.data, cases[i].want);
        tte_buf_free(&b);
    }
}

static void
test_svg(void **state)
{
    (void)state;
    const char *cats[] = {"Januari", "<b>Februari</b>"};
    const double ok[] = {1500, 0}, fail[] = {20, 3};
    const double *vals[] = {ok, fail};
    const char *names[] = {"Berhasil", "Gagal"};
    const char *types[] = {"bar", "line", "column"};
    for (size_t i = 0; i < 3; i++) {
        struct svg_chart c = {.type = types[i],
                              .title = "Tren & \"uji\"",
                              .cats = cats,
                              .ncats = 2,
                              .vals = vals,
                              .names = names,
                              .nseries = 2,
                              .width = 480,
                              .height = 288};
        struct tte_buf a, b;
        tte_buf_init(&a);
        tte_buf_init(&b);
        svg_chart(&a, &c);
        svg_chart(&b, &c);
        assert_string_equal(a.data, b.data);
        assert_non_null(strstr(a.data, "<svg xmlns="));
        assert_non_null(strstr(a.data, "Tren &amp; &quot;uji&quot;"));
        assert_non_null(strstr(a.data, "&lt;b&gt;Februari&lt;/b&gt;"));
        assert_null(strstr(a.data, "<b>"));
        assert_non_null(strstr(a.data, "1.500"));
        tte_buf_free(&a);
        tte_buf_free(&b);
    }
}

/* A block type the XLSX writes must not be left out of the HTML. */
static void
test_every_block_type(void **state)
{
    (void)state;
    for (const struct block_type *t = block_types; t->name; t++) {
        const struct html_block *h = html_blocks;
        while (h->name && strcmp(h->name, t->name) != 0)
            h++;
        assert_non_null(h->name);
    }
}

/* --- a report from a database -------------------------------------------- */

static const char tpl_text[] =
    "{\"title\": \"T\", \"file_name\": \"a.xlsx\","
    " \"file_name_preview\": \"b.xlsx\", \"header\": \"&LKiri&RKanan\","
    " \"labels\": {\"empty\": \"Tidak ada data.\", \"months\": [\"Januari\","
    "  \"Februari\", \"Maret\", \"April\", \"Mei\", \"Juni\", \"Juli\","
    "  \"Agustus\", \"September\", \"Oktober\", \"November\","
    "  \"Desember\"]},"
    " \"preview\": {\"title\": \"P\", \"mark\": \"M\", \"header\": \"H\"},"
    " \"sheets\": [{\"name\": \"Uji\", \"blocks\": ["
    "  {\"type\": \"title\", \"text\": \"Judul {year}\"},"
    "  {\"type\": \"note\", \"when\": \"SELECT 0\", \"text\": \"hidden\"},"
    "  {\"type\": \"note\", \"query\": \"SELECT 'Dari kueri ' || :period\"},"
    "  {\"type\": \"warning\", \"when\": \"SELECT 1\","
    "   \"query\": \"SELECT NULL\"},"
    "  {\"type\": \"pairs\", \"rows\": ["
    "    {\"label\": \"Tanggal\", \"query\": \"SELECT '2025-09-10'\","
    "     \"format\": \"date\"},"
    "    {\"label\": \"Jumlah\", \"query\": \"SELECT 12345\","
    "     \"format\": \"count\"},"
    "    {\"label\": \"Tidak\", \"when\": \"SELECT 0\", \"value\": \"x\"},"
    "    {\"label\": \"Pesan\", \"value\": \"NIK 3171010101900001\"}]},"
    "  {\"type\": \"table\", \"query\": \"SELECT 2, '3171010101900001',"
    "   '2025-01-31', 1500, -7 UNION ALL SELECT 3, NULL, NULL, 20, 4\","
    "   \"total_label\": \"Total\", \"columns\": ["
    "    {\"header\": \"Bulan\", \"format\": \"month\"},"
    "    {\"header\": \"NIK\", \"format\": \"nik\"},"
    "    {\"header\": \"Tanggal\", \"format\": \"date\"},"
    "    {\"header\": \"Orang\", \"format\": \"count\","
    "     \"total\": \"SELECT 1510\"},"
    "    {\"header\": \"Perubahan\", \"format\": \"change\","
    "     \"total\": true}],"
    "   \"chart\": [{\"type\": \"column\", \"title\": \"A\","
    "     \"categories\": 0, \"series\": [3]},"
    "    {\"type\": \"line\", \"title\": \"B\", \"categories\": 0,"
    "     \"series\": [4], \"beside\": true}]},"
    "  {\"type\": \"table\", \"plain\": true, \"query\":"
    "   \"SELECT 1 WHERE 0\", \"columns\": [{\"header\": \"Kosong\"}]}"
    " ]}]}";

/* render_small's folder: made by the setup, emptied and removed by the
 * teardown, whether its assertions passed or not. */
static char small_dir[] = "/tmp/test_html.XXXXXX";

static int
small_setup(void **state)
{
    (void)state;
    strcpy(small_dir, "/tmp/test_html.XXXXXX");
    return mkdtemp(small_dir) ? 0 : -1;
}

static int
small_teardown(void **state)
{
    (void)state;
    char path[64];
    const char *const rm[] = {"r.html", "r.db", "r.db-wal", "r.db-shm"};
    for (size_t i = 0; i < sizeof rm / sizeof *rm; i++) {
        snprintf(path, sizeof path, "%s/%s", small_dir, rm[i]);
        unlink(path);
    }
    return rmdir(small_dir);
}

static char *
render_small(void)
{
    char db_path[64], out[64];
    sqlite3 *db;
    char *data = NULL;
    size_t len;

    snprintf(db_path, sizeof db_path, "%s/r.db", small_dir);
    snprintf(out, sizeof out, "%s/r.html", small_dir);
    assert_int_equal(tte_db_open(db_path, false, &db), TTE_OK);
    assert_int_equal(tte_db_exec(db, "INSERT INTO agg_period(period,"
                                     " end_utc) VALUES ('2025', 1767200400)"),
                     TTE_OK);
    cJSON *tpl = cJSON_Parse(tpl_text);
    assert_non_null(tpl);
    assert_int_equal(template_validate(tpl, "test.json"), TTE_OK);
    cJSON *config = cJSON_CreateObject();
    struct render r = {.db = db,
                       .tpl = tpl,
                       .config = config,
                       .tpl_path = "test.json",
                       .db_path = db_path};
    assert_int_equal(tte_period_init(&r.period, 2025, 0, "WIB"), TTE_OK);
    tte_period_vars(&r.vars, &r.period, 0,
                    cJSON_GetObjectItemCaseSensitive(tpl, "labels"), config);
    tte_vars_set(&r.vars, "report_title", "Laporan <1>");
    assert_int_equal(render_html(&r, out), TTE_OK);
    assert_int_equal(tte_read_file(out, &data, &len), TTE_OK);
    tte_vars_free(&r.vars);
    cJSON_Delete(config);
    cJSON_Delete(tpl);
    sqlite3_close(db);
    return data;
}

static void
test_small_report(void **state)
{
    (void)state;
    char *h = render_small();
    static const char *const want[] = {
        "<title>Laporan &lt;1&gt;</title>",
        "<header class=\"doc\"><p>Kiri \xc2\xb7 Kanan</p></header>",
        "<h3 class=\"title\">Judul 2025</h3>",
        "<p class=\"note\">Dari kueri 2025</p>",
        "<th scope=\"row\">Tanggal</th><td class=\"t\">10 September 2025</td>",
        "<th scope=\"row\">Jumlah</th><td class=\"n\">12.345</td>",
        /* A NIK in any text is masked, as in every XLSX cell. */
        "<td class=\"t\">NIK 3171\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
        "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
        "0001</td>",
        /* Each cell named by its column, for a phone's card layout. */
        "<tr><td class=\"t\" data-label=\"Bulan\">Februari</td>"
        "<td class=\"t nik\" data-label=\"NIK\">3171\xe2\x80\xa2",
        "<td class=\"t\" data-label=\"Tanggal\">31 Januari 2025</td>"
        "<td class=\"n\" data-label=\"Orang\">1.500</td>"
        "<td class=\"n\" data-label=\"Perubahan\">-7</td></tr>",
        "<tr><td class=\"t\" data-label=\"Bulan\">Maret</td>"
        "<td data-label=\"NIK\"></td><td data-label=\"Tanggal\"></td>"
        "<td class=\"n\" data-label=\"Orang\">20</td>"
        "<td class=\"n\" data-label=\"Perubahan\">+4</td></tr>",
        /* The total: a query's own for a count that does not add up, the
         * sum for a change, signed. */
        "<tr class=\"total\"><td class=\"t\">Total</td><td></td><td></td>"
        "<td class=\"n\">1.510</td><td class=\"n\">-3</td></tr>",
        /* A table without rows: its line, no header. */
        "<p class=\"note empty\">Tidak ada data.</p>",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(h, want[i]))
            fail_msg("missing: %s", want[i]);
    }
    /* when 0 leaves a block or a row out; a query's NULL text too. */
    assert_null(strstr(h, "hidden"));
    assert_null(strstr(h, ">Kosong<"));
    assert_null(strstr(h, ">Tidak<"));
    assert_null(strstr(h, "class=\"warning\""));
    assert_null(strstr(h, "3171010101900001"));
    /* Two charts, the second beside the first, in one row. */
    const char *c = strstr(h, "<div class=\"charts\">");
    assert_non_null(c);
    assert_non_null(strstr(c, "aria-label=\"A\""));
    assert_non_null(strstr(c, "aria-label=\"B\""));
    assert_null(strstr(c + 1, "<div class=\"charts\">"));
    assert_null(strstr(h, "<script"));
    free(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_every_block_type),
        cmocka_unit_test_setup_teardown(test_small_report, small_setup,
                                        small_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
