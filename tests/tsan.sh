#!/bin/sh
# tte-collect's threads under ThreadSanitizer: chunked commits, rejects
# and a kill are all handed between the reading and the writing thread,
# and a small WAL keeps the checkpointing thread busy beside them.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
out=build-tsan
make -s BUILD=$out BIN=$out/bin CC=clang OPT=-O1 CFLAGS="-g -fsanitize=thread" \
    $out/bin/tte-collect >"$out.log" 2>&1 ||
    { cat "$out.log"; echo "not ok - tsan build"; exit 1; }
tmp=tests/tmp/tsan
rm -rf "$tmp"
mkdir -p "$tmp"
/usr/bin/python3 samples/gen.py "$tmp" --events 2000 >/dev/null
/usr/bin/python3 samples/gen.py "$tmp/b" --bench-rows 20000 >/dev/null
export TSAN_OPTIONS=halt_on_error=1:exitcode=66
for src in csv jsonl; do
    for f in "$tmp"/logs/*."$src" "$tmp/b/bench.$src"; do
        TTE_COLLECT_CHUNK=700 TTE_COLLECT_WAL=65536 $out/bin/tte-collect -q --db "$tmp/t.db" \
            --source "$src" --rejects "$tmp/rej.csv" "$f" 2>"$tmp/log"
        rc=$?
        if test $rc = 0 || test $rc = 65; then
            echo "ok - tsan: collect $(basename "$f") (exit $rc)"
        else
            echo "not ok - tsan: collect $(basename "$f") exit $rc"
            sed 's/^/#   /' "$tmp/log" | head -30
        fi
    done
done
