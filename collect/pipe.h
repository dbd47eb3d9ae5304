#ifndef PIPE_H
#define PIPE_H

/*
 * A bounded queue between the thread that parses (libcsv or cJSON, then
 * validation) and the thread that writes (SQLite), so that both cores
 * work. Items keep their order: events, rejects and checkpoints are
 * written exactly as a single thread would write them.
 */

#include "collect.h"

struct pipe;
struct collect;

/* Starts the writer thread for c; it calls the collect_*_now functions. */
struct pipe *pipe_start(struct collect *c);

/* Queue an item; returns the writer's error once it has one. */
enum tte_err pipe_event(struct pipe *p, const struct tte_event *ev,
                        size_t line);
enum tte_err pipe_reject(struct pipe *p, size_t line, const char *reason,
                         const char *raw, size_t raw_len);
enum tte_err pipe_checkpoint(struct pipe *p, long long offset, size_t line);

/* A mapped row not yet validated: the writer validates it (rejecting it
 * with raw when it fails). Used when the writer has nothing queued, so
 * that the idle core takes work from the busy one. */
enum tte_err pipe_row(struct pipe *p, char *const *row, size_t line,
                      const char *raw, size_t raw_len, bool json);
bool pipe_writer_idle(struct pipe *p);

/* Flushes, waits for the writer and frees; returns its first error. */
enum tte_err pipe_finish(struct pipe *p);

#endif
