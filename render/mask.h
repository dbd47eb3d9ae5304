/* NIK masking of everything a template puts in a cell. */
#ifndef MASK_H
#define MASK_H

#include <stdbool.h>

struct render;

/* Text for a cell with NIKs masked: any valid NIK in the text, and in a
 * NIK column (nik_column) any run of 16 digits. Returns malloc'd text. */
char *render_mask(const struct render *r, const char *s, bool nik_column);
/* True when a column's header or SQL name says it holds NIKs. */
bool render_nik_column(const char *header, const char *name);

#endif
