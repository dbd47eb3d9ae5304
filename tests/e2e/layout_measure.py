#!/usr/bin/python3
"""Helpers of layout.sh: the HTML report measured in a browser, and the
LibreOffice PDF of the XLSX measured with pdftotext.

usage:
  layout_measure.py probe REPORT.html OUT.html
      OUT.html: the report with its Content-Security-Policy removed and a
      script that writes, once laid out, each table's and chart's measures
      into <pre id="measure"> (for chromium --dump-dom)
  layout_measure.py screen DOM.html WIDTH
      no table is wider than its box (nothing hidden sideways); chart text
      at least 10 px
  layout_measure.py paper DIR TEMPLATE.json
      DIR/year.pdf, q4.pdf, empty.pdf (LibreOffice's prints of the XLSX
      beside them) against DIR/y2025/expected.json: pages per table, row
      heights, headings with their tables, the empty table's line
  layout_measure.py footer PDF TEMPLATE.json
      every printed page of the HTML has the page footer
Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import html
import json
import os
import re
import subprocess
import sys

import openpyxl

failed = False


def check(cond, what):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    failed |= not cond


PROBE = r"""<script>
addEventListener('load', function () {
  var out = {tables: [], text: []};
  document.querySelectorAll('table.data').forEach(function (t) {
    var box = t.parentElement;
    var sec = t.closest('section');
    var name = sec ? sec.querySelector('h2').textContent : '';
    var heads = [];
    t.querySelectorAll('thead th').forEach(function (th) {
      var r = th.getBoundingClientRect(), b = box.getBoundingClientRect();
      heads.push([th.textContent, r.left >= b.left - 1 && r.right <= b.right + 1]);
    });
    out.tables.push({sheet: name, scroll: box.scrollWidth,
                     client: box.clientWidth, heads: heads,
                     cards: getComputedStyle(t).display === 'block'});
  });
  document.querySelectorAll('figure.chart svg').forEach(function (s) {
    var k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
    var least = 1e9;
    s.querySelectorAll('text').forEach(function (x) {
      var px = parseFloat(getComputedStyle(x).fontSize) * k;
      if (px < least) least = px;
    });
    out.text.push(least);
  });
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def probe(src, dst):
    html = open(src, encoding="utf-8").read()
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  html)
    html = html.replace("</body>", PROBE + "\n</body>")
    open(dst, "w", encoding="utf-8").write(html)


def screen(dom, width):
    text = open(dom, encoding="utf-8").read()
    m = re.search(r'<pre id="measure">(.*?)</pre>', text, re.S)
    check(m is not None, "%s px: the page was measured" % width)
    if not m:
        return
    data = json.loads(html.unescape(m.group(1)))
    wide = ["%s (%d > %d)" % (t["sheet"], t["scroll"], t["client"])
            for t in data["tables"] if t["scroll"] > t["client"] + 1]
    check(data["tables"] and not wide,
          "%s px: no table wider than the screen: %s" % (
              width, ", ".join(wide) or "%d tables" % len(data["tables"])))
    hidden = ["%s: %s" % (t["sheet"], th) for t in data["tables"]
              if not t["cards"] for th, seen in t["heads"] if not seen]
    check(not hidden, "%s px: every column in view%s" % (
        width, (": hidden " + ", ".join(hidden[:6])) if hidden else ""))
    if int(width) <= 600:
        check(all(t["cards"] for t in data["tables"]),
              "%s px: tables shown as cards" % width)
    least = min(data["text"]) if data["text"] else 0
    check(data["text"] and least >= 10,
          "%s px: chart text at least 10 px (smallest %.1f)" % (width, least))


# --- paper -----------------------------------------------------------------

# A line of Calibri or Carlito at 11 points: 1.22 em (2,500 of 2,048 font
# units); a row adds 1.57 points of padding (one line is 15 points).
LINE_PT = 11 * 2500 / 2048
PAD_PT = 15 - LINE_PT


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def pdf_pages(pdf):
    """Per page: (sheet named in its footer, raw text, words with their
    boxes) and the page sizes."""
    n = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)",
                       run("pdfinfo", "-f", "1", "-l", str(n), pdf))
    bbox = run("pdftotext", "-bbox", pdf, "-")
    pages = []
    for i, page in enumerate(re.findall(r"<page[^>]*>(.*?)</page>", bbox,
                                        re.S)):
        words = [(float(a), float(b), float(c), float(e), html.unescape(t))
                 for a, b, c, e, t in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                     r'xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)]
        raw = run("pdftotext", "-raw", "-f", str(i + 1), "-l", str(i + 1),
                  pdf, "-")
        m = re.search(r"Pasal 9\)\s*\n?(.*?)\s*\n?Halaman \d+ dari", raw)
        pages.append((m.group(1).strip() if m else "", raw, words))
    return pages, sizes


def body(raw):
    """A page's lines without its page header and footer."""
    lines = [x for x in raw.splitlines() if x.strip()]
    return [x for x in lines if "Pasal 9)" not in x and
            not x.startswith("Laporan Pemanfaatan Sertifikat Elektronik") and
            not re.match(r"^(BPIP|PRATINJAU)", x) and
            not re.search(r"Halaman \d+ dari \d+", x)]


def flat(raw):
    return " ".join(" ".join(body(raw)).split())


def sheet_pages(pages, name):
    return [p for p in pages if p[0] == name]


def a4(sizes, what):
    bad = [s for s in sizes if sorted(round(float(v)) for v in s) != [595, 842]]
    check(sizes and not bad, "%s: every page A4 (%d pages)" % (what, len(sizes)))


def nothing_alone(pages, what):
    """No page whose only content is a heading or an empty table's line."""
    thin = [i + 1 for i, p in enumerate(pages) if len(body(p[1])) <= 2]
    check(not thin, "%s: no page with only a heading or one line%s" % (
        what, (": pages %s" % thin) if thin else ""))


def headings_with_tables(pages, tpl, what, empty_label):
    """Every section heading on the page of its table's header (or of the
    empty table's line), notes between them too."""
    bad, seen = [], 0
    for sheet in tpl["sheets"]:
        blocks = sheet["blocks"]
        for i, b in enumerate(blocks):
            if b["type"] != "section":
                continue
            j = i + 1
            while j < len(blocks) and blocks[j]["type"] in ("note",
                                                            "warning"):
                j += 1
            if j == len(blocks) or blocks[j]["type"] != "table":
                continue
            head = b["text"]
            first = blocks[j]["columns"][0]["header"]
            empty = blocks[j].get("empty", empty_label)
            for _, raw, _ in sheet_pages(pages, sheet["name"]):
                text = flat(raw)
                k = text.find(head)
                if k < 0:
                    continue
                seen += 1
                rest = text[k + len(head):]
                if first not in rest and empty not in rest:
                    bad.append(head)
    check(seen and not bad, "%s: %d headings on the page of their table%s" % (
        what, seen, (": not " + "; ".join(bad)) if bad else ""))


def column_x(words, header, y=None):
    """Left edge of a header word (on the header line at y)."""
    xs = [w[0] for w in words if w[4] == header and
          (y is None or abs(w[1] - y) < 1)]
    return min(xs) if xs else None


def rows_measured(pages, xlsx_rows, scale, what):
    """Perlu Tindakan's rows on paper: each as tall as its most lines,
    every word of its Alasan and Tindakan printed (nothing cut)."""
    tall, cut, n = [], [], 0
    for _, raw, words in pages:
        heads = [w[1] for w in words if w[4] == "Alasan"]
        if not heads:
            continue
        head_y = heads[0]
        x_serial = column_x(words, "Nomor", head_y)
        x_why = column_x(words, "Alasan", head_y)
        x_do = column_x(words, "Tindakan", head_y)
        foot_y = min(w[1] for w in words if w[4] == "Dokumen" and
                     w[1] > head_y)
        # A header wraps: the rows start below its last line.
        below = max(w[3] for w in words if head_y - 1 <= w[1] and
                    w[1] < head_y + 30 and w[0] >= x_why - 1 and
                    w[4] in ("Alasan", "Tindakan"))
        tops = [(w[1], int(w[4])) for w in words
                if w[0] < x_serial and w[1] > below and
                w[4].isdigit() and w[1] < foot_y]
        tops.sort()
        for k, (top, no) in enumerate(tops):
            bottom = tops[k + 1][0] if k + 1 < len(tops) else foot_y
            band = [w for w in words if top - 1 <= w[1] < bottom - 1]
            lines = len({round(w[1]) for w in band})
            n += 1
            if k + 1 < len(tops):
                most = (lines * LINE_PT + PAD_PT) * scale / 100 + 0.8
                if bottom - top > most:
                    tall.append("row %d: %.1f pt for %d lines" % (
                        no, bottom - top, lines))
            for x0, x1, col in ((x_why, x_do, "Alasan"),
                                (x_do, 1e9, "Tindakan")):
                got = " ".join(w[4] for w in sorted(
                    (w for w in band if x0 - 1 <= w[0] < x1 - 1),
                    key=lambda w: (round(w[1]), w[0])))
                want = " ".join(str(xlsx_rows.get(no, {}).get(col, ""))
                                .split())
                # LibreOffice may break after a hyphen: compare letters.
                if "".join(got.split()) != "".join(want.split()):
                    cut.append("row %d %s: '%s'" % (no, col, got[:60]))
    check(n and not tall, "%s: %d rows as tall as their lines%s" % (
        what, n, (": " + "; ".join(tall[:4])) if tall else ""))
    check(n and not cut, "%s: every Alasan and Tindakan printed whole%s" % (
        what, (": " + "; ".join(cut[:3])) if cut else ""))


def xlsx_table(path, sheet, first):
    wb = openpyxl.load_workbook(path, read_only=False)
    ws = wb[sheet]
    rows = list(ws.iter_rows(values_only=True))
    out = {}
    for i, r in enumerate(rows):
        if r and r[0] == first:
            hdr = list(r)
            for r2 in rows[i + 1:]:
                if not r2 or not isinstance(r2[0], (int, float)):
                    break
                out[int(r2[0])] = dict(zip(hdr, r2))
            break
    return out, ws.page_setup.scale or 100


def cover(pages, conf_address):
    """The cover's rows: Alamat one line tall for one line of text."""
    words = pages[0][2]

    def y(text):
        ys = [w[1] for w in words if w[4] == text]
        return min(ys) if ys else None
    ins, unit, addr = y("Instansi"), y("pengelola"), y("Alamat")
    nomor = min((w[1] for w in words if w[4] == "Nomor" and addr is not None
                 and w[1] > addr), default=None)
    ok = None not in (ins, unit, addr, nomor)
    check(ok and abs((nomor - addr) - (unit - ins)) < 0.5,
          "cover: the Alamat row as tall as a one-line row (%s)" % (
              "%.1f vs %.1f pt" % (nomor - addr, unit - ins) if ok else "?"))
    first = conf_address.split()[0]
    line = [w for w in words if w[4] == first and addr is not None and
            abs(w[1] - addr) < 1]
    check(bool(line), "cover: the address on the Alamat line")


def quality_columns(path, tpl):
    """Kualitas Data: the registry contradictions' two texts merged across
    sheet columns (the template's span), so that the file table's count
    columns above them stay as narrow as their figures: no count column
    wider than twice the widest of its header's words and its figures as
    they show (1.686), plus padding."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Kualitas Data"]
    spans = {c["header"]: c["span"] for s in tpl["sheets"]
             for b in s["blocks"] for c in b.get("columns", [])
             if c.get("span")}
    cells = {(c.row, c.column): c.value for r in ws.iter_rows() for c in r}
    merged = {(m.min_row, m.min_col): m.max_col - m.min_col + 1
              for m in ws.merged_cells.ranges}
    head = [k for k, v in cells.items() if v in spans]
    bad, n = [], 0
    for hr, hc in head:
        if merged.get((hr, hc)) != spans[cells[(hr, hc)]]:
            bad.append("header %s" % cells[(hr, hc)])
        r = hr + 1
        while cells.get((r, 1)):
            n += 1
            if merged.get((r, hc)) != spans[cells[(hr, hc)]]:
                bad.append("row %d %s" % (r, cells[(hr, hc)]))
            r += 1
    check(len(head) == len(spans) and n and not bad,
          "Kualitas Data: %d contradiction cells merged across %s columns%s"
          % (n, "/".join(str(v) for v in spans.values()),
             (": not " + ", ".join(bad[:4])) if bad else ""))
    hr = [k[0] for k, v in cells.items() if v == "Sumber"][0]
    wide = []
    for c in range(3, ws.max_column + 1):
        h = cells.get((hr, c))
        if not h:
            continue
        need = max(len(w) for w in str(h).split())
        r = hr + 1
        while cells.get((r, 1)):
            v = cells.get((r, c))
            if isinstance(v, (int, float)):
                need = max(need, len("{:,}".format(int(v))))
            r += 1
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width
        if width > 2 * need + 6:
            wide.append("%s %.1f for %d characters" % (h, width, need))
    check(not wide, "Kualitas Data: the file table's count columns as narrow "
          "as their figures%s" % ((": " + "; ".join(wide)) if wide else ""))


def paper(d, tpl_path):
    tpl = json.load(open(tpl_path))
    exp = json.load(open(d + "/y2025/expected.json"))["year_counts"]
    conf = json.load(open(os.path.join(os.path.dirname(tpl_path), "..",
                                       "conf", "tte-report.json")))
    empty_label = tpl["labels"]["empty"]
    year, sizes = pdf_pages(d + "/year.pdf")
    a4(sizes, "year")
    ncert = len(exp["certs"])
    n = len(sheet_pages(year, "Per Sertifikat"))
    check(0 < n <= 3, "Per Sertifikat: %d certificates on %d pages, at most 3"
          % (ncert, n))
    nact = len(exp["action"])
    # 12 rows a page: the dated advice ("akan berakhir pada 10 Januari
    # 2026; ajukan pembaruan") takes a third line in Tindakan.
    most = max(1, -(-nact // 12))
    n = len(sheet_pages(year, "Sertifikat Perlu Tindakan"))
    check(0 < n <= most, "Sertifikat Perlu Tindakan: %d rows on %d pages, at "
          "most %d (12 rows a page or more)" % (nact, n, most))
    for name, most in (("Per Unit Kerja", 1), ("Per Bulan", 1),
                       ("Ringkasan", 2)):
        n = len(sheet_pages(year, name))
        check(0 < n <= most, "%s: %d page(s), at most %d (tables with their "
              "charts)" % (name, n, most))
    rows, scale = xlsx_table(d + "/year.xlsx", "Sertifikat Perlu Tindakan",
                             "No")
    check(len(rows) == nact, "Sertifikat Perlu Tindakan: %d rows in the "
          "workbook, %d expected" % (len(rows), nact))
    rows_measured(sheet_pages(year, "Sertifikat Perlu Tindakan"), rows, scale,
                  "Sertifikat Perlu Tindakan")
    nothing_alone(year, "year")
    headings_with_tables(year, tpl, "year", empty_label)
    cover(year, conf["agency"]["address"])
    quality_columns(d + "/year.xlsx", tpl)
    unit_text = " ".join(flat(p[1]) for p in sheet_pages(year,
                                                         "Per Unit Kerja"))
    check(("Catatan" in unit_text) == bool(exp and exp.get("units") and
                                           json.load(open(
                                               d + "/y2025/expected.json"))
                                           .get("unknown_unit")),
          "Per Unit Kerja: Catatan printed only when a unit is unknown")

    q4, sizes = pdf_pages(d + "/q4.pdf")
    a4(sizes, "Q4 preview")
    nothing_alone(q4, "Q4 preview")
    headings_with_tables(q4, tpl, "Q4 preview", empty_label)

    emp, sizes = pdf_pages(d + "/empty.pdf")
    a4(sizes, "empty table")
    n = len(sheet_pages(emp, "Sertifikat Perlu Tindakan"))
    check(n == 1, "Sertifikat Perlu Tindakan: 9 rows on %d page(s), 1 wanted"
          % n)
    nothing_alone(emp, "empty table")
    headings_with_tables(emp, tpl, "empty table", empty_label)
    block = [b for s in tpl["sheets"] for b in s["blocks"]
             if b["type"] == "table" and "known = 0" in b.get("query", "")][0]
    text = " ".join(flat(p[1]) for p in sheet_pages(emp, "Kualitas Data"))
    line = block.get("empty", empty_label)
    check(line in text and block["columns"][1]["header"] not in text,
          "empty table: one line ('%s'), no header row" % line)


def footer(pdf, tpl_path):
    tpl = json.load(open(tpl_path))
    left = re.search(r"&L(.*?)(&[CR]|$)", tpl["footer"]).group(1)
    n = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))
    bad = []
    for i in range(1, n + 1):
        t = " ".join(run("pdftotext", "-f", str(i), "-l", str(i), pdf,
                         "-").split())
        if left not in t or "Halaman %d dari %d" % (i, n) not in t:
            bad.append(i)
    check(n > 1 and not bad, "printed HTML: '%s' and 'Halaman N dari %d' on "
          "all %d pages%s" % (left, n, n, (": not on %s" % bad) if bad
                                             else ""))


if __name__ == "__main__":
    if sys.argv[1] == "probe":
        probe(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "screen":
        screen(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "paper":
        paper(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "footer":
        footer(sys.argv[2], sys.argv[3])
    sys.exit(1 if failed else 0)
