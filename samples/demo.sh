#!/bin/sh
# make demo: generates a year of sample logs, runs collect -> aggregate ->
# render, and prints where the report is.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
year=${DEMO_YEAR:-2025}
data=samples/data
db=out/demo.db
mkdir -p out
rm -f "$db" "$db-wal" "$db-shm"
/usr/bin/python3 samples/gen.py "$data" --year "$year" --events 3000
echo "== collect (rows with deliberate errors are rejected and kept)"
for s in units apps certificates verifikator; do
    bin/tte-collect --db "$db" --source "$s" "$data/$s.csv"
done
# 65 means "some rows were rejected": expected for the sample's bad rows.
bin/tte-collect --db "$db" --source csv "$data"/logs/*.csv || test $? = 65
bin/tte-collect --db "$db" --source jsonl "$data"/logs/*.jsonl || test $? = 65
for def in conf/sources/*.json; do
    test -e "$def" || continue
    name=$(basename "$def" .json)
    ls "$data/systems/$name".* >/dev/null 2>&1 || continue
    bin/tte-collect --db "$db" --source "$name" "$data/systems/$name".* ||
        test $? = 65
done
echo "== aggregate"
bin/tte-aggregate --db "$db" --year "$year"
bin/tte-aggregate --db "$db" --year "$year" --quarter 4
echo "== render"
bin/tte-render --db "$db" --year "$year" --config conf/tte-report.json \
    --out "out/Laporan-TTE-BPIP-$year.xlsx"
bin/tte-render --db "$db" --year "$year" --quarter 4 \
    --config conf/tte-report.json \
    --out "out/Laporan-TTE-BPIP-$year-Triwulan-4-pratinjau.xlsx"
echo
echo "Events:  $(sqlite3 "$db" 'SELECT count(*) FROM v_events') distinct, $(sqlite3 "$db" 'SELECT count(*) FROM v_rejects') rejected rows kept in v_rejects"
echo "Report:  $top/out/Laporan-TTE-BPIP-$year.xlsx"
echo "Preview: $top/out/Laporan-TTE-BPIP-$year-Triwulan-4-pratinjau.xlsx"
