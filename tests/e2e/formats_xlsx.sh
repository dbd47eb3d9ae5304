#!/bin/sh
# "format": "xlsx": an export of the signing application's report screen
# (a title, a two-row merged header, shared and inline strings, date
# serials in the writer's zone and text dates, a NIP typed into a numeric
# cell, an empty row, a second sheet), read as a stream: memory stays
# flat from 5,000 to 50,000 rows, and the counts equal the same rows as
# CSV. The truth comes from the simulated world.
. "$(dirname "$0")/lib.sh"
plan 18
d=$TMP/xlsx
rm -rf "$d"
mkdir -p "$d/small" "$d/big"
C=$TTE_BIN/tte-collect
$PY "$TOP/tests/e2e/formats_world.py" "$d/small" xlsx 5000 ||
    not_ok "the world generator failed (5,000 rows)"
$PY "$TOP/tests/e2e/formats_world.py" "$d/big" xlsx 50000 ||
    not_ok "the world generator failed (50,000 rows)"
fields='"time": "Waktu", "app": {"const": "srikandi"}, "unit": "Unit Kerja",
  "nip": "NIP", "name": "Nama", "doc_id": "Dokumen", "duration_ms": "Durasi (ms)",
  "result": {"column": "Status", "map": {"Berhasil": "ok", "Gagal": "fail"}}'
cat >"$d/x.json" <<JSON
{"format": "xlsx", "sheet": "Log TTE", "header_row": 3, "zone": "Asia/Makassar",
 "time_format": ["iso8601", "%d/%m/%Y %H:%M:%S"], "fields": {$fields}}
JSON
cat >"$d/c.json" <<JSON
{"format": "csv", "zone": "Asia/Makassar",
 "time_format": ["%Y-%m-%d %H:%M:%S"], "fields": {$fields}}
JSON
T=$d/small/truth.json

status 65 "a workbook is collected, the rows with lost digits rejected" \
    "$C" -q --db "$d/s.db" --source "$d/x.json" "$d/small/log.xlsx"
check "every signing is an event with its UTC time, NIP and unit" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/s.db" "$T" t nip unit result
same "rejects are the rows whose NIP was a number" \
    "$(q "$d/s.db" 'SELECT group_concat(line) FROM (SELECT line FROM rejects ORDER BY line)')" \
    "$(expect "$T" '",".join(map(str, e["lost_digits_rows"]))')"
r=$(q "$d/s.db" 'SELECT reason FROM rejects LIMIT 1')
case $r in
*"column 'NIP' holds the number"*"lost its last digits"*"as Text"*)
    ok "the reason says the digits were lost and how to export as text" ;;
*) not_ok "the reason says the digits were lost: $r" ;;
esac
status 65 "the 1904 date system (a Mac workbook) gives the same instants" \
    "$C" -q --db "$d/m.db" --source "$d/x.json" "$d/small/mac.xlsx"
check "... every signing at its UTC time" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/m.db" "$T" t nip --key mac.events

# The first sheet by default; by number; a missing one is named.
sed 's/"sheet": "Log TTE"/"sheet": 2/' "$d/x.json" >"$d/x2.json"
status 65 "\"sheet\": 2 picks the same sheet" \
    "$C" -q --db "$d/s2.db" --source "$d/x2.json" "$d/small/log.xlsx"
same "... with the same events" "$(q "$d/s2.db" 'SELECT count(*) FROM events')" \
    "$(expect "$T" 'len(e["events"])')"
sed 's/"sheet": "Log TTE"/"sheet": "Rekap"/' "$d/x.json" >"$d/x3.json"
status 65 "a sheet the workbook lacks is refused" \
    "$C" --check --source "$d/x3.json" "$d/small/log.xlsx"
grep -q "no sheet named 'Rekap' (the workbook has 'Ringkasan', 'Log TTE')" \
    "$TMP/out" && ok "... naming the sheets it has" ||
    not_ok "... naming the sheets it has"

# A workbook handed to a CSV source is recognised.
status 65 "a workbook read as CSV is refused" \
    "$C" --check --source "$d/c.json" "$d/small/log.xlsx"
grep -q '"format": "xlsx"' "$TMP/out" && ok "... saying to use \"format\": \"xlsx\"" ||
    not_ok "... saying to use \"format\": \"xlsx\""

# The same rows as CSV: the same counts.
# Under ASan, freed memory waits in a quarantine of 256 MB: off for this
# measurement, to measure ours.
for s in small big; do
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0" \
        /usr/bin/time -v "$C" -q --db "$d/$s-x.db" --source "$d/x.json" \
        "$d/$s/log.xlsx" 2>"$d/$s.time" >/dev/null
    "$C" -q --db "$d/$s-c.db" --source "$d/c.json" "$d/$s/log.csv" 2>/dev/null
    sql='SELECT rows_read, accepted, duplicates, rejected FROM files'
    same "$s workbook: the counts equal the same rows as CSV" \
        "$(q "$d/$s-x.db" "$sql")" "$(q "$d/$s-c.db" "$sql")"
done
check "50,000 rows: every signing is an event" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/big-x.db" "$d/big/truth.json" t nip
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
small=$(rss "$d/small.time")
big=$(rss "$d/big.time")
# Ten times the rows: the stream holds one row, the shared strings grow
# with the distinct texts (a document number per row): a few MB at most.
if test -n "$small" && test -n "$big" && test "$big" -lt $((small + 12000)); then
    ok "peak RSS stays flat: ${small} kB for 5,000 rows, ${big} kB for 50,000"
else
    not_ok "peak RSS grows: ${small} kB for 5,000 rows, ${big} kB for 50,000"
fi

# A zip bomb: a sheet that inflates hundreds of times is refused.
$PY - "$d/bomb.xlsx" "$d/small/log.xlsx" <<'PYEOF' || not_ok "bomb writer failed"
import sys, zipfile
src = zipfile.ZipFile(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for n in src.namelist():
        b = src.read(n)
        if n == "xl/worksheets/sheet2.xml":
            b = b.replace(b"</sheetData>", b"</sheetData>" + b" " * (300 << 20))
        z.writestr(n, b)
PYEOF
status 65 "a zip bomb is refused" "$C" --check --source "$d/x.json" "$d/bomb.xlsx"
grep -q "as a zip bomb does" "$TMP/out" && ok "... saying why" ||
    { not_ok "... saying why"; sed 's/^/#   /' "$TMP/out" | tail -3; }

rm -rf "$d"
finish
