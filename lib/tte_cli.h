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

/* The options every program has, for the end of its long_opts[]. */
#define TTE_COMMON_LONG_OPTS \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}, \
        {"help", no_argument, NULL, 'h'}, \
        {"version", no_argument, NULL, 'V'}, \
    { \
        NULL, 0, NULL, 0 \
    }

/* Handles -q, -v, -h, -V and unknown options alike in every program.
 * Returns TTE_OPT_NEXT to go on, or the exit status to return now. */
#define TTE_OPT_NEXT (-1)
int tte_common_option(int ch, const char *usage, int *verbosity);

/* After getopt: sets the log level and refuses extra arguments.
 * Returns TTE_OPT_NEXT or EX_USAGE. */
int tte_args_done(int argc, char **argv, int verbosity);

/* Parses a year (2000-2999) or quarter (1-4); false when out of range. */
bool tte_parse_year(const char *s, int *year);
bool tte_parse_quarter(const char *s, int *quarter);

/* The same for the --year and --quarter options: TTE_OPT_NEXT, or the
 * usage error every program gives for a bad value (EX_USAGE). */
int tte_year_option(const char *s, int *year);
int tte_quarter_option(const char *s, int *quarter);

/* The last completed year in the report zone at time now. */
int tte_last_completed_year(int offset);

/* Picks the value of an option, then env var, then the default. */
const char *tte_opt_env(const char *opt, const char *env, const char *def);

#endif
