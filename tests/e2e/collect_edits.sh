#!/bin/sh
# tte-collect on a log edited in place: the bytes before the offset reached
# are hashed, so an edit anywhere there (same length or not) replaces what
# the file gave before instead of adding a second version; an append to
# an unchanged file is still read incrementally. The truth comes from
# tests/e2e/edits.py, which writes the rows.
. "$(dirname "$0")/lib.sh"
plan 37

d=$TMP/edits
rm -rf "$d"
mkdir -p "$d"
E="$PY $TOP/tests/e2e/edits.py"
C=$TTE_BIN/tte-collect

# gen FILE ARGS...: writes the log, keeps its truth in FILE.json.
gen() {
    gf=$1; shift
    $E "$gf" "$@" >"$gf.json" || not_ok "edits.py $gf $*"
}
# truth FILE EXPR: a value from FILE.json.
truth() { expect "$1.json" "$2"; }
events() { q "$1" "SELECT count(*) FROM v_events"; }
# doc DB DOC: "result time" of the events of one document.
doc() {
    q "$1" "SELECT group_concat(result || ' ' || time_utc, ';')
            FROM v_events WHERE doc_id = '$2'"
}
# summary: the per-file line of the last run.
summary() { grep ': read ' "$TMP/out" | head -1 | sed 's/^tte-collect: [^:]*: //'; }

# --- a same-length edit in the middle, plus appended rows ---------------
db=$d/same.db f=$d/same.csv
gen "$f" 2000
status 0 "same length: first read" "$C" --db "$db" --source csv "$f"
ino=$(stat -c %i "$f")
# Row 1001 keeps its length (its time moves an hour on); 5 rows follow.
gen "$f" 2000 --time 1002 --append 5
same "same length: edited in place (same inode)" "$(stat -c %i "$f")" "$ino"
status 0 "same length: read again" "$C" --db "$db" --source csv "$f"
grep -q "same.csv: 1 row changed in place; its events were read again" \
    "$TMP/out" && ok "same length: the run names the row changed in place" ||
    not_ok "same length: the run names the row changed in place"
same "same length: events as the file holds now" "$(events "$db")" \
    "$(truth "$f" 'e["events"]')"
same "same length: the edited document has only its new version" \
    "$(doc "$db" D01001)" \
    "$(truth "$f" '"ok " + e["docs"]["D01001"]["time"]')"
same "same length: the summary counts the whole file once" "$(summary)" \
    "read 2005, accepted 2005, duplicates 0, rejected 0, filtered 0"
same "same length: the files row adds up to the events" \
    "$(q "$db" 'SELECT rows_read || " " || accepted FROM files')" \
    "2005 2005"

# --- an edit that changes the length -------------------------------------
db=$d/len.db f=$d/len.csv
gen "$f" 2000
status 0 "longer row: first read" "$C" --db "$db" --source csv "$f"
gen "$f" 2000 --fail 1500
status 0 "longer row: read again" "$C" --db "$db" --source csv "$f"
grep -q "len.csv: 1 row changed in place" "$TMP/out" &&
    ok "longer row: the run says a row changed in place" ||
    not_ok "longer row: the run says a row changed in place"
same "longer row: events as the file holds now" "$(events "$db")" \
    "$(truth "$f" 'e["events"]')"
same "longer row: one document is not both ok and fail" \
    "$(doc "$db" D01499)" \
    "$(truth "$f" 'e["docs"]["D01499"]["result"] + " " +
                   e["docs"]["D01499"]["time"]')"
same "longer row: nothing counted as a duplicate" "$(summary)" \
    "read 2000, accepted 2000, duplicates 0, rejected 0, filtered 0"
# Edited again (a row shorter than before, at the end): still one version.
gen "$f" 1999
status 0 "a row cut from the end: read again" "$C" --db "$db" --source csv "$f"
same "a row cut from the end: its event goes" "$(events "$db")" \
    "$(truth "$f" 'e["events"]')"

# --- the replacing is one transaction: a failed re-read keeps the old ----
db=$d/tx.db f=$d/tx.csv
gen "$f" 2000
cp "$f.json" "$d/tx-first.json"
status 0 "rollback: first read" "$C" --db "$db" --source csv "$f"
gen "$f" 2000 --fail 700 --status 1800=abc
status 65 "rollback: an edited file stopped by --strict" \
    "$C" --db "$db" --source csv --strict "$f"
same "rollback: the earlier version's events stay" "$(events "$db")" \
    "$(expect "$d/tx-first.json" 'e["events"]')"
same "rollback: the earlier version of the edited row stays" \
    "$(doc "$db" D00699)" \
    "$(expect "$d/tx-first.json" '"ok " + e["docs"]["D00699"]["time"]')"

# --- a pure append: incremental, nothing read again ----------------------
db=$d/app.db f=$d/app.csv
gen "$f" 2000
status 0 "append: first read" "$C" --db "$db" --source csv "$f"
gen "$f" 2000 --append 7
status 0 "append: read on" "$C" --db "$db" --source csv "$f"
same "append: only the new rows are read" "$(summary)" \
    "read 7, accepted 7, duplicates 0, rejected 0, filtered 0 (new rows after line 2001)"
grep -q "changed in place" "$TMP/out" &&
    not_ok "append: nothing said to have changed" ||
    ok "append: nothing said to have changed"
same "append: events" "$(events "$db")" "$(truth "$f" 'e["events"]')"
status 0 "append: unchanged on the next run" "$C" --db "$db" --source csv "$f"
grep -q "unchanged since the last run, skipped" "$TMP/out" &&
    ok "append: the next run skips the file" ||
    not_ok "append: the next run skips the file"

# --- a row saved by the previous version: a SHA-256 prefix, mtime in s ---
db=$d/old.db f=$d/old.csv
gen "$f" 2000
status 0 "earlier row: first read" "$C" --db "$db" --source csv "$f"
q "$db" "UPDATE files SET prefix_sha = printf('%064d', 7),
         mtime = mtime / 1000000000"
status 0 "earlier row: read again" "$C" --db "$db" --source csv "$f"
grep -q "unchanged since the last run, skipped" "$TMP/out" &&
    ok "earlier row: the unchanged file is skipped, not taken as edited" ||
    not_ok "earlier row: the unchanged file is skipped: $(cat "$TMP/out")"
gen "$f" 2000 --append 3
status 0 "earlier row: an append" "$C" --db "$db" --source csv "$f"
same "earlier row: only the appended rows are read" "$(summary)" \
    "read 3, accepted 3, duplicates 0, rejected 0, filtered 0 (new rows after line 2001)"
same "earlier row: saved again with a prefix hash of this version" \
    "$(q "$db" 'SELECT length(prefix_sha) FROM files')" 32

# --- an event another file also had stays when the edit drops it -----------
db=$d/two.db f=$d/two-a.csv g=$d/two-b.csv
gen "$f" 2000
gen "$g" 2000
status 0 "two files: both read" "$C" --db "$db" --source csv "$f" "$g"
gen "$f" 2000 --fail 1000
status 0 "two files: the first edited, read again" \
    "$C" --db "$db" --source csv "$f"
# The second file still holds every row of the first version.
same "two files: the events of both versions where both files hold them" \
    "$(events "$db")" 2001
same "two files: accepted rows add up to the events" \
    "$(q "$db" 'SELECT sum(accepted) FROM files')" 2001

rm -rf "$d"
finish
