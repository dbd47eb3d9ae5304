/* Whether an output path names one of the inputs. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
