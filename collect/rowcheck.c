/* A record's verdict: mapping (map.c), filters, normalisation. */
#include <string.h>

#include "map.h"
#include "rowcheck.h"
#include "tte_log.h"

void
rowcheck_init(struct rowcheck *rc, struct source *src)
{
    memset(rc, 0, sizeof *rc);
    rc->src = src;
    tte_buf_init(&rc->reason);
    tte_buf_init(&rc->scratch);
}

void
rowcheck_free(struct rowcheck *rc)
{
    tte_buf_free(&rc->reason);
    tte_buf_free(&rc->scratch);
}

enum tte_err
rowcheck_header(struct rowcheck *rc, const char *file, char **names, size_t n,
                bool **secret)
{
    return map_header(rc->src, file, names, n, secret);
}

enum row_kind
rowcheck_map(struct rowcheck *rc, const struct record *rec)
{
    bool keep = true;
    tte_buf_reset(&rc->reason);
    memset(rc->row, 0, sizeof rc->row);
    if (!map_record_traced(rc->src, rec, &rc->scratch, rc->row, rc->len, &keep,
                           &rc->reason, rc->trace))
        return ROW_REJECT;
    if (!keep)
        return ROW_FILTERED;
    rc->mapped++;
    for (size_t i = 0; i < rc->src->nfields; i++)
        if (rc->row[i])
            rc->seen |= 1u << i;
    return ROW_MAPPED;
}

void
rowcheck_unused(const struct rowcheck *rc, const char *file)
{
    const struct source *src = rc->src;
    size_t n;
    const char *const *names = kind_fields(src->kind, &n);

    if (!src->path || src->format != FMT_JSONL || !rc->mapped)
        return;
    for (size_t i = 0; i < src->nfields; i++) {
        const struct src_field *f = &src->fields[i];
        if (f->column && !f->constant && !(rc->seen & (1u << i)))
            log_warn("%s: path '%s' (mapped to %s by %s) is in none of "
                     "the %lld rows read",
                     file, f->column, names[i], src->path, rc->mapped);
    }
}

bool
rowcheck_event(const struct source *src, char **row, const size_t *lens,
               struct tte_event *ev, struct tte_buf *reason)
{
    if (!tte_event_normalize(row, lens, src->zone_offset, ev, reason))
        return false;
    if (ev->t >= src->time_min && ev->t <= src->time_max)
        return true;
    tte_buf_printf(reason, "time '%.*s' is ", (int)ev->len[F_TIME],
                   ev->v[F_TIME]);
    source_window_reason(src, reason);
    return false;
}

enum row_kind
rowcheck_validate(struct rowcheck *rc)
{
    if (rc->src->kind != KIND_EVENTS)
        return ROW_REGISTRY;
    tte_buf_reset(&rc->reason);
    if (!rowcheck_event(rc->src, rc->row, rc->len, &rc->ev, &rc->reason))
        return ROW_REJECT;
    return ROW_EVENT;
}

enum row_kind
rowcheck_record(struct rowcheck *rc, const struct record *rec)
{
    enum row_kind k = rowcheck_map(rc, rec);
    return k == ROW_MAPPED ? rowcheck_validate(rc) : k;
}
