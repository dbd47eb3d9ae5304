#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "tte_err.h"
#include "tte_text.h"

struct render_opts {
    const char *db_path;
    const char *template_path;
    const char *config_path;
    const char *out;
    int year;
    int quarter;
    int64_t as_of;
    bool unmask_nik;
};

/* template.c: checks a template's structure; errors name the key. */
enum tte_err template_validate(const cJSON *tpl, const char *path);

/* Formats shared by every sheet. */
struct formats {
    lxw_format *title, *section, *note, *warning, *preview, *label;
    lxw_format *header, *text, *count, *total_text, *total_count;
};

struct render {
    sqlite3 *db;
    lxw_workbook *wb;
    const cJSON *tpl;
    const cJSON *config;
    const char *tpl_path;
    struct tte_vars vars;
    struct formats fmt;
    bool preview;
    bool unmask_nik;
    char period[16];
};

/* sheet.c: writes one sheet of the template. */
enum tte_err sheet_write(struct render *r, const cJSON *sheet, int index);

/* cell.c: cell text that is always safe and within Excel's limits. */
char *cell_text(const char *s);
/* Display width of s in characters (longest line). */
size_t cell_width(const char *s);
/* Characters in the longest run of s between sep bytes. */
size_t cell_longest_run(const char *s, char sep);

#endif
