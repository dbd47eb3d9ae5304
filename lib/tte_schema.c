/*
 * The database schema, in one place. A database made by this code
 * carries TTE_SCHEMA_APP_ID in PRAGMA application_id and its schema
 * version in PRAGMA user_version. migrations[i] moves a database from
 * version i to i + 1: v1 makes the whole layout in an empty database;
 * a change is a new entry appended at the end, never an edit of one
 * released. schema.sql at the top of the tree is `sqlite3 DB .schema` of
 * a database made here (make schema); tests/e2e/schema.sh fails when
 * they differ.
 *
 * Databases made before version 1 have no application_id and count the
 * pre-release steps in user_version; tte_schema_prerelease() brings the
 * last of those layouts to version 1 (tte_db.c decides when).
 */
#include <stddef.h>

#include "tte_db.h"

/* The rows of a file whose keys a run has not yet merged (staging) are
 * left out of the event views: they may repeat events already stored. */
#define STAGED_LEFT_OUT \
    " WHERE NOT EXISTS (SELECT 1 FROM staging s" \
    " WHERE s.file_id = e.file_id AND e.id >= s.first_event)"

/* Log files read, and their counts (read = filtered + accepted +
 * duplicates + rejected). A file belongs to one source definition at a
 * time: def_path and def_sha256 are the fingerprint of the one that read
 * it (a built-in reader: its name and no hash). prefix_sha is the hash of
 * all its bytes before offset (XXH3-128, 32 hex digits; despite the
 * name): an edit in place anywhere before it (even one that keeps the
 * length) is seen, where the two 4 KiB windows see only its ends; NULL,
 * or a 64-digit SHA-256 of an earlier version, on a row saved before,
 * which falls back to the windows until its next save. mtime is in
 * nanoseconds on a row with a prefix hash, seconds on one without. */
#define FILES \
    "CREATE TABLE files(" \
    " id INTEGER PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL," \
    " dev INTEGER, ino INTEGER, size INTEGER NOT NULL DEFAULT 0," \
    " mtime INTEGER, head_sha TEXT, tail_sha TEXT," \
    " offset INTEGER NOT NULL DEFAULT 0, lines INTEGER NOT NULL DEFAULT 0," \
    " rows_read INTEGER NOT NULL DEFAULT 0," \
    " accepted INTEGER NOT NULL DEFAULT 0," \
    " duplicates INTEGER NOT NULL DEFAULT 0," \
    " rejected INTEGER NOT NULL DEFAULT 0," \
    " unknown_units INTEGER NOT NULL DEFAULT 0," \
    " collected_at INTEGER, filtered INTEGER NOT NULL DEFAULT 0," \
    " def_path TEXT, def_sha256 TEXT, prefix_sha TEXT," \
    " UNIQUE(source, path));" \
    "CREATE INDEX files_path ON files(path);"

/* One row per distinct event, compact: integers and ids of strings (every
 * text that repeats is stored once). cert_type 0 individu / 1 segel,
 * result 0 ok / 1 fail; signer is the string id of nik, else nip, else
 * cert_serial. An event's id is its place in the order read; its dedupe
 * key (the time in the high bits, a hash of app, signer, doc_id and
 * result in the low 20; a collision takes the next free key) is in
 * event_keys, without rowid so that keys in time order append. event_dups
 * lists the other files that had an event, so that replacing or
 * forgetting the file that stored it hands it over instead of losing it.
 * Read events through v_events. A reject the operator fixed and collected
 * again (tte-collect --retry) is kept, with when it was resolved
 * (resolved_at), so that a report can show per file what was rejected,
 * fixed later, and is still rejected. */
#define EVENTS \
    "CREATE TABLE strings(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);" \
    "CREATE TABLE events(" \
    " id INTEGER PRIMARY KEY, t INTEGER NOT NULL, app INTEGER NOT NULL," \
    " unit INTEGER NOT NULL, signer INTEGER NOT NULL, nik INTEGER," \
    " nip INTEGER, name INTEGER, position INTEGER," \
    " cert_type INTEGER NOT NULL, cert_serial INTEGER," \
    " doc_id TEXT NOT NULL DEFAULT '', doc_type INTEGER, doc_number TEXT," \
    " visibility INTEGER, auth_method INTEGER, api_version INTEGER," \
    " http_status INTEGER, status_code INTEGER, result INTEGER NOT NULL," \
    " message INTEGER, duration_ms INTEGER, footer INTEGER," \
    " file_id INTEGER, line INTEGER);" \
    "CREATE TABLE event_keys(key INTEGER PRIMARY KEY," \
    " event INTEGER NOT NULL) WITHOUT ROWID;" \
    "CREATE TABLE event_dups(event_id INTEGER NOT NULL," \
    " file_id INTEGER NOT NULL, PRIMARY KEY(event_id, file_id))" \
    " WITHOUT ROWID;" \
    "CREATE INDEX event_dups_file ON event_dups(file_id);" \
    "CREATE TABLE rejects(" \
    " id INTEGER PRIMARY KEY, file_id INTEGER REFERENCES files(id)," \
    " source TEXT NOT NULL, file TEXT NOT NULL, line INTEGER," \
    " reason TEXT NOT NULL, raw TEXT, resolved_at INTEGER);" \
    "CREATE INDEX rejects_file ON rejects(file_id);"

/* The crash protocol (collect/store/store.h): a file whose rows out of time
 * order are committed before their keys are merged is named here, with
 * its first such event and reject and the process merging them (pid,
 * start in clock ticks after boot and as Unix time, boot id, host). */
#define STAGING \
    "CREATE TABLE staging(file_id INTEGER PRIMARY KEY," \
    " first_event INTEGER NOT NULL, first_reject INTEGER NOT NULL," \
    " pid INTEGER NOT NULL, started INTEGER NOT NULL, boot TEXT NOT NULL," \
    " host TEXT NOT NULL, started_at INTEGER);"

/* The registries, replaced whole by each collect of one. unit_alias holds
 * every spelling of a unit (code, name, aliases), lowercased.
 * certificates: status is a snapshot at snapshot_date; status_since is
 * the date of a revocation or suspension. */
#define REGISTRIES \
    "CREATE TABLE units(code TEXT PRIMARY KEY, name TEXT NOT NULL," \
    " parent TEXT);" \
    "CREATE TABLE unit_alias(alias TEXT PRIMARY KEY, code TEXT NOT NULL)" \
    " WITHOUT ROWID;" \
    "CREATE TABLE apps(app TEXT PRIMARY KEY, name TEXT, owner_unit TEXT," \
    " footer_statement INTEGER, checked_on TEXT);" \
    "CREATE TABLE certificates(id INTEGER PRIMARY KEY, nik TEXT, nip TEXT," \
    " name TEXT, position TEXT, unit TEXT, cert_type TEXT NOT NULL," \
    " cert_serial TEXT, not_before TEXT, not_after TEXT, status TEXT," \
    " status_since TEXT, snapshot_date TEXT);" \
    "CREATE INDEX certificates_serial ON certificates(cert_serial);" \
    "CREATE INDEX certificates_nik ON certificates(nik);" \
    "CREATE INDEX certificates_nip ON certificates(nip);" \
    "CREATE TABLE verifikator(id INTEGER PRIMARY KEY, nip TEXT, name TEXT," \
    " position TEXT, unit TEXT, appointed_on TEXT, decree TEXT);"

/* Summary tables written by tte-aggregate, one set per period ("2025" or
 * "2025Q3"): what templates read (doc/data-contract.md). */
#define AGG_PERIOD \
    "CREATE TABLE agg_period(period TEXT PRIMARY KEY, year INTEGER," \
    " quarter INTEGER, zone TEXT, utc_offset INTEGER, start_utc INTEGER," \
    " end_utc INTEGER, first_day TEXT, last_day TEXT," \
    " aggregated_at INTEGER, events INTEGER, signers_active INTEGER," \
    " certs_active INTEGER, registry_date TEXT, rejected INTEGER," \
    " duplicates INTEGER, unknown_unit_events INTEGER," \
    " outside_events INTEGER, unknown_signers INTEGER," \
    " unknown_signer_events INTEGER);" \
    "CREATE TABLE agg_unit(period TEXT, ord INTEGER, code TEXT, unit TEXT," \
    " known INTEGER, certs_active INTEGER, signers_active INTEGER," \
    " sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER," \
    " seal_fail INTEGER);" \
    "CREATE TABLE agg_month(period TEXT, month INTEGER, ok INTEGER," \
    " fail INTEGER, sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER," \
    " seal_fail INTEGER);" /* The same months a year earlier, counted from the events. */ \
    "CREATE TABLE agg_prev_month(period TEXT, prev_period TEXT," \
    " month INTEGER, events INTEGER, ok INTEGER, fail INTEGER," \
    " sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER," \
    " seal_fail INTEGER);" \
    "CREATE TABLE agg_app(period TEXT, app TEXT, name TEXT," \
    " registered INTEGER, footer_statement INTEGER, footer_yes INTEGER," \
    " footer_no INTEGER, ok INTEGER, fail INTEGER);" \
    "CREATE TABLE agg_error(period TEXT, code TEXT, n INTEGER);" \
    "CREATE TABLE agg_status(period TEXT, status TEXT, n INTEGER);"

/* Each signer identity of the period (per month, since a person's
 * certificates follow each other) resolved to a certificate and a
 * person: by serial, else NIK, else NIP; person = NIK, else NIP. */
#define AGG_PEOPLE \
    "CREATE TABLE agg_cert(period TEXT, ord INTEGER, cert_serial TEXT," \
    " nik TEXT, nip TEXT, name TEXT, position TEXT, unit TEXT," \
    " cert_type TEXT, not_after TEXT, status TEXT, in_registry INTEGER," \
    " ok INTEGER, fail INTEGER);" \
    "CREATE TABLE agg_signer(period TEXT, signer TEXT, cert_type TEXT," \
    " cert_serial TEXT, month INTEGER, cert_id INTEGER, matched_by TEXT," \
    " person TEXT);" \
    "CREATE INDEX agg_signer_period ON agg_signer(period);" \
    "CREATE TABLE agg_unknown_signer(period TEXT, nik TEXT, nip TEXT," \
    " cert_serial TEXT, cert_type TEXT, ok INTEGER, fail INTEGER);" \
    "CREATE TABLE agg_action(period TEXT, ord INTEGER, cert_serial TEXT," \
    " nik TEXT, nip TEXT, name TEXT, unit TEXT, cert_type TEXT," \
    " not_after TEXT, status TEXT, status_since TEXT, ok INTEGER," \
    " fail INTEGER, invalid_ok INTEGER, invalid_fail INTEGER," \
    " expiring INTEGER, undated INTEGER, unused INTEGER);"

#define AGG_QUALITY \
    "CREATE TABLE agg_quality(period TEXT, ord INTEGER, source TEXT," \
    " file TEXT, path TEXT, rows_read INTEGER, filtered INTEGER," \
    " accepted INTEGER, duplicates INTEGER, rejected INTEGER," \
    " unknown_units INTEGER, period_events INTEGER, fixed_later INTEGER);" \
    "CREATE TABLE agg_registry(period TEXT, ord INTEGER, source TEXT," \
    " file TEXT, path TEXT, rows_read INTEGER, accepted INTEGER," \
    " rejected INTEGER);"

/* tte-send: every attempt to mail a recipient, whatever came of it.
 * sends holds only what was delivered ('sent') or may have been
 * ('pending'); a refused or retried attempt leaves no row there, so that a
 * re-run sends it, but one here: 'pending' until the server answered, then
 * 'sent', 'retry' (4xx, no connection) or 'failed' (5xx). send_id is the
 * sends row the attempt wrote. For S/MIME, who signed (the signing
 * certificate's serial, hex) and for whom it was encrypted (the
 * certificates' SHA-256 fingerprints, comma-separated); NULL for a plain
 * message. */
#define SEND_ATTEMPTS \
    "CREATE TABLE send_attempts(id INTEGER PRIMARY KEY," \
    " send_id INTEGER, period TEXT NOT NULL, recipient TEXT NOT NULL," \
    " message_id TEXT, report_sha256 TEXT NOT NULL," \
    " started_at INTEGER NOT NULL, ended_at INTEGER, pid INTEGER," \
    " outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN" \
    " ('pending', 'sent', 'retry', 'failed')), server_reply TEXT," \
    " signer_serial TEXT, encrypt_sha256 TEXT);" \
    "CREATE INDEX send_attempts_send ON send_attempts(send_id);"

/* renders: every file tte-render wrote, by content, so that tte-send knows
 * a report by its SHA-256 and not by its name. A sends row is written
 * 'pending' with its Message-ID before the message goes out and becomes
 * 'sent' after the server's 250, so that a run killed in between leaves a
 * trace instead of a second copy. */
#define OUTPUTS \
    "CREATE TABLE renders(id INTEGER PRIMARY KEY," \
    " sha256 TEXT NOT NULL, period TEXT NOT NULL, year INTEGER NOT NULL," \
    " quarter INTEGER NOT NULL DEFAULT 0," \
    " kind TEXT NOT NULL CHECK (kind IN ('final', 'preview'))," \
    " template TEXT, path TEXT NOT NULL, size INTEGER," \
    " rendered_at INTEGER NOT NULL);" \
    "CREATE INDEX renders_sha256 ON renders(sha256);" \
    "CREATE TABLE sends(id INTEGER PRIMARY KEY," \
    " report_sha256 TEXT NOT NULL, report_file TEXT, period TEXT," \
    " recipients TEXT NOT NULL, message_id TEXT, server_reply TEXT," \
    " sent_at INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'sent');" \
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at INTEGER," \
    " ended_at INTEGER, period TEXT, stage TEXT, exit_code INTEGER," \
    " events INTEGER, rejected INTEGER, report TEXT, pid INTEGER);" SEND_ATTEMPTS

/* Sample signed PDFs per application (tte-evidence). One row per
 * application and file, replaced when the file, the CA bundle or the
 * wordings change (check_key); run marks the rows a run saw. mtime is in
 * nanoseconds. */
#define EVIDENCE \
    "CREATE TABLE evidence(id INTEGER PRIMARY KEY, app TEXT NOT NULL," \
    " path TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER," \
    " sha256 TEXT NOT NULL, check_key TEXT, verdict TEXT NOT NULL CHECK" \
    " (verdict IN ('ok', 'no_statement', 'not_bsre', 'invalid_signature'," \
    " 'unsigned', 'unreadable')), reason TEXT," \
    " signatures INTEGER NOT NULL DEFAULT 0, signer_serial TEXT," \
    " signer_serial_dec TEXT, signer_subject TEXT, issuer TEXT," \
    " signed_at INTEGER, statement_page INTEGER," \
    " checked_at INTEGER NOT NULL, run INTEGER, UNIQUE(app, path));"

/* The stable views; their column names are a contract
 * (doc/data-contract.md). */
#define V_EVENTS \
    "CREATE VIEW v_events AS SELECT" \
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.t, 'unixepoch') AS time_utc," \
    " sa.s AS app, COALESCE(u.name, su.s) AS unit, sn.s AS nik," \
    " sp.s AS nip, sm.s AS name," \
    " CASE e.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END AS cert_type," \
    " ss.s AS cert_serial, e.doc_id," \
    " CASE e.result WHEN 1 THEN 'fail' ELSE 'ok' END AS result," \
    " sc.s AS status_code, sg.s AS message, f.source, f.path AS file, e.line" \
    " FROM events e JOIN strings sa ON sa.id = e.app" \
    " JOIN strings su ON su.id = e.unit" \
    " LEFT JOIN strings sn ON sn.id = e.nik" \
    " LEFT JOIN strings sp ON sp.id = e.nip" \
    " LEFT JOIN strings sm ON sm.id = e.name" \
    " LEFT JOIN strings ss ON ss.id = e.cert_serial" \
    " LEFT JOIN strings sc ON sc.id = e.status_code" \
    " LEFT JOIN strings sg ON sg.id = e.message" \
    " LEFT JOIN files f ON f.id = e.file_id" \
    " LEFT JOIN unit_alias a ON a.alias = lower(su.s)" \
    " LEFT JOIN units u ON u.code = a.code" STAGED_LEFT_OUT ";"
/* Every stored field, for operators who need more than v_events. */
#define V_EVENTS_FULL \
    "CREATE VIEW v_events_full AS SELECT e.id AS event_id," \
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.t, 'unixepoch') AS time_utc," \
    " (SELECT s FROM strings WHERE id = e.app) AS app," \
    " (SELECT s FROM strings WHERE id = e.unit) AS unit_as_logged," \
    " (SELECT s FROM strings WHERE id = e.nik) AS nik," \
    " (SELECT s FROM strings WHERE id = e.nip) AS nip," \
    " (SELECT s FROM strings WHERE id = e.name) AS name," \
    " (SELECT s FROM strings WHERE id = e.position) AS position," \
    " CASE e.cert_type WHEN 1 THEN 'segel' ELSE 'individu' END AS cert_type," \
    " (SELECT s FROM strings WHERE id = e.cert_serial) AS cert_serial," \
    " e.doc_id, (SELECT s FROM strings WHERE id = e.doc_type) AS doc_type," \
    " e.doc_number," \
    " (SELECT s FROM strings WHERE id = e.visibility) AS visibility," \
    " (SELECT s FROM strings WHERE id = e.auth_method) AS auth_method," \
    " (SELECT s FROM strings WHERE id = e.api_version) AS api_version," \
    " e.http_status," \
    " (SELECT s FROM strings WHERE id = e.status_code) AS status_code," \
    " CASE e.result WHEN 1 THEN 'fail' ELSE 'ok' END AS result," \
    " (SELECT s FROM strings WHERE id = e.message) AS message," \
    " e.duration_ms, e.footer, e.file_id, e.line FROM events e" STAGED_LEFT_OUT \
    ";"
#define V_REJECTS \
    "CREATE VIEW v_rejects AS SELECT source, file, line, reason, raw" \
    " FROM rejects;"
/* The rejects not resolved (v_rejects' columns), and per file the three
 * counts. */
#define V_REJECTS_RESOLVED \
    "CREATE VIEW v_rejects_open AS SELECT source, file, line, reason, raw" \
    " FROM rejects WHERE resolved_at IS NULL;" \
    "CREATE VIEW v_reject_files AS SELECT source, file," \
    " count(*) AS rejected, count(resolved_at) AS fixed_later," \
    " count(*) - count(resolved_at) AS still_rejected" \
    " FROM rejects GROUP BY source, file;"
#define V_EVIDENCE \
    "CREATE VIEW v_evidence AS SELECT app, path AS file, sha256, verdict," \
    " signer_serial, signer_subject, issuer, statement_page," \
    " strftime('%Y-%m-%dT%H:%M:%SZ', checked_at, 'unixepoch') AS checked_at" \
    " FROM evidence;"
/* Registries write serials in hex (any case, colons, leading zeros) or
 * in decimal; the registry is looked up when read, so that a registry
 * collected later still names the signer's unit. */
#define V_EVIDENCE_FULL \
    "CREATE VIEW v_evidence_full AS SELECT e.app, e.path AS file, e.size," \
    " e.sha256, e.verdict, e.reason, e.signatures, e.signer_serial," \
    " e.signer_subject, e.issuer," \
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.signed_at, 'unixepoch')" \
    " AS signed_at, c.id IS NOT NULL AS in_registry," \
    " COALESCE(u.name, c.unit) AS signer_unit, c.status AS signer_status," \
    " e.statement_page," \
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.checked_at, 'unixepoch')" \
    " AS checked_at FROM evidence e" \
    " LEFT JOIN certificates c ON c.id = (SELECT c2.id FROM certificates c2" \
    "  WHERE e.signer_serial IS NOT NULL AND (ltrim(upper(replace(replace(" \
    "  c2.cert_serial, ':', ''), ' ', '')), '0')" \
    " = ltrim(e.signer_serial, '0')" \
    "  OR c2.cert_serial = e.signer_serial_dec) LIMIT 1)" \
    " LEFT JOIN unit_alias a ON a.alias = lower(c.unit)" \
    " LEFT JOIN units u ON u.code = a.code;"

static const char v1[] = FILES EVENTS STAGING REGISTRIES AGG_PERIOD AGG_PEOPLE
    AGG_QUALITY OUTPUTS EVIDENCE V_EVENTS V_EVENTS_FULL V_REJECTS
        V_REJECTS_RESOLVED V_EVIDENCE V_EVIDENCE_FULL;

/* Append new migrations here. */
static const char *const migrations[] = {v1};

const char *const *
tte_schema_migrations(size_t *count)
{
    *count = sizeof migrations / sizeof migrations[0];
    return migrations;
}

/* The last pre-release layout (user_version 10) differs from version 1
 * in events_stage, a table of staged rows no code writes any more
 * (tte_db.c refuses to drop one that holds rows), the wall-clock start of
 * a staging row's process, the prefix hash of a file, tte-send's
 * attempts, and the resolution of a reject with its two views and its
 * count per file in agg_quality. Columns
 * are added at the end, where version 1 has them. */
static const char prerelease[] =
    "DROP TABLE events_stage;"
    "ALTER TABLE staging ADD COLUMN started_at INTEGER;"
    "ALTER TABLE files ADD COLUMN prefix_sha TEXT;"
    "ALTER TABLE rejects ADD COLUMN resolved_at INTEGER;"
    "ALTER TABLE agg_quality ADD COLUMN fixed_later INTEGER;" SEND_ATTEMPTS
        V_REJECTS_RESOLVED;

const char *
tte_schema_prerelease(int *version)
{
    *version = 10;
    return prerelease;
}
