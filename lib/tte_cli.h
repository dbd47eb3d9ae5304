#ifndef TTE_CLI_H
#define TTE_CLI_H

#include <stdbool.h>

/* Shared command-line conventions of every tte program. */

#ifndef TTE_VERSION
#define TTE_VERSION "0.1.0"
#endif

/* Prints "prog VERSION" to stdout. */
void tte_print_version(void);

/* Prints "prog: MSG\nTry 'prog --help'." to stderr; returns EX_USAGE. */
int tte_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Parses a year (2000-2999) or quarter (1-4); false when out of range. */
bool tte_parse_year(const char *s, int *year);
bool tte_parse_quarter(const char *s, int *quarter);

/* The last completed year in the report zone at time now. */
int tte_last_completed_year(int offset);

/* Picks the value of an option, then env var, then the default. */
const char *tte_opt_env(const char *opt, const char *env, const char *def);

#endif
