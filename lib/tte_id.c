#include <string.h>

#include "tte_id.h"
#include "tte_time.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

static int
num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool
tte_nik_valid(const char *nik)
{
    if (strlen(nik) != 16 || !tte_str_digits(nik, 16))
        return false;
    int day = num(nik + 6, 2), month = num(nik + 8, 2);
    if (day > 40)
        day -= 40;
    /* The two-digit year fits either century; 2000 is a leap year. */
    if (!tte_date_valid(2000 + num(nik + 10, 2), month, day) &&
        !tte_date_valid(1900 + num(nik + 10, 2), month, day))
        return false;
    return num(nik + 12, 4) > 0;
}

bool
tte_nip_valid(const char *nip)
{
    if (strlen(nip) != 18 || !tte_str_digits(nip, 18))
        return false;
    if (!tte_date_valid(num(nip, 4), num(nip + 4, 2), num(nip + 6, 2)))
        return false;
    int tmt_year = num(nip + 8, 4), tmt_month = num(nip + 12, 2);
    if (tmt_year < num(nip, 4) || tmt_month < 1 || tmt_month > 12)
        return false;
    return nip[14] == '1' || nip[14] == '2';
}

void
tte_mask_nik_runs(const char *s, struct tte_buf *out)
{
    tte_buf_reset(out);
    while (*s) {
        size_t n = strspn(s, "0123456789");
        if (n == 16) {
            char nik[17], masked[64];
            memcpy(nik, s, 16);
            nik[16] = '\0';
            tte_mask_nik(nik, masked, sizeof masked);
            tte_buf_adds(out, masked);
        } else {
            tte_buf_add(out, s, n ? n : 1);
        }
        s += n ? n : 1;
    }
    tte_buf_add(out, "", 0); /* data is a string even for "" */
}

void
tte_mask_nik(const char *nik, char *out, size_t outsz)
{
    static const char dot[] = "\xe2\x80\xa2"; /* U+2022 BULLET */
    size_t n = strlen(nik), o = 0;

    for (size_t i = 0; i < n; i++) {
        bool keep = n >= 12 && (i < 4 || i >= n - 4);
        size_t need = keep ? 1 : 3;
        if (o + need + 1 > outsz)
            break;
        if (keep) {
            out[o++] = nik[i];
        } else {
            memcpy(out + o, dot, 3);
            o += 3;
        }
    }
    if (outsz)
        out[o < outsz ? o : outsz - 1] = '\0';
}

bool
tte_ids_check(const char *nik, const char *nip, struct tte_buf *reason)
{
    char masked[64];
    if (nik && !tte_nik_valid(nik)) {
        tte_mask_nik(nik, masked, sizeof masked);
        tte_buf_printf(reason,
                       "nik '%s' is not 16 digits with a valid birth "
                       "date",
                       masked);
        return false;
    }
    if (nip && !tte_nip_valid(nip)) {
        tte_buf_printf(reason,
                       "nip '%s' is not 18 digits with a valid birth "
                       "date, TMT and sex digit",
                       nip);
        return false;
    }
    return true;
}
