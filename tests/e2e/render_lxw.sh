#!/bin/sh
# libxlsxwriter refusing a call never yields a report with a cell, a chart
# or the whole workbook silently missing: a shim (lxwshim.c) makes one call
# fail; tte-render exits 70 (a refused call) or 74 (a file it could not
# write), names the sheet and the cell, and leaves no file behind.
. "$(dirname "$0")/lib.sh"
plan 33

d=$TMP/lxw db=$TMP/lxw/report.db
rm -rf "$d"
mkdir -p "$d/out"
$PY "$TOP/samples/gen.py" "$d" --seed 5 --events 300 --year 2025 >/dev/null
collect_all "$d" "$db" >/dev/null || not_ok "collect the data set"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 ||
    not_ok "aggregate the data set"
check "build the libxlsxwriter shim" cc -shared -fPIC -o "$d/lxwshim.so" \
    "$TOP/tests/e2e/lxwshim.c" -ldl
first=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["sheets"][0]["name"])' \
    "$TOP/templates/default.json")
out=$d/out/Laporan.xlsx

# shimmed FAIL: tte-render with the shim, FAIL_LXW=FAIL.
shimmed() {
    env FAIL_LXW="$1" LD_PRELOAD="$d/lxwshim.so" \
        ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
        "$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
        --config "$TOP/conf/tte-report.json" --out "$out"
}

# The control: the shim loaded, nothing failed, a whole report.
status 0 "with the shim and no failure: a report" shimmed ""
nonempty "with the shim and no failure: the report" "$out"
rm -f "$out"

# refused CALL WANT-EXIT MESSAGE-RE: the call fails; the exit, the message,
# no report and no temporary.
refused() {
    rm -f "$out"
    status "$2" "$1 refused" shimmed "$1"
    if grep -q "$3" "$TMP/out"; then ok "$1 refused: the message names it"
    else
        not_ok "$1 refused: no message matching '$3'"
        sed 's/^/#   /' "$TMP/out" | tail -5
    fi
    test ! -e "$out" && ok "$1 refused: no report" ||
        not_ok "$1 refused: a report was left"
    same "$1 refused: no temporary left" "$(ls "$d/out" | grep -c .)" 0
}

refused worksheet_write_string 70 \
    "sheet '$first' cell A[0-9]*: worksheet_write_string: Memory error"
# Half-way through a sheet: a list one row short must not pass.
refused worksheet_write_string:200 70 \
    "sheet '[^']*' cell [A-Z]*[0-9]*: worksheet_write_string: "
refused worksheet_write_number 74 \
    "sheet '[^']*' cell [A-Z]*[0-9]*: worksheet_write_number: .*tmpfile"
refused worksheet_insert_chart_opt 70 \
    "sheet '[^']*' cell A[0-9]*: worksheet_insert_chart: Memory error"
refused workbook_add_format 70 "workbook_add_format: Memory error"
refused workbook_add_format:5 70 "workbook_add_format: Memory error"
refused workbook_close 74 "cannot write '$out': .*"

# Everything the shim made fail is gone: the same render, unshimmed, is a
# whole report again.
status 0 "without a failure: a report again" shimmed ""
nonempty "without a failure: the report" "$out"

rm -rf "$d"
finish
