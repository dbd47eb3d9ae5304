#!/bin/sh
# Builds the libFuzzer harnesses with clang (ASan + UBSan) and runs each for
# SECONDS (default 60) from a seed corpus. make fuzz runs it; make test runs
# a short smoke run. Prints "ok - ..." / "not ok - ..." per harness.
set -u
secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 70
out=build-fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
make -s BUILD=$out BIN=$out/bin CC=clang OPT=-O1 \
    CFLAGS="-g $san -fsanitize=fuzzer-no-link" \
    $out/libtte.a $(ls collect/*.c collect/*/*.c | grep -v main.c | sed "s|^|$out/|; s|\.c$|.o|") \
    $out/evidence/statement.o $out/evidence/range.o $out/evidence/records.o \
    $out/evidence/pdfsig.o \
    >"$out.log" 2>&1 || { cat "$out.log"; echo "not ok - fuzz build"; exit 1; }
objs=$(ls collect/*.c collect/*/*.c | grep -v main.c | sed "s|^|$out/|; s|\.c$|.o|")
flags="-g -O1 -Ilib $san -fsanitize=fuzzer $(pkg-config --cflags libcjson)"
libs="$(pkg-config --libs sqlite3 libcjson openssl libpcre2-8 libzip expat libxxhash) -lcsv -lm"
fail=0
build() {
    clang $flags "$@" $objs $out/libtte.a $libs || {
        echo "not ok - fuzz build $*"; exit 1; }
}
build -DFUZZ_SOURCE='"csv"' -o $out/fuzz_csv tests/fuzz/fuzz_reader.c
build -DFUZZ_SOURCE='"jsonl"' -o $out/fuzz_jsonl tests/fuzz/fuzz_reader.c
build -DFUZZ_DEFINITION='"tests/fuzz/lines.json"' -DFUZZ_EXT='"log"' \
    -o $out/fuzz_lines tests/fuzz/fuzz_reader.c
build -DFUZZ_DEFINITION='"tests/fuzz/xlsx.json"' -DFUZZ_EXT='"xlsx"' \
    -o $out/fuzz_xlsx tests/fuzz/fuzz_reader.c
build -o $out/fuzz_source tests/fuzz/fuzz_source.c
# tte-evidence: its statement matching and its walk over signature fields.
objs="$out/evidence/statement.o $out/evidence/range.o $out/evidence/records.o $out/evidence/pdfsig.o"
libs="$libs $(pkg-config --libs libqpdf)"
build -o $out/fuzz_statement tests/fuzz/fuzz_statement.c
build -o $out/fuzz_pdfsig tests/fuzz/fuzz_pdfsig.c

# Seeds: the hand-written corpora, a slice of generated logs, definitions.
seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds/csv" "$seeds/jsonl" "$seeds/source" "$seeds/lines" \
    "$seeds/xlsx"
/usr/bin/python3 tests/e2e/corpus.py "$seeds/c" >/dev/null
/usr/bin/python3 samples/gen.py "$seeds/g" --events 200 >/dev/null
for f in "$seeds"/c/csv/*.csv; do
    test "$(wc -c <"$f")" -lt 100000 && cp "$f" "$seeds/csv/"; done
head -c 20000 "$seeds/g/logs/srikandi-2025.csv" >"$seeds/csv/gen.csv"
split -l 1 "$seeds/c/json/corpus.jsonl" "$seeds/jsonl/line"
head -20 "$seeds/g/logs/persuratan-2025.jsonl" >"$seeds/jsonl/gen.jsonl"
cp conf/sources/*.json "$seeds/source/"
/usr/bin/python3 tests/e2e/formats_world.py "$seeds/l" lines 40 >/dev/null &&
    split -l 20 "$seeds/l/esign.log" "$seeds/lines/log"
/usr/bin/python3 tests/e2e/formats_world.py "$seeds/x" xlsx 30 >/dev/null &&
    cp "$seeds/x/log.xlsx" "$seeds/x/mac.xlsx" "$seeds/xlsx/"
mkdir -p "$seeds/statement" "$seeds/pdfsig"
/usr/bin/python3 tests/e2e/evidence_fixtures.py "$seeds/ev" >/dev/null
cp "$seeds"/ev/srikandi/*.pdf "$seeds"/ev/persuratan/*.pdf "$seeds/pdfsig/"
for f in "$seeds"/ev/srikandi/0[136]*.pdf; do
    pdftotext "$f" "$seeds/statement/$(basename "$f" .pdf).txt" 2>/dev/null
done
# The harnesses write each input to a file there; removed at the end.
scratch=$out/scratch
mkdir -p "$scratch"
for h in csv jsonl lines xlsx source statement pdfsig; do
    mkdir -p "$out/corpus-$h"
    if TMPDIR=$scratch ASAN_OPTIONS=detect_leaks=1 $out/fuzz_$h \
        -max_total_time="$secs" \
        -max_len=65536 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$out/" \
        "$out/corpus-$h" "$seeds/$h" >"$out/fuzz_$h.log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
               "$out/fuzz_$h.log" | grep -o '[0-9]*$')
        echo "ok - fuzz $h: ${runs:-?} inputs in ${secs}s, no crash"
    else
        echo "not ok - fuzz $h crashed:"
        grep -A15 'ERROR\|SUMMARY' "$out/fuzz_$h.log" | head -30 | sed 's/^/#   /'
        fail=1
    fi
done
rm -rf "$scratch" "$seeds"
exit $fail
