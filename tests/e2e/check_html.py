#!/usr/bin/python3
"""Checks the HTML report as a browser saw it (chromium --dump-dom) against
the XLSX of the same period read with openpyxl, and its safety.

usage:
  check_html.py compare DOM.html REPORT.xlsx TEMPLATE.json [--preview]
      every sheet's texts and figures, in order, equal the workbook's
      (counts written with '.' between thousands, as Indonesian reads them)
  check_html.py hostile DOM.html TEXT...
      each TEXT appears verbatim as text; no script, img, iframe, object,
      embed or event-handler attribute in the DOM
  check_html.py pdf PDF.txt DOM.html
      every word of every table's column headers in the DOM is on the
      printed pages (a column cut off the page would be missing)
Prints "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
"""
import json
import sys
from html.parser import HTMLParser

import openpyxl

import check_report
from check_report import check


def count(v):
    return "{:,}".format(int(v)).replace(",", ".")


class Dom(HTMLParser):
    """Texts of each sheet's section in document order (headings,
    paragraphs, table cells; not the charts), every tag and attribute, and
    all text nodes."""
    TEXT = {"h3", "h4", "p", "th", "td"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sheets = []        # [(name, [texts])]
        self.tags = []          # [(tag, attrs)]
        self.texts = []         # every text node
        self.stack = []
        self.cur = None
        self.in_svg = 0
        self.in_name = False
        self.head_title = ""
        self.in_title = False
        self.in_sheet = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        a = dict(attrs)
        if tag == "svg":
            self.in_svg += 1
        if tag == "title" and not self.in_svg:
            self.in_title = True
        if tag == "section" and "sheet" in (a.get("class") or ""):
            self.sheets.append(["", []])
            self.in_sheet = True
        if tag == "h2" and self.sheets:
            self.in_name = True
        if tag in self.TEXT and self.in_sheet and not self.in_svg:
            self.cur = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg -= 1
        if tag == "title":
            self.in_title = False
        if tag == "h2":
            self.in_name = False
        if tag == "section":
            self.in_sheet = False
        if tag in self.TEXT and self.cur is not None:
            t = "".join(self.cur)
            if t != "":
                self.sheets[-1][1].append(t)
            self.cur = None

    def handle_data(self, data):
        self.texts.append(data)
        if self.in_title:
            self.head_title += data
        if self.in_name:
            self.sheets[-1][0] += data
        if self.cur is not None:
            self.cur.append(data)


def parse(path):
    d = Dom()
    d.feed(open(path, encoding="utf-8").read())
    d.close()
    return d


def xlsx_texts(ws):
    """Every cell's text as the spreadsheet shows it: a count with '.'
    between thousands, a change (a number format with '+') signed."""
    out = []
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if v is None or v == "":
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                sign = "+" if "+" in cell.number_format and v > 0 else ""
                out.append(sign + count(v))
            else:
                out.append(str(v))
    return out


def compare(dom_path, xlsx, tpl_path, preview):
    d = parse(dom_path)
    tpl = json.load(open(tpl_path))
    wb = openpyxl.load_workbook(xlsx)
    names = [s["name"] for s in tpl["sheets"]]
    check([n for n, _ in d.sheets] == names,
          "one section per sheet, in template order")
    for name, texts in d.sheets:
        want = xlsx_texts(wb[name]) if name in wb.sheetnames else None
        bad = None
        if want != texts:
            bad = next(((i, a, b) for i, (a, b) in
                        enumerate(zip(texts, want or [])) if a != b),
                       (len(texts), len(want or [])))
        check(want == texts, "%s: %d texts and figures equal the XLSX's%s"
              % (name, len(texts), "" if not bad else " first diff %r"
                 % (bad,)))
        marked = bool(texts) and "PRATINJAU" in texts[0]
        check(marked == preview, "%s: PRATINJAU mark %s" %
              (name, "first" if preview else "absent"))
    check(wb.properties.title == d.head_title,
          "page title is the workbook's title (%s)" % d.head_title)


DANGEROUS = {"script", "img", "iframe", "object", "embed", "link", "base",
             "form", "frame", "audio", "video", "source"}


def hostile(dom_path, texts):
    d = parse(dom_path)
    alltext = "".join(d.texts)
    for t in texts:
        check(t in alltext, "appears as text: %r" % t)
    bad = [t for t, _ in d.tags if t in DANGEROUS]
    check(not bad, "no script or loading element in the DOM %s" % bad[:3])
    handlers = [(t, k) for t, attrs in d.tags for k, _ in attrs
                if k.lower().startswith("on")]
    check(not handlers, "no event-handler attribute %s" % handlers[:3])
    check(sum(1 for t, _ in d.tags if t == "meta" and any(
        k == "http-equiv" and v.lower() == "content-security-policy"
        for k, v in _)) == 1, "one Content-Security-Policy meta tag")


class Headers(HTMLParser):
    """The column headers of each section's tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sheets = []        # [(name, [header texts])]
        self.cur = None
        self.in_name = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sheets.append(["", []])
        if tag == "h2" and self.sheets:
            self.in_name = True
        if tag == "th" and a.get("scope") == "col":
            self.cur = []

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_name = False
        if tag == "th" and self.cur is not None:
            self.sheets[-1][1].append("".join(self.cur))
            self.cur = None

    def handle_data(self, data):
        if self.in_name:
            self.sheets[-1][0] += data
        if self.cur is not None:
            self.cur.append(data)


def pdf(txt_path, dom_path):
    text = open(txt_path, encoding="utf-8").read()
    words = set(text.split())
    h = Headers()
    h.feed(open(dom_path, encoding="utf-8").read())
    for name, headers in h.sheets:
        hdr = [w for t in headers for w in t.split() if "(" not in w]
        missing = [w for w in hdr if w not in words]
        if hdr:
            check(not missing, "%s: every header word printed %s"
                  % (name, missing[:3]))


def main():
    cmd = sys.argv[1]
    if cmd == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4],
                "--preview" in sys.argv[5:])
    elif cmd == "hostile":
        hostile(sys.argv[2], sys.argv[3:])
    elif cmd == "pdf":
        pdf(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command %r" % cmd)
    sys.exit(1 if check_report.failures else 0)


if __name__ == "__main__":
    main()
