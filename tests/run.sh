#!/bin/sh
# Runs every test twice: with the normal build and with the
# AddressSanitizer + UndefinedBehaviorSanitizer build. Counts the "ok" and
# "not ok" lines of cmocka (TAP output) and of the end-to-end scripts, and
# ends with "N passed, N failed". Exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
tmp=$top/tests/tmp
rm -rf "$tmp"
mkdir -p "$tmp"
passed=0
failed=0
# e2e scripts must declare how many checks they run (plan N, lib.sh).
need_plan=0
export CMOCKA_MESSAGE_OUTPUT=TAP
# Leak checks on; abort on the first UBSan report.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run LABEL SCRATCH CMD...: runs one test program, counts its ok/not ok
# lines; a program that fails without any "not ok" line counts as one
# failure. SCRATCH (may be empty) is the test's folder, removed when it
# passes.
run() {
    label=$1 scratch=$2; shift 2
    log=$tmp/$(echo "$label" | tr ' /' '__').log
    "$@" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    why=
    if test "$rc" != 0 && test "$f" = 0; then f=1; fi
    # A check can vanish three ways: a Python block that raises (its
    # remaining prints never happen), a script that stops early, a script
    # that prints nothing. Each is a failure of its own.
    tb=$(grep -c '^Traceback (most recent call last):' "$log")
    if test "$tb" != 0; then f=$((f + tb)); why="$why; $tb Python traceback(s)"; fi
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" |
        awk '{ s += $1 } END { print s + 0 }')
    ran=$(($(grep -c '^ok ' "$log") + $(grep -c '^not ok ' "$log")))
    if test "$ran" = 0; then
        f=$((f + 1)); why="$why; printed no checks"
    elif test "$need_plan" = 1 && test "$plan" = 0; then
        f=$((f + 1)); why="$why; declares no plan"
    elif test "$plan" != 0 && test "$plan" != "$ran"; then
        f=$((f + 1)); why="$why; ran $ran checks, planned $plan"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if test "$f" = 0; then
        echo "PASS $label ($p checks)"
        # A passing test leaves nothing behind; a failing one keeps its
        # scratch folder and log for a look.
        rm -f "$log"
        test -n "$scratch" && rm -rf "$scratch"
    else
        echo "FAIL $label ($p passed, $f failed; exit $rc$why)"
        grep -v '^ok ' "$log" | head -40 | sed 's/^/    /'
    fi
}

suite() {
    kind=$1 build=$2 bin=$3
    for t in "$build"/tests/test_*; do
        run "$kind unit $(basename "$t")" "" "$t"
    done
    for t in tests/e2e/*.sh; do
        case $t in */lib.sh|*/office.sh) continue ;; esac
        name=$(basename "$t" .sh)
        need_plan=1
        run "$kind e2e $name" "$tmp/$kind-$name" \
            env TMP="$tmp/$kind-$name" TTE_BIN="$bin" sh "$t"
        need_plan=0
    done
}

echo "== build"
make -s WERROR=1 all unit-bin >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log"; echo "0 passed, 1 failed"; exit 1; }
make -s WERROR=1 BUILD=build-asan BIN=build-asan/bin OPT=-O1 \
    CFLAGS="-g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
    all unit-bin >"$tmp/build-asan.log" 2>&1 ||
    { cat "$tmp/build-asan.log"; echo "0 passed, 1 failed"; exit 1; }

echo "== tests"
suite plain build bin
echo "== tests under ASan/UBSan"
suite asan build-asan build-asan/bin
if test -x tests/fuzz/run.sh || test -f tests/fuzz/run.sh; then
    run "fuzz smoke" "" sh tests/fuzz/run.sh "${FUZZ_SECONDS:-10}"
fi
if command -v clang >/dev/null 2>&1; then
    run "threads under TSan" "" sh tests/tsan.sh
fi
# The house style is enforced, as curl's checksrc is: a C file that
# make fmt would change fails the run.
run "style (make fmt-check)" "" sh -c \
    'make -s fmt-check && echo "ok - every C file as .clang-format says"'
if command -v mandoc >/dev/null 2>&1 && ls man/*.[15] >/dev/null 2>&1; then
    run "man pages lint" "" sh tests/lint-man.sh
fi
if command -v libreoffice >/dev/null 2>&1; then
    need_plan=1
    run "office" "$tmp/office" \
        env TTE_BIN=bin TMP="$tmp/office" sh tests/e2e/office.sh
    need_plan=0
fi

echo "$passed passed, $failed failed"
if test "$failed" = 0; then
    rm -rf "$tmp"
else
    echo "logs and scratch folders of the failed tests: $tmp"
fi
test "$failed" = 0
