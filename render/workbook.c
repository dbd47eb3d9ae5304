/* The workbook: formats, properties, the template's sheets, atomic output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "render.h"
#include "setup.h"
#include "sheet.h"
#include "sheet_cell.h"
#include "tte_db.h"
#include "tte_hash.h"
#include "tte_json.h"
#include "tte_log.h"
#include "workbook.h"

#define COUNT_FORMAT "[$-421]#,##0"
#define CHANGE_FORMAT "[$-421]+#,##0;-#,##0;0"

static lxw_format *
new_format(lxw_workbook *wb, bool bold, double size, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    /* NULL when libxlsxwriter ran out of memory; its setters do not take
     * it. */
    if (!f)
        return NULL;
    format_set_font_name(f, "Calibri");
    if (bold)
        format_set_bold(f);
    if (size > 0)
        format_set_font_size(f, size);
    if (num)
        format_set_num_format(f, num);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static enum tte_err
formats_init(struct render *r)
{
    struct formats *f = &r->fmt;
    lxw_workbook *wb = r->wb;

    /* Thousands grouping in the Indonesian locale (LCID 0x421), whatever
     * the reader's own: LibreOffice and Excel both show "2.821". A change
     * against last year carries its sign. */
    if (!(f->title = new_format(wb, true, 14, NULL)) ||
        !(f->section = new_format(wb, true, 11, NULL)) ||
        !(f->note = new_format(wb, false, 0, NULL)) ||
        !(f->warning = new_format(wb, true, 0, NULL)) ||
        !(f->preview = new_format(wb, true, 12, NULL)) ||
        !(f->label = new_format(wb, false, 0, NULL)) ||
        !(f->header = new_format(wb, true, 0, NULL)) ||
        !(f->text = new_format(wb, false, 0, NULL)) ||
        !(f->count = new_format(wb, false, 0, COUNT_FORMAT)) ||
        !(f->total_text = new_format(wb, true, 0, NULL)) ||
        !(f->total_count = new_format(wb, true, 0, COUNT_FORMAT)) ||
        !(f->change = new_format(wb, false, 0, CHANGE_FORMAT)) ||
        !(f->missing = new_format(wb, true, 0, NULL)) ||
        !(f->total_change = new_format(wb, true, 0, CHANGE_FORMAT))) {
        log_err("%s: workbook_add_format: %s", r->tpl_path,
                lxw_strerror(LXW_ERROR_MEMORY_MALLOC_FAILED));
        return TTE_E_SOFTWARE;
    }
    format_set_italic(f->note);
    format_set_font_color(f->warning, LXW_COLOR_RED);
    format_set_font_color(f->preview, 0x9C0006);
    format_set_bg_color(f->preview, 0xFFC7CE);
    /* Prose is merged across the sheet and wraps inside it. */
    lxw_format *prose[] = {f->title, f->section, f->note, f->warning,
                           f->preview};
    for (size_t i = 0; i < sizeof prose / sizeof prose[0]; i++)
        format_set_text_wrap(prose[i]);
    format_set_text_wrap(f->label);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_text_wrap(f->header);
    format_set_border(f->text, LXW_BORDER_THIN);
    format_set_text_wrap(f->text);
    format_set_border(f->count, LXW_BORDER_THIN);
    format_set_border(f->total_text, LXW_BORDER_THIN);
    format_set_top(f->total_text, LXW_BORDER_DOUBLE);
    format_set_border(f->total_count, LXW_BORDER_THIN);
    format_set_top(f->total_count, LXW_BORDER_DOUBLE);
    format_set_border(f->change, LXW_BORDER_THIN);
    format_set_font_color(f->missing, LXW_COLOR_RED);
    format_set_border(f->missing, LXW_BORDER_THIN);
    format_set_text_wrap(f->missing);
    format_set_border(f->total_change, LXW_BORDER_THIN);
    format_set_top(f->total_change, LXW_BORDER_DOUBLE);
    return TTE_OK;
}

static enum tte_err
set_properties(struct render *r, int64_t period_end)
{
    char *title = tte_expand(tte_vars_get(&r->vars, "report_title"), &r->vars,
                             r->config);
    char *subject = tte_expand(tte_json_str(r->tpl, "subject", ""), &r->vars,
                               r->config);
    const char *agency = tte_json_str(r->config, "agency.name", "");
    /* Properties are XML too: the same cleaning as a cell. */
    char *t = cell_text(title), *sub = cell_text(subject);
    char *a = cell_text(agency);
    lxw_doc_properties p = {
        .title = t,
        .subject = sub,
        .author = a,
        .company = a,
        .created = (time_t)(period_end - 1),
    };
    lxw_error e = workbook_set_properties(r->wb, &p);
    free(title);
    free(subject);
    free(t);
    free(sub);
    free(a);
    if (e) {
        log_err("%s: workbook_set_properties: %s", r->tpl_path,
                lxw_strerror(e));
        return render_lxw_err(e);
    }
    return TTE_OK;
}

/* Creates the temporary file ourselves, 0600 and new, so that a folder
 * we cannot write is our message, not libxlsxwriter's. */
static enum tte_err
create_tmp(const char *tmp, const char *out)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_err("cannot create '%s': %s", out, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    close(fd);
    return TTE_OK;
}

/* libxlsxwriter prints its own "[ERROR] ..." lines to stderr; the user
 * gets ours, with the file name and the reason, instead. */
static lxw_error
close_quietly(lxw_workbook *wb, int *saved_errno)
{
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int saved = dup(STDERR_FILENO);
    fflush(stderr);
    if (null >= 0 && saved >= 0)
        dup2(null, STDERR_FILENO);
    errno = 0;
    lxw_error lerr = workbook_close(wb);
    *saved_errno = errno;
    fflush(stderr);
    if (null >= 0 && saved >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return lerr;
}

/* Records the file in renders by content: tte-send knows a report by its
 * SHA-256, not by its name. */
static enum tte_err
record_render(const struct render *r, const char *tmp, const char *out)
{
    char *data = NULL, sha[65];
    size_t len = 0;
    sqlite3 *db = NULL;
    enum tte_err err = tte_read_file(tmp, &data, &len);
    if (err)
        return TTE_E_CANTCREAT;
    tte_sha256_hex(data, len, sha);
    free(data);
    err = tte_db_open(r->db_path, false, &db);
    sqlite3_stmt *st =
        err ? NULL
            : tte_db_prepare(
                  db,
                  "INSERT INTO renders(sha256, period, year, quarter, kind, template,"
                  " path, size, rendered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                  " ?9)");
    if (!err && !st)
        err = TTE_E_IO;
    if (st) {
        sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->period.key, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->period.year);
        sqlite3_bind_int(st, 4, r->period.quarter);
        sqlite3_bind_text(st, 5, r->preview ? "preview" : "final", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->tpl_path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, out, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)len);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)time(NULL));
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = tte_db_err(db, rc);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    if (err)
        log_err("cannot record '%s' in the database; without the record "
                "tte-send refuses it",
                out);
    return err;
}

enum tte_err
render_workbook(struct render *r, const char *out)
{
    char tmp[4096];
    enum tte_err err = render_begin(r);
    const cJSON *sheet;
    int i = 0;

    if (err)
        return err;
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
    err = create_tmp(tmp, out);
    if (err)
        return err;
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    r->wb = workbook_new_opt(tmp, &opt);
    if (!r->wb) {
        log_err("cannot create '%s': %s", out, strerror(errno));
        unlink(tmp);
        return TTE_E_CANTCREAT;
    }
    err = formats_init(r);
    if (!err)
        err = set_properties(r, r->period_end);
    cJSON_ArrayForEach (sheet,
                        cJSON_GetObjectItemCaseSensitive(r->tpl, "sheets")) {
        if (err)
            break;
        err = sheet_write(r, sheet, i++);
    }
    int close_errno = 0;
    lxw_error lerr = close_quietly(r->wb, &close_errno);
    r->wb = NULL;
    if (!err && lerr) {
        log_err("cannot write '%s': %s%s%s", out, lxw_strerror(lerr),
                close_errno ? ": " : "",
                close_errno ? strerror(close_errno) : "");
        err = render_lxw_err(lerr);
    }
    if (err && r->timed_out)
        err = TTE_E_CONFIG;
    if (!err)
        err = record_render(r, tmp, out);
    if (!err && rename(tmp, out) != 0) {
        log_err("cannot create '%s': %s", out, strerror(errno));
        err = TTE_E_CANTCREAT;
    }
    if (err)
        unlink(tmp);
    return err;
}
