#!/usr/bin/python3
"""Compares the events a database holds with a world's truth.

usage: formats_check.py DB TRUTH.json FIELD... [--where SQL] [--key K]
Prints what differs and exits 1; exits 0 when every true event is there
with the fields' values, and no other event is.
"""
import json
import sqlite3
import sys


def main():
    db, truth_path = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    where, key = "1", "events"
    if "--where" in args:
        i = args.index("--where")
        where = args[i + 1]
        del args[i:i + 2]
    if "--key" in args:
        i = args.index("--key")
        key = args[i + 1]
        del args[i:i + 2]
    truth = json.load(open(truth_path))
    for part in key.split("."):
        truth = truth[part]
    want = truth
    cols = ["time_utc" if f == "t" else f for f in args]
    con = sqlite3.connect(db)
    got = {}
    for row in con.execute("SELECT doc_id, %s FROM v_events WHERE %s"
                           % (", ".join(cols), where)):
        if row[0] in got:
            print("doc %s stored twice" % row[0])
            sys.exit(1)
        got[row[0]] = dict(zip(args, row[1:]))
    bad = 0
    for doc, ev in want.items():
        if doc not in got:
            bad += 1
            if bad < 5:
                print("missing %s" % doc)
            continue
        for f in args:
            if str(got[doc][f]) != str(ev[f]):
                bad += 1
                if bad < 5:
                    print("%s: %s is %r, want %r" % (doc, f, got[doc][f],
                                                      ev[f]))
    extra = set(got) - set(want)
    if extra:
        print("not in the world: %s" % sorted(extra)[:5])
        bad += len(extra)
    print("%d events compared, %d differences" % (len(want), bad))
    sys.exit(1 if bad else 0)


main()
