/* libFuzzer harness for tte-evidence's own parsing: the normalization
 * that matches the Pasal 4(1)j statement in page text, the records of the
 * text child, and the /ByteRange check. The input is page text; its first 40 bytes also give a range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../evidence/evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long long
num(const uint8_t *p)
{
    long long v;
    memcpy(&v, p, sizeof v);
    return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ev_statements st;
    const char *text = (const char *)data;
    size_t n;

    if (st.n == 0)
        ev_statements_default(&st);
    char *norm = ev_normalize(text, size, &n);
    /* What the matcher relies on: no ASCII space, capital or punctuation
     * survives. */
    for (size_t i = 0; i < n; i++)
        if (norm[i] &&
            strchr(" \t\r\n\f\vABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:-()", norm[i]))
            abort();
    free(norm);
    (void)ev_statements_find(&st, text, size);
    /* The same bytes as what the text child sent back. */
    struct ev_text t;
    char why[256];
    if (ev_text_parse(text, size, &st, &t, why, sizeof why) &&
        (t.page < 0 || (t.page && t.hidden)))
        abort();
    if (size >= 40) {
        struct ev_sig s = {.nrange = 4,
                           .contents_len = (size_t)num(data + 32)};
        const char *why = NULL;
        for (int i = 0; i < 4; i++)
            s.range[i] = num(data + 8 * i);
        long long fsize = (long long)(size * 1000);
        if (ev_range_check(&s, fsize, &why) &&
            (s.range[0] != 0 || s.range[2] + s.range[3] != fsize))
            abort();
        if (!ev_range_check(&s, fsize, &why) && !why)
            abort();
        /* The end of a range is its sum, or -1 when that cannot be. */
        long long end = ev_range_end(&s);
        if (end != -1 && (end < s.range[2] || end < s.range[3]))
            abort();
    }
    return 0;
}
