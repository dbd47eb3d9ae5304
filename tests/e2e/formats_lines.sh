#!/bin/sh
# "format": "lines": a syslog where the signing daemon's lines sit among
# sshd, CRON and its own health lines, from hosts in two zones, some
# lines forwarded twice. The truth comes from the simulated world.
. "$(dirname "$0")/lib.sh"
plan 20
d=$TMP/lines
rm -rf "$d"
mkdir -p "$d"
$PY "$TOP/tests/e2e/formats_world.py" "$d" lines 400 ||
    not_ok "the world generator failed"
T=$d/truth.json
cat >"$d/esign.json" <<'JSON'
{
  "description": "esign daemon, through rsyslog",
  "format": "lines",
  "pattern": "^(?<time>\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}[+-]\\d\\d:\\d\\d) (?<host>\\S+) esign\\[\\d+\\]: SIGN (?<result>ok|fail) ",
  "pairs": true,
  "fields": {
    "time": "time",
    "app": {"const": "esign"},
    "unit": "unit",
    "nip": "nip",
    "doc_id": "doc",
    "result": "result",
    "duration_ms": "ms"
  }
}
JSON
db=$d/t.db
C=$TTE_BIN/tte-collect

# --check: the unmatched lines are counted and the first shown.
"$C" --check --source "$d/esign.json" "$d/esign.log" >"$d/check.out" 2>&1
want_f=$(expect "$T" 'e["filtered"]')
same "--check counts the lines the pattern did not match" \
    "$(sed -n 's/.*: \([0-9]*\) lines did not match the pattern.*/\1/p' \
       "$d/check.out")" "$want_f"
same "--check shows the first unmatched lines" \
    "$(grep -c ': did not match the pattern: ' "$d/check.out")" 5
if grep -q "$(expect "$T" 'e["secret"]')" "$d/check.out"; then
    not_ok "--check printed a pin value"; else
    ok "--check redacts pin= values"; fi

status 65 "a log with bad lines is collected, its bad lines rejected" \
    "$C" -q --db "$db" --source "$d/esign.json" "$d/esign.log"
check "every signing in the world is an event, at its UTC instant" \
    $PY "$TOP/tests/e2e/formats_check.py" "$db" "$T" t nip unit result
same "lines forwarded twice are duplicates" \
    "$(q "$db" 'SELECT duplicates FROM files')" "$(expect "$T" 'e["duplicates"]')"
same "other programs' lines are counted as filtered" \
    "$(q "$db" 'SELECT filtered FROM files')" "$want_f"
same "rejects name the log file's own lines" \
    "$(q "$db" 'SELECT group_concat(line) FROM (SELECT line FROM rejects ORDER BY line)')" \
    "$(expect "$T" '",".join(map(str, e["rejected_lines"]))')"
same "rejects name the log file" \
    "$(q "$db" "SELECT DISTINCT file FROM rejects")" "$d/esign.log"
same "read = filtered + accepted + duplicates + rejected" \
    "$(q "$db" 'SELECT rows_read = filtered + accepted + duplicates + rejected FROM files')" 1
same "every line is read" "$(q "$db" 'SELECT rows_read FROM files')" \
    "$(expect "$T" 'e["read"]')"
if sqlite3 "$db" .dump | grep -q "$(expect "$T" 'e["secret"]')"; then
    not_ok "a pin value reached the database"; else
    ok "pin values are never stored"; fi
status 0 "a second run adds nothing" \
    "$C" -q --db "$db" --source "$d/esign.json" "$d/esign.log"
same "... and the events are the same" "$(q "$db" 'SELECT count(*) FROM events')" \
    "$(expect "$T" 'len(e["events"])')"

# A log in which no line matches: named, exit 65.
status 65 "a file where no line matches the pattern is refused" \
    "$C" -q --db "$db" --source "$d/esign.json" "$d/noise.log"
if grep -q 'noise.log: none of its 20 lines matches the pattern' "$TMP/out"; then
    ok "... naming the file and the pattern"; else
    not_ok "... naming the file and the pattern"; sed 's/^/#   /' "$TMP/out"; fi

# Definitions the loader refuses, naming the key.
printf '{"format": "lines", "pattern": "^(\\\\S+) esign", "fields": {"time": "time"}}\n' \
    >"$d/nogroup.json"
status 78 "a pattern without named groups is refused" \
    "$C" --check --source "$d/nogroup.json" "$d/esign.log"
printf '{"format": "lines", "pattern": "^(?<time>\\\\S+", "fields": {"time": "time"}}\n' \
    >"$d/badre.json"
status 78 "an invalid pattern is refused" \
    "$C" --check --source "$d/badre.json" "$d/esign.log"
grep -q "key 'pattern': invalid regular expression at offset" "$TMP/out" &&
    ok "... with the offset PCRE2 reports" || not_ok "... with the offset PCRE2 reports"
printf '{"format": "lines", "pattern": "^(?<time>\\\\S+) (?<unit>\\\\S+)", "fields": {"time": "time", "unit": "unit", "app": "prog", "nip": "nip"}}\n' \
    >"$d/typo.json"
status 78 "a column that is no group (without pairs) is refused" \
    "$C" --check --source "$d/typo.json" "$d/esign.log"

rm -rf "$d"
finish
