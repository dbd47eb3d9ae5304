#ifndef TTE_PATH_H
#define TTE_PATH_H

#include <stddef.h>

/*
 * An output must never replace an input (the database and its journals,
 * a template, the configuration, a log), whatever the path's spelling.
 * Returns the first of inputs[0..n) that out is (the same device and
 * inode; when out does not exist yet, the same name once its folder is
 * resolved), or NULL. NULL entries are skipped.
 */
const char *tte_path_clash(const char *out, const char *const *inputs,
                           size_t n);

#endif
