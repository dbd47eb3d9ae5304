#!/bin/sh
# What the report says, checked against the world the data were generated
# from: each application's Pasal 4(1)j status from sample documents with
# known verdicts (the registry's flag disagreeing on purpose), the same on
# the cover, Per Aplikasi, ringkas, the HTML and the terminal summary;
# Pasal 4(1)l beside it; no unusable series plotted; counted figures named
# one way; no database word in any text.
. "$(dirname "$0")/lib.sh"
plan 127

d=$TMP/data db=$TMP/data/report.db fx=$TMP/fx out=$TMP/reports
chk="$PY $TOP/tests/e2e/check_statements.py"
conf=$TOP/conf/tte-report.json
mkdir -p "$out"

$PY "$TOP/samples/gen.py" "$d" --seed 7 --events 400 --year 2025 >/dev/null
# The registry claims the opposite of what the samples show: srikandi says
# "Ada" but its samples fail, persuratan says "Tidak ada" but its sample
# proves the statement; sipeg (Tidak ada) and esurat (Ada) have no sample.
sed -i -e 's/^\(persuratan,[^,]*,[^,]*,\)1,/\10,/' "$d/apps.csv"
collect_all "$d" "$db" >/dev/null || not_ok "collect the data set"
$PY "$TOP/tests/e2e/evidence_fixtures.py" "$fx" >/dev/null ||
    not_ok "build the PDF fixtures"
"$TTE_BIN/tte-evidence" -q --db "$db" --app srikandi \
    --ca "$fx/ca/bsre-roots.pem" "$fx/srikandi"
"$TTE_BIN/tte-evidence" -q --db "$db" --app persuratan \
    --ca "$fx/ca/bsre-roots.pem" "$fx/persuratan"
check "aggregate 2025" "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025

render() {
    "$TTE_BIN/tte-render" --db "$db" --year 2025 --config "$conf" \
        --as-of 2026-01-20T09:00:00+07:00 "$@"
}
check "render the yearly report" render --summary \
    --out "$out/r.xlsx"
cp "$TMP/out" "$out/summary.txt"
check "render ringkas" render --no-summary \
    --template "$TOP/templates/ringkas.json" --out "$out/ringkas.xlsx"
check "render HTML" render --no-summary --format html --out "$out/r.html"

$chk statements "$d" "$fx/expected.json" "$out/r.xlsx" "$out/ringkas.xlsx" \
    "$out/r.html" "$out/summary.txt" >"$TMP/py" 2>&1
status=$?
cat "$TMP/py"
test $status -eq 0 || not_ok "check_statements.py statements (exit $status)"

for f in r ringkas; do
    $chk words "$db" "$out/$f.xlsx" "$out/r.html" "$TOP/conf/sources" \
        >"$TMP/py" 2>&1 || not_ok "check_statements.py words $f"
    sed "s/^\(not \)*ok - /&$f: /" "$TMP/py"
done
$chk figures "$d" "$out/r.xlsx" "$out/summary.txt" >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py figures"
cat "$TMP/py"

# agency.unit in another spelling than the registry's.
$PY - "$conf" "$out/unit.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["agency"]["unit"] = "PUSDATIN"
json.dump(c, open(sys.argv[2], "w"))
PYEOF
"$TTE_BIN/tte-render" --db "$db" --year 2025 --config "$out/unit.json" \
    --no-summary --out "$out/unit.xlsx" 2>"$out/unit.log"
$chk agency-unit "$d" "$out/unit.xlsx" "$out/unit.log" PUSDATIN \
    >"$TMP/py" 2>&1 || not_ok "check_statements.py agency-unit"
cat "$TMP/py"

# Registry rows whose status contradicts their dates, in a database of
# their own: one EXPIRED valid after the export date, one ISSUE that ended
# before the period (the generated ones revoked without a date are there).
mkdir -p "$TMP/reg"
cp "$d"/*.csv "$TMP/reg/"
$PY - "$TMP/reg/certificates.csv" <<'PYEOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
exp = next(r for r in rows if r["status"] == "EXPIRED")
exp["not_after"] = "2026-06-30"
iss = next(r for r in rows if r["status"] == "ISSUE")
iss["not_before"], iss["not_after"] = "2023-01-01", "2024-10-31"
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), rows[0].keys())
w.writeheader()
w.writerows(rows)
PYEOF
for s in units apps certificates verifikator; do
    collect --db "$TMP/reg/r.db" --source $s "$TMP/reg/$s.csv"
done
collect --db "$TMP/reg/r.db" --source csv "$d"/logs/*.csv 2>/dev/null
"$TTE_BIN/tte-aggregate" -q --db "$TMP/reg/r.db" --year 2025
check "render with registry contradictions" "$TTE_BIN/tte-render" -q \
    --db "$TMP/reg/r.db" --year 2025 --config "$conf" --out "$out/reg.xlsx"
$chk contradictions "$TMP/reg/certificates.csv" "$out/reg.xlsx" 2025 \
    >"$TMP/py" 2>&1 || not_ok "check_statements.py contradictions"
cat "$TMP/py"
rm -rf "$TMP/reg"

# The approval block: the shipped official is a placeholder; a filled one
# gives no mark; a preview has no block.
$chk approval "$conf" "$out/r.xlsx" "$out/r.html" final >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py approval (placeholder)"
cat "$TMP/py"
$PY - "$conf" "$out/filled.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["official"].update(name="Dr. Contoh Pejabat, S.Kom.",
                     nip="197001012000031001")
json.dump(c, open(sys.argv[2], "w"))
PYEOF
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 --config "$out/filled.json" \
    --out "$out/filled.xlsx"
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 --config "$out/filled.json" \
    --format html --out "$out/filled.html"
$chk approval "$out/filled.json" "$out/filled.xlsx" "$out/filled.html" \
    final >"$TMP/py" 2>&1 || not_ok "check_statements.py approval (filled)"
cat "$TMP/py"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 4
check "render the Q4 preview" render --no-summary --quarter 4 \
    --out "$out/q4.xlsx"
check "render the Q4 preview as HTML" render --no-summary --quarter 4 \
    --format html --out "$out/q4.html"
$chk approval "$conf" "$out/q4.xlsx" "$out/q4.html" preview \
    >"$TMP/py" 2>&1 || not_ok "check_statements.py approval (preview)"
cat "$TMP/py"
$chk advice "$d" "$out/r.xlsx" 2026-01-20 >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py advice"
cat "$TMP/py"

$chk charts "$d" "$out/r.xlsx" "$out/r.html" >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py charts"
cat "$TMP/py"

$chk verifikator "$out/r.xlsx" "$out/r.html" 2 >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py verifikator 2"
cat "$TMP/py"
# One verifikator: the registry is replaced by what is collected.
head -2 "$d/verifikator.csv" >"$TMP/verif1.csv"
collect --db "$db" --allow-shrink --source verifikator "$TMP/verif1.csv"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
check "render with one verifikator" render --no-summary --out "$out/v1.xlsx"
check "render HTML with one verifikator" render --no-summary \
    --format html --out "$out/v1.html"
$chk verifikator "$out/v1.xlsx" "$out/v1.html" 1 >"$TMP/py" 2>&1 ||
    not_ok "check_statements.py verifikator 1"
cat "$TMP/py"

rm -rf "$d" "$fx" "$out" "$TMP/py" "$TMP/out" "$TMP/verif1.csv"
finish
