#!/bin/sh
# The command-line contract: help, version, usage errors, missing input,
# bad rows, bad templates and definitions, each with its sysexits code.
. "$(dirname "$0")/lib.sh"
plan 62

db=$TMP/e.db
for p in collect aggregate render send report; do
    status 0 "tte-$p --help" "$TTE_BIN/tte-$p" --help
    grep -q "^usage: tte-$p" "$TMP/out" && ok "tte-$p --help prints usage" ||
        not_ok "tte-$p --help prints usage"
    status 0 "tte-$p --version" "$TTE_BIN/tte-$p" --version
    grep -q "^tte-$p [0-9]" "$TMP/out" && ok "tte-$p --version prints it" ||
        not_ok "tte-$p --version prints it"
    status 64 "tte-$p unknown option" "$TTE_BIN/tte-$p" --no-such-option
    grep -q "Try 'tte-$p --help'" "$TMP/out" && ok "tte-$p usage hint" ||
        not_ok "tte-$p usage hint"
done
status 64 "collect without --source" "$TTE_BIN/tte-collect" --db "$db" x.csv
status 64 "collect without files" "$TTE_BIN/tte-collect" --db "$db" --source csv
status 64 "collect unknown source" "$TTE_BIN/tte-collect" --db "$db" \
    --source nosuchsystem x.csv
status 66 "collect missing file" "$TTE_BIN/tte-collect" --db "$db" \
    --source csv "$TMP/does-not-exist.csv"
grep -q "does-not-exist.csv" "$TMP/out" && ok "missing file is named" ||
    not_ok "missing file is named"
status 66 "aggregate without a database" "$TTE_BIN/tte-aggregate" \
    --db "$TMP/none.db" --year 2025
test ! -e "$TMP/none.db" && ok "aggregate creates no database" ||
    not_ok "aggregate creates no database"
status 64 "aggregate bad quarter" "$TTE_BIN/tte-aggregate" --db "$db" \
    --year 2025 --quarter 5
status 64 "aggregate bad year" "$TTE_BIN/tte-aggregate" --db "$db" --year 25

# Bad rows: exit 65, the good rows stored, the bad ones kept with reasons.
printf 'time,app,unit,nik,result\n2025-03-01T10:00:00+07:00,srikandi,Biro Umum,3171014501900001,ok\nnot-a-time,srikandi,Biro Umum,3171014501900001,ok\n2025-03-01T10:00:00+07:00,srikandi,Biro Umum,3171014501900001,perhaps\n' >"$TMP/bad.csv"
status 65 "collect with bad rows" "$TTE_BIN/tte-collect" --db "$db" \
    --source csv "$TMP/bad.csv"
grep -qx "tte-collect: $TMP/bad.csv:3: cannot parse time 'not-a-time'" \
    "$TMP/out" && ok "reject message is 'tte-collect: file:line: what'" ||
    not_ok "reject message is 'tte-collect: file:line: what'"
status 65 "collect -q with bad rows" "$TTE_BIN/tte-collect" -q --db "$TMP/q.db" \
    --source csv "$TMP/bad.csv" --rejects "$TMP/bad-rej.csv"
grep -q "bad.csv:4: result 'perhaps'" "$TMP/out" &&
    ok "-q still names each bad row" || not_ok "-q still names each bad row"
same "good row stored" "$(q "$db" 'SELECT count(*) FROM v_events')" 1
same "bad rows kept with line and reason" \
    "$(q "$db" "SELECT group_concat(line || ':' || reason, '|') FROM v_rejects")" \
    "3:cannot parse time 'not-a-time'|4:result 'perhaps' is neither ok nor fail"
status 65 "--strict stops at the first bad row" "$TTE_BIN/tte-collect" \
    --db "$TMP/strict.db" --strict --source csv "$TMP/bad.csv"
printf 'time,app\n2025-01-01T00:00:00Z,x\n' >"$TMP/nocols.csv"
status 65 "file without required columns" "$TTE_BIN/tte-collect" \
    --db "$db" --source csv "$TMP/nocols.csv"
grep -q "missing column 'unit'" "$TMP/out" && ok "missing column named" ||
    not_ok "missing column named"

# --check writes nothing and shows canonical rows with reasons.
status 65 "--check exits 65 when rows would be rejected" \
    "$TTE_BIN/tte-collect" --check --db "$TMP/check.db" \
    --source csv "$TMP/bad.csv"
grep -q "nik=3171••••••••0001" "$TMP/out" && ok "--check masks NIK" ||
    not_ok "--check masks NIK"
grep -q "rejected: result 'perhaps'" "$TMP/out" && ok "--check shows reasons" ||
    not_ok "--check shows reasons"
# Only now, the rows shown: a --check that read nothing creates nothing.
test ! -e "$TMP/check.db" && ok "--check creates no database" ||
    not_ok "--check creates no database"

# Render before aggregate, with a bad template, to a bad place.
status 66 "render of a period never aggregated" "$TTE_BIN/tte-render" \
    --db "$db" --year 2025 --config "$TOP/conf/tte-report.json" \
    --template "$TOP/templates/default.json" --out "$TMP/r.xlsx"
status 66 "render without database" "$TTE_BIN/tte-render" \
    --db "$TMP/none.db" --year 2025 --out "$TMP/r.xlsx"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
if k=$($PY "$TOP/tests/e2e/alter_fixture.py" bad-header \
    "$TOP/templates/default.json" "$TMP/bad-template.json")
then ok "a template with a number for a header (block $k)"
else not_ok "a template with a number for a header: alter_fixture.py failed"
fi
status 78 "template with a bad header" "$TTE_BIN/tte-render" --db "$db" \
    --year 2025 --template "$TMP/bad-template.json" --out "$TMP/r.xlsx"
grep -q "sheets\[2\].blocks\[$k\].columns\[1\].header" "$TMP/out" &&
    ok "template error names the key" || not_ok "template error names the key"
check "a template with a broken query" \
    $PY "$TOP/tests/e2e/alter_fixture.py" bad-query \
    "$TOP/templates/default.json" "$TMP/bad-query.json"
status 78 "template with a broken query" "$TTE_BIN/tte-render" --db "$db" \
    --year 2025 --template "$TMP/bad-query.json" --out "$TMP/r.xlsx"
grep -q "sheets\[1\].blocks\[1\]: query does not run: no such column: nope" \
    "$TMP/out" && ok "the broken query is named" ||
    not_ok "the broken query is named"
# The render stopped at that query: neither the report nor its temporary
# (OUT.tmpPID) is left.
test -z "$(find "$TMP" -maxdepth 1 -name 'r.xlsx*')" &&
    ok "no partial XLSX left behind" || not_ok "no partial XLSX left behind"
status 73 "render into a missing folder" "$TTE_BIN/tte-render" --db "$db" \
    --year 2025 --template "$TOP/templates/default.json" \
    --out "$TMP/no/such/dir/r.xlsx"
test "$failed" = 0 && (cd "$TMP" && rm -f bad.csv bad-rej.csv nocols.csv \
    bad-template.json bad-query.json e.db* q.db* strict.db* out)
finish
