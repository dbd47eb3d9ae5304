/* A table's chart on its sheet. */
#ifndef CHART_H
#define CHART_H

#include <cjson/cJSON.h>

#include "tte_err.h"

struct sheet;
struct table;

/* One chart of a table, on rows of its own below it, or beside the one
 * before ("beside"), its width times s->chart_grow. */
enum tte_err table_chart(struct sheet *s, const struct table *t,
                         const cJSON *spec);
/* A chart's width in pixels as the template sets it. */
double chart_width(const cJSON *spec);
/* Pixels a chart or a row of charts may take across the page. */
double chart_room(const struct sheet *s);

#endif
