#ifndef CHECKPOINT_H
#define CHECKPOINT_H

#include <sqlite3.h>

/*
 * Copies the WAL back into the database on a thread and connection of its
 * own, so that the writer goes on inserting while pages are written and
 * synced. Started after the database is open, stopped before it closes.
 */
struct checkpointer;

/* Checkpoints db (a file at path) whenever its WAL passes `bytes`. NULL
 * when a thread or connection cannot be had: db then checkpoints itself. */
struct checkpointer *checkpointer_start(sqlite3 *db, const char *path,
                                        long long bytes);
void checkpointer_stop(struct checkpointer *k);

#endif
