#!/bin/sh
# Cleaning in a source definition: NIPs written with spaces and dots
# ("remove"), document numbers rewritten ("replace"), and a unit that an
# export moved from one JSON path to another (a list of paths, the first
# non-empty wins). The truth comes from the simulated world.
. "$(dirname "$0")/lib.sh"
plan 9
d=$TMP/clean
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
$PY "$TOP/tests/e2e/formats_world.py" "$d" clean 300 ||
    not_ok "the world generator failed"
T=$d/truth.json
cat >"$d/spaced.json" <<'JSON'
{"format": "csv",
 "fields": {"time": "waktu", "app": {"const": "persuratan"}, "unit": "unit",
   "nip": {"column": "nip", "remove": " ."},
   "doc_id": {"column": "dokumen", "replace": [["^esg\\s*", "ESG-"]]},
   "result": "hasil"}}
JSON
cat >"$d/moved.json" <<'JSON'
{"format": "jsonl",
 "fields": {"time": "ts", "app": {"const": "persuratan"},
   "unit": {"path": ["signer.unit.code", "signer.unit.name"]},
   "nip": "signer.nip", "doc_id": "doc",
   "result": {"path": "ok", "map": {"1": "ok", "0": "fail"}}}}
JSON

"$C" --check -n 3 --source "$d/spaced.json" "$d/spaced.csv" >"$d/check.out" 2>&1
grep -q "^    cleaned nip: '[0-9]\{8\} [0-9]\{6\} [0-9] [0-9]\{3\}' -> '[0-9]\{18\}'" \
    "$d/check.out" && ok "--check shows a NIP before and after its cleaning" ||
    { not_ok "--check shows a NIP before and after its cleaning"; sed 's/^/#   /' "$d/check.out"; }
grep -q "^    cleaned doc_id: 'esg 000001' -> 'ESG-000001'" "$d/check.out" &&
    ok "--check shows a replaced document number" ||
    not_ok "--check shows a replaced document number"

status 0 "spaced and dotted NIPs are collected" \
    "$C" -q --db "$d/s.db" --source "$d/spaced.json" "$d/spaced.csv"
check "... each as the signer's 18 digits, with its document" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/s.db" "$T" t nip unit result
status 0 "a unit under either of two paths is collected" \
    "$C" -q --db "$d/m.db" --source "$d/moved.json" "$d/moved.jsonl"
check "... the first non-empty path wins" \
    $PY "$TOP/tests/e2e/formats_check.py" "$d/m.db" "$T" t nip unit result

# Definitions the loader refuses, naming the key.
printf '{"format": "csv", "fields": {"time": "t", "unit": "u", "app": "a", "nip": {"column": "n", "replace": [["(", ""]]}}}\n' \
    >"$d/bad.json"
status 78 "a replace pattern that does not compile is refused" \
    "$C" --check --source "$d/bad.json" "$d/spaced.csv"
grep -q "key 'nip': invalid regular expression" "$TMP/out" &&
    ok "... naming the field" || not_ok "... naming the field"
printf '{"format": "csv", "fields": {"time": "t", "unit": "u", "app": "a", "nip": {"column": ["n", "password"]}}}\n' \
    >"$d/secret.json"
status 78 "a list of columns naming a secret is refused" \
    "$C" --check --source "$d/secret.json" "$d/spaced.csv"

rm -rf "$d"
finish
