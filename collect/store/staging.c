/*
 * The staging mark (staging.h; the protocol is store.h's). The start time
 * beside the pid keeps a pid used again by another process from being
 * taken for the one that staged.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "staging.h"
#include "tte_alloc.h"
#include "tte_db.h"
#include "tte_log.h"
#include "tte_time.h"

struct proc {
    long long pid, started; /* started: clock ticks after boot */
    long long started_at;   /* the same as Unix time; 0: unknown */
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

/* The boot's Unix time (btime of /proc/stat); 0 when unknown. */
static long long
boot_time(void)
{
    char line[256];
    long long v = 0;
    FILE *fp = fopen("/proc/stat", "r");
    if (!fp)
        return 0;
    while (!v && fgets(line, sizeof line, fp))
        if (strncmp(line, "btime ", 6) == 0)
            v = atoll(line + 6);
    fclose(fp);
    return v;
}

static void
self(struct proc *me)
{
    memset(me, 0, sizeof *me);
    me->pid = (long long)getpid();
    me->started = start_time(me->pid);
    long long btime = boot_time(), hz = sysconf(_SC_CLK_TCK);
    me->started_at = btime && me->started && hz > 0 ? btime + me->started / hz
                                                    : (long long)time(NULL);
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

/* Who holds a mark, seen from this process. */
enum holder {
    HOLDER_GONE,  /* ran on this host and boot, and has ended */
    HOLDER_RUNS,  /* runs on this host and boot */
    HOLDER_UNSEEN /* another host or boot: only its operator knows */
};

static enum holder
holder_of(const struct proc *p, const struct proc *me)
{
    if (strcmp(p->host, me->host) != 0)
        return HOLDER_UNSEEN;
    if (p->boot[0] && me->boot[0]) {
        if (strcmp(p->boot, me->boot) != 0)
            return HOLDER_UNSEEN;
        return start_time(p->pid) == p->started ? HOLDER_RUNS : HOLDER_GONE;
    }
    return kill((pid_t)p->pid, 0) == 0 || errno != ESRCH ? HOLDER_RUNS
                                                         : HOLDER_GONE;
}

enum tte_err
staging_mark(sqlite3 *db, long long file_id, int64_t first_event,
             int64_t first_reject)
{
    struct proc me;
    self(&me);
    sqlite3_stmt *st = tte_db_prepare(
        db,
        "INSERT OR REPLACE INTO staging(file_id, first_event, first_reject,"
        " pid, started, boot, host, started_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st)
        return TTE_E_IO;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, first_event);
    sqlite3_bind_int64(st, 3, first_reject);
    sqlite3_bind_int64(st, 4, me.pid);
    sqlite3_bind_int64(st, 5, me.started);
    sqlite3_bind_text(st, 6, me.boot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, me.host, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, me.started_at);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
}

enum tte_err
staging_clear(sqlite3 *db, long long file_id)
{
    return tte_db_run_id(db, "DELETE FROM staging WHERE file_id = ?1", file_id,
                         NULL);
}

/* A staging row, read before anything is taken out. */
struct left {
    long long file_id, first_event, first_reject;
    struct proc p;
    char path[1024];
};

/* "pid P on host 'H', started T": the process a mark names. */
static void
describe(const struct left *l, char *buf, size_t n)
{
    char when[21] = "at an unknown time";
    if (l->p.started_at > 0)
        tte_format_utc(l->p.started_at, when);
    snprintf(buf, n, "tte-collect pid %lld on host '%s' (started %s)",
             l->p.pid, l->p.host, when);
}

/* Takes out one stopped run's staged rows of a file. */
static enum tte_err
take_out(sqlite3 *db, const struct left *l)
{
    long long events = 0, rejects = 0;
    int64_t ev[2] = {l->file_id, l->first_event};
    int64_t rej[2] = {l->file_id, l->first_reject};
    enum tte_err err = tte_db_run(db,
                                  "DELETE FROM events WHERE file_id = ?1"
                                  " AND id >= ?2",
                                  ev, 2, &events);
    if (!err)
        err = tte_db_run(db,
                         "DELETE FROM rejects WHERE file_id = ?1"
                         " AND id >= ?2",
                         rej, 2, &rejects);
    if (!err)
        err = staging_clear(db, l->file_id);
    char also[64] = "", who[400];
    if (rejects)
        snprintf(also, sizeof also, " (and %lld rejected among them)",
                 rejects);
    describe(l, who, sizeof who);
    if (!err)
        log_warn("%s: %s was stopped and left %lld row%s out of time "
                 "order unmerged%s: taken out; the file is read again from "
                 "before them",
                 l->path, who, events, events == 1 ? "" : "s", also);
    return err;
}

/* The marks of the database, all read before any is taken out; *out is
 * the caller's to free, also after an error. */
static enum tte_err
read_marks(sqlite3 *db, struct left **out, size_t *count)
{
    sqlite3_stmt *st = tte_db_prepare(
        db,
        "SELECT s.file_id, s.first_event, s.first_reject, s.pid, s.started,"
        " s.boot, s.host, COALESCE(s.started_at, 0),"
        " COALESCE(f.path, '(file ' || s.file_id || ')')"
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
        l->p.started_at = sqlite3_column_int64(st, 7);
        snprintf(l->path, sizeof l->path, "%s",
                 (const char *)sqlite3_column_text(st, 8));
    }
    enum tte_err err = rc == SQLITE_DONE ? TTE_OK : tte_db_err(db, rc);
    sqlite3_finalize(st);
    *out = v;
    *count = n;
    return err;
}

/* Why a mark stays, with the command that clears it. */
static void
refuse(sqlite3 *db, const struct left *l, enum holder h, bool operator_said)
{
    char who[400], cmd[1200];
    describe(l, who, sizeof who);
    tte_db_recover_command(db, cmd, sizeof cmd);
    if (h == HOLDER_RUNS && operator_said)
        log_err("%s: %s still runs on this host and is merging its rows: "
                "not recovered; run '%s' once it has ended",
                l->path, who, cmd);
    else if (h == HOLDER_RUNS)
        log_err("%s: %s is merging its rows: run tte-collect again once it "
                "has ended (if it was stopped, '%s' takes out what it left)",
                l->path, who, cmd);
    else
        log_err("%s: %s left rows out of time order unmerged, and this "
                "host cannot tell whether that run has ended; once it has "
                "(or its host or container is gone), run '%s' to take them "
                "out and read the file again",
                l->path, who, cmd);
}

enum tte_err
staging_recover(sqlite3 *db, bool operator_said, long long *taken)
{
    struct left *v = NULL;
    size_t n = 0;
    enum tte_err err = read_marks(db, &v, &n), first = TTE_OK;
    struct proc me;
    if (n) /* most runs find none */
        self(&me);
    for (size_t i = 0; !err && i < n; i++) {
        enum holder h = holder_of(&v[i].p, &me);
        if (h == HOLDER_GONE || (h == HOLDER_UNSEEN && operator_said)) {
            err = take_out(db, &v[i]);
            if (!err && taken)
                (*taken)++;
        } else {
            /* Every mark that stays is said, not only the first. */
            refuse(db, &v[i], h, operator_said);
            first = TTE_E_TEMPFAIL;
        }
    }
    free(v);
    return err ? err : first;
}
