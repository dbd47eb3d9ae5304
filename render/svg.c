/*
 * A table's chart as inline SVG for the HTML report: the same series the
 * XLSX chart refers to, drawn as bar (horizontal), column or line. Only
 * fixed-precision numbers are printed, so the output is reproducible.
 */
#include <stdio.h>
#include <string.h>

#include "html_doc.h"
#include "svg.h"

/* Excel's default series colours, so both outputs look alike. */
static const char *const colours[] = {"#4472c4", "#ed7d31", "#a5a5a5",
                                      "#ffc000", "#5b9bd5", "#70ad47"};
#define NCOLOURS (sizeof colours / sizeof colours[0])
#define LABEL_MAX 40 /* characters of a category label shown */

struct axis {
    double top, step;
};

/* 1, 2 or 5 times a power of ten, so the gridlines read as round numbers. */
static struct axis
axis_for(const struct svg_chart *c)
{
    double max = 0;
    for (size_t s = 0; s < c->nseries; s++)
        for (size_t i = 0; i < c->ncats; i++)
            if (c->vals[s][i] > max)
                max = c->vals[s][i];
    struct axis a = {.top = 1, .step = 1};
    if (max <= 1)
        return a;
    double raw = max / 5, p = 1;
    while (p * 10 <= raw)
        p *= 10;
    a.step = raw <= p       ? p
             : raw <= 2 * p ? 2 * p
             : raw <= 5 * p ? 5 * p
                            : 10 * p;
    if (a.step < 1)
        a.step = 1;
    a.top = a.step;
    while (a.top < max)
        a.top += a.step;
    return a;
}

static size_t
chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* At most LABEL_MAX characters, cut on a character boundary, with "…". */
static void
label(struct tte_buf *b, const char *s)
{
    if (chars(s) <= LABEL_MAX) {
        html_escape(b, s);
        return;
    }
    char cut[LABEL_MAX * 4 + 4];
    size_t n = 0, k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++n > LABEL_MAX - 1)
            break;
        cut[k++] = (char)*p;
    }
    cut[k] = '\0';
    html_escape(b, cut);
    tte_buf_adds(b, "\xe2\x80\xa6");
}

static void
text_at(struct tte_buf *b, double x, double y, const char *attrs)
{
    tte_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
}

/* A tooltip: "category, series: value". */
static void
tip(struct tte_buf *b, const struct svg_chart *c, size_t s, size_t i)
{
    tte_buf_adds(b, "<title>");
    html_escape(b, c->cats[i]);
    tte_buf_adds(b, ", ");
    html_escape(b, c->names[s]);
    tte_buf_adds(b, ": ");
    html_count(b, c->vals[s][i], false);
    tte_buf_adds(b, "</title>");
}

static void
legend(struct tte_buf *b, const struct svg_chart *c, double y)
{
    double x = 20;
    for (size_t s = 0; s < c->nseries; s++) {
        tte_buf_printf(b,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
                       "height=\"12\" fill=\"%s\"/>",
                       x, y - 10, colours[s % NCOLOURS]);
        text_at(b, x + 16, y, "");
        html_escape(b, c->names[s]);
        tte_buf_adds(b, "</text>");
        x += 16 + 7.5 * (double)chars(c->names[s]) + 24;
    }
}

/* Horizontal bars: long unit names read best on the left. */
static void
bar_chart(struct tte_buf *b, const struct svg_chart *c, double w, double h)
{
    struct axis a = axis_for(c);
    size_t longest = 0;
    for (size_t i = 0; i < c->ncats; i++)
        if (chars(c->cats[i]) > longest)
            longest = chars(c->cats[i]);
    double left = 10 +
                  6.6 * (double)(longest < LABEL_MAX ? longest : LABEL_MAX);
    double x0 = left + 8, x1 = w - 60, y0 = 44, y1 = h - 56;
    double band = (y1 - y0) / (double)c->ncats;
    double bar = band * 0.7 / (double)c->nseries;

    for (double v = 0; v <= a.top + a.step / 2; v += a.step) {
        double x = x0 + (x1 - x0) * v / a.top;
        tte_buf_printf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                       "y2=\"%.1f\" class=\"grid\"/>",
                       x, y0, x, y1);
        text_at(b, x, y1 + 16, " text-anchor=\"middle\"");
        html_count(b, v, false);
        tte_buf_adds(b, "</text>");
    }
    for (size_t i = 0; i < c->ncats; i++) {
        double top = y0 + band * (double)i + band * 0.15;
        text_at(b, left, top + band * 0.35 + 4, " text-anchor=\"end\"");
        label(b, c->cats[i]);
        tte_buf_adds(b, "</text>");
        for (size_t s = 0; s < c->nseries; s++) {
            double len = (x1 - x0) * c->vals[s][i] / a.top;
            double y = top + bar * (double)s;
            tte_buf_printf(b,
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"%.1f\" fill=\"%s\">",
                           x0, y, len, bar, colours[s % NCOLOURS]);
            tip(b, c, s, i);
            tte_buf_adds(b, "</rect>");
            if (c->vals[s][i] == 0)
                continue; /* a row of zeros says nothing */
            text_at(b, x0 + len + 4, y + bar / 2 + 4, " class=\"value\"");
            html_count(b, c->vals[s][i], false);
            tte_buf_adds(b, "</text>");
        }
    }
    tte_buf_printf(b,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "class=\"axis\"/>",
                   x0, y0, x0, y1);
    legend(b, c, h - 14);
}

/* Columns or a line over categories along the bottom. */
static void
xy_chart(struct tte_buf *b, const struct svg_chart *c, double w, double h)
{
    struct axis a = axis_for(c);
    bool line = strcmp(c->type, "line") == 0;
    double x0 = 70, x1 = w - 20, y0 = 44, y1 = h - 86;
    double band = (x1 - x0) / (double)c->ncats;
    size_t longest = 0;
    for (size_t i = 0; i < c->ncats; i++)
        if (chars(c->cats[i]) > longest)
            longest = chars(c->cats[i]);
    /* Labels wider than their slot are turned, not overlapped. */
    bool turn = 7.0 * (double)longest > band;

    for (double v = 0; v <= a.top + a.step / 2; v += a.step) {
        double y = y1 - (y1 - y0) * v / a.top;
        tte_buf_printf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                       "y2=\"%.1f\" class=\"grid\"/>",
                       x0, y, x1, y);
        text_at(b, x0 - 6, y + 4, " text-anchor=\"end\"");
        html_count(b, v, false);
        tte_buf_adds(b, "</text>");
    }
    for (size_t i = 0; i < c->ncats; i++) {
        double x = x0 + band * ((double)i + 0.5);
        if (turn)
            tte_buf_printf(b,
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                           "transform=\"rotate(-35 %.1f %.1f)\">",
                           x, y1 + 16, x, y1 + 16);
        else
            text_at(b, x, y1 + 18, " text-anchor=\"middle\"");
        label(b, c->cats[i]);
        tte_buf_adds(b, "</text>");
    }
    for (size_t s = 0; s < c->nseries; s++) {
        const char *col = colours[s % NCOLOURS];
        double bar = band * 0.7 / (double)c->nseries;
        if (line) {
            tte_buf_printf(b,
                           "<polyline fill=\"none\" stroke=\"%s\" "
                           "stroke-width=\"2.5\" points=\"",
                           col);
            for (size_t i = 0; i < c->ncats; i++)
                tte_buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
                               x0 + band * ((double)i + 0.5),
                               y1 - (y1 - y0) * c->vals[s][i] / a.top);
            tte_buf_adds(b, "\"/>");
        }
        for (size_t i = 0; i < c->ncats; i++) {
            double v = (y1 - y0) * c->vals[s][i] / a.top;
            if (line)
                tte_buf_printf(b,
                               "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
                               "fill=\"%s\">",
                               x0 + band * ((double)i + 0.5), y1 - v, col);
            else
                tte_buf_printf(b,
                               "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                               "height=\"%.1f\" fill=\"%s\">",
                               x0 + band * ((double)i + 0.15) +
                                   bar * (double)s,
                               y1 - v, bar, v, col);
            tip(b, c, s, i);
            tte_buf_adds(b, line ? "</circle>" : "</rect>");
        }
    }
    tte_buf_printf(b,
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "class=\"axis\"/>",
                   x0, y1, x1, y1);
    legend(b, c, h - 14);
}

/* x_title names the categories, y_title the values, as in the XLSX: a bar
 * chart has its categories down the left. */
static void
axis_titles(struct tte_buf *b, const struct svg_chart *c, double w, double h,
            bool bars)
{
    const char *cat = c->x_title ? c->x_title : "";
    const char *val = c->y_title ? c->y_title : "";
    const char *bottom = bars ? val : cat;
    /* Below the legend, on room of its own (svg_chart adds it). */
    if (*bottom) {
        text_at(b, w / 2, h + 14,
                " class=\"atitle\" "
                "text-anchor=\"middle\"");
        html_escape(b, bottom);
        tte_buf_adds(b, "</text>");
    }
    if (bars && *cat) {
        text_at(b, 10, 38, " class=\"atitle\"");
        html_escape(b, cat);
        tte_buf_adds(b, "</text>");
    } else if (!bars && *val) {
        tte_buf_printf(b,
                       "<text x=\"14\" y=\"%.1f\" class=\"atitle\" "
                       "text-anchor=\"middle\" "
                       "transform=\"rotate(-90 14 %.1f)\">",
                       h / 2, h / 2);
        html_escape(b, val);
        tte_buf_adds(b, "</text>");
    }
}

void
svg_chart(struct tte_buf *b, const struct svg_chart *c)
{
    double w = c->width > 0 ? c->width : 480;
    double h = c->height > 0 ? c->height : 288;
    bool bars = strcmp(c->type, "bar") == 0;

    if (!c->ncats || !c->nseries)
        return;
    /* Every category gets room, however many units there are. */
    if (bars && h < 100 + 14.0 * (double)(c->ncats * c->nseries))
        h = 100 + 14.0 * (double)(c->ncats * c->nseries);
    const char *bottom = bars ? c->y_title : c->x_title;
    double room = bottom && *bottom ? 20 : 0;
    tte_buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
                   "role=\"img\" aria-label=\"",
                   w, h + room, w, h + room);
    html_escape(b, c->title);
    tte_buf_adds(b, "\"><title>");
    html_escape(b, c->title);
    tte_buf_adds(b, "</title>");
    text_at(b, w / 2, 22, " class=\"ctitle\" text-anchor=\"middle\"");
    html_escape(b, c->title);
    tte_buf_adds(b, "</text>");
    if (bars)
        bar_chart(b, c, w, h);
    else
        xy_chart(b, c, w, h);
    axis_titles(b, c, w, h, bars);
    tte_buf_adds(b, "</svg>");
}
