/* Prose on a sheet. */
#ifndef PROSE_H
#define PROSE_H

#include <xlsxwriter.h>

struct sheet;

/* A line of prose merged across the sheet, on a row of its own. */
void sheet_put_prose(struct sheet *s, const char *text, lxw_format *f);
/* Points that line takes, wrapped at the sheet's width. */
double sheet_prose_height(const struct sheet *s, const char *text,
                          lxw_format *f);

#endif
