/* A table's chart as inline SVG for the HTML report. */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

struct tte_buf;

/* cats are the category texts, vals[s][i] the value of series s at
 * category i, names the series' names. */
struct svg_chart {
    const char *type; /* line, column or bar */
    const char *title;
    const char *x_title, *y_title;
    const char *const *cats;
    size_t ncats;
    const double *const *vals;
    const char *const *names;
    size_t nseries;
    double width, height;
};
/* Appends the chart to b. */
void svg_chart(struct tte_buf *b, const struct svg_chart *c);

#endif
