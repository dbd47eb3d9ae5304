/* The managing unit as the units registry names it. */
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "tte_json.h"
#include "tte_log.h"
#include "unit_name.h"

/* The registry's name of a unit by any of its spellings (malloc'd), or
 * NULL; *known is the number of units in the registry. */
static char *
registry_name(sqlite3 *db, const char *unit, long long *known)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;

    *known = 0;
    if (sqlite3_prepare_v2(
            db,
            "SELECT (SELECT u.name FROM units u"
            "  LEFT JOIN unit_alias a ON a.code = u.code"
            "  WHERE a.alias = lower(?1) OR u.name = ?1 LIMIT 1),"
            " (SELECT count(*) FROM units)",
            -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *n = (const char *)sqlite3_column_text(st, 0);
            name = n ? tte_xstrdup(n) : NULL;
            *known = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    return name;
}

/* The cover names units as every sheet does, by the registry's name: the
 * configuration's spelling is used only when the registry does not know
 * it, and a difference is said, so that the configuration is corrected
 * rather than the report reading two names for one unit. */
void
render_agency_unit(struct render *r)
{
    const char *conf = tte_json_str(r->config, "agency.unit", "");
    long long known = 0;
    char *name = *conf ? registry_name(r->db, conf, &known) : NULL;

    if (name && strcmp(name, conf) != 0)
        log_warn("configuration: agency.unit '%s' is named '%s' in the "
                 "units registry; the report uses the registry's name",
                 conf, name);
    else if (!name && known > 0)
        log_warn("configuration: agency.unit '%s' is not in the units "
                 "registry",
                 conf);
    tte_vars_set(&r->vars, "agency_unit", name ? name : conf);
    free(name);
}
