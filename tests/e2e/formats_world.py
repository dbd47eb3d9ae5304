#!/usr/bin/python3
"""A simulated world of signers and signings, written in the shapes
tte-collect's "lines", "xlsx" and cleaning definitions read. The truth
(truth.json) comes from the world, not from any definition: which
documents were signed, by whom, at which UTC instant, and which lines or
rows are noise, forwarded twice, or bad.

usage: formats_world.py DIR SHAPE [ROWS]
SHAPE: lines | xlsx | clean | encodings
"""
import csv
import datetime as dt
import json
import os
import random
import re
import sys
import zipfile

sys.dont_write_bytecode = True  # nothing left beside samples/gen.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "samples"))
from gen import nik, nip  # noqa: E402  (the people gen.py makes)

UTC = dt.timezone.utc
ZONES = {"tte-app01": dt.timezone(dt.timedelta(hours=8)),   # WITA
         "tte-app02": dt.timezone(dt.timedelta(hours=7))}   # WIB
UNITS = ["Deputi I", "Deputi II", "Deputi III", "Biro Umum",
         "Biro Hukum dan Kerja Sama"]
NAMES = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi",
         "Indah", "Joko", "Kartika", "Lestari"]


def world(rng, n):
    people = []
    for i, name in enumerate(NAMES):
        female = i % 2 == 1
        people.append({"name": name, "nik": nik(rng, female),
                       "nip": nip(rng, female),
                       "unit": UNITS[i % len(UNITS)]})
    start = dt.datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    events = []
    t = start
    for i in range(n):
        t += dt.timedelta(seconds=rng.randint(20, 900))
        p = rng.choice(people)
        events.append({"t": t, "person": p, "doc": "ESG-%06d" % (i + 1),
                       "result": "ok" if rng.random() < 0.9 else "fail",
                       "ms": rng.randint(200, 4000),
                       "host": rng.choice(sorted(ZONES))})
    return people, events


def epoch(t):
    return int(t.timestamp())


def iso_utc(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lines_shape(d, rng, n):
    """A syslog: esign lines between sshd and CRON lines, hosts in two
    zones, some lines forwarded twice (rsyslog relay), a few bad."""
    people, events = world(rng, n)
    out, truth = [], {"events": {}, "filtered": 0, "duplicates": 0,
                      "rejected_lines": [], "secret": "pin-4471"}
    noise = ["sshd[%d]: Accepted publickey for deploy from 10.0.3.%d port "
             "%d ssh2", "CRON[%d]: (root) CMD (run-parts /etc/cron.hourly) "
             "%d %d", "esign[7469]: HEALTH ok queue=%d workers=%d pid=%d"]
    for i, e in enumerate(events):
        z = ZONES[e["host"]]
        for _ in range(rng.randint(0, 2)):
            tl = (e["t"] - dt.timedelta(seconds=5)).astimezone(z)
            out.append("%s %s %s" % (tl.isoformat(), e["host"],
                                     rng.choice(noise) % (
                                         rng.randint(100, 999),
                                         rng.randint(1, 250),
                                         rng.randint(1024, 65000))))
            truth["filtered"] += 1
        p = e["person"]
        bad = i % 97 == 13
        nipv = p["nip"][:-1] if bad else p["nip"]
        extra = " pin=%s" % truth["secret"] if i % 50 == 7 or bad else ""
        line = ('%s %s esign[7469]: SIGN %s nip=%s unit="%s" doc=%s ms=%d%s'
                % (e["t"].astimezone(z).isoformat(), e["host"], e["result"],
                   nipv, p["unit"], e["doc"], e["ms"], extra))
        out.append(line)
        if bad:
            truth["rejected_lines"].append(len(out))
            truth.setdefault("bad", []).append({
                "line": len(out), "doc": e["doc"], "nip": p["nip"],
                "written": nipv, "t": iso_utc(e["t"]), "unit": p["unit"],
                "result": e["result"]})
        else:
            truth["events"][e["doc"]] = {"t": iso_utc(e["t"]),
                                         "nip": p["nip"], "unit": p["unit"],
                                         "result": e["result"]}
        if not bad and i % 11 == 4:
            out.append(line)        # forwarded twice
            truth["duplicates"] += 1
    with open(os.path.join(d, "esign.log"), "w") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(d, "noise.log"), "w") as f:
        for k in range(20):
            f.write("2025-03-07T10:%02d:00+07:00 tte-app02 sshd[1%02d]: "
                    "session closed for user deploy\n" % (k, k))
    truth["read"] = len(out)
    return truth


def to_shared_strings(path, keep_inline):
    """openpyxl writes text cells inline: move all but keep_inline of
    them to xl/sharedStrings.xml, as Excel does."""
    zin = zipfile.ZipFile(path)
    parts = {n: zin.read(n) for n in zin.namelist()}
    zin.close()
    strings, index = [], {}
    cell = re.compile(r'<c r="([A-Z]+)(\d+)"((?: s="\d+")?) t="inlineStr">'
                      r'<is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
    for name in list(parts):
        if not name.startswith("xl/worksheets/sheet"):
            continue
        seen = [0]

        def repl(m):
            seen[0] += 1
            if seen[0] <= keep_inline:
                return m.group(0)
            text = m.group(4)
            if text not in index:
                index[text] = len(strings)
                strings.append(text)
            return '<c r="%s%s"%s t="s"><v>%d</v></c>' % (
                m.group(1), m.group(2), m.group(3), index[text])
        parts[name] = cell.sub(repl, parts[name].decode()).encode()
    sst = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" count="%d" uniqueCount="%d">' % (len(strings),
                                                        len(strings))]
    for i, s in enumerate(strings):
        # Every 7th string as rich text runs with a phonetic reading, which
        # is not part of the text.
        if i % 7 == 3 and len(s) > 2:
            sst.append('<si><r><t>%s</t></r><r><rPr><b/></rPr><t>%s</t></r>'
                       '<rPh sb="0" eb="1"><t>yomi</t></rPh></si>'
                       % (s[:2], s[2:]))
        else:
            sst.append('<si><t xml:space="preserve">%s</t></si>' % s)
    sst.append("</sst>")
    parts["xl/sharedStrings.xml"] = "".join(sst).encode()
    ct = parts["[Content_Types].xml"].decode()
    if "sharedStrings" not in ct:
        ct = ct.replace("</Types>", '<Override PartName="/xl/sharedStrings.'
                        'xml" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.sharedStrings+xml"/>'
                        '</Types>')
    parts["[Content_Types].xml"] = ct.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdSST" '
                            'Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings"'
                            ' Target="sharedStrings.xml"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)


def xlsx_shape(d, rng, n, name="log.xlsx", epoch1904=False, csv_too=False):
    """An export of the signing application's report screen: a title, a
    two-row merged header, times as date serials in the writer's zone
    (WITA) or as text, an empty row, a second sheet first."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    people, events = world(rng, n)
    zone = ZONES["tte-app01"]
    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    first = wb.active
    first.title = "Ringkasan"
    first.append(["Jumlah dokumen", n])
    ws = wb.create_sheet("Log TTE")
    ws.append(["Laporan Penandatanganan Elektronik"])
    ws.append(["Waktu", "Penandatangan", None, "Unit Kerja", "Dokumen",
               "Status", "Durasi (ms)"])
    ws.append([None, "NIP", "Nama", None, None, None, None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    truth = {"events": {}, "rejected_rows": [], "lost_digits_rows": [],
             "rows": 0}
    rows_csv = []
    row = 3
    for i, e in enumerate(events):
        p = e["person"]
        local = e["t"].astimezone(zone).replace(tzinfo=None)
        if i % 1000 == 500:
            row += 1                    # an empty row
            ws.append([])
        row += 1
        text_time = i % 10 == 3
        tcell = local.strftime("%d/%m/%Y %H:%M:%S") if text_time else local
        lost = i % 250 == 17
        ws.append([tcell, None, p["name"], p["unit"], e["doc"],
                   "Berhasil" if e["result"] == "ok" else "Gagal",
                   e["ms"]])
        c = ws.cell(row=row, column=2)
        if lost:
            c.value = float(p["nip"])   # typed into a numeric cell
            c.number_format = "0"
            truth["lost_digits_rows"].append(row)
        else:
            c.value = p["nip"]
        if not text_time:
            ws.cell(row=row, column=1).number_format = "yyyy-mm-dd hh:mm:ss"
        truth["rows"] += 1
        if not lost:
            truth["events"][e["doc"]] = {"t": iso_utc(e["t"]),
                                         "nip": p["nip"], "unit": p["unit"],
                                         "result": e["result"]}
        rows_csv.append([local.strftime("%Y-%m-%d %H:%M:%S"),
                         "%.15g" % float(p["nip"]) if lost else p["nip"],
                         p["name"], p["unit"], e["doc"],
                         "Berhasil" if e["result"] == "ok" else "Gagal",
                         e["ms"]])
    wb.save(os.path.join(d, name))
    to_shared_strings(os.path.join(d, name), keep_inline=5)
    if csv_too:
        with open(os.path.join(d, name.replace(".xlsx", ".csv")), "w",
                  newline="") as f:
            w = csv.writer(f)
            w.writerow(["Waktu", "NIP", "Nama", "Unit Kerja", "Dokumen",
                        "Status", "Durasi (ms)"])
            w.writerows(rows_csv)
    truth["rejected"] = len(truth["lost_digits_rows"])
    return truth


def clean_shape(d, rng, n):
    """NIPs written with spaces and dots (CSV), and a JSONL export whose
    unit moved from signer.unit.code to signer.unit.name in a version."""
    people, events = world(rng, n)
    truth = {"events": {}}
    with open(os.path.join(d, "spaced.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["waktu", "nip", "unit", "dokumen", "hasil"])
        for i, e in enumerate(events):
            p, v = e["person"], e["person"]["nip"]
            if i % 3 == 0:
                v = "%s %s %s %s %s" % (v[:8], v[8:14], v[14], v[15:], "")
            elif i % 3 == 1:
                v = "%s.%s.%s.%s" % (v[:8], v[8:14], v[14], v[15:])
            w.writerow([iso_utc(e["t"]), v.strip(), p["unit"],
                        "esg %s" % e["doc"][4:], e["result"]])
            truth["events"][e["doc"]] = {"t": iso_utc(e["t"]),
                                         "nip": p["nip"], "unit": p["unit"],
                                         "result": e["result"]}
    with open(os.path.join(d, "moved.jsonl"), "w") as f:
        for i, e in enumerate(events):
            p = e["person"]
            unit = {"code": p["unit"]} if i % 2 else {"code": "",
                                                      "name": p["unit"]}
            f.write(json.dumps({"ts": iso_utc(e["t"]), "doc": e["doc"],
                                "signer": {"nip": p["nip"], "unit": unit},
                                "ok": e["result"] == "ok"}) + "\n")
    return truth


def encodings_shape(d, rng, n):
    """Names with letters outside ASCII: a UTF-8 file with a byte-order
    mark (its definition says Windows-1252), and for "auto" one UTF-8
    file and one Windows-1252 file."""
    people, events = world(rng, n)
    names = ["Zahrá", "Dédé", "Nuñez"]
    truth = {"events": {}}
    rows = []
    for i, e in enumerate(events):
        p = e["person"]
        nm = names[i % 3] if i % 4 else p["name"]
        rows.append([iso_utc(e["t"]), p["nip"], nm, p["unit"], e["doc"]])
        truth["events"][e["doc"]] = {"t": iso_utc(e["t"]), "name": nm,
                                     "nip": p["nip"]}
    head = "time,nip,name,unit,doc_id\n"
    body = "".join(",".join(r) + "\n" for r in rows)
    with open(os.path.join(d, "bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + (head + body).encode("utf-8"))
    half = len(rows) // 2
    with open(os.path.join(d, "auto-utf8.csv"), "wb") as f:
        f.write((head + "".join(",".join(r) + "\n"
                                for r in rows[:half])).encode("utf-8"))
    with open(os.path.join(d, "auto-1252.csv"), "wb") as f:
        f.write((head + "".join(",".join(r) + "\n"
                                for r in rows[half:])).encode("cp1252"))
    truth["utf8_docs"] = [r[4] for r in rows[:half]]
    return truth


def main():
    d, shape = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    os.makedirs(d, exist_ok=True)
    rng = random.Random(20250307 + n)
    if shape == "lines":
        truth = lines_shape(d, rng, n)
    elif shape == "xlsx":
        truth = xlsx_shape(d, rng, n, csv_too=True)
        t2 = xlsx_shape(d, random.Random(7), 40, "mac.xlsx", epoch1904=True)
        truth["mac"] = t2
    elif shape == "clean":
        truth = clean_shape(d, rng, n)
    elif shape == "encodings":
        truth = encodings_shape(d, rng, n)
    else:
        sys.exit("unknown shape " + shape)
    with open(os.path.join(d, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
