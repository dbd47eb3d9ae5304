/*
 * LD_PRELOAD shim for tests: the process kills itself (SIGKILL, as kill -9
 * or a crash would) when it is about to rename a finished report's
 * temporary (a name holding KILL_AT_RENAME) to the report: the moment a
 * temporary holds the whole report.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*rename_fn)(const char *, const char *);

int
rename(const char *from, const char *to)
{
    static rename_fn real;
    const char *at = getenv("KILL_AT_RENAME");
    if (!real)
        real = (rename_fn)dlsym(RTLD_NEXT, "rename");
    if (at && *at && strstr(from, at))
        raise(SIGKILL);
    return real(from, to);
}
