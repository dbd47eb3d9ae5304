#!/bin/sh
# Encodings: a UTF-8 byte-order mark wins over a declared Windows-1252,
# with a warning naming the file; "encoding": "auto" reads valid UTF-8 as
# UTF-8 and anything else as Windows-1252, saying which per file.
. "$(dirname "$0")/lib.sh"
plan 7
d=$TMP/enc
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
$PY "$TOP/tests/e2e/formats_world.py" "$d" encodings 200 ||
    not_ok "the world generator failed"
T=$d/truth.json
f='"fields": {"time": "time", "app": {"const": "srikandi"}, "unit": "unit", "nip": "nip", "name": "name", "doc_id": "doc_id"}'
echo "{\"format\": \"csv\", \"encoding\": \"WINDOWS-1252\", $f}" >"$d/cp.json"
echo "{\"format\": \"csv\", \"encoding\": \"auto\", $f}" >"$d/auto.json"

status 0 "a UTF-8 file with a BOM under a Windows-1252 definition" \
    "$C" --db "$d/b.db" --source "$d/cp.json" "$d/bom.csv"
grep -q "bom.csv: starts with a UTF-8 byte-order mark; read as UTF-8, not as WINDOWS-1252" \
    "$TMP/out" && ok "... is read as UTF-8, with a warning naming the file" ||
    { not_ok "... is read as UTF-8, with a warning naming the file"; sed 's/^/#   /' "$TMP/out"; }
check "... and every name is as written" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/b.db" "$T" name nip t

status 0 "encoding auto reads a UTF-8 and a Windows-1252 file" \
    "$C" --db "$d/a.db" --source "$d/auto.json" "$d/auto-utf8.csv" "$d/auto-1252.csv"
grep -q "auto-utf8.csv: encoding auto: valid UTF-8, read as UTF-8" "$TMP/out" &&
    ok "... saying the first is UTF-8" || not_ok "... saying the first is UTF-8"
grep -q "auto-1252.csv: encoding auto: not valid UTF-8, read as Windows-1252" \
    "$TMP/out" && ok "... and the second Windows-1252" ||
    not_ok "... and the second Windows-1252"
check "... and every name is as written" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/a.db" "$T" name nip t

rm -rf "$d"
finish
