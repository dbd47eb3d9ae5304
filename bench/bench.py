#!/usr/bin/python3
"""Benchmarks tte-report against a baseline measured in the same run.

Every figure is the best of RUNS runs; the ratio column compares rows/s
with sqlite3's own CSV .import of the same file. Peak RSS comes from
/usr/bin/time. Writes the table to stdout and bench/results.md, and checks
that the database counts equal the generator's.
"""
import datetime
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time

top, rows, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
big_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 0
tmp = os.path.join(top, "bench", "tmp")
bin_ = os.path.join(top, "bin")
results = []


def rm_db(path):
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def timed(cmd, setup=None, stdin=None, n=None):
    """Best wall time of n (RUNS) runs and the peak RSS (KiB) of the
    best."""
    best = None
    for _ in range(n or runs):
        if setup:
            setup()
        t0 = time.monotonic()
        r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd,
                           stdin=stdin and open(stdin, "rb"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.monotonic() - t0
        if r.returncode not in (0, 65):
            sys.exit("bench: %s failed (%d): %s" % (cmd[0], r.returncode,
                                                   r.stderr.decode()[-500:]))
        rss = int(r.stderr.decode().strip().splitlines()[-1])
        if best is None or dt < best[0]:
            best = (dt, rss)
    return best


def interleaved(steps):
    """Best time of each step over RUNS rounds, the steps taken in turn in
    every round, so that a noisy moment on a shared machine hits the
    baseline and the programs alike."""
    best = {}
    for _ in range(runs):
        for name, cmd, setup in steps:
            if setup:
                setup()
            t0 = time.monotonic()
            r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
            dt = time.monotonic() - t0
            if r.returncode not in (0, 65):
                sys.exit("bench: %s failed (%d): %s" % (
                    cmd[0], r.returncode, r.stderr.decode()[-500:]))
            rss = int(r.stderr.decode().strip().splitlines()[-1])
            if name not in best or dt < best[name][0]:
                best[name] = (dt, rss)
    return best


def add(name, n, size, t, rss, ratio=True):
    """A table row; ratio: compare its rows/s with .import's."""
    rate = n / t if t else 0
    results.append((name, n, size, t, rss, rate, ratio and size))


def generate(where, n):
    """The generator's bench set of n rows in where (kept between runs);
    returns its expected counts."""
    exp_path = os.path.join(where, "bench-expected.json")
    have = os.path.exists(exp_path) and \
        json.load(open(exp_path))["rows"] == n
    if not have:
        print("generating %d rows (samples/gen.py --bench-rows) ..." % n,
              file=sys.stderr)
        subprocess.run(["/usr/bin/python3", os.path.join(top, "samples",
                                                         "gen.py"), where,
                        "--bench-rows", str(n)], check=True,
                       stdout=subprocess.DEVNULL)
    return json.load(open(exp_path))


def stored(db):
    c = sqlite3.connect(db)
    n = c.execute("SELECT count(*) FROM events").fetchone()[0]
    c.close()
    return n


def batch(where, db, conf, n=None):
    """The whole batch from the raw CSV in where (and its registries) to
    an XLSX: best time and peak RSS of n runs, each on a fresh database."""
    script = ("set -e; B=%s; D=%s; W=%s; $B/tte-collect -q --db $D --source "
              "units $W/units.csv; $B/tte-collect -q --db $D --source "
              "certificates $W/certificates.csv; $B/tte-collect -q --db $D "
              "--source csv $W/bench.csv || test $? = 65; $B/tte-aggregate -q "
              "--db $D --year 2025; $B/tte-render -q --db $D --year 2025 "
              "--config %s --out $W/batch.xlsx" % (bin_, db, where, conf))
    return timed(["sh", "-c", script], setup=lambda: rm_db(db), n=n)


def room_for_big():
    """Whether the disk holds the big set: about 190 bytes of CSV, 420 of
    JSON Lines and 100 of database per row, less what is already there."""
    where = os.path.join(tmp, "big")
    os.makedirs(where, exist_ok=True)
    have = sum(os.path.getsize(os.path.join(where, f))
               for f in ("bench.csv", "bench.jsonl")
               if os.path.exists(os.path.join(where, f)))
    need = big_rows * 710 - have
    free = shutil.disk_usage(where).free
    if free < need * 1.1:
        print("bench: skipping the %d-row batch: it needs %.1f GB in %s, "
              "%.1f GB are free (BENCH_BIG_ROWS=0 skips it quietly)" % (
                  big_rows, need / 1e9, where, free / 1e9), file=sys.stderr)
        return False
    return True


def big_runs(exp, conf):
    """The whole batch from big_rows raw CSV rows to the XLSX, and the RSS
    of collecting the same events as (multi-gigabyte) JSON Lines."""
    where = os.path.join(tmp, "big")
    csv_path = os.path.join(where, "bench.csv")
    jsonl_path = os.path.join(where, "bench.jsonl")
    db = os.path.join(where, "batch.db")
    # Ten times the work of the other steps: two runs are enough.
    t, rss = batch(where, db, conf, n=min(runs, 2))
    n = stored(db)
    if n != exp["distinct"]:
        sys.exit("bench: %d events stored from %s, generator says %d" %
                 (n, csv_path, exp["distinct"]))
    add("whole batch, %d raw rows: collect + aggregate + render"
        % big_rows, big_rows, os.path.getsize(csv_path) / 1e6, t, rss)
    jdb = os.path.join(where, "j.db")
    rm_db(jdb)
    jt, jrss = timed([os.path.join(bin_, "tte-collect"), "-q", "--db", jdb,
                      "--source", "jsonl", jsonl_path], setup=lambda:
                     rm_db(jdb), n=1)
    if stored(jdb) != exp["distinct"]:
        sys.exit("bench: jsonl stored %d events, want %d" %
                 (stored(jdb), exp["distinct"]))
    mb = os.path.getsize(jsonl_path) / 1e6
    # One run, for its memory: no ratio against the smaller file's .import.
    add("tte-collect jsonl, %d rows (one run, for its RSS)" % big_rows,
        big_rows, mb, jt, jrss, ratio=False)
    for f in (db, jdb):
        rm_db(f)
    return t, jrss, mb


def main():
    os.makedirs(tmp, exist_ok=True)
    csv_path = os.path.join(tmp, "bench.csv")
    exp = generate(tmp, rows)
    jsonl_path = os.path.join(tmp, "bench.jsonl")
    csv_mb = os.path.getsize(csv_path) / 1e6
    jsonl_mb = os.path.getsize(jsonl_path) / 1e6
    db = os.path.join(tmp, "b.db")

    t, rss = timed(["cat", csv_path], stdin=None)
    add("cat (read ceiling)", rows, csv_mb, t, rss)
    collect = [os.path.join(bin_, "tte-collect"), "-q", "--db", db]
    jdb = os.path.join(tmp, "j.db")
    imp = os.path.join(tmp, "imp.db")
    best = interleaved([
        ("import", ["sqlite3", imp, ".mode csv", ".import %s ev" % csv_path],
         lambda: rm_db(imp)),
        ("csv", collect + ["--source", "csv", csv_path], lambda: rm_db(db)),
        ("jsonl", collect[:-1] + [jdb, "--source", "jsonl", jsonl_path],
         lambda: rm_db(jdb)),
    ])
    base_t = best["import"][0]
    add("sqlite3 .import (baseline)", rows, csv_mb, *best["import"])
    add("tte-collect csv", rows, csv_mb, *best["csv"])
    first_csv = best["csv"][0]
    if stored(db) != exp["distinct"]:
        sys.exit("bench: %d events stored, generator says %d" %
                 (stored(db), exp["distinct"]))
    t, rss = timed(collect + ["--source", "csv", csv_path])
    add("tte-collect csv, unchanged re-run", rows, csv_mb, t, rss)
    rerun = t
    add("tte-collect jsonl", rows, jsonl_mb, *best["jsonl"])
    if stored(jdb) != exp["distinct"]:
        sys.exit("bench: jsonl stored %d events, want %d" %
                 (stored(jdb), exp["distinct"]))

    # Memory flat in file size: the first 40 MB of the file, cut between
    # records (a quoted field may hold a newline: count the quotes).
    small = os.path.join(tmp, "small.csv")
    nsmall, quoted = -1, False
    with open(csv_path, "rb") as f, open(small, "wb") as g:
        for line in f:
            if not quoted and g.tell() + len(line) > 40e6:
                break
            g.write(line)
            quoted ^= line.count(b'"') % 2 == 1
            nsmall += not quoted
    small_db = os.path.join(tmp, "s.db")
    ts, rss_small = timed(collect[:-1] + [small_db, "--source", "csv", small],
                          setup=lambda: rm_db(small_db))
    add("tte-collect csv, first 40 MB", nsmall,
        os.path.getsize(small) / 1e6, ts, rss_small)

    # Registries for the report, then a ten-times database built in SQL.
    subprocess.run(collect + ["--source", "units", os.path.join(tmp,
                                                                 "units.csv")])
    subprocess.run(collect + ["--source", "certificates",
                              os.path.join(tmp, "certificates.csv")])
    agg = [os.path.join(bin_, "tte-aggregate"), "-q", "--db", db, "--year",
           "2025"]
    t, rss = timed(agg)
    add("tte-aggregate, year", rows, 0, t, rss)
    ren = [os.path.join(bin_, "tte-render"), "-q", "--db", db, "--year",
           "2025", "--config", os.path.join(top, "conf", "tte-report.json"),
           "--out", os.path.join(tmp, "b.xlsx")]
    t, rss = timed(ren)
    add("tte-render", rows, 0, t, rss)

    # The whole batch from raw logs: collect (CSV), aggregate, render.
    t, rss = batch(tmp, os.path.join(tmp, "batch.db"), ren[7])
    add("whole batch: collect + aggregate + render", rows, csv_mb, t, rss)
    batch_t = t

    big = os.path.join(tmp, "big.db")
    rm_db(big)
    shutil.copy(db, big)
    c = sqlite3.connect(big)
    c.executescript(open(os.path.join(top, "bench", "grow.sql")).read())
    c.commit()
    nbig = c.execute("SELECT count(*) FROM events").fetchone()[0]
    c.close()
    t, rss = timed([agg[0], "-q", "--db", big, "--year", "2025"])
    add("tte-aggregate, year, %d events" % nbig, nbig, 0, t, rss)
    agg_big = t
    t, rss = timed([ren[0], "-q", "--db", big, "--year", "2025", "--config",
                    ren[7], "--out", os.path.join(tmp, "big.xlsx")])
    add("tte-render, %d events" % nbig, nbig, 0, t, rss)
    render_big_rss = rss

    big_batch = big_rss = None
    if big_rows and room_for_big():
        big_batch, big_rss, big_mb = big_runs(
            generate(os.path.join(tmp, "big"), big_rows), ren[7])

    lines = ["| step | rows | MB | seconds | rows/s | MB/s | peak RSS MiB |"
             " vs .import |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    base_rate = rows / base_t
    for name, n, size, t, rss, rate, vs in results:
        ratio = "%.2fx" % (rate / base_rate) if vs else ""
        lines.append("| %s | %d | %.0f | %.3f | %.0f | %s | %.1f | %s |" % (
            name, n, size, t, rate, "%.0f" % (size / t) if size else "",
            rss / 1024, ratio))
    cpu = platform.processor() or "?"
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    head = ["# tte-report benchmark", "",
            "%s, %s, %d cores; %d rows, best of %d; %s" % (
                datetime.date.today().isoformat(), cpu, os.cpu_count(),
                rows, runs, "database counts checked against the generator"),
            ""]
    collect_rate = rows / first_csv
    summary = ["", "Targets:",
               "- tte-collect csv / .import: %.2fx (target 2.0x)" %
               (collect_rate / base_rate),
               "- unchanged re-run faster than the first run: %.0fx "
               "(target 100x)" % (first_csv / rerun),
               "- tte-aggregate for %d events: %.2f s (target < 10 s)" %
               (nbig, agg_big),
               "- tte-render peak RSS with %d events: %.1f MiB (target < 64)"
               % (nbig, render_big_rss / 1024),
               "- whole batch, %d raw rows to XLSX: %.2f s (target for "
               "10,000,000 rows: < 60 s)" % (rows, batch_t)]
    if big_batch:
        summary.append("- whole batch, %d raw rows to XLSX: %.1f s (target "
                       "< 60 s)" % (big_rows, big_batch))
    # Memory flat in file size (SQLite's page cache is 8 MiB).
    summary.append("- tte-collect peak RSS, csv: %.1f MiB for 40 MB, %.1f "
                   "MiB for %.0f MB" % (rss_small / 1024, results[2][4] /
                                        1024, csv_mb))
    summary.append("- tte-collect peak RSS, jsonl: %.1f MiB for %.0f MB%s" % (
        results[4][4] / 1024, jsonl_mb, ", %.1f MiB for %.0f MB" % (
            big_rss / 1024, big_mb) if big_batch else ""))
    text = "\n".join(head + lines + summary) + "\n"
    print(text)
    with open(os.path.join(top, "bench", "results.md"), "w") as f:
        f.write(text)


main()
