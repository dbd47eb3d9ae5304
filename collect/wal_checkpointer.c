/*
 * SQLite's automatic checkpoint runs inside the commit that passes its
 * threshold: the writer stops for the copy and two fsyncs while the reader
 * thread fills the queue and waits. A PASSIVE checkpoint on a second
 * connection needs no lock the writer holds, so it runs beside it; the
 * writer's WAL hook only says when.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "wal_checkpointer.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_alloc.h"

struct wal_checkpointer {
    sqlite3 *db, *own;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int threshold; /* WAL frames */
    bool due, stop;
};

/* On the writer's thread after each commit. */
static int
on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct wal_checkpointer *k = arg;
    (void)db;
    (void)name;
    if (frames >= k->threshold) {
        pthread_mutex_lock(&k->mu);
        k->due = true;
        pthread_cond_signal(&k->wake);
        pthread_mutex_unlock(&k->mu);
    }
    return SQLITE_OK;
}

static void *
run(void *arg)
{
    struct wal_checkpointer *k = arg;
    pthread_mutex_lock(&k->mu);
    for (;;) {
        while (!k->due && !k->stop)
            pthread_cond_wait(&k->wake, &k->mu);
        if (k->stop)
            break;
        k->due = false;
        pthread_mutex_unlock(&k->mu);
        int log = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(k->own, NULL,
                                           SQLITE_CHECKPOINT_PASSIVE, &log,
                                           &done);
        /* A failed checkpoint loses nothing: the frames stay in the WAL
         * and the next one, or the writer's close, copies them. */
        if (rc != SQLITE_OK)
            log_debug("background checkpoint: %s", sqlite3_errmsg(k->own));
        else
            log_debug("background checkpoint: %d of %d frames", done, log);
        pthread_mutex_lock(&k->mu);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

static int
page_size(sqlite3 *db)
{
    sqlite3_stmt *st = tte_db_prepare(db, "PRAGMA page_size");
    int page = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0)
                                                    : 0;
    sqlite3_finalize(st);
    return page > 0 ? page : 4096;
}

struct wal_checkpointer *
wal_checkpointer_start(sqlite3 *db, const char *path, long long bytes)
{
    int frames = (int)(bytes / page_size(db));
    if (frames < 1)
        frames = 1;
    /* Until (unless) the thread runs, the writer checkpoints itself at
     * the same size. */
    sqlite3_wal_autocheckpoint(db, frames);

    struct wal_checkpointer *k = tte_xcalloc(1, sizeof *k);
    k->db = db;
    k->threshold = frames;
    /* A connection finds the WAL on its first read: before that, a
     * checkpoint does nothing. */
    if (sqlite3_open_v2(path, &k->own, SQLITE_OPEN_READWRITE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(k->own, "PRAGMA schema_version", NULL, NULL, NULL) !=
            SQLITE_OK) {
        log_debug("no background checkpoints: %s", sqlite3_errmsg(k->own));
        sqlite3_close(k->own);
        free(k);
        return NULL;
    }
    pthread_mutex_init(&k->mu, NULL);
    pthread_cond_init(&k->wake, NULL);
    if (pthread_create(&k->thread, NULL, run, k) != 0) {
        pthread_mutex_destroy(&k->mu);
        pthread_cond_destroy(&k->wake);
        sqlite3_close(k->own);
        free(k);
        return NULL;
    }
    sqlite3_wal_hook(db, on_commit, k);
    return k;
}

void
wal_checkpointer_stop(struct wal_checkpointer *k)
{
    if (!k)
        return;
    pthread_mutex_lock(&k->mu);
    k->stop = true;
    pthread_cond_signal(&k->wake);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->thread, NULL);
    /* The writer checkpoints on its own again (and fully, on close). */
    sqlite3_wal_autocheckpoint(k->db, k->threshold);
    sqlite3_close(k->own);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->wake);
    free(k);
}
