/*
 * The sends table: what was delivered, so that a retried batch never
 * sends the same report to the same recipients twice.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_time.h"

enum tte_err
ledger_find(sqlite3 *db, const char *period, const char *rcpt,
            struct ledger_hit *hit, bool *found)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT sent_at, message_id, report_sha256, status FROM sends"
            " WHERE period = ?1 AND recipients = ?2"
            " ORDER BY sent_at DESC, id DESC LIMIT 1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rcpt, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found) {
        tte_format_utc(sqlite3_column_int64(st, 0), hit->when);
        snprintf(hit->message_id, sizeof hit->message_id, "%s",
                 (const char *)sqlite3_column_text(st, 1) ?: "");
        snprintf(hit->sha256, sizeof hit->sha256, "%s",
                 (const char *)sqlite3_column_text(st, 2) ?: "");
        hit->pending = strcmp((const char *)sqlite3_column_text(st, 3) ?: "",
                              "pending") == 0;
    }
    sqlite3_finalize(st);
    /* Not knowing whether it was sent is not "not sent": that way lies a
     * second copy. */
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

static enum tte_err
insert_send(sqlite3 *db, const struct ledger_entry *e, sqlite3_int64 *id)
{
    sqlite3_stmt *st = tte_db_prepare(
        db,
        "INSERT INTO sends(report_sha256, report_file, period, recipients,"
        " message_id, server_reply, sent_at, status) VALUES (?1, ?2, ?3, ?4,"
        " ?5, NULL, ?6, 'pending')");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_text(st, 1, e->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->report_file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->recipients, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->message_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    *id = sqlite3_last_insert_rowid(db);
    return TTE_OK;
}

static enum tte_err
insert_attempt(sqlite3 *db, const struct ledger_entry *e,
               struct ledger_ids *ids)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "INSERT INTO send_attempts(period, recipient, message_id,"
            " report_sha256, started_at, pid, send_id, signer_serial,"
            " encrypt_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 7, ids->send);
    sqlite3_bind_text(st, 8, e->signer_serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, e->encrypt_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 1, e->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->recipients, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->message_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
    sqlite3_bind_int64(st, 6, (sqlite3_int64)getpid());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    ids->attempt = sqlite3_last_insert_rowid(db);
    return TTE_OK;
}

enum tte_err
ledger_pending(sqlite3 *db, const struct ledger_entry *e,
               struct ledger_ids *ids)
{
    sqlite3_stmt *del = tte_db_prepare(
        db, "DELETE FROM sends WHERE period = ?1 AND recipients = ?2"
            " AND status = 'pending'");
    if (!del)
        return TTE_E_IO;
    sqlite3_bind_text(del, 1, e->period, -1, SQLITE_STATIC);
    sqlite3_bind_text(del, 2, e->recipients, -1, SQLITE_STATIC);
    int rc = sqlite3_step(del);
    sqlite3_finalize(del);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    enum tte_err err = insert_send(db, e, &ids->send);
    return err ? err : insert_attempt(db, e, ids);
}

static enum tte_err
finish_attempt(sqlite3 *db, sqlite3_int64 id, enum ledger_outcome o,
               const char *reply)
{
    static const char *const names[] = {"sent", "retry", "failed"};
    sqlite3_stmt *st = tte_db_prepare(
        db, "UPDATE send_attempts SET outcome = ?2, server_reply = ?3,"
            " ended_at = ?4 WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, names[o], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reply, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
ledger_settle(sqlite3 *db, const struct ledger_ids *ids, enum ledger_outcome o,
              const char *reply)
{
    bool sent = o == LEDGER_SENT;
    sqlite3_stmt *st = tte_db_prepare(
        db, sent ? "UPDATE sends SET status = 'sent', server_reply = ?2,"
                   " sent_at = ?3 WHERE id = ?1"
                 : "DELETE FROM sends WHERE id = ?1");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, ids->send);
    if (sent) {
        sqlite3_bind_text(st, 2, reply, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(db, rc);
    return finish_attempt(db, ids->attempt, o, reply);
}

enum tte_err
ledger_list(sqlite3 *db, FILE *out)
{
    /* --list opens the database read-only, so it is not migrated: one
     * from before the attempts were kept lists empty S/MIME columns. */
    sqlite3_stmt *probe = NULL;
    bool smime = sqlite3_prepare_v2(db,
                                    "SELECT signer_serial FROM"
                                    " send_attempts",
                                    -1, &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    sqlite3_stmt *st = tte_db_prepare(
        db,
        smime
            ? "SELECT s.sent_at, s.period, s.recipients, s.message_id,"
              " s.report_file, substr(s.report_sha256, 1, 12), s.server_reply,"
              " s.status, a.signer_serial, a.encrypt_sha256 FROM sends s"
              " LEFT JOIN send_attempts a ON a.id = (SELECT max(id) FROM"
              " send_attempts WHERE send_id = s.id) ORDER BY s.sent_at, s.id"
            : "SELECT sent_at, period, recipients, message_id, report_file,"
              " substr(report_sha256, 1, 12), server_reply, status, NULL, NULL"
              " FROM sends ORDER BY sent_at, id");
    if (!st)
        return TTE_E_IO;
    fprintf(out, "sent_at (UTC)\tperiod\trecipients\tmessage_id\treport\t"
                 "sha256\tserver_reply\tstatus\tsigner_serial\t"
                 "encrypt_sha256\n");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char iso[21];
        tte_format_utc(sqlite3_column_int64(st, 0), iso);
        fprintf(out, "%s", iso);
        for (int i = 1; i < 10; i++)
            fprintf(out, "\t%s",
                    (const char *)sqlite3_column_text(st, i) ?: "");
        fputc('\n', out);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}
