/* JSON helpers for the JSONL reader: paths, exact numbers, redaction. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json_path.h"
#include "tte_secret.h"

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
            return k + 1; /* not escaped */
        j = k + 1;
    }
}

void
json_quote_numbers(const char *in, size_t n, struct tte_buf *out)
{
    size_t i = 0;
    tte_buf_reset(out);
    while (i < n) {
        /* Copy up to the next string or possible number in one go. */
        size_t j = i;
        while (j < n && in[j] != '"' && in[j] != '-' &&
               (in[j] < '0' || in[j] > '9'))
            j++;
        tte_buf_add(out, in + i, j - i);
        i = j;
        if (i >= n)
            break;
        if (in[i] == '"') {
            j = string_end(in, n, i);
            tte_buf_add(out, in + i, j - i);
            i = j;
            continue;
        }
        size_t len = number_len(in + i, n - i);
        if (!len) {
            tte_buf_addc(out, in[i++]);
            continue;
        }
        tte_buf_addc(out, '"');
        tte_buf_add(out, in + i, len);
        tte_buf_addc(out, '"');
        i += len;
    }
}

const char *
json_scalar(const void *item, bool *bad, char num[32])
{
    const cJSON *v = item;
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v)) {
        snprintf(num, 32, "%d", cJSON_IsTrue(v) ? 1 : 0);
        return num;
    }
    /* Only whole numbers below 2^53 are left as numbers by the reader
     * (json_numbers_exact); they print back exactly. */
    if (cJSON_IsNumber(v)) {
        snprintf(num, 32, "%.0f", v->valuedouble);
        return num;
    }
    *bad = true;
    return NULL;
}

bool
json_numbers_exact(const void *item)
{
    const cJSON *v = item, *c;
    if (cJSON_IsNumber(v))
        return fabs(v->valuedouble) < 9007199254740992.0 &&
               v->valuedouble == floor(v->valuedouble);
    cJSON_ArrayForEach (c, v)
        if (!json_numbers_exact(c))
            return false;
    return true;
}

/* Index just past the JSON value starting at in[j]: a string, an object
 * or array (nesting counted, strings skipped), or a bare token. */
static size_t
value_end(const char *in, size_t n, size_t j)
{
    if (j >= n)
        return n;
    if (in[j] == '"')
        return string_end(in, n, j);
    if (in[j] == '{' || in[j] == '[') {
        int depth = 0;
        while (j < n) {
            if (in[j] == '"') {
                j = string_end(in, n, j);
                continue;
            }
            depth += (in[j] == '{' || in[j] == '[') -
                     (in[j] == '}' || in[j] == ']');
            j++;
            if (depth == 0)
                return j;
        }
        return n;
    }
    while (j < n && !strchr(",}]", in[j]))
        j++;
    return j;
}

/* The name of the key in in[0..n) (between its quotes) into out, with its
 * escapes undone the way a JSON parser reads them, so that
 * "pass\u0070hrase" is seen as passphrase. Characters past ASCII become
 * '?': every secret's name is ASCII. */
static void
key_name(const char *in, size_t n, char *out, size_t outsz)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < outsz; i++) {
        char c = in[i];
        if (c == '\\' && i + 1 < n && in[i + 1] == 'u' && i + 5 < n) {
            char hex[5];
            memcpy(hex, in + i + 2, 4);
            hex[4] = '\0';
            unsigned long cp = strtoul(hex, NULL, 16);
            c = cp < 0x80 ? (char)cp : '?';
            i += 5;
        } else if (c == '\\' && i + 1 < n) {
            c = in[++i]; /* \" \\ \/; the others spell no name */
        }
        out[o++] = c;
    }
    out[o] = '\0';
}

bool
json_may_hold_secret(const char *text)
{
    return tte_is_secret_name(text) || strstr(text, "\\u");
}

/* Works on the text, so that a rejected line keeps its own layout and a
 * line that does not parse is redacted too: the value of every key whose
 * name is a secret's becomes "***". */
void
json_redact_text(const char *in, struct tte_buf *out)
{
    size_t n = strlen(in), i = 0;
    tte_buf_reset(out);
    while (i < n) {
        if (in[i] != '"') {
            tte_buf_addc(out, in[i++]);
            continue;
        }
        size_t e = string_end(in, n, i), j = e;
        tte_buf_add(out, in + i, e - i);
        while (j < n && isspace((unsigned char)in[j]))
            j++;
        char key[128];
        size_t klen = e - i >= 2 ? e - i - 2 : 0;
        key_name(in + i + 1, klen, key, sizeof key);
        if (j < n && in[j] == ':' && tte_is_secret_name(key)) {
            j++;
            while (j < n && isspace((unsigned char)in[j]))
                j++;
            tte_buf_add(out, in + e, j - e);
            tte_buf_adds(out, "\"***\"");
            e = value_end(in, n, j);
        }
        i = e;
    }
    if (!out->data)
        tte_buf_add(out, "", 0);
}
