/*
 * The database schema, in one place. Each entry of migrations[] moves a
 * database from user_version i to i + 1; never edit a released entry, add
 * a new one.
 */
#include <stddef.h>

#include "tte_db.h"

/* The event views' bodies: v1 made the views of them, v_issue14_staging
 * made them again with rows still being merged left out. */
#define V_EVENTS \
    "SELECT" \
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
    " LEFT JOIN units u ON u.code = a.code"
#define V_EVENTS_FULL \
    "SELECT e.id AS event_id," \
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
    " e.duration_ms, e.footer, e.file_id, e.line FROM events e"

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

    /* Every text that repeats (app, unit, names, codes, messages) is
     * stored once; events refer to it by id. */
    "CREATE TABLE strings(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);"

    /* One row per distinct event, compact: integers and string ids.
     * id is the dedupe key of DESIGN.md: the time in the high bits (logs
     * are written in time order, so rows append) and a hash of app,
     * signer, doc_id and result in the low 20. A different event with the
     * same key takes the next free id; a hit is always checked against
     * the fields. cert_type 0 individu / 1 segel, result 0 ok / 1 fail;
     * signer is the string id of nik, else nip, else cert_serial. Read it
     * through v_events. (Since v_issue14_keys the key is in event_keys
     * and a new event's id is only its place in the order read.) */
    "CREATE TABLE events("
    " id INTEGER PRIMARY KEY, t INTEGER NOT NULL, app INTEGER NOT NULL,"
    " unit INTEGER NOT NULL, signer INTEGER NOT NULL, nik INTEGER,"
    " nip INTEGER, name INTEGER, position INTEGER,"
    " cert_type INTEGER NOT NULL, cert_serial INTEGER,"
    " doc_id TEXT NOT NULL DEFAULT '', doc_type INTEGER, doc_number TEXT,"
    " visibility INTEGER, auth_method INTEGER, api_version INTEGER,"
    " http_status INTEGER, status_code INTEGER, result INTEGER NOT NULL,"
    " message INTEGER, duration_ms INTEGER, footer INTEGER,"
    " file_id INTEGER, line INTEGER);"

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

    "CREATE VIEW v_events AS " V_EVENTS ";"
    /* Every stored field, for operators who need more than v_events. */
    "CREATE VIEW v_events_full AS " V_EVENTS_FULL ";"
    "CREATE VIEW v_rejects AS SELECT source, file, line, reason, raw"
    " FROM rejects;";

/* Issue 12: people and certificates judged by their dates. Registry
 * columns for the date of a revocation and the export date, the rows a
 * source definition filtered out, and the summaries that resolve every
 * signer once (agg_signer) and list a certificate once (agg_action). */
static const char v_issue12[] =
    "ALTER TABLE files ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE certificates ADD COLUMN status_since TEXT;"
    "ALTER TABLE certificates ADD COLUMN snapshot_date TEXT;"
    "ALTER TABLE agg_period ADD COLUMN signers_active INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN certs_active INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN registry_date TEXT;"
    "ALTER TABLE agg_period ADD COLUMN rejected INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN duplicates INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN unknown_unit_events INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN outside_events INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN unknown_signers INTEGER;"
    "ALTER TABLE agg_period ADD COLUMN unknown_signer_events INTEGER;"
    /* Each signer identity of the period (per month, since a person's
     * certificates follow each other) resolved to a certificate and a
     * person: by serial, else NIK, else NIP; person = NIK, else NIP. */
    "CREATE TABLE agg_signer(period TEXT, signer TEXT, cert_type TEXT,"
    " cert_serial TEXT, month INTEGER, cert_id INTEGER, matched_by TEXT,"
    " person TEXT);"
    "CREATE INDEX agg_signer_period ON agg_signer(period);"
    "CREATE TABLE agg_unknown_signer(period TEXT, nik TEXT, nip TEXT,"
    " cert_serial TEXT, cert_type TEXT, ok INTEGER, fail INTEGER);"
    "DROP TABLE agg_action;"
    "CREATE TABLE agg_action(period TEXT, ord INTEGER, cert_serial TEXT,"
    " nik TEXT, nip TEXT, name TEXT, unit TEXT, cert_type TEXT,"
    " not_after TEXT, status TEXT, status_since TEXT, ok INTEGER,"
    " fail INTEGER, invalid_ok INTEGER, invalid_fail INTEGER,"
    " expiring INTEGER, undated INTEGER, unused INTEGER);"
    "DROP TABLE agg_quality;"
    "CREATE TABLE agg_quality(period TEXT, ord INTEGER, source TEXT,"
    " file TEXT, path TEXT, rows_read INTEGER, filtered INTEGER,"
    " accepted INTEGER, duplicates INTEGER, rejected INTEGER,"
    " unknown_units INTEGER, period_events INTEGER);"
    "CREATE TABLE agg_registry(period TEXT, ord INTEGER, source TEXT,"
    " file TEXT, path TEXT, rows_read INTEGER, accepted INTEGER,"
    " rejected INTEGER);";

/* Issues 13 and 19. renders: every file tte-render wrote, by content, so
 * that tte-send knows a report by its SHA-256 and not by its name. sends
 * gains a status: a row is written 'pending' with its Message-ID before
 * the message goes out and becomes 'sent' after the server's 250, so that
 * a run killed in between leaves a trace instead of a second copy. */
static const char v_issue19[] =
    "CREATE TABLE renders(id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL, period TEXT NOT NULL, year INTEGER NOT NULL,"
    " quarter INTEGER NOT NULL DEFAULT 0,"
    " kind TEXT NOT NULL CHECK (kind IN ('final', 'preview')),"
    " template TEXT, path TEXT NOT NULL, size INTEGER,"
    " rendered_at INTEGER NOT NULL);"
    "CREATE INDEX renders_sha256 ON renders(sha256);"
    "ALTER TABLE sends ADD COLUMN status TEXT NOT NULL DEFAULT 'sent';";


/* Issue 15: last year's same period beside this year's. One row per month
 * of the period: the figures of the same month a year earlier, counted
 * from the events by tte-aggregate. */
static const char v_issue15[] =
    "CREATE TABLE agg_prev_month(period TEXT, prev_period TEXT,"
    " month INTEGER, events INTEGER, ok INTEGER, fail INTEGER,"
    " sign_ok INTEGER, sign_fail INTEGER, seal_ok INTEGER,"
    " seal_fail INTEGER);";



/* Issue 16: sample signed PDFs per application (tte-evidence). One row
 * per application and file, replaced when the file, the CA bundle or the
 * wordings change (check_key); run marks the rows a run saw. mtime is in
 * nanoseconds. The registry is looked up when read, so a registry
 * collected later still names the signer's unit. */
static const char v_issue16[] =
    "CREATE TABLE evidence(id INTEGER PRIMARY KEY, app TEXT NOT NULL,"
    " path TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER,"
    " sha256 TEXT NOT NULL, check_key TEXT, verdict TEXT NOT NULL CHECK"
    " (verdict IN ('ok', 'no_statement', 'not_bsre', 'invalid_signature',"
    " 'unsigned', 'unreadable')), reason TEXT,"
    " signatures INTEGER NOT NULL DEFAULT 0, signer_serial TEXT,"
    " signer_serial_dec TEXT, signer_subject TEXT, issuer TEXT,"
    " signed_at INTEGER, statement_page INTEGER,"
    " checked_at INTEGER NOT NULL, run INTEGER, UNIQUE(app, path));"
    "CREATE VIEW v_evidence AS SELECT app, path AS file, sha256, verdict,"
    " signer_serial, signer_subject, issuer, statement_page,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', checked_at, 'unixepoch') AS checked_at"
    " FROM evidence;"
    /* Registries write serials in hex (any case, colons, leading zeros)
     * or in decimal. */
    "CREATE VIEW v_evidence_full AS SELECT e.app, e.path AS file, e.size,"
    " e.sha256, e.verdict, e.reason, e.signatures, e.signer_serial,"
    " e.signer_subject, e.issuer,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.signed_at, 'unixepoch') AS signed_at,"
    " c.id IS NOT NULL AS in_registry,"
    " COALESCE(u.name, c.unit) AS signer_unit, c.status AS signer_status,"
    " e.statement_page,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', e.checked_at, 'unixepoch') AS checked_at"
    " FROM evidence e"
    " LEFT JOIN certificates c ON c.id = (SELECT c2.id FROM certificates c2"
    "  WHERE e.signer_serial IS NOT NULL AND (ltrim(upper(replace(replace("
    "  c2.cert_serial, ':', ''), ' ', '')), '0') = ltrim(e.signer_serial, '0')"
    "  OR c2.cert_serial = e.signer_serial_dec) LIMIT 1)"
    " LEFT JOIN unit_alias a ON a.alias = lower(c.unit)"
    " LEFT JOIN units u ON u.code = a.code;";

/* Issue 14: ingest whose cost does not depend on the input's order.
 * Rows of a file that is not in time order are appended here (seq is
 * their order in the file) and merged into events in id order at the end
 * of the file, or by the next run after a kill: the stage is committed
 * with each chunk's offset. Same columns as events; empty at rest, and no
 * view reads it. Since the external sort (collect/sorter.c) nothing is
 * staged here: a database a stopped run of that version left rows in has
 * them merged by the next run. */
static const char v_issue14[] =
    "CREATE TABLE events_stage("
    " seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, t INTEGER NOT NULL,"
    " app INTEGER NOT NULL, unit INTEGER NOT NULL, signer INTEGER NOT NULL,"
    " nik INTEGER, nip INTEGER, name INTEGER, position INTEGER,"
    " cert_type INTEGER NOT NULL, cert_serial INTEGER,"
    " doc_id TEXT NOT NULL DEFAULT '', doc_type INTEGER, doc_number TEXT,"
    " visibility INTEGER, auth_method INTEGER, api_version INTEGER,"
    " http_status INTEGER, status_code INTEGER, result INTEGER NOT NULL,"
    " message INTEGER, duration_ms INTEGER, footer INTEGER,"
    " file_id INTEGER, line INTEGER);";


/* Issue 13: a log file belongs to one source at a time. A files row
 * keeps the fingerprint of the definition that read it (its real path
 * and the SHA-256 of its content; a built-in reader: its name and no
 * hash); event_dups lists, for an event, the other files that had it,
 * so that replacing or forgetting the file that stored it hands it over
 * instead of losing it. */
static const char v_issue13[] =
    "ALTER TABLE files ADD COLUMN def_path TEXT;"
    "ALTER TABLE files ADD COLUMN def_sha256 TEXT;"
    "CREATE INDEX files_path ON files(path);"
    "CREATE TABLE event_dups(event_id INTEGER NOT NULL,"
    " file_id INTEGER NOT NULL, PRIMARY KEY(event_id, file_id))"
    " WITHOUT ROWID;"
    "CREATE INDEX event_dups_file ON event_dups(file_id);";

/* Issue 14, second step: an event is stored in the order it is read
 * and its dedupe key in event_keys (key to event), so that input out of
 * time order costs one sorted pass over the keys at the end of a file
 * instead of an insert on a random page per row. The events of an
 * earlier version keep their ids, which were their keys. */
static const char v_issue14_keys[] =
    "CREATE TABLE event_keys(key INTEGER PRIMARY KEY,"
    " event INTEGER NOT NULL);"
    "INSERT INTO event_keys(key, event) SELECT id, id FROM events;";

/* Issue 14, third step: event_keys as a table without rowid. SQLite
 * appends a key above the last one of such a table without searching
 * the page for it, so the keys of a file, time-ordered or sorted at its
 * end, go in at about two thirds of the cost. */
static const char v_issue14_keys_norowid[] =
    "CREATE TABLE event_keys_new(key INTEGER PRIMARY KEY,"
    " event INTEGER NOT NULL) WITHOUT ROWID;"
    "INSERT INTO event_keys_new(key, event)"
    " SELECT key, event FROM event_keys ORDER BY key;"
    "DROP TABLE event_keys;"
    "ALTER TABLE event_keys_new RENAME TO event_keys;";

/* Issue 14, fourth step: the rows of a file out of time order are
 * committed before their keys are merged, so that the WAL's copy runs
 * beside the merge. Until the merge commits, staging names the file and
 * its first such event and reject (and the process merging them): the
 * event views leave those events out, tte-aggregate waits for the merge,
 * and a tte-collect that finds them left by a stopped run takes them
 * out and reads the file again from before them. */
#define STAGED_LEFT_OUT \
    " WHERE NOT EXISTS (SELECT 1 FROM staging s" \
    " WHERE s.file_id = e.file_id AND e.id >= s.first_event)"
static const char v_issue14_staging[] =
    "CREATE TABLE staging(file_id INTEGER PRIMARY KEY,"
    " first_event INTEGER NOT NULL, first_reject INTEGER NOT NULL,"
    " pid INTEGER NOT NULL, started INTEGER NOT NULL, boot TEXT NOT NULL,"
    " host TEXT NOT NULL);"
    "DROP VIEW v_events;"
    "CREATE VIEW v_events AS " V_EVENTS STAGED_LEFT_OUT ";"
    "DROP VIEW v_events_full;"
    "CREATE VIEW v_events_full AS " V_EVENTS_FULL STAGED_LEFT_OUT ";";

/* The hash of all the bytes of a log before its saved offset: an edit
 * in place anywhere before it (even one that keeps the length) is seen,
 * where the two 4 KiB windows see only its ends. NULL on rows saved
 * before it, which fall back to the windows until their next save. */
static const char v_prefix_sha[] =
    "ALTER TABLE files ADD COLUMN prefix_sha TEXT;";

/* tte-send: every attempt to mail a recipient, whatever came of it.
 * sends holds only what was delivered ('sent') or may have been
 * ('pending'); a refused or retried attempt leaves no row there, so that a
 * re-run sends it, but one here: 'pending' until the server answered, then
 * 'sent', 'retry' (4xx, no connection) or 'failed' (5xx). send_id is the
 * sends row the attempt wrote. For S/MIME, who signed (the signing
 * certificate's serial, hex) and for whom it was encrypted (the
 * certificates' SHA-256 fingerprints, comma-separated); NULL for a plain
 * message. IF NOT EXISTS: a database set back to an older version (as
 * tests do) runs this again. */
static const char v_send_attempts[] =
    "CREATE TABLE IF NOT EXISTS send_attempts(id INTEGER PRIMARY KEY,"
    " send_id INTEGER, period TEXT NOT NULL, recipient TEXT NOT NULL,"
    " message_id TEXT, report_sha256 TEXT NOT NULL,"
    " started_at INTEGER NOT NULL, ended_at INTEGER, pid INTEGER,"
    " outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN"
    " ('pending', 'sent', 'retry', 'failed')), server_reply TEXT,"
    " signer_serial TEXT, encrypt_sha256 TEXT);"
    "CREATE INDEX IF NOT EXISTS send_attempts_send"
    " ON send_attempts(send_id);";

/* tte-collect --retry: a reject the operator fixed and collected again
 * is kept, marked with when it was resolved, so that a report can show
 * per file what was rejected, fixed later, and is still rejected.
 * v_rejects_open lists the rejects not resolved (v_rejects' columns);
 * v_reject_files the three counts per file. */
static const char v_rejects_resolved[] =
    "ALTER TABLE rejects ADD COLUMN resolved_at INTEGER;"
    "CREATE VIEW v_rejects_open AS SELECT source, file, line, reason, raw"
    " FROM rejects WHERE resolved_at IS NULL;"
    "CREATE VIEW v_reject_files AS SELECT source, file,"
    " count(*) AS rejected, count(resolved_at) AS fixed_later,"
    " count(*) - count(resolved_at) AS still_rejected"
    " FROM rejects GROUP BY source, file;";

static const char *const migrations[] = {v1, v_issue12, v_issue19,
                                          v_issue15, v_issue16, v_issue14,
                                          v_issue13, v_issue14_keys,
                                          v_issue14_keys_norowid,
                                          v_issue14_staging,
                                          v_prefix_sha, v_send_attempts,
                                          v_rejects_resolved};

const char *const *
tte_schema_migrations(size_t *count)
{
    *count = sizeof migrations / sizeof migrations[0];
    return migrations;
}
