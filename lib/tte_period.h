#ifndef TTE_PERIOD_H
#define TTE_PERIOD_H

#include <stdint.h>

#include "tte_err.h"

/*
 * The report period, worked out once: every stage cuts the same bounds and
 * finds the same rows by the same key, and none redoes the arithmetic.
 */
struct tte_period {
    int year;
    int quarter; /* 0: the whole year */
    /* The key of the period's rows in the database (agg_period, sends,
     * runs): "2025", "2025Q4". */
    char key[16];
    char zone[64]; /* as given: "Asia/Jakarta", "WIB", "+07:00" */
    int offset;    /* the zone's UTC offset, seconds */
    /* [start_utc, end_utc): cut at the zone's local midnight. */
    int64_t start_utc, end_utc;
    /* The first and last local days, YYYY-MM-DD. */
    char first_day[16], last_day[16];
    int first_month, last_month; /* 1-12 */
    /* The default Indonesian name: "Tahun 2025", "Triwulan IV 2025". A
     * template's labels may name it otherwise (tte_period_vars). */
    char label[32];
};

/*
 * Fills p for year (1-9999) and quarter (0 for the year, or 1-4) in zone
 * (see tte_zone_offset). TTE_E_USAGE for a year, quarter or zone out of
 * range; p is then left zeroed.
 */
enum tte_err tte_period_init(struct tte_period *p, int year, int quarter,
                             const char *zone);

#endif
