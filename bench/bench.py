#!/usr/bin/python3
"""Benchmarks tte-report against a baseline measured in the same run.

Every figure is the best of RUNS runs; the ratio column compares rows/s
with sqlite3's own CSV .import of the same file. Peak RSS comes from
/usr/bin/time. Writes the table to stdout and bench/results.md, and checks
that the database counts equal the generator's. The logs are collected in
time order as generated and shuffled (the same rows, whole records, in a
fixed random order), side by side.
"""
import datetime
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import time

top, rows, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
big_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 0
tmp = os.path.join(top, "bench", "tmp")
bin_ = os.path.join(top, "bin")
# BENCH_BEFORE: a folder of earlier programs (bench/run.sh builds one from a
# git revision), timed in the same rounds as these, for before/after ratios.
before = os.environ.get("BENCH_BEFORE_BIN")
results = []
# (what, ordered seconds, ordered RSS KiB, shuffled seconds, shuffled RSS)
side = []
# (input, before seconds, before RSS KiB, after seconds, after RSS)
compare = []


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


def shuffled(path, records):
    """path's rows in a random order (seeded, so every run times the same
    file), as path with .shuf before its extension; kept between runs.
    records: CSV, whose first line is the header and whose quoted fields
    may hold newlines, so whole records move; else one row per line."""
    root, ext = os.path.splitext(path)
    out = root + ".shuf" + ext
    if os.path.exists(out) and os.path.getmtime(out) >= \
            os.path.getmtime(path):
        return out
    print("shuffling %s ..." % path, file=sys.stderr)
    rows, head, cur, quoted = [], b"", b"", False
    with open(path, "rb") as f:
        if records:
            head = f.readline()
        for line in f:
            cur += line
            if records:
                quoted ^= line.count(b'"') % 2 == 1
            if not quoted:
                rows.append(cur)
                cur = b""
    random.Random(14).shuffle(rows)
    with open(out + ".part", "wb") as g:
        g.write(head)
        g.writelines(rows)
    os.replace(out + ".part", out)
    return out


def stored(db):
    c = sqlite3.connect(db)
    n = c.execute("SELECT count(*) FROM events").fetchone()[0]
    c.close()
    return n


def batch(where, db, conf, n=None, csv="bench.csv"):
    """The whole batch from the raw CSV in where (and its registries) to
    an XLSX: best time and peak RSS of n runs, each on a fresh database."""
    script = ("set -e; B=%s; D=%s; W=%s; $B/tte-collect -q --db $D --source "
              "units $W/units.csv; $B/tte-collect -q --db $D --source "
              "certificates $W/certificates.csv; $B/tte-collect -q --db $D "
              "--source csv $W/%s || test $? = 65; $B/tte-aggregate -q "
              "--db $D --year 2025; $B/tte-render -q --db $D --year 2025 "
              "--config %s --out $W/batch.xlsx" % (bin_, db, where, csv, conf))
    return timed(["sh", "-c", script], setup=lambda: rm_db(db), n=n)


def room_for_big():
    """Whether the disk holds the big set: about 190 bytes of CSV (twice:
    shuffled too), 420 of JSON Lines and 100 of database per row, less
    what is already there."""
    where = os.path.join(tmp, "big")
    os.makedirs(where, exist_ok=True)
    have = sum(os.path.getsize(os.path.join(where, f))
               for f in ("bench.csv", "bench.shuf.csv", "bench.jsonl")
               if os.path.exists(os.path.join(where, f)))
    need = big_rows * 900 - have
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
    shuf = os.path.basename(shuffled(csv_path, True))
    st, srss = batch(where, db, conf, n=min(runs, 2), csv=shuf)
    if stored(db) != exp["distinct"]:
        sys.exit("bench: %d events stored from %s, generator says %d" %
                 (stored(db), shuf, exp["distinct"]))
    add("whole batch, %d raw rows shuffled: collect + aggregate + render"
        % big_rows, big_rows, os.path.getsize(csv_path) / 1e6, st, srss)
    side.append(("whole batch, %d rows" % big_rows, t, rss, st, srss))
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
    return t, st, jrss, mb


def main():
    os.makedirs(tmp, exist_ok=True)
    csv_path = os.path.join(tmp, "bench.csv")
    exp = generate(tmp, rows)
    jsonl_path = os.path.join(tmp, "bench.jsonl")
    csv_mb = os.path.getsize(csv_path) / 1e6
    jsonl_mb = os.path.getsize(jsonl_path) / 1e6
    db = os.path.join(tmp, "b.db")
    csv_shuf = shuffled(csv_path, True)
    jsonl_shuf = shuffled(jsonl_path, False)
    sdb = os.path.join(tmp, "bs.db")
    sjdb = os.path.join(tmp, "js.db")

    t, rss = timed(["cat", csv_path], stdin=None)
    add("cat (read ceiling)", rows, csv_mb, t, rss)
    collect = [os.path.join(bin_, "tte-collect"), "-q", "--db", db]
    jdb = os.path.join(tmp, "j.db")
    imp = os.path.join(tmp, "imp.db")
    inputs = [("csv", db, "csv", csv_path),
              ("csv shuffled", sdb, "csv", csv_shuf),
              ("jsonl", jdb, "jsonl", jsonl_path),
              ("jsonl shuffled", sjdb, "jsonl", jsonl_shuf)]
    steps = [("import", ["sqlite3", imp, ".mode csv",
                         ".import %s ev" % csv_path], lambda: rm_db(imp))]
    for name, d, src, path in inputs:
        steps.append((name, collect[:-1] + [d, "--source", src, path],
                      lambda d=d: rm_db(d)))
        if before:
            bd = os.path.join(tmp, "before.db")
            steps.append((name + " before",
                          [os.path.join(before, "tte-collect"), "-q", "--db",
                           bd, "--source", src, path],
                          lambda bd=bd: rm_db(bd)))
    best = interleaved(steps)
    if before:
        rm_db(os.path.join(tmp, "before.db"))
        for name, _, _, _ in inputs:
            compare.append((name,) + best[name + " before"] + best[name])
    for d in (sdb, sjdb):
        if stored(d) != exp["distinct"]:
            sys.exit("bench: %d events stored from shuffled rows in %s, "
                     "generator says %d" % (stored(d), d, exp["distinct"]))
    side.append(("csv, %d rows" % rows,) + best["csv"] +
                best["csv shuffled"])
    side.append(("jsonl, %d rows" % rows,) + best["jsonl"] +
                best["jsonl shuffled"])
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
    add("tte-collect csv, shuffled", rows, csv_mb, *best["csv shuffled"])
    add("tte-collect jsonl", rows, jsonl_mb, *best["jsonl"])
    add("tte-collect jsonl, shuffled", rows, jsonl_mb,
        *best["jsonl shuffled"])
    if stored(jdb) != exp["distinct"]:
        sys.exit("bench: jsonl stored %d events, want %d" %
                 (stored(jdb), exp["distinct"]))

    # The same rows again by another name (a re-export): every row a
    # duplicate of a stored event, into a copy of the database that holds
    # them in time order and of the one that holds them shuffled.
    for stored_db, again_src, what in (
            (db, csv_shuf, "shuffled, into the rows stored in time order"),
            (sdb, csv_path, "in time order, into the rows stored shuffled")):
        again = os.path.join(tmp, "again.csv")
        shutil.copy(again_src, again)
        work = os.path.join(tmp, "again.db")

        def fresh(src=stored_db):
            rm_db(work)
            for suffix in ("", "-wal"):
                if os.path.exists(src + suffix):
                    shutil.copy(src + suffix, work + suffix)
        t, rss = timed(collect[:-1] + [work, "--source", "csv", again],
                       setup=fresh)
        c = sqlite3.connect(work)
        all_dups = c.execute(
            "SELECT accepted = 0 AND duplicates = rows_read - rejected -"
            " filtered FROM files WHERE path LIKE '%again.csv'").fetchone()[0]
        c.close()
        if stored(work) != exp["distinct"] or not all_dups:
            sys.exit("bench: the rows again added events or missed "
                     "duplicates (%d events)" % stored(work))
        add("tte-collect csv, the same rows again " + what, rows, csv_mb,
            t, rss)
        rm_db(work)
        os.remove(again)

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
        big_batch, big_shuf, big_rss, big_mb = big_runs(
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
            "", "Written by `make bench`; how to read it: bench/README.md.",
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
                   "MiB for %.0f MB" % (rss_small / 1024, best["csv"][1] /
                                        1024, csv_mb))
    summary.append("- tte-collect peak RSS, jsonl: %.1f MiB for %.0f MB%s" % (
        best["jsonl"][1] / 1024, jsonl_mb, ", %.1f MiB for %.0f MB" % (
            big_rss / 1024, big_mb) if big_batch else ""))
    # Ordered and shuffled side by side, each against .import's rows/s.
    order = ["", "Time order or not (the same rows shuffled; ratios against"
             " .import's %.3f s for %d rows, same run):" % (base_t, rows), "",
             "| input | ordered s | shuffled s | shuffled / ordered |"
             " ordered vs .import | shuffled vs .import | RSS MiB ordered |"
             " RSS MiB shuffled |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for what, ot, orss, st, srss in side:
        n = big_rows if what.startswith("whole") else rows
        order.append("| %s | %.3f | %.3f | %.2f | %.2fx | %.2fx | %.1f | "
                     "%.1f |" % (what, ot, st, st / ot, n / ot / base_rate,
                                 n / st / base_rate, orss / 1024,
                                 srss / 1024))
    summary.append("- shuffled / ordered time: %s (target <= 1.3)" % ", ".join(
        "%s %.2f" % (w, st / ot) for w, ot, _, st, _ in side))
    summary.append("- tte-collect shuffled vs .import: csv %.2fx (target "
                   "2.0x), jsonl %.2fx (target 1.5x)" % (
                       rows / side[0][3] / base_rate,
                       rows / side[1][3] / base_rate))
    summary.append("- peak RSS shuffled / ordered: %s (target within 10%%)"
                   % ", ".join("%s %.2f" % (w, srss / orss)
                               for w, _, orss, _, srss in side))
    if big_batch:
        summary.append("- whole batch, %d raw rows shuffled to XLSX: %.1f s "
                       "(target < 60 s)" % (big_rows, big_shuf))
    if compare:
        order += ["", "Before and after (the programs of %s, timed in the "
                  "same rounds):" % os.environ.get("BENCH_BEFORE", before), "",
                  "| input | before s | after s | after / before |"
                  " RSS MiB before | RSS MiB after |",
                  "|---|---:|---:|---:|---:|---:|"]
        for what, bt, brss, at, arss in compare:
            order.append("| %s, %d rows | %.3f | %.3f | %.2f | %.1f | %.1f |"
                         % (what, rows, bt, at, at / bt, brss / 1024,
                            arss / 1024))
    text = "\n".join(head + lines + order + summary) + "\n"
    print(text)
    with open(os.path.join(top, "bench", "results.md"), "w") as f:
        f.write(text)


main()
