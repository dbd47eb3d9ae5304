#ifndef RETRY_H
#define RETRY_H

/* --retry REJECTS.csv (retry.c). */

#include "collect.h"

/* The exit status: 0 when every row read again became an event (or was
 * resolved before), 65 when some are still rejected. */
int collect_retry(const struct collect_opts *o, const char *path);

#endif
