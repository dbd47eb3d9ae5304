#!/usr/bin/python3
"""Reads a tte report back with openpyxl and compares it with the counts
the generator computed (expected.json). Independent of the C code: it
knows only the template's sheet/header texts and the generator's numbers.

usage: check_report.py REPORT.xlsx EXPECTED.json TEMPLATE.json [--quarter Q]
Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import json
import re
import sys

import openpyxl

failures = 0


def check(cond, what):
    global failures
    if cond:
        print("ok - %s" % what)
    else:
        failures += 1
        print("not ok - %s" % what)


def table(ws, first_header):
    """Rows of the first table whose header row starts with first_header,
    as dicts by header, plus the Total row if any."""
    rows = list(ws.iter_rows(values_only=True))
    for i, r in enumerate(rows):
        if r and r[0] == first_header:
            hdr = [h for h in r]
            data, total = [], None
            for r2 in rows[i + 1:]:
                if all(v is None for v in r2):
                    break
                d = dict(zip(hdr, r2))
                if "Total" in r2:
                    total = d
                    break
                data.append(d)
            return hdr, data, total
    return None, [], None


def all_text(wb):
    out = []
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            out += [str(v) for v in r if v is not None]
        out += [ws.oddHeader.center.text or "", ws.oddHeader.left.text or "",
                ws.oddHeader.right.text or ""]
    return out


def main():
    path, exp_path, tpl_path = sys.argv[1:4]
    quarter = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    exp = json.load(open(exp_path))
    tpl = json.load(open(tpl_path))
    counts = exp["quarters"][str(quarter)] if quarter else exp["year_counts"]
    wb = openpyxl.load_workbook(path)

    names = [s["name"] for s in tpl["sheets"]]
    check(wb.sheetnames == names, "sheets in template order: %s" % names)
    for s in tpl["sheets"]:
        ws = wb[s["name"]]
        cells = {v for r in ws.iter_rows(values_only=True) for v in r}
        for b in s["blocks"]:
            for c in b.get("columns", []):
                if c["header"] not in cells:
                    check(False, "%s has header %r" % (s["name"], c["header"]))
        if any(b["type"] == "table" for b in s["blocks"]):
            check(ws.freeze_panes is not None, "%s header frozen" % ws.title)
            check(ws.auto_filter.ref is not None, "%s autofilter" % ws.title)
            check(ws.print_title_rows is not None,
                  "%s header repeats on print" % ws.title)
        check(ws.page_setup.orientation == "landscape" and
              str(ws.page_setup.paperSize) == "9" and
              ws.sheet_properties.pageSetUpPr.fitToPage and
              ws.page_setup.fitToWidth in (None, 1),
              "%s A4 landscape, one page wide" % ws.title)
        check("Halaman &P dari &N" in (ws.oddFooter.right.text or "") +
              (ws.oddFooter.center.text or ""), "%s page footer" % ws.title)

    # Per Unit Kerja: every number against the generator.
    hdr, rows, total = table(wb["Per Unit Kerja"], "No")
    got = {r["Unit Kerja"]: r for r in rows}
    cols = {"Sertifikat Aktif": "certs_active",
            "Penandatangan Aktif": "signers_active",
            "Penandatanganan Berhasil": "sign_ok",
            "Penandatanganan Gagal": "sign_fail",
            "Segel Berhasil": "seal_ok", "Segel Gagal": "seal_fail"}
    want_units = {u: v for u, v in counts["units"].items()
                  if u in exp["units"] or
                  sum(v[k] for k in ("sign_ok", "sign_fail", "seal_ok",
                                     "seal_fail"))}
    check(set(got) == set(want_units), "Per Unit Kerja lists the units")
    bad = [(u, h, got.get(u, {}).get(h), want_units[u][k])
           for u in want_units for h, k in cols.items()
           if got.get(u, {}).get(h) != want_units[u][k]]
    check(not bad, "Per Unit Kerja counts equal the generator's %s" % bad[:3])
    for h, k in cols.items():
        check(total and total[h] == sum(v[k] for v in want_units.values()),
              "Per Unit Kerja Total %s" % h)
    check(all(isinstance(r[h], int) for r in rows for h in cols),
          "Per Unit Kerja counts are numbers")

    # Per Bulan.
    months = tpl["labels"]["months"]
    hdr, rows, total = table(wb["Per Bulan"], "Bulan")
    want = {months[int(m) - 1]: v for m, v in counts["months"].items()}
    check([r["Bulan"] for r in rows] == list(want),
          "Per Bulan lists %d months by Indonesian name" % len(want))
    mcols = {"Berhasil": "ok", "Gagal": "fail",
             "Penandatanganan Berhasil": "sign_ok",
             "Penandatanganan Gagal": "sign_fail",
             "Segel Berhasil": "seal_ok", "Segel Gagal": "seal_fail"}
    bad = [(r["Bulan"], h) for r in rows for h, k in mcols.items()
           if r[h] != want[r["Bulan"]][k]]
    check(not bad, "Per Bulan counts equal the generator's %s" % bad[:3])
    for h, k in mcols.items():
        check(total and total[h] == sum(v[k] for v in want.values()),
              "Per Bulan Total %s" % h)

    # Per Aplikasi.
    hdr, rows, total = table(wb["Per Aplikasi"], "Aplikasi")
    got = {r["Aplikasi"]: (r["Berhasil"], r["Gagal"]) for r in rows
           if r["Berhasil"] or r["Gagal"]}
    want = {a: (v["ok"], v["fail"]) for a, v in counts["apps"].items()}
    check(got == want, "Per Aplikasi counts")

    # Per Sertifikat, by serial.
    hdr, rows, total = table(wb["Per Sertifikat"], "Nomor Seri")
    got = {r["Nomor Seri"]: (r["Berhasil"], r["Gagal"]) for r in rows
           if r["Nomor Seri"]}
    want = {s: (v["ok"], v["fail"]) for s, v in counts["certs"].items()}
    check(got == want, "Per Sertifikat counts per serial")

    # Kendala.
    hdr, rows, total = table(wb["Kendala"], "Kode")
    got = {r["Kode"]: r["Jumlah"] for r in rows}
    check(got == counts["errors"], "Kendala counts per error code")
    check(all(r["Keterangan"] and r["Saran"] for r in rows),
          "Kendala explains every code")

    # Sertifikat Perlu Tindakan.
    hdr, rows, total = table(wb["Sertifikat Perlu Tindakan"], "Kategori")
    for kind, word in (("expiring", "Berakhir"),
                       ("revoked_used", "Kedaluwarsa"),
                       ("unused", "Tidak digunakan")):
        got = sorted(r["Nomor Seri"] for r in rows
                     if r["Kategori"].startswith(word))
        check(got == counts["action"][kind], "Perlu Tindakan: %s" % kind)

    # Kualitas Data.
    hdr, rows, total = table(wb["Kualitas Data"], "Sumber")
    got = {r["Berkas"].split("/")[-1]: r for r in rows}
    for f in exp["files"]:
        r = got.get(f["file"].split("/")[-1])
        check(r and (r["Dibaca"], r["Diterima"], r["Duplikat"],
                     r["Ditolak"]) == (f["read"], f["accepted"],
                                       f["duplicates"], f["rejected"]),
              "Kualitas Data %s" % f["file"])
        check(r and r["Dibaca"] == r["Diterima"] + r["Duplikat"] +
              r["Ditolak"], "read = accepted + duplicates + rejected")

    # Privacy: no NIK in clear, anywhere.
    text = all_text(wb)
    nik16 = re.compile(r"(?<!\d)\d{16}(?!\d)")
    check(not any(nik16.search(t) for t in text),
          "no 16-digit NIK unmasked anywhere")
    check(not any(exp["secret"] in t for t in text), "no secret in report")

    # Preview marks.
    marked = [ws.title for ws in wb.worksheets
              if any("PRATINJAU" in str(v) for r in ws.iter_rows(
                  values_only=True) for v in r if v)
              and "PRATINJAU" in (ws.oddHeader.center.text or "")]
    if quarter:
        check(len(marked) == len(wb.worksheets),
              "PRATINJAU on every sheet of a preview")
        check("PRATINJAU" in (wb.properties.title or ""),
              "preview title reads PRATINJAU")
    else:
        check(not any("PRATINJAU" in t for t in text),
              "a yearly report carries no PRATINJAU mark")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
