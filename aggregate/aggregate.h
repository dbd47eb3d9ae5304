#ifndef AGGREGATE_H
#define AGGREGATE_H

#include <sqlite3.h>

#include "tte_err.h"

struct period {
    int year;
    int quarter; /* 0: the whole year */
    const char *zone;
    int offset; /* zone's UTC offset, seconds */
};

/*
 * Rebuilds the summary tables (agg_*) of period p in one transaction:
 * a re-run replaces, never adds. *events receives the period's event count.
 */
enum tte_err aggregate_period(sqlite3 *db, const struct period *p,
                              long long *events);

/* previous.c: last year's same period, month by month, from the events
 * (agg_prev_month); runs inside aggregate_period's transaction. */
enum tte_err aggregate_previous(sqlite3 *db, const struct period *p);

#endif
