#!/bin/sh
# make bench: generates BENCH_ROWS rows (default 1,000,000) into bench/tmp
# and times every stage against sqlite3's own .import in the same run; then
# the whole batch on BENCH_BIG_ROWS raw rows (default 10,000,000; 0 skips).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
exec /usr/bin/python3 "$top/bench/bench.py" "$top" "${BENCH_ROWS:-1000000}" \
    "${BENCH_RUNS:-5}" "${BENCH_BIG_ROWS-10000000}"
