/*
 * LD_PRELOAD shim for tests: the libxlsxwriter call named by FAIL_LXW
 * fails, as it would when libxlsxwriter runs out of memory or cannot write
 * its files. FAIL_LXW=NAME fails the first call, NAME:N the Nth; every
 * other call goes to libxlsxwriter. Only calls from the program count:
 * libxlsxwriter calls some of these itself (workbook_new adds a format,
 * worksheet_merge_range writes its string), and failing those tests
 * libxlsxwriter, not tte-render. A failed write leaves its cell empty,
 * which is what tte-render must not let pass as a report.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* Whether this call of NAME, made from CALLER, is the one FAIL_LXW
 * names. */
static int
fails_from(const char *name, const void *caller)
{
    static unsigned long seen;
    const char *want = getenv("FAIL_LXW");
    size_t n = strlen(name);
    Dl_info at;
    if (!want || strncmp(want, name, n) != 0 ||
        (want[n] != '\0' && want[n] != ':'))
        return 0;
    if (dladdr(caller, &at) && at.dli_fname &&
        strstr(at.dli_fname, "libxlsxwriter"))
        return 0;
    unsigned long nth = want[n] == ':' ? strtoul(want + n + 1, NULL, 10) : 1;
    return ++seen == nth;
}

#define fails(name) fails_from(name, __builtin_return_address(0))
#define REAL(name) ((name##_fn)dlsym(RTLD_NEXT, #name))

typedef lxw_error (*worksheet_write_string_fn)(lxw_worksheet *, lxw_row_t,
                                               lxw_col_t, const char *,
                                               lxw_format *);
lxw_error
worksheet_write_string(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                       const char *s, lxw_format *f)
{
    if (fails("worksheet_write_string"))
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    return REAL(worksheet_write_string)(ws, row, col, s, f);
}

typedef lxw_error (*worksheet_write_number_fn)(lxw_worksheet *, lxw_row_t,
                                               lxw_col_t, double,
                                               lxw_format *);
lxw_error
worksheet_write_number(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                       double v, lxw_format *f)
{
    if (fails("worksheet_write_number"))
        return LXW_ERROR_CREATING_TMPFILE;
    return REAL(worksheet_write_number)(ws, row, col, v, f);
}

typedef lxw_error (*worksheet_insert_chart_opt_fn)(lxw_worksheet *, lxw_row_t,
                                                   lxw_col_t, lxw_chart *,
                                                   lxw_chart_options *);
lxw_error
worksheet_insert_chart_opt(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                           lxw_chart *chart, lxw_chart_options *opt)
{
    if (fails("worksheet_insert_chart_opt"))
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    return REAL(worksheet_insert_chart_opt)(ws, row, col, chart, opt);
}

typedef lxw_format *(*workbook_add_format_fn)(lxw_workbook *);
lxw_format *
workbook_add_format(lxw_workbook *wb)
{
    if (fails("workbook_add_format"))
        return NULL;
    return REAL(workbook_add_format)(wb);
}

/* The workbook is written whole, then its close reports an error: what a
 * full disk at the zip's last write looks like. */
typedef lxw_error (*workbook_close_fn)(lxw_workbook *);
lxw_error
workbook_close(lxw_workbook *wb)
{
    lxw_error e = REAL(workbook_close)(wb);
    if (fails("workbook_close"))
        return LXW_ERROR_ZIP_CLOSE;
    return e;
}
