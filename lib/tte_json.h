#ifndef TTE_JSON_H
#define TTE_JSON_H

#include <cjson/cJSON.h>

#include "tte_err.h"

/*
 * Loads a JSON document from path. On a syntax error, logs
 * "file:line: invalid JSON near '...'" and returns TTE_E_CONFIG.
 * On success *out is owned by the caller (cJSON_Delete).
 */
enum tte_err tte_json_load(const char *path, cJSON **out);

/* Reads a whole regular file into a malloc'd NUL-terminated buffer (a
 * FIFO or a device is refused: tte_open_regular). */
enum tte_err tte_read_file(const char *path, char **data, size_t *len);

/* The same, refusing a file longer than max bytes (TTE_E_NOINPUT). */
enum tte_err tte_read_file_max(const char *path, size_t max, char **data,
                               size_t *len);

/* The most tte_json_load reads: configurations, templates and source
 * definitions are a few KiB; more is a wrong file, not one to parse. */
#define TTE_JSON_MAX ((size_t)16 << 20)

/* Looks up a dotted path ("agency.name") in obj; NULL when absent. */
const cJSON *tte_json_get(const cJSON *obj, const char *dotted);

/* String at dotted path, or def when absent or not a string. */
const char *tte_json_str(const cJSON *obj, const char *dotted,
                         const char *def);

#endif
