/*
 * Only one batch per database: a second run would race the first one's
 * collect and render. flock(2) is released by the kernel when the holder
 * dies, so a crashed run never leaves a stale lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "report.h"
#include "tte_log.h"

enum tte_err
lock_acquire(const char *db_path, int *out)
{
    char path[4096], pid[32] = "";
    snprintf(path, sizeof path, "%s.lock", db_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_err("cannot create lock file '%s': %s", path, strerror(errno));
        return TTE_E_CANTCREAT;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        log_err("another tte-report run (PID %s) holds '%s'; try again "
                "later",
                pid[0] ? pid : "?", path);
        close(fd);
        return TTE_E_TEMPFAIL;
    }
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
        log_warn("cannot write the PID into '%s'", path);
    *out = fd;
    return TTE_OK;
}

void
lock_release(int fd)
{
    if (fd < 0)
        return;
    if (ftruncate(fd, 0) != 0)
        log_debug("cannot clear the lock file");
    close(fd);
}
