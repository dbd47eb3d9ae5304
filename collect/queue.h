#ifndef QUEUE_H
#define QUEUE_H

/*
 * A bounded queue between the thread that parses (libcsv or cJSON, then
 * validation) and the thread that writes (SQLite), so that both cores
 * work. Items keep their order: events, rejects and clean points reach
 * the port behind the queue exactly as a single thread would send them.
 */

#include "port.h"

struct queue;

/* Starts a thread that hands every item to `to`; NULL when no thread can
 * be had. */
struct queue *queue_start(const struct port *to);
/* The port that queues items; an operation returns the far side's first
 * error once there is one. */
struct port queue_port(struct queue *q);
/* Flushes, waits for the thread and frees; returns its first error. */
enum tte_err queue_finish(struct queue *q);

#endif
