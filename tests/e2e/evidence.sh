#!/bin/sh
# tte-evidence on signed PDFs built for each verdict (evidence_fixtures.py):
# the recorded rows, exit codes, incremental re-runs, memory on a large
# PDF, and the Per Aplikasi cells of the rendered report.
. "$(dirname "$0")/lib.sh"

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
    --nik "$nik" --big 48 || not_ok "build the PDF fixtures"
ca=$fx/ca/bsre-roots.pem

status 65 "srikandi: some documents fail" ev -q --db "$db" --app srikandi \
    --ca "$ca" "$fx/srikandi"
status 0 "persuratan: every document ok" ev -q --db "$db" --app persuratan \
    --ca "$ca" "$fx/persuratan"
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
files = {k: v for k, v in exp["files"].items() if v["app"] != "big"}
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
# The cover warns exactly when some application used in the period has a
# sample document that is not ok.
used = {r[0] for r in rows[rows.index(hdr) + 1:]
        if r[0] and r[0] != "Total" and (r[2] or 0) + (r[3] or 0) > 0}
failing = {e["app"] for e in exp.values() if e["verdict"] != "ok"}
cover = " ".join(str(c) for r in openpyxl.load_workbook(sys.argv[1])[
    "Ringkasan"].iter_rows(values_only=True) for c in r if c)
warned = "belum membuktikan pernyataan ini" in cover
print(("ok - " if warned == bool(used & failing) else "not ok - ") +
      "Ringkasan warns about unproven evidence: %s (failing apps used: %s)"
      % (warned, sorted(used & failing)))
PYEOF
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
    "$TMP/log" "$TMP/py" "$TMP"/rss-*
finish
