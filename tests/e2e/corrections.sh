#!/bin/sh
# An operator's corrections never change a count silently: a
# seal log in WITA collected with a definition lacking "zone", then with
# the corrected one (under another name, or the same file edited), ends
# with the log's own 200 events and the right year cut; the same
# definition under two path spellings is one source; --forget and
# --forget-source remove a file's or a source's events with a count;
# events another file also had survive a replacement.
. "$(dirname "$0")/lib.sh"
plan 40

d=$TMP/c
rm -rf "$d"
mkdir -p "$d"

# The log and the expected figures, from the rows written
# (tests/e2e/seal_logs.py).
check "the seal logs and their expected figures" \
    $PY "$TOP/tests/e2e/seal_logs.py" "$d"

n_events=$(expect "$d/expected.json" 'e["events"]')
n_rejects=$(expect "$d/expected.json" 'e["rejects"]')
y2025=$(expect "$d/expected.json" 'e["y2025"]')
y2025_wrong=$(expect "$d/expected.json" 'e["y2025_wrong"]')
# times_ok WHAT DB: the times stored, in order, are the generator's.
times_ok() {
    check "$1" $PY "$TOP/tests/e2e/stored_times.py" "$2" "$d/expected.json"
}
year2025() {
    q "$1" "SELECT count(*) FROM events WHERE strftime('%Y', t + 7 * 3600,
        'unixepoch') = '2025'"
}
# "events|sum(accepted)|rejects|files"
counts() {
    q "$1" "SELECT (SELECT count(*) FROM events),
        (SELECT COALESCE(sum(accepted), 0) FROM files),
        (SELECT count(*) FROM rejects), (SELECT count(*) FROM files)"
}

# 1. The zone fixed in a definition saved under another name.
db=$d/rename.db
status 65 "collect with the definition lacking zone" \
    "$TTE_BIN/tte-collect" --db "$db" --source "$d/segel-nozone.json" \
    "$d/seal.log"
same "without zone: events and the wrong year cut" \
    "$(q "$db" 'SELECT count(*) FROM events')|$(year2025 "$db")" \
    "$n_events|$y2025_wrong"
"$TTE_BIN/tte-collect" --db "$db" --source "$d/segel-fixed.json" \
    "$d/seal.log" 2>"$d/err"
same "collect with the fixed definition: exit" "$?" 65
grep -q "seal.log: replaced $n_events events read with the earlier definition" \
    "$d/err" && ok "the replacement is said" ||
    not_ok "the replacement is said: $(cat "$d/err")"
same "fixed under another name: events, accepted, rejects, files" \
    "$(counts "$db")" "$n_events|$n_events|$n_rejects|1"
times_ok "fixed under another name: the log's own times" "$db"
same "fixed under another name: the 2025 cut in WIB" "$(year2025 "$db")" \
    "$y2025"
same "the file is the fixed source's" \
    "$(q "$db" 'SELECT DISTINCT source FROM v_events')" \
    "$(cd "$d" && pwd -P)/segel-fixed.json"

# 2. One definition, two spellings of its path: one source, no
# replacement, nothing counted twice; then the file edited in place.
db=$d/spell.db
cp "$d/segel-nozone.json" "$d/x.json"
(cd "$d" && "$TTE_BIN/tte-collect" -q --db "$db" --source ./x.json seal.log \
    2>/dev/null)
"$TTE_BIN/tte-collect" --db "$db" --source "$d/x.json" "$d/seal.log" \
    2>"$d/err"
same "./x.json then its absolute path: exit" "$?" 0
# It did speak (a file skipped as read), so silence about a replacement
# is not silence about everything.
grep -q "seal.log: unchanged since the last run" "$d/err" &&
    ok "the second spelling finds the file already read" ||
    not_ok "the second spelling finds the file read: $(cat "$d/err")"
grep -q "replaced" "$d/err" && not_ok "no replacement: $(cat "$d/err")" ||
    ok "no replacement for another spelling of the same definition"
same "two spellings: events, accepted, rejects, files" \
    "$(counts "$db")" "$n_events|$n_events|$n_rejects|1"
same "two spellings: nothing read twice" \
    "$(q "$db" 'SELECT sum(duplicates) FROM files')" 0
cp "$d/segel-fixed.json" "$d/x.json"
"$TTE_BIN/tte-collect" --db "$db" --source "$d/x.json" "$d/seal.log" \
    2>"$d/err"
grep -q "seal.log: replaced $n_events events read with the earlier definition" \
    "$d/err" && ok "a changed definition replaces the file's events" ||
    not_ok "a changed definition replaces: $(cat "$d/err")"
same "changed definition: events, accepted, rejects, files" \
    "$(counts "$db")" "$n_events|$n_events|$n_rejects|1"
times_ok "changed definition: the log's own times" "$db"
(cd "$d" && "$TTE_BIN/tte-collect" --db "$db" --source ./x.json seal.log \
    2>"$d/err")
grep -q "unchanged since the last run" "$d/err" &&
    ok "the same definition again: the file is skipped" ||
    not_ok "the same definition again: $(cat "$d/err")"

# 3. --forget, then the right definition: the generator's counts.
db=$d/forget.db
collect --db "$db" --source "$d/segel-nozone.json" "$d/seal.log" 2>/dev/null
same "before --forget: events, accepted, rejects, files" "$(counts "$db")" \
    "$n_events|$n_events|$n_rejects|1"
"$TTE_BIN/tte-collect" --db "$db" --forget "$d/seal.log" 2>"$d/err"
same "--forget: exit" "$?" 0
grep -q "seal.log: forgot 1 file: $n_events events, $n_rejects rejects" \
    "$d/err" && ok "--forget says what went" ||
    not_ok "--forget says what went: $(cat "$d/err")"
same "--forget: nothing left" "$(counts "$db")" "0|0|0|0"
collect --db "$db" --source "$d/segel-fixed.json" "$d/seal.log" 2>/dev/null
same "after --forget: events, accepted, rejects, files" "$(counts "$db")" \
    "$n_events|$n_events|$n_rejects|1"
same "after --forget: the 2025 cut in WIB" "$(year2025 "$db")" "$y2025"
status 66 "--forget of a file never collected" \
    "$TTE_BIN/tte-collect" --db "$db" --forget "$d/part.log"
grep -q "part.log: no collected file" "$TMP/out" &&
    ok "--forget names the file it did not find" ||
    not_ok "--forget names the file: $(cat "$TMP/out")"
status 66 "--forget on a database not there" \
    "$TTE_BIN/tte-collect" --db "$d/none.db" --forget "$d/seal.log"
test -e "$d/none.db" && not_ok "--forget created a database" ||
    ok "--forget creates no database"
status 64 "--forget with --source" \
    "$TTE_BIN/tte-collect" --db "$db" --forget --source csv "$d/seal.log"

# 4. --forget-source: every file of the source, with a count.
db=$d/source.db
collect --db "$db" --source "$d/segel-fixed.json" "$d/seal.log" \
    "$d/jan.log" 2>/dev/null
collect --db "$db" --source "$d/segel-nozone.json" "$d/part.log" \
    2>/dev/null
(cd "$d" && "$TTE_BIN/tte-collect" --db "$db" \
    --forget-source ./segel-fixed.json 2>"$d/err")
same "--forget-source: exit" "$?" 0
grep -q "forgot 2 files: $((n_events + 30)) events, $n_rejects rejects" \
    "$d/err" && ok "--forget-source says what went" ||
    not_ok "--forget-source says what went: $(cat "$d/err")"
same "--forget-source: the other source's file and its events stay" \
    "$(counts "$db")" "50|50|0|1"
status 66 "--forget-source of a source never collected" \
    "$TTE_BIN/tte-collect" --db "$db" --forget-source no-such-source
grep -q "no-such-source" "$TMP/out" && ok "--forget-source names it" ||
    not_ok "--forget-source names it: $(cat "$TMP/out")"

# 5. An event another file also had survives the replacement of the
# file that stored it, and re-running counts nothing twice.
db=$d/dedupe.db
collect --db "$db" --source "$d/segel-fixed.json" "$d/seal.log" 2>/dev/null
collect --db "$db" --source "$d/segel-fixed.json" "$d/part.log" 2>/dev/null
cp "$d/segel-fixed.json" "$d/y.json"
collect --db "$db" --source "$d/y.json" "$d/seal.log" 2>/dev/null
same "replaced beside a file holding 50 of its events" \
    "$(counts "$db")" "$n_events|$n_events|$n_rejects|2"
same "the 50 are the other file's now" \
    "$(q "$db" "SELECT accepted || '/' || duplicates FROM files
                WHERE path LIKE '%/part.log'")" "50/0"
times_ok "replaced beside: the log's own times" "$db"
collect --db "$db" --source "$d/y.json" "$d/seal.log" "$d/part.log" \
    2>/dev/null
same "re-run: nothing counted twice" "$(counts "$db")" \
    "$n_events|$n_events|$n_rejects|2"
"$TTE_BIN/tte-collect" -q --db "$db" --forget "$d/part.log"
same "--forget of the other file: its 50 stay, held by the log" \
    "$(counts "$db")" "$n_events|$n_events|$n_rejects|1"
"$TTE_BIN/tte-collect" -q --db "$db" --forget "$d/seal.log"
same "--forget of both: nothing left" "$(counts "$db")" "0|0|0|0"

test "$failed" = 0 && rm -rf "$d"
finish
