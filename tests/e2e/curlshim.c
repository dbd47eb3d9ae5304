/*
 * LD_PRELOAD shim for tests: curl_easy_setopt fails (as a libcurl built
 * without the feature would) for the option named by FAIL_CURLOPT, e.g.
 * FAIL_CURLOPT=CURLOPT_USE_SSL; every other call goes to libcurl.
 */
#define _GNU_SOURCE
#define CURL_DISABLE_TYPECHECK
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#undef curl_easy_setopt

typedef CURLcode (*setopt_fn)(CURL *, CURLoption, ...);

#define OPT(o) \
    { \
#o, o \
    }
static const struct {
    const char *name;
    CURLoption opt;
} known[] = {
    OPT(CURLOPT_USE_SSL),
    OPT(CURLOPT_SSL_VERIFYPEER),
    OPT(CURLOPT_SSL_VERIFYHOST),
    OPT(CURLOPT_PROTOCOLS_STR),
    OPT(CURLOPT_SERVER_RESPONSE_TIMEOUT),
    OPT(CURLOPT_CONNECTTIMEOUT),
    OPT(CURLOPT_LOW_SPEED_TIME),
    OPT(CURLOPT_CAINFO),
};

CURLcode
curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
    static setopt_fn real;
    const char *fail = getenv("FAIL_CURLOPT");
    va_list ap;
    /* Every option's value (long, pointer, curl_off_t) is one 64-bit
     * argument on the platforms the tests run on. */
    va_start(ap, opt);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    for (size_t i = 0; fail && i < sizeof known / sizeof known[0]; i++)
        if (known[i].opt == opt && strcmp(known[i].name, fail) == 0)
            return CURLE_UNKNOWN_OPTION;
    if (!real)
        real = (setopt_fn)dlsym(RTLD_NEXT, "curl_easy_setopt");
    return real(h, opt, arg);
}
