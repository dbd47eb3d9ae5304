#ifndef BATCH_H
#define BATCH_H

#include <time.h>

#include "report.h"
#include "tte_period.h"

/* One run of the chain for one period. */
struct batch {
    const struct report_opts *opts;
    const cJSON *config;
    const char *config_path;
    const char *db;
    const char *template_path;
    char report[4096];        /* output_dir/file name */
    char html[4096];          /* the HTML beside it, or "" */
    struct tte_period period; /* in the configuration's zone */
    char stage[64];           /* the stage running, or that failed */
    sqlite3 *db_handle;
    long long run_id;
    time_t started;
    int sources;
    long long events, rejected;
};

/* Runs the chain; returns 0 or the failing stage's exit status. */
int batch_run(struct batch *b);

/* Prints the period's key figures and warnings to stderr (tte_summary). */
void batch_summary(const struct batch *b);

#endif
