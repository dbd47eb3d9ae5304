/* Whether an output path names one of the inputs; whether an input is a
 * regular file. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tte_log.h"

#include "tte_path.h"

/* p with its folder resolved: a name for a file that may not exist. */
static bool
canon_path(const char *p, char *out, size_t n)
{
    char dir[PATH_MAX], res[PATH_MAX];
    const char *slash = strrchr(p, '/');

    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - p) + 1, p);
    else
        snprintf(dir, sizeof dir, ".");
    if (!realpath(dir, res))
        return false;
    snprintf(out, n, "%s/%s", res, slash ? slash + 1 : p);
    return true;
}

const char *
tte_path_clash(const char *out, const char *const *inputs, size_t n)
{
    struct stat so, si;
    bool exists = stat(out, &so) == 0;
    char co[2 * PATH_MAX], ci[2 * PATH_MAX];
    bool named = !exists && canon_path(out, co, sizeof co);

    for (size_t i = 0; i < n; i++) {
        if (!inputs[i])
            continue;
        if (stat(inputs[i], &si) == 0) {
            if (exists && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
                return inputs[i];
        } else if (named && canon_path(inputs[i], ci, sizeof ci) &&
                   strcmp(co, ci) == 0) {
            return inputs[i];
        }
    }
    return NULL;
}

static const char *
kind(mode_t m)
{
    return S_ISFIFO(m)   ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
           : S_ISDIR(m)  ? "a folder"
                         : "not a regular file";
}

enum tte_err
tte_path_input(const char *path, const char *what)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return TTE_OK;
    log_err("%s '%s' is %s, not a regular file; refusing to read it", what,
            path, kind(st.st_mode));
    return TTE_E_NOINPUT;
}

int
tte_open_input(const char *path, struct stat *sb, const char **why)
{
    struct stat st;
    if (!sb)
        sb = &st;
    memset(sb, 0, sizeof *sb);
    /* O_NONBLOCK: opening a FIFO without a writer must not wait. */
    int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0) {
        *why = strerror(errno);
        return -1;
    }
    if (fstat(f, sb) != 0) {
        *why = strerror(errno);
        close(f);
        return -1;
    }
    if (!S_ISREG(sb->st_mode)) {
        *why = S_ISFIFO(sb->st_mode) ? "a FIFO, not a regular file"
               : S_ISCHR(sb->st_mode)
                   ? "a character device, not a regular file"
               : S_ISBLK(sb->st_mode)  ? "a block device, not a regular file"
               : S_ISSOCK(sb->st_mode) ? "a socket, not a regular file"
               : S_ISDIR(sb->st_mode)  ? "a folder, not a regular file"
                                       : "not a regular file";
        close(f);
        return -1;
    }
    int flags = fcntl(f, F_GETFL);
    if (flags < 0 || fcntl(f, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        *why = strerror(errno);
        close(f);
        return -1;
    }
    return f;
}

enum tte_err
tte_open_regular(const char *path, int *fd)
{
    const char *why;
    int f = tte_open_input(path, NULL, &why);
    if (f < 0) {
        log_err("cannot read '%s': %s", path, why);
        return TTE_E_NOINPUT;
    }
    *fd = f;
    return TTE_OK;
}

/* Whether name is base ".tmp" and a PID; the PID in *pid. */
static bool
tmp_of(const char *name, const char *base, long *pid)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp", 4) != 0)
        return false;
    const char *digits = name + n + 4;
    char *end;
    if (*digits < '1' || *digits > '9')
        return false;
    errno = 0;
    *pid = strtol(digits, &end, 10);
    return !*end && !errno && *pid > 0;
}

int
tte_tmp_sweep(const char *out)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(out, '/');
    const char *base = slash ? slash + 1 : out;
    int removed = 0;

    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - out) + 1, out);
    else
        snprintf(dir, sizeof dir, ".");
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        struct stat st;
        if (!tmp_of(e->d_name, base, &pid) || pid == (long)getpid())
            continue;
        /* A process that still runs may be writing it; EPERM means it
         * runs under another user. */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) == 0) {
            log_warn("removed '%s%s', left by process %ld that is no "
                     "longer running",
                     slash ? dir : "", e->d_name, pid);
            removed++;
        } else {
            log_warn("cannot remove '%s%s', left by process %ld: %s",
                     slash ? dir : "", e->d_name, pid, strerror(errno));
        }
    }
    closedir(d);
    return removed;
}
