/* NIK masking of everything a template puts in a cell. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mask.h"
#include "render.h"
#include "tte_id.h"

bool
render_nik_column(const char *header, const char *name)
{
    const char *cand[] = {header, name};
    for (size_t i = 0; i < 2; i++) {
        const char *p = cand[i];
        for (; p && *p; p++) {
            /* "NIK" as a word: not inside "Teknik". */
            bool start = p == cand[i] || !isalpha((unsigned char)p[-1]);
            if (start && strncasecmp(p, "nik", 3) == 0 &&
                !isalpha((unsigned char)p[3]))
                return true;
        }
    }
    return false;
}

char *
render_mask(const struct render *r, const char *s, bool nik_column)
{
    struct tte_buf b;
    tte_buf_init(&b);
    tte_buf_add(&b, "", 0);
    for (const char *p = s; *p;) {
        size_t n = strspn(p, "0123456789");
        char nik[17], masked[64];
        bool start = p == s || !isdigit((unsigned char)p[-1]);
        if (n == 16 && start && !r->unmask_nik) {
            memcpy(nik, p, 16);
            nik[16] = '\0';
            if (nik_column || tte_nik_valid(nik)) {
                tte_mask_nik(nik, masked, sizeof masked);
                tte_buf_adds(&b, masked);
                p += 16;
                continue;
            }
        }
        if (n) {
            tte_buf_add(&b, p, n);
            p += n;
        } else {
            tte_buf_addc(&b, *p++);
        }
    }
    return b.data;
}
