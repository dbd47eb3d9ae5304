-- Makes a database ten times larger for the benchmark: every event copied
-- nine more times with another document id, hence distinct events,
-- appended after it (so in time order, as the events copied are). Only
-- tte-aggregate and tte-render read this database, and neither reads the
-- dedupe keys: event_keys keeps the original events' only.
INSERT INTO events(t, app, unit, signer, nik, nip, name, position,
    cert_type, cert_serial, doc_id, doc_type, doc_number, visibility,
    auth_method, api_version, http_status, status_code, result, message,
    duration_ms, footer, file_id, line)
SELECT t, app, unit, signer, nik, nip, name, position, cert_type,
    cert_serial, doc_id || '-' || c.n, doc_type, doc_number, visibility,
    auth_method, api_version, http_status, status_code, result, message,
    duration_ms, footer, file_id, line
FROM events, (WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k
    WHERE n < 9) SELECT n FROM k) c;
