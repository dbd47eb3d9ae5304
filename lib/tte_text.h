#ifndef TTE_TEXT_H
#define TTE_TEXT_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "tte_alloc.h"
#include "tte_period.h"
#include "tte_buf.h"
#include "tte_str.h"

/*
 * Placeholder expansion for report and mail text: "{year}", "{agency.name}".
 * A name is looked up in the variables first, then as a dotted path in the
 * configuration. Texts the reader sees come from templates, never from C.
 */
struct tte_vars {
    char *names[48];
    char *values[48];
    size_t n;
};

void tte_vars_set(struct tte_vars *v, const char *name, const char *value);
const char *tte_vars_get(const struct tte_vars *v, const char *name);
void tte_vars_free(struct tte_vars *v);

/* Returns the expansion, malloc'd. Unknown names expand to "" and are
 * reported once through log_warn. */
char *tte_expand(const char *text, const struct tte_vars *vars,
                 const cJSON *config);

/* "31 Desember 2025" from a date and the template's month names;
 * returns false when months is not an array of 12 strings. */
bool tte_format_date(int y, int m, int d, const cJSON *months, char *out,
                     size_t outsz);

/*
 * Sets the period variables: year, quarter, quarter_roman, period_label,
 * period_start, period_end (Indonesian dates), generated_at (WIB time of
 * as_of), and pks.signed_on_text. labels is the template's "labels".
 */
void tte_period_vars(struct tte_vars *v, const struct tte_period *p,
                     int64_t as_of, const cJSON *labels, const cJSON *config);

/*
 * The report's file name for a period: the template's "file_name" (or
 * "file_name_preview" for a quarter) expanded. Returns malloc'd text.
 */
char *tte_report_file_name(const cJSON *tpl, const cJSON *config,
                           const struct tte_period *p);

/* True when name is a plain file name: not empty, no '/', not "." or
 * "..", so that a template or configuration cannot write elsewhere. */
bool tte_file_name_safe(const char *name);

#endif
