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
            # A table without rows is one line, its "empty" text, and no
            # header row.
            if b.get("empty") in cells:
                continue
            # A block with "when" may rightly be absent.
            for c in b.get("columns", []) if "when" not in b else []:
                # Headers with placeholders ("{period_label}") are expanded;
                # an "optional" column empty on every row is not printed.
                if "{" not in c["header"] and c["header"] not in cells and \
                        not c.get("optional"):
                    check(False, "%s has header %r" % (s["name"], c["header"]))
        tables = [b for b in s["blocks"]
                  if b["type"] == "table" and not b.get("plain")]
        if tables:
            check(ws.freeze_panes is not None, "%s header frozen" % ws.title)
            check(ws.auto_filter.ref is not None, "%s autofilter" % ws.title)
            # A header repeated above another table would mislabel it,
            # and above a page without the table (a chart carried over)
            # it says nothing: it repeats when the sheet's one table goes
            # on to another page, a manual break (after row id) falling
            # between its header row and its last (the rows after the
            # header up to the first empty one).
            head = ws[ws.freeze_panes].row - 1 if ws.freeze_panes else 0
            end = head
            while any(c.value is not None for c in ws[end + 1]):
                end += 1
            spans = any(head <= b.id < end for b in ws.row_breaks.brk)
            check((ws.print_title_rows is not None) ==
                  (len(tables) == 1 and spans),
                  "%s header repeats on print only with one table going "
                  "on to another page (%d tables, rows %d-%d, breaks %s)"
                  % (ws.title, len(tables), head, end,
                     [b.id for b in ws.row_breaks.brk][:4]))
        # A fixed scale of at least 73 %: no text below 8 points.
        check(str(ws.page_setup.paperSize) == "9" and
              not ws.sheet_properties.pageSetUpPr.fitToPage and
              73 <= (ws.page_setup.scale or 100) <= 100,
              "%s A4, printed at %s %%" % (ws.title, ws.page_setup.scale))
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
        if k == "signers_active":
            continue
        check(total and total[h] == sum(v[k] for v in want_units.values()),
              "Per Unit Kerja Total %s" % h)
    # People, not identifiers: the Total is distinct over the period.
    check(total and total["Penandatangan Aktif"] == counts["signers_active"],
          "Per Unit Kerja Total Penandatangan Aktif = distinct people "
          "(%s, want %d)" % (total and total["Penandatangan Aktif"],
                             counts["signers_active"]))

    # The cover: every figure against the generator's people and
    # certificates.
    cover = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True)
             if r and isinstance(r[0], str) and len(r) > 1}
    for label, want in (("Penandatangan Aktif (orang)",
                         counts["signers_active"]),
                        ("Sertifikat Aktif", counts["certs_active"]),
                        ("Penandatanganan berhasil",
                         counts["totals"]["sign_ok"]),
                        ("Penandatanganan gagal",
                         counts["totals"]["sign_fail"]),
                        ("Segel berhasil", counts["totals"]["seal_ok"]),
                        ("Segel gagal", counts["totals"]["seal_fail"]),
                        ("Data sertifikat per", counts["registry_date"])):
        check(cover.get(label) == want, "Ringkasan %s = %r (got %r)" %
              (label, want, cover.get(label)))
    prose = " ".join(str(r[0]) for r in
                     wb["Ringkasan"].iter_rows(values_only=True) if r[0])
    for word in ("Sertifikat Aktif =", "Penandatangan Aktif =",
                 "Satu penggunaan =", "00.00 WIB"):
        check(word in prose, "Ringkasan defines %r" % word)
    check("%d penandatangan yang tidak ada di registri" %
          counts["unknown_signers"] in prose,
          "Ringkasan data-quality line counts unknown signers")
    # No sample document was checked in these data: no application in use
    # is terbukti, whatever the registry claims.
    used = [a for a, v in counts["apps"].items() if v["ok"] + v["fail"]]
    check("Pasal 4 ayat (1) huruf j belum terbukti untuk %d dari %d "
          "aplikasi" % (len(used), len(used)) in prose,
          "Ringkasan: none of the %d applications in use is terbukti "
          "without samples" % len(used))
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

    # Sertifikat Perlu Tindakan: one row per certificate, the right
    # reasons, uses split into berhasil and gagal.
    hdr, rows, total = table(wb["Sertifikat Perlu Tindakan"], "No")
    serials = [r["Nomor Seri"] for r in rows]
    check(len(serials) == len(set(serials)),
          "Perlu Tindakan: no certificate twice")
    want = counts["action"]
    check(sorted(serials) == sorted(want),
          "Perlu Tindakan lists exactly the certificates that need action "
          "(%d, want %d)" % (len(serials), len(want)))
    words = {"invalid": "Digunakan setelah",
             "undated": "tanggal pencabutan tidak tercatat - periksa",
             "expiring": "Berakhir dalam 90 hari",
             "unused": "Tidak digunakan"}
    bad = []
    for r in rows:
        w = want.get(r["Nomor Seri"])
        if not w:
            continue
        got = sorted(k for k, t in words.items() if t in r["Alasan"])
        if got != sorted(w["reasons"]) or (r["Berhasil"], r["Gagal"]) != \
                (w["ok"], w["fail"]):
            bad.append((r["Nomor Seri"], got, w["reasons"]))
        if "invalid" in w["reasons"] and \
                "%d berhasil, %d gagal" % (w["invalid_ok"],
                                           w["invalid_fail"]) \
                not in r["Alasan"]:
            bad.append((r["Nomor Seri"], "invalid uses", r["Alasan"]))
        if r["Status"] in ("RENEW", "REVOKE", "SUSPEND") and \
                "Ajukan pembaruan" in r["Tindakan"]:
            bad.append((r["Nomor Seri"], r["Status"], r["Tindakan"]))
    check(not bad, "Perlu Tindakan reasons, uses and advice %s" % bad[:3])

    # Kualitas Data: log files only, every column adds up, no path.
    hdr, rows, total = table(wb["Kualitas Data"], "Sumber")
    got = {r["Berkas"]: r for r in rows}
    check(all("/" not in r["Berkas"] and "\\" not in r["Berkas"]
              for r in rows), "Kualitas Data shows file names, no path")
    for f in exp["files"]:
        r = got.get(f["file"].split("/")[-1])
        check(r and (r["Dibaca"], r["Disaring"], r["Diterima"],
                     r["Duplikat"], r["Ditolak"]) ==
              (f["read"], f["filtered"], f["accepted"], f["duplicates"],
               f["rejected"]), "Kualitas Data %s" % f["file"])
        check(r and r["Dibaca"] == r["Disaring"] + r["Diterima"] +
              r["Duplikat"] + r["Ditolak"],
              "read = filtered + accepted + duplicates + rejected")
    check(len(rows) == len(exp["files"]),
          "Kualitas Data lists log files only, registries apart")
    check(total and total["Dibaca"] == sum(f["read"] for f in exp["files"])
          and total["Disaring"] == sum(f["filtered"] for f in exp["files"]),
          "Kualitas Data Total is log rows only")
    check(total and total["Penggunaan dalam Periode"] == counts["events"],
          "Kualitas Data events in the period = %d" % counts["events"])
    hdr, rows, total = table(wb["Kualitas Data"], "Registri")
    check(sorted(r["Registri"] for r in rows) ==
          ["Aplikasi", "Sertifikat", "Unit kerja", "Verifikator"],
          "Kualitas Data lists the registries in their own table")
    hdr, rows, total = table(wb["Kualitas Data"], "NIK")
    rows = [r for r in rows if isinstance(r["Berhasil"], int)]
    check(len(rows) == counts["unknown_signers"] and
          sum(r["Berhasil"] + r["Gagal"] for r in rows) ==
          counts["unknown_signer_events"],
          "Kualitas Data lists signers not in the registry")

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
