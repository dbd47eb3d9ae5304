#!/bin/sh
# The HTML report (tte-render --format html) in a real browser (Debian's
# chromium, headless): the same texts and figures as the XLSX for the year
# and a quarter, hostile log text shown as text, the Content-Security-Policy
# blocking an injected script and any request, A4 landscape print with
# nothing cut, reproducible bytes, file mode 0600; the operator's summary.
. "$(dirname "$0")/lib.sh"
plan 130

d=$TMP/html db=$TMP/html/report.db
rm -rf "$d"
# Two years: last year beside this one (the signed change columns).
$PY "$TOP/samples/gen.py" "$d/y2024" --seed 3 --events 500 --year 2024 \
    >/dev/null
$PY "$TOP/samples/gen.py" "$d" --seed 4 --events 600 --year 2025 >/dev/null
collect_all "$d/y2024" "$db" >/dev/null || not_ok "collect 2024"
collect_all "$d" "$db" >/dev/null || not_ok "collect the data set"

# Log rows whose unit, application, signer, error code and message try to
# become markup. The unit is unknown, so it also shows in Kualitas Data.
$PY - "$d/hostile.csv" <<'PYEOF' || not_ok "writing hostile.csv failed"
import csv, sys
rows = [
    ("2025-05-02T09:00:00+07:00", '"><img src=x onerror=alert(2)>',
     "<script>alert(1)</script>", "</td><b onmouseover=alert(5)>Eve</b>",
     "fail", "<i>'&amp;\"</i>", "<script>alert(3)</script>"),
    ("2025-05-03T09:00:00+07:00", "esurat", "<script>alert(1)</script>",
     "Mallory", "fail", "2031", '"><img src=x onerror=alert(4)>'),
]
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["time", "app", "unit", "nik", "name", "result", "status_code",
            "message"])
for t, app, unit, name, res, code, msg in rows:
    w.writerow([t, app, unit, "3171010101900001", name, res, code, msg])
PYEOF
collect --db "$db" --source csv "$d/hostile.csv"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 2

# The default template plus a sheet of log messages, so that messages are
# rendered too.
tpl=$d/template.json
$PY - "$TOP/templates/default.json" "$tpl" <<'PYEOF' || not_ok "writing the HTML template failed"
import json, sys
t = json.load(open(sys.argv[1]))
t["sheets"].append({"name": "Pesan", "blocks": [
    {"type": "title", "text": "Pesan galat — {period_label}"},
    {"type": "table", "query": "SELECT DISTINCT name, message FROM v_events"
     " WHERE message IS NOT NULL ORDER BY 2, 1",
     "columns": [{"header": "Nama"}, {"header": "Pesan"}]}]})
json.dump(t, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
PYEOF
render() {
    "$TTE_BIN/tte-render" -q --db "$db" --config "$TOP/conf/tte-report.json" \
        --template "$tpl" --as-of 2026-01-06T08:00:00 "$@"
}

check "render the year as XLSX" render --year 2025 --out "$d/year.xlsx"
check "render the year as HTML (--format html)" render --year 2025 \
    --format html --out "$d/year.out"
check "render again, by the .html extension" render --year 2025 \
    --out "$d/year.html"
check "two renders: same bytes" cmp "$d/year.out" "$d/year.html"
same "HTML file mode (personal data)" "$(stat -c %a "$d/year.html")" 600
check "render Q2 as XLSX" render --year 2025 --quarter 2 --out "$d/q2.xlsx"
check "render Q2 as HTML" render --year 2025 --quarter 2 --out "$d/q2.html"
check "render ringkas as XLSX" render --year 2025 --template \
    "$TOP/templates/ringkas.json" --out "$d/ringkas.xlsx"
check "render ringkas as HTML" render --year 2025 --template \
    "$TOP/templates/ringkas.json" --out "$d/ringkas.html"
check "render ringkas Q2 as XLSX" render --year 2025 --quarter 2 \
    --template "$TOP/templates/ringkas.json" --out "$d/ringkas-q2.xlsx"
check "render ringkas Q2 as HTML" render --year 2025 --quarter 2 \
    --template "$TOP/templates/ringkas.json" --out "$d/ringkas-q2.html"
# NIK: masked as in the XLSX, in full only with --unmask-nik.
nik=3171010101900001
nonempty "HTML: the yearly page" "$d/year.html"
grep -q "$nik" "$d/year.html" && not_ok "HTML: no NIK in full" ||
    ok "HTML: no NIK in full"
grep -q "3171\(&bull;\|•\)\{8\}0001" "$d/year.html" &&
    ok "HTML: the NIK masked (3171••••••••0001)" || not_ok "HTML: masked NIK"
render --year 2025 --unmask-nik --out "$d/unmasked.html"
grep -q "$nik" "$d/unmasked.html" && ok "HTML: --unmask-nik shows it" ||
    not_ok "HTML: --unmask-nik shows it"
rm -f "$d/unmasked.html"
# Signed changes against last year, from the database: this year's
# successful signings minus last year's, as Ringkasan shows them.
chg=$(q "$db" "SELECT (SELECT sum(sign_ok) FROM agg_month WHERE period = '2025') - (SELECT sum(sign_ok) FROM agg_prev_month WHERE period = '2025')")
want=$(printf '%s' "$chg" | sed 's/^\([0-9]\)/+\1/;s/^+0$/0/')
grep -q "<td class=\"t\"[^>]*>Penandatanganan berhasil</td>.*<td class=\"n\"[^>]*>$want</td></tr>" \
    "$d/year.html" && ok "HTML: signed change of signings ($want)" ||
    not_ok "HTML: signed change of signings, want $want"
status 64 "an unknown --format" render --year 2025 --format pdf \
    --out "$d/x.pdf"
# A bad template query stops the HTML as it stops the XLSX: the same
# checks (query.c), the same exit status, and no file left behind.
badtpl() {          # badtpl FILE QUERY: the Pesan sheet with QUERY
    $PY - "$tpl" "$1" "$2" <<'PYEOF' || not_ok "writing the failing template $1 failed"
import json, sys
t = json.load(open(sys.argv[1]))
t["sheets"][-1]["blocks"][1]["query"] = sys.argv[3]
json.dump(t, open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF
}
badtpl "$d/tail.json" "SELECT 1, 2; DELETE FROM events"
status 78 "HTML: text after ';' in a query is an error" render --year 2025 \
    --template "$d/tail.json" --out "$d/tail.html"
grep -q "sheets\[9\].blocks\[1\]: a query is one statement" "$TMP/out" &&
    ok "HTML: says which block" || not_ok "HTML: says which block"
badtpl "$d/loop.json" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*), '' FROM n"
TTE_QUERY_TIMEOUT=2 status 78 "HTML: a runaway query stops (TTE_QUERY_TIMEOUT=2)" \
    timeout 60 "$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --template "$d/loop.json" \
    --out "$d/loop.html"
test -s "$d/tail.json" -a -s "$d/loop.json" &&
    ok "HTML: both failing templates were written" ||
    not_ok "HTML: both failing templates were written"
test ! -e "$d/tail.html" -a ! -e "$d/loop.html" &&
    ok "HTML: no file written after an error" ||
    not_ok "HTML: no file written after an error"
test -z "$(ls "$d" | grep '\.tmp')" && ok "HTML: no temporary file left" ||
    not_ok "HTML: no temporary file left"
if grep -qi '<script' "$d/year.html"; then
    not_ok "no <script in the file"; else ok "no <script in the file"; fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'" \
    "$d/year.html" && ok "CSP meta tag: default-src 'none'" ||
    not_ok "CSP meta tag"

# The summary: on with -v, off by default when stderr is not a terminal.
"$TTE_BIN/tte-render" -v --db "$db" --config "$TOP/conf/tte-report.json" \
    --year 2025 --format html --out "$d/v.html" 2>"$d/summary.txt"
want=$(q "$db" "SELECT sum(sign_ok) || ' ok, ' || sum(sign_fail) || ' failed' FROM agg_month WHERE period = '2025'")
grep -q "signings  *$want" "$d/summary.txt" && ok "summary: signings ($want)" ||
    not_ok "summary: signings, want '$want'"
for w in "events  *$(q "$db" "SELECT events FROM agg_period WHERE period = '2025'")\$" \
    "rows rejected  *$(q "$db" "SELECT sum(rejected) FROM agg_quality WHERE period = '2025'")\$" \
    "warning: .*official" "warning: .*rows were rejected" \
    "warning: .*not in the units registry" "Pasal 4(1)l verifikator *ok" \
    "unknown unit '<script>alert(1)</script>'"; do
    grep -q "$w" "$d/summary.txt" && ok "summary: $w" ||
        not_ok "summary: $w"
done
# The summary says what the report's cover says.
$PY - "$d/year.xlsx" "$d/summary.txt" <<'PYEOF'
import re, sys, openpyxl
cover = {r[0]: r[1] for r in openpyxl.load_workbook(sys.argv[1])[
    "Ringkasan"].iter_rows(values_only=True) if r[0]}
text = open(sys.argv[2]).read()
bad = False
def fig(label, i=0):
    return int(re.findall(r"\d+", re.search(label + r" +(.*)", text)[1])[i])
for cov, label, i in (("Penandatanganan berhasil", "signings", 0),
                      ("Penandatanganan gagal", "signings", 1),
                      ("Segel berhasil", "seals", 0),
                      ("Segel gagal", "seals", 1),
                      ("Penandatangan Aktif (orang)",
                       r"people \(active signers\)", 0),
                      ("Sertifikat Aktif", "active certificates", 0),
                      ("Jumlah verifikator", r"Pasal 4\(1\)l verifikator", 0)):
    got = fig(label, i)
    bad = bad or got != cover[cov]
    print("%sok - summary %s equals the cover's %s (%s)" % (
        "" if got == cover[cov] else "not ", label.replace("\\", ""), cov,
        got))
sys.exit(1 if bad else 0)
PYEOF
test $? = 0 || failed=1
"$TTE_BIN/tte-render" --db "$db" --config "$TOP/conf/tte-report.json" \
    --year 2025 --out "$d/n.xlsx" 2>"$d/nosum.txt"
same "render without a terminal succeeds" $? 0
nonempty "render without a terminal writes its report" "$d/n.xlsx"
grep -q summary "$d/nosum.txt" && not_ok "no summary when not a terminal" ||
    ok "no summary when not a terminal"

# tte-report with "html": true writes the HTML beside the workbook and
# ends with one summary (the render stages print none of their own).
$PY - "$TOP/conf/tte-report.json" "$d" <<'PYEOF' || not_ok "writing the tte-report configuration failed"
import json, sys
c = json.load(open(sys.argv[1]))
d = sys.argv[2]
c.update(database=d + "/batch.db", output_dir=d + "/out", html=True)
c["sources"] = [{"source": s, "files": [d + "/" + s + ".csv"]} for s in
                ("units", "apps", "certificates", "verifikator")]
c["sources"] += [{"source": "csv", "files": [d + "/logs/*.csv",
                                             d + "/hostile.csv"]}]
json.dump(c, open(d + "/batch.json", "w"), indent=1)
PYEOF
status 0 "tte-report with \"html\": true" "$TTE_BIN/tte-report" \
    --config "$d/batch.json" --year 2025
cp "$TMP/out" "$d/batch.txt"
check "tte-report: the XLSX" test -s "$d/out/Laporan-TTE-BPIP-2025.xlsx"
same "tte-report: the HTML beside it, mode 0600" \
    "$(stat -c %a "$d/out/Laporan-TTE-BPIP-2025.html")" 600
same "tte-report: one summary, after the done line" \
    "$(grep -c 'summary of 2025' "$d/batch.txt"),$(grep -n 'done:\|summary of' "$d/batch.txt" | cut -d: -f3 | tr -d ' ' | tr '\n' ,)" \
    "1,done,summaryof2025,"
grep -q "tte-report: warning: .*units registry" "$d/batch.txt" &&
    ok "tte-report: warnings end the summary" ||
    not_ok "tte-report: warnings end the summary"

# make test installs chromium: without it the browser checks fail, they
# are not skipped.
if ! command -v chromium >/dev/null 2>&1; then
    not_ok "chromium is installed (make test-deps installs it)"
    rm -rf "$d"
    finish
fi
prof=$(mktemp -d "$TMP/chromium.XXXXXX")
browse() {
    HOME=$prof timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$prof" \
        "$@" 2>>"$TMP/chromium.log"
}

browse --dump-dom "file://$d/year.html" >"$d/year.dom"
$PY "$TOP/tests/e2e/check_html.py" compare "$d/year.dom" "$d/year.xlsx" \
    "$tpl" >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&year: /' "$TMP/check"
browse --dump-dom "file://$d/q2.html" >"$d/q2.dom"
$PY "$TOP/tests/e2e/check_html.py" compare "$d/q2.dom" "$d/q2.xlsx" \
    "$tpl" --preview >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&Q2: /' "$TMP/check"
for r in ringkas ringkas-q2; do
    browse --dump-dom "file://$d/$r.html" >"$d/$r.dom"
    pv=; test "$r" = ringkas-q2 && pv=--preview
    $PY "$TOP/tests/e2e/check_html.py" compare "$d/$r.dom" "$d/$r.xlsx" \
        "$TOP/templates/ringkas.json" $pv >"$TMP/check" 2>&1 || failed=1
    sed "s/^\(not \)*ok - /&$r: /" "$TMP/check"
done
$PY "$TOP/tests/e2e/check_html.py" hostile "$d/year.dom" \
    '<script>alert(1)</script>' '"><img src=x onerror=alert(2)>' \
    '<script>alert(3)</script>' '"><img src=x onerror=alert(4)>' \
    "<i>'&amp;\"</i>" '</td><b onmouseover=alert(5)>Eve</b>' \
    >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&escaping: /' "$TMP/check"

# The CSP, tried: a script, an inline handler, a remote script and image
# injected into the file. With the policy nothing runs and nothing is
# fetched; without it (the control) the same page runs and fetches.
port=$($PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
mkdir -p "$d/www"
(cd "$d/www" && exec $PY -m http.server "$port" --bind 127.0.0.1) \
    2>"$d/www.log" >/dev/null &
web=$!
trap 'kill $web 2>/dev/null' EXIT
inject="<script>document.body.setAttribute('data-pwned','script')</script>"
inject="$inject<img src=\"http://127.0.0.1:$port/leak-img\" onerror=\"document.body.setAttribute('data-pwned','handler')\">"
inject="$inject<script src=\"http://127.0.0.1:$port/leak-script.js\"></script>"
sed "s|<body>|<body>$inject|" "$d/year.html" >"$d/inject.html"
grep -v 'Content-Security-Policy' "$d/inject.html" >"$d/control.html"
sleep 1
grep -q "leak-script.js" "$d/inject.html" && ok "CSP: the injection is in the page" ||
    not_ok "CSP: the injection is in the page"
browse --dump-dom "file://$d/inject.html" >"$d/inject.dom"
grep -q '<body' "$d/inject.dom" && ok "CSP: the browser dumped the page" ||
    not_ok "CSP: the browser dumped the page"
grep -q '<body[^>]*data-pwned' "$d/inject.dom" && not_ok "CSP: an injected script ran" ||
    ok "CSP: injected script and handler do not run"
curl -s -o /dev/null "http://127.0.0.1:$port/alive-probe"
grep -q 'alive-probe' "$d/www.log" && ok "CSP: the web server logs requests" ||
    not_ok "CSP: the web server logs requests"
grep -q 'leak' "$d/www.log" && not_ok "CSP: the page made a request" ||
    ok "CSP: no request leaves the page"
browse --dump-dom "file://$d/control.html" >"$d/control.dom"
grep -q '<body[^>]*data-pwned' "$d/control.dom" && grep -q 'leak' "$d/www.log" &&
    ok "control: without the CSP the same injection runs and fetches" ||
    not_ok "control: the injection did not run without the CSP"
kill $web 2>/dev/null

# Looked at: a desktop and a 360 px phone screenshot (kept in TMP).
browse --window-size=1280,2400 --screenshot="$d/desktop.png" \
    "file://$d/year.html" >/dev/null
browse --window-size=360,2400 --screenshot="$d/phone.png" \
    "file://$d/year.html" >/dev/null
check "screenshots taken" test -s "$d/desktop.png" -a -s "$d/phone.png"
same "every table is in a sideways-scrolling wrapper" \
    "$(grep -c '<div class="scroll"><table class="data' "$d/year.html")" \
    "$(grep -c '<table class="data' "$d/year.html")"

browse --no-pdf-header-footer --print-to-pdf="$d/year.pdf" \
    "file://$d/year.html" >/dev/null
same "printed on A4 landscape" \
    "$(pdfinfo "$d/year.pdf" | sed -n 's/^Page size: *//p')" \
    "841.92 x 594.96 pts (A4)"
pages=$(pdfinfo "$d/year.pdf" | sed -n 's/^Pages: *//p')
sheets=$($PY -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sheets']))" "$tpl")
check "a page or more per sheet ($pages pages)" test "$pages" -ge "$sheets"
pdftotext -layout "$d/year.pdf" "$d/year.txt"
$PY "$TOP/tests/e2e/check_html.py" pdf "$d/year.txt" "$d/year.dom" \
    >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&print: /' "$TMP/check"
total=$(q "$db" "SELECT sum(ok) FROM agg_app WHERE period = '2025'" |
    sed ':a;s/\([0-9]\)\([0-9]\{3\}\)\($\|\.\)/\1.\2\3/;ta')
grep -q "Total.* $total " "$d/year.txt" &&
    ok "print: Per Aplikasi total $total is on the page" ||
    not_ok "print: Per Aplikasi total $total"
rm -rf "$prof"
# Kept after a failure, to look at (the screenshots too).
test "$failed" = 0 && rm -rf "$d"
finish
