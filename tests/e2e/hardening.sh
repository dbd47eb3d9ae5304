#!/bin/sh
# Hardening outside collect: outputs never clobber inputs, hostile
# configurations and templates end in a clear error (never a crash, a
# corrupt file or a hang), personal data stays masked and private, and
# messages name the file and leave libxlsxwriter's own lines out.
. "$(dirname "$0")/lib.sh"
plan 62

d=$TMP/hard db=$TMP/hard/report.db conf=$TOP/conf/tte-report.json
rm -rf "$d"
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d" --seed 7 --events 300 >/dev/null
collect_all "$d" "$db" >/dev/null
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
# For the disk-full case at the end: a larger data set.
$PY "$TOP/samples/gen.py" "$d/big" --seed 8 --events 3000 >/dev/null
collect_all "$d/big" "$d/full.db" >/dev/null
# Renders with the default output_dir write under the current folder.
cd "$d" || exit 1
render() {
    "$TTE_BIN/tte-render" --db "$db" --year 2025 \
        --template "$TOP/templates/default.json" "$@"
}
events=$(q "$db" 'SELECT count(*) FROM events')

# --out naming an input (another spelling of the same file, or a
# hard link: same device and inode) is refused and the input survives.
# A copy is the victim, so that the checks below run on either code.
mkdir -p "$d/sub"
q "$db" "VACUUM INTO '$d/victim.db'"
status 73 "--out naming the database (another spelling) is refused" \
    render --db "$d/victim.db" --config "$conf" --out "$d/sub/../victim.db"
grep -q "is the input" "$TMP/out" && ok "the refusal names the input" ||
    not_ok "the refusal names the input"
ln "$d/victim.db" "$d/link.xlsx"
status 73 "--out naming a hard link of the database is refused" \
    render --db "$d/victim.db" --config "$conf" --out "$d/link.xlsx"
rm -f "$d/link.xlsx"
same "the database is intact" "$(q "$d/victim.db" 'PRAGMA integrity_check' 2>&1)" ok
same "the database keeps its events" \
    "$(q "$d/victim.db" 'SELECT count(*) FROM events' 2>&1)" "$events"
cp "$conf" "$d/conf.json"
status 73 "--out naming the configuration is refused" \
    render --config "$d/conf.json" --out "$d/conf.json"
cmp -s "$conf" "$d/conf.json" && ok "the configuration is intact" ||
    not_ok "the configuration is intact"

# Valid JSON that is not an object: exit 78, no double free.
for v in '[]' '"x"' 'null'; do
    printf '%s\n' "$v" >"$d/bad.json"
    status 78 "tte-render with configuration $v" render --config "$d/bad.json" \
        --out "$d/x.xlsx"
    status 78 "tte-send with configuration $v" "$TTE_BIN/tte-send" --db "$db" \
        --config "$d/bad.json" --report "$d/x.xlsx" --dry-run "$d/x.eml"
done

# Types checked, the key named; no file name leaves output_dir.
conf_with() {       # conf_with PYTHON-STATEMENT: a changed copy as $d/c.json
    $PY - "$conf" "$d/c.json" "$1" <<'PYEOF' || not_ok "writing c.json failed"
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PYEOF
}
for case in 'output_dir:c["output_dir"] = 5' 'zone:c["zone"] = 7' \
            'agency:c["agency"] = "BPIP"'; do
    key=${case%%:*}
    conf_with "${case#*:}"
    status 78 "configuration $key of the wrong type" render --config "$d/c.json"
    grep -q "c.json: $key must be" "$TMP/out" && ok "the error names $key" ||
        not_ok "the error names $key"
done
conf_with 'c["agency"]["short"] = "../../escaped"; c["output_dir"] = sys.argv[2] + ".out"'
sed 's/"file_name": "Laporan-TTE-BPIP-{year}.xlsx"/"file_name": "Laporan-TTE-{agency.short}-{year}.xlsx"/' \
    "$TOP/templates/default.json" >"$d/short.json"
status 78 "agency.short with ../ cannot leave output_dir" render \
    --config "$d/c.json" --template "$d/short.json"
test -z "$(find "$d" -name '*escaped*')" && ok "no file written outside output_dir" ||
    not_ok "no file written outside output_dir"
sed 's|"file_name": "Laporan-TTE-BPIP-{year}.xlsx"|"file_name": "../Laporan-{year}.xlsx"|' \
    "$TOP/templates/default.json" >"$d/up.json"
status 78 "template file_name with ../ is refused" render --config "$d/c.json" \
    --template "$d/up.json"
TTE_BUSY_TIMEOUT_MS=abc status 78 "TTE_BUSY_TIMEOUT_MS=abc is an error" \
    "$TTE_BIN/tte-aggregate" --db "$db" --year 2025
grep -q "TTE_BUSY_TIMEOUT_MS" "$TMP/out" && ok "the error names TTE_BUSY_TIMEOUT_MS" ||
    not_ok "the error names TTE_BUSY_TIMEOUT_MS"

# Control characters and invalid UTF-8 in the configuration are
# cleaned like cell text; a page header over 255 characters is cut, with
# a warning, instead of vanishing.
conf_with 'c["agency"]["name"] = "Badan\x01Pembinaan\x1b Ideologi"; c["agency"]["short"] = "BP\x07IP" + "x" * 300'
printf '%s' "$(cat "$d/c.json")" | $PY -c "
import sys; b = sys.stdin.buffer.read()
sys.stdout.buffer.write(b.replace(b'Ideologi', b'Ideolog\xff'))" >"$d/c2.json"
status 0 "control characters and invalid UTF-8 in the configuration" \
    render --config "$d/c2.json" --out "$d/ctl.xlsx"
grep -q "header is longer than Excel's 255 characters" "$TMP/out" &&
    ok "a page header over 255 characters is cut with a warning" ||
    not_ok "a page header over 255 characters is cut with a warning"
$PY - "$d/ctl.xlsx" <<'PYEOF' || not_ok "checking ctl.xlsx failed"
import sys, zipfile, openpyxl
def ok(c, what):
    print(("ok - " if c else "not ok - ") + what)
try:
    wb = openpyxl.load_workbook(sys.argv[1])
    ok(True, "the XLSX opens")
except Exception as e:
    ok(False, "the XLSX opens: %s" % e)
    sys.exit(0)
creator = wb.properties.creator or ""
ok(creator == "BadanPembinaan Ideolog\\xFF", "document properties cleaned: %r" % creator)
h = wb.worksheets[0].oddHeader.left.text or ""
ok(0 < len(h) <= 255 and h.startswith("BPIP"), "page header kept, cut to %d" % len(h))
z = zipfile.ZipFile(sys.argv[1])
bad = [n for n in z.namelist() if any(c in z.read(n) for c in (b"\x01", b"\x07", b"\x1b"))]
ok(not bad, "no control characters in any part %s" % bad)
PYEOF

# Template queries: more rows than a sheet, a runaway recursive
# CTE, and text after ';' are errors that say so.
tpl() {            # tpl FILE QUERY
    $PY - "$1" "$2" <<'PYEOF' || not_ok "writing the template $1 failed"
import json, sys
t = {"title": "T", "file_name": "t-{year}.xlsx",
     "file_name_preview": "t-{year}-{quarter}.xlsx",
     "labels": {"months": ["Januari", "Februari", "Maret", "April", "Mei",
                           "Juni", "Juli", "Agustus", "September", "Oktober",
                           "November", "Desember"]},
     "preview": {"title": "P", "mark": "PRATINJAU", "header": "P"},
     "sheets": [{"name": "Data", "blocks": [{"type": "table",
                 "query": sys.argv[2],
                 "columns": [{"header": "Nilai"}, {"header": "NIK"}]}]}]}
json.dump(t, open(sys.argv[1], "w"))
PYEOF
}
tpl "$d/big.json" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1048580) SELECT i, '' FROM n"
status 78 "a query beyond 1,048,576 rows is an error" render --config "$conf" \
    --template "$d/big.json" --out "$d/big.xlsx"
grep -q "more rows than a sheet holds" "$TMP/out" && ok "says the sheet is full" ||
    not_ok "says the sheet is full"
nonempty "the oversized template was written" "$d/big.json"
test ! -e "$d/big.xlsx" && ok "no cut report written" || not_ok "no cut report written"
tpl "$d/loop.json" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*), '' FROM n"
t0=$(date +%s)
TTE_QUERY_TIMEOUT=2 status 78 "a recursive CTE without a limit stops (TTE_QUERY_TIMEOUT=2)" \
    timeout 60 "$TTE_BIN/tte-render" --db "$db" --year 2025 --config "$conf" \
    --template "$d/loop.json" --out "$d/loop.xlsx"
t1=$(date +%s)
test $((t1 - t0)) -lt 30 && ok "stopped after $((t1 - t0)) s" || not_ok "stopped after $((t1 - t0)) s"
grep -q "ran longer than 2 s" "$TMP/out" && ok "says the query ran too long" ||
    not_ok "says the query ran too long"
tpl "$d/tail.json" "SELECT 1, ''; DELETE FROM events"
status 78 "text after ';' in a template query is an error" render \
    --config "$conf" --template "$d/tail.json" --out "$d/tail.xlsx"
grep -q "text after ';'" "$TMP/out" && ok "says so" || not_ok "says so"
tpl "$d/comment.json" "SELECT 1, ''; -- a comment"
status 0 "a comment after ';' is fine" render --config "$conf" \
    --template "$d/comment.json" --out "$d/comment.xlsx"

# A template cannot show NIKs by not calling them "nik": a column
# headed NIK masks 16 digits, any valid NIK in any text cell is masked.
tpl "$d/nik.json" "SELECT 'pemohon ' || nik, nik FROM v_events WHERE nik IS NOT NULL LIMIT 20"
status 0 "a template selecting NIK as text" render --config "$conf" \
    --template "$d/nik.json" --out "$d/nik.xlsx"
status 0 "--unmask-nik" render --config "$conf" --template "$d/nik.json" \
    --out "$d/nik-full.xlsx" --unmask-nik
$PY - "$d/nik.xlsx" "$d/nik-full.xlsx" "$db" <<'PYEOF' || not_ok "checking the NIK masking in nik.xlsx failed"
import re, sqlite3, sys, openpyxl
def ok(c, what):
    print(("ok - " if c else "not ok - ") + what)
niks = {r[0] for r in sqlite3.connect(sys.argv[3]).execute(
    "SELECT nik FROM v_events WHERE nik IS NOT NULL")}
def cells(p):
    ws = openpyxl.load_workbook(p)["Data"]
    return [str(c.value) for row in ws.iter_rows(min_row=2) for c in row
            if c.value is not None]
masked, full = cells(sys.argv[1]), cells(sys.argv[2])
ok(len(masked) >= 2 and not any(n in c for c in masked for n in niks),
   "no NIK in full in %d cells" % len(masked))
ok(all(re.search(r"\d{4}\u2022{8}\d{4}", c) for c in masked),
   "every NIK shown masked")
ok(any(n in c for c in full for n in niks), "--unmask-nik shows them")
PYEOF

# Reports, their folder and no leftovers: 0600 and 0700 under
# umask 022; the cron example sets umask 077.
conf_with 'c["output_dir"] = sys.argv[2] + ".out"'
rm -rf "$d/c.json.out"
(umask 022; render -q --config "$d/c.json") && ok "render under umask 022" ||
    not_ok "render under umask 022"
f=$(ls "$d/c.json.out"/*.xlsx)
nonempty "the report under umask 022" "$f"
same "the XLSX is created 0600 under umask 022" "$(stat -c %a "$f")" 600
same "output_dir is created 0700 under umask 022" "$(stat -c %a "$d/c.json.out")" 700
same "no temporary file left" "$(ls "$d/c.json.out" | grep -c tmp)" 0
grep -q '^[^#]*umask 077' "$TOP/contrib/crontab.example" &&
    ok "the cron example sets umask 077" || not_ok "the cron example sets umask 077"

# Every written file is recorded by content.
same "renders records the file by SHA-256" \
    "$(q "$db" "SELECT kind || ' ' || period FROM renders WHERE sha256 = '$(sha256sum "$f" | cut -c1-64)'")" \
    "final 2025"

# Messages name the file and stay ours.
status 73 "--out in a missing folder" render --config "$conf" \
    --out "$d/no/such/folder/r.xlsx"
grep -q "cannot create '$d/no/such/folder/r.xlsx'" "$TMP/out" &&
    ok "the message names the file" || not_ok "the message names the file"
grep -q "\[ERROR\]\|Usually a permissions error" "$TMP/out" &&
    not_ok "libxlsxwriter's own lines leak" || ok "no libxlsxwriter [ERROR] lines"
if command -v setpriv >/dev/null && test "$(id -u)" = 0; then
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
    as_nobody() { "$@"; }
fi
# The unprivileged user may not reach the clone (a checkout in a 0700
# folder): programs, inputs and the read-only folder go to a folder of
# their own that it can, removed afterwards.
pub=$(mktemp -d /tmp/tte-hardening.XXXXXX)
chmod 755 "$pub"
cp "$TTE_BIN/tte-aggregate" "$TTE_BIN/tte-render" "$conf" \
    "$TOP/templates/default.json" "$pub/"
mkdir -p "$pub/ro"
q "$db" "VACUUM INTO '$pub/ro/report.db'"
chmod 644 "$pub/ro/report.db" "$pub/tte-report.json" "$pub/default.json"
chmod 555 "$pub/ro"
status 73 "a database in a read-only folder" as_nobody \
    "$pub/tte-aggregate" --db "$pub/ro/report.db" --year 2025
grep -q "cannot open database '$pub/ro/report.db': " "$TMP/out" &&
    ok "the message names the database file" || not_ok "the message names the database file"
status 73 "--out in a read-only folder" as_nobody "$pub/tte-render" \
    --db "$pub/ro/report.db" --year 2025 --config "$pub/tte-report.json" \
    --template "$pub/default.json" --out "$pub/ro/r.xlsx"
grep -q "\[ERROR\]\|Usually a permissions error" "$TMP/out" &&
    not_ok "libxlsxwriter's own lines leak" || ok "no libxlsxwriter lines, read-only folder"
chmod 755 "$pub/ro"
rm -rf "$pub"
# Disk full (a file size limit): one error, no "cannot rollback".
(ulimit -f 64; trap '' XFSZ; exec "$TTE_BIN/tte-aggregate" --db "$d/full.db" \
    --year 2025) >"$TMP/out" 2>&1
rc=$?
test "$rc" != 0 && ok "disk full: aggregate fails (exit $rc)" || not_ok "disk full: aggregate fails"
nonempty "disk full: aggregate says why" "$TMP/out"
grep -q "cannot rollback" "$TMP/out" && not_ok "disk full adds 'cannot rollback'" ||
    ok "disk full: no 'cannot rollback - no transaction is active'"
cd "$TMP" && rm -rf "$d"
finish
