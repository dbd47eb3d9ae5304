#!/usr/bin/python3
"""The label/value rows of a report read back with openpyxl, against what
the generator simulated or the configuration holds.

usage: check_cover.py ringkas REPORT.xlsx EXPECTED.json
       check_cover.py approval REPORT.xlsx NIP EMAIL
Prints "ok - ..." / "not ok - ..." lines; exits 1 when any check fails
(an exception exits non-zero too, before the checks it would have made).
"""
import json
import sys

import openpyxl


def cells(path, sheet=None):
    """First column -> second column of the sheet (the active one when
    sheet is None)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True)
            if r and r[0]}


def report(results):
    for good, what in results:
        print("%s - %s" % ("ok" if good else "not ok", what))
    return 0 if all(good for good, _ in results) else 1


def ringkas(path, expected):
    """The one-page summary's cover figures, as the generator counts
    people and certificates."""
    got = cells(path)
    e = json.load(open(expected))["year_counts"]
    want = (("Penandatangan Aktif (orang)", e["signers_active"]),
            ("Sertifikat Aktif", e["certs_active"]),
            ("Sertifikat perlu tindakan", len(e["action"])))
    return report([(got.get(label) == n,
                    "ringkas: %s = %s (got %s)" % (label, n, got.get(label)))
                   for label, n in want])


def approval(path, nip, email):
    """The approval block and contact person, from the configuration."""
    got = cells(path, "Ringkasan")
    return report([
        (got.get("NIP") == nip, "approval: NIP %s (got %s)"
         % (nip, got.get("NIP"))),
        (got.get("Nama") is not None, "approval: the official's name"),
        (str(got.get("Tempat, tanggal", "")).startswith("Jakarta, "),
         "approval: place and date (got %s)" % got.get("Tempat, tanggal")),
        (got.get("Email") == email, "contact e-mail %s (got %s)"
         % (email, got.get("Email"))),
    ])


def main(argv):
    if len(argv) == 3 and argv[0] == "ringkas":
        return ringkas(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "approval":
        return approval(argv[1], argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
