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
    bool pending;               /* started, the server's 250 not seen */
};

/* Looks up the latest delivery of the period's report ("2025", "2025Q3")
 * to rcpt: a report rendered again (a new generated-at time, late logs) is
 * still the period's report, and the batch must not send it twice. */
enum tte_err ledger_find(sqlite3 *db, const char *period, const char *rcpt,
                         struct ledger_hit *hit, bool *found);
/* Records a delivery about to start, status 'pending', before the message
 * goes out; *id is the row. Any earlier pending row of the same period and
 * recipient is replaced (a --force resend). */
enum tte_err ledger_pending(sqlite3 *db, const struct ledger_entry *e,
                            sqlite3_int64 *id);
/* After the server's answer: accepted marks the row 'sent' with the
 * reply, else the row is removed. */
enum tte_err ledger_settle(sqlite3 *db, sqlite3_int64 id, bool accepted,
                           const char *reply);
/* Prints every recorded delivery, tab-separated. */
enum tte_err ledger_list(sqlite3 *db, FILE *out);

#endif
