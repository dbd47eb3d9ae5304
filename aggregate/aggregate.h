#ifndef AGGREGATE_H
#define AGGREGATE_H

#include <sqlite3.h>

#include "tte_err.h"
#include "tte_period.h"

/*
 * Rebuilds the summary tables (agg_*) of period p in one transaction:
 * a re-run replaces, never adds. *events receives the period's event count.
 */
enum tte_err aggregate_period(sqlite3 *db, const struct tte_period *p,
                              long long *events);

/* previous.c: last year's same period, month by month, from the events
 * (agg_prev_month); runs inside aggregate_period's transaction. */
enum tte_err aggregate_previous(sqlite3 *db, const struct tte_period *p);

#endif
