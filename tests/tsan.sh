#!/bin/sh
# tte-collect's threads under ThreadSanitizer: chunked commits, rejects,
# filtered rows and a kill are all handed between the reading and the
# writing thread, a small WAL keeps the checkpointing thread busy beside
# them, while rows out of time order (a file's rows repeated) are merged
# from sorted runs (a 64 KiB sort makes runs).
# Every shipped source definition (filters, value maps, encodings) runs on
# a file long enough for the threads to overlap, once for each place rows
# may be validated (TTE_COLLECT_BALANCE), then its head a few times over,
# each into a new database: the first batches, while the writer is still
# slow, are where an unsynchronised access shows most.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
out=${TSAN_BUILD:-build-tsan}
make -s BUILD=$out BIN=$out/bin CC=clang OPT=-O1 CFLAGS="-g -fsanitize=thread" \
    $out/bin/tte-collect >"$out.log" 2>&1 ||
    { cat "$out.log"; echo "not ok - tsan build"; exit 1; }
tmp=$top/tests/tmp/tsan
rm -rf "$tmp"
mkdir -p "$tmp/big"
/usr/bin/python3 samples/gen.py "$tmp" --events 2000 >/dev/null
/usr/bin/python3 samples/gen.py "$tmp/b" --bench-rows 20000 >/dev/null
# io_sync=0: file reads and writes imply no ordering between the threads,
# so that only the queue's own synchronisation counts.
export TSAN_OPTIONS=halt_on_error=1:exitcode=66:io_sync=0
lines=${TSAN_LINES:-80000}

# grow IN OUT HEADER: OUT holds IN's rows repeated to about $lines lines
# (after IN's header line when HEADER is 1). Repeats are duplicates to the
# writer, which is work like any other.
grow() {
    /usr/bin/python3 - "$1" "$2" "$3" "$lines" <<'EOF'
import sys
src, dst, header, want = sys.argv[1], sys.argv[2], sys.argv[3] == "1", \
    int(sys.argv[4])
data = open(src, "rb").read().splitlines(keepends=True)
head, body = (data[:1], data[1:]) if header else ([], data)
out = list(head)
while len(out) < want:
    out += body
open(dst, "wb").writelines(out)
EOF
}

n=0
# one SOURCE BALANCE FILE: collects FILE into a fresh database.
one() {
    n=$((n + 1))
    rm -f "$tmp/t.db" "$tmp/t.db-wal" "$tmp/t.db-shm"
    TTE_COLLECT_BALANCE=$2 TTE_COLLECT_CHUNK=700 TTE_COLLECT_WAL=65536 \
        TTE_COLLECT_SORT=65536 \
        $out/bin/tte-collect -q --db "$tmp/t.db" --source "$1" \
        --rejects "$tmp/rej.csv" "$3" 2>"$tmp/log"
    rc=$?
    what="tsan: $1 $(basename "$3") balance=$2"
    if test $rc = 0 || test $rc = 65; then
        echo "ok $n - $what (exit $rc)"
    else
        echo "not ok $n - $what: exit $rc"
        sed 's/^/#   /' "$tmp/log" | head -40
    fi
}

# run SOURCE FILE STARTS: FILE with each balance, then its head STARTS
# times, from a fresh start each.
run() {
    h=$tmp/head-$(basename "$2")
    head -n 3000 "$2" >"$h"
    for bal in r w a; do
        one "$1" $bal "$2"
        for k in $(seq "$3"); do
            one "$1" $bal "$h"
        done
    done
    rm -f "$h"
}

for src in csv jsonl; do
    for f in "$tmp"/logs/*."$src" "$tmp/b/bench.$src"; do
        run "$src" "$f" 2
    done
done
for def in conf/sources/*.json; do
    name=$(basename "$def" .json)
    f=$(ls "$tmp/systems/$name".* 2>/dev/null | head -1)
    if test -z "$f"; then
        n=$((n + 1))
        echo "not ok $n - tsan: no sample file for source $name"
        continue
    fi
    case $f in *.csv) header=1 ;; *) header=0 ;; esac
    big=$tmp/big/$(basename "$f")
    grow "$f" "$big" $header
    # A filter makes rows the reading thread alone sees: the place for a
    # counter shared by mistake. Many starts, since a race
    # shows only when the threads happen to overlap on it.
    starts=2
    grep -q '"filter"' "$def" && starts=12
    run "$def" "$big" $starts
done
rm -rf "$tmp"
