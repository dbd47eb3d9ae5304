#ifndef PORT_H
#define PORT_H

/*
 * What the writer takes, in order: events, rows still to validate,
 * rejects and clean points. writer.c offers it directly; queue.c offers
 * the same operations and hands them to a writer on a thread of its own.
 * The per-file driver picks one of the two, once.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tte_err.h"
#include "tte_event.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_str.h"

struct port {
    void *ctx;
    enum tte_err (*event)(void *ctx, const struct tte_event *ev, size_t line);
    /* A mapped event row not yet validated (lens: its texts' lengths):
     * validated where it is written (raw, redacted first when json, is
     * its reject text). */
    enum tte_err (*row)(void *ctx, char *const *row, const size_t *lens,
                        size_t line, const char *raw, size_t raw_len,
                        bool json);
    enum tte_err (*reject)(void *ctx, size_t line, const char *reason,
                           const char *raw, size_t raw_len);
    /* Everything before offset is read; filtered: rows of this read the
     * source's filter dropped so far, saved with the offset. */
    enum tte_err (*clean_point)(void *ctx, long long offset, size_t line,
                                long long filtered);
    /* A registry row, stored at once; *stored false with *reason set
     * when it is refused. NULL behind a queue. */
    enum tte_err (*registry)(void *ctx, char **row, struct tte_buf *reason,
                             bool *stored);
    /* True when the thread behind the port waits for work; NULL when
     * there is no thread. */
    bool (*idle)(void *ctx);
};

#endif
