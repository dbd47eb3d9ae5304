#!/bin/sh
# The report as a document: second template, previews, safe text,
# verifikator warning, masking, reproducible bytes, memory on big registries.
. "$(dirname "$0")/lib.sh"
plan 28

d=$TMP/data db=$TMP/data/report.db
$PY "$TOP/samples/gen.py" "$d" --seed 3 --events 800 --year 2025 >/dev/null
collect_all "$d" "$db" >/dev/null || not_ok "collect the data set"
# A unit name that a spreadsheet would take for a formula.
printf 'time,app,unit,nik,result\n2025-06-01T10:00:00+07:00,esurat,"=HYPERLINK(""http://example.invalid"",""klik"")",3171010101900001,ok\n' >"$d/formula.csv"
collect --db "$db" --source csv "$d/formula.csv"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 2
render() { "$TTE_BIN/tte-render" -q --db "$db" --config "$TOP/conf/tte-report.json" "$@"; }

check "render the year" render --year 2025 --out "$d/a.xlsx"
$PY - "$d/a.xlsx" >"$TMP/py" 2>&1 <<'PYEOF' || not_ok "checking the yearly workbook failed"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Per Unit Kerja"]
cells = [c for r in ws.iter_rows() for c in r if c.value and
         str(c.value).startswith("=HYPERLINK")]
print("ok - formula-looking text is a string cell" if cells and all(
    c.data_type == "s" for c in cells) else "not ok - formula-looking text")
ws = wb["Per Aplikasi"]
rows = {r[0]: r for r in ws.iter_rows(values_only=True)}
print("ok - app without the 4(1)j statement is flagged" if
      "Tidak ada" in (rows["sipeg"][4] or "") else "not ok - sipeg 4(1)j")
print("ok - app with the statement says so" if (rows["srikandi"][4] or
      "").endswith("keterangan dari registri aplikasi: Ada")
      else "not ok - srikandi 4(1)j")
warn = any("PERINGATAN" in str(v) for r in wb["Verifikator"].iter_rows(
    values_only=True) for v in r if v)
print("ok - two verifikator: no warning" if not warn else
      "not ok - warning with two verifikator")
p = wb.properties
print("ok - document properties" if p.creator ==
      "Badan Pembinaan Ideologi Pancasila" and "2025" in p.title and
      p.created.year == 2025 and p.created.month == 12 else
      "not ok - document properties %s %s %s" % (p.creator, p.title,
                                                   p.created))
ring = wb["Ringkasan"]
vals = [str(v) for r in ring.iter_rows(values_only=True) for v in r if v]
for want in ("PKS.14/BPIP/SU/09/2025", "PERJ.2372/BSSN/SU/KJ.01.02/09/2025",
             "1 Januari 2025 – 31 Desember 2025", "10 September 2025"):
    print(("ok - " if any(want in v for v in vals) else "not ok - ") +
          "Ringkasan shows %s" % want)
PYEOF
cat "$TMP/py"

# Fewer than two verifikator: a visible warning (Pasal 4(1)l).
head -2 "$d/verifikator.csv" >"$d/one.csv"
collect --db "$db" --source verifikator --allow-shrink "$d/one.csv"
render --year 2025 --out "$d/one.xlsx"
$PY -c "
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])['Verifikator']
t = [str(v) for r in ws.iter_rows(values_only=True) for v in r if v]
print('ok - one verifikator: warning shown' if any('PERINGATAN' in x and
      'dua' in x for x in t) else 'not ok - no warning for one verifikator')
" "$d/one.xlsx"
collect --db "$db" --source verifikator "$d/verifikator.csv"

# Reproducible: same database and template, same bytes.
SOURCE_DATE_EPOCH=1767225600 render --year 2025 --out "$d/r1.xlsx"
sleep 1
SOURCE_DATE_EPOCH=1767225600 render --year 2025 --out "$d/r2.xlsx"
check "two renders are byte-identical" cmp "$d/r1.xlsx" "$d/r2.xlsx"

# The second template: same database, other layout, no rebuild.
check "render with templates/ringkas.json" render --year 2025 \
    --template "$TOP/templates/ringkas.json" --out "$d/ringkas.xlsx"
$PY - "$d/ringkas.xlsx" "$d/expected.json" <<'PYEOF' || not_ok "checking the ringkas workbook failed"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
exp = json.load(open(sys.argv[2]))["year_counts"]["totals"]
print("ok - ringkas is one sheet" if wb.sheetnames ==
      ["Ringkasan"] else "not ok - ringkas sheets %s" % wb.sheetnames)
rows = list(wb["Ringkasan"].iter_rows(values_only=True))
total = [r for r in rows if r[0] == "Total"][0]
# Signings and seals apart; the formula-named unit adds one signing.
ok = total[1] == exp["sign_ok"] + 1 and total[2] == exp["seal_ok"] and \
    total[3] == exp["sign_fail"] + exp["seal_fail"]
print(("ok - " if ok else "not ok - ") + "ringkas totals %s" % (total,))
pairs = {r[0]: r[1] for r in rows if r[0]}
for label, want in (("Penandatanganan berhasil", exp["sign_ok"] + 1),
                    ("Segel berhasil", exp["seal_ok"]),
                    ("Nomor PKS (BPIP)", "PKS.14/BPIP/SU/09/2025"),
                    ("Nomor PKS (BSSN)",
                     "PERJ.2372/BSSN/SU/KJ.01.02/09/2025")):
    print(("ok - " if pairs.get(label) == want else "not ok - ") +
          "ringkas %s: %r" % (label, pairs.get(label)))
for word in ("huruf j", "huruf l"):
    print(("ok - " if any(word in str(k) for k in pairs) else "not ok - ") +
          "ringkas states Pasal 4 ayat (1) %s" % word)
PYEOF

# A query that fails half-way (its second row overflows) must not leave a
# shorter list in a report: exit 74, no file, the block named.
$PY - "$TOP/templates/ringkas.json" "$d/overflow.json" <<'PYEOF' || not_ok "writing overflow.json failed"
import json, sys
t = json.load(open(sys.argv[1]))
t["sheets"][0]["blocks"].append({"type": "pairs", "query":
    "SELECT x, abs(y) FROM (SELECT 'a' AS x, 1 AS y"
    " UNION ALL SELECT 'b', -9223372036854775807 - 1)"})
json.dump(t, open(sys.argv[2], "w"))
PYEOF
status 74 "a query failing while it runs" render --year 2025 \
    --template "$d/overflow.json" --out "$d/overflow.xlsx"
n=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["sheets"][0]["blocks"]) - 1)' "$d/overflow.json")
grep -q "overflow.json: sheets\[0\].blocks\[$n\]: the query failed" \
    "$TMP/out" && ok "the failing block is named" ||
    not_ok "the failing block is named"
nonempty "the failing template" "$d/overflow.json"
check "no report from a failed query" test ! -e "$d/overflow.xlsx"

# Previews: default file name, and masking switched off on request.
(cd "$d" && mkdir -p conf && cp "$TOP/conf/tte-report.json" conf/ &&
    "$TTE_BIN/tte-render" -q --db report.db --year 2025 --quarter 2 \
    --template "$TOP/templates/default.json")
check "preview default file name says pratinjau" \
    test -f "$d/out/Laporan-TTE-BPIP-2025-Triwulan-2-pratinjau.xlsx"
render --year 2025 --unmask-nik --out "$d/unmasked.xlsx"
$PY -c "
import re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
t = [str(v) for ws in wb for r in ws.iter_rows(values_only=True) for v in r if v]
print('ok - --unmask-nik shows NIK' if any(re.fullmatch(r'\d{16}', x)
      for x in t) else 'not ok - --unmask-nik')
" "$d/unmasked.xlsx"

# 100,000 certificates: Per Sertifikat in constant memory.
$PY - "$d/big.csv" <<'PYEOF' || not_ok "writing big.csv failed"
import sys
with open(sys.argv[1], "w") as f:
    f.write("nik,nip,name,position,unit,cert_type,cert_serial,not_before,"
            "not_after,status\n")
    for i in range(100000):
        f.write("31710101019%05d,,Pegawai %d,Staf,Biro Umum,individu,"
                "S%08d,2025-01-01,2027-01-01,ISSUE\n" % (i + 1, i, i))
PYEOF
collect --db "$db" --source certificates "$d/big.csv"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
$PY - "$TTE_BIN/tte-render" "$db" "$d/big.xlsx" "$TOP/conf/tte-report.json" <<'PYEOF' || not_ok "the large-report check failed"
import resource, subprocess, sys
r = subprocess.run([sys.argv[1], "-q", "--db", sys.argv[2], "--year",
                    "2025", "--config", sys.argv[4], "--out", sys.argv[3]])
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
# ASan's shadow memory and quarantine make RSS meaningless there: the
# bound holds for the plain build.
if "asan" in sys.argv[1]:
    print(("ok - " if r.returncode == 0 else "not ok - ") +
          "100,000 certificates render under ASan (memory not measured)")
else:
    print(("ok - " if r.returncode == 0 and rss < 64 else "not ok - ") +
          "100,000 certificates render in %.0f MiB (limit 64)" % rss)
PYEOF
finish
