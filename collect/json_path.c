/* JSON helpers for the JSONL reader: paths, exact numbers, redaction. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "collect.h"

/* "response.id_dokumen", "files[0].id", "a.b[2]" */
void *
json_get_path(void *obj, const char *path)
{
    cJSON *cur = obj;
    const char *p = path;
    char key[256];

    while (cur && *p) {
        if (*p == '[') {
            char *end;
            long idx = strtol(p + 1, &end, 10);
            if (*end != ']' || idx < 0 || !cJSON_IsArray(cur))
                return NULL;
            cur = cJSON_GetArrayItem(cur, (int)idx);
            p = end + 1;
        } else {
            size_t n = strcspn(p, ".[");
            if (n == 0 || n >= sizeof key)
                return NULL;
            memcpy(key, p, n);
            key[n] = '\0';
            if (!cJSON_IsObject(cur))
                return NULL;
            cur = cJSON_GetObjectItemCaseSensitive(cur, key);
            p += n;
        }
        if (*p == '.')
            p++;
    }
    return cur;
}

/* Length of a JSON number (RFC 8259 grammar) at s, or 0 when the token
 * is not one; the parser then reports it. */
static size_t
number_len(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0') {
        i++;
    } else if (i < n && isdigit((unsigned char)s[i])) {
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    } else {
        return 0;
    }
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
        if (i == d)
            return 0;
    }
    return i;
}

/*
 * Wraps number tokens outside strings in quotes. A JSON number starts with
 * '-' or a digit where a value may start; strings are copied verbatim with
 * their escapes. The result parses to the same structure, with numbers as
 * strings that keep every digit (a 26-digit serial survives).
 */
/* Index just past the string literal opening at in[i] (or n). */
static size_t
string_end(const char *in, size_t n, size_t i)
{
    size_t j = i + 1;
    for (;;) {
        const char *q = memchr(in + j, '"', n - j);
        if (!q)
            return n;
        size_t k = (size_t)(q - in), bs = 0;
        while (k - bs > i + 1 && in[k - bs - 1] == '\\')
            bs++;
        if (bs % 2 == 0)
            return k + 1;       /* not escaped */
        j = k + 1;
    }
}

void
json_quote_numbers(const char *in, size_t n, struct tte_buf *out)
{
    size_t i = 0;
    buf_reset(out);
    while (i < n) {
        /* Copy up to the next string or possible number in one go. */
        size_t j = i;
        while (j < n && in[j] != '"' && in[j] != '-' &&
               (in[j] < '0' || in[j] > '9'))
            j++;
        buf_add(out, in + i, j - i);
        i = j;
        if (i >= n)
            break;
        if (in[i] == '"') {
            j = string_end(in, n, i);
            buf_add(out, in + i, j - i);
            i = j;
            continue;
        }
        size_t len = number_len(in + i, n - i);
        if (!len) {
            buf_addc(out, in[i++]);
            continue;
        }
        buf_addc(out, '"');
        buf_add(out, in + i, len);
        buf_addc(out, '"');
        i += len;
    }
}

const char *
json_scalar(const void *item, bool *bad)
{
    const cJSON *v = item;
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "1" : "0";
    /* Numbers arrive as strings (json_quote_numbers); objects and arrays
     * are not values. */
    *bad = true;
    return NULL;
}

void
json_redact(void *obj)
{
    cJSON *it;
    cJSON *o = obj;
    if (!cJSON_IsObject(o) && !cJSON_IsArray(o))
        return;
    cJSON_ArrayForEach(it, o) {
        if (!it->string || !tte_is_secret_name(it->string)) {
            json_redact(it);
            continue;
        }
        /* Move the key onto the replacement so the object keeps it. */
        cJSON *r = cJSON_CreateString("***");
        r->string = it->string;
        r->type |= it->type & cJSON_StringIsConst;
        it->string = NULL;
        cJSON_ReplaceItemViaPointer(o, it, r);
        it = r;
    }
}

/* A line that cannot be parsed is kept raw, but a secret in it must not
 * be: everything after a secret-looking key up to the next ',' or '}'
 * becomes ***. */
void
json_redact_text(const char *in, struct tte_buf *out)
{
    static const char *const words[] = {"passphrase", "password", "passwd",
                                        "totp", "otp", "pin"};
    size_t n = strlen(in);
    buf_reset(out);
    for (size_t i = 0; i < n;) {
        size_t hit = 0;
        for (size_t w = 0; w < sizeof words / sizeof words[0] && !hit; w++)
            if (strncasecmp(in + i, words[w], strlen(words[w])) == 0)
                hit = strlen(words[w]);
        if (!hit) {
            buf_addc(out, in[i++]);
            continue;
        }
        buf_add(out, in + i, hit);
        i += hit;
        size_t colon = i + strcspn(in + i, ":,}");
        if (colon < n && in[colon] == ':') {
            buf_add(out, in + i, colon + 1 - i);
            buf_adds(out, "\"***\"");
            i = colon + 1 + strcspn(in + colon + 1, ",}");
        }
    }
}
