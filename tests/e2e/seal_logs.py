#!/usr/bin/python3
"""A seal log in WITA (UTC+8) and the figures expected of it, from the
rows written: the report's WIB is UTC+7, and some events sit around new
year, where an hour decides the year. Also a second export repeating the
first 50 events, a January log of 30 events of its own, and two source
definitions, one lacking "zone".

usage: seal_logs.py DIR
Writes DIR/seal.log, part.log, jan.log, expected.json, segel-nozone.json
and segel-fixed.json; exits non-zero on any error (an exception too).
"""
import datetime as dt
import json
import random
import sys


def main(d):
    rnd = random.Random(13)
    wita = dt.timezone(dt.timedelta(hours=8))
    wib = dt.timezone(dt.timedelta(hours=7))
    start = dt.datetime(2025, 12, 31, 22, 0, 0, tzinfo=wita)
    times = set()
    while len(times) < 200:
        # 120 in the four hours around new year, 80 spread over December
        if len(times) < 120:
            t = start + dt.timedelta(seconds=rnd.randrange(4 * 3600))
        else:
            t = dt.datetime(2025, 12, 1, tzinfo=wita) + \
                dt.timedelta(seconds=rnd.randrange(29 * 86400))
        times.add(t)
    times = sorted(times)
    rows = []
    for i, t in enumerate(times):
        ok = i % 7 != 3
        rows.append("%s|SEG%04d|%s|%s|%s" % (
            t.strftime("%d-%m-%Y %H:%M:%S"), i % 5,
            "SUKSES" if ok else "GAGAL", "" if ok else "2031",
            "" if ok else "gagal segel"))
    bad = ["31-13-2025 10:00:00|SEG0001|SUKSES||", "kemarin|SEG0002|SUKSES||"]
    with open(d + "/seal.log", "w") as f:
        f.write("waktu|nomor_seri|hasil|kode|pesan\n")
        f.write("\n".join(rows[:100] + bad[:1] + rows[100:] + bad[1:]) + "\n")
    # A second export holding the first 50 events again.
    with open(d + "/part.log", "w") as f:
        f.write("waktu|nomor_seri|hasil|kode|pesan\n")
        f.write("\n".join(rows[:50]) + "\n")
    # Another log of 30 events of its own, in January.
    with open(d + "/jan.log", "w") as f:
        f.write("waktu|nomor_seri|hasil|kode|pesan\n")
        for i in range(30):
            t = dt.datetime(2026, 1, 5, 9, 0, i, tzinfo=wita)
            f.write("%s|SEG9%03d|SUKSES||\n"
                    % (t.strftime("%d-%m-%Y %H:%M:%S"), i))
    utc = sorted(t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                 for t in times)
    json.dump({"events": len(times), "rejects": len(bad),
               "y2025": sum(t.astimezone(wib).year == 2025 for t in times),
               "y2025_wrong": sum(t.replace(tzinfo=wib).year == 2025
                                  for t in times),
               "utc": utc}, open(d + "/expected.json", "w"))
    defn = {"format": "csv", "delimiter": "|",
            "time_format": "%d-%m-%Y %H:%M:%S",
            "fields": {"time": "waktu", "app": {"const": "segel-app"},
                       "unit": {"const": "Pusdatin"},
                       "cert_type": {"const": "segel"},
                       "cert_serial": "nomor_seri",
                       "result": {"column": "hasil",
                                  "map": {"SUKSES": "ok", "GAGAL": "fail"}},
                       "status_code": "kode", "message": "pesan"}}
    json.dump(defn, open(d + "/segel-nozone.json", "w"), indent=1)
    defn["zone"] = "Asia/Makassar"
    json.dump(defn, open(d + "/segel-fixed.json", "w"), indent=1)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
