#ifndef TTE_LOG_H
#define TTE_LOG_H

/*
 * Diagnostics, always on stderr, prefixed with the program name
 * ("tte-collect: file:line: what"). stdout is for data only.
 */

enum tte_level { TTE_LOG_ERR, TTE_LOG_WARN, TTE_LOG_INFO, TTE_LOG_DEBUG };

/* Sets the program name printed before every message (borrowed). */
void tte_log_init(const char *progname);

/* -q lowers, each -v raises; default is TTE_LOG_INFO. */
void tte_log_set_level(int level);
int tte_log_level(void);
const char *tte_progname(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
