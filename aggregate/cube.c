/*
 * The cube: one pass over the period's events counted by every dimension
 * the sheets need, in a C hash table. SQLite's GROUP BY would sort all
 * events first; hashing keeps a year of ten million events to one scan.
 * The result is the temporary table "cube" the summary queries read.
 */
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "cube.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"
#include "tte_buf.h"
#include "tte_hash.h"
#include "tte_str.h"

/* Dimensions, in the order of the scan's columns; -1 stands for NULL. */
enum {
    D_APP,
    D_UNIT,
    D_SIGNER,
    D_CERT_TYPE,
    D_SERIAL,
    D_RESULT,
    D_STATUS,
    D_HTTP,
    D_FOOTER,
    D_FILE,
    D_MONTH,
    NDIM
};

struct cell {
    int64_t dim[NDIM];
    int64_t nik, nip, n;
    bool used;
};

struct table {
    struct cell *cells;
    size_t cap, n;
};

static uint64_t
hash_dims(const int64_t *d)
{
    return tte_hash(d, NDIM * sizeof *d);
}

static struct cell *
find(struct table *t, const int64_t *d)
{
    size_t i = (size_t)hash_dims(d) & (t->cap - 1);
    while (t->cells[i].used &&
           memcmp(t->cells[i].dim, d, sizeof t->cells[i].dim))
        i = (i + 1) & (t->cap - 1);
    return &t->cells[i];
}

static void
grow(struct table *t)
{
    struct table bigger = {tte_xcalloc(t->cap * 2, sizeof *t->cells),
                           t->cap * 2, t->n};
    for (size_t i = 0; i < t->cap; i++)
        if (t->cells[i].used)
            *find(&bigger, t->cells[i].dim) = t->cells[i];
    free(t->cells);
    *t = bigger;
}

static int64_t
col(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL
               ? -1
               : sqlite3_column_int64(st, i);
}

static int
month_of(int64_t t, const int64_t *month_start)
{
    int m = 1;
    while (m < 12 && t >= month_start[m])
        m++;
    return m;
}

static enum tte_err
scan(sqlite3 *db, int64_t start, int64_t end, const int64_t *month_start,
     struct table *t)
{
    sqlite3_stmt *st = tte_db_prepare(
        db, "SELECT app, unit, signer, cert_type, cert_serial, result,"
            " status_code, http_status, footer, file_id, t, nik, nip"
            " FROM events WHERE t >= ?1 AND t < ?2");
    int rc;
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, start);
    sqlite3_bind_int64(st, 2, end);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t d[NDIM];
        for (int i = 0; i < D_MONTH; i++)
            d[i] = col(st, i);
        d[D_MONTH] = month_of(sqlite3_column_int64(st, 10), month_start);
        if (t->n * 2 >= t->cap)
            grow(t);
        struct cell *c = find(t, d);
        if (!c->used) {
            memcpy(c->dim, d, sizeof d);
            c->used = true;
            c->nik = c->nip = -1;
            t->n++;
        }
        int64_t nik = col(st, 11), nip = col(st, 12);
        if (nik > c->nik)
            c->nik = nik;
        if (nip > c->nip)
            c->nip = nip;
        c->n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

static void
bind_dim(sqlite3_stmt *st, int i, int64_t v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static enum tte_err
store(sqlite3 *db, const struct table *t)
{
    enum tte_err err = tte_db_exec(
        db,
        "CREATE TEMP TABLE cube(app, unit, signer, cert_type, cert_serial,"
        " result, status_code, http_status, footer, file_id, month, nik, nip,"
        " n)");
    sqlite3_stmt *st =
        err ? NULL
            : tte_db_prepare(
                  db,
                  "INSERT INTO cube VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                  " ?11, ?12, ?13, ?14)");
    if (!st)
        return err ? err : TTE_E_IO;
    for (size_t i = 0; !err && i < t->cap; i++) {
        const struct cell *c = &t->cells[i];
        if (!c->used)
            continue;
        for (int k = 0; k < NDIM; k++)
            bind_dim(st, k + 1, c->dim[k]);
        bind_dim(st, 12, c->nik);
        bind_dim(st, 13, c->nip);
        sqlite3_bind_int64(st, 14, c->n);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            err = tte_db_err(db, rc);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return err;
}

enum tte_err
cube_build(sqlite3 *db, int64_t start, int64_t end,
           const int64_t month_start[13])
{
    struct table t = {tte_xcalloc(1024, sizeof(struct cell)), 1024, 0};
    enum tte_err err = scan(db, start, end, month_start, &t);
    if (!err)
        err = store(db, &t);
    log_debug("cube: %zu cells", t.n);
    free(t.cells);
    return err;
}
