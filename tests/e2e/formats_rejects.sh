#!/bin/sh
# The rejects workflow: --rejects keeps the rows of files not read this
# time, defuses formulas; an operator edits the raw column and --retry
# reads the rows again with their own file's definition; --check masks a
# NIK in whatever field it sits. The truth comes from the simulated world.
. "$(dirname "$0")/lib.sh"
plan 27
d=$TMP/rejects
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
$PY "$TOP/tests/e2e/formats_world.py" "$d" lines 400 ||
    not_ok "the world generator failed"
T=$d/truth.json
cat >"$d/esign.json" <<'JSON'
{"format": "lines",
 "pattern": "^(?<time>\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}[+-]\\d\\d:\\d\\d) (?<host>\\S+) esign\\[\\d+\\]: SIGN (?<result>ok|fail) ",
 "pairs": true,
 "fields": {"time": "time", "app": {"const": "esign"}, "unit": "unit",
   "nip": "nip", "doc_id": "doc", "result": "result", "duration_ms": "ms"}}
JSON
cat >"$d/sheet.json" <<'JSON'
{"format": "csv", "fields": {"time": "waktu", "app": {"const": "persuratan"},
   "unit": "unit", "nik": "nik", "name": "nama", "doc_id": "dokumen"}}
JSON
db=$d/t.db
rej=$d/rejects.csv
nbad=$(expect "$T" 'len(e["bad"])')

# A CSV export whose bad rows start like formulas.
nik1=3171014501900007
{
    echo "waktu,nik,nama,unit,dokumen"
    echo "2025-03-04T09:00:00+07:00,$nik1,Ani,Deputi I,ND-1"
    echo "=HYPERLINK(\"http://x\"),$nik1,Ani,Deputi I,ND-2"
    echo "2025-03-04T09:05:00+07:00,$nik1,-Ani,Deputi I,ND-3"
    echo "+2025-03-04T09:06:00+07:00,$nik1,Ani,Deputi I,ND-4"
} >"$d/nd.csv"

status 65 "the syslog is collected with --rejects" \
    "$C" -q --db "$db" --source "$d/esign.json" --rejects "$rej" "$d/esign.log"
same "the rejects file has its bad lines" "$(($(wc -l <"$rej") - 1))" "$nbad"
same "the rejects file is its owner's alone" "$(stat -c %a "$rej")" 600
status 65 "a second log is collected into the same rejects file" \
    "$C" -q --db "$db" --source "$d/sheet.json" --rejects "$rej" "$d/nd.csv"
same "the first log's rows are kept" \
    "$(grep -c 'esign.log' "$rej")" "$nbad"
same "the second log's rows are added" "$(grep -c 'nd.csv' "$rej")" 2
$PY - "$rej" >"$d/guard.out" <<'PYEOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["file"].endswith("nd.csv")]
for r in rows:
    print(r["raw"][:2])
PYEOF
test $? = 0 || not_ok "reading the rejects file failed"
same "a raw text starting like a formula gets a quote" \
    "$(paste -sd' ' "$d/guard.out")" "'= '+"
status 0 "reading the first log again (unchanged: skipped) keeps the rows" \
    "$C" -q --db "$db" --source "$d/esign.json" --rejects "$rej" "$d/esign.log"
same "... both logs' rows are there once" \
    "$(grep -c 'esign.log' "$rej"),$(grep -c 'nd.csv' "$rej")" "$nbad,2"

# The operator fixes two syslog rows (the NIP as the signer's) and the
# formula rows (a time), leaves the rest, and retries.
$PY - "$rej" "$T" <<'PYEOF'
import csv, json, sys
t = json.load(open(sys.argv[2]))
rows = list(csv.reader(open(sys.argv[1])))
for r in rows[1:]:
    for b in t["bad"][:2]:
        if r[0].endswith("esign.log") and int(r[1]) == b["line"]:
            r[3] = r[3].replace("nip=%s " % b["written"], "nip=%s " % b["nip"])
    if r[0].endswith("nd.csv") and r[3].startswith("'="):
        # A spreadsheet shows the text without its quote, and saves it so.
        r[3] = r[3][1:].replace('=HYPERLINK("http://x")',
                                "2025-03-04T09:01:00+07:00", 1)
csv.writer(open(sys.argv[1], "w", newline="")).writerows(rows)
PYEOF
test $? = 0 || not_ok "editing the rejects file failed"
# A mark a run of this host killed before its merge left on the log: a
# retry takes it out first, as a collect does, or the mark would hide
# the retried rows (they come after its first event) and take them out.
gone=$(sh -c 'echo $$')
q "$db" "INSERT INTO staging(file_id, first_event, first_reject, pid,
    started, boot, host) SELECT id, (SELECT max(id) + 1 FROM events),
    (SELECT max(id) + 1 FROM rejects), $gone, 1,
    '$(cat /proc/sys/kernel/random/boot_id)', '$(hostname)' FROM files
    WHERE path LIKE '%esign.log'"
before=$(q "$db" 'SELECT count(*) FROM events')
status 65 "--retry with rows still bad exits 65" "$C" --db "$db" --retry "$rej"
same "a stopped run's mark taken out first" \
    "$(q "$db" 'SELECT count(*) FROM staging')" 0
same "the fixed rows became events" \
    "$(q "$db" 'SELECT count(*) FROM events')" "$((before + 3))"
same "... of their original file and line" \
    "$(q "$db" "SELECT group_concat(line) FROM (SELECT line FROM v_events WHERE doc_id IN ($(expect "$T" '",".join("\x27%s\x27" % b["doc"] for b in e["bad"][:2])')) ORDER BY line)")" \
    "$(expect "$T" '",".join(str(b["line"]) for b in e["bad"][:2])')"
same "... with the world's NIP and UTC time" \
    "$(q "$db" "SELECT group_concat(nip || ' ' || time_utc) FROM (SELECT nip, time_utc FROM v_events WHERE doc_id IN ($(expect "$T" '",".join("\x27%s\x27" % b["doc"] for b in e["bad"][:2])')) ORDER BY line)")" \
    "$(expect "$T" '",".join(b["nip"] + " " + b["t"] for b in e["bad"][:2])')"
# A fixed row is an event like any other: found again by its dedupe key.
same "... each with its dedupe key" \
    "$(q "$db" 'SELECT count(*) FROM events
        WHERE id NOT IN (SELECT event FROM event_keys)')" 0
same "the quote before a formula was taken off" \
    "$(q "$db" "SELECT time_utc FROM v_events WHERE doc_id = 'ND-2'")" \
    "2025-03-04T02:01:00Z"
same "per file: rejected, fixed later, still rejected" \
    "$(q "$db" "SELECT rejected || '/' || fixed_later || '/' || still_rejected FROM v_reject_files WHERE file LIKE '%esign.log'")" \
    "$nbad/2/$((nbad - 2))"
same "... and for the CSV export" \
    "$(q "$db" "SELECT rejected || '/' || fixed_later || '/' || still_rejected FROM v_reject_files WHERE file LIKE '%nd.csv'")" \
    "2/1/1"
same "the file's counts still add up" \
    "$(q "$db" 'SELECT sum(rows_read = filtered + accepted + duplicates + rejected) FROM files')" 2
snap=$(sqlite3 "$db" 'SELECT count(*) FROM events; SELECT * FROM v_reject_files; SELECT accepted, rejected FROM files' | paste -sd' ')
status 65 "the same retry again" "$C" --db "$db" --retry "$rej"
same "... changes nothing" \
    "$(sqlite3 "$db" 'SELECT count(*) FROM events; SELECT * FROM v_reject_files; SELECT accepted, rejected FROM files' | paste -sd' ')" "$snap"

# The report says it per file: Ditolak the rows still rejected,
# Diperbaiki Kemudian those fixed and read again.
check "aggregate after the retry" "$TTE_BIN/tte-aggregate" -q --db "$db" \
    --year 2025
check "render after the retry" "$TTE_BIN/tte-render" -q --db "$db" \
    --year 2025 --no-summary --out "$d/r.xlsx"
$PY - "$d/r.xlsx" "$nbad" <<'PYEOF' || not_ok "reading Kualitas Data failed"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Kualitas Data"]
rows = [r for r in ws.iter_rows(values_only=True)]
hdr = next(r for r in rows if r and r[0] == "Sumber")
col = {h: i for i, h in enumerate(hdr) if h}
nbad = int(sys.argv[2])
for name, want in (("esign.log", (nbad - 2, 2)), ("nd.csv", (1, 1))):
    row = next((r for r in rows if r and len(r) > 1 and r[1] == name), None)
    got = row and (row[col["Ditolak"]], row[col.get("Diperbaiki Kemudian", 0)])
    print("%s - Kualitas Data %s: still rejected, fixed later %s (got %s)"
          % ("ok" if got == want else "not ok", name, want, got))
PYEOF

# --check masks a NIK wherever it sits, in fields and in raw text.
nik2=3275016608850003
{
    echo "waktu,nik,nama,unit,dokumen"
    echo "2025-03-04T09:00:00+07:00,$nik1,Ani $nik2,Deputi I,ND-9"
    echo "bukan waktu,$nik1,Ani,Deputi I,ND-10 $nik2"
} >"$d/leak.csv"
"$C" --check --source "$d/sheet.json" "$d/leak.csv" >"$d/check.out" 2>&1
if grep -q "$nik2\|$nik1" "$d/check.out"; then
    not_ok "--check printed a NIK unmasked"; sed 's/^/#   /' "$d/check.out"
else ok "--check masks a NIK in any field and in the raw text"; fi
grep -q "name=Ani 3275" "$d/check.out" && ok "... keeping its first digits" ||
    not_ok "... keeping its first digits"

rm -rf "$d"
finish
