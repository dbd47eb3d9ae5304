/*
 * One tte-send at a time per database: two runs started together would
 * both find a recipient without a ledger row and both mail it. The lock is
 * an flock(2) on DB-send.lock, held from reading the ledger to recording
 * the server's answer. The kernel drops it when its holder exits, crashed
 * or killed, so no stale claim is ever left; what a crash leaves is a
 * 'pending' row, which the next run reports (--force resends it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "send.h"
#include "tte_log.h"

/* Long enough for another run's whole conversation at the longest
 * --timeout; a scheduler retries after a 75 anyway. */
#define LOCK_WAIT_SECONDS 600

static bool
try_lock(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

enum tte_err
send_lock(const char *db, int *fd_out)
{
    char path[4096];
    struct stat sb;
    if (snprintf(path, sizeof path, "%s-send.lock", db) >= (int)sizeof path) {
        log_err("database path too long: '%s'", db);
        return TTE_E_USAGE;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                  0600);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        log_err("cannot open the send lock '%s': %s", path,
                fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return TTE_E_CANTCREAT;
    }
    bool said = false;
    time_t until = time(NULL) + LOCK_WAIT_SECONDS;
    while (!try_lock(fd)) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            log_err("cannot lock '%s': %s", path, strerror(errno));
            close(fd);
            return TTE_E_IO;
        }
        if (time(NULL) >= until) {
            log_err("another tte-send has been sending from '%s' for %d s "
                    "('%s' is locked): try again later",
                    db, LOCK_WAIT_SECONDS, path);
            close(fd);
            return TTE_E_TEMPFAIL;
        }
        if (!said)
            log_info("waiting for another tte-send on '%s' to finish", db);
        said = true;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    *fd_out = fd;
    return TTE_OK;
}

void
send_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}
