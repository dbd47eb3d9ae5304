#ifndef TTE_ALLOC_H
#define TTE_ALLOC_H

#include <stddef.h>

/*
 * Allocation that dies with "out of memory" and exit 71 (the CLI's OOM
 * policy, as sqlite's shell_check_oom). Sizes of 0 allocate one byte, so
 * the result is never NULL.
 */
void *tte_xmalloc(size_t n);
void *tte_xcalloc(size_t n, size_t size);
void *tte_xrealloc(void *p, size_t n);
/* Returns a malloc'd copy; the caller frees. */
char *tte_xstrdup(const char *s);
char *tte_xstrndup(const char *s, size_t n);

#endif
