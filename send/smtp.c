/*
 * SMTP through libcurl: STARTTLS required for smtp://, implicit TLS for
 * smtps://, certificate verification always on. The message is uploaded
 * as built, byte for byte. The conversation is watched through the debug
 * callback to learn each recipient's answer and the final reply, and to
 * show it with --verbose without the AUTH exchange.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "send.h"
#include "tte_log.h"

struct upload {
    const char *data;
    size_t len, pos;
};

struct watch {
    struct smtp_result *res;
    bool verbose;
    bool in_auth;   /* between AUTH and its final reply */
    bool in_data;   /* the 354 seen: the next reply ends DATA */
    int code;       /* the last final reply's code */
    char rcpt[256]; /* recipient of the pending RCPT TO */
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
    struct upload *u = arg;
    size_t n = size * nmemb;
    if (n > u->len - u->pos)
        n = u->len - u->pos;
    memcpy(dst, u->data + u->pos, n);
    u->pos += n;
    return n;
}

static void
append(char *list, size_t cap, const char *item)
{
    size_t n = strlen(list);
    snprintf(list + n, cap - n, "%s%s", n ? ", " : "", item);
}

static void
on_reply(struct watch *w, const char *line, size_t n)
{
    int code = n >= 3 ? atoi(line) : 0;
    bool last = n < 4 || line[3] != '-';
    snprintf(w->res->reply, sizeof w->res->reply, "%.*s", (int)n, line);
    if (w->rcpt[0] && last) {
        struct smtp_result *r = w->res;
        if (code >= 200 && code < 300)
            append(r->accepted, sizeof r->accepted, w->rcpt);
        else
            append(r->refused, sizeof r->refused, w->rcpt);
        if (r->nrcpt < sizeof r->rcpt / sizeof r->rcpt[0]) {
            snprintf(r->rcpt[r->nrcpt].addr, sizeof r->rcpt[0].addr, "%s",
                     w->rcpt);
            r->rcpt[r->nrcpt++].code = code;
        }
        w->rcpt[0] = '\0';
    }
    if (last && w->in_data)
        w->res->data_code = code;
    if (last)
        w->in_data = code == 354;
    if (last)
        w->code = code;
    if (w->in_auth && last && code != 334)
        w->in_auth = false;
}

static void
on_command(struct watch *w, const char *line, size_t n)
{
    if (n > 9 && strncasecmp(line, "RCPT TO:<", 9) == 0) {
        const char *end = memchr(line + 9, '>', n - 9);
        size_t k = end ? (size_t)(end - line - 9) : 0;
        snprintf(w->rcpt, sizeof w->rcpt, "%.*s", (int)k, line + 9);
    }
    if (n >= 4 && strncasecmp(line, "AUTH", 4) == 0)
        w->in_auth = true;
}

static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    struct watch *w = arg;
    (void)h;
    while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        size--;
    if (type == CURLINFO_HEADER_IN) {
        on_reply(w, data, size);
        if (w->verbose)
            fprintf(stderr, "< %.*s\n", (int)size, data);
    } else if (type == CURLINFO_HEADER_OUT) {
        bool secret = w->in_auth ||
                      (size >= 4 && strncasecmp(data, "AUTH", 4) == 0);
        on_command(w, data, size);
        if (w->verbose)
            fprintf(stderr, "> %.*s\n", (int)(secret ? 4 : size),
                    secret ? "AUTH" : data);
        if (w->verbose && secret)
            fprintf(stderr, "  (credentials redacted)\n");
    } else if (type == CURLINFO_TEXT && w->verbose) {
        fprintf(stderr, "* %.*s\n", (int)size, data);
    }
    return 0;
}

bool
smtp_url_loopback(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    struct in_addr a4;
    bool ok = false;

    /* The host as curl will use it: "smtp://localhost@evil.example" is
     * evil.example, "smtp://127.evil.example" is no address. */
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
        if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
            ok = true;
        else if (inet_pton(AF_INET, host, &a4) == 1)
            ok = (ntohl(a4.s_addr) >> 24) == 127;
    }
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* What a scheduler should do about a failure: retry later or not. */
static enum tte_err
classify(CURLcode rc, long smtp_code)
{
    if (smtp_code >= 400 && smtp_code < 500)
        return TTE_E_TEMPFAIL;
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return TTE_E_TEMPFAIL;
    default: return TTE_E_UNAVAILABLE;
    }
}

static struct curl_slist *
recipients(const struct mail *m)
{
    struct curl_slist *l = NULL;
    for (size_t i = 0; i < m->nto; i++)
        l = curl_slist_append(l, m->to[i]);
    for (size_t i = 0; i < m->ncc; i++)
        l = curl_slist_append(l, m->cc[i]);
    return l;
}

/* A guarantee (TLS required, the peer verified, bounded waits, SMTP
 * only) that libcurl did not take must stop the send, not weaken it: the
 * option is named so that the operator knows which. */
#define SETOPT(h, opt, val) \
    do { \
        CURLcode c_ = curl_easy_setopt(h, opt, val); \
        if (c_ != CURLE_OK) { \
            log_err("libcurl refused %s (%s): not sending", #opt, \
                    curl_easy_strerror(c_)); \
            return TTE_E_UNAVAILABLE; \
        } \
    } while (0)

static enum tte_err
set_tls(CURL *h, const struct smtp_opts *o)
{
    bool smtps = strncasecmp(o->url, "smtps://", 8) == 0;
    if (!smtps)
        SETOPT(h, CURLOPT_USE_SSL,
               o->allow_plaintext ? (long)CURLUSESSL_NONE
                                  : (long)CURLUSESSL_ALL);
    SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->cacert)
        SETOPT(h, CURLOPT_CAINFO, o->cacert);
    return TTE_OK;
}

static enum tte_err
set_limits(CURL *h, const struct smtp_opts *o)
{
    /* Never another protocol, whatever the URL or a server says. */
    SETOPT(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SETOPT(h, CURLOPT_CONNECTTIMEOUT, o->timeout);
    /* A server that stops answering (after DATA, say) is given up after
     * the timeout, not curl's own minutes: each reply, and any stall of
     * the upload, is bounded by it. */
    SETOPT(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, o->timeout);
    SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    SETOPT(h, CURLOPT_LOW_SPEED_TIME, o->timeout);
    return TTE_OK;
}

static enum tte_err
set_message(CURL *h, struct curl_slist *rcpt, const char *from,
            struct upload *up)
{
    SETOPT(h, CURLOPT_MAIL_FROM, from);
    SETOPT(h, CURLOPT_MAIL_RCPT, rcpt);
    /* Go on when some recipients are refused; we report which. */
    SETOPT(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    SETOPT(h, CURLOPT_UPLOAD, 1L);
    SETOPT(h, CURLOPT_READFUNCTION, read_cb);
    SETOPT(h, CURLOPT_READDATA, up);
    SETOPT(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->len);
    return TTE_OK;
}

static enum tte_err
set_all(CURL *h, const struct smtp_opts *o, struct curl_slist *rcpt,
        const char *from, struct upload *up, struct watch *w, char *errbuf)
{
    enum tte_err err;
    SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
    SETOPT(h, CURLOPT_URL, o->url);
    SETOPT(h, CURLOPT_VERBOSE, 1L);
    SETOPT(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    SETOPT(h, CURLOPT_DEBUGDATA, w);
    if (o->user) {
        SETOPT(h, CURLOPT_USERNAME, o->user);
        SETOPT(h, CURLOPT_PASSWORD, o->password ? o->password : "");
    }
    err = set_message(h, rcpt, from, up);
    if (!err)
        err = set_limits(h, o);
    if (!err)
        err = set_tls(h, o);
    return err;
}

/* Everything from the first ':' after the scheme to the last '@' is
 * taken for a password: a password holding '/', '?' or '#' would end the
 * authority early and slip through a stricter parse. */
void
smtp_url_redact(const char *url, char *out, size_t cap)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    const char *at = strrchr(auth, '@');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) {
        snprintf(out, cap, "%s", url);
        return;
    }
    snprintf(out, cap, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

enum tte_err
smtp_send(const struct smtp_opts *o, const struct mail *m,
          const struct tte_buf *msg, struct smtp_result *res)
{
    struct upload up = {msg->data, msg->len, 0};
    struct watch w = {.res = res, .verbose = o->verbose};
    char errbuf[CURL_ERROR_SIZE] = "";
    char from[300], shown[512];
    long code = 0;
    enum tte_err err = TTE_OK;

    memset(res, 0, sizeof *res);
    CURL *h = curl_easy_init();
    if (!h)
        return TTE_E_NOMEM;
    struct curl_slist *rcpt = recipients(m);
    snprintf(from, sizeof from, "<%s>", m->from);
    err = set_all(h, o, rcpt, from, &up, &w, errbuf);
    if (err) {
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(h);
        return err;
    }
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    res->delivered = res->data_code == 250;
    if (rc != CURLE_OK) {
        /* 354 is the go-ahead for the data: all of it sent, no answer. */
        res->unknown = up.pos == up.len && w.code == 354;
        err = classify(rc, code);
        smtp_url_redact(o->url, shown, sizeof shown);
        log_err("sending to %s failed: %s%s%s", shown,
                errbuf[0] ? errbuf : curl_easy_strerror(rc),
                res->reply[0] ? "; server said: " : "", res->reply);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return err;
}
