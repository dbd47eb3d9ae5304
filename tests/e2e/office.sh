#!/bin/sh
# The report opens in LibreOffice Calc: convert it to PDF headless and
# check the PDF exists (LibreOffice exits 0 even when loading fails).
. "$(dirname "$0")/lib.sh"

if ! command -v libreoffice >/dev/null 2>&1; then
    echo "# libreoffice not installed (apt-get install libreoffice-calc-nogui)"
    finish
fi
d=$TMP/office db=$TMP/office/report.db
$PY "$TOP/samples/gen.py" "$d" --seed 5 --events 500 >/dev/null
collect_all "$d" "$db" >/dev/null || not_ok "collect"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/report.xlsx"
HOME=$d timeout 180 libreoffice --headless --convert-to pdf --outdir "$d" \
    "$d/report.xlsx" >"$TMP/lo.log" 2>&1
check "LibreOffice Calc converts the report to PDF" test -s "$d/report.pdf"
finish
