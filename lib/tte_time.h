#ifndef TTE_TIME_H
#define TTE_TIME_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Time without tzdata. Indonesia has no daylight saving, so a zone is just
 * a fixed offset: WIB +7, WITA +8, WIT +9. Instants are int64 UTC seconds.
 */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t tte_days_from_civil(int y, int m, int d);
void tte_civil_from_days(int64_t z, int *y, int *m, int *d);
bool tte_date_valid(int y, int m, int d);

/*
 * Resolves a zone name to its UTC offset in seconds: Asia/Jakarta,
 * Asia/Pontianak, WIB, Asia/Makassar, WITA, Asia/Jayapura, WIT, UTC, Z,
 * or a fixed offset "+07:00". Returns false for anything else.
 */
bool tte_zone_offset(const char *zone, int *offset);

/* WIB (Asia/Jakarta), the zone of BPIP's offices and of the report. */
#define TTE_WIB_OFFSET (7 * 3600)

/*
 * Parses ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM|±HH]
 * or a trailing zone word (" WIB", " UTC"). A time without an offset is
 * local time at default_offset. Fractions are truncated to the second.
 */
bool tte_parse_iso8601(const char *s, int default_offset, int64_t *out);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void tte_format_utc(int64_t t, char out[21]);

/* Local civil fields of instant t at offset. */
void tte_local_fields(int64_t t, int offset, int *y, int *mo, int *d, int *h,
                      int *mi, int *s);

/* The UTC instant of local midnight starting y-m-d at offset. */
int64_t tte_local_midnight(int y, int m, int d, int offset);

#endif
