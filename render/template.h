/* Template validation. */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include <cjson/cJSON.h>

#include "tte_err.h"

/* Checks a template's structure; errors name the key. */
enum tte_err template_validate(const cJSON *tpl, const char *path);

#endif
