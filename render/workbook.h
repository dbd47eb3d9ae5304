/* The XLSX report. */
#ifndef WORKBOOK_H
#define WORKBOOK_H

#include "tte_err.h"

struct render;

/* Writes the workbook to out, atomically. */
enum tte_err render_workbook(struct render *r, const char *out);

#endif
