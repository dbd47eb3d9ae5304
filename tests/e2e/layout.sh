#!/bin/sh
# The report's layout on paper and on screen. A generated year is rendered
# and LibreOffice prints it (PDF, read back with pdftotext): tables on few
# pages, rows as tall as their wrapped text, headings and notes on the page
# of their table, an empty table one line under its heading, the cover's
# rows one line for one line of text. The HTML in headless Chromium at
# 1280 and 390 pixels: no table wider than the screen, cards on a phone,
# chart text of 10 pixels or more, and the printed HTML's page footer.
. "$(dirname "$0")/lib.sh"
plan 41

if ! command -v soffice >/dev/null 2>&1; then
    not_ok "libreoffice is installed (apt-get install libreoffice-calc-nogui)"
    finish
fi
d=$TMP/layout db=$TMP/layout/report.db
rm -rf "$d"
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d/y2025" --seed 5 --events 1500 --year 2025 \
    >/dev/null
collect_all "$d/y2025" "$db" >/dev/null || not_ok "collect 2025"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 4
# The default template with the unknown units' table emptied (a table
# without rows) and Sertifikat Perlu Tindakan cut to its first 9 rows (a
# year with 9 certificates needing action).
$PY - "$TOP/templates/default.json" "$d/empty.json" <<'PYEOF' ||
import json, sys
tpl = json.load(open(sys.argv[1]))
for sheet in tpl["sheets"]:
    for b in sheet["blocks"]:
        if b.get("type") == "table" and "known = 0" in b.get("query", ""):
            b["query"] += " LIMIT 0"
        if b.get("type") == "table" and "FROM agg_action" in b.get("query",
                                                                   ""):
            b["query"] += " LIMIT 9"
json.dump(tpl, open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF
    not_ok "template without rows written"
render() {
    "$TTE_BIN/tte-render" -q --db "$db" --config "$TOP/conf/tte-report.json" \
        --as-of 2026-01-05T10:00:00 --year 2025 "$@"
}
check "render the year" render --out "$d/year.xlsx"
check "render the Q4 preview" render --quarter 4 --out "$d/q4.xlsx"
check "render with an empty table" render --template "$d/empty.json" \
    --out "$d/empty.xlsx"
check "render the year as HTML" render --out "$d/year.html"
for f in year q4 empty; do
    HOME=$d timeout 180 soffice -env:UserInstallation="file://$d/lo-profile" \
        --headless --convert-to pdf --outdir "$d" "$d/$f.xlsx" \
        >>"$TMP/lo.log" 2>&1
    check "LibreOffice converts $f.xlsx to PDF" test -s "$d/$f.pdf"
done

$PY "$TOP/tests/e2e/layout_measure.py" paper "$d" \
    "$TOP/templates/default.json" >"$TMP/check" 2>&1 || failed=1
cat "$TMP/check"

# The screen: the report with a measuring script (a copy without the
# Content-Security-Policy), at a desktop's and a phone's width.
prof=$(mktemp -d "$TMP/chromium.XXXXXX")
browse() {
    HOME=$prof timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --no-first-run \
        --disable-component-update --user-data-dir="$prof" \
        "$@" 2>>"$TMP/chromium.log"
}
if ! command -v chromium >/dev/null 2>&1; then
    not_ok "chromium is installed (make test-deps installs it)"
    finish
fi
$PY "$TOP/tests/e2e/layout_measure.py" probe "$d/year.html" "$d/probe.html" ||
    not_ok "measuring page written"
for w in 1280 390; do
    browse --window-size=$w,900 --dump-dom "file://$d/probe.html" \
        >"$d/dom$w.html"
    $PY "$TOP/tests/e2e/layout_measure.py" screen "$d/dom$w.html" $w \
        >"$TMP/check" 2>&1 || failed=1
    cat "$TMP/check"
    # Kept with the PDFs after a failure, to look at.
    browse --window-size=$w,2400 --screenshot="$d/screen$w.png" \
        "file://$d/year.html" >/dev/null
done
browse --no-pdf-header-footer --print-to-pdf="$d/html.pdf" \
    "file://$d/year.html" >/dev/null
$PY "$TOP/tests/e2e/layout_measure.py" footer "$d/html.pdf" \
    "$TOP/templates/default.json" >"$TMP/check" 2>&1 || failed=1
cat "$TMP/check"

rm -rf "$prof"
test "$failed" = 0 && rm -rf "$d"
finish
