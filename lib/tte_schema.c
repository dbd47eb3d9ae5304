/*
 * The database schema, in one place. Each entry of migrations[] moves a
 * database from user_version i to i + 1; never edit a released entry, add
 * a new one.
 */
#include <stddef.h>

#include "tte_db.h"

static const char v1[] =
    "CREATE TABLE files("
    " id INTEGER PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL,"
    " dev INTEGER, ino INTEGER, size INTEGER NOT NULL DEFAULT 0,"
    " mtime INTEGER, head_sha TEXT, tail_sha TEXT,"
    " offset INTEGER NOT NULL DEFAULT 0, lines INTEGER NOT NULL DEFAULT 0,"
    " rows_read INTEGER NOT NULL DEFAULT 0,"
    " accepted INTEGER NOT NULL DEFAULT 0,"
    " duplicates INTEGER NOT NULL DEFAULT 0,"
    " rejected INTEGER NOT NULL DEFAULT 0,"
    " unknown_units INTEGER NOT NULL DEFAULT 0,"
    " collected_at INTEGER, UNIQUE(source, path));"

    /* One row per distinct event; key is a 64-bit hash of the dedupe
     * fields, checked against the real fields on every hit. */
    "CREATE TABLE events("
    " id INTEGER PRIMARY KEY, key INTEGER NOT NULL, t INTEGER NOT NULL,"
    " app TEXT NOT NULL, unit TEXT NOT NULL, signer TEXT NOT NULL,"
    " nik TEXT, nip TEXT, name TEXT, position TEXT,"
    " cert_type TEXT NOT NULL, cert_serial TEXT,"
    " doc_id TEXT NOT NULL DEFAULT '', doc_type TEXT, doc_number TEXT,"
    " visibility TEXT, auth_method TEXT, api_version TEXT,"
    " http_status INTEGER, status_code TEXT, result TEXT NOT NULL,"
    " message TEXT, duration_ms INTEGER, footer INTEGER,"
    " file_id INTEGER REFERENCES files(id), line INTEGER);"
    "CREATE INDEX events_key ON events(key);"
    "CREATE INDEX events_t ON events(t);"

    "CREATE TABLE rejects("
    " id INTEGER PRIMARY KEY, file_id INTEGER REFERENCES files(id),"
    " source TEXT NOT NULL, file TEXT NOT NULL, line INTEGER,"
    " reason TEXT NOT NULL, raw TEXT);"
    "CREATE INDEX rejects_file ON rejects(file_id);"

    "CREATE TABLE units(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " parent TEXT);"
    /* Every spelling of a unit (code, name, aliases), lowercased. */
    "CREATE TABLE unit_alias(alias TEXT PRIMARY KEY, code TEXT NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE apps(app TEXT PRIMARY KEY, name TEXT, owner_unit TEXT,"
    " footer_statement INTEGER, checked_on TEXT);"
    "CREATE TABLE certificates(id INTEGER PRIMARY KEY, nik TEXT, nip TEXT,"
    " name TEXT, position TEXT, unit TEXT, cert_type TEXT NOT NULL,"
    " cert_serial TEXT, not_before TEXT, not_after TEXT, status TEXT);"
    "CREATE INDEX certificates_serial ON certificates(cert_serial);"
    "CREATE INDEX certificates_nik ON certificates(nik);"
    "CREATE INDEX certificates_nip ON certificates(nip);"
    "CREATE TABLE verifikator(id INTEGER PRIMARY KEY, nip TEXT, name TEXT,"
    " position TEXT, unit TEXT, appointed_on TEXT, decree TEXT);"

    /* Summary tables written by tte-aggregate, one set per period
     * ("2025" or "2025Q3"). */
    "CREATE TABLE agg_period(period TEXT PRIMARY KEY, year INTEGER,"
    " quarter INTEGER, zone TEXT, utc_offset INTEGER, start_utc INTEGER,"
    " end_utc INTEGER, first_day TEXT, last_day TEXT, aggregated_at INTEGER,"
    " events INTEGER);"
    "CREATE TABLE agg_unit(period TEXT, ord INTEGER, code TEXT, unit TEXT,"
    " known INTEGER, certs_active INTEGER, signers_active INTEGER,"
    " sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER,"
    " seal_fail INTEGER);"
    "CREATE TABLE agg_month(period TEXT, month INTEGER, ok INTEGER,"
    " fail INTEGER, sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER,"
    " seal_fail INTEGER);"
    "CREATE TABLE agg_app(period TEXT, app TEXT, name TEXT,"
    " registered INTEGER, footer_statement INTEGER, footer_yes INTEGER,"
    " footer_no INTEGER, ok INTEGER, fail INTEGER);"
    "CREATE TABLE agg_cert(period TEXT, ord INTEGER, cert_serial TEXT,"
    " nik TEXT, nip TEXT, name TEXT, position TEXT, unit TEXT,"
    " cert_type TEXT, not_after TEXT, status TEXT, in_registry INTEGER,"
    " ok INTEGER, fail INTEGER);"
    "CREATE TABLE agg_error(period TEXT, code TEXT, n INTEGER);"
    "CREATE TABLE agg_status(period TEXT, status TEXT, n INTEGER);"
    "CREATE TABLE agg_action(period TEXT, ord INTEGER, kind TEXT,"
    " cert_serial TEXT, nik TEXT, name TEXT, unit TEXT, not_after TEXT,"
    " status TEXT, uses INTEGER);"
    "CREATE TABLE agg_quality(period TEXT, source TEXT, file TEXT,"
    " rows_read INTEGER, accepted INTEGER, duplicates INTEGER,"
    " rejected INTEGER, unknown_units INTEGER);"

    "CREATE TABLE sends(id INTEGER PRIMARY KEY, report_sha256 TEXT NOT NULL,"
    " report_file TEXT, period TEXT, recipients TEXT NOT NULL,"
    " message_id TEXT, server_reply TEXT, sent_at INTEGER NOT NULL);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at INTEGER,"
    " ended_at INTEGER, period TEXT, stage TEXT, exit_code INTEGER,"
    " events INTEGER, rejected INTEGER, report TEXT, pid INTEGER);"

    "CREATE VIEW v_events AS SELECT"
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.t, 'unixepoch') AS time_utc,"
    " e.app, COALESCE(u.name, e.unit) AS unit, e.nik, e.nip, e.name,"
    " e.cert_type, e.cert_serial, e.doc_id, e.result, e.status_code,"
    " e.message, f.source, f.path AS file, e.line"
    " FROM events e LEFT JOIN files f ON f.id = e.file_id"
    " LEFT JOIN unit_alias a ON a.alias = lower(e.unit)"
    " LEFT JOIN units u ON u.code = a.code;"
    "CREATE VIEW v_rejects AS SELECT source, file, line, reason, raw"
    " FROM rejects;";

static const char *const migrations[] = {v1};

const char *const *
tte_schema_migrations(size_t *count)
{
    *count = sizeof migrations / sizeof migrations[0];
    return migrations;
}
