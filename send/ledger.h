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

/* Looks up an earlier delivery of this report to these recipients. */
enum tte_err ledger_find(sqlite3 *db, const char *sha, const char *rcpts,
                         char *when, size_t whensz, char *msgid, size_t idsz,
                         bool *found);
/* Records a delivery; call only after the server accepted the data. */
enum tte_err ledger_record(sqlite3 *db, const struct ledger_entry *e);
/* Prints every recorded delivery, tab-separated. */
enum tte_err ledger_list(sqlite3 *db, FILE *out);

#endif
