#ifndef TTE_CONFIG_H
#define TTE_CONFIG_H

#include <cjson/cJSON.h>

#include "tte_err.h"

/*
 * The operator's configuration (conf/tte-report.json): agency and PKS data,
 * zone, paths, sources, mail. Looked up as: the given path, $TTE_CONFIG,
 * ./conf/tte-report.json, SYSCONFDIR/tte-report/tte-report.json.
 * With nothing found and no path given, *out is an empty object.
 */
enum tte_err tte_config_load(const char *path, cJSON **out, char **found);

/*
 * Finds a data file shipped with tte-report (e.g. "templates/default.json"):
 * the name itself when it exists, then DATADIR/tte-report/NAME.
 * Returns a malloc'd path or NULL.
 */
char *tte_find_data(const char *name);

/*
 * Whether the reporting official in the configuration is still a
 * placeholder: no official.name or official.nip, or a name that only
 * repeats official.position. Returns a static reason, or NULL when the
 * official is filled in.
 */
const char *tte_official_placeholder(const cJSON *config);

#endif
