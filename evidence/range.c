/* Whether a signature's /ByteRange signs the whole file. */
#include <limits.h>

#include "evidence.h"

/*
 * A detached PDF signature signs every byte but the hole where its own
 * /Contents hex string sits. Anything else is not proof: a range that
 * stops before the end leaves bytes appended after signing (an
 * incremental update) unsigned, and a hole wider than /Contents leaves
 * unsigned room for other content.
 */
bool
ev_range_check(const struct ev_sig *s, long long size, const char **why)
{
    const long long *r = s->range;

    if (s->nrange != 4) {
        *why = "/ByteRange does not hold four numbers";
        return false;
    }
    for (int i = 0; i < 4; i++) {
        if (r[i] < 0 || r[i] > size) {
            *why = "/ByteRange points outside the file";
            return false;
        }
    }
    if (r[0] != 0 || r[1] > r[2]) {
        *why = "/ByteRange does not start at the beginning of the file";
        return false;
    }
    if (r[3] > size - r[2]) {
        *why = "/ByteRange points outside the file";
        return false;
    }
    if (r[2] + r[3] != size) {
        *why = "the file was changed after signing (bytes after the "
               "signed range)";
        return false;
    }
    /* The hole holds "<", two hex digits per byte, ">". */
    if (s->contents_len > (size_t)(size / 2) ||
        r[2] - r[1] != 2 * (long long)s->contents_len + 2) {
        *why = "the unsigned gap in /ByteRange is not just /Contents";
        return false;
    }
    return true;
}

long long
ev_range_end(const struct ev_sig *s)
{
    const long long *r = s->range;
    if (s->nrange != 4 || r[2] < 0 || r[3] < 0 || r[3] > LLONG_MAX - r[2])
        return -1;
    return r[2] + r[3];
}
