#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "tte_err.h"

struct report_opts {
    const char *config_path;
    const char *db_path;
    int year;
    int quarter;
    bool send;
    bool force_send;
    bool quiet;
    int verbose;
};

/* lock.c: one run per database, by flock(2) on DB.lock. On contention
 * logs the holder's PID and returns TTE_E_TEMPFAIL. */
enum tte_err lock_acquire(const char *db_path, int *fd);
void lock_release(int fd);

/* stages.c: runs a sibling program (bin/tte-NAME beside this one, else
 * PATH) with argv; returns its exit status (or 70 when it cannot run). */
int stage_run(const char *name, char *const argv[]);

#endif
