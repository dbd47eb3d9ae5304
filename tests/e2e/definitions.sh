#!/bin/sh
# tte-collect and an operator's ordinary mistakes in a source
# definition never change a count silently. A mapped column or JSON path
# that never occurs, --check that hides rejects and duplicates, epoch
# milliseconds read as seconds, --zone against the definition's zone,
# quoted fields losing their spaces, value maps without a default and
# filters without negation. Expected values come from the rows this
# script writes, never from the program.
. "$(dirname "$0")/lib.sh"
plan 32

d=$TMP/defs
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
N1=3171010101900001
N2=3171010101900002

# --- 13.2: a mapped column or path that never occurs ---------------------
cat >"$d/surat.json" <<'EOF'
{"format": "csv", "delimiter": ";", "zone": "Asia/Jakarta",
 "time_format": "%d/%m/%Y %H:%M",
 "fields": {"time": "Waktu", "app": {"const": "surat"}, "unit": "Unit",
            "nik": "NIK", "doc_id": "No Dokumen", "doc_type": "Jenis Surat",
            "result": "Status"}}
EOF
{
    echo 'Waktu;Unit;NIK;No Dokumen;Jenis Naskah;Status'
    echo "02/03/2025 10:00;Biro Umum;$N1;D1;Nota;ok"
    echo "02/03/2025 10:00;Biro Umum;$N1;D2;Nota;ok"
    echo "02/03/2025 10:00;Biro Umum;$N1;D2;Nota;ok"
    echo "02/03/2025 10:05;Biro Umum;$N2;D3;Nota;maybe"
} >"$d/surat.csv"
status 65 "--check exits 65 when a row would be rejected" \
    "$C" --check --source "$d/surat.json" "$d/surat.csv"
grep -q "column 'Jenis Surat' (mapped to doc_type" "$TMP/out" &&
    ok "--check names the mapped column the header lacks" ||
    not_ok "--check names the mapped column the header lacks"
grep -q "read 4, filtered out 0, accepted 2, duplicates within the file 1,\
 rejected 1" "$TMP/out" &&
    ok "--check counts read, filtered, accepted, duplicates, rejected" ||
    not_ok "--check counts read, filtered, accepted, duplicates, rejected"
status 65 "collect: the same file" \
    "$C" --db "$d/surat.db" --source "$d/surat.json" "$d/surat.csv"
grep -q "column 'Jenis Surat' (mapped to doc_type" "$TMP/out" &&
    ok "collect names the mapped column the header lacks" ||
    not_ok "collect names the mapped column the header lacks"
same "collect agrees with --check" \
    "$(q "$d/surat.db" 'SELECT accepted || "," || duplicates || "," ||
        rejected FROM files')" "2,1,1"

cat >"$d/nested.json" <<'EOF'
{"format": "jsonl", "time_format": "iso8601",
 "fields": {"time": "ts", "app": {"const": "dms"}, "unit": "org.unit",
            "nik": "user.nik", "doc_id": "doc.idd", "result": "ok"}}
EOF
{
    echo "{\"ts\": \"2025-04-01T08:00:00+07:00\", \"org\": {\"unit\": \"BU\"},\
 \"user\": {\"nik\": \"$N1\"}, \"doc\": {\"id\": \"X1\"}, \"ok\": \"ok\"}"
    echo "{\"ts\": \"2025-04-01T08:01:00+07:00\", \"org\": {\"unit\": \"BU\"},\
 \"user\": {\"nik\": \"$N1\"}, \"doc\": {\"id\": \"X2\"}, \"ok\": \"ok\"}"
} >"$d/nested.jsonl"
status 0 "a JSON path in no row: collected" \
    "$C" --db "$d/nested.db" --source "$d/nested.json" "$d/nested.jsonl"
grep -q "path 'doc.idd' (mapped to doc_id" "$TMP/out" &&
    ok "collect names the JSON path no row has" ||
    not_ok "collect names the JSON path no row has"
status 0 "--check on the same file" \
    "$C" --check --source "$d/nested.json" "$d/nested.jsonl"
grep -q "path 'doc.idd'" "$TMP/out" &&
    ok "--check names the JSON path no row has" ||
    not_ok "--check names the JSON path no row has"

# --- 13.3: impossible times are never stored ------------------------------
# Epoch milliseconds read as seconds: the year is computed here from the
# value, independently of the program.
ms=1747299004000
year=$($PY -c "print(1970 + int($ms / 86400 / 365.2425))")
cat >"$d/epoch.json" <<'EOF'
{"format": "jsonl", "time_format": "epoch",
 "fields": {"time": "at", "app": {"const": "seal"}, "unit": "unit",
            "nik": "nik", "doc_id": "doc", "result": "result"}}
EOF
for i in 1 2 3; do
    echo "{\"at\": $((ms + i)), \"unit\": \"BU\", \"nik\": \"$N1\",\
 \"doc\": \"E$i\", \"result\": \"ok\"}"
done >"$d/epoch.jsonl"
status 65 "epoch milliseconds read as seconds are rejected" \
    "$C" --db "$d/epoch.db" --source "$d/epoch.json" "$d/epoch.jsonl"
nonempty "the rejecting run wrote its database" "$d/epoch.db"
same "no event outside the plausible window is stored" \
    "$(q "$d/epoch.db" 'SELECT count(*) FROM events')" 0
same "every reject quotes the raw value and the year it would be" \
    "$(q "$d/epoch.db" "SELECT count(*) FROM v_rejects WHERE reason LIKE
        'time ''$((ms + 1))'' read as epoch seconds is $year-%' OR reason LIKE
        'time ''$((ms + 2))'' read as epoch seconds is $year-%' OR reason LIKE
        'time ''$((ms + 3))'' read as epoch seconds is $year-%'")" 3
# Far past year 9999: the raw value, not a made-up date.
echo "{\"at\": 999999999999999, \"unit\": \"BU\", \"nik\": \"$N1\",\
 \"doc\": \"E9\", \"result\": \"ok\"}" >"$d/far.jsonl"
collect --db "$d/far.db" --source "$d/epoch.json" "$d/far.jsonl" 2>/dev/null
same "a value past year 9999 is quoted as written" \
    "$(q "$d/far.db" "SELECT count(*) FROM v_rejects WHERE reason LIKE
        'time ''999999999999999'' read as epoch seconds%' AND reason NOT
        LIKE '%0000-01-01%'")" 1
# Before 2000 and more than a day ahead: rejected; the window widens.
future=$($PY -c "import time; print(int(time.time()) + 3 * 86400)")
{
    echo "{\"at\": 788918400, \"unit\": \"BU\", \"nik\": \"$N1\",\
 \"doc\": \"P1\", \"result\": \"ok\"}"
    echo "{\"at\": $future, \"unit\": \"BU\", \"nik\": \"$N1\",\
 \"doc\": \"P2\", \"result\": \"ok\"}"
    echo "{\"at\": 1740000000, \"unit\": \"BU\", \"nik\": \"$N1\",\
 \"doc\": \"P3\", \"result\": \"ok\"}"
} >"$d/window.jsonl"
collect --db "$d/win.db" --source "$d/epoch.json" "$d/window.jsonl" \
    2>/dev/null
same "1995 and three days ahead are rejected, 2025 is kept" \
    "$(q "$d/win.db" 'SELECT group_concat(doc_id) FROM v_events')" P3
sed 's/"time_format"/"time_window": {"from": "1990-01-01", "days_ahead": 7},\
 "time_format"/' "$d/epoch.json" >"$d/wide.json"
collect --db "$d/wide.db" --source "$d/wide.json" "$d/window.jsonl"
same "a widened window keeps all three" \
    "$(q "$d/wide.db" 'SELECT count(*) FROM v_events')" 3
# The same window for ISO 8601 times, quoted as written.
printf 'time,app,unit,nik,doc_id,result\n%s\n' \
    "1999-12-31T23:00:00Z,a,BU,$N1,I1,ok" >"$d/iso.csv"
collect --db "$d/iso.db" --source csv "$d/iso.csv" 2>/dev/null
same "an ISO time before 2000 is rejected, quoted as written" \
    "$(q "$d/iso.db" "SELECT count(*) FROM v_rejects WHERE reason LIKE
        'time ''1999-12-31T23:00:00Z'' is outside the plausible window%'")" 1

# --- 13.4: --zone wins over the definition's zone -------------------------
cat >"$d/wita.json" <<'EOF'
{"format": "csv", "zone": "Asia/Makassar",
 "fields": {"time": "t", "app": {"const": "segel"}, "unit": "u",
            "nik": "n", "doc_id": "d", "result": "r"}}
EOF
printf 't,u,n,d,r\n2025-12-31 23:30:00,BU,%s,Z1,ok\n' "$N1" >"$d/z.csv"
collect --db "$d/z1.db" --source "$d/wita.json" "$d/z.csv"
collect --db "$d/z2.db" --source "$d/wita.json" --zone Asia/Jakarta "$d/z.csv"
same "the definition's zone (WITA, UTC+8) without --zone" \
    "$(q "$d/z1.db" 'SELECT time_utc FROM v_events')" 2025-12-31T15:30:00Z
same "--zone Asia/Jakarta wins over the definition's zone" \
    "$(q "$d/z2.db" 'SELECT time_utc FROM v_events')" 2025-12-31T16:30:00Z
# A file read again under another zone is read again, not skipped as
# unchanged: the zone in force is part of the definition.
"$C" --db "$d/z2.db" --source "$d/wita.json" "$d/z.csv" 2>"$TMP/err"
same "a file read again without --zone: its events replaced, one event" \
    "$(q "$d/z2.db" 'SELECT count(*) || " " || time_utc FROM v_events')" \
    "1 2025-12-31T15:30:00Z"
grep -q "replaced 1 event read with the earlier definition" "$TMP/err" &&
    ok "the replacement under another zone is said" ||
    not_ok "the replacement under another zone is said"
for src in csv "$d/wita.json"; do
    status 64 "an unknown --zone is a usage error ($(basename "$src"))" \
        "$C" --db "$d/z3.db" --source "$src" --zone Mars/Olympus "$d/z.csv"
    same "one message naming the zone ($(basename "$src"))" \
        "$(grep -c "Mars/Olympus" "$TMP/out")" 1
done

# --- 13.7: quoted fields keep their bytes ---------------------------------
printf 'time,app,unit,nik,doc_id,result,message\n%s\n%s\n' \
    "2025-05-01T10:00:00Z,a,BU,$N1,\" lead and trail \",ok,\"  two  \"" \
    "2025-05-01T10:00:00Z,a, BU ,$N1,  plain  ,ok," >"$d/quoted.csv"
collect --db "$d/quoted.db" --source csv "$d/quoted.csv"
same "a quoted field keeps its spaces" \
    "$(q "$d/quoted.db" "SELECT '[' || doc_id || ']' FROM v_events
        ORDER BY line LIMIT 1")" "[ lead and trail ]"
same "a quoted message keeps its spaces" \
    "$(q "$d/quoted.db" "SELECT '[' || message || ']' FROM v_events
        ORDER BY line LIMIT 1")" "[  two  ]"
same "unquoted identifiers are trimmed" \
    "$(q "$d/quoted.db" "SELECT '[' || doc_id || '|' || unit || ']'
        FROM v_events ORDER BY line DESC LIMIT 1")" "[plain|BU]"

# --- 13.8: "*" in a value map, not_in and not_contains filters ------------
cat >"$d/codes.json" <<'EOF'
{"format": "csv",
 "fields": {"time": "t", "app": {"const": "api"}, "unit": "u", "nik": "n",
            "doc_id": "d", "result": {"column": "s",
                                      "map": {"200": "ok", "*": "fail"}}},
 "filter": [{"column": "path", "not_in": ["/verify", "/health"]},
            {"column": "agent", "not_contains": "probe"}]}
EOF
{
    echo 't,u,n,d,s,path,agent'
    echo "2025-06-01T10:00:00Z,BU,$N1,C1,200,/sign,app"
    echo "2025-06-01T10:01:00Z,BU,$N1,C2,500,/sign,app"
    echo "2025-06-01T10:02:00Z,BU,$N1,C3,403,/sign,app"
    echo "2025-06-01T10:03:00Z,BU,$N1,C4,200,/verify,app"
    echo "2025-06-01T10:04:00Z,BU,$N1,C5,200,/health,app"
    echo "2025-06-01T10:05:00Z,BU,$N1,C6,200,/sign,uptime-probe"
} >"$d/codes.csv"
collect --db "$d/codes.db" --source "$d/codes.json" "$d/codes.csv"
same "\"*\" maps every other value" \
    "$(q "$d/codes.db" "SELECT group_concat(doc_id || '=' || result, ' ')
        FROM (SELECT * FROM v_events ORDER BY doc_id)")" \
    "C1=ok C2=fail C3=fail"
same "not_in and not_contains drop the rows they name" \
    "$(q "$d/codes.db" 'SELECT filtered FROM files')" 3
"$TTE_BIN/tte-aggregate" -q --db "$d/codes.db" --year 2025
same "Kualitas Data names a definition outside conf/sources by its file name" \
    "$(q "$d/codes.db" 'SELECT source || "|" || file FROM agg_quality')" \
    "codes|codes.csv"

finish
