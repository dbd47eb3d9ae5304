#ifndef WAL_CHECKPOINTER_H
#define WAL_CHECKPOINTER_H

#include <sqlite3.h>

/*
 * Copies the WAL back into the database on a thread and connection of its
 * own, so that the writer goes on inserting while pages are written and
 * synced. Started after the database is open, stopped before it closes.
 */
struct wal_checkpointer;

/* Checkpoints db (a file at path) whenever its WAL passes `bytes`. NULL
 * when a thread or connection cannot be had: db then checkpoints itself. */
struct wal_checkpointer *wal_checkpointer_start(sqlite3 *db, const char *path,
                                                long long bytes);
void wal_checkpointer_stop(struct wal_checkpointer *k);

#endif
