/*
 * Events and rejects, with the dedupe rule (doc/design.md). An event
 * is a row of integers (text goes through the strings dictionary)
 * appended to events in the order it is read, so that storing it costs
 * the same whatever the input's order. Its dedupe key lives in
 * event_keys, which maps each key to the event holding it: when the key
 * is taken, the two events are compared field by field; the same event is
 * a duplicate (the new row is deleted again), a different one (a hash
 * collision) moves on to the next key.
 *
 * Keys lead with the time, so the keys of a file in time order append to
 * event_keys as they come. A file out of order would insert each key on a
 * random page of a table far larger than the page cache; from its first
 * row out of order on, the keys (with their event and the fields the rule
 * compares) go to an external sort (sorter.c) instead, in bounded memory,
 * and are added at the end of the file in key order: one pass over
 * event_keys, while the rows themselves were stored as they were read.
 * Rows whose key meets a stored event are then compared with it in the
 * order the events were stored, and duplicates deleted in theirs, so
 * that no pass reads a page per row. When what is held here commits is
 * store.c's to decide (the crash protocol, store.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"
#include "dict.h"
#include "sorter.h"
#include "tte_db.h"
#include "tte_log.h"

enum {
    Q_STR_FIND,
    Q_STR_ADD,
    Q_EV_GET,
    Q_EV_ADD,
    Q_EV_DEL,
    Q_KEY_ADD,
    Q_KEY_GET,
    Q_KEY_NEXT,
    Q_KEY_BATCH,
    Q_REJECT,
    Q_DUP_ADD,
    Q_COUNT
};

/* The columns of events but its id, in the order of the insert's
 * parameters and of struct row after the key. */
#define EV_COLS \
    "t, app, unit, signer, nik, nip, name, position," \
    " cert_type, cert_serial, doc_id, doc_type, doc_number, visibility," \
    " auth_method, api_version, http_status, status_code, result," \
    " message, duration_ms, footer, file_id, line"
#define EV_NCOLS 25
#define EV_PARAMS \
    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12," \
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24"
/* Columns the code names: the key, the dedupe rule's, the two texts, and
 * a staged row's file. */
enum {
    C_KEY = 0,
    C_T = 1,
    C_APP = 2,
    C_SIGNER = 4,
    C_DOC_ID = 11,
    C_DOC_NUMBER = 13,
    C_RESULT = 19,
    C_FILE_ID = 23
};
/* An integer column's NULL in struct row. */
#define COL_NULL INT64_MIN
/* The sort's memory. The rows, stored as they come, fill the page cache
 * as a file in time order does: the sort (a key, its event and the
 * fields the dedupe rule compares, some 40 bytes a row) is what a file
 * out of order adds to the peak. */
#define SORT_BUDGET (512u << 10)
/* Stored events this close in the order read lie on the same few pages. */
#define NEAR_EVENTS 1024
/* Keys that cannot meet a taken one go into event_keys this many to a
 * statement. */
#define KEY_BATCH 1024

/* An event's dedupe key and columns as stored (v[C_DOC_ID] and
 * v[C_DOC_NUMBER] unused: the texts; a NULL doc_number is NULL). */
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
    [Q_EV_DEL] = "DELETE FROM events WHERE id = ?1",
    [Q_KEY_ADD] = "INSERT INTO event_keys(key, event) VALUES (?1, ?2)",
    [Q_KEY_GET] = "SELECT event FROM event_keys WHERE key = ?1",
    [Q_KEY_NEXT] = "SELECT key, event FROM event_keys WHERE key >= ?1"
                   " ORDER BY key LIMIT 1",
    /* Q_KEY_BATCH: an insert of KEY_BATCH keys, written by key_batch. */
    [Q_REJECT] = "INSERT INTO rejects(file_id, source, file, line, reason,"
                 " raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Another file had the event too: owner.c hands it over to that
     * file when the first one is replaced or forgotten. */
    [Q_DUP_ADD] = "INSERT OR IGNORE INTO event_dups(event_id, file_id)"
                  " VALUES (?1, ?2)",
};

struct dedupe {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    struct dict dict;
    /* Of the file begun: the last key added directly, and whether its
     * keys go to the sort (and the file's id, for their counts). */
    int64_t last_key, last_met;
    bool staging;
    int64_t first_staged; /* the event of its first row sorted */
    long long file_id;
    struct sorter *sort;
    /* Of the merge: rows whose key met a stored event, by that event,
     * and whom to tell each row's outcome. */
    struct sorter *later;
    dedupe_count_fn count;
    void *count_ctx;
    struct tte_buf rec; /* a record for one of the sorts */
    /* No key of event_keys lies in [lo, hi) (asked within this
     * transaction; hi INT64_MAX: none from lo on): a key there that none
     * in batch equals is free, and waits there for one insert of many. */
    int64_t lo, hi;
    int64_t hi_event; /* the event holding hi, when one does */
    bool span_known;
    int64_t batch[KEY_BATCH][2];
    int nbatch;
    int64_t batch_top; /* the largest key in batch */
};

void
dedupe_close(struct dedupe *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(s->q[i]);
    dict_free(&s->dict);
    sorter_free(s->sort);
    sorter_free(s->later);
    tte_buf_free(&s->rec);
    free(s);
}

void
dedupe_file_begin(struct dedupe *s)
{
    s->last_key = s->last_met = 0;
    s->staging = false;
    s->first_staged = 0;
    s->span_known = false;
    s->nbatch = 0;
    sorter_clear(s->sort);
    sorter_clear(s->later);
}

int64_t
dedupe_staged(const struct dedupe *s)
{
    return s->first_staged;
}

enum tte_err
dedupe_open(sqlite3 *db, struct dedupe **out)
{
    struct dedupe *s = tte_xcalloc(1, sizeof *s);
    s->db = db;
    /* A test knob (doc/testing.md): small sorts make runs on file. */
    const char *sort = getenv("TTE_COLLECT_SORT");
    size_t budget = sort && atoll(sort) > 0 ? (size_t)atoll(sort)
                                            : SORT_BUDGET;
    s->sort = sorter_new(budget);
    s->later = sorter_new(budget);
    tte_buf_init(&s->rec);
    dedupe_file_begin(s);
    for (int i = 0; i < Q_COUNT; i++) {
        /* Q_KEY_BATCH: key_batch() */
        if (i != Q_KEY_BATCH && !(s->q[i] = tte_db_prepare(db, sql[i]))) {
            dedupe_close(s);
            return TTE_E_IO;
        }
    }
    *out = s;
    return TTE_OK;
}

/* Runs q to its end; *v receives the first column of its row, if any. */
static int
step(struct dedupe *s, int q, int64_t *v)
{
    sqlite3_stmt *st = s->q[q];
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && v)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

/* Runs q, which returns no rows, with ?1 = a and ?2 = b (when it has a
 * ?2). */
static enum tte_err
put(struct dedupe *s, int q, int64_t a, int64_t b)
{
    sqlite3_bind_int64(s->q[q], 1, a);
    if (sqlite3_bind_parameter_count(s->q[q]) > 1)
        sqlite3_bind_int64(s->q[q], 2, b);
    int rc = step(s, q, NULL);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
}

void
dedupe_forget(struct dedupe *s)
{
    if (!s)
        return;
    dict_clear(&s->dict);
    dedupe_file_begin(s);
}

/* The id of text str (n bytes) in the dictionary, added when new; 0 for
 * NULL. */
static enum tte_err
str_id(struct dedupe *s, const char *str, size_t n, int64_t *id)
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

/* The fields of the dedupe rule, of a row being stored. */
struct ident {
    int64_t t, app, signer, result;
    const char *doc_id;
    size_t doc_id_len;
};

/* Whether the stored event (id stored) is id's by the dedupe rule;
 * *owner: the file that has it. */
static enum tte_err
same_event(struct dedupe *s, int64_t stored, const struct ident *id,
           bool *same, int64_t *owner)
{
    sqlite3_stmt *st = s->q[Q_EV_GET];
    sqlite3_bind_int64(st, 1, stored);
    int rc = sqlite3_step(st);
    *same = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == id->t &&
            sqlite3_column_int64(st, 1) == id->app &&
            sqlite3_column_int64(st, 2) == id->signer &&
            (size_t)sqlite3_column_bytes(st, 3) == id->doc_id_len &&
            (!id->doc_id_len || memcmp(sqlite3_column_blob(st, 3), id->doc_id,
                                       id->doc_id_len) == 0) &&
            sqlite3_column_int64(st, 4) == id->result;
    *owner = *same ? sqlite3_column_int64(st, 5) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TTE_OK
                                                 : tte_db_err(s->db, rc);
}

static int64_t
opt(int64_t v)
{
    return v < 0 ? COL_NULL : v;
}

static int64_t
opt_id(const int64_t *ids, enum tte_field f)
{
    return ids[f] ? ids[f] : COL_NULL;
}

/* The event's row: its texts' ids in the dictionary, its file and
 * line. */
static enum tte_err
row_of(struct dedupe *s, struct row *r, const struct tte_event *ev,
       long long file_id, size_t line)
{
    static const enum tte_field dict_fields[] = {
        F_APP,         F_UNIT,        F_NIK,      F_NIP,        F_NAME,
        F_POSITION,    F_CERT_SERIAL, F_DOC_TYPE, F_VISIBILITY, F_AUTH_METHOD,
        F_API_VERSION, F_STATUS_CODE, F_MESSAGE};
    int64_t ids[F_COUNT] = {0};
    for (size_t i = 0; i < sizeof dict_fields / sizeof *dict_fields; i++) {
        enum tte_field f = dict_fields[i];
        enum tte_err err = str_id(s, ev->v[f], ev->len[f], &ids[f]);
        if (err)
            return err;
    }
    int64_t *v = r->v;
    v[C_KEY] = (int64_t)ev->key;
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
    v[C_DOC_ID] = v[C_DOC_NUMBER] = COL_NULL;
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
    return TTE_OK;
}

static void
ident_of_row(struct ident *id, const struct row *r)
{
    *id = (struct ident){r->v[C_T],      r->v[C_APP], r->v[C_SIGNER],
                         r->v[C_RESULT], r->doc_id,   r->doc_id_len};
}

/* Zigzag varints, for the sorted records. */
static void
put_varint(struct tte_buf *b, int64_t v)
{
    uint64_t u = (uint64_t)v << 1 ^ (v < 0 ? ~(uint64_t)0 : 0);
    unsigned char t[10];
    size_t n = 0;
    do {
        t[n++] = (unsigned char)((u & 0x7f) | (u > 0x7f ? 0x80 : 0));
        u >>= 7;
    } while (u);
    tte_buf_add(b, (const char *)t, n);
}

static bool
get_varint(const unsigned char **p, const unsigned char *end, int64_t *v)
{
    uint64_t u = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        u |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = (int64_t)(u >> 1 ^ (u & 1 ? ~(uint64_t)0 : 0));
            return true;
        }
    }
    return false;
}

/* A row out of time order, for the sort (its key is the sort's): its
 * event and the fields of the dedupe rule as varints, then the doc_id's
 * bytes. The merge compares them with a stored event without reading the
 * row again, which, stored in the order read, lies on a random page in
 * key order. */
static void
encode_staged(struct tte_buf *b, int64_t event, const struct ident *id)
{
    put_varint(b, event);
    put_varint(b, id->t);
    put_varint(b, id->app);
    put_varint(b, id->signer);
    put_varint(b, id->result);
    tte_buf_add(b, id->doc_id, id->doc_id_len);
}

static bool
decode_staged(const void *rec, size_t n, int64_t *event, struct ident *id)
{
    const unsigned char *p = rec, *end = p + n;
    if (!get_varint(&p, end, event) || !get_varint(&p, end, &id->t) ||
        !get_varint(&p, end, &id->app) || !get_varint(&p, end, &id->signer) ||
        !get_varint(&p, end, &id->result))
        return false;
    id->doc_id = (const char *)p;
    id->doc_id_len = (size_t)(end - p);
    return true;
}

/* Appends r to events; *event receives its id. */
static enum tte_err
append_row(struct dedupe *s, const struct row *r, int64_t *event)
{
    sqlite3_stmt *st = s->q[Q_EV_ADD];
    for (int c = 1; c < EV_NCOLS; c++) {
        if (c == C_DOC_ID)
            sqlite3_bind_text(st, c, r->doc_id, (int)r->doc_id_len,
                              SQLITE_STATIC);
        else if (c == C_DOC_NUMBER && r->doc_number)
            sqlite3_bind_text(st, c, r->doc_number, (int)r->doc_number_len,
                              SQLITE_STATIC);
        else if (r->v[c] == COL_NULL || c == C_DOC_NUMBER)
            sqlite3_bind_null(st, c);
        else
            sqlite3_bind_int64(st, c, r->v[c]);
    }
    int rc = step(s, Q_EV_ADD, NULL);
    *event = sqlite3_last_insert_rowid(s->db);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(s->db, rc);
}

/* The first key from key on that is free (*slot), unless an equal event
 * holds one of the keys before it: then *dup, noted for file_id when
 * another file owns the event. */
static enum tte_err
probe(struct dedupe *s, int64_t key, const struct ident *id, long long file_id,
      int64_t *slot, bool *dup)
{
    *dup = false;
    for (;; key++) {
        int64_t stored = 0, owner = 0;
        sqlite3_bind_int64(s->q[Q_KEY_GET], 1, key);
        int rc = step(s, Q_KEY_GET, &stored);
        if (rc == SQLITE_DONE) {
            *slot = key;
            return TTE_OK;
        }
        if (rc != SQLITE_ROW)
            return tte_db_err(s->db, rc);
        enum tte_err err = same_event(s, stored, id, dup, &owner);
        if (!err && *dup && owner != file_id)
            err = put(s, Q_DUP_ADD, stored, file_id);
        if (err || *dup)
            return err;
        log_debug("key %016llx holds another event; trying the next",
                  (unsigned long long)key);
    }
}

/* key is in event_keys now: the span without keys ends before it. */
static void
shrink_span(struct dedupe *s, int64_t key)
{
    if (key >= s->lo && key < s->hi)
        s->span_known = false;
}

static enum tte_err
insert_key(struct dedupe *s, int64_t key, int64_t event)
{
    enum tte_err err = put(s, Q_KEY_ADD, key, event);
    if (!err)
        shrink_span(s, key);
    return err;
}

/* The insert of KEY_BATCH keys, prepared when first used: SQLite takes
 * some milliseconds to compile it, which a run that stores no more than
 * a few rows (an unchanged file) need not spend. */
static sqlite3_stmt *
key_batch(struct dedupe *s)
{
    if (s->q[Q_KEY_BATCH])
        return s->q[Q_KEY_BATCH];
    struct tte_buf text;
    tte_buf_init(&text);
    /* OR FAIL: a key taken ends the statement and, with it, the file's
     * transaction (the caller rolls back), so SQLite keeps no journal of
     * the statement's own pages, which at 1,024 rows spilled to a
     * temporary file. */
    tte_buf_adds(&text, "INSERT OR FAIL INTO event_keys(key, event) VALUES ");
    for (int i = 0; i < KEY_BATCH; i++)
        tte_buf_printf(&text, "%s(?%d, ?%d)", i ? ", " : "", 2 * i + 1,
                       2 * i + 2);
    s->q[Q_KEY_BATCH] = tte_db_prepare(s->db, text.data);
    tte_buf_free(&text);
    return s->q[Q_KEY_BATCH];
}

/* Inserts the keys waiting in the batch. */
static enum tte_err
flush_keys(struct dedupe *s)
{
    int n = s->nbatch;
    s->nbatch = 0;
    if (n == KEY_BATCH) {
        sqlite3_stmt *st = key_batch(s);
        if (!st)
            return TTE_E_IO;
        for (int i = 0; i < n; i++) {
            sqlite3_bind_int64(st, 2 * i + 1, s->batch[i][0]);
            sqlite3_bind_int64(st, 2 * i + 2, s->batch[i][1]);
        }
        int rc = step(s, Q_KEY_BATCH, NULL);
        if (rc != SQLITE_DONE)
            return tte_db_err(s->db, rc);
        for (int i = 0; i < n; i++)
            shrink_span(s, s->batch[i][0]);
        return TTE_OK;
    }
    enum tte_err err = TTE_OK;
    for (int i = 0; !err && i < n; i++)
        err = insert_key(s, s->batch[i][0], s->batch[i][1]);
    return err;
}

/* Whether key is free for certain: in the span known to hold no key and
 * none of the batch's (asking for the span from key on when it is
 * outside). Then it waits in the batch; else the batch is stored, so
 * that a probe sees it. */
static enum tte_err
key_free(struct dedupe *s, int64_t key, bool *free_)
{
    if (!s->span_known || key < s->lo || key >= s->hi) {
        sqlite3_stmt *st = s->q[Q_KEY_NEXT];
        sqlite3_bind_int64(st, 1, key);
        int rc = sqlite3_step(st);
        s->lo = key;
        s->hi = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : INT64_MAX;
        s->hi_event = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return tte_db_err(s->db, rc);
        s->span_known = true;
    }
    /* Keys mostly come in order: one above the batch's largest is new
     * to it. */
    bool unseen = key < s->hi;
    if (unseen && s->nbatch && key <= s->batch_top)
        for (int i = 0; unseen && i < s->nbatch; i++)
            unseen = s->batch[i][0] != key;
    *free_ = unseen;
    return unseen ? TTE_OK : flush_keys(s);
}

static enum tte_err
batch_key(struct dedupe *s, int64_t key, int64_t event)
{
    s->batch[s->nbatch][0] = key;
    s->batch[s->nbatch][1] = event;
    if (!s->nbatch || key > s->batch_top)
        s->batch_top = key;
    return ++s->nbatch == KEY_BATCH ? flush_keys(s) : TTE_OK;
}

/* Stores r and its key, unless an equal event is stored (*dup); free_:
 * key_free's answer for its key. */
static enum tte_err
put_row(struct dedupe *s, const struct row *r, bool free_, bool *dup)
{
    int64_t key = r->v[C_KEY], slot = key, event;
    enum tte_err err = TTE_OK;
    *dup = false;
    if (!free_) {
        struct ident id;
        ident_of_row(&id, r);
        err = probe(s, key, &id, r->v[C_FILE_ID], &slot, dup);
    }
    if (!err && !*dup)
        err = append_row(s, r, &event);
    if (err || *dup)
        return err;
    return free_ ? batch_key(s, key, event) : insert_key(s, slot, event);
}

/* Whether key, not free, is taken by a stored event far from the one the
 * last row in time order met (*far): comparing with it would read a
 * random page of events, stored in the order read, so the rows go to the
 * sort from here on, and the merge reads the events they meet in their
 * order. */
static void
met_far(struct dedupe *s, int64_t key, bool *far)
{
    if (!s->span_known || key != s->hi)
        return; /* in the batch: this file's */
    *far = s->last_met && llabs(s->hi_event - s->last_met) > NEAR_EVENTS;
    s->last_met = s->hi_event;
}

enum tte_err
dedupe_flush(struct dedupe *s)
{
    /* A commit lets another writer in: the span is asked again after
     * it. */
    s->span_known = false;
    return flush_keys(s);
}

enum tte_err
dedupe_event(struct dedupe *s, const struct tte_event *ev, long long file_id,
             size_t line, enum store_outcome *out)
{
    struct row r;
    enum tte_err err = row_of(s, &r, ev, file_id, line);
    if (err)
        return err;
    int64_t key = r.v[C_KEY];
    /* In time order so far: the key lands on the page the last one did
     * (within a second the hash bits make no order, but one page). */
    s->staging = s->staging || key >> 20 < s->last_key >> 20;
    bool free_ = false;
    if (!s->staging)
        err = key_free(s, key, &free_);
    if (err)
        return err;
    if (!s->staging && !free_)
        met_far(s, key, &s->staging);
    if (s->staging) {
        int64_t event;
        struct ident id;
        s->file_id = file_id;
        *out = STORE_WAITS;
        if ((err = append_row(s, &r, &event)))
            return err;
        if (!s->first_staged)
            s->first_staged = event;
        ident_of_row(&id, &r);
        tte_buf_reset(&s->rec);
        encode_staged(&s->rec, event, &id);
        return sorter_add(s->sort, (uint64_t)key, s->rec.data, s->rec.len);
    }
    s->last_key = key;
    bool dup;
    err = put_row(s, &r, free_, &dup);
    *out = dup ? STORE_DUP : STORE_NEW;
    return err;
}

/* Runs f over the records of so, sorted, then empties so. */
typedef enum tte_err (*record_fn)(struct dedupe *s, uint64_t key,
                                  const void *rec, size_t n);
static enum tte_err
each_sorted(struct dedupe *s, struct sorter *so, record_fn f)
{
    uint64_t key;
    const void *rec;
    size_t n;
    enum tte_err err = sorter_sort(so);
    while (!err && sorter_next(so, &key, &rec, &n, &err) > 0)
        err = f(s, key, rec, n);
    sorter_clear(so);
    return err;
}

static enum tte_err
damaged(void)
{
    log_err("a row out of time order came back from the sort damaged");
    return TTE_E_SOFTWARE;
}

/* First pass, in key order: a free key is the row's; a taken one waits
 * in s->later for the stored event to be read in its order, with the
 * row's key before the record encode_staged wrote. */
static enum tte_err
merge_key(struct dedupe *s, uint64_t key, const void *rec, size_t n)
{
    int64_t event, stored = 0;
    bool free_;
    /* The event first: a free key (most) needs nothing else. */
    const unsigned char *p = rec;
    if (!get_varint(&p, p + n, &event))
        return damaged();
    enum tte_err err = key_free(s, (int64_t)key, &free_);
    if (err || free_) {
        if (!err)
            s->count(s->count_ctx, false);
        return err ? err : batch_key(s, (int64_t)key, event);
    }
    /* The span's end is the key asked for when that is taken. */
    int rc = SQLITE_ROW;
    if (s->span_known && (int64_t)key == s->hi) {
        stored = s->hi_event;
    } else {
        sqlite3_bind_int64(s->q[Q_KEY_GET], 1, (int64_t)key);
        rc = step(s, Q_KEY_GET, &stored);
    }
    if (rc == SQLITE_DONE) {
        s->count(s->count_ctx, false);
        return insert_key(s, (int64_t)key, event);
    }
    if (rc != SQLITE_ROW)
        return tte_db_err(s->db, rc);
    tte_buf_reset(&s->rec);
    put_varint(&s->rec, (int64_t)key);
    tte_buf_add(&s->rec, rec, n);
    return sorter_add(s->later, (uint64_t)stored, s->rec.data, s->rec.len);
}

/* Second pass, in the order stored: the row is that event's duplicate
 * (deleted in a third pass, in its own order), or a different event
 * with the same key, which takes the next free one. */
static enum tte_err
merge_met(struct dedupe *s, uint64_t stored, const void *rec, size_t n)
{
    int64_t event, key, owner = 0, slot;
    struct ident id;
    bool dup;
    const unsigned char *p = rec, *end = p + n;
    if (!get_varint(&p, end, &key) ||
        !decode_staged(p, (size_t)(end - p), &event, &id))
        return damaged();
    enum tte_err err = same_event(s, (int64_t)stored, &id, &dup, &owner);
    if (!err && dup && owner != s->file_id)
        err = put(s, Q_DUP_ADD, (int64_t)stored, s->file_id);
    if (!err && !dup) /* a collision: the next keys */
        err = probe(s, key + 1, &id, s->file_id, &slot, &dup);
    if (!err)
        err = dup ? sorter_add(s->sort, (uint64_t)event, "", 0)
                  : insert_key(s, slot, event);
    if (!err)
        s->count(s->count_ctx, dup);
    return err;
}

static enum tte_err
drop_row(struct dedupe *s, uint64_t event, const void *rec, size_t n)
{
    (void)rec, (void)n;
    return put(s, Q_EV_DEL, (int64_t)event, 0);
}

/* The keys of the file's rows out of time order, in key order (equal
 * keys in the order read: of equal events the first stays). Each pass
 * reads the table it needs in that table's order: events stored in
 * whatever order the rows came are compared and deleted in one pass
 * each, not one random page a row. */
enum tte_err
dedupe_merge(struct dedupe *s, dedupe_count_fn count, void *ctx)
{
    s->count = count;
    s->count_ctx = ctx;
    enum tte_err err = each_sorted(s, s->sort, merge_key);
    if (!err)
        err = flush_keys(s);
    if (!err)
        err = each_sorted(s, s->later, merge_met);
    if (!err)
        err = each_sorted(s, s->sort, drop_row);
    sorter_clear(s->later);
    return err ? err : dedupe_flush(s);
}

enum tte_err
dedupe_reject(struct dedupe *s, long long file_id, const char *source,
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
