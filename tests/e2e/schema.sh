#!/bin/sh
# The schema: a new database's is schema.sql (make schema writes it), and
# a database the last pre-release left (tests/data/prerelease/report.sql,
# dumped from one its tte-collect and tte-aggregate made) opens as schema
# version 1 with every table, column, index and view of a new one and
# all its rows. TTE_PRERELEASE_BIN, when set, names a folder of that
# release's programs: a database they make now is checked the same way.
. "$(dirname "$0")/lib.sh"
plan 17

DATA=$TOP/tests/data/prerelease
APP_ID=1414808914       # "TTER"

: >"$TMP/new.db"
collect --db "$TMP/new.db" --recover
sqlite3 "$TMP/new.db" .schema >"$TMP/new.sql"
if cmp -s "$TMP/new.sql" "$TOP/schema.sql"; then
    ok "a new database's schema is schema.sql"
else
    not_ok "a new database's schema differs from schema.sql (make schema):"
    diff "$TOP/schema.sql" "$TMP/new.sql" | sed 's/^/#   /' | head -20
fi
same "a new database: application_id, user_version" \
    "$(q "$TMP/new.db" 'PRAGMA application_id' | tr '\n' ,)$(q "$TMP/new.db" \
        'PRAGMA user_version')" "$APP_ID,1"

# layout DB: every object of DB with its columns, as SQLite describes
# them (not the CREATE text, which ALTER TABLE writes its own way).
layout() {
    $PY - "$1" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for typ, name in db.execute("SELECT type, name FROM sqlite_master"
                            " WHERE name NOT LIKE 'sqlite_%' ORDER BY 2"):
    what = "index_xinfo" if typ == "index" else "table_xinfo"
    cols = db.execute("SELECT * FROM pragma_%s(?)" % what, (name,))
    print(typ, name, [tuple(c) for c in cols])
PYEOF
}
# content DB: a digest of every row a report reads or a run resumes from,
# in the columns the pre-release had ($TMP/ref.db, a copy left as it
# was): the upgrade adds columns, whose values the layout check covers.
content() {
    $PY - "$1" "$TMP/ref.db" <<'PYEOF' || echo "content of $1 unreadable"
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ref = sqlite3.connect(sys.argv[2])
h = hashlib.sha256()
for t in ("v_events_full v_rejects files strings event_keys event_dups units"
          " unit_alias apps certificates verifikator agg_period agg_unit"
          " agg_month agg_app agg_cert agg_action agg_quality agg_registry"
          " agg_signer agg_error agg_status").split():
    cols = ", ".join('"%s"' % c[0] for c in
                     ref.execute("SELECT name FROM pragma_table_info(?)", (t,)))
    rows = sorted(repr(r) for r in db.execute("SELECT %s FROM %s" % (cols, t)))
    h.update(("%s %d\n%s\n" % (t, len(rows), "\n".join(rows))).encode())
print(h.hexdigest()[:16])
PYEOF
}
layout "$TMP/new.db" >"$TMP/new.layout" ||
    not_ok "the layout of a new database could not be read"

# upgraded WHAT DB: DB, made by the pre-release, opened by this code.
upgraded() {
    before=$(content "$2")
    rows=$(q "$2" 'SELECT count(*) FROM events')
    status 0 "$1: opens" "$TTE_BIN/tte-collect" --db "$2" --recover
    same "$1: application_id, user_version" \
        "$(q "$2" 'PRAGMA application_id' | tr '\n' ,)$(q "$2" \
            'PRAGMA user_version')" "$APP_ID,1"
    if layout "$2" >"$TMP/old.layout" &&
        cmp -s "$TMP/old.layout" "$TMP/new.layout"; then
        ok "$1: every table, column, index and view of a new database"
    else
        not_ok "$1: its layout differs from a new database's:"
        diff "$TMP/new.layout" "$TMP/old.layout" | sed 's/^/#   /' |
            head -10
    fi
    same "$1: every row kept ($rows events)" "$(content "$2")" "$before"
}

sqlite3 "$TMP/pre.db" <"$DATA/report.sql"
cp "$TMP/pre.db" "$TMP/ref.db"
same "the pre-release database: user_version 10, no application_id" \
    "$(q "$TMP/pre.db" 'PRAGMA user_version' | tr '\n' ,)$(q "$TMP/pre.db" \
        'PRAGMA application_id')" "10,0"
cp "$TMP/pre.db" "$TMP/stage.db"
cp "$TMP/pre.db" "$TMP/v7.db"
upgraded "the pre-release database" "$TMP/pre.db"
# What the layout gained works on rows from before it: the log's one
# rejected row (its last) is open, not yet fixed.
same "the upgraded database: its reject open in v_rejects_open, v_reject_files" \
    "$(q "$TMP/pre.db" "SELECT count(*) FROM v_rejects_open
        WHERE file LIKE '%log.csv'")|$(q "$TMP/pre.db" "SELECT rejected ||
        ',' || fixed_later || ',' || still_rejected FROM v_reject_files
        WHERE file LIKE '%log.csv'")" "1|1,0,1"

# Its events keep their keys: the same log under another name adds
# nothing. The log's last row is the one rejected.
good=$($PY -c "import csv, sys
print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=''))) - 2)" \
    "$DATA/log.csv")
cp "$DATA/log.csv" "$TMP/log-again.csv"
status 65 "the upgraded database: the log again, its bad row rejected" \
    "$TTE_BIN/tte-collect" -q --db "$TMP/pre.db" --source csv \
    "$TMP/log-again.csv"
same "the upgraded database: the log again, all duplicates" \
    "$(q "$TMP/pre.db" "SELECT rows_read || ',' || accepted || ',' ||
        duplicates || ',' || rejected FROM files
        WHERE path LIKE '%log-again.csv'")" "$((good + 1)),0,$good,1"
want_events=$(q "$TMP/pre.db" "SELECT events FROM agg_period
    WHERE period = '2025'")
status 0 "the upgraded database: tte-aggregate runs" \
    "$TTE_BIN/tte-aggregate" -q --db "$TMP/pre.db" --year 2025
same "the upgraded database: the year's events as the pre-release counted" \
    "$(q "$TMP/pre.db" "SELECT events FROM agg_period
        WHERE period = '2025'")" "$want_events"

# Rows a stopped run of a version before the external sort staged: no
# code merges them any more, and dropping them would lose events.
q "$TMP/stage.db" "INSERT INTO events_stage(id, t, app, unit, signer,
    cert_type, result) VALUES (1, 1, 1, 1, 1, 0, 0)"
status 78 "rows left in events_stage: refused" \
    "$TTE_BIN/tte-collect" --db "$TMP/stage.db" --recover
grep -q "events_stage" "$TMP/out" && ok "rows left in events_stage: says so" ||
    not_ok "rows left in events_stage: $(cat "$TMP/out")"
same "rows left in events_stage: the database unchanged" \
    "$(q "$TMP/stage.db" 'PRAGMA user_version')" 10
q "$TMP/v7.db" "PRAGMA user_version = 7"
status 78 "an older pre-release layout: refused" \
    "$TTE_BIN/tte-collect" --db "$TMP/v7.db" --recover
q "$TMP/new.db" "PRAGMA user_version = 2"
status 78 "a newer schema: refused" \
    "$TTE_BIN/tte-collect" --db "$TMP/new.db" --recover

if test -n "${TTE_PRERELEASE_BIN:-}"; then
    for s in units apps verifikator certificates; do
        "$TTE_PRERELEASE_BIN/tte-collect" -q --db "$TMP/made.db" \
            --source $s "$DATA/$s.csv"
    done
    "$TTE_PRERELEASE_BIN/tte-collect" -q --db "$TMP/made.db" --source csv \
        "$DATA/log.csv" 2>/dev/null
    "$TTE_PRERELEASE_BIN/tte-aggregate" -q --db "$TMP/made.db" --year 2025
    upgraded "a database the pre-release makes now" "$TMP/made.db"
fi

rm -rf "$TMP"
finish
