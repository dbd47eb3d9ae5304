#include <stdarg.h>
#include <stdio.h>

#include "tte_log.h"

static const char *prog = "tte";
static int level = TTE_LOG_INFO;

void
tte_log_init(const char *progname)
{
    prog = progname;
}

void
tte_log_set_level(int l)
{
    level = l;
}

int
tte_log_level(void)
{
    return level;
}

const char *
tte_progname(void)
{
    return prog;
}

static void
vlog(int l, const char *tag, const char *fmt, va_list ap)
{
    if (l > level)
        return;
    fprintf(stderr, "%s: %s", prog, tag);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

#define DEFINE_LOG(fn, l, tag) \
    void fn(const char *fmt, ...) \
    { \
        va_list ap; \
        va_start(ap, fmt); \
        vlog(l, tag, fmt, ap); \
        va_end(ap); \
    }

DEFINE_LOG(log_err, TTE_LOG_ERR, "")
DEFINE_LOG(log_warn, TTE_LOG_WARN, "warning: ")
DEFINE_LOG(log_info, TTE_LOG_INFO, "")
DEFINE_LOG(log_debug, TTE_LOG_DEBUG, "debug: ")
