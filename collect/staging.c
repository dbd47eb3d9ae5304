/*
 * The staging row of a file whose rows wait for their keys (staging.h),
 * and what a run does with one a stopped run left. A process is named by
 * its pid, its start time and the boot and host it runs on, so that a
 * pid used again by another process is not taken for the one that
 * staged.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "staging.h"
#include "tte_alloc.h"
#include "tte_db.h"
#include "tte_log.h"

struct proc {
    long long pid, started;     /* started: clock ticks after boot */
    char boot[64], host[256];
};

/* Field 22 of /proc/PID/stat, after the command in parentheses; 0 when
 * there is no such process (or no /proc), or only its exit status is
 * left (a zombie: a process killed whose parent has not waited for it,
 * as a container without an init leaves them). */
static long long
start_time(long long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p && (p[1] != ' ' || p[2] == 'Z' || p[2] == 'X'))
        return 0;
    long long v = 0;
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (p)
        v = atoll(p + 1);
    return v;
}

static void
self(struct proc *me)
{
    memset(me, 0, sizeof *me);
    me->pid = (long long)getpid();
    me->started = start_time(me->pid);
    FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (fp) {
        if (!fgets(me->boot, sizeof me->boot, fp))
            me->boot[0] = '\0';
        me->boot[strcspn(me->boot, "\n")] = '\0';
        fclose(fp);
    }
    if (gethostname(me->host, sizeof me->host - 1) != 0)
        snprintf(me->host, sizeof me->host, "?");
}

/* Whether the process p may still run: certainly not when it ran on this
 * host before its last boot, or its pid is gone or started again; maybe
 * when it ran on another host. */
static bool
may_run(const struct proc *p, const struct proc *me)
{
    if (strcmp(p->host, me->host) != 0)
        return true;
    if (p->boot[0] && me->boot[0])
        return strcmp(p->boot, me->boot) == 0 &&
               start_time(p->pid) == p->started;
    return kill((pid_t)p->pid, 0) == 0 || errno != ESRCH;
}

enum tte_err
staging_mark(sqlite3 *db, long long file_id, int64_t first_event,
             int64_t first_reject)
{
    struct proc me;
    self(&me);
    sqlite3_stmt *st = tte_db_prepare(db,
        "INSERT OR REPLACE INTO staging(file_id, first_event, first_reject,"
        " pid, started, boot, host) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, first_event);
    sqlite3_bind_int64(st, 3, first_reject);
    sqlite3_bind_int64(st, 4, me.pid);
    sqlite3_bind_int64(st, 5, me.started);
    sqlite3_bind_text(st, 6, me.boot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, me.host, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
staging_clear(sqlite3 *db, long long file_id)
{
    return tte_db_run_id(db, "DELETE FROM staging WHERE file_id = ?1",
                         file_id, NULL);
}

/* Takes out one stopped run's staged rows of file_id. */
static enum tte_err
take_out(sqlite3 *db, long long file_id, int64_t first_event,
         int64_t first_reject, const char *path)
{
    long long events = 0, rejects = 0;
    int64_t ev[2] = {file_id, first_event}, rej[2] = {file_id, first_reject};
    enum tte_err err = tte_db_run(db, "DELETE FROM events WHERE file_id = ?1"
                                  " AND id >= ?2", ev, 2, &events);
    if (!err)
        err = tte_db_run(db, "DELETE FROM rejects WHERE file_id = ?1"
                         " AND id >= ?2", rej, 2, &rejects);
    if (!err)
        err = staging_clear(db, file_id);
    char also[64] = "";
    if (rejects)
        snprintf(also, sizeof also, " (and %lld rejected among them)",
                 rejects);
    if (!err)
        log_warn("%s: a stopped run left %lld row%s out of time order "
                 "unmerged%s: taken out; the file is read again from before "
                 "them", path, events, events == 1 ? "" : "s", also);
    return err;
}

/* A staging row, read before anything is taken out. */
struct left {
    long long file_id, first_event, first_reject;
    struct proc p;
    char path[1024];
};

enum tte_err
staging_recover(sqlite3 *db)
{
    sqlite3_stmt *st = tte_db_prepare(db,
        "SELECT s.file_id, s.first_event, s.first_reject, s.pid, s.started,"
        " s.boot, s.host, COALESCE(f.path, '(file ' || s.file_id || ')')"
        " FROM staging s LEFT JOIN files f ON f.id = s.file_id");
    if (!st)
        return TTE_E_IO;
    struct left *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = tte_xrealloc(v, (n + 1) * sizeof *v);
        struct left *l = &v[n++];
        memset(l, 0, sizeof *l);
        l->file_id = sqlite3_column_int64(st, 0);
        l->first_event = sqlite3_column_int64(st, 1);
        l->first_reject = sqlite3_column_int64(st, 2);
        l->p.pid = sqlite3_column_int64(st, 3);
        l->p.started = sqlite3_column_int64(st, 4);
        snprintf(l->p.boot, sizeof l->p.boot, "%s",
                 (const char *)sqlite3_column_text(st, 5));
        snprintf(l->p.host, sizeof l->p.host, "%s",
                 (const char *)sqlite3_column_text(st, 6));
        snprintf(l->path, sizeof l->path, "%s",
                 (const char *)sqlite3_column_text(st, 7));
    }
    enum tte_err err = rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
    sqlite3_finalize(st);
    struct proc me;
    if (n)                      /* most runs find none */
        self(&me);
    for (size_t i = 0; !err && i < n; i++) {
        if (may_run(&v[i].p, &me)) {
            log_err("%s: tte-collect (pid %lld on %s) is merging its rows, "
                    "or was stopped on that host while it did: run "
                    "tte-collect again once it has ended (on %s)",
                    v[i].path, v[i].p.pid, v[i].p.host, v[i].p.host);
            err = TTE_E_TEMPFAIL;
        } else {
            err = take_out(db, v[i].file_id, v[i].first_event,
                           v[i].first_reject, v[i].path);
        }
    }
    free(v);
    return err;
}
