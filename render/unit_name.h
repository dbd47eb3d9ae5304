/* The managing unit as the units registry names it. */
#ifndef UNIT_NAME_H
#define UNIT_NAME_H

struct render;

/* Sets {agency_unit}, the configuration's agency.unit as the units
 * registry names it, warning when the two differ or the registry does
 * not know it. */
void render_agency_unit(struct render *r);

#endif
