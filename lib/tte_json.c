#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tte_json.h"
#include "tte_log.h"
#include "tte_path.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

enum tte_err
tte_read_file_max(const char *path, size_t max, char **data, size_t *len)
{
    struct tte_buf b;
    char chunk[65536];
    size_t n;
    int fd;

    if (tte_open_regular(path, &fd) != TTE_OK)
        return TTE_E_NOINPUT;
    FILE *fp = fdopen(fd, "rb");
    if (!fp) {
        log_err("cannot open '%s': %s", path, strerror(errno));
        close(fd);
        return TTE_E_NOINPUT;
    }
    tte_buf_init(&b);
    tte_buf_add(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + n > max) {
            log_err("'%s' is larger than %zu MiB; refusing to read it", path,
                    max >> 20);
            fclose(fp);
            tte_buf_free(&b);
            return TTE_E_NOINPUT;
        }
        tte_buf_add(&b, chunk, n);
    }
    if (ferror(fp)) {
        log_err("cannot read '%s': %s", path, strerror(errno));
        fclose(fp);
        tte_buf_free(&b);
        return TTE_E_IO;
    }
    fclose(fp);
    *data = b.data;
    *len = b.len;
    return TTE_OK;
}

enum tte_err
tte_read_file(const char *path, char **data, size_t *len)
{
    return tte_read_file_max(path, SIZE_MAX, data, len);
}

enum tte_err
tte_json_load(const char *path, cJSON **out)
{
    char *text;
    size_t len;
    const char *end = NULL;
    enum tte_err err = tte_read_file_max(path, TTE_JSON_MAX, &text, &len);

    if (err)
        return err;
    /* cJSON copies a NUL inside a string and C then cuts the key or value
     * there: "sou\0rce" would silently be a key "sou". JSON allows no raw
     * NUL anywhere. */
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        log_err("%s:%zu: a NUL byte, which JSON does not allow", path, line);
        free(text);
        return TTE_E_CONFIG;
    }
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!doc) {
        size_t line = 1;
        const char *where = end ? end : cJSON_GetErrorPtr();
        if (!where || where < text || where > text + len)
            where = text;
        for (const char *p = text; p < where; p++)
            line += *p == '\n';
        log_err("%s:%zu: invalid JSON near '%.20s'", path, line, where);
        free(text);
        return TTE_E_CONFIG;
    }
    free(text);
    *out = doc;
    return TTE_OK;
}

const cJSON *
tte_json_get(const cJSON *obj, const char *dotted)
{
    char key[128];
    const char *p = dotted;

    while (obj && *p) {
        size_t n = strcspn(p, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        obj = cJSON_GetObjectItemCaseSensitive(obj, key);
        p += n;
        if (*p == '.')
            p++;
    }
    return obj;
}

const char *
tte_json_str(const cJSON *obj, const char *dotted, const char *def)
{
    const cJSON *v = tte_json_get(obj, dotted);
    return cJSON_IsString(v) ? v->valuestring : def;
}
