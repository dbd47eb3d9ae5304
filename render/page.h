/* The printed page of a sheet: widths, orientation, scale, page
 * breaks. */
#ifndef PAGE_H
#define PAGE_H

struct sheet;

/* Excel keeps at most 1,023 manual page breaks; past them the
 * spreadsheet breaks by itself. */
#define MAX_BREAKS 1000
/* No table prints below 8 points: 11-point text at 73 %. */
#define MIN_SCALE 73

/* Widths, orientation and scale once measured (sheet_layout); scale
 * changed (sheet_set_scale); written (sheet_page_setup). */
void sheet_layout(struct sheet *s);
void sheet_set_scale(struct sheet *s, int scale);
void sheet_page_setup(struct sheet *s);
/* Starts a new page unless h points still fit on this one. */
void sheet_need_space(struct sheet *s, double h);
/* Ends the current row, h points tall. */
void sheet_next_row(struct sheet *s, double h);

#endif
