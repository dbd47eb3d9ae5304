#ifndef STAGING_H
#define STAGING_H

/*
 * Inside the store (store.h, where the crash protocol is written): the
 * staging mark of a file whose rows commit ahead of their keys, and what
 * a run does with one a stopped run left. A process is named by its pid,
 * start, boot and host; only one of this host and boot can be seen to
 * have ended.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "tte_err.h"

/* Names this process as merging file_id's events from first_event and
 * rejects from first_reject on. */
enum tte_err staging_mark(sqlite3 *db, long long file_id, int64_t first_event,
                          int64_t first_reject);
/* The merge of file_id is done (within its transaction). */
enum tte_err staging_clear(sqlite3 *db, long long file_id);
/* Takes out what stopped runs left staged, each said, and adds the
 * files taken out to *taken (unless NULL). A mark of another host or
 * boot is taken out only when operator_said (--recover). TTE_E_TEMPFAIL
 * when a mark stays, each said with the command that clears it. Within
 * a transaction of the caller's. */
enum tte_err staging_recover(sqlite3 *db, bool operator_said,
                             long long *taken);
#endif
