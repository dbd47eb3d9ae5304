/*
 * Writing events and rejects, with the dedupe rule of DESIGN.md. An event
 * is a row of integers: text goes through the strings dictionary. Its id
 * is its dedupe key, so a new event costs one insert; when the id is
 * taken, the stored event is compared field by field: the same event is a
 * duplicate, a different one (a hash collision) moves on to the next id.
 *
 * Ids lead with the time, so a file in time order appends. A file out of
 * order would insert each row on a random page of a table far larger
 * than the page cache; from its first row out of order on, its rows are
 * appended to events_stage instead and merged at the end of the file (or,
 * after a kill, at the next run) in key order: one sort with bounded
 * memory and one pass over the table, whatever the input's order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "dict.h"
#include "tte_db.h"
#include "tte_log.h"

enum { Q_STR_FIND, Q_STR_ADD, Q_EV_GET, Q_EV_ADD, Q_ST_ADD, Q_ST_NEXT,
       Q_ST_CLEAR, Q_ST_ANY, Q_REJECT, Q_DUP_ADD, Q_COUNT };

/* The columns of events and events_stage, in the order of the inserts'
 * parameters and of Q_ST_NEXT's result. */
#define EV_COLS "id, t, app, unit, signer, nik, nip, name, position," \
    " cert_type, cert_serial, doc_id, doc_type, doc_number, visibility," \
    " auth_method, api_version, http_status, status_code, result," \
    " message, duration_ms, footer, file_id, line"
#define EV_NCOLS 25
#define EV_PARAMS "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12," \
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25"
/* Q_ST_NEXT's columns that the dedupe rule compares. */
enum { C_ID = 0, C_T = 1, C_APP = 2, C_SIGNER = 4, C_DOC_ID = 11,
       C_RESULT = 19, C_FILE_ID = 23 };

static const char *const sql[Q_COUNT] = {
    [Q_STR_FIND] = "SELECT id FROM strings WHERE s = ?1",
    [Q_STR_ADD] = "INSERT INTO strings(s) VALUES (?1)",
    [Q_EV_GET] = "SELECT t, app, signer, doc_id, result, file_id"
                 " FROM events WHERE id = ?1",
    [Q_EV_ADD] = "INSERT INTO events(" EV_COLS ") VALUES (" EV_PARAMS ")",
    [Q_ST_ADD] = "INSERT INTO events_stage(" EV_COLS ") VALUES ("
                 EV_PARAMS ")",
    /* seq breaks ties in file order: of equal events the first stays. */
    [Q_ST_NEXT] = "SELECT " EV_COLS " FROM events_stage ORDER BY id, seq",
    [Q_ST_CLEAR] = "DELETE FROM events_stage",
    [Q_ST_ANY] = "SELECT EXISTS (SELECT 1 FROM events_stage)",
    [Q_REJECT] = "INSERT INTO rejects(file_id, source, file, line, reason,"
                 " raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Another file had the event too: owner.c hands it over to that
     * file when the first one is replaced or forgotten. */
    [Q_DUP_ADD] = "INSERT OR IGNORE INTO event_dups(event_id, file_id)"
                  " VALUES (?1, ?2)",
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    struct dict dict;
    /* Of the file begun: the last key inserted directly, and whether its
     * rows go to the stage. */
    int64_t last_key;
    bool staging;
};

void
store_close(struct store *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    dict_free(&s->dict);
    free(s);
}

void
store_file_begin(struct store *s)
{
    s->last_key = 0;
    s->staging = false;
}

enum tte_err
store_open(sqlite3 *db, struct store **out)
{
    struct store *s = tte_xcalloc(1, sizeof *s);
    s->db = db;
    store_file_begin(s);
    /* The merge's sort runs on a second core when there is one. */
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 1);
    for (int i = 0; i < Q_COUNT; i++) {
        s->q[i] = tte_db_prepare(db, sql[i]);
        if (!s->q[i]) {
            store_close(s);
            return TTE_E_IO;
        }
    }
    *out = s;
    return TTE_OK;
}

/* Runs q to its end; *v receives the first column of its row, if any. */
static int
step(struct store *s, int q, int64_t *v)
{
    sqlite3_stmt *st = s->q[q];
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && v)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

void
store_forget(struct store *s)
{
    if (s)
        dict_clear(&s->dict);
}

/* The id of text str (n bytes) in the dictionary, added when new; 0 for
 * NULL. */
static enum tte_err
str_id(struct store *s, const char *str, size_t n, int64_t *id)
{
    *id = 0;
    if (!str)
        return TTE_OK;
    *id = dict_get(&s->dict, str, n);
    if (*id)
        return TTE_OK;
    sqlite3_bind_text(s->q[Q_STR_FIND], 1, str, (int)n, SQLITE_STATIC);
    int rc = step(s, Q_STR_FIND, id);
    if (rc == SQLITE_DONE) {
        sqlite3_bind_text(s->q[Q_STR_ADD], 1, str, (int)n, SQLITE_STATIC);
        rc = step(s, Q_STR_ADD, NULL);
        *id = sqlite3_last_insert_rowid(s->db);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return tte_db_err(s->db, rc);
    dict_put(&s->dict, str, n, *id);
    return TTE_OK;
}

/* The fields the dedupe rule compares, as stored. */
struct ident {
    int64_t t, app, signer, result;
    const char *doc_id;
};

static enum tte_err
same_event(struct store *s, int64_t event, const struct ident *want,
           bool *same, int64_t *owner)
{
    sqlite3_stmt *st = s->q[Q_EV_GET];
    sqlite3_bind_int64(st, 1, event);
    int rc = sqlite3_step(st);
    *same = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == want->t &&
            sqlite3_column_int64(st, 1) == want->app &&
            sqlite3_column_int64(st, 2) == want->signer &&
            strcmp((const char *)sqlite3_column_text(st, 3), want->doc_id)
                == 0 &&
            sqlite3_column_int64(st, 4) == want->result;
    *owner = *same ? sqlite3_column_int64(st, 5) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK
                                                 : tte_db_err(s->db, rc);
}

static void
bind_opt(sqlite3_stmt *st, int i, long long v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

/* String ids of the event's text fields, in insert order. */
static enum tte_err
text_ids(struct store *s, const struct tte_event *ev, int64_t ids[F_COUNT])
{
    enum tte_err err = TTE_OK;
    static const enum tte_field dict_fields[] = {
        F_APP, F_UNIT, F_NIK, F_NIP, F_NAME, F_POSITION, F_CERT_SERIAL,
        F_DOC_TYPE, F_VISIBILITY, F_AUTH_METHOD, F_API_VERSION,
        F_STATUS_CODE, F_MESSAGE};
    for (size_t i = 0; !err && i < sizeof dict_fields / sizeof *dict_fields;
         i++)
        err = str_id(s, ev->v[dict_fields[i]], ev->len[dict_fields[i]],
                     &ids[dict_fields[i]]);
    return err;
}

/* Binds every column but the id (parameter 1) of st, an insert of
 * EV_COLS. */
static void
bind_event(sqlite3_stmt *st, const struct tte_event *ev, const int64_t *ids,
           int64_t signer, long long file_id, size_t line)
{
    int i = 2;
    sqlite3_bind_int64(st, i++, ev->t);
    sqlite3_bind_int64(st, i++, ids[F_APP]);
    sqlite3_bind_int64(st, i++, ids[F_UNIT]);
    sqlite3_bind_int64(st, i++, signer);
    static const enum tte_field a[] = {F_NIK, F_NIP, F_NAME, F_POSITION};
    for (size_t k = 0; k < 4; k++)
        bind_opt(st, i++, ids[a[k]] ? ids[a[k]] : -1);
    sqlite3_bind_int(st, i++, strcmp(ev->v[F_CERT_TYPE], "segel") == 0);
    bind_opt(st, i++, ids[F_CERT_SERIAL] ? ids[F_CERT_SERIAL] : -1);
    sqlite3_bind_text(st, i++, ev->v[F_DOC_ID] ? ev->v[F_DOC_ID] : "", -1,
                      SQLITE_STATIC);
    bind_opt(st, i++, ids[F_DOC_TYPE] ? ids[F_DOC_TYPE] : -1);
    tte_bind_text(st, i++, ev->v[F_DOC_NUMBER]);
    static const enum tte_field b[] = {F_VISIBILITY, F_AUTH_METHOD,
                                       F_API_VERSION};
    for (size_t k = 0; k < 3; k++)
        bind_opt(st, i++, ids[b[k]] ? ids[b[k]] : -1);
    bind_opt(st, i++, ev->http_status);
    bind_opt(st, i++, ids[F_STATUS_CODE] ? ids[F_STATUS_CODE] : -1);
    sqlite3_bind_int(st, i++, strcmp(ev->v[F_RESULT], "fail") == 0);
    bind_opt(st, i++, ids[F_MESSAGE] ? ids[F_MESSAGE] : -1);
    bind_opt(st, i++, ev->duration_ms);
    bind_opt(st, i++, ev->footer);
    sqlite3_bind_int64(st, i++, file_id);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)line);
}

static enum tte_err
add_dup(struct store *s, int64_t event, long long file_id)
{
    sqlite3_bind_int64(s->q[Q_DUP_ADD], 1, event);
    sqlite3_bind_int64(s->q[Q_DUP_ADD], 2, file_id);
    int rc = step(s, Q_DUP_ADD, NULL);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
}

/* Inserts the event bound to Q_EV_ADD (all but its id) at the first id
 * from key on that is free, unless an equal event (id) holds one of the
 * ids before it: then *dup, noted for file_id when another file owns
 * it. */
static enum tte_err
insert_at(struct store *s, int64_t key, const struct ident *id,
          long long file_id, bool *dup)
{
    *dup = false;
    for (;; key++) {
        sqlite3_bind_int64(s->q[Q_EV_ADD], 1, key);
        int rc = step(s, Q_EV_ADD, NULL);
        if (rc == SQLITE_DONE)
            return TTE_OK;
        if (rc != SQLITE_CONSTRAINT)
            return tte_db_err(s->db, rc);
        int64_t owner = 0;
        enum tte_err err = same_event(s, key, id, dup, &owner);
        if (!err && *dup && owner != file_id)
            err = add_dup(s, key, file_id);
        if (err || *dup)
            return err;
        log_debug("key %016llx holds another event; trying the next",
                  (unsigned long long)key);
    }
}

enum tte_err
store_event(struct store *s, const struct tte_event *ev, long long file_id,
            size_t line, enum store_outcome *out)
{
    int64_t ids[F_COUNT] = {0};
    enum tte_err err = text_ids(s, ev, ids);
    if (err)
        return err;
    int64_t signer = ids[ev->signer];
    int64_t key = (int64_t)ev->key;
    /* In time order so far: the insert lands on the page the last one
     * did (within a second the hash bits make no order, but one page). */
    s->staging = s->staging || key >> 20 < s->last_key >> 20;
    if (s->staging) {
        bind_event(s->q[Q_ST_ADD], ev, ids, signer, file_id, line);
        sqlite3_bind_int64(s->q[Q_ST_ADD], 1, key);
        int rc = step(s, Q_ST_ADD, NULL);
        *out = STORE_STAGED;
        return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
    }
    s->last_key = key;
    struct ident id = {ev->t, ids[F_APP], signer,
                       strcmp(ev->v[F_RESULT], "fail") == 0,
                       ev->v[F_DOC_ID] ? ev->v[F_DOC_ID] : ""};
    bool dup;
    bind_event(s->q[Q_EV_ADD], ev, ids, signer, file_id, line);
    err = insert_at(s, key, &id, file_id, &dup);
    *out = dup ? STORE_DUP : STORE_NEW;
    return err;
}

/* The staged row r (a Q_ST_NEXT row) into events, by the rule above. */
static enum tte_err
merge_row(struct store *s, sqlite3_stmt *r, bool *dup)
{
    sqlite3_stmt *ins = s->q[Q_EV_ADD];
    for (int c = 1; c < EV_NCOLS; c++)
        sqlite3_bind_value(ins, c + 1, sqlite3_column_value(r, c));
    const char *doc = (const char *)sqlite3_column_text(r, C_DOC_ID);
    struct ident id = {sqlite3_column_int64(r, C_T),
                       sqlite3_column_int64(r, C_APP),
                       sqlite3_column_int64(r, C_SIGNER),
                       sqlite3_column_int64(r, C_RESULT), doc ? doc : ""};
    return insert_at(s, sqlite3_column_int64(r, C_ID), &id,
                     sqlite3_column_int64(r, C_FILE_ID), dup);
}

/* The connection's cache_size setting (pages, or -KiB). */
static int
cache_size(sqlite3 *db)
{
    sqlite3_stmt *st = tte_db_prepare(db, "PRAGMA cache_size");
    int v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0)
                                                : -2000;
    sqlite3_finalize(st);
    return v;
}

enum tte_err
store_merge(struct store *s, store_count_fn count, void *ctx)
{
    sqlite3_stmt *r = s->q[Q_ST_NEXT];
    char pragma[48];
    int cache = cache_size(s->db);
    /* The sort takes as much memory as the page cache is large, and
     * inserts in key order need few pages: a quarter of the cache for
     * the merge keeps peak memory that of a file in time order. */
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %d", cache / 4);
    enum tte_err err = tte_db_exec(s->db, pragma);
    while (!err) {
        int rc = sqlite3_step(r);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            err = tte_db_err(s->db, rc);
            break;
        }
        bool dup;
        err = merge_row(s, r, &dup);
        if (err)
            break;
        count(ctx, sqlite3_column_int64(r, C_FILE_ID), dup);
    }
    sqlite3_reset(r);
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %d", cache);
    tte_db_exec(s->db, pragma);
    if (!err) {
        int rc = step(s, Q_ST_CLEAR, NULL);
        if (rc != SQLITE_DONE)
            err = tte_db_err(s->db, rc);
    }
    return err;
}

enum tte_err
store_staged(struct store *s, bool *any)
{
    int64_t v = 0;
    int rc = step(s, Q_ST_ANY, &v);
    *any = v != 0;
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(s->db, rc);
}

enum tte_err
store_reject(struct store *s, long long file_id, const char *source,
             const char *file, size_t line, const char *reason,
             const char *raw)
{
    sqlite3_stmt *st = s->q[Q_REJECT];
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)line);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, raw ? raw : "", -1, SQLITE_STATIC);
    int rc = step(s, Q_REJECT, NULL);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
}
