#ifndef TTE_ID_H
#define TTE_ID_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Indonesian personal identifiers.
 * NIK: 16 digits, PPRRDD + DDMMYY birth date (day + 40 for women) + 4-digit
 * sequence from 0001. NIP: 18 digits, YYYYMMDD birth date + YYYYMM TMT +
 * sex digit (1/2) + 3-digit sequence.
 */
bool tte_nik_valid(const char *nik);
bool tte_nip_valid(const char *nip);

/*
 * Writes nik masked (first 4 and last 4 characters kept, the rest as "•")
 * into out, which holds outsz bytes. Short values are masked whole.
 */
void tte_mask_nik(const char *nik, char *out, size_t outsz);

struct tte_buf;
/*
 * Whether nik and nip (either may be NULL: not given) are well formed;
 * if not, appends the one reason every reader gives for the row (a NIK
 * quoted masked) to *reason and returns false. NIK is checked first.
 */
bool tte_ids_check(const char *nik, const char *nip, struct tte_buf *reason);

/*
 * Copies s into out (reset first) with every run of exactly 16 digits
 * masked as tte_mask_nik does: a NIK quoted in a message, in whatever
 * field it was found.
 */
void tte_mask_nik_runs(const char *s, struct tte_buf *out);

#endif
