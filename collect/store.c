/*
 * Writing events and rejects, with the dedupe rule of DESIGN.md. An event
 * is a row of integers: text goes through the strings dictionary. Its id
 * is its dedupe key, so a new event costs one insert; when the id is
 * taken, the stored event is compared field by field: the same event is a
 * duplicate, a different one (a hash collision) moves on to the next id.
 *
 * Ids lead with the time, so a file in time order appends. A file out of
 * order would insert each row on a random page of a table far larger
 * than the page cache; from its first row out of order on, its rows go to
 * an external sort (sorter.c) instead, in bounded memory, and are merged
 * at the end of the file in key order: one pass over the table, whatever
 * the input's order. They commit with the file's end, so a kill while
 * rows wait loses nothing: the next run reads them again (writer.c).
 *
 * Versions before the sort staged such rows in the table events_stage and
 * committed them; a database a stopped run of one left is merged from
 * there first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "dict.h"
#include "sorter.h"
#include "tte_db.h"
#include "tte_log.h"

enum { Q_STR_FIND, Q_STR_ADD, Q_EV_GET, Q_EV_ADD, Q_ST_NEXT, Q_ST_CLEAR,
       Q_ST_ANY, Q_REJECT, Q_DUP_ADD, Q_COUNT };

/* The columns of events and events_stage, in the order of the insert's
 * parameters, of Q_ST_NEXT's result and of struct row. */
#define EV_COLS "id, t, app, unit, signer, nik, nip, name, position," \
    " cert_type, cert_serial, doc_id, doc_type, doc_number, visibility," \
    " auth_method, api_version, http_status, status_code, result," \
    " message, duration_ms, footer, file_id, line"
#define EV_NCOLS 25
#define EV_PARAMS "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12," \
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25"
/* Columns the code names: the dedupe rule's, the two texts, and a
 * staged row's file. */
enum { C_ID = 0, C_T = 1, C_APP = 2, C_SIGNER = 4, C_DOC_ID = 11,
       C_DOC_NUMBER = 13, C_RESULT = 19, C_FILE_ID = 23 };
/* An integer column's NULL, in struct row and in a sorted record. */
#define NUL INT64_MIN
/* The sort's memory: the page cache's size, which a file in time order
 * fills and one out of order leaves nearly unused until its merge (when
 * the cache shrinks to a quarter). */
#define SORT_BUDGET (8u << 20)

/* An event's columns as stored (v[C_DOC_ID] and v[C_DOC_NUMBER] unused:
 * the texts; a NULL doc_number is NULL). */
struct row {
    int64_t v[EV_NCOLS];
    const char *doc_id, *doc_number;
    size_t doc_id_len, doc_number_len;
};

static const char *const sql[Q_COUNT] = {
    [Q_STR_FIND] = "SELECT id FROM strings WHERE s = ?1",
    [Q_STR_ADD] = "INSERT INTO strings(s) VALUES (?1)",
    [Q_EV_GET] = "SELECT t, app, signer, doc_id, result, file_id"
                 " FROM events WHERE id = ?1",
    [Q_EV_ADD] = "INSERT INTO events(" EV_COLS ") VALUES (" EV_PARAMS ")",
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
     * rows go to the sort. */
    int64_t last_key;
    bool staging;
    struct sorter *sort;
    struct tte_buf rec;         /* a row, encoded for the sort */
};

void
store_close(struct store *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    dict_free(&s->dict);
    sorter_free(s->sort);
    tte_buf_free(&s->rec);
    free(s);
}

void
store_file_begin(struct store *s)
{
    s->last_key = 0;
    s->staging = false;
    sorter_clear(s->sort);
}

bool
store_staging(const struct store *s)
{
    return s->staging;
}

enum tte_err
store_open(sqlite3 *db, struct store **out)
{
    struct store *s = tte_xcalloc(1, sizeof *s);
    s->db = db;
    const char *sort = getenv("TTE_COLLECT_SORT");
    s->sort = sorter_new(sort && atoll(sort) > 0 ? (size_t)atoll(sort)
                                                 : SORT_BUDGET);
    tte_buf_init(&s->rec);
    store_file_begin(s);
    /* An earlier version's events_stage is read through SQLite's sorter:
     * on a second core when there is one. */
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
    if (!s)
        return;
    dict_clear(&s->dict);
    store_file_begin(s);
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

/* Whether the stored event (id event) is r by the dedupe rule; *owner:
 * the file that has it. */
static enum tte_err
same_event(struct store *s, int64_t event, const struct row *r,
           bool *same, int64_t *owner)
{
    sqlite3_stmt *st = s->q[Q_EV_GET];
    sqlite3_bind_int64(st, 1, event);
    int rc = sqlite3_step(st);
    *same = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == r->v[C_T] &&
            sqlite3_column_int64(st, 1) == r->v[C_APP] &&
            sqlite3_column_int64(st, 2) == r->v[C_SIGNER] &&
            (size_t)sqlite3_column_bytes(st, 3) == r->doc_id_len &&
            (!r->doc_id_len || memcmp(sqlite3_column_blob(st, 3),
                                      r->doc_id, r->doc_id_len) == 0) &&
            sqlite3_column_int64(st, 4) == r->v[C_RESULT];
    *owner = *same ? sqlite3_column_int64(st, 5) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK
                                                 : tte_db_err(s->db, rc);
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

static int64_t
opt(int64_t v)
{
    return v < 0 ? NUL : v;
}

static int64_t
opt_id(const int64_t *ids, enum tte_field f)
{
    return ids[f] ? ids[f] : NUL;
}

/* The event's row: ids from text_ids, its file and line. */
static void
row_of(struct row *r, const struct tte_event *ev, const int64_t *ids,
       long long file_id, size_t line)
{
    int64_t *v = r->v;
    v[C_ID] = (int64_t)ev->key;
    v[C_T] = ev->t;
    v[C_APP] = ids[F_APP];
    v[3] = ids[F_UNIT];
    v[C_SIGNER] = ids[ev->signer];
    v[5] = opt_id(ids, F_NIK);
    v[6] = opt_id(ids, F_NIP);
    v[7] = opt_id(ids, F_NAME);
    v[8] = opt_id(ids, F_POSITION);
    v[9] = strcmp(ev->v[F_CERT_TYPE], "segel") == 0;
    v[10] = opt_id(ids, F_CERT_SERIAL);
    v[C_DOC_ID] = v[C_DOC_NUMBER] = NUL;
    v[12] = opt_id(ids, F_DOC_TYPE);
    v[14] = opt_id(ids, F_VISIBILITY);
    v[15] = opt_id(ids, F_AUTH_METHOD);
    v[16] = opt_id(ids, F_API_VERSION);
    v[17] = opt(ev->http_status);
    v[18] = opt_id(ids, F_STATUS_CODE);
    v[C_RESULT] = strcmp(ev->v[F_RESULT], "fail") == 0;
    v[20] = opt_id(ids, F_MESSAGE);
    v[21] = opt(ev->duration_ms);
    v[22] = opt(ev->footer);
    v[C_FILE_ID] = file_id;
    v[24] = (int64_t)line;
    r->doc_id = ev->v[F_DOC_ID] ? ev->v[F_DOC_ID] : "";
    r->doc_id_len = ev->v[F_DOC_ID] ? ev->len[F_DOC_ID] : 0;
    r->doc_number = ev->v[F_DOC_NUMBER];
    r->doc_number_len = ev->v[F_DOC_NUMBER] ? ev->len[F_DOC_NUMBER] : 0;
}

/* Binds every column but the id (parameter 1) of st, an insert of
 * EV_COLS. */
static void
bind_row(sqlite3_stmt *st, const struct row *r)
{
    for (int c = 1; c < EV_NCOLS; c++) {
        if (c == C_DOC_ID)
            sqlite3_bind_text(st, c + 1, r->doc_id, (int)r->doc_id_len,
                              SQLITE_STATIC);
        else if (c == C_DOC_NUMBER && r->doc_number)
            sqlite3_bind_text(st, c + 1, r->doc_number,
                              (int)r->doc_number_len, SQLITE_STATIC);
        else if (r->v[c] == NUL || c == C_DOC_NUMBER)
            sqlite3_bind_null(st, c + 1);
        else
            sqlite3_bind_int64(st, c + 1, r->v[c]);
    }
}

/* A staged row's record for the sort: each column but the id (the sort's
 * key) as a zigzag varint, a text as its length plus one (0: NULL) and
 * its bytes. Most columns are small ids: a record is some 80 bytes. */
static void
put_varint(struct tte_buf *b, uint64_t u)
{
    unsigned char t[10];
    size_t n = 0;
    do {
        t[n++] = (unsigned char)((u & 0x7f) | (u > 0x7f ? 0x80 : 0));
        u >>= 7;
    } while (u);
    tte_buf_add(b, (const char *)t, n);
}

static void
encode_row(struct tte_buf *b, const struct row *r)
{
    tte_buf_reset(b);
    for (int c = 1; c < EV_NCOLS; c++) {
        if (c == C_DOC_ID || c == C_DOC_NUMBER) {
            const char *t = c == C_DOC_ID ? r->doc_id : r->doc_number;
            size_t n = c == C_DOC_ID ? r->doc_id_len : r->doc_number_len;
            put_varint(b, t ? n + 1 : 0);
            if (t)
                tte_buf_add(b, t, n);
            continue;
        }
        uint64_t u = (uint64_t)r->v[c];
        put_varint(b, u << 1 ^ (r->v[c] < 0 ? ~(uint64_t)0 : 0));
    }
}

static bool
get_varint(const unsigned char **p, const unsigned char *end, uint64_t *u)
{
    *u = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        *u |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return true;
    }
    return false;
}

static bool
decode_row(struct row *r, uint64_t key, const unsigned char *p, size_t n)
{
    const unsigned char *end = p + n;
    r->v[C_ID] = (int64_t)key;
    for (int c = 1; c < EV_NCOLS; c++) {
        uint64_t u;
        if (!get_varint(&p, end, &u))
            return false;
        if (c == C_DOC_ID || c == C_DOC_NUMBER) {
            if (u > (uint64_t)(end - p))
                return false;
            const char *t = u ? (const char *)p : NULL;
            size_t len = u ? (size_t)u - 1 : 0;
            p += len;
            if (c == C_DOC_ID) {
                r->doc_id = t ? t : "";
                r->doc_id_len = len;
            } else {
                r->doc_number = t;
                r->doc_number_len = len;
            }
            r->v[c] = NUL;
            continue;
        }
        r->v[c] = (int64_t)(u >> 1 ^ (u & 1 ? ~(uint64_t)0 : 0));
    }
    return p == end;
}

static enum tte_err
add_dup(struct store *s, int64_t event, long long file_id)
{
    sqlite3_bind_int64(s->q[Q_DUP_ADD], 1, event);
    sqlite3_bind_int64(s->q[Q_DUP_ADD], 2, file_id);
    int rc = step(s, Q_DUP_ADD, NULL);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
}

/* Inserts r at the first id from its key on that is free, unless an
 * equal event holds one of the ids before it: then *dup, noted for r's
 * file when another file owns it. */
static enum tte_err
insert_at(struct store *s, const struct row *r, bool *dup)
{
    *dup = false;
    bind_row(s->q[Q_EV_ADD], r);
    for (int64_t key = r->v[C_ID];; key++) {
        sqlite3_bind_int64(s->q[Q_EV_ADD], 1, key);
        int rc = step(s, Q_EV_ADD, NULL);
        if (rc == SQLITE_DONE)
            return TTE_OK;
        if (rc != SQLITE_CONSTRAINT)
            return tte_db_err(s->db, rc);
        int64_t owner = 0;
        enum tte_err err = same_event(s, key, r, dup, &owner);
        if (!err && *dup && owner != r->v[C_FILE_ID])
            err = add_dup(s, key, r->v[C_FILE_ID]);
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
    struct row r;
    row_of(&r, ev, ids, file_id, line);
    int64_t key = r.v[C_ID];
    /* In time order so far: the insert lands on the page the last one
     * did (within a second the hash bits make no order, but one page). */
    s->staging = s->staging || key >> 20 < s->last_key >> 20;
    if (s->staging) {
        encode_row(&s->rec, &r);
        *out = STORE_STAGED;
        return sorter_add(s->sort, (uint64_t)key, s->rec.data, s->rec.len);
    }
    s->last_key = key;
    bool dup;
    err = insert_at(s, &r, &dup);
    *out = dup ? STORE_DUP : STORE_NEW;
    return err;
}

/* A row of events_stage (Q_ST_NEXT's). */
static void
row_of_stage(struct row *r, sqlite3_stmt *st)
{
    for (int c = 0; c < EV_NCOLS; c++)
        r->v[c] = sqlite3_column_type(st, c) == SQLITE_NULL
                      ? NUL : sqlite3_column_int64(st, c);
    r->doc_id = (const char *)sqlite3_column_text(st, C_DOC_ID);
    r->doc_id_len = (size_t)sqlite3_column_bytes(st, C_DOC_ID);
    if (!r->doc_id)
        r->doc_id = "";
    r->doc_number = (const char *)sqlite3_column_text(st, C_DOC_NUMBER);
    r->doc_number_len = (size_t)sqlite3_column_bytes(st, C_DOC_NUMBER);
}

/* Merges r, counting it. */
static enum tte_err
merge_row(struct store *s, const struct row *r, store_count_fn count,
          void *ctx)
{
    bool dup;
    enum tte_err err = insert_at(s, r, &dup);
    if (!err)
        count(ctx, r->v[C_FILE_ID], dup);
    return err;
}

/* The rows a stopped run of an earlier version left in events_stage. */
static enum tte_err
merge_stage_table(struct store *s, store_count_fn count, void *ctx)
{
    sqlite3_stmt *st = s->q[Q_ST_NEXT];
    enum tte_err err = TTE_OK;
    while (!err) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            err = tte_db_err(s->db, rc);
            break;
        }
        struct row r;
        row_of_stage(&r, st);
        err = merge_row(s, &r, count, ctx);
    }
    sqlite3_reset(st);
    if (!err) {
        int rc = step(s, Q_ST_CLEAR, NULL);
        if (rc != SQLITE_DONE)
            err = tte_db_err(s->db, rc);
    }
    return err;
}

static enum tte_err
merge_sorted(struct store *s, store_count_fn count, void *ctx)
{
    enum tte_err err = sorter_sort(s->sort);
    while (!err) {
        uint64_t key;
        const void *rec;
        size_t n;
        int got = sorter_next(s->sort, &key, &rec, &n, &err);
        if (got <= 0)
            break;
        struct row r;
        if (!decode_row(&r, key, rec, n)) {
            log_err("a row out of time order came back from the sort "
                    "damaged");
            err = TTE_E_SOFTWARE;
            break;
        }
        err = merge_row(s, &r, count, ctx);
    }
    sorter_clear(s->sort);
    return err;
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

/* *any: whether events_stage holds rows (committed by a stopped run of a
 * version before the external sort). */
static enum tte_err
stage_table_used(struct store *s, bool *any)
{
    int64_t v = 0;
    int rc = step(s, Q_ST_ANY, &v);
    *any = v != 0;
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(s->db, rc);
}

enum tte_err
store_merge(struct store *s, store_count_fn count, void *ctx)
{
    bool old = false;
    enum tte_err err = stage_table_used(s, &old);
    if (err || (!old && !sorter_count(s->sort)))
        return err;
    if (old)
        log_info("merging the rows a stopped run left staged");
    char pragma[48];
    int cache = cache_size(s->db);
    /* The sort's memory is the size of the page cache, and inserts in
     * key order need few pages: a quarter of the cache for the merge
     * keeps peak memory that of a file in time order. */
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %d", cache / 4);
    err = tte_db_exec(s->db, pragma);
    /* Older rows first: of equal events the first read stays. */
    if (!err && old)
        err = merge_stage_table(s, count, ctx);
    if (!err)
        err = merge_sorted(s, count, ctx);
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %d", cache);
    tte_db_exec(s->db, pragma);
    return err;
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
