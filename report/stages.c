/* Running the stage programs as children, so each keeps its own exit
 * status and messages, exactly as when an operator runs it by hand. */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "report.h"
#include "tte_log.h"

extern char **environ;

/* bin/tte-NAME beside this program; installed copies sit together too. */
static void
sibling(const char *name, char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    snprintf(out, n, "tte-%s", name);
    if (k <= 0)
        return;
    exe[k] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/tte-%s", exe, name);
    if (access(path, X_OK) == 0)
        snprintf(out, n, "%s", path);
}

int
stage_run(const char *name, char *const argv[])
{
    char prog[PATH_MAX + 32];
    pid_t pid;
    int status;

    sibling(name, prog, sizeof prog);
    if (tte_log_level() >= TTE_LOG_DEBUG) {
        fprintf(stderr, "%s: running %s", tte_progname(), prog);
        for (int i = 1; argv[i]; i++)
            fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
    }
    int rc = strchr(prog, '/')
                 ? posix_spawn(&pid, prog, NULL, NULL, argv, environ)
                 : posix_spawnp(&pid, prog, NULL, NULL, argv, environ);
    if (rc != 0) {
        log_err("cannot run %s: %s", prog, strerror(rc));
        return EX_SOFTWARE;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return EX_SOFTWARE;
    if (WIFSIGNALED(status)) {
        log_err("%s was killed by signal %d", prog, WTERMSIG(status));
        return EX_SOFTWARE;
    }
    return WEXITSTATUS(status);
}
