#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tte_config.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

#ifndef TTE_SYSCONFDIR
#define TTE_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef TTE_DATADIR
#define TTE_DATADIR "/usr/local/share/tte-report"
#endif

/* The configuration's keys and their JSON types: a wrong type is an error
 * naming the key, never a silent default ("output_dir": 5 would otherwise
 * write to "."). Keys not listed are the operator's own and left alone. */
static const struct {
    const char *key;
    int type;                   /* cJSON_String, cJSON_Object, ... */
} config_types[] = {
    {"agency", cJSON_Object},        {"agency.name", cJSON_String},
    {"agency.short", cJSON_String},  {"agency.unit", cJSON_String},
    {"agency.address", cJSON_String}, {"agency.email", cJSON_String},
    {"counterparty", cJSON_Object},  {"counterparty.name", cJSON_String},
    {"counterparty.agency", cJSON_String},
    {"counterparty.address", cJSON_String},
    {"counterparty.email", cJSON_String},
    {"pks", cJSON_Object},           {"pks.bpip", cJSON_String},
    {"pks.bssn", cJSON_String},      {"pks.signed_on", cJSON_String},
    {"official", cJSON_Object},      {"official.name", cJSON_String},
    {"official.position", cJSON_String}, {"official.nip", cJSON_String},
    {"zone", cJSON_String},          {"database", cJSON_String},
    {"output_dir", cJSON_String},    {"template", cJSON_String},
    {"sources", cJSON_Array},        {"mail", cJSON_Object},
    {"mail.smtp", cJSON_String},     {"mail.from", cJSON_String},
    {"mail.reply_to", cJSON_String}, {"mail.user", cJSON_String},
    {"mail.password_file", cJSON_String}, {"mail.cacert", cJSON_String},
    {"mail.contact", cJSON_String},  {"mail.subject", cJSON_String},
    {"mail.timeout", cJSON_Number},
};

static const char *
type_name(int type)
{
    return type == cJSON_Object ? "an object" : type == cJSON_Array
               ? "a list" : type == cJSON_Number ? "a number" : "a string";
}

static enum tte_err
check_types(const char *path, const cJSON *config)
{
    for (size_t i = 0; i < sizeof config_types / sizeof config_types[0];
         i++) {
        const cJSON *v = tte_json_get(config, config_types[i].key);
        if (v && (v->type & 0xFF) != config_types[i].type) {
            log_err("%s: %s must be %s", path, config_types[i].key,
                    type_name(config_types[i].type));
            return TTE_E_CONFIG;
        }
    }
    const cJSON *mail = cJSON_GetObjectItemCaseSensitive(config, "mail");
    static const char *const lists[] = {"to", "cc"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(mail, lists[i]);
        const cJSON *it;
        bool bad = l && !cJSON_IsString(l) && !cJSON_IsArray(l);
        if (cJSON_IsArray(l))
            cJSON_ArrayForEach(it, l)
                bad |= !cJSON_IsString(it);
        if (bad) {
            log_err("%s: mail.%s must be an address or a list of addresses",
                    path, lists[i]);
            return TTE_E_CONFIG;
        }
    }
    return TTE_OK;
}

/* Configuration text ends up in cells, page headers, document properties
 * and mail: it gets the cells' treatment here, once. Invalid UTF-8 becomes
 * the text "\xNN", control characters other than tab and newline go. */
static void
sanitise(cJSON *node, const char *path, const char *key)
{
    cJSON *c;
    cJSON_ArrayForEach(c, node) {
        char sub[256];
        if (c->string)
            snprintf(sub, sizeof sub, "%s%s%s", key ? key : "",
                     key ? "." : "", c->string);
        else
            snprintf(sub, sizeof sub, "%s", key ? key : "");
        sanitise(c, path, sub);
    }
    if (!cJSON_IsString(node) || !node->valuestring)
        return;
    const char *v = node->valuestring;
    size_t n = strlen(v);
    bool clean = tte_utf8_valid(v, n);
    for (size_t i = 0; clean && i < n; i++)
        clean = !((unsigned char)v[i] < 0x20 && v[i] != '\t' &&
                  v[i] != '\n') && v[i] != 0x7f;
    if (clean)
        return;
    struct tte_buf raw, out;
    tte_buf_init(&raw);
    tte_buf_init(&out);
    tte_buf_add_escaped(&raw, v, n);
    tte_buf_add(&out, "", 0);
    for (size_t i = 0; i < raw.len; i++) {
        unsigned char ch = (unsigned char)raw.data[i];
        if ((ch >= 0x20 && ch != 0x7f) || ch == '\t' || ch == '\n')
            tte_buf_addc(&out, (char)ch);
    }
    log_warn("%s: %s: control characters or invalid UTF-8 removed", path,
             key && *key ? key : "(value)");
    cJSON_SetValuestring(node, out.data);
    tte_buf_free(&raw);
    tte_buf_free(&out);
}

enum tte_err
tte_config_load(const char *path, cJSON **out, char **found)
{
    const char *env = getenv("TTE_CONFIG");
    const char *candidates[] = {
        "conf/tte-report.json",
        TTE_SYSCONFDIR "/tte-report/tte-report.json",
    };
    enum tte_err err;

    if (!path && env && *env)
        path = env;
    for (size_t i = 0; !path && i < 2; i++)
        if (access(candidates[i], R_OK) == 0)
            path = candidates[i];
    if (!path) {
        log_warn("no configuration found (conf/tte-report.json); agency "
                 "and PKS fields stay empty");
        *out = cJSON_CreateObject();
        if (found)
            *found = NULL;
        return TTE_OK;
    }
    err = tte_json_load(path, out);
    if (err == TTE_E_NOINPUT)
        return TTE_E_CONFIG;
    if (!err && !cJSON_IsObject(*out)) {
        log_err("%s: the configuration must be a JSON object", path);
        err = TTE_E_CONFIG;
    }
    if (!err)
        err = check_types(path, *out);
    if (err) {
        /* The caller deletes *out too: leave nothing to free twice. */
        cJSON_Delete(*out);
        *out = NULL;
        return err;
    }
    sanitise(*out, path, NULL);
    if (!err && found)
        *found = tte_xstrdup(path);
    return err;
}

char *
tte_find_data(const char *name)
{
    char path[8300], exe[4096];
    if (access(name, R_OK) == 0 || name[0] == '/')
        return access(name, R_OK) == 0 ? tte_xstrdup(name) : NULL;
    /* A build tree: bin/tte-x finds ../templates beside it. */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, sizeof path, "%s/../%s", exe, name);
            if (access(path, R_OK) == 0)
                return tte_xstrdup(path);
        }
    }
    snprintf(path, sizeof path, "%s/%s", TTE_DATADIR, name);
    if (access(path, R_OK) == 0)
        return tte_xstrdup(path);
    return NULL;
}

const char *
tte_official_placeholder(const cJSON *config)
{
    const char *name = tte_json_str(config, "official.name", "");
    const char *nip = tte_json_str(config, "official.nip", "");
    const char *position = tte_json_str(config, "official.position", "");

    if (!*name)
        return "official.name is empty";
    if (!*nip)
        return "official.nip is empty";
    if (strcmp(name, position) == 0)
        return "official.name only repeats official.position";
    return NULL;
}
