#!/usr/bin/python3
"""The event times a database stores, in order, against the times the
log's generator wrote (expected.json "utc").

usage: stored_times.py REPORT.db EXPECTED.json
Exits 0 when they are the same list, 1 (saying how they differ) when
not; any error, an exception included, exits non-zero as well.
"""
import json
import sqlite3
import sys


def main(db, expected):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    got = [r[0] for r in con.execute(
        "SELECT time_utc FROM v_events ORDER BY time_utc")]
    con.close()
    want = json.load(open(expected))["utc"]
    if got == want:
        print("%d times, as written" % len(got))
        return 0
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                 min(len(got), len(want)))
    print("differ: %d stored, %d written; first difference at %d: %s, want %s"
          % (len(got), len(want), first, got[first:first + 1],
             want[first:first + 1]))
    return 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
