/* A record's verdict: mapping (map.c), filters, normalisation. */
#include <string.h>

#include "map.h"
#include "rowcheck.h"

void
rowcheck_init(struct rowcheck *rc, struct source *src)
{
    memset(rc, 0, sizeof *rc);
    rc->src = src;
    buf_init(&rc->reason);
    buf_init(&rc->scratch);
}

void
rowcheck_free(struct rowcheck *rc)
{
    buf_free(&rc->reason);
    buf_free(&rc->scratch);
}

enum tte_err
rowcheck_header(struct rowcheck *rc, const char *file, char **names,
                size_t n, bool **secret)
{
    return map_header(rc->src, file, names, n, secret);
}

enum row_kind
rowcheck_map(struct rowcheck *rc, const struct record *rec)
{
    bool keep = true;
    buf_reset(&rc->reason);
    memset(rc->row, 0, sizeof rc->row);
    if (!map_record(rc->src, rec, &rc->scratch, rc->row, &keep, &rc->reason))
        return ROW_REJECT;
    return keep ? ROW_MAPPED : ROW_FILTERED;
}

enum row_kind
rowcheck_validate(struct rowcheck *rc)
{
    if (rc->src->kind != KIND_EVENTS)
        return ROW_REGISTRY;
    buf_reset(&rc->reason);
    if (!tte_event_normalize(rc->row, rc->src->zone_offset, &rc->ev,
                             &rc->reason))
        return ROW_REJECT;
    return ROW_EVENT;
}

enum row_kind
rowcheck_record(struct rowcheck *rc, const struct record *rec)
{
    enum row_kind k = rowcheck_map(rc, rec);
    return k == ROW_MAPPED ? rowcheck_validate(rc) : k;
}
