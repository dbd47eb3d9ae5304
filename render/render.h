/*
 * What the files of tte-render share: the options, the workbook's formats
 * and the render under way. Types only; each file's functions are in the
 * header named for it.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <xlsxwriter.h>

#include "tte_period.h"
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
    bool html;   /* --format html, or an .html output */
    int summary; /* print the summary: 1, 0, -1 undecided */
};

/* Formats shared by every sheet. */
struct formats {
    lxw_format *title, *section, *note, *warning, *preview, *label;
    lxw_format *header, *text, *count, *total_text, *total_count;
    lxw_format *change, *total_change;
    lxw_format *missing; /* a value still to be filled in */
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
    int64_t as_of;
    int64_t period_end; /* UTC end of the period (exclusive) */
    struct tte_period period;
    const char *db_path; /* to record the file written (renders) */
    double deadline;     /* monotonic seconds; queries stop after */
    int budget_s;
    bool timed_out;
    char as_of_day[16]; /* --as-of's day in the zone, for :as_of */
};

#endif
