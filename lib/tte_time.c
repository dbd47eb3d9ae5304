#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tte_time.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t
tte_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 +
                         (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void
tte_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

bool
tte_date_valid(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

static const struct {
    const char *name;
    int hours;
} zones[] = {
    {"Asia/Jakarta", 7},
    {"Asia/Pontianak", 7},
    {"WIB", 7},
    {"Asia/Makassar", 8},
    {"Asia/Ujung_Pandang", 8},
    {"WITA", 8},
    {"Asia/Jayapura", 9},
    {"WIT", 9},
    {"UTC", 0},
    {"Etc/UTC", 0},
    {"GMT", 0},
    {"Z", 0},
};

/* Parses "±HH", "±HHMM" or "±HH:MM"; returns chars consumed or 0. */
static size_t
parse_offset(const char *s, int *offset)
{
    int sign, hh, mm = 0;
    size_t n;

    if (*s != '+' && *s != '-')
        return 0;
    sign = *s == '-' ? -1 : 1;
    if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]))
        return 0;
    hh = (s[1] - '0') * 10 + (s[2] - '0');
    n = 3;
    if (s[n] == ':')
        n++;
    if (isdigit((unsigned char)s[n]) && isdigit((unsigned char)s[n + 1])) {
        mm = (s[n] - '0') * 10 + (s[n + 1] - '0');
        n += 2;
    } else if (n == 4) {
        return 0; /* "+07:" */
    }
    if (hh > 14 || mm > 59)
        return 0;
    *offset = sign * (hh * 3600 + mm * 60);
    return n;
}

bool
tte_zone_offset(const char *zone, int *offset)
{
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strcasecmp(zone, zones[i].name) == 0) {
            *offset = zones[i].hours * 3600;
            return true;
        }
    }
    size_t n = parse_offset(zone, offset);
    return n > 0 && zone[n] == '\0';
}

/* Reads exactly n digits; returns -1 when they are not all digits. */
static int
digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool
parse_zone_suffix(const char *p, int default_offset, int *offset)
{
    while (*p == ' ')
        p++;
    if (*p == '\0') {
        *offset = default_offset;
        return true;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        *offset = 0;
        return true;
    }
    size_t n = parse_offset(p, offset);
    if (n)
        return p[n] == '\0';
    return tte_zone_offset(p, offset);
}

bool
tte_parse_iso8601(const char *s, int default_offset, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, offset;
    const char *p = s;

    while (*p == ' ')
        p++;
    y = digits(p, 4);
    if (y < 0 || p[4] != '-')
        return false;
    mo = digits(p + 5, 2);
    if (mo < 0 || p[7] != '-')
        return false;
    d = digits(p + 8, 2);
    if (d < 0 || !tte_date_valid(y, mo, d))
        return false;
    p += 10;
    if (*p == 'T' || *p == 't' ||
        (*p == ' ' && isdigit((unsigned char)p[1]))) {
        h = digits(p + 1, 2);
        if (h < 0 || p[3] != ':')
            return false;
        mi = digits(p + 4, 2);
        if (mi < 0)
            return false;
        p += 6;
        if (*p == ':') {
            sec = digits(p + 1, 2);
            if (sec < 0)
                return false;
            p += 3;
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return false;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        /* 60 is a leap second; it counts within its minute. */
        if (h > 23 || mi > 59 || sec > 60)
            return false;
        if (sec == 60)
            sec = 59;
    }
    if (!parse_zone_suffix(p, default_offset, &offset))
        return false;
    *out = tte_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
           offset;
    return true;
}

void
tte_local_fields(int64_t t, int offset, int *y, int *mo, int *d, int *h,
                 int *mi, int *s)
{
    int64_t l = t + offset;
    int64_t days = l >= 0 ? l / 86400 : -((-l + 86399) / 86400);
    int64_t rem = l - days * 86400;
    tte_civil_from_days(days, y, mo, d);
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
}

void
tte_format_utc(int64_t t, char out[21])
{
    int y, mo, d, h, mi, s;
    tte_local_fields(t, 0, &y, &mo, &d, &h, &mi, &s);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, mo,
             d, h, mi, s);
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

int64_t
tte_local_midnight(int y, int m, int d, int offset)
{
    return tte_days_from_civil(y, m, d) * 86400 - offset;
}
