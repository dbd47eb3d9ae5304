/*
 * The registries (certificates, units, apps, verifikator) are snapshots:
 * collecting one replaces the previous contents with the files given.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tte_db.h"
#include "tte_id.h"
#include "tte_log.h"
#include "tte_time.h"

static const char *const tables[] = {
    [KIND_CERTIFICATES] = "DELETE FROM certificates",
    [KIND_UNITS] = "DELETE FROM units; DELETE FROM unit_alias",
    [KIND_APPS] = "DELETE FROM apps",
    [KIND_VERIFIKATOR] = "DELETE FROM verifikator",
};

static const char *const statuses[] = {
    "ISSUE", "EXPIRED",        "RENEW",          "WAITING_FOR_VERIFICATION",
    "NEW",   "NO_CERTIFICATE", "NOT_REGISTERED", "SUSPEND",
    "REVOKE"};

/* The table whose rows a registry's size is counted in. */
static const char *const counted[] = {
    [KIND_CERTIFICATES] = "certificates",
    [KIND_UNITS] = "units",
    [KIND_APPS] = "apps",
    [KIND_VERIFIKATOR] = "verifikator",
};

/* Rows of the kind's table (the snapshot's, inside its transaction). */
static enum tte_err
registry_count(sqlite3 *db, enum src_kind kind, long long *n)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", counted[kind]);
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return TTE_E_IO;
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TTE_OK : tte_db_err(db, rc);
}

/* The size before the snapshot replaces it is kept in a temporary
 * table, for registry_end to compare with. */
enum tte_err
registry_begin(sqlite3 *db, enum src_kind kind)
{
    long long before = 0;
    if (kind == KIND_EVENTS)
        return TTE_OK;
    enum tte_err err = registry_count(db, kind, &before);
    if (!err)
        err = tte_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS"
                              " registry_before(n INTEGER NOT NULL);"
                              " DELETE FROM temp.registry_before");
    if (!err)
        err = tte_db_run_id(db,
                            "INSERT INTO temp.registry_before VALUES"
                            " (?1)",
                            before, NULL);
    if (!err)
        err = tte_db_exec(db, tables[kind]);
    return err;
}

enum tte_err
registry_end(sqlite3 *db, enum src_kind kind, const char *name,
             const struct registry_limits *lim)
{
    long long before = 0, after = 0;
    if (kind == KIND_EVENTS || lim->allow_shrink)
        return TTE_OK;
    sqlite3_stmt *st = tte_db_prepare(db,
                                      "SELECT n FROM temp.registry_before");
    if (!st)
        return TTE_E_IO;
    if (sqlite3_step(st) == SQLITE_ROW)
        before = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    enum tte_err err = registry_count(db, kind, &after);
    /* A first load, growth, and a clearing asked for by --allow-empty
     * pass; a partial export replacing a full registry does not. */
    if (err || after >= before || (after == 0 && lim->allow_empty) ||
        (before - after) * 100 <= before * lim->max_shrink)
        return err;
    log_err("%s registry would shrink from %lld to %lld rows (%lld %%, more "
            "than --max-shrink %d %%); left unchanged; if the export is "
            "complete, collect it again with --allow-shrink",
            name, before, after, (before - after) * 100 / before,
            lim->max_shrink);
    return TTE_E_DATA;
}

static char *
val(char **row, int i)
{
    if (!row[i])
        return NULL;
    tte_str_trim(row[i]);
    return *row[i] ? row[i] : NULL;
}

/* db NULL: a check that stores nothing (registry_check). */
static enum tte_err
run(sqlite3 *db, const char *sql, char **vals, int n)
{
    if (!db)
        return TTE_OK;
    sqlite3_stmt *st = tte_db_prepare(db, sql);
    if (!st)
        return TTE_E_IO;
    for (int i = 0; i < n; i++)
        tte_bind_text(st, i + 1, vals[i]);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
        return tte_db_err(db, rc);
    return rc == SQLITE_DONE ? TTE_OK : TTE_E_DATA;
}

/* Accepts YYYY-MM-DD, optionally followed by a time; keeps the date. */
static bool
norm_date(char *s)
{
    int y, m, d;
    if (!s)
        return true;
    if (strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        !tte_date_valid(y, m, d) || s[4] != '-' || s[7] != '-')
        return false;
    s[10] = '\0';
    return true;
}

static bool
cert_row(sqlite3 *db, char **row, struct tte_buf *reason, enum tte_err *err)
{
    /* v[10] status_since, v[11] snapshot_date (or v[12] exported_on):
     * the status is a snapshot; these date it. */
    char *v[13];
    for (int i = 0; i < 13; i++)
        v[i] = val(row, i);
    if (!v[11])
        v[11] = v[12];
    if (!v[0] && !v[1] && !v[6]) {
        tte_buf_adds(reason, "certificate has no cert_serial, nik or nip");
        return false;
    }
    if (!tte_ids_check(v[0], v[1], reason))
        return false;
    if (!v[5])
        v[5] = "individu";
    for (char *p = v[5]; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (strcmp(v[5], "individu") && strcmp(v[5], "segel")) {
        tte_buf_printf(reason, "cert_type '%s' is neither individu nor segel",
                       v[5]);
        return false;
    }
    static const char *const dates[] = {"not_before", "not_after", NULL,
                                        "status_since", "snapshot_date"};
    for (int i = 7; i <= 11; i++) {
        if (i != 9 && !norm_date(v[i])) {
            tte_buf_printf(reason, "%s '%s' is not a date (YYYY-MM-DD)",
                           dates[i - 7], v[i]);
            return false;
        }
    }
    size_t k = 0;
    for (char *p = v[9]; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    while (v[9] && k < sizeof statuses / sizeof statuses[0] &&
           strcmp(v[9], statuses[k]))
        k++;
    /* An empty status is unknown, not wrong; anything else must be one of
     * BSrE's. */
    if (v[9] && k == sizeof statuses / sizeof statuses[0]) {
        tte_buf_printf(reason,
                       "status '%s' is not a BSrE status (ISSUE, "
                       "EXPIRED, RENEW, REVOKE, ...)",
                       v[9] ? v[9] : "");
        return false;
    }
    *err = run(db,
               "INSERT INTO certificates(nik, nip, name, position, unit,"
               " cert_type, cert_serial, not_before, not_after, status,"
               " status_since, snapshot_date)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
               v, 12);
    return !*err;
}

static enum tte_err
add_alias(sqlite3 *db, const char *alias, const char *code)
{
    char *v[2] = {(char *)alias, (char *)code};
    return run(db,
               "INSERT OR IGNORE INTO unit_alias(alias, code)"
               " VALUES (lower(trim(?1)), ?2)",
               v, 2);
}

static bool
unit_row(sqlite3 *db, char **row, struct tte_buf *reason, enum tte_err *err)
{
    char *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = val(row, i);
    if (!v[0] || !v[1]) {
        tte_buf_adds(reason, "unit needs both code and name");
        return false;
    }
    *err = run(db, "INSERT INTO units(code, name, parent) VALUES (?1, ?2, ?3)",
               v, 3);
    if (*err == TTE_E_DATA) {
        *err = TTE_OK;
        tte_buf_printf(reason, "duplicate unit code '%s'", v[0]);
        return false;
    }
    if (!*err)
        *err = add_alias(db, v[0], v[0]);
    if (!*err)
        *err = add_alias(db, v[1], v[0]);
    for (char *a = v[3] ? strtok(v[3], "|") : NULL; a && !*err;
         a = strtok(NULL, "|")) {
        tte_str_trim(a);
        if (*a)
            *err = add_alias(db, a, v[0]);
    }
    return !*err;
}

static bool
app_row(sqlite3 *db, char **row, struct tte_buf *reason, enum tte_err *err)
{
    char *v[5];
    for (int i = 0; i < 5; i++)
        v[i] = val(row, i);
    if (!v[0]) {
        tte_buf_adds(reason, "app is empty");
        return false;
    }
    if (v[3]) {
        if (tte_str_ieq(v[3], "ya") || tte_str_ieq(v[3], "yes") ||
            tte_str_ieq(v[3], "true"))
            v[3] = "1";
        else if (tte_str_ieq(v[3], "tidak") || tte_str_ieq(v[3], "no") ||
                 tte_str_ieq(v[3], "false"))
            v[3] = "0";
        if (strcmp(v[3], "1") && strcmp(v[3], "0")) {
            tte_buf_printf(reason, "footer_statement '%s' is neither 1 nor 0",
                           v[3]);
            return false;
        }
    }
    if (!norm_date(v[4])) {
        tte_buf_printf(reason, "checked_on '%s' is not a date (YYYY-MM-DD)",
                       v[4]);
        return false;
    }
    *err = run(db,
               "INSERT INTO apps(app, name, owner_unit, footer_statement,"
               " checked_on) VALUES (?1, ?2, ?3, ?4, ?5)",
               v, 5);
    if (*err == TTE_E_DATA) {
        *err = TTE_OK;
        tte_buf_printf(reason, "duplicate app '%s'", v[0]);
        return false;
    }
    return !*err;
}

static bool
verifikator_row(sqlite3 *db, char **row, struct tte_buf *reason,
                enum tte_err *err)
{
    char *v[6];
    for (int i = 0; i < 6; i++)
        v[i] = val(row, i);
    if (!v[1]) {
        tte_buf_adds(reason, "verifikator name is empty");
        return false;
    }
    if (!tte_ids_check(NULL, v[0], reason))
        return false;
    if (!norm_date(v[4])) {
        tte_buf_printf(reason, "appointed_on '%s' is not a date (YYYY-MM-DD)",
                       v[4]);
        return false;
    }
    *err = run(db,
               "INSERT INTO verifikator(nip, name, position, unit,"
               " appointed_on, decree) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
               v, 6);
    return !*err;
}

bool
registry_row(sqlite3 *db, enum src_kind kind, char **row,
             struct tte_buf *reason, enum tte_err *err)
{
    *err = TTE_OK;
    switch (kind) {
    case KIND_CERTIFICATES: return cert_row(db, row, reason, err);
    case KIND_UNITS: return unit_row(db, row, reason, err);
    case KIND_APPS: return app_row(db, row, reason, err);
    case KIND_VERIFIKATOR: return verifikator_row(db, row, reason, err);
    case KIND_EVENTS: break;
    }
    *err = TTE_E_SOFTWARE;
    return false;
}

bool
registry_check(enum src_kind kind, char **row, struct tte_buf *reason)
{
    enum tte_err err;
    return registry_row(NULL, kind, row, reason, &err);
}
