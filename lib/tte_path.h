#ifndef TTE_PATH_H
#define TTE_PATH_H

#include <stddef.h>

#include "tte_err.h"

/*
 * An output must never replace an input (the database and its journals,
 * a template, the configuration, a log), whatever the path's spelling.
 * Returns the first of inputs[0..n) that out is (the same device and
 * inode; when out does not exist yet, the same name once its folder is
 * resolved), or NULL. NULL entries are skipped.
 */
const char *tte_path_clash(const char *out, const char *const *inputs,
                           size_t n);

/*
 * Inputs are regular files: a FIFO, a device, a socket or a folder given as
 * a configuration, template or database would hang the program or feed it
 * without end (/dev/zero). When path exists and is not a regular file,
 * says so (naming what, e.g. "--config") and returns TTE_E_NOINPUT;
 * otherwise TTE_OK (a missing file is the caller's to report). Never
 * blocks: stat(2) does not open the file.
 */
enum tte_err tte_path_input(const char *path, const char *what);

/*
 * Opens path for reading only if it is a regular file, and never blocks:
 * a FIFO opened as a log, a report or a certificate would hang the run,
 * a device feed it for ever. Returns the descriptor (O_CLOEXEC, blocking
 * again) with *sb (when not NULL) filled, or -1 with *why saying why ("a FIFO, not a
 * regular file", or strerror), to follow "cannot read 'PATH': ". Logs nothing: the
 * caller names what the file was for.
 */
struct stat;
int tte_open_input(const char *path, struct stat *sb, const char **why);

/*
 * Opens path for reading, refusing anything but a regular file without
 * blocking (a FIFO is opened non-blocking, then refused). Logs why and
 * returns TTE_E_NOINPUT, or TTE_OK with *fd open (O_CLOEXEC, blocking).
 */
enum tte_err tte_open_regular(const char *path, int *fd);

/*
 * An output is written as OUT.tmpPID and renamed when complete; a render
 * killed on the way (kill -9, a crash, power) leaves its temporary, which
 * holds the report's personal data. Removes every OUT.tmpPID in out's
 * folder whose process is no longer running, saying so for each. Returns
 * how many were removed.
 */
int tte_tmp_sweep(const char *out);

#endif
