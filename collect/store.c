/* Writing events and rejects, with the dedupe rule of DESIGN.md. */
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "tte_db.h"
#include "tte_log.h"

struct store {
    sqlite3 *db;
    sqlite3_stmt *find;
    sqlite3_stmt *insert;
    sqlite3_stmt *reject;
};

void
store_close(struct store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->find);
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->reject);
    free(s);
}

enum tte_err
store_open(sqlite3 *db, struct store **out)
{
    struct store *s = xcalloc(1, sizeof *s);
    s->db = db;
    s->find = tte_db_prepare(db,
        "SELECT 1 FROM events WHERE key = ?1 AND t = ?2 AND app = ?3"
        " AND signer = ?4 AND doc_id = ?5 AND result = ?6 LIMIT 1");
    s->insert = tte_db_prepare(db,
        "INSERT INTO events(key, t, app, unit, signer, nik, nip, name,"
        " position, cert_type, cert_serial, doc_id, doc_type, doc_number,"
        " visibility, auth_method, api_version, http_status, status_code,"
        " result, message, duration_ms, footer, file_id, line) VALUES"
        " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)");
    s->reject = tte_db_prepare(db,
        "INSERT INTO rejects(file_id, source, file, line, reason, raw)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s->find || !s->insert || !s->reject) {
        store_close(s);
        return TTE_E_IO;
    }
    *out = s;
    return TTE_OK;
}

static const char *
nz(const char *s)
{
    return s ? s : "";
}

static void
bind_optional_int(sqlite3_stmt *st, int i, long long v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static enum tte_err
find_duplicate(struct store *s, const struct tte_event *ev, bool *dup)
{
    sqlite3_stmt *st = s->find;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)ev->key);
    sqlite3_bind_int64(st, 2, ev->t);
    sqlite3_bind_text(st, 3, ev->v[F_APP], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ev->signer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, nz(ev->v[F_DOC_ID]), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ev->v[F_RESULT], -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tte_db_err(s->db, rc);
    *dup = rc == SQLITE_ROW;
    return TTE_OK;
}

enum tte_err
store_event(struct store *s, const struct tte_event *ev, long long file_id,
            size_t line, bool *dup)
{
    static const enum tte_field text_cols[] = {
        F_NIK, F_NIP, F_NAME, F_POSITION, F_CERT_TYPE, F_CERT_SERIAL};
    static const enum tte_field tail_cols[] = {
        F_DOC_TYPE, F_DOC_NUMBER, F_VISIBILITY, F_AUTH_METHOD,
        F_API_VERSION};
    sqlite3_stmt *st = s->insert;
    enum tte_err err = find_duplicate(s, ev, dup);
    int i = 1;

    if (err || *dup)
        return err;
    sqlite3_bind_int64(st, i++, (sqlite3_int64)ev->key);
    sqlite3_bind_int64(st, i++, ev->t);
    sqlite3_bind_text(st, i++, ev->v[F_APP], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, ev->v[F_UNIT], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, ev->signer, -1, SQLITE_STATIC);
    for (size_t k = 0; k < sizeof text_cols / sizeof text_cols[0]; k++)
        tte_bind_text(st, i++, ev->v[text_cols[k]]);
    sqlite3_bind_text(st, i++, nz(ev->v[F_DOC_ID]), -1, SQLITE_STATIC);
    for (size_t k = 0; k < sizeof tail_cols / sizeof tail_cols[0]; k++)
        tte_bind_text(st, i++, ev->v[tail_cols[k]]);
    bind_optional_int(st, i++, ev->http_status);
    tte_bind_text(st, i++, ev->v[F_STATUS_CODE]);
    sqlite3_bind_text(st, i++, ev->v[F_RESULT], -1, SQLITE_STATIC);
    tte_bind_text(st, i++, ev->v[F_MESSAGE]);
    bind_optional_int(st, i++, ev->duration_ms);
    bind_optional_int(st, i++, ev->footer);
    sqlite3_bind_int64(st, i++, file_id);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)line);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(s->db, rc);
    return TTE_OK;
}

enum tte_err
store_reject(struct store *s, long long file_id, const char *source,
             const char *file, size_t line, const char *reason,
             const char *raw)
{
    sqlite3_stmt *st = s->reject;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)line);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, raw ? raw : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return tte_db_err(s->db, rc);
    return TTE_OK;
}
