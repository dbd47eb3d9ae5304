#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tte_config.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_path.h"
#include "tte_str.h"

#ifndef TTE_SYSCONFDIR
#define TTE_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef TTE_DATADIR
#define TTE_DATADIR "/usr/local/share/tte-report"
#endif

/* Every key of the configuration and the JSON types it may hold: a wrong
 * type is an error naming the key, never a silent default ("output_dir": 5
 * would otherwise write to ".", "files": "x.csv" collect nothing). A key
 * not listed is warned about: a misspelt key would otherwise be a setting
 * silently ignored. "[]" stands for any element of a list, "*" for any
 * member of an object; "elem" is the type every element of a list must
 * have. */
enum {
    T_STR = 1,
    T_NUM = 2,
    T_BOOL = 4,
    T_OBJ = 8,
    T_LIST = 16,
};

static const struct config_key {
    const char *key;
    int type;
    int elem;
} config_keys[] = {
    {"agency", T_OBJ, 0},
    {"agency.name", T_STR, 0},
    {"agency.short", T_STR, 0},
    {"agency.unit", T_STR, 0},
    {"agency.address", T_STR, 0},
    {"agency.email", T_STR, 0},
    {"counterparty", T_OBJ, 0},
    {"counterparty.name", T_STR, 0},
    {"counterparty.agency", T_STR, 0},
    {"counterparty.address", T_STR, 0},
    {"counterparty.email", T_STR, 0},
    {"pks", T_OBJ, 0},
    {"pks.bpip", T_STR, 0},
    {"pks.bssn", T_STR, 0},
    {"pks.signed_on", T_STR, 0},
    {"official", T_OBJ, 0},
    {"official.name", T_STR, 0},
    {"official.position", T_STR, 0},
    {"official.nip", T_STR, 0},
    {"official.place", T_STR, 0},
    {"contact", T_OBJ, 0},
    {"contact.name", T_STR, 0},
    {"contact.position", T_STR, 0},
    {"contact.email", T_STR, 0},
    {"contact.phone", T_STR, 0},
    {"zone", T_STR, 0},
    {"database", T_STR, 0},
    {"output_dir", T_STR, 0},
    {"template", T_STR, 0},
    {"html", T_BOOL, 0},
    {"sources", T_LIST, T_OBJ},
    {"sources[].source", T_STR, 0},
    {"sources[].files", T_LIST, T_STR},
    {"sources[].zone", T_STR, 0},
    {"evidence", T_OBJ, 0},
    {"evidence.ca", T_STR, 0},
    {"evidence.apps", T_OBJ, 0},
    {"evidence.apps.*", T_STR | T_LIST, T_STR},
    {"evidence.statements", T_LIST, T_STR},
    {"evidence.max_memory", T_NUM, 0},
    {"evidence.timeout", T_NUM, 0},
    {"mail", T_OBJ, 0},
    {"mail.smtp", T_STR, 0},
    {"mail.from", T_STR, 0},
    {"mail.to", T_STR | T_LIST, T_STR},
    {"mail.cc", T_STR | T_LIST, T_STR},
    {"mail.reply_to", T_STR, 0},
    {"mail.user", T_STR, 0},
    {"mail.password_file", T_STR, 0},
    {"mail.cacert", T_STR, 0},
    {"mail.contact", T_STR, 0},
    {"mail.subject", T_STR, 0},
    {"mail.timeout", T_NUM, 0},
    {"smime", T_OBJ, 0},
    {"smime.sign_cert", T_STR, 0},
    {"smime.sign_key", T_STR, 0},
    {"smime.sign_key_password_file", T_STR, 0},
    {"smime.sign_p12", T_STR, 0},
    {"smime.encrypt_to", T_STR | T_LIST, T_STR},
};

#define N_KEYS (sizeof config_keys / sizeof config_keys[0])

static int
json_type(const cJSON *v)
{
    return cJSON_IsString(v)   ? T_STR
           : cJSON_IsNumber(v) ? T_NUM
           : cJSON_IsBool(v)   ? T_BOOL
           : cJSON_IsObject(v) ? T_OBJ
           : cJSON_IsArray(v)  ? T_LIST
                               : 0;
}

static const char *
one_type(int t)
{
    return t == T_STR    ? "a string"
           : t == T_NUM  ? "a number"
           : t == T_BOOL ? "true or false"
           : t == T_OBJ  ? "an object"
                         : "a list";
}

/* "a string or a list of strings", for the message. */
static void
type_text(const struct config_key *k, char *out, size_t n)
{
    static const char *const plural[] = {
        [T_STR] = "strings",
        [T_NUM] = "numbers",
        [T_BOOL] = "true or false",
        [T_OBJ] = "objects",
    };
    size_t len = 0;
    out[0] = '\0';
    for (int t = T_STR; t <= T_LIST; t <<= 1) {
        if (!(k->type & t))
            continue;
        len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s",
                                len ? " or " : "", one_type(t));
        if (t == T_LIST && k->elem && len < n)
            len += (size_t)snprintf(out + len, n - len, " of %s",
                                    plural[k->elem]);
    }
}

/* Whether a table key ("evidence.apps.*") matches a generic path
 * ("evidence.apps.esurat"). */
static bool
key_matches(const char *key, const char *path)
{
    while (*key && *path) {
        if (*key == '*') {
            key++;
            path += strcspn(path, ".[");
            continue;
        }
        if (*key++ != *path++)
            return false;
    }
    return !*key && !*path;
}

static const struct config_key *
key_find(const char *path)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (key_matches(config_keys[i].key, path))
            return &config_keys[i];
    return NULL;
}

/* Edit distance of two short names, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 64 || lb >= 64)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The closest known key beside an unknown one (same parent), or NULL. */
static const char *
suggest(const char *parent, const char *name)
{
    const char *best = NULL;
    size_t best_d = 3, plen = strlen(parent);
    for (size_t i = 0; i < N_KEYS; i++) {
        const char *k = config_keys[i].key;
        if (strncmp(k, parent, plen) != 0 || strchr(k + plen, '.') ||
            strchr(k + plen, '['))
            continue;
        size_t d = distance(name, k + plen);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

/* tte-report has warned about the unknown keys already when it runs the
 * stages: said once, not once per stage. */
static bool quiet_unknown;

static void
warn_unknown(const char *file, const char *gen, const char *shown,
             const char *name)
{
    char parent[256];
    if (quiet_unknown)
        return;
    snprintf(parent, sizeof parent, "%s%s", gen, *gen ? "." : "");
    const char *near = suggest(parent, name);
    if (near)
        log_warn("%s: unknown key %s%s%s (did you mean %s%s%s?); ignored",
                 file, shown, *shown ? "." : "", name, shown,
                 *shown ? "." : "", near + strlen(parent));
    else
        log_warn("%s: unknown key %s%s%s; ignored", file, shown,
                 *shown ? "." : "", name);
}

/* Whether node has a type k allows (and a list, elements of its type). */
static bool
type_ok(const cJSON *node, const struct config_key *k)
{
    const cJSON *c;
    int t = json_type(node);
    if (!(k->type & t))
        return false;
    if (t == T_LIST && k->elem)
        cJSON_ArrayForEach (c, node)
            if (!(json_type(c) & k->elem))
                return false;
    return true;
}

static enum tte_err check_node(const char *file, const cJSON *node,
                               const struct config_key *k, const char *gen,
                               const char *shown);

/* A member of an object: a listed key by its name, or by "*" (so a name
 * holding a dot, an application "e.surat", is still checked). */
static enum tte_err
check_member(const char *file, const cJSON *c, const char *gen,
             const char *shown)
{
    char g[256], s[256];
    const char *dot = *gen ? "." : "";
    snprintf(g, sizeof g, "%s%s%s", gen, dot, c->string);
    const struct config_key *k = key_find(g);
    if (!k) {
        snprintf(g, sizeof g, "%s%s*", gen, dot);
        k = key_find(g);
    }
    if (!k) {
        warn_unknown(file, gen, shown, c->string);
        return TTE_OK;
    }
    snprintf(s, sizeof s, "%s%s%s", shown, *shown ? "." : "", c->string);
    return check_node(file, c, k, g, s);
}

/* Checks node against k, then what it holds; gen is its path as the
 * table writes it ("sources[].files"), shown as the operator reads it
 * ("sources[2].files"). */
static enum tte_err
check_node(const char *file, const cJSON *node, const struct config_key *k,
           const char *gen, const char *shown)
{
    char want[96], g[256], s[256];
    const cJSON *c;
    enum tte_err err = TTE_OK;
    int i = 0;

    if (!type_ok(node, k)) {
        type_text(k, want, sizeof want);
        log_err("%s: %s must be %s", file, shown, want);
        return TTE_E_CONFIG;
    }
    struct config_key elem = {gen, k->elem, 0};
    snprintf(g, sizeof g, "%s[]", gen);
    cJSON_ArrayForEach (c, node) {
        if (err)
            break;
        if (cJSON_IsObject(node)) {
            err = check_member(file, c, gen, shown);
            continue;
        }
        snprintf(s, sizeof s, "%s[%d]", shown, i++);
        err = check_node(file, c, &elem, g, s);
    }
    return err;
}

static enum tte_err
check_types(const char *path, const cJSON *config)
{
    static const struct config_key root = {"", T_OBJ, 0};
    const char *checked = getenv("TTE_CONFIG_CHECKED");
    quiet_unknown = checked && strcmp(checked, path) == 0;
    return check_node(path, config, &root, "", "");
}

/* Configuration text ends up in cells, page headers, document properties
 * and mail: it gets the cells' treatment here, once. Invalid UTF-8 becomes
 * the text "\xNN", control characters other than tab and newline go. */
static void
sanitise(cJSON *node, const char *path, const char *key)
{
    cJSON *c;
    cJSON_ArrayForEach (c, node) {
        char sub[256];
        if (c->string)
            snprintf(sub, sizeof sub, "%s%s%s", key ? key : "", key ? "." : "",
                     c->string);
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
                  v[i] != '\n') &&
                v[i] != 0x7f;
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
    /* A FIFO or a device is no input at all (66), not a configuration
     * with mistakes (78); and reading one would hang. */
    err = tte_path_input(path, "configuration");
    if (err)
        return err;
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
