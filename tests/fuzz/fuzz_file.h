/*
 * The harnesses whose code under test reads a file: each input is written
 * to one file per process, under TMPDIR (run.sh points it at a folder it
 * removes afterwards). The first call also silences the log.
 */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tte_log.h"

static const char *
fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
    static char path[64];
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        tte_log_init("fuzz");
        tte_log_set_level(-1);
        snprintf(path, sizeof path, "%s/tte-fuzz-%d.%s",
                 tmp && *tmp ? tmp : "/tmp", (int)getpid(), ext);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    fwrite(data, 1, size, fp);
    fclose(fp);
    return path;
}

#endif
