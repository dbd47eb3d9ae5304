/* Cell text: no control characters, within Excel's 32,767-character cell. */
#include <stdbool.h>
#include <string.h>

#include "cell.h"
#include "tte_buf.h"

#define CELL_MAX 32767

char *
cell_text(const char *s)
{
    struct tte_buf b;
    size_t chars = 0;

    tte_buf_init(&b);
    tte_buf_add(&b, "", 0);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* Tab and newline display; other C0 controls break the XML. */
        if (*p < 0x20 && *p != '\n' && *p != '\t')
            continue;
        if (*p == 0x7f)
            continue;
        if ((*p & 0xC0) != 0x80 && ++chars > CELL_MAX)
            break;
        tte_buf_addc(&b, (char)*p);
    }
    return b.data;
}

size_t
cell_longest_run(const char *s, char sep)
{
    size_t best = 0, cur = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == (unsigned char)sep) {
            cur = 0;
            continue;
        }
        if ((*p & 0xC0) != 0x80 && ++cur > best)
            best = cur;
    }
    return best;
}

size_t
cell_width(const char *s)
{
    return cell_longest_run(s, '\n');
}

/*
 * libxlsxwriter does not fit rows to wrapped text and LibreOffice keeps
 * the height given, so the height is computed here from the glyphs'
 * widths. The advance widths below are Carlito's (metric-compatible with
 * Calibri, the workbook's font), in font units of 2,048 per em, for
 * ASCII 32 to 126; other characters count as a digit, the em dash as
 * its own.
 */
/* [0] regular, [1] bold */
static const unsigned short adv[2][95] = {
    {
        463,  667,  821,  1020, 1038, 1464, 1397, 452,  621,  621,  1020, 1020,
        511,  627,  517,  791,  1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038,
        1038, 1038, 548,  548,  1020, 1020, 1020, 949,  1831, 1185, 1114, 1092,
        1260, 1000, 941,  1292, 1276, 516,  653,  1064, 861,  1751, 1322, 1356,
        1058, 1378, 1112, 941,  998,  1314, 1162, 1822, 1063, 998,  959,  628,
        791,  628,  1020, 1020, 596,  981,  1076, 866,  1076, 1019, 625,  964,
        1076, 470,  490,  931,  470,  1636, 1076, 1080, 1076, 1076, 714,  801,
        686,  1076, 925,  1464, 887,  927,  809,  644,  943,  644,  1020,
    },
    {
        463,  667,  898,  1020, 1038, 1493, 1443, 478,  638,  638,  1020, 1020,
        528,  627,  547,  880,  1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038,
        1038, 1038, 565,  565,  1020, 1020, 1020, 949,  1840, 1241, 1148, 1084,
        1291, 999,  940,  1305, 1292, 546,  678,  1120, 866,  1790, 1349, 1385,
        1090, 1405, 1153, 968,  1014, 1337, 1211, 1856, 1128, 1064, 979,  665,
        880,  665,  1020, 1020, 615,  1011, 1099, 857,  1099, 1031, 648,  971,
        1099, 503,  523,  983,  503,  1666, 1099, 1101, 1099, 1099, 728,  817,
        710,  1099, 969,  1526, 941,  970,  814,  704,  973,  704,  1020,
    },
};
#define UNITS_PER_EM 2048.0
/* Carlito's line: ascender plus descender plus gap, 2,500 units. */
#define LINE_EM (2500.0 / UNITS_PER_EM)
/* What a cell keeps free of text, in pixels, left and right together:
 * LibreOffice fits 9, 18 and 37 'n' but not 10, 19 and 38 on a line of
 * columns 10, 20 and 40 units wide, and "berlaku berakhir" (98.2
 * pixels) in one 13 wide (101.5): between 2.9 and 3.3. */
#define CELL_PAD_PX 3.1

/* Font units of the character at p; *len its bytes. */
static unsigned
glyph_units(const unsigned char *p, size_t *len, bool bold)
{
    *len = 1;
    if (*p >= 32 && *p < 127)
        return adv[bold ? 1 : 0][*p - 32];
    while ((p[*len] & 0xC0) == 0x80)
        (*len)++;
    /* U+2014 EM DASH */
    if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x94)
        return 1854;
    return 1038;
}

/* Pixels (96 per inch) of s[0..n) at pt points. */
static double
text_px(const char *s, size_t n, const struct cell_font *f)
{
    double units = 0;
    size_t len;
    for (size_t i = 0; i < n; i += len)
        units += glyph_units((const unsigned char *)s + i, &len, f->bold);
    return units / UNITS_PER_EM * f->pt * 96.0 / 72.0;
}

double
cell_col_px(double width)
{
    /* libxlsxwriter stores a width with Excel's 5 pixels of padding
     * added (0.71 unit), and a unit prints 7.4 pixels in LibreOffice
     * with Carlito. */
    return width > 0 ? (width + 0.71) * 7.4 : 0;
}

double
cell_px_width(double px)
{
    return px > 5.25 ? px / 7.4 - 0.71 : 0;
}

double
cell_text_width(const char *s, const struct cell_font *f, bool words)
{
    double best = 0;
    while (*s) {
        size_t n = strcspn(s, words ? " \n" : "\n");
        double px = text_px(s, n, f);
        if (px > best)
            best = px;
        s += n;
        if (*s)
            s++;
    }
    /* Two pixels more than LibreOffice needs at the least: at the very
     * least a bold header word ("Gagal") may still break in two. */
    return best > 0 ? cell_px_width(best + CELL_PAD_PX + 2) : 0;
}

/* A word wider than the line: LibreOffice breaks it between characters.
 * Returns the lines it fills, *rest the pixels on its last. */
static int
break_word(const char *s, size_t n, double room, const struct cell_font *f,
           double *rest)
{
    int lines = 0;
    double used = 0;
    size_t len;
    for (size_t i = 0; i < n; i += len) {
        double w = glyph_units((const unsigned char *)s + i, &len, f->bold) /
                   UNITS_PER_EM * f->pt * 96.0 / 72.0;
        if (used > 0 && used + w > room) {
            lines++;
            used = 0;
        }
        used += w;
    }
    *rest = used;
    return lines;
}

int
cell_lines_px(const char *s, double px, const struct cell_font *f)
{
    double room = px - CELL_PAD_PX;
    double space = text_px(" ", 1, f);
    double used = 0;
    int lines = 1;
    const char *p = s;

    if (room < 1)
        room = 1;
    while (*p) {
        if (*p == '\n') {
            lines++;
            used = 0;
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        double w = text_px(p, n, f);
        double gap = used > 0 ? space : 0;
        if (n && used > 0 && used + gap + w > room) {
            lines++;
            used = 0;
            gap = 0;
        }
        if (w > room) {
            double rest;
            lines += break_word(p, n, room, f, &rest);
            used = rest;
        } else {
            used += gap + w;
        }
        p += n;
        /* Spaces between words: one is counted with the next word. */
        while (*p == ' ')
            p++;
    }
    return lines;
}

int
cell_lines(const char *s, double width)
{
    const struct cell_font f = {.pt = 11, .bold = false};
    return cell_lines_px(s, cell_col_px(width), &f);
}

double
cell_line_height(double pt)
{
    return pt > 0 ? pt * LINE_EM : 11 * LINE_EM;
}

double
cell_row_height(int lines, double pt)
{
    /* One line of 11-point text is Excel's default row, 15 points: the
     * line and 1.57 points of padding. */
    return (lines < 1 ? 1 : lines) * cell_line_height(pt) + 1.57;
}
