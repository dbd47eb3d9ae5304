#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tte_event.h"
#include "tte_id.h"
#include "tte_time.h"

static const char *const names[F_COUNT] = {
    "time",        "app",         "unit",       "nik",         "nip",
    "name",        "position",    "cert_type",  "cert_serial", "doc_id",
    "doc_type",    "doc_number",  "visibility", "auth_method", "api_version",
    "http_status", "status_code", "result",     "message",     "duration_ms",
    "footer",
};

const char *
tte_field_name(enum tte_field f)
{
    return (unsigned)f < F_COUNT ? names[f] : "?";
}

static void
lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static bool
parse_result(char *s, struct tte_event *ev, struct tte_buf *reason)
{
    lower(s);
    if (strcmp(s, "ok") == 0 || strcmp(s, "fail") == 0)
        return true;
    tte_buf_printf(reason, "result '%s' is neither ok nor fail", s);
    (void)ev;
    return false;
}

/* An absent result is ok when http_status is 2xx (or absent) and
 * no status_code was logged. */
static const char *
derive_result(const struct tte_event *ev)
{
    if (ev->v[F_STATUS_CODE])
        return "fail";
    if (ev->http_status >= 0 &&
        (ev->http_status < 200 || ev->http_status > 299))
        return "fail";
    return "ok";
}

static bool
parse_cert_type(struct tte_event *ev, struct tte_buf *reason)
{
    char *s = ev->v[F_CERT_TYPE];
    if (!s) {
        ev->v[F_CERT_TYPE] = "individu";
        return true;
    }
    lower(s);
    if (strcmp(s, "individu") == 0 || strcmp(s, "individual") == 0 ||
        strcmp(s, "personal") == 0) {
        ev->v[F_CERT_TYPE] = "individu";
        return true;
    }
    if (strcmp(s, "segel") == 0 || strcmp(s, "seal") == 0) {
        ev->v[F_CERT_TYPE] = "segel";
        return true;
    }
    tte_buf_printf(reason, "cert_type '%s' is neither individu nor segel", s);
    return false;
}

static int
parse_flag(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "1") == 0 || tte_str_ieq(s, "true") ||
        tte_str_ieq(s, "ya") || tte_str_ieq(s, "yes") || tte_str_ieq(s, "y"))
        return 1;
    if (strcmp(s, "0") == 0 || tte_str_ieq(s, "false") ||
        tte_str_ieq(s, "tidak") || tte_str_ieq(s, "no") || tte_str_ieq(s, "n"))
        return 0;
    return -1;
}

static bool
check_identity(struct tte_event *ev, struct tte_buf *reason)
{
    const char *nik = ev->v[F_NIK], *nip = ev->v[F_NIP];
    const char *serial = ev->v[F_CERT_SERIAL];

    if (!tte_ids_check(nik, nip, reason))
        return false;
    /* A spreadsheet round trip turns long serials into 1.23E+25. */
    if (serial && strpbrk(serial, "eE") && strchr(serial, '.') &&
        strchr(serial, '+')) {
        tte_buf_printf(reason,
                       "cert_serial '%s' looks like a float; export it "
                       "as text",
                       serial);
        return false;
    }
    ev->signer = nik ? F_NIK : nip ? F_NIP : F_CERT_SERIAL;
    if (!ev->v[ev->signer]) {
        tte_buf_adds(reason, "no signer identity (nik, nip or cert_serial)");
        return false;
    }
    return true;
}

static long long
parse_number(const char *s)
{
    long long v;
    if (s && tte_str_to_i64(s, &v) && v >= 0)
        return v;
    /* JSON may carry 200.0; keep the integral part of a clean decimal. */
    if (s && isdigit((unsigned char)*s)) {
        char *dot = strchr(s, '.');
        if (dot && tte_str_digits(dot + 1, strlen(dot + 1)) &&
            tte_str_digits(s, (size_t)(dot - s)))
            return strtoll(s, NULL, 10);
    }
    return -1;
}

bool
tte_event_normalize(char *row[F_COUNT], const size_t *lens, int default_offset,
                    struct tte_event *ev, struct tte_buf *reason)
{
    memset(ev, 0, sizeof *ev);
    for (int f = 0; f < F_COUNT; f++) {
        /* Identifiers lose stray spaces; a text keeps its bytes (RFC
         * 4180: a quoted field's spaces are data), unless it is blank. */
        bool text = f == F_DOC_ID || f == F_DOC_TYPE || f == F_DOC_NUMBER ||
                    f == F_MESSAGE;
        size_t n = 0;
        if (row[f] && text)
            n = !row[f][strspn(row[f], " \t\r\n")] ? 0
                : lens                             ? lens[f]
                                                   : strlen(row[f]);
        else if (row[f])
            n = lens ? tte_str_trim_n(row[f], lens[f])
                     : tte_str_trim_len(row[f]);
        ev->v[f] = n ? row[f] : NULL;
        ev->len[f] = (uint32_t)n;
    }
    if (!ev->v[F_TIME]) {
        tte_buf_adds(reason, "time is empty");
        return false;
    }
    if (!tte_parse_iso8601(ev->v[F_TIME], default_offset, &ev->t)) {
        tte_buf_printf(reason, "cannot parse time '%s'", ev->v[F_TIME]);
        return false;
    }
    if (!ev->v[F_APP]) {
        tte_buf_adds(reason, "app is empty");
        return false;
    }
    if (!ev->v[F_UNIT]) {
        tte_buf_adds(reason, "unit is empty");
        return false;
    }
    if (!check_identity(ev, reason) || !parse_cert_type(ev, reason))
        return false;
    ev->http_status = parse_number(ev->v[F_HTTP_STATUS]);
    /* An unreadable status would otherwise count the row as ok. Three
     * digits at most: some clients log 0 for no response. */
    if (ev->v[F_HTTP_STATUS] &&
        (ev->http_status < 0 || ev->http_status > 999)) {
        tte_buf_printf(reason, "http_status '%s' is not an HTTP status code",
                       ev->v[F_HTTP_STATUS]);
        return false;
    }
    ev->duration_ms = parse_number(ev->v[F_DURATION_MS]);
    ev->footer = parse_flag(ev->v[F_FOOTER]);
    if (ev->v[F_RESULT]) {
        if (!parse_result(ev->v[F_RESULT], ev, reason))
            return false;
    } else {
        ev->v[F_RESULT] = (char *)derive_result(ev);
    }
    /* The only fields given new texts; the lengths spare every later
     * stage a strlen of every field. */
    ev->len[F_CERT_TYPE] = (uint32_t)strlen(ev->v[F_CERT_TYPE]);
    ev->len[F_RESULT] = (uint32_t)strlen(ev->v[F_RESULT]);
    ev->key = tte_event_key(ev);
    return true;
}

/*
 * The key's hash is part of every stored event id: it must never change,
 * and it must be the same on every machine, so words are read as little-
 * endian whatever the CPU. Each string mixes in its length first, which
 * keeps ("ab", "c") apart from ("a", "bc").
 */
static uint64_t
mix(uint64_t h, uint64_t w)
{
    h ^= w;
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 32);
}

static uint64_t
load_le(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return w;
}

static uint64_t
hash_str(uint64_t h, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    h = mix(h, n);
    for (; n >= 8; p += 8, n -= 8)
        h = mix(h, load_le(p, 8));
    return mix(h, load_le(p, n));
}

/* The time leads the key so that logs, written in time order, insert
 * their keys in order too; the low 20 bits hash the other fields. */
uint64_t
tte_event_key(const struct tte_event *ev)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    h = hash_str(h, ev->v[F_APP], ev->len[F_APP]);
    h = hash_str(h, ev->v[ev->signer], ev->len[ev->signer]);
    h = hash_str(h, ev->v[F_DOC_ID], ev->len[F_DOC_ID]);
    h = hash_str(h, ev->v[F_RESULT], ev->len[F_RESULT]);
    uint64_t t = (uint64_t)(ev->t < 0 ? 0 : ev->t) & ((1ULL << 42) - 1);
    return (t << 20) | (h >> 44);
}
