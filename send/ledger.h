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
    const char *recipients; /* accepted ones, sorted, comma-separated */
    const char *message_id;
    const char *server_reply;
    const char *signer_serial;  /* S/MIME signer's serial (hex), or NULL */
    const char *encrypt_sha256; /* recipients' certificates, or NULL */
};

/* What came of one attempt for one recipient. */
enum ledger_outcome {
    LEDGER_SENT,  /* accepted at RCPT, then 250 to the end of DATA */
    LEDGER_RETRY, /* 4xx or no connection: a re-run sends again */
    LEDGER_FAILED /* 5xx: refused for good; a re-run tries again */
};

/* The rows of one recipient's attempt: its sends row and its attempt. */
struct ledger_ids {
    sqlite3_int64 send, attempt;
};

/* An earlier delivery to one recipient. */
struct ledger_hit {
    char when[21]; /* UTC, ISO 8601 */
    char message_id[160];
    char sha256[65]; /* of the file that was sent */
    bool pending;    /* started, the server's 250 not seen */
};

/* Looks up the latest delivery of the period's report ("2025", "2025Q3")
 * to rcpt: a report rendered again (a new generated-at time, late logs) is
 * still the period's report, and the batch must not send it twice. */
enum tte_err ledger_find(sqlite3 *db, const char *period, const char *rcpt,
                         struct ledger_hit *hit, bool *found);
/* Records a delivery about to start, status 'pending', before the message
 * goes out, and the attempt; *ids are the rows. Any earlier pending row of
 * the same period and recipient is replaced (a --force resend). */
enum tte_err ledger_pending(sqlite3 *db, const struct ledger_entry *e,
                            struct ledger_ids *ids);
/* After the server's answer: LEDGER_SENT marks the sends row 'sent' with
 * the reply, else that row is removed; the attempt keeps the outcome. */
enum tte_err ledger_settle(sqlite3 *db, const struct ledger_ids *ids,
                           enum ledger_outcome o, const char *reply);
/* Prints every recorded delivery, tab-separated. */
enum tte_err ledger_list(sqlite3 *db, FILE *out);

#endif
