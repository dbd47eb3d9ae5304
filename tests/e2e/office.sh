#!/bin/sh
# The report on paper: LibreOffice Calc converts it to PDF headless, and the
# PDF is read back (pdftotext, pdfinfo): pages per sheet, the one-page
# summary, Indonesian numbers and words, the charts' month labels on the
# chart's page. Two years of generated data: last year beside this year,
# the change columns against the generator's counts.
. "$(dirname "$0")/lib.sh"
plan 55

if ! command -v soffice >/dev/null 2>&1; then
    echo "# libreoffice not installed (apt-get install libreoffice-calc-nogui)"
    finish
fi
d=$TMP/office db=$TMP/office/report.db
rm -rf "$d"
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d/y2024" --seed 4 --events 1500 --year 2024 \
    >/dev/null
$PY "$TOP/samples/gen.py" "$d/y2025" --seed 5 --events 1500 --year 2025 \
    >/dev/null
collect_all "$d/y2024" "$db" >/dev/null || not_ok "collect 2024"
collect_all "$d/y2025" "$db" >/dev/null || not_ok "collect 2025"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 4
render() {
    "$TTE_BIN/tte-render" -q --db "$db" --config "$TOP/conf/tte-report.json" \
        --as-of 2026-01-05T10:00:00 "$@"
}
check "render the year" render --year 2025 --out "$d/year.xlsx"
check "render the Q4 preview after the year ended" render --year 2025 \
    --quarter 4 --out "$d/q4.xlsx"
check "render ringkas" render --year 2025 --template ringkas \
    --out "$d/ringkas.xlsx"
check "render ringkas, Q4 preview" render --year 2025 --quarter 4 \
    --template ringkas --out "$d/ringkas-q4.xlsx"
"$TTE_BIN/tte-render" -q --db "$db" --config "$TOP/conf/tte-report.json" \
    --as-of 2025-11-15T10:00:00 --year 2025 --quarter 4 --out "$d/q4-early.xlsx"
# Only 2025's data: no last year to set beside.
collect_all "$d/y2025" "$d/alone.db" >/dev/null || not_ok "collect 2025 alone"
"$TTE_BIN/tte-aggregate" -q --db "$d/alone.db" --year 2025
"$TTE_BIN/tte-render" -q --db "$d/alone.db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/alone.xlsx"

# A private profile: no clash with a running LibreOffice or another test.
for f in year q4 ringkas ringkas-q4; do
    HOME=$d timeout 180 soffice -env:UserInstallation="file://$d/lo-profile" \
        --headless --convert-to pdf --outdir "$d" "$d/$f.xlsx" \
        >>"$TMP/lo.log" 2>&1
    check "LibreOffice converts $f.xlsx to PDF" test -s "$d/$f.pdf"
done

$PY - "$d" "$TOP/templates/default.json" <<'PYEOF'
import json, re, subprocess, sys

d, tpl_path = sys.argv[1:3]
tpl = json.load(open(tpl_path))
months = tpl["labels"]["months"]
failed = 0


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    failed |= not cond


def pages(pdf):
    """Text of each page (raw order), and the sheet its footer names."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
    out = []
    for i in range(1, n + 1):
        t = subprocess.run(["pdftotext", "-raw", "-f", str(i), "-l", str(i),
                            pdf, "-"], capture_output=True,
                           text=True).stdout
        m = re.search(r"Pasal 9\)\s*\n?(.*?)\s*\n?Halaman \d+ dari", t)
        out.append((m.group(1).strip() if m else "", t))
    return out


def per_sheet(pgs):
    count = {}
    for name, _ in pgs:
        count[name] = count.get(name, 0) + 1
    return count


def dotted(n):
    return "{:,}".format(n).replace(",", ".")


exp24 = json.load(open(d + "/y2024/expected.json"))
exp25 = json.load(open(d + "/y2025/expected.json"))
# Both data sets' events, by month, in each year (the new-year cut puts a
# few of each set in the other's year).
def months_of(year):
    a = exp25 if year == 2025 else exp24
    b = exp24 if year == 2025 else exp25
    out = {}
    for m in range(1, 13):
        x = a["year_counts"]["months"][str(m)]
        y = b["other_years"][str(year)]["months"][str(m)]
        out[m] = {k: x[k] + y[k] for k in x}
    return out
now, prev = months_of(2025), months_of(2024)

year = pages(d + "/year.pdf")
count = per_sheet(year)
names = [s["name"] for s in tpl["sheets"]]
check(all(n for n, _ in year), "every page names its sheet in the footer")
check(list(dict.fromkeys(n for n, _ in year)) == names,
      "every sheet printed, in order: %s" % count)
# As designed: Ringkasan on at most two pages; Per Unit Kerja and Per Bulan
# each one page (table and chart together); the small sheets one page.
for name, most in (("Ringkasan", 2), ("Per Unit Kerja", 1), ("Per Bulan", 1),
                   ("Per Aplikasi", 1), ("Kendala", 1), ("Verifikator", 1)):
    check(count.get(name, 0) <= most,
          "%s: %d page(s), at most %d" % (name, count.get(name, 0), most))

text = "\n".join(t for _, t in year)
total_ok = sum(v["ok"] for v in now.values())
check(total_ok >= 1000 and re.search(r"(?<![\d.,])%s(?![\d,])" %
                                     re.escape(dotted(total_ok)), text),
      "a count over 1000 prints with a dot: %s" % dotted(total_ok))
check(not re.search(r"\d,\d{3}(?!\d)", text),
      "no count prints with a thousands comma")
check("v_rejects" not in text, "no database words (v_rejects)")
bare = re.findall(r"(?<!\()\b(ISSUE|RENEW|REVOKE|EXPIRED|SUSPEND)\b(?!\))",
                  text)
check(not bare, "no status in upper case on its own %s" % bare[:3])
check("Aktif (ISSUE)" in text, "statuses in Indonesian with the code beside")
check("TIDAK ADA DI REGISTRI" not in text and "Penanda tangan" not in text,
      "one spelling, lower-case notes")

# Charts: the page with a chart's title holds its twelve month labels
# (the labels may come out of pdftotext in pieces).
for title in ("Penandatanganan berhasil per unit kerja",
              "Penggunaan berhasil per bulan", "Penggunaan gagal per bulan"):
    on = [t for _, t in year if title in t]
    check(len(on) == 1, "chart '%s' on one page" % title)
    if on and "bulan" in title:
        lines = on[0].split("\n")
        in_table = {m: sum(1 for l in lines if l.startswith(m + " "))
                    for m in months}
        joined = "".join(lines)
        charts = sum(joined.count(t) for t in ("Penggunaan berhasil per bulan",
                                               "Penggunaan gagal per bulan"))
        missing = [m for m in months
                   if joined.count(m) - in_table[m] < charts]
        check(not missing, "'%s': month labels on its page (missing %s)"
              % (title, missing))

# The preview: the report's title with the mark beside it; the period has
# ended (as of 5 January 2026), so the caveat says so.
q4 = pages(d + "/q4.pdf")
first = q4[0][1].replace("\n", " ")
check("Laporan Pemanfaatan Sertifikat Elektronik" in first and
      "PRATINJAU — Triwulan IV 2025" in first,
      "preview cover: report title and PRATINJAU — Triwulan IV 2025")
check("telah berakhir" in first and "sampai akhir tahun" not in first,
      "preview made after the period: its caveat says it has ended")

# A table's header row repeats on the pages the table goes on to, and
# nowhere else: on every page of Per Sertifikat (a table of many pages),
# never on a page of Per Unit Kerja after the one with its Total row (the
# chart carried to a page of its own).
for label, pgs in (("year", year), ("q4", q4)):
    cert = [t for n, t in pgs if n == "Per Sertifikat"]
    check(len(cert) > 1 and all("Nomor Seri" in t for t in cert),
          "%s: each of Per Sertifikat's %d pages repeats its header"
          % (label, len(cert)))
    unit = [t for n, t in pgs if n == "Per Unit Kerja"]
    at = next((i for i, t in enumerate(unit)
               if re.search(r"^Total \d", t, re.M)), None)
    after = unit[at + 1:] if at is not None else []
    check(at is not None and not any("Sertifikat Aktif" in t for t in after),
          "%s: Per Unit Kerja's header not repeated on its %d page(s) "
          "after the table" % (label, len(after)))

# ringkas: exactly one A4 page, also as a preview.
for f in ("ringkas", "ringkas-q4"):
    info = subprocess.run(["pdfinfo", "%s/%s.pdf" % (d, f)],
                          capture_output=True, text=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    a4 = size and sorted(round(float(x)) for x in size.groups()) == [595, 842]
    check(n == 1 and a4, "%s.pdf is one A4 page (%d, %s)" %
          (f, n, size and size.group(0)))
r = pages(d + "/ringkas.pdf")[0][1]
for want in ("PKS.14/BPIP/SU/09/2025\n", "PERJ.2372/BSSN/SU/KJ.01.02/09/2025",
             "huruf j", "huruf l", "Pejabat"):
    check(want in r, "ringkas shows %r" % want.strip())
sys.exit(1 if failed else 0)
PYEOF
test $? = 0 || failed=1

# Last year beside this year, read from the XLSX and compared with the
# generator's counts of both data sets.
$PY - "$d" <<'PYEOF'
import json, sys, openpyxl
d = sys.argv[1]
exp24 = json.load(open(d + "/y2024/expected.json"))
exp25 = json.load(open(d + "/y2025/expected.json"))


def months_of(year, quarter=0):
    a = exp25 if year == 2025 else exp24
    b = exp24 if year == 2025 else exp25
    mine = (a["quarters"][str(quarter)] if quarter else a["year_counts"])
    other = (b["other_years"][str(year)]["quarters"][str(quarter)]
             if quarter else b["other_years"][str(year)]["months"])
    return {int(m): {k: v[k] + other[m][k] for k in v}
            for m, v in mine["months"].items()}


def rows(ws, first):
    all_rows = list(ws.iter_rows(values_only=True))
    for i, r in enumerate(all_rows):
        if r and r[0] == first:
            return r, all_rows[i + 1:]
    return None, []


bad = 0
for name, quarter in (("year", 0), ("q4", 4)):
    wb = openpyxl.load_workbook("%s/%s.xlsx" % (d, name))
    now, prev = months_of(2025, quarter), months_of(2024, quarter)
    hdr, data = rows(wb["Per Bulan"], "Bulan")
    col = {h: i for i, h in enumerate(hdr)}
    got = [r for r in data if r[0] != "Total" and r[0]][:len(now)]
    want = []
    for m in sorted(now):
        n, p = now[m], prev[m]
        want.append((n["ok"], p["ok"], n["ok"] - p["ok"],
                     n["fail"], p["fail"], n["fail"] - p["fail"]))
    have = [(r[col["Berhasil"]], r[col["Berhasil 2024"]],
             r[col["Perubahan Berhasil"]], r[col["Gagal"]],
             r[col["Gagal 2024"]], r[col["Perubahan Gagal"]]) for r in got]
    ok = have == want
    bad |= not ok
    print(("ok - " if ok else "not ok - ") +
          "%s Per Bulan: this year, last year and the change equal the "
          "generator's %s" % (name, [] if ok else (have[:2], want[:2])))
    ring = {r[0]: r for r in wb["Ringkasan"].iter_rows(values_only=True)
            if r and r[0]}
    for label, k in (("Penandatanganan berhasil", "sign_ok"),
                     ("Segel berhasil", "seal_ok"),
                     ("Penandatanganan gagal", "sign_fail")):
        n = sum(v[k] for v in now.values())
        p = sum(v[k] for v in prev.values())
        r = [x for x in wb["Ringkasan"].iter_rows(values_only=True)
             if x and x[0] == label and x[2] is not None]
        ok = r and tuple(r[0][1:4]) == (n, p, n - p)
        bad |= not ok
        print(("ok - " if ok else "not ok - ") +
              "%s Ringkasan %s: %s beside %s, change %+d" %
              (name, label, n, p, n - p))
# Only 2025's data: one line says last year is missing; its columns are
# not printed at all.
wb = openpyxl.load_workbook(d + "/alone.xlsx")
texts = [str(v) for r in wb["Per Bulan"].iter_rows(values_only=True)
         for v in r if v is not None]
hdr, data = rows(wb["Per Bulan"], "Bulan")
ok = any("tidak lengkap" in t for t in texts) and \
    not any(h and ("2024" in str(h) or str(h).startswith("Perubahan"))
            for h in hdr)
bad |= not ok
print(("ok - " if ok else "not ok - ") +
      "without last year's data, one line says so and its columns are left "
      "out %s" % [h for h in hdr if h])
ring = [str(v) for r in wb["Ringkasan"].iter_rows(values_only=True)
        for v in r if v is not None]
ok = sum("tidak lengkap" in t for t in ring) == 1
bad |= not ok
print(("ok - " if ok else "not ok - ") + "Ringkasan says so in one line")
# The preview made before the period's end keeps the caveat.
wb = openpyxl.load_workbook(d + "/q4-early.xlsx")
first = " ".join(str(v) for r in wb["Ringkasan"].iter_rows(
    max_row=3, values_only=True) for v in r if v)
ok = "sampai akhir tahun" in first
bad |= not ok
print(("ok - " if ok else "not ok - ") +
      "a preview made during the period: figures may still change")
# Wrapped text gets its height: Kendala's long Saran rows are taller.
ws = openpyxl.load_workbook(d + "/year.xlsx")["Kendala"]
hdr, data = rows(ws, "Kode")
first = [i for i, r in enumerate(ws.iter_rows(values_only=True), 1)
         if r[0] == "Kode"][0]
tall = [ws.row_dimensions[first + 1 + i].height or 15
        for i, r in enumerate(data) if r[0] and r[0] != "Total"
        and len(r[3] or "") > 100]
ok = tall and all(h >= 30 for h in tall)
bad |= not ok
print(("ok - " if ok else "not ok - ") +
      "long Saran rows are at least two lines tall %s" % tall)
sys.exit(1 if bad else 0)
PYEOF
test $? = 0 || failed=1
# Last year complete: its series drawn beside this year's.
$PY "$TOP/tests/e2e/check_statements.py" charts-full "$d/year.xlsx" 2024 \
    >"$TMP/py" 2>&1 || failed=1
cat "$TMP/py"
rm -f "$TMP/py"
finish
