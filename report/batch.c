/*
 * The batch: collect every configured source, aggregate the period,
 * render the report, optionally send it. Stops at the first stage that
 * fails and returns that stage's exit status. Rows rejected by collect
 * (exit 65) do not stop it: the good rows are stored and the report shows
 * the rejects in Kualitas Data.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "tte_db.h"
#include "tte_json.h"
#include "tte_log.h"
#include "tte_summary.h"
#include "tte_text.h"

/* A stage's argument list, NULL-terminated; as long as the globs make it
 * (a fixed array would drop files silently). */
struct argv {
    char **v;
    size_t n, cap;
};

static void
arg(struct argv *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->v = tte_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = tte_xstrdup(s);
    a->v[a->n] = NULL;
}

static void
args_free(struct argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

static void
common(struct argv *a, const char *prog, const struct batch *b)
{
    arg(a, prog);
    arg(a, "--db");
    arg(a, b->db);
    if (b->opts->quiet)
        arg(a, "-q");
    for (int i = 0; i < b->opts->verbose; i++)
        arg(a, "-v");
}

static void
period_args(struct argv *a, const struct batch *b)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", b->period.year);
    arg(a, "--year");
    arg(a, buf);
    if (b->period.quarter) {
        snprintf(buf, sizeof buf, "%d", b->period.quarter);
        arg(a, "--quarter");
        arg(a, buf);
    }
}

/* Expands a source's file patterns; patterns that match nothing warn. */
static size_t
add_files(struct argv *a, const cJSON *files, const char *source)
{
    const cJSON *f;
    size_t n = 0;
    cJSON_ArrayForEach (f, files) {
        glob_t g;
        const char *pat = cJSON_GetStringValue(f);
        if (!pat)
            continue;
        if (glob(pat, 0, NULL, &g) != 0) {
            log_warn("source %s: no file matches '%s'", source, pat);
            continue;
        }
        for (size_t i = 0; i < g.gl_pathc; i++, n++)
            arg(a, g.gl_pathv[i]);
        globfree(&g);
    }
    return n;
}

/* The zone a source's times are read in. --zone overrides a source
 * definition's own zone, so it is passed only when the operator sets one
 * on the entry; a definition (conf/sources/NAME.json) otherwise keeps its
 * zone, exactly as when tte-collect is run by hand. The built-in readers
 * have no zone of their own: local times in them are in the report's
 * zone. */
static const char *
source_zone(const struct batch *b, const cJSON *entry, const char *name)
{
    static const char *const builtin[] = {
        "csv", "jsonl", "certificates", "units", "apps", "verifikator",
    };
    const char *zone = tte_json_str(entry, "zone", NULL);
    if (zone)
        return zone;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(name, builtin[i]) == 0)
            return b->period.zone;
    return NULL;
}

static int
collect_all(struct batch *b)
{
    const cJSON *s;
    struct argv a = {0};
    int worst = 0;

    cJSON_ArrayForEach (s, cJSON_GetObjectItemCaseSensitive(b->config,
                                                            "sources")) {
        const char *name = tte_json_str(s, "source", NULL);
        if (!name) {
            log_err("%s: sources: every entry needs \"source\"",
                    b->config_path);
            return EX_CONFIG;
        }
        common(&a, "tte-collect", b);
        arg(&a, "--source");
        arg(&a, name);
        const char *zone = source_zone(b, s, name);
        if (zone) {
            arg(&a, "--zone");
            arg(&a, zone);
        }
        size_t n = add_files(&a, cJSON_GetObjectItemCaseSensitive(s, "files"),
                             name);
        int rc = n ? stage_run("collect", a.v) : 0;
        args_free(&a);
        if (rc != 0 && rc != EX_DATAERR) {
            snprintf(b->stage, sizeof b->stage, "collect %s", name);
            return rc;
        }
        if (rc == EX_DATAERR)
            worst = rc;
        b->sources++;
    }
    return worst == EX_DATAERR ? 0 : worst;
}

/* One application's sample documents: files, folders or patterns. */
static int
evidence_app(struct batch *b, const cJSON *ev, const cJSON *app)
{
    struct argv a = {0};
    const cJSON *paths = app;
    cJSON *one = NULL;

    if (cJSON_IsString(app)) {
        one = cJSON_CreateArray();
        cJSON_AddItemToArray(one, cJSON_CreateString(app->valuestring));
        paths = one;
    }
    common(&a, "tte-evidence", b);
    arg(&a, "--app");
    arg(&a, app->string);
    arg(&a, "--ca");
    arg(&a, tte_json_str(ev, "ca", ""));
    const cJSON *w;
    cJSON_ArrayForEach (w,
                        cJSON_GetObjectItemCaseSensitive(ev, "statements")) {
        if (cJSON_IsString(w)) {
            arg(&a, "--statement");
            arg(&a, w->valuestring);
        }
    }
    /* The limits per document, in tte-evidence's own units (MiB, s). */
    static const char *const limits[][2] = {
        {"max_memory", "--max-memory"},
        {"timeout", "--timeout"},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, limits[i][0]);
        if (cJSON_IsNumber(v)) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.0f", v->valuedouble);
            arg(&a, limits[i][1]);
            arg(&a, buf);
        }
    }
    size_t n = add_files(&a, paths, app->string);
    cJSON_Delete(one);
    snprintf(b->stage, sizeof b->stage, "evidence %s", app->string);
    int rc = n ? stage_run("evidence", a.v) : 0;
    args_free(&a);
    return rc;
}

/* Sample signed PDFs per application, when the configuration names them
 * ("evidence": {"ca": PEM, "apps": {APP: DIR or [PATHS]}}). Documents
 * that fail (65) are findings for the report, not a reason to stop. */
static int
evidence_all(struct batch *b)
{
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(b->config, "evidence");
    const cJSON *app;

    if (!ev)
        return 0;
    snprintf(b->stage, sizeof b->stage, "evidence");
    if (!tte_json_str(ev, "ca", NULL)) {
        log_err("%s: evidence: \"ca\" must name the BSrE CA bundle (PEM)",
                b->config_path);
        return EX_CONFIG;
    }
    /* The configuration's check guarantees an object of named
     * applications; a list would have no names to pass as --app. */
    const cJSON *apps = cJSON_GetObjectItemCaseSensitive(ev, "apps");
    if (apps && !cJSON_IsObject(apps)) {
        log_err("%s: evidence.apps must be an object", b->config_path);
        return EX_CONFIG;
    }
    cJSON_ArrayForEach (app, apps) {
        int rc = evidence_app(b, ev, app);
        if (rc != 0 && rc != EX_DATAERR)
            return rc;
    }
    return 0;
}

static int
run_stage(struct batch *b, const char *name, struct argv *a)
{
    snprintf(b->stage, sizeof b->stage, "%s", name);
    int rc = stage_run(name, a->v);
    args_free(a);
    return rc;
}

/* One render; the summary is printed once, by tte-report at the end. */
static int
render(struct batch *b, const char *format, const char *out)
{
    struct argv a = {0};

    common(&a, "tte-render", b);
    period_args(&a, b);
    arg(&a, "--config");
    arg(&a, b->config_path);
    arg(&a, "--template");
    arg(&a, b->template_path);
    arg(&a, "--format");
    arg(&a, format);
    arg(&a, "--no-summary");
    arg(&a, "--out");
    arg(&a, out);
    return run_stage(b, "render", &a);
}

static int
aggregate_render_send(struct batch *b)
{
    struct argv a = {0};
    int rc;

    common(&a, "tte-aggregate", b);
    period_args(&a, b);
    arg(&a, "--zone");
    arg(&a, b->period.zone);
    rc = run_stage(b, "aggregate", &a);
    if (!rc)
        rc = render(b, "xlsx", b->report);
    if (!rc && b->html[0])
        rc = render(b, "html", b->html);
    if (rc || !b->opts->send)
        return rc;
    common(&a, "tte-send", b);
    period_args(&a, b);
    arg(&a, "--config");
    arg(&a, b->config_path);
    arg(&a, "--report");
    arg(&a, b->report);
    if (b->opts->force_send)
        arg(&a, "--force");
    return run_stage(b, "send", &a);
}

static long long
scalar(sqlite3 *db, const char *sql, const char *param)
{
    long long v = 0;
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return 0;
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void
record_start(struct batch *b)
{
    sqlite3_stmt *st = tte_db_prepare(
        b->db_handle,
        "INSERT INTO runs(started_at, period, stage, pid) VALUES (?1, ?2,"
        " 'collect', ?3)");
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, (long long)b->started);
    sqlite3_bind_text(st, 2, b->period.key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (long long)getpid());
    if (sqlite3_step(st) == SQLITE_DONE)
        b->run_id = sqlite3_last_insert_rowid(b->db_handle);
    sqlite3_finalize(st);
}

static void
record_end(struct batch *b, int rc)
{
    sqlite3_stmt *st = tte_db_prepare(
        b->db_handle,
        "UPDATE runs SET ended_at = ?2, stage = ?3, exit_code = ?4,"
        " events = ?5, rejected = ?6, report = ?7 WHERE id = ?1");
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, b->run_id);
    sqlite3_bind_int64(st, 2, (long long)time(NULL));
    sqlite3_bind_text(st, 3, b->stage, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, rc);
    sqlite3_bind_int64(st, 5, b->events);
    sqlite3_bind_int64(st, 6, b->rejected);
    sqlite3_bind_text(st, 7, rc ? NULL : b->report, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        log_warn("cannot record the run: %s", sqlite3_errmsg(b->db_handle));
    sqlite3_finalize(st);
}

int
batch_run(struct batch *b)
{
    long long rejects0;
    int rc;

    if (tte_db_open(b->db, false, &b->db_handle) != TTE_OK)
        return EX_CANTCREAT;
    b->started = time(NULL);
    record_start(b);
    rejects0 = scalar(b->db_handle, "SELECT count(*) FROM rejects", NULL);
    snprintf(b->stage, sizeof b->stage, "collect");
    rc = collect_all(b);
    if (!rc)
        rc = evidence_all(b);
    if (!rc)
        rc = aggregate_render_send(b);
    if (!rc)
        snprintf(b->stage, sizeof b->stage, "done");
    b->events = scalar(b->db_handle,
                       "SELECT events FROM agg_period WHERE period = ?1",
                       b->period.key);
    b->rejected = scalar(b->db_handle, "SELECT count(*) FROM rejects", NULL) -
                  rejects0;
    record_end(b, rc);
    sqlite3_close(b->db_handle);
    b->db_handle = NULL;
    return rc;
}

void
batch_summary(const struct batch *b)
{
    sqlite3 *db;
    if (tte_db_open(b->db, true, &db) != TTE_OK)
        return;
    tte_summary(db, b->period.key, b->config);
    sqlite3_close(db);
}
