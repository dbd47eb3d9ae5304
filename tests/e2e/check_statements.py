#!/usr/bin/python3
"""What the report says, against the generated world (statements.sh).

usage:
  check_statements.py statements DATA FIXTURES.json REPORT.xlsx RINGKAS.xlsx
                      REPORT.html SUMMARY.txt
      each application's Pasal 4(1)j status, from the sample verdicts the
      fixtures were built with and the registry rows in DATA/apps.csv
  check_statements.py charts DATA REPORT.xlsx REPORT.html
      with last year's data partial in the generated world: no series nor
      column of it anywhere; every count axis starts at 0
  check_statements.py charts-full REPORT.xlsx PREV_YEAR
      with last year complete, Per Bulan's charts show it beside this year
  check_statements.py words DB REPORT.xlsx REPORT.html SOURCES_DIR
      no table or column name of the database, nor a built-in source key,
      in any text a reader sees
  check_statements.py figures DATA REPORT.xlsx SUMMARY.txt
      the cover's counted figures and the summary's, from the world
  check_statements.py agency-unit DATA REPORT.xlsx LOG WRITTEN
      agency.unit written WRITTEN shows as the units registry names it
  check_statements.py contradictions CERTIFICATES.csv REPORT.xlsx YEAR
      every registry status that contradicts its dates listed, with what
      it does to the figures
  check_statements.py approval CONFIG REPORT.xlsx REPORT.html final|preview
      the approval block: BELUM DIISI in red for each placeholder value,
      a tall signature row; none in a preview
  check_statements.py advice DATA REPORT.xlsx AS_OF_DAY
      an expiring certificate's advice: "sudah berakhir pada" before the
      day the report is made, "akan berakhir pada" after it
  check_statements.py verifikator REPORT.xlsx REPORT.html N
      the cover states Pasal 4(1)l for N verifikator, a red warning below 2
Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import csv
import json
import re
import sys
import zipfile
from html.parser import HTMLParser

import openpyxl

from check_report import check
import check_report

VERDICTS = [("unreadable", "tidak terbaca"),
            ("unsigned", "tidak ditandatangani"),
            ("invalid_signature", "tanda tangan tidak sah"),
            ("not_bsre", "bukan sertifikat BSrE"),
            ("no_statement", "tanpa pernyataan")]


class Visible(HTMLParser):
    """The text a reader of the page sees: not style nor script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(path):
    v = Visible()
    v.feed(open(path, encoding="utf-8").read())
    return re.sub(r"\s+", " ", " ".join(v.parts))


def cells(ws):
    return [str(c) for r in ws.iter_rows(values_only=True) for c in r
            if c is not None and c != ""]


def pct(x):
    return ("%.1f" % x).replace(".", ",") + "%"


def num(n):
    return "{:,}".format(n).replace(",", ".")


def truth(data, fixtures):
    """Per application used in 2025: name, uses, share, status, the
    failing verdicts and the registry's claim, from the generator's
    counts, the fixtures' verdicts and the registry file."""
    exp = json.load(open(data + "/expected.json"))
    reg = {r["app"]: r for r in csv.DictReader(open(data + "/apps.csv"))}
    fx = json.load(open(fixtures))["files"]
    apps = exp["year_counts"]["apps"]
    total = sum(a["ok"] + a["fail"] for a in apps.values())
    out = {}
    for app, n in apps.items():
        uses = n["ok"] + n["fail"]
        if not uses:
            continue
        v = [e["verdict"] for e in fx.values() if e["app"] == app]
        bad = [x for x in v if x != "ok"]
        status = ("belum diperiksa" if not v else
                  "terbukti" if not bad else "tidak terbukti")
        out[app] = {
            "name": reg[app]["name"] if app in reg else app,
            "uses": uses, "share": 100.0 * uses / total, "status": status,
            "checked": len(v), "failed": len(bad),
            "why": ", ".join("%d %s" % (v.count(k), t) for k, t in VERDICTS
                             if k in v),
            "registry": ("aplikasi tidak terdaftar" if app not in reg else
                         "Ada" if reg[app]["footer_statement"] == "1"
                         else "Tidak ada")}
    return out


def status_text(a):
    if a["status"] == "terbukti":
        return "terbukti: %d dokumen contoh diperiksa" % a["checked"]
    if a["status"] == "tidak terbukti":
        return "tidak terbukti: %d dari %d dokumen contoh tidak memenuhi " \
               "(%s)" % (a["failed"], a["checked"], a["why"])
    return "belum diperiksa: 0 dokumen diperiksa; keterangan dari registri " \
           "aplikasi: %s" % a["registry"]


GROUP = re.compile(r"(?:Tidak terbukti|Belum diperiksa \(0 dokumen diperiksa; "
                   r"keterangan dari registri aplikasi: ([^)]*)\)): ([^.]*)\.")


def groups_check(v, apps, where):
    """Every application not terbukti under its status (and, unchecked,
    the registry's claim), with its share of uses; none terbukti."""
    groups = dict((m.group(1) or "tidak terbukti", m.group(2))
                  for m in GROUP.finditer(v))
    for app, a in sorted(apps.items()):
        if a["status"] == "terbukti":
            continue
        key = "tidak terbukti" if a["status"] == "tidak terbukti" else \
            a["registry"]
        named = [k for k, g in groups.items() if a["name"] + " (" in g]
        detail = "%d dari %d dokumen contoh gagal; " % (
            a["failed"], a["checked"]) if a["status"] == "tidak terbukti" \
            else ""
        check(named == [key] and "%s (%s%s)" % (
            a["name"], detail, pct(a["share"])) in groups[key],
            "%s: %s under '%s'" % (where, app, key))


def cover_checks(ws, apps, where):
    texts = cells(ws)
    warn = [t for t in texts
            if t.startswith("PERINGATAN: Pasal 4 ayat (1) huruf j")]
    lacking = [a for a in apps.values() if a["status"] != "terbukti"]
    check(len(warn) == (1 if lacking else 0), "%s: one 4(1)j warning" % where)
    w = warn[0] if warn else ""
    uses = sum(a["uses"] for a in lacking)
    total = sum(a["uses"] for a in apps.values())
    check(("belum terbukti untuk %d dari %d aplikasi yang digunakan, dengan "
           "%s dari %s penggunaan (%s)." % (
               len(lacking), len(apps), num(uses), num(total),
               pct(100.0 * uses / total))) in w,
          "%s: %d of %d applications not terbukti, %d uses" % (
              where, len(lacking), len(apps), uses))
    groups_check(w, apps, where)
    proven = sorted((a for a in apps.values() if a["status"] == "terbukti"),
                    key=lambda a: (-a["uses"], a["name"]))
    want = "Terbukti: " + "; ".join("%s (%d dokumen contoh, %s penggunaan)" % (
        a["name"], a["checked"], pct(a["share"])) for a in proven) + "."
    check(not proven or want in texts, "%s: %s" % (where, want))
    for a in proven:
        check(a["name"] not in w, "%s: the warning does not name %s" % (
            where, a["name"]))


def statements(data, fixtures, xlsx, ringkas, html, summary):
    apps = truth(data, fixtures)
    check({a["status"] for a in apps.values()} ==
          {"terbukti", "tidak terbukti", "belum diperiksa"},
          "the data set has every status (%s)" % sorted(
              (k, a["status"]) for k, a in apps.items()))
    wb = openpyxl.load_workbook(xlsx)
    cover_checks(wb["Ringkasan"], apps, "Ringkasan")
    hdr, rows, _ = check_report.table(wb["Per Aplikasi"], "Aplikasi")
    got = {r["Aplikasi"]: r for r in rows}
    for app, a in sorted(apps.items()):
        k = str(got.get(app, {}).get("Keterangan Pasal 4(1)j"))
        check(k.startswith(status_text(a)), "Per Aplikasi %s: '%s'" % (
            app, k[:100]))
    # Never said to lack the statement when the samples prove it.
    proven = [a["name"] for a in apps.values() if a["status"] == "terbukti"]
    for t in cells(wb["Ringkasan"]):
        for n in proven:
            if n in t and ("Tidak ada" in t or "belum" in t.lower()):
                check(False, "Ringkasan says %s lacks it: %s" % (n, t[:120]))
    r = openpyxl.load_workbook(ringkas)["Ringkasan"]
    pair = [row[1] for row in r.iter_rows(values_only=True)
            if row[0] and str(row[0]).startswith("Pasal 4 ayat (1) huruf j")]
    v = str(pair[0]) if pair else ""
    lacking = [a for a in apps.values() if a["status"] != "terbukti"]
    want = "Belum terpenuhi: %d dari %d aplikasi belum terbukti (%s " \
        "penggunaan)" % (len(lacking), len(apps), pct(sum(
            a["share"] for a in lacking)))
    check(v == want, "ringkas: %s" % want)
    v = " ".join(t for t in cells(r) if t.startswith("Pasal 4 ayat (1) "
                                                     "huruf j ("))
    groups = dict((m.group(1) or "tidak terbukti", m.group(2)) for m in
                  re.finditer(r"(?:Tidak terbukti|Belum diperiksa, registri "
                              r"aplikasi menyatakan ([^:]*)): ([^.]*)\.", v))
    for app, a in sorted(apps.items()):
        if a["status"] == "terbukti":
            continue
        key = "tidak terbukti" if a["status"] == "tidak terbukti" else \
            a["registry"]
        named = [k for k, g in groups.items()
                 if "%s %s" % (a["name"], pct(a["share"])) in g.split("; ")]
        check(named == [key], "ringkas: %s %s under '%s'" % (
            app, pct(a["share"]), key))
    for a in apps.values():
        if a["status"] == "terbukti":
            check(a["name"] not in v, "ringkas does not name %s" % a["name"])
    # The HTML says what the workbook says.
    text = visible(html)
    for s in cells(wb["Ringkasan"]) + [
            str(r["Keterangan Pasal 4(1)j"]) for r in rows]:
        if "huruf j" in s or s.startswith("Terbukti") or any(
                s.startswith(w) for w in ("terbukti", "tidak terbukti",
                                          "belum diperiksa")):
            check(re.sub(r"\s+", " ", s) in text, "HTML: '%s'" % s[:70])
    # The terminal summary.
    log = open(summary).read()
    lacking = sorted(k for k, a in apps.items() if a["status"] != "terbukti")
    check(re.search(r"Pasal 4\(1\)j statement +NOT PROVEN \(%d of %d "
                    r"applications" % (len(lacking), len(apps)), log)
          is not None, "summary: NOT PROVEN, %d of %d" % (len(lacking),
                                                          len(apps)))
    for app, a in sorted(apps.items()):
        if a["status"] == "tidak terbukti":
            want = "%s: not proven (%d of %d samples fail)" % (
                app, a["failed"], a["checked"])
        elif a["status"] == "belum diperiksa":
            want = "%s: not checked (0 samples; registry says %s)" % (
                app, {"Ada": "present", "Tidak ada": "absent"}.get(
                    a["registry"], "not registered"))
        else:
            check(re.search(r"\b%s: not" % re.escape(app), log) is None,
                  "summary does not name %s (terbukti)" % app)
            continue
        check(want in log, "summary: %s" % want)


def figures(data, xlsx, summary):
    """The cover's counted figures, one term each, as the world has them;
    the summary's the same."""
    e = json.load(open(data + "/expected.json"))["year_counts"]
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    pairs = {r[0]: r[1] for r in ws.iter_rows(values_only=True)
             if r and r[0] and len(r) > 1}
    log = open(summary).read()
    for label, want in (
            ("Jumlah penggunaan (berhasil dan gagal)", e["events"]),
            ("Sertifikat Aktif", e["certs_active"]),
            ("Sertifikat Dicabut/Ditangguhkan tanpa tanggal (tidak dihitung"
             " aktif)", e["certs_undated"]),
            ("Penandatangan Aktif (orang)", e["signers_active"])):
        check(pairs.get(label) == want, "cover: %s = %s (got %s)" % (
            label, want, pairs.get(label)))
    check(e["certs_undated"] > 0, "the world has undated revocations")
    check(re.search(r"active certificates +%d\n" % e["certs_active"], log)
          is not None, "summary: active certificates %d" % e["certs_active"])
    texts = cells(ws)
    check(not any(re.search(r"\b[Kk]ejadian\b|\b[Tt]ransaksi\b", t)
                  for t in texts), "cover: a use is called penggunaan")


def agency_unit(data, xlsx, log, written):
    """The cover names the managing unit as the units registry does."""
    name = None
    for u in csv.DictReader(open(data + "/units.csv")):
        spell = [u["code"], u["name"]] + (u["aliases"] or "").split("|")
        if written.lower() in [x.lower() for x in spell if x]:
            name = u["name"]
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    pairs = {r[0]: r[1] for r in ws.iter_rows(values_only=True)
             if r and r[0] and len(r) > 1}
    check(name and pairs.get("Unit pengelola") == name,
          "cover: Unit pengelola '%s' for '%s' (got %s)" % (
              name, written, pairs.get("Unit pengelola")))
    check(("agency.unit '%s' is named '%s' in the units registry" % (
        written, name)) in open(log).read(), "render warns about '%s'" %
        written)


def contradictions(certs, xlsx, year):
    """Kualitas Data lists every registry row whose status contradicts
    its dates, by the rules applied here to the registry file."""
    first, last = "%s-01-01" % year, "%s-12-31" % year
    want = {}
    for c in csv.DictReader(open(certs)):
        na, st = c["not_after"], c["status"]
        if st == "EXPIRED" and na > c["snapshot_date"]:
            active = c["not_before"] <= last and na >= first
            want[c["cert_serial"]] = (
                "Status Kedaluwarsa, tetapi masa berlakunya belum berakhir",
                "Dinilai dari tanggalnya, bukan statusnya: " +
                ("dihitung sebagai Sertifikat Aktif" if active else
                 "tidak dihitung sebagai Sertifikat Aktif"))
        elif st in ("ISSUE", "RENEW") and na < first:
            want[c["cert_serial"]] = (
                "masa berlakunya berakhir sebelum periode dimulai",
                "Tidak dihitung sebagai Sertifikat Aktif")
        elif st in ("REVOKE", "SUSPEND") and not c["status_since"]:
            want[c["cert_serial"]] = (
                "tanpa tanggal pencabutan atau penangguhan",
                "Tidak dihitung sebagai Sertifikat Aktif; dihitung "
                "tersendiri" if c["not_before"] <= last and na >= first
                else "Tidak dihitung")
    kinds = {w[0] for w in want.values()}
    check(len(kinds) == 3, "the registry has every kind of contradiction "
          "(%d rows)" % len(want))
    ws = openpyxl.load_workbook(xlsx)["Kualitas Data"]
    hdr, rows, _ = check_report.table(ws, "Nomor Seri")
    got = {r["Nomor Seri"]: r for r in rows if "Pertentangan" in hdr}
    check(set(got) == set(want), "Kualitas Data lists %d contradictions "
          "(extra %s, missing %s)" % (len(want), sorted(set(got) - set(want)),
                                      sorted(set(want) - set(got))))
    for serial, (what, effect) in sorted(want.items()):
        r = got.get(serial, {})
        check(what in str(r.get("Pertentangan")) and
              str(r.get("Pengaruh pada Angka")).startswith(effect),
              "%s: '%s' / '%s'" % (serial, r.get("Pertentangan"),
                                   r.get("Pengaruh pada Angka")))


BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
         "Agustus", "September", "Oktober", "November", "Desember"]


def tanggal(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return "%d %s %d" % (d, BULAN[m - 1], y)


def approval(conf, xlsx, html, preview):
    """The approval block: absent from a preview; else every value the
    configuration leaves as a placeholder says BELUM DIISI in red, and the
    signature row is tall."""
    o = json.load(open(conf))["official"]
    placeholder = {"Nama": not o.get("name") or o.get("name") ==
                   o.get("position"), "NIP": not o.get("nip"),
                   "Jabatan": not o.get("position")}
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    text = visible(html)
    rows = list(ws.iter_rows())
    at = next((i for i, r in enumerate(rows) if r[0].value ==
               "Pengesahan: pejabat yang melaporkan"), None)
    if preview == "preview":
        check(at is None and "Pengesahan" not in text and
              "BELUM DIISI" not in text, "preview: no approval block")
        return
    check(at is not None, "the approval block is on the cover")
    block = {r[0].value: r for r in rows[at + 1:at + 6]}
    for label, ph in sorted(placeholder.items()):
        c = block.get(label, [None, None])[1]
        if ph:
            check(c is not None and c.value == "BELUM DIISI" and
                  str(c.font.color.rgb).endswith("FF0000") and c.font.b,
                  "%s: BELUM DIISI in bold red" % label)
        else:
            check(c is not None and c.value == o[{"Nama": "name", "NIP": "nip",
                  "Jabatan": "position"}[label]], "%s: %s" % (
                      label, c.value if c is not None else None))
    sign = block.get("Tanda tangan")
    h = ws.row_dimensions[sign[0].row].height if sign else None
    check(sign is not None and not sign[1].value and h and h >= 45,
          "the signature row is empty and tall (%s pt)" % h)
    n = sum(placeholder.values())
    check(text.count("BELUM DIISI") == n and
          len(re.findall(r'<td class="t missing">BELUM DIISI</td>',
                         open(html, encoding="utf-8").read())) == n,
          "HTML: BELUM DIISI %d times, marked" % n)


def advice(data, xlsx, as_of):
    """A certificate's advice depends on the day the report is made."""
    exp = json.load(open(data + "/expected.json"))["year_counts"]["action"]
    certs = {c["cert_serial"]: c for c in
             csv.DictReader(open(data + "/certificates.csv"))}
    ws = openpyxl.load_workbook(xlsx)["Sertifikat Perlu Tindakan"]
    hdr, rows, _ = check_report.table(ws, "No")
    got = {r["Nomor Seri"]: r for r in rows}
    n = {"sudah": 0, "akan": 0}
    for serial, a in sorted(exp.items()):
        c = certs[serial]
        if "expiring" not in a["reasons"] or c["status"] == "EXPIRED":
            continue
        when = "sudah" if c["not_after"] < as_of else "akan"
        n[when] += 1
        want = "Masa berlaku %s berakhir pada %s" % (when,
                                                    tanggal(c["not_after"]))
        if when == "akan" and c["status"] != "RENEW":
            want += "; ajukan pembaruan"
        t = str(got.get(serial, {}).get("Tindakan"))
        check(want in t, "%s: '%s'" % (serial, t))
    check(n["sudah"] and n["akan"], "advice of both kinds %s" % n)


def verifikator(xlsx, html, n):
    ws = openpyxl.load_workbook(xlsx)["Ringkasan"]
    text = visible(html)
    found = None
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "Pasal 4 ayat (1) huruf l" in \
                    c.value and ("terpenuhi" in c.value):
                found = c
    if n >= 2:
        want = "Pasal 4 ayat (1) huruf l terpenuhi: %d verifikator" % n
        check(found is not None and found.value.startswith(want),
              "cover: %s" % want)
    else:
        want = ("PERINGATAN: Pasal 4 ayat (1) huruf l belum terpenuhi: "
                + ("belum ada verifikator" if n == 0 else
                   "hanya %d verifikator" % n))
        check(found is not None and found.value.startswith(want),
              "cover: %s" % want)
        rgb = found.font.color.rgb if found is not None and \
            found.font.color is not None else ""
        check(str(rgb).upper().endswith("FF0000") and found.font.b,
              "cover: the 4(1)l warning is bold red like the 4(1)j one "
              "(%s)" % rgb)
    check(want in text, "HTML: %s" % want)


def charts(data, xlsx, html):
    exp = json.load(open(data + "/expected.json"))
    prev = str(exp["year"] - 1)
    months = exp["other_years"].get(prev, {}).get("months", {})
    partial = len(months) < 12 or any(
        m["ok"] + m["fail"] == 0 for m in months.values())
    check(partial, "the generated world has %s partial" % prev)
    wb = openpyxl.load_workbook(xlsx)
    z = zipfile.ZipFile(xlsx)
    names = sorted(n for n in z.namelist()
                   if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    check(len(names) >= 3, "the workbook has its charts (%d)" % len(names))
    for n in names:
        x = z.read(n).decode()
        for ax in re.findall(r"<c:valAx>.*?</c:valAx>", x, re.S):
            check('<c:min val="0"/>' in ax, "%s: value axis min 0" % n)
        for ref in re.findall(r"<c:tx><c:strRef><c:f>([^<]*)</c:f>", x):
            sheet, cell = ref.rsplit("!", 1)
            v = str(wb[sheet.strip("'")][cell.replace("$", "")].value)
            check(prev not in v, "%s: series '%s' is not %s's" % (n, v,
                                                                  prev))
    for ws in wb.worksheets:
        for t in cells(ws):
            if prev in t and (t.startswith("Berhasil") or
                              t.startswith("Gagal") or
                              t.startswith("Perubahan")):
                check(False, "%s: column '%s' printed" % (ws.title, t))
    per_bulan = [c for c in cells(wb["Per Bulan"])]
    check(not any(c.startswith("Perubahan") for c in per_bulan),
          "Per Bulan: no comparison column")
    check("Dibandingkan periode yang sama tahun lalu" not in
          cells(wb["Ringkasan"]), "Ringkasan: no comparison table")
    page = open(html, encoding="utf-8").read()
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    check(len(svgs) >= 3, "the HTML has its charts (%d)" % len(svgs))
    for i, g in enumerate(svgs):
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", g)
        ticks = [t for t in texts if re.fullmatch(r"[\d.]+", t)]
        check(ticks[:1] == ["0"], "SVG %d: the count axis starts at 0 (%s)"
              % (i + 1, ticks[:3]))
        check(not any(prev in t for t in texts),
              "SVG %d: no %s series" % (i + 1, prev))
    check(not re.search(r"<th[^>]*>[^<]*%s" % prev, page),
          "HTML: no %s column" % prev)


def schema_names(db):
    """Every table, view and column name of the database."""
    import sqlite3
    con = sqlite3.connect(db)
    names = set()
    for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type IN"
                            " ('table', 'view') AND name NOT LIKE 'sqlite_%'"):
        names.add(n)
        for col in con.execute("SELECT name FROM pragma_table_info(?)",
                               (n,)):
            names.add(col[0])
    return names


def builtin_sources(db, defs):
    """The source keys of built-in readers the files were collected
    with: every source that is not a definition in defs."""
    import os
    import sqlite3
    own = {f[:-5] for f in os.listdir(defs) if f.endswith(".json")}
    con = sqlite3.connect(db)
    return {s for (s,) in con.execute("SELECT DISTINCT source FROM files")
            if s not in own}


def words(db, xlsx, html, defs):
    names = schema_names(db)
    check(len(names) > 100, "%d schema names read" % len(names))
    src = builtin_sources(db, defs)
    check({"csv", "jsonl"} <= src, "built-in source keys %s" % sorted(src))
    names |= src | {"snapshot"}
    texts = []
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        texts += [(ws.title, t) for t in cells(ws)]
        texts += [(ws.title + " header", h.text or "") for h in (
            ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right,
            ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)]
    z = zipfile.ZipFile(xlsx)
    for n in z.namelist():
        if n.startswith("xl/charts/"):
            texts += [(n, t) for t in re.findall(r"<a:t>([^<]*)</a:t>",
                                                 z.read(n).decode())]
    texts.append(("HTML", visible(html)))
    # Indonesian words that happen to be table or column names too.
    indonesian = {"status", "unit", "verifikator"}
    hits = {}
    for where, t in texts:
        # A token is what a reader reads as one word: "segel-app" and
        # "bpip.go.id" are not "app" and "id".
        for w in re.findall(r"[\w@./:-]+", t):
            w = w.strip(".,;:/-")
            if w in names and w not in indonesian:
                hits.setdefault(w, set()).add(where)
    for w, where in sorted(hits.items()):
        check(False, "database word '%s' in %s" % (w, ", ".join(
            sorted(where))))
    check(not hits, "no database word in any text (%d texts)" % len(texts))


def charts_full(xlsx, prev):
    """With last year complete, Per Bulan's charts draw it beside this
    year: two series each, one of them last year's."""
    wb = openpyxl.load_workbook(xlsx)
    z = zipfile.ZipFile(xlsx)
    per_bulan = 0
    for n in sorted(z.namelist()):
        if not re.fullmatch(r"xl/charts/chart\d+\.xml", n):
            continue
        x = z.read(n).decode()
        names = []
        for ref in re.findall(r"<c:tx><c:strRef><c:f>([^<]*)</c:f>", x):
            sheet, cell = ref.rsplit("!", 1)
            if sheet.strip("'") == "Per Bulan":
                names.append(str(wb["Per Bulan"][cell.replace("$", "")]
                                 .value))
        if names:
            per_bulan += 1
            check(len(names) == 2 and sum(prev in v for v in names) == 1,
                  "%s: this year and %s %s" % (n, prev, names))
    check(per_bulan == 2, "Per Bulan has its two charts (%d)" % per_bulan)


def main():
    cmd = sys.argv[1]
    if cmd == "statements":
        statements(*sys.argv[2:8])
    elif cmd == "words":
        words(*sys.argv[2:6])
    elif cmd == "figures":
        figures(*sys.argv[2:5])
    elif cmd == "agency-unit":
        agency_unit(*sys.argv[2:6])
    elif cmd == "contradictions":
        contradictions(*sys.argv[2:5])
    elif cmd == "approval":
        approval(*sys.argv[2:6])
    elif cmd == "advice":
        advice(*sys.argv[2:5])
    elif cmd == "charts-full":
        charts_full(sys.argv[2], sys.argv[3])
    elif cmd == "charts":
        charts(*sys.argv[2:5])
    elif cmd == "verifikator":
        verifikator(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
    sys.exit(1 if check_report.failures else 0)


if __name__ == "__main__":
    main()
