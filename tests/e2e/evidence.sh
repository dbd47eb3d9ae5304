#!/bin/sh
# tte-evidence on signed PDFs built for each verdict (evidence_fixtures.py):
# the recorded rows, exit codes, incremental re-runs, memory on a large
# PDF, hostile PDFs, statements no reader sees, files that are no PDF,
# and the Per Aplikasi cells of the rendered report.
. "$(dirname "$0")/lib.sh"
plan 204

d=$TMP/data db=$TMP/data/report.db fx=$TMP/fx
ev() { "$TTE_BIN/tte-evidence" "$@"; }
verdict() { q "$db" "SELECT verdict FROM v_evidence WHERE file LIKE '%/$1'"; }

$PY "$TOP/samples/gen.py" "$d" --seed 5 --events 300 --year 2025 >/dev/null
collect_all "$d" "$db" >/dev/null || not_ok "collect the data set"
# The signer's serial and NIK come from the registry, so that its unit can
# be looked up; the first whole-byte serial.
row=$($PY - "$d/certificates.csv" "$d/units.csv" <<'PYEOF'
import csv, sys
units = {}
for u in csv.DictReader(open(sys.argv[2])):
    for a in [u["code"], u["name"]] + (u.get("aliases") or "").split("|"):
        if a:
            units[a.lower()] = u["name"]
for c in csv.DictReader(open(sys.argv[1])):
    s = c["cert_serial"]
    if len(s) % 2 == 0 and s[0] != "0" and len(c["nik"]) == 16:
        print(s, c["nik"], units.get(c["unit"].lower(), c["unit"]), sep="|")
        break
PYEOF
)
serial=${row%%|*} rest=${row#*|}
nik=${rest%%|*} unit=${rest#*|}
$PY "$TOP/tests/e2e/evidence_fixtures.py" "$fx" --serial "$serial" \
    --nik "$nik" --big 48 --hostile 1024 || not_ok "build the PDF fixtures"
ca=$fx/ca/bsre-roots.pem

status 65 "srikandi: some documents fail" ev -q --db "$db" --app srikandi \
    --ca "$ca" "$fx/srikandi"
status 0 "persuratan: every document ok" ev -q --db "$db" --app persuratan \
    --ca "$ca" "$fx/persuratan"
# Statements drawn so that no reader sees them (render mode 3, white, 1 pt,
# the colour of the box under them) do not count.
ev -v --db "$db" --app visible --ca "$ca" "$fx/visible" 2>"$TMP/log"
same "visible: statements no reader sees fail" $? 65
same "poppler's message names the file" "$(grep -c "^tte-evidence: warning: \
$fx/visible/08-bad-operator.pdf: Poppler: .*Unknown operator 'zzz'" \
    "$TMP/log")" 1
same "no message of the PDF libraries without tte-evidence's prefix" \
    "$(grep -vc '^tte-evidence: ' "$TMP/log")" 0
nonempty "visible: the verbose run logged" "$TMP/log"
same "no warning from qpdf on PDFs it reads well" \
    "$(grep -c ': qpdf: ' "$TMP/log")" 0
for f in 01-invisible 02-white 03-tiny 04-background; do
    same "$f: why" "$(q "$db" "SELECT reason FROM evidence WHERE path LIKE
        '%/visible/$f.pdf'")" "statement present only as invisible text"
done
same "the agencies by short and long names: the usual statement" \
    "$(q "$db" "SELECT verdict || ',' || statement_page FROM evidence
        WHERE path LIKE '%/visible/07-short-names.pdf'")" ok,1
# Two signatures, the second by a signer outside the CA bundle; a
# /ByteRange at the edge of 64 bits.
status 65 "multi: one signature of two fails, a range overflows" ev -q --db "$db" --app multi \
    --ca "$ca" "$fx/multi"
same "the failing signature is named" "$(q "$db" "SELECT substr(reason, 1,
    39) FROM evidence WHERE path LIKE '%/two-signers.pdf'")" \
    "signature 2 of 2 (signer Penanda Lain):"
same "a /ByteRange too large to add up: no signature" "$(q "$db" "SELECT
    reason FROM evidence WHERE path LIKE '%/huge-range.pdf'")" \
    "/ByteRange points outside the file"
same "no statement anywhere: the wordings tried are named" \
    "$(q "$db" "SELECT reason LIKE '%(tried the usual and the older BSrE%'
        FROM evidence WHERE path LIKE '%/02-no-statement.pdf'")" 1
status 0 "--help" ev --help
status 64 "no --app" ev --db "$db" --ca "$ca" "$fx/persuratan"
status 64 "no file" ev --db "$db" --app x --ca "$ca"
status 66 "missing folder" ev --db "$db" --app x --ca "$ca" "$fx/nope"
status 78 "missing CA bundle" ev --db "$db" --app x --ca "$fx/nope.pem" \
    "$fx/persuratan"
printf 'not a certificate\n' >"$fx/junk.pem"
status 78 "CA bundle without a certificate" ev --db "$db" --app x \
    --ca "$fx/junk.pem" "$fx/persuratan"
same "failed runs record nothing" \
    "$(q "$db" "SELECT count(*) FROM evidence WHERE app = 'x'")" 0

# Every row against what its fixture was built to be.
$PY - "$db" "$fx" "$unit" >"$TMP/py" 2>&1 <<'PYEOF'
import hashlib, json, re, sqlite3, sys
db, fx, unit = sys.argv[1:4]
exp = json.load(open(fx + "/expected.json"))
con = sqlite3.connect(db)
rows = {}
for r in con.execute("SELECT app, file, sha256, verdict, signer_serial,"
                     " signer_subject, issuer, statement_page, checked_at"
                     " FROM v_evidence"):
    rows[r[0] + "/" + r[1].rsplit("/", 1)[1]] = r
def say(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
files = {k: v for k, v in exp["files"].items()
         if v["app"] not in ("big", "hostile")}
say(set(rows) == set(files), "one row per fixture %s" % sorted(
    set(rows) ^ set(files)))
for name, e in sorted(files.items()):
    r = rows.get(name)
    if not r:
        continue
    app, path, sha, verdict, serial, subject, issuer, page, at = r
    say(verdict == e["verdict"], "%s: verdict %s (want %s)" % (
        name, verdict, e["verdict"]))
    say(page == e["statement_page"], "%s: statement page %s (want %s)" % (
        name, page, e["statement_page"]))
    say(serial == e["signer_serial"], "%s: signer serial %s (want %s)" % (
        name, serial, e["signer_serial"]))
    want_issuer = e["issuer_cn"]
    say((issuer is None) if want_issuer is None else
        ("CN=%s," % want_issuer) in issuer, "%s: issuer %s" % (name, issuer))
    say(sha == hashlib.sha256(open(fx + "/" + name, "rb").read()).hexdigest(),
        "%s: sha256 of the file" % name)
    say(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", at or "") is not None,
        "%s: checked_at %s" % (name, at))
nik = exp["nik"]
subjects = [r[5] for r in rows.values() if r[5]]
say(not any(nik in s for s in subjects) and
    any(nik[:4] + "\u2022" * 8 + nik[-4:] in s for s in subjects),
    "the NIK in the signer's subject is masked")
full = con.execute("SELECT in_registry, signer_unit FROM v_evidence_full"
                   " WHERE signer_serial = ? LIMIT 1",
                   (exp["signer_serial"],)).fetchone()
say(full == (1, unit), "registry: the signer's unit %s (want %s)" % (
    full, unit))
PYEOF
test $? = 0 || not_ok "the rows checker ran"
cat "$TMP/py"

# Incremental: an unchanged folder is not read again; a changed file is.
ev --db "$db" --app srikandi --ca "$ca" "$fx/srikandi" 2>"$TMP/log"
same "re-run: every document unchanged" \
    "$(grep -c '12 document(s), 2 ok, 10 not ok (12 unchanged)' "$TMP/log")" 1
cp "$fx/srikandi/03-split.pdf" "$TMP/keep.pdf"
printf '\n%% appended\n' >>"$fx/srikandi/03-split.pdf"
ev -q --db "$db" --app srikandi --ca "$ca" "$fx/srikandi"
same "a file changed after signing is checked again" \
    "$(verdict 03-split.pdf)" invalid_signature
cp "$TMP/keep.pdf" "$fx/srikandi/03-split.pdf"
ev -q --db "$db" --app srikandi --ca "$ca" "$fx/srikandi"
same "restored, it is ok again" "$(verdict 03-split.pdf)" ok
touch "$fx/srikandi/01-valid.pdf"
ev --db "$db" --app srikandi --ca "$ca" "$fx/srikandi" 2>"$TMP/log"
same "only touched: hashed, not re-checked" \
    "$(grep -c '(12 unchanged)' "$TMP/log")" 1
cat "$fx/ca/other.pem" "$ca" >"$fx/both.pem"
ev --db "$db" --app srikandi --ca "$fx/both.pem" "$fx/srikandi" 2>"$TMP/log"
same "another CA bundle: every document checked again, other CA now trusted" \
    "$(grep -c '12 document(s), 3 ok, 9 not ok (0 unchanged)' "$TMP/log")" 1
ev -q --db "$db" --app srikandi --ca "$ca" "$fx/srikandi"
mv "$fx/srikandi/02-no-statement.pdf" "$TMP/"
ev -q --db "$db" --app srikandi --ca "$ca" "$fx/srikandi"
same "a document removed from the folder is forgotten" \
    "$(verdict 02-no-statement.pdf)" ""
mv "$TMP/02-no-statement.pdf" "$fx/srikandi/"
ev -q --db "$db" --app srikandi --ca "$ca" "$fx/srikandi"

# A large PDF: the signed bytes are streamed, memory stays flat.
/usr/bin/time -f %M -o "$TMP/rss-small" "$TTE_BIN/tte-evidence" -q \
    --db "$TMP/big.db" --app small --ca "$ca" "$fx/persuratan"
/usr/bin/time -f %M -o "$TMP/rss-big" "$TTE_BIN/tte-evidence" -q \
    --db "$TMP/big.db" --app big --ca "$ca" "$fx/big"
same "48 MB PDF: verdict" "$(q "$TMP/big.db" "SELECT verdict || ',' ||
    statement_page FROM v_evidence WHERE app = 'big'")" ok,3
small=$(tail -1 "$TMP/rss-small") big=$(tail -1 "$TMP/rss-big")
if test $((big - small)) -lt 16384; then
    ok "48 MB PDF: memory ${big} KB, ${small} KB for a small one"
else not_ok "48 MB PDF: memory ${big} KB against ${small} KB"; fi

# Hostile PDFs: a content stream inflating to 1 GiB of text, form XObjects
# nested ten deep drawing text or only a line. Each is cut off at its
# limit, unreadable with the reason, and the next document is checked.
hdb=$TMP/hostile.db
/usr/bin/time -v -o "$TMP/time" "$TTE_BIN/tte-evidence" --db "$hdb" \
    --app hostile --ca "$ca" --timeout 5 "$fx/hostile" 2>"$TMP/log"
same "hostile: exit status" $? 65
hv() { q "$hdb" "SELECT verdict || ': ' || coalesce(reason, '') FROM evidence
    WHERE path LIKE '%/$1'"; }
# Which limit text drawing reaches first depends on the machine's speed.
for f in 01-bomb:"deflate bomb" 02-nest:"nested form XObjects drawing text"
do
    case $(hv "${f%%:*}.pdf") in
    "unreadable: text extraction exceeded 512 MiB" | \
    "unreadable: text extraction exceeded 5 s")
        ok "${f#*:}: $(hv "${f%%:*}.pdf")" ;;
    *) not_ok "${f#*:}: $(hv "${f%%:*}.pdf")" ;;
    esac
done
same "nested form XObjects drawing a line: over the time limit" \
    "$(hv 03-slow.pdf)" "unreadable: text extraction exceeded 5 s"
same "the batch goes on after them" "$(hv 04-valid.pdf)" "ok: "
secs=$(sed -n 's/.*Elapsed (wall clock).*: \(.*\)/\1/p' "$TMP/time" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print int(s) }')
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
# Three documents of at most 5 s each, one valid one, and start-up.
if test -n "$secs" && test "$secs" -lt 25; then
    ok "hostile: ${secs} s for three documents cut off at 5 s"
else not_ok "hostile: ${secs} s, want under 25"; fi
if test -n "$kb" && test "$kb" -lt 1048576; then
    ok "hostile: peak memory ${kb} KB, under 1 GiB"
else not_ok "hostile: peak memory ${kb} KB"; fi
same "hostile: no message without tte-evidence's prefix" \
    "$(grep -vc '^tte-evidence: ' "$TMP/log")" 0
/usr/bin/time -v -o "$TMP/time" "$TTE_BIN/tte-evidence" -q --db "$hdb" \
    --app hostile2 --ca "$ca" --max-memory 128M --timeout 60 \
    "$fx/hostile/01-bomb.pdf"
same "deflate bomb, --max-memory 128M: over the memory limit" \
    "$(q "$hdb" "SELECT reason FROM evidence WHERE app = 'hostile2'")" \
    "text extraction exceeded 128 MiB"
kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
if test -n "$kb" && test "$kb" -lt 262144; then
    ok "deflate bomb, --max-memory 128M: peak memory ${kb} KB"
else not_ok "deflate bomb, --max-memory 128M: peak memory ${kb} KB"; fi
status 64 "--timeout 0 is refused" ev --db "$hdb" --app x --ca "$ca" \
    --timeout 0 "$fx/persuratan"
status 64 "--max-memory 1K is refused" ev --db "$hdb" --app x --ca "$ca" \
    --max-memory 1K "$fx/persuratan"

# Files that are no readable PDF get a row saying why; links are followed;
# a FIFO or a device never makes the run wait.
o=$TMP/odd odb=$TMP/odd.db
mkdir -p "$o"
cp "$fx/srikandi/01-valid.pdf" "$TMP/outside.pdf"
ln -s "$TMP/outside.pdf" "$o/link.pdf"
ln -s "$TMP/nowhere.pdf" "$o/dangling.pdf"
mkfifo "$o/fifo.pdf"
status 65 "odd files: reported, not waited on" timeout 20 \
    "$TTE_BIN/tte-evidence" -q --db "$odb" --app odd --ca "$ca" "$o" \
    /dev/null
ov() { q "$odb" "SELECT verdict || ': ' || coalesce(reason, '') FROM evidence
    WHERE path = '$1'"; }
same "a link to a PDF is followed" "$(ov "$o/link.pdf")" "ok: "
same "a dangling link is reported" "$(ov "$o/dangling.pdf")" \
    "unreadable: cannot read it: No such file or directory"
same "a FIFO is reported" "$(ov "$o/fifo.pdf")" \
    "unreadable: cannot read it: a FIFO, not a regular file"
same "a device is reported" "$(ov /dev/null)" \
    "unreadable: cannot read it: a character device, not a regular file"
# A file its reader may not open: root reads anything, so the run is as
# nobody then. It may not reach the clone (a checkout in a 0700 folder):
# the program, the CA and the file go to a folder of their own that it
# can, removed afterwards (as in hardening.sh).
perm=$(mktemp -d /tmp/tte-evidence-perm.XXXXXX) && chmod 777 "$perm"
cp "$TTE_BIN/tte-evidence" "$fx/srikandi/01-valid.pdf" "$perm/"
mv "$perm/01-valid.pdf" "$perm/locked.pdf"
cp "$ca" "$perm/ca.pem" && chmod 644 "$perm/ca.pem"
chmod 000 "$perm/locked.pdf"
as=""
test "$(id -u)" = 0 && as="setpriv --reuid=65534 --regid=65534 --clear-groups"
status 65 "a file that cannot be opened: not ok" $as "$perm/tte-evidence" \
    -q --db "$perm/p.db" --app perm --ca "$perm/ca.pem" "$perm/locked.pdf"
same "a file that cannot be opened gets its row" \
    "$(q "$perm/p.db" "SELECT verdict || ': ' || reason FROM evidence")" \
    "unreadable: cannot read it: Permission denied"
rm -rf "$perm"
status 78 "a FIFO as --ca is refused at once" timeout 20 \
    "$TTE_BIN/tte-evidence" --db "$odb" --app odd --ca "$o/fifo.pdf" \
    "$fx/persuratan"
status 78 "a folder as --ca is refused" timeout 20 \
    "$TTE_BIN/tte-evidence" --db "$odb" --app odd --ca "$o" "$fx/persuratan"
{ cat "$ca"; head -c $((17 << 20)) /dev/zero; } >"$o/huge.pem"
status 78 "a CA bundle over 16 MiB is refused" \
    "$TTE_BIN/tte-evidence" --db "$odb" --app odd --ca "$o/huge.pem" \
    "$fx/persuratan"

# Per Aplikasi: evidence beside the registry's claim.
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
check "render" "$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/r.xlsx"
$PY - "$d/r.xlsx" "$fx/expected.json" >"$TMP/py" 2>&1 <<'PYEOF'
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Per Aplikasi"]
exp = json.load(open(sys.argv[2]))["files"]
rows = list(ws.iter_rows(values_only=True))
hdr = next(r for r in rows if r and r[0] == "Aplikasi")
got = {r[0]: dict(zip(hdr, r)) for r in rows[rows.index(hdr) + 1:] if r[0]}
labels = [("unreadable", "tidak terbaca"),
          ("unsigned", "tidak ditandatangani"),
          ("invalid_signature", "tanda tangan tidak sah"),
          ("not_bsre", "bukan sertifikat BSrE"),
          ("no_statement", "tanpa pernyataan")]
def want(app):
    fs = [e for e in exp.values() if e["app"] == app]
    v = [e["verdict"] for e in fs]
    bad = [x for x in v if x != "ok"]
    if not fs:
        status = "belum diperiksa"
    elif not bad:
        status = "terbukti"
    else:
        status = "tidak terbukti (%d gagal: %s)" % (len(bad), ", ".join(
            "%d %s" % (v.count(k), t) for k, t in labels if k in v))
    return {"Dokumen Diperiksa": len(fs),
            "Tanda Tangan Sah": sum(x in ("ok", "no_statement", "not_bsre")
                                    for x in v),
            "Sertifikat BSrE": sum(x in ("ok", "no_statement") for x in v),
            "Memuat Pernyataan": sum(e["statement_page"] is not None
                                     for e in fs),
            "Bukti Pasal 4(1)j": status}
for app in ("srikandi", "persuratan", "sipeg"):
    g = got.get(app, {})
    w = want(app)
    bad = {k: (g.get(k), v) for k, v in w.items() if g.get(k) != v}
    print(("ok - " if not bad else "not ok - ") +
          "Per Aplikasi %s evidence %s" % (app, bad or w["Bukti Pasal 4(1)j"]))
print(("ok - " if got.get("srikandi", {}).get("Keterangan Pasal 4(1)j")
       else "not ok - ") + "the registry's claim stays beside the evidence")
# The cover warns exactly when some application used in the period is
# not proven by its samples (one fails, or none was checked).
used = {r[0] for r in rows[rows.index(hdr) + 1:]
        if r[0] and r[0] != "Total" and (r[2] or 0) + (r[3] or 0) > 0}
checked = {e["app"] for e in exp.values()}
failing = {e["app"] for e in exp.values() if e["verdict"] != "ok"}
unproven = used - (checked - failing)
cover = " ".join(str(c) for r in openpyxl.load_workbook(sys.argv[1])[
    "Ringkasan"].iter_rows(values_only=True) for c in r if c)
warned = "Pasal 4 ayat (1) huruf j belum terbukti" in cover
print(("ok - " if warned == bool(unproven) else "not ok - ") +
      "Ringkasan warns about unproven applications: %s (%s)"
      % (warned, sorted(unproven)))
PYEOF
test $? = 0 || not_ok "the Per Aplikasi checker ran"
cat "$TMP/py"
# tte-report runs the stage for the folders its configuration lists.
$PY - "$TOP/conf/tte-report.json" "$TMP" "$d" "$fx" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
t, data, fx = sys.argv[2:5]
c["database"] = t + "/drv.db"
c["output_dir"] = t + "/reports"
c["template"] = "templates/default.json"
c["sources"] = [{"source": s, "files": [data + "/" + s + ".csv"]} for s in
                ("units", "apps", "certificates", "verifikator")]
c["sources"] += [{"source": "csv", "files": [data + "/logs/*.csv"]}]
c["evidence"] = {"ca": fx + "/ca/bsre-roots.pem",
                 "apps": {"srikandi": fx + "/srikandi",
                          "persuratan": [fx + "/persuratan/*.pdf"]}}
json.dump(c, open(t + "/drv.json", "w"), indent=1)
c["evidence"]["ca"] = fx + "/nope.pem"
json.dump(c, open(t + "/drv-bad.json", "w"), indent=1)
PYEOF
test $? = 0 || not_ok "write the driver configurations"
status 0 "tte-report with evidence folders: failing documents do not stop it" \
    "$TTE_BIN/tte-report" -q --config "$TMP/drv.json" --year 2025
same "tte-report: evidence recorded per application" \
    "$(q "$TMP/drv.db" "SELECT group_concat(app || ':' || n) FROM (SELECT app, count(*) AS n FROM v_evidence GROUP BY app ORDER BY app)")" \
    "persuratan:1,srikandi:12"
status 78 "tte-report: an unreadable CA bundle stops the batch" \
    "$TTE_BIN/tte-report" -q --config "$TMP/drv-bad.json" --year 2025
same "tte-report: the failing stage is recorded" \
    "$(q "$TMP/drv.db" "SELECT stage FROM runs ORDER BY id DESC LIMIT 1")" \
    "evidence srikandi"

rm -rf "$fx" "$d" "$TMP/big.db"* "$TMP/drv"* "$TMP/reports" "$TMP/keep.pdf" \
    "$TMP/log" "$TMP/py" "$TMP"/rss-* "$hdb"* "$odb"* "$o" "$TMP/time" \
    "$TMP/outside.pdf" "$TMP/out" "$TMP/perm"
finish
