/* The reporting official as the approval block shows it. */
#include <string.h>

#include "official.h"
#include "render.h"
#include "tte_json.h"

/* {official_name}, {official_nip}, {official_position}: the
 * configuration's values, a placeholder left empty (a name that only
 * repeats the position is no name), so that the approval block marks the
 * cell to fill in instead of printing a stand-in as if it were real. */
void
render_official_vars(struct render *r)
{
    const char *name = tte_json_str(r->config, "official.name", "");
    const char *nip = tte_json_str(r->config, "official.nip", "");
    const char *position = tte_json_str(r->config, "official.position", "");

    tte_vars_set(&r->vars, "official_name",
                 strcmp(name, position) == 0 ? "" : name);
    tte_vars_set(&r->vars, "official_nip", nip);
    tte_vars_set(&r->vars, "official_position", position);
}
