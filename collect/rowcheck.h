#ifndef ROWCHECK_H
#define ROWCHECK_H

/*
 * From a record to what it is: an event, a registry row, a reject (with
 * its reason) or a row a filter drops. Touches no database and no file:
 * the same answers for --check and for collecting.
 */

#include "sink.h"
#include "source.h"
#include "tte_event.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

enum row_kind {
    ROW_MAPPED,   /* mapped, not yet validated (rowcheck_map) */
    ROW_EVENT,    /* ->ev */
    ROW_REGISTRY, /* ->row; registry.c checks it as it stores it */
    ROW_REJECT,   /* ->reason.data */
    ROW_FILTERED,
};

struct rowcheck {
    struct source *src;
    char *row[SRC_MAX_FIELDS];  /* the mapped fields */
    size_t len[SRC_MAX_FIELDS]; /* their lengths */
    struct tte_event ev;
    struct tte_buf reason;
    struct tte_buf scratch; /* texts of row[] */
    uint32_t seen;          /* fields some mapped row had */
    long long mapped;       /* rows mapped and kept */
    /* --check: each field its cleaning changed, as map_record_traced()
     * writes them; NULL when collecting. */
    struct tte_buf *trace;
};

void rowcheck_init(struct rowcheck *rc, struct source *src);
void rowcheck_free(struct rowcheck *rc);
/* The columns of a CSV header (names NULL: none), see map_header(). */
enum tte_err rowcheck_header(struct rowcheck *rc, const char *file,
                             char **names, size_t n, bool **secret);
/* Maps and filters: ROW_MAPPED, ROW_FILTERED or ROW_REJECT. */
enum row_kind rowcheck_map(struct rowcheck *rc, const struct record *rec);
/* Validates a mapped row: ROW_EVENT or ROW_REJECT for events,
 * ROW_REGISTRY for a registry. */
enum row_kind rowcheck_validate(struct rowcheck *rc);
/* A mapped event row normalised into *ev and within the source's
 * plausible time window; false with *reason set otherwise. The writer
 * validates rows handed to it with the same call. */
bool rowcheck_event(const struct source *src, char **row, const size_t *lens,
                    struct tte_event *ev, struct tte_buf *reason);
/* Warns about each JSON path of the definition that no row of the file
 * had: a typo'd key is said, not silently empty. */
void rowcheck_unused(const struct rowcheck *rc, const char *file);
/* Both steps. */
enum row_kind rowcheck_record(struct rowcheck *rc, const struct record *rec);

#endif
