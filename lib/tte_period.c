#include <stdio.h>
#include <string.h>

#include "tte_period.h"
#include "tte_time.h"

/* The [start, end) UTC bounds of a year, or of quarter q (1-4) when q > 0,
 * cut at local midnight of the zone. */
static void
period_bounds(int year, int quarter, int offset, int64_t *start, int64_t *end)
{
    if (quarter >= 1 && quarter <= 4) {
        int m0 = (quarter - 1) * 3 + 1;
        *start = tte_local_midnight(year, m0, 1, offset);
        *end = quarter == 4 ? tte_local_midnight(year + 1, 1, 1, offset)
                            : tte_local_midnight(year, m0 + 3, 1, offset);
    } else {
        *start = tte_local_midnight(year, 1, 1, offset);
        *end = tte_local_midnight(year + 1, 1, 1, offset);
    }
}

static void
period_key(int year, int quarter, char out[16])
{
    if (quarter)
        snprintf(out, 16, "%04dQ%d", year % 10000, quarter % 10);
    else
        snprintf(out, 16, "%04d", year % 10000);
}

static void
format_day(int64_t t, int offset, char out[16])
{
    int y, m, d, h, mi, s;
    tte_local_fields(t, offset, &y, &m, &d, &h, &mi, &s);
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

enum tte_err
tte_period_init(struct tte_period *p, int year, int quarter, const char *zone)
{
    static const char *const roman[] = {"I", "II", "III", "IV"};
    int offset;

    memset(p, 0, sizeof *p);
    if (year < 1 || year > 9999 || quarter < 0 || quarter > 4 || !zone ||
        strlen(zone) >= sizeof p->zone || !tte_zone_offset(zone, &offset))
        return TTE_E_USAGE;
    p->year = year;
    p->quarter = quarter;
    period_key(year, quarter, p->key);
    memcpy(p->zone, zone, strlen(zone) + 1);
    p->offset = offset;
    period_bounds(year, quarter, offset, &p->start_utc, &p->end_utc);
    format_day(p->start_utc, offset, p->first_day);
    format_day(p->end_utc - 1, offset, p->last_day);
    p->first_month = quarter ? (quarter - 1) * 3 + 1 : 1;
    p->last_month = quarter ? p->first_month + 2 : 12;
    if (quarter)
        snprintf(p->label, sizeof p->label, "Triwulan %s %04d",
                 roman[quarter - 1], year);
    else
        snprintf(p->label, sizeof p->label, "Tahun %04d", year);
    return TTE_OK;
}
