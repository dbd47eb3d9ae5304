/* The reporting official as the approval block shows it. */
#ifndef OFFICIAL_H
#define OFFICIAL_H

struct render;

/* Sets {official_name}, {official_nip} and {official_position}, a
 * placeholder left empty. */
void render_official_vars(struct render *r);

#endif
