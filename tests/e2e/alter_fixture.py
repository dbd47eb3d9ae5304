#!/usr/bin/python3
"""Copies of a good fixture with one thing changed, for the tests that
need a registry, configuration or template the shipped ones are not.

usage: alter_fixture.py exported-on CERTIFICATES.csv OUT.csv DATE
       alter_fixture.py fill-official CONFIG.json OUT.json NAME NIP
       alter_fixture.py bad-header TEMPLATE.json OUT.json
       alter_fixture.py bad-query TEMPLATE.json OUT.json
bad-header prints the index of the block it changed. Exits non-zero on
any error (an exception included), so a fixture not made is a failure.
"""
import csv
import json
import sys


def exported_on(src, dst, date):
    """The registry with its export date column named exported_on."""
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    if "snapshot_date" not in rows[0]:
        raise SystemExit("%s: no snapshot_date column" % src)
    rows[0] = ["exported_on" if h == "snapshot_date" else h for h in rows[0]]
    k = rows[0].index("exported_on")
    for r in rows[1:]:
        r[k] = date
    with open(dst, "w", newline="") as f:
        csv.writer(f).writerows(rows)


def fill_official(src, dst, name, nip):
    """The configuration with the reporting official filled in."""
    c = json.load(open(src))
    c["official"].update(name=name, nip=nip)
    json.dump(c, open(dst, "w"))


def bad_header(src, dst):
    """Per Bulan's table (wherever it stands among the sheet's blocks)
    with a column header that is a number, not a text."""
    t = json.load(open(src))
    blocks = t["sheets"][2]["blocks"]
    k = [b["type"] for b in blocks].index("table")
    blocks[k]["columns"][1]["header"] = 7
    json.dump(t, open(dst, "w"))
    print(k)


def bad_query(src, dst):
    """A table whose query names a column that does not exist."""
    t = json.load(open(src))
    t["sheets"][1]["blocks"][1]["query"] = "SELECT nope FROM agg_unit"
    json.dump(t, open(dst, "w"))


COMMANDS = {"exported-on": (exported_on, 3),
            "fill-official": (fill_official, 4),
            "bad-header": (bad_header, 2),
            "bad-query": (bad_query, 2)}


def main(argv):
    cmd = COMMANDS.get(argv[0] if argv else "")
    if not cmd or len(argv) - 1 != cmd[1]:
        sys.stderr.write(__doc__)
        return 64
    cmd[0](*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
