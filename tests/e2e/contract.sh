#!/bin/sh
# doc/data-contract.md's example sheet, taken from the page itself, added
# to the default template: it renders on the sample data, for a year and
# for a quarter, and its figures are the generator's (per application and
# per month, in WIB).
. "$(dirname "$0")/lib.sh"
plan 8

d=$TMP/s db=$TMP/s/report.db
$PY "$TOP/samples/gen.py" "$d" --seed 7 --events 1200 --year 2025 >/dev/null
collect_all "$d" "$db" >/dev/null 2>&1 || not_ok "the sample data collects"
$PY - "$TOP/doc/data-contract.md" "$TOP/templates/default.json" \
    "$TMP/tpl.json" <<'PYEOF' || not_ok "the example sheet is in the page"
import json, re, sys
page = open(sys.argv[1]).read()
block = re.search(r"<!-- example-sheet -->\s*```json\n(.*?)```", page, re.S)
tpl = json.load(open(sys.argv[2]))
tpl["sheets"].append(json.loads(block.group(1)))
json.dump(tpl, open(sys.argv[3], "w"), ensure_ascii=False)
PYEOF

for qq in 0 3; do
    if test $qq = 0; then label=year; set -- ; else
        label=Q$qq; set -- --quarter $qq; fi
    "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 "$@"
    check "$label: renders with the example sheet" "$TTE_BIN/tte-render" -q \
        --db "$db" --year 2025 "$@" --config "$TOP/conf/tte-report.json" \
        --template "$TMP/tpl.json" --out "$TMP/$label.xlsx"
    $PY - "$TMP/$label.xlsx" "$d/expected.json" $qq >"$TMP/check" 2>&1 \
        <<'PYEOF' ||
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
e = json.load(open(sys.argv[2]))
q = int(sys.argv[3])
want = e["year_counts"] if q == 0 else e["quarters"][str(q)]
months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember"]
rows = [r for r in wb["Aplikasi per Bulan"].iter_rows(values_only=True)]
head = next(i for i, r in enumerate(rows) if r[:4] == ("Aplikasi", "Bulan",
                                                       "Berhasil", "Gagal"))
apps, by_month, total = {}, {}, None
for r in rows[head + 1:]:
    if r[0] == "Total":
        total = (r[2], r[3])
        break
    if r[0] is None:
        continue
    a = apps.setdefault(r[0], [0, 0])
    a[0] += r[2]
    a[1] += r[3]
    m = by_month.setdefault(months.index(r[1]) + 1, [0, 0])
    m[0] += r[2]
    m[1] += r[3]
def check(what, got, exp):
    print(("ok - %s" if got == exp else "not ok - %s: got %r, want %r")
          % ((what,) if got == exp else (what, got, exp)))
check("per application: Berhasil, Gagal",
      apps, {k: [v["ok"], v["fail"]] for k, v in want["apps"].items()
             if v["ok"] + v["fail"]})
check("per month: Berhasil, Gagal", by_month,
      {int(k): [v["ok"], v["fail"]] for k, v in want["months"].items()
       if v["ok"] + v["fail"]})
t = want["totals"]
check("Total row", total, (t["sign_ok"] + t["seal_ok"],
                           t["sign_fail"] + t["seal_fail"]))
PYEOF
        echo "not ok - the sheet could not be read" >>"$TMP/check"
    sed "s/^\(not \)*ok - /&$label: /" "$TMP/check"
    grep -q "^not ok" "$TMP/check" && failed=1
done

rm -rf "$TMP"
finish
