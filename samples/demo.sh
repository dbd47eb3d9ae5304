#!/bin/sh
# make demo: generates a year of sample logs, runs the chain with
# tte-report (collect -> aggregate -> render) for the year and for a
# quarterly preview, and prints where the reports are.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
year=${DEMO_YEAR:-2025}
data=samples/data
db=out/demo.db
mkdir -p out
rm -f "$db" "$db-wal" "$db-shm"
/usr/bin/python3 samples/gen.py "$data" --year "$year" --events 3000
# The scheduled path itself: tte-report runs collect (every source of
# conf/tte-report.json), aggregate and render, as the year-end timer does.
# Rows with deliberate errors are rejected and kept (Kualitas Data).
echo "== tte-report: the year-end batch"
bin/tte-report --config conf/tte-report.json --db "$db" --year "$year"
echo "== tte-report: a quarterly preview (PRATINJAU)"
bin/tte-report --config conf/tte-report.json --db "$db" --year "$year" \
    --quarter 4
echo
echo "Events:  $(sqlite3 "$db" 'SELECT count(*) FROM v_events') distinct, $(sqlite3 "$db" 'SELECT count(*) FROM v_rejects') rejected rows kept in v_rejects"
echo "Report:  $top/out/Laporan-TTE-BPIP-$year.xlsx"
echo "Preview: $top/out/Laporan-TTE-BPIP-$year-Triwulan-4-pratinjau.xlsx"
