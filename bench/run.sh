#!/bin/sh
# make bench: generates BENCH_ROWS rows (default 1,000,000) into bench/tmp
# and times every stage against sqlite3's own .import in the same run; then
# the whole batch on BENCH_BIG_ROWS raw rows (default 10,000,000; 0 skips).
# BENCH_BEFORE=REV (a git revision) also times that revision's tte-collect
# in the same rounds, built into bench/tmp/before.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${BENCH_BEFORE:-}" ]; then
    rev=$(git -C "$top" rev-parse --verify "$BENCH_BEFORE^{commit}")
    dir=$top/bench/tmp/before
    if [ "$(cat "$dir/REV" 2>/dev/null)" != "$rev" ]; then
        echo "building $BENCH_BEFORE ($rev) into $dir ..." >&2
        rm -rf "$dir" && mkdir -p "$dir"
        git -C "$top" archive "$rev" | tar -x -C "$dir"
        make -s -C "$dir" all >&2
        echo "$rev" >"$dir/REV"
    fi
    BENCH_BEFORE_BIN=$dir/bin
    export BENCH_BEFORE_BIN
fi
exec /usr/bin/python3 "$top/bench/bench.py" "$top" "${BENCH_ROWS:-1000000}" \
    "${BENCH_RUNS:-5}" "${BENCH_BIG_ROWS-10000000}"
