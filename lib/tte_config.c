#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tte_config.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_util.h"

#ifndef TTE_SYSCONFDIR
#define TTE_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef TTE_DATADIR
#define TTE_DATADIR "/usr/local/share/tte-report"
#endif

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
        cJSON_Delete(*out);
        return TTE_E_CONFIG;
    }
    if (!err && found)
        *found = xstrdup(path);
    return err;
}

char *
tte_find_data(const char *name)
{
    char path[8300], exe[4096];
    if (access(name, R_OK) == 0 || name[0] == '/')
        return access(name, R_OK) == 0 ? xstrdup(name) : NULL;
    /* A build tree: bin/tte-x finds ../templates beside it. */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, sizeof path, "%s/../%s", exe, name);
            if (access(path, R_OK) == 0)
                return xstrdup(path);
        }
    }
    snprintf(path, sizeof path, "%s/%s", TTE_DATADIR, name);
    if (access(path, R_OK) == 0)
        return xstrdup(path);
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
