/*
 * LD_PRELOAD shim for tests: the process kills itself (SIGKILL, as a
 * crash or kill -9 would) right after its Nth "COMMIT; BEGIN IMMEDIATE"
 * returns, N from KILL_AFTER_COMMIT. tte-collect commits so at a chunk's
 * end and before a file's rows out of time order are merged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

typedef int (*exec_fn)(sqlite3 *, const char *,
                       int (*)(void *, int, char **, char **), void *,
                       char **);

int
sqlite3_exec(sqlite3 *db, const char *sql,
             int (*cb)(void *, int, char **, char **), void *arg, char **err)
{
    static exec_fn real;
    static int seen;
    if (!real)
        real = (exec_fn)dlsym(RTLD_NEXT, "sqlite3_exec");
    int rc = real(db, sql, cb, arg, err);
    const char *at = getenv("KILL_AFTER_COMMIT");
    if (at && strcmp(sql, "COMMIT; BEGIN IMMEDIATE") == 0 &&
        ++seen == atoi(at))
        raise(SIGKILL);
    return rc;
}
