#ifndef STAGING_H
#define STAGING_H

/*
 * A file's rows out of time order are committed before their keys are
 * merged (store.c, writer.c), so that the WAL's copy runs beside the
 * merge. Until the merge commits, the table staging names the file, its
 * first staged event and reject, and the process merging them; the event
 * views leave those events out and tte-aggregate waits. A run killed in
 * between leaves the row: the next tte-collect takes the file's staged
 * events and rejects out (its offset was saved from before them, so the
 * file is read again from there), unless the process named still runs.
 */

#include <stdint.h>
#include <sqlite3.h>

#include "tte_err.h"

/* Names this process as merging file_id's events from first_event and
 * rejects from first_reject on. */
enum tte_err staging_mark(sqlite3 *db, long long file_id, int64_t first_event,
                          int64_t first_reject);
/* The merge of file_id is done (within its transaction). */
enum tte_err staging_clear(sqlite3 *db, long long file_id);
/* Takes out what stopped runs left staged, each said; TTE_E_TEMPFAIL
 * when a process that may still be merging holds a file. Within a
 * transaction of the caller's. */
enum tte_err staging_recover(sqlite3 *db);

#endif
