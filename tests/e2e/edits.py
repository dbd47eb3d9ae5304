#!/usr/bin/python3
"""Writes a canonical CSV log for tests/e2e/collect_edits.sh, in place (the
same inode when the file exists), and prints what collecting it must give.

Usage: edits.py FILE ROWS [--time LINE] [--fail LINE] [--append N]
[--status LINE=VALUE]. --time moves row LINE an hour on (the row keeps its
length), --fail turns it to result fail (the row grows), --status puts
VALUE in its http_status. Prints JSON: rows, events (distinct events the
file holds), rejected, and per doc_id the result and time of its event.
"""
import argparse
import datetime as dt
import json
import os

WIB = dt.timezone(dt.timedelta(hours=7))
START = dt.datetime(2025, 3, 1, 8, 0, 0, tzinfo=WIB)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("rows", type=int)
    ap.add_argument("--time", type=int, action="append", default=[])
    ap.add_argument("--fail", type=int, action="append", default=[])
    ap.add_argument("--append", type=int, default=0)
    ap.add_argument("--status", action="append", default=[])
    a = ap.parse_args()
    status = dict(s.split("=", 1) for s in a.status)
    lines = ["time,app,unit,nik,http_status,result,doc_id"]
    docs = {}
    rejected = 0
    for k in range(1, a.rows + a.append + 1):
        line = k + 1
        t = START + dt.timedelta(seconds=k)
        if line in a.time:
            t += dt.timedelta(hours=1)
        result = "fail" if line in a.fail else "ok"
        http = status.get(str(line), "200")
        doc = "D%05d" % k
        lines.append("%s,srikandi,Biro Umum,317101010190%04d,%s,%s,%s" %
                     (t.isoformat(), k, http, result, doc))
        if http.isdigit() and len(http) <= 3:
            docs[doc] = {"result": result,
                         "time": t.astimezone(dt.timezone.utc)
                         .strftime("%Y-%m-%dT%H:%M:%SZ")}
        else:
            rejected += 1
    data = ("\n".join(lines) + "\n").encode()
    mode = "r+b" if os.path.exists(a.file) else "wb"
    with open(a.file, mode) as f:
        f.write(data)
        f.truncate()
    print(json.dumps({"rows": a.rows + a.append, "events": len(docs),
                      "rejected": rejected, "docs": docs}))


main()
