/*
 * The report file, read once. A name that is a FIFO would block the run
 * for ever, /dev/zero would fill memory, a folder reads as nothing: the
 * file type is checked on the opened descriptor before any byte is read,
 * and no more than the file's size (and a bound) is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "send.h"
#include "tte_log.h"
#include "tte_path.h"

/* Far above any report and below what mail servers take. */
#define REPORT_MAX ((off_t)64 << 20)

static enum tte_err
read_all(int fd, const char *path, size_t size, char **out)
{
    char *buf = tte_xmalloc(size + 1);
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            log_err("cannot read '%s': %s", path,
                    n < 0 ? strerror(errno) : "it shrank while being read");
            free(buf);
            return TTE_E_IO;
        }
        got += (size_t)n;
    }
    buf[size] = '\0';
    *out = buf;
    return TTE_OK;
}

enum tte_err
report_read(const char *path, char **data, size_t *len)
{
    struct stat sb;
    const char *why;
    int fd = tte_open_input(path, &sb, &why);
    if (fd < 0) {
        log_err("cannot read report '%s': %s", path, why);
        return TTE_E_NOINPUT;
    }
    if (sb.st_size > REPORT_MAX) {
        log_err("report '%s' is %lld bytes, more than a report can be "
                "(64 MiB): not sent",
                path, (long long)sb.st_size);
        close(fd);
        return TTE_E_DATA;
    }
    enum tte_err err = read_all(fd, path, (size_t)sb.st_size, data);
    close(fd);
    if (!err)
        *len = (size_t)sb.st_size;
    return err;
}
