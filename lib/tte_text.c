#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tte_json.h"
#include "tte_log.h"
#include "tte_text.h"
#include "tte_time.h"

void
tte_vars_set(struct tte_vars *v, const char *name, const char *value)
{
    for (size_t i = 0; i < v->n; i++) {
        if (strcmp(v->names[i], name) == 0) {
            free(v->values[i]);
            v->values[i] = tte_xstrdup(value);
            return;
        }
    }
    if (v->n == sizeof v->names / sizeof v->names[0])
        return;
    v->names[v->n] = tte_xstrdup(name);
    v->values[v->n] = tte_xstrdup(value);
    v->n++;
}

const char *
tte_vars_get(const struct tte_vars *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return v->values[i];
    return NULL;
}

void
tte_vars_free(struct tte_vars *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->names[i]);
        free(v->values[i]);
    }
    v->n = 0;
}

static const char *
lookup(const char *name, const struct tte_vars *vars, const cJSON *config)
{
    const char *s = vars ? tte_vars_get(vars, name) : NULL;
    if (s)
        return s;
    const cJSON *j = config ? tte_json_get(config, name) : NULL;
    if (cJSON_IsString(j))
        return j->valuestring;
    return NULL;
}

char *
tte_expand(const char *text, const struct tte_vars *vars, const cJSON *config)
{
    struct tte_buf b;
    tte_buf_init(&b);
    tte_buf_add(&b, "", 0);
    for (const char *p = text; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        size_t n = close ? (size_t)(close - p - 1) : 0;
        if (!close || n == 0 || n > 63 || memchr(p + 1, ' ', n)) {
            tte_buf_addc(&b, *p++);
            continue;
        }
        char name[64];
        memcpy(name, p + 1, n);
        name[n] = '\0';
        const char *v = lookup(name, vars, config);
        if (!v)
            log_warn("placeholder '{%s}' has no value in the configuration",
                     name);
        tte_buf_adds(&b, v ? v : "");
        p = close + 1;
    }
    return b.data;
}

bool
tte_format_date(int y, int m, int d, const cJSON *months, char *out,
                size_t outsz)
{
    const cJSON *name = cJSON_GetArrayItem(months, m - 1);
    if (cJSON_GetArraySize(months) != 12 || !cJSON_IsString(name)) {
        snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
        return false;
    }
    snprintf(out, outsz, "%d %s %d", d, name->valuestring, y);
    return true;
}

static void
set_date(struct tte_vars *v, const char *var, int64_t t, int offset,
         const cJSON *months)
{
    int y, m, d, h, mi, s;
    char out[64];
    tte_local_fields(t, offset, &y, &m, &d, &h, &mi, &s);
    tte_format_date(y, m, d, months, out, sizeof out);
    tte_vars_set(v, var, out);
}

void
tte_period_vars(struct tte_vars *v, const struct tte_period *p, int64_t as_of,
                const cJSON *labels, const cJSON *config)
{
    const cJSON *months = cJSON_GetObjectItemCaseSensitive(labels, "months");
    const cJSON *roman = cJSON_GetObjectItemCaseSensitive(labels, "quarters");
    const char *zone = tte_json_str(labels, "zone", "WIB");
    int year = p->year, quarter = p->quarter, offset = p->offset;
    char buf[128];
    int y, m, d, h, mi, s;

    snprintf(buf, sizeof buf, "%d", year);
    tte_vars_set(v, "year", buf);
    snprintf(buf, sizeof buf, "%d", quarter);
    tte_vars_set(v, "quarter", buf);
    const cJSON *r = cJSON_GetArrayItem(roman, quarter - 1);
    tte_vars_set(v, "quarter_roman",
                 quarter && cJSON_IsString(r) ? r->valuestring : buf);
    const char *label = tte_json_str(labels,
                                     quarter ? "quarter_period"
                                             : "year_period",
                                     quarter ? "Q{quarter} {year}" : "{year}");
    char *expanded = tte_expand(label, v, config);
    tte_vars_set(v, "period_label", expanded);
    free(expanded);
    set_date(v, "period_start", p->start_utc, offset, months);
    set_date(v, "period_end", p->end_utc - 1, offset, months);
    set_date(v, "generated_on", as_of, offset, months);
    set_date(v, "generated_at", as_of, offset, months);
    tte_local_fields(as_of, offset, &y, &m, &d, &h, &mi, &s);
    snprintf(buf, sizeof buf, "%s %02d.%02d %s",
             tte_vars_get(v, "generated_at"), h, mi, zone);
    tte_vars_set(v, "generated_at", buf);
    const char *pks = tte_json_str(config, "pks.signed_on", NULL);
    if (pks && sscanf(pks, "%4d-%2d-%2d", &y, &m, &d) == 3) {
        tte_format_date(y, m, d, months, buf, sizeof buf);
        tte_vars_set(v, "pks.signed_on_text", buf);
    }
}

char *
tte_report_file_name(const cJSON *tpl, const cJSON *config,
                     const struct tte_period *p)
{
    struct tte_vars v = {0};
    /* The name is the same whatever the report zone: its dates are
     * those of the period in WIB. */
    struct tte_period wib;
    tte_period_init(&wib, p->year, p->quarter, "WIB");
    tte_period_vars(&v, &wib, 0,
                    cJSON_GetObjectItemCaseSensitive(tpl, "labels"), config);
    const char *key = p->quarter ? "file_name_preview" : "file_name";
    char *name = tte_expand(tte_json_str(tpl, key, "laporan-{year}.xlsx"), &v,
                            config);
    tte_vars_free(&v);
    return name;
}

bool
tte_file_name_safe(const char *name)
{
    return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}
