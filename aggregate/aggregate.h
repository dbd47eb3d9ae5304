#ifndef AGGREGATE_H
#define AGGREGATE_H

#include <sqlite3.h>

#include "tte_err.h"

struct period {
    int year;
    int quarter;            /* 0: the whole year */
    const char *zone;
    int offset;             /* zone's UTC offset, seconds */
};

/* "2025" or "2025Q3" into out[8]. */
void period_name(const struct period *p, char out[16]);

/*
 * Rebuilds the summary tables (agg_*) of period p in one transaction:
 * a re-run replaces, never adds. *events receives the period's event count.
 */
enum tte_err aggregate_period(sqlite3 *db, const struct period *p,
                              long long *events);

#endif
