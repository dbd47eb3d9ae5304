/* Cell text that is always safe and within Excel's limits, and how
 * much room it takes. */
#ifndef CELL_H
#define CELL_H

#include <stdbool.h>
#include <stddef.h>

char *cell_text(const char *s);
/* Display width of s in characters (longest line). */
size_t cell_width(const char *s);
/* Characters in the longest run of s between sep bytes. */
size_t cell_longest_run(const char *s, char sep);
/* The font a cell's text is set in. */
struct cell_font {
    double pt;
    bool bold;
};
/* Lines s takes when wrapped at spaces (a longer word between
 * characters) in a cell px pixels wide, measured with Carlito's glyph
 * widths; at least 1. */
int cell_lines_px(const char *s, double px, const struct cell_font *f);
/* As cell_lines_px for 11-point regular text in a column width units
 * wide (Excel's width unit). */
int cell_lines(const char *s, double width);
/* Pixels a column width units wide prints, and the width that prints
 * px pixels. */
double cell_col_px(double width);
double cell_px_width(double px);
/* The width (Excel units) s needs on one line per its '\n'-separated
 * lines, or with words its longest word (at least one cell's padding
 * when s is not empty; 0 when it is). */
double cell_text_width(const char *s, const struct cell_font *f, bool words);
/* Points of one line of text at font size pt, and of a row of lines. */
double cell_line_height(double pt);
double cell_row_height(int lines, double pt);

#endif
