#include <sysexits.h>

#include "tte_err.h"

static const char *const messages[TTE_E_LAST] = {
    [TTE_OK] = "success",
    [TTE_E_USAGE] = "usage error",
    [TTE_E_DATA] = "bad input data",
    [TTE_E_NOINPUT] = "cannot open input",
    [TTE_E_UNAVAILABLE] = "service unavailable",
    [TTE_E_SOFTWARE] = "internal error",
    [TTE_E_CANTCREAT] = "cannot create output",
    [TTE_E_IO] = "input/output error",
    [TTE_E_TEMPFAIL] = "temporary failure, try again later",
    [TTE_E_CONFIG] = "configuration error",
    [TTE_E_NOMEM] = "out of memory",
};

static const int exit_codes[TTE_E_LAST] = {
    [TTE_OK] = 0,
    [TTE_E_USAGE] = EX_USAGE,
    [TTE_E_DATA] = EX_DATAERR,
    [TTE_E_NOINPUT] = EX_NOINPUT,
    [TTE_E_UNAVAILABLE] = EX_UNAVAILABLE,
    [TTE_E_SOFTWARE] = EX_SOFTWARE,
    [TTE_E_CANTCREAT] = EX_CANTCREAT,
    [TTE_E_IO] = EX_IOERR,
    [TTE_E_TEMPFAIL] = EX_TEMPFAIL,
    [TTE_E_CONFIG] = EX_CONFIG,
    [TTE_E_NOMEM] = EX_OSERR,
};

const char *
tte_strerror(enum tte_err e)
{
    if ((unsigned)e >= TTE_E_LAST)
        return "unknown error";
    return messages[e];
}

int
tte_exit_code(enum tte_err e)
{
    if ((unsigned)e >= TTE_E_LAST)
        return EX_SOFTWARE;
    return exit_codes[e];
}
