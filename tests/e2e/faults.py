#!/usr/bin/python3
"""Inputs for tests/e2e/collect_faults.sh, and the figures they should give,
computed here from the rows written, not by tte-collect.

    faults.py rows FMT N [FIRST]   N canonical rows (csv: with the header);
                                   row k has doc_id D<line of row k>
    faults.py live FMT N BIN DB    an application writing N rows in 4 KB
                                   blocks (lines cut anywhere) while
                                   tte-collect runs every 50 ms; prints
                                   "runs R bad B" (B: runs that failed)
    faults.py bigline FMT MB       rows, one line of MB megabytes, rows
    faults.py openquote MB         CSV rows of MB megabytes in all, the
                                   first with a quote left open
    faults.py crossing FILE MAX    the line at which the record the open
                                   quote starts passes MAX bytes, and the
                                   rows from there to the end
    faults.py maxrss CMD...        runs CMD; prints its exit status and
                                   peak memory in MB
"""
import os
import resource
import subprocess
import sys
import time

CSV_HEAD = "time,app,unit,nik,result,doc_id\n"


def nik(k):
    # 31 71 01 + birth 01-01-90 + a sequence from 0001: a valid NIK.
    return "3171010101%02d%04d" % (90, k % 9999 + 1)


def row(fmt, k, line, pad=""):
    t = "2025-03-01T%02d:%02d:%02d+07:00" % (8 + k // 3600 % 10,
                                             k // 60 % 60, k % 60)
    if fmt == "csv":
        return "%s,srikandi,Biro Umum%s,%s,ok,D%d\n" % (t, pad, nik(k), line)
    return ('{"time":"%s","app":"srikandi","unit":"Biro Umum%s",'
            '"nik":"%s","result":"ok","doc_id":"D%d"}\n'
            % (t, pad, nik(k), line))


def rows(fmt, n, first=0):
    """The text of n rows; row k sits on line k + 1 (+ 1 for the header)."""
    head = CSV_HEAD if fmt == "csv" and first == 0 else ""
    base = 2 if fmt == "csv" else 1
    return head + "".join(row(fmt, k, k + base) for k in range(first,
                                                               first + n))


def live(fmt, n, binary, db):
    path = db + "." + fmt
    text = rows(fmt, n).encode()
    runs = bad = 0
    with open(path, "wb", buffering=0) as f:
        pos = 0
        last = 0.0
        while True:
            if pos < len(text):
                f.write(text[pos:pos + 4096])
                pos += 4096
            now = time.monotonic()
            if now - last >= 0.05 or pos >= len(text):
                last = now
                r = subprocess.run([binary + "/tte-collect", "-q", "--db", db,
                                    "--source", fmt, path],
                                   stderr=subprocess.PIPE)
                runs += 1
                if r.returncode != 0:
                    bad += 1
                    sys.stderr.write(r.stderr.decode(errors="replace"))
            if pos >= len(text):
                break
            time.sleep(0.005)
    print("runs %d bad %d" % (runs, bad))


def bigline(fmt, mb):
    # Line 1 (csv: 2) is a row, the next a row of mb megabytes, then a row.
    base = 2 if fmt == "csv" else 1
    out = sys.stdout
    out.write(CSV_HEAD if fmt == "csv" else "")
    out.write(row(fmt, 0, base))
    out.write(row(fmt, 1, base + 1, "x" * (mb << 20)))
    out.write(row(fmt, 2, base + 2))


def openquote(mb):
    # Few, long rows: an ignored column of 20 KB each, so that what is
    # measured is the open record, not the rows stored after it.
    def line(k):
        return row("csv", k, k + 2).rstrip("\n") + "," + "x" * 20000 + "\n"
    out = sys.stdout
    out.write(CSV_HEAD.rstrip("\n") + ",catatan\n")
    out.write(line(0).replace(",Biro", ',"Biro', 1))
    k, size = 1, 0
    while size < mb << 20:
        out.write(line(k))
        size += len(line(k))
        k += 1


def crossing(path, limit):
    lines = open(path, "rb").read().split(b"\n")[:-1]
    total = 0
    for i, text in enumerate(lines[1:], start=2):
        total += len(text) + 1
        if total > limit:
            print("%d %d" % (i, len(lines) - i + 1))
            return
    print("0 0")


def maxrss(cmd):
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("%d %d" % (r.returncode, kb // 1024))


def main():
    cmd = sys.argv[1]
    if cmd == "rows":
        first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        sys.stdout.write(rows(sys.argv[2], int(sys.argv[3]), first))
    elif cmd == "live":
        live(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif cmd == "bigline":
        bigline(sys.argv[2], int(sys.argv[3]))
    elif cmd == "openquote":
        openquote(int(sys.argv[2]))
    elif cmd == "crossing":
        crossing(sys.argv[2], int(sys.argv[3]))
    elif cmd == "maxrss":
        maxrss(sys.argv[2:])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    os.umask(0o077)
    main()
