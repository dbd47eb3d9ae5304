#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "tte_cli.h"
#include "tte_log.h"
#include "tte_time.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

void
tte_print_version(void)
{
    printf("%s %s\n", tte_progname(), TTE_VERSION);
}

int
tte_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", tte_progname());
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", tte_progname());
    return EX_USAGE;
}

bool
tte_parse_year(const char *s, int *year)
{
    long long v;
    if (!tte_str_to_i64(s, &v) || v < 2000 || v > 2999)
        return false;
    *year = (int)v;
    return true;
}

bool
tte_parse_quarter(const char *s, int *quarter)
{
    long long v;
    if (!tte_str_to_i64(s, &v) || v < 1 || v > 4)
        return false;
    *quarter = (int)v;
    return true;
}

int
tte_year_option(const char *s, int *year)
{
    return tte_parse_year(s, year)
               ? TTE_OPT_NEXT
               : tte_usage_error("--year must be a year like 2025, not '%s'",
                                 s);
}

int
tte_quarter_option(const char *s, int *quarter)
{
    return tte_parse_quarter(s, quarter)
               ? TTE_OPT_NEXT
               : tte_usage_error("--quarter must be 1-4, not '%s'", s);
}

int
tte_last_completed_year(int offset)
{
    int y, mo, d, h, mi, s;
    tte_local_fields((int64_t)time(NULL), offset, &y, &mo, &d, &h, &mi, &s);
    return y - 1;
}

const char *
tte_opt_env(const char *opt, const char *env, const char *def)
{
    if (opt)
        return opt;
    const char *v = env ? getenv(env) : NULL;
    return v && *v ? v : def;
}

int
tte_common_option(int ch, const char *usage, int *verbosity)
{
    switch (ch) {
    case 'q': *verbosity = TTE_LOG_ERR; return TTE_OPT_NEXT;
    case 'v': (*verbosity)++; return TTE_OPT_NEXT;
    case 'h': fputs(usage, stdout); return 0;
    case 'V': tte_print_version(); return 0;
    default: return tte_usage_error("unknown or incomplete option");
    }
}

int
tte_args_done(int argc, char **argv, int verbosity)
{
    tte_log_set_level(verbosity);
    if (optind < argc)
        return tte_usage_error("unexpected argument '%s'", argv[optind]);
    return TTE_OPT_NEXT;
}
