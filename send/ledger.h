#ifndef LEDGER_H
#define LEDGER_H

#include <stdbool.h>
#include <stdio.h>
#include <sqlite3.h>

#include "tte_err.h"

struct ledger_entry {
    const char *sha256;
    const char *report_file;
    const char *period;
    const char *recipients;     /* accepted ones, sorted, comma-separated */
    const char *message_id;
    const char *server_reply;
};

/* An earlier delivery to one recipient. */
struct ledger_hit {
    char when[21];              /* UTC, ISO 8601 */
    char message_id[160];
    char sha256[65];            /* of the file that was sent */
};

/* Looks up the latest delivery of the period's report ("2025", "2025Q3")
 * to rcpt: a report rendered again (a new generated-at time, late logs) is
 * still the period's report, and the batch must not send it twice. */
enum tte_err ledger_find(sqlite3 *db, const char *period, const char *rcpt,
                         struct ledger_hit *hit, bool *found);
/* Records a delivery; call only after the server accepted the data. */
enum tte_err ledger_record(sqlite3 *db, const struct ledger_entry *e);
/* Prints every recorded delivery, tab-separated. */
enum tte_err ledger_list(sqlite3 *db, FILE *out);

#endif
