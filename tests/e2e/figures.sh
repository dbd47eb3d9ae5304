#!/bin/sh
# The figures a reviewer reads first, on a data set the other tests do not
# use (seed 11): people not identifiers, certificates judged by their
# dates, Kualitas Data that adds up, a cover that says what it counts and
# who signs it. Expected values come from the generator's simulated people
# and certificates (samples/gen.py), never from identifiers the code uses.
. "$(dirname "$0")/lib.sh"
plan 343

d=$TMP/fig db=$TMP/fig/report.db
check "generate the data set (seed 11)" \
    $PY "$TOP/samples/gen.py" "$d" --seed 11 --events 900 --year 2025
check "collect the data set" collect_all "$d" "$db"
conf=$TOP/conf/tte-report.json
tpl=$TOP/templates/default.json

for qq in 0 2 3; do
    if test $qq = 0; then label=year; set -- ; else
        label=Q$qq; set -- --quarter $qq; fi
    check "$label: aggregate" "$TTE_BIN/tte-aggregate" -q --db "$db" \
        --year 2025 "$@"
    check "$label: render" "$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
        "$@" --config "$conf" --template "$tpl" --out "$d/$label.xlsx"
    pychecks "figures $label: " check_report.py "$d/$label.xlsx" \
        "$d/expected.json" "$tpl" "$@"
done

# The one-page summary (templates/ringkas.json) gives the cover's figures,
# as the generator counts them.
check "ringkas: aggregate" "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
check "ringkas: render" "$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$conf" --template "$TOP/templates/ringkas.json" \
    --out "$d/ringkas.xlsx"
pychecks "" check_cover.py ringkas "$d/ringkas.xlsx" "$d/expected.json"

# The resolution is stored once and every summary reads it: a person
# logged by NIK, NIP and serial is one person in agg_signer.
same "agg_signer: every identity of the year resolved to a person" \
    "$(q "$db" "SELECT count(*) FROM agg_signer WHERE period = '2025' AND person IS NULL")" 0
same "agg_signer: matched by serial, NIK and NIP" \
    "$(q "$db" "SELECT group_concat(m) FROM (SELECT DISTINCT matched_by AS m FROM agg_signer WHERE period = '2025' AND matched_by IS NOT NULL ORDER BY m)")" \
    "nik,nip,serial"
same "cover figure = Per Unit Kerja Total, not a sum of units" \
    "$(q "$db" "SELECT signers_active < (SELECT sum(signers_active) FROM agg_unit WHERE period = '2025') FROM agg_period WHERE period = '2025'")" 1

# A registry that names its export date exported_on.
mkdir -p "$d/alt"
check "a registry naming its export date exported_on" \
    $PY "$TOP/tests/e2e/alter_fixture.py" exported-on "$d/certificates.csv" \
    "$d/alt/certificates.csv" 2026-02-03
cp "$db" "$d/alt/report.db"
check "collect the exported_on registry" collect --db "$d/alt/report.db" \
    --source certificates "$d/alt/certificates.csv"
check "aggregate with the exported_on registry" "$TTE_BIN/tte-aggregate" -q \
    --db "$d/alt/report.db" --year 2025
same "exported_on is the registry's snapshot date" \
    "$(q "$d/alt/report.db" "SELECT registry_date FROM agg_period WHERE period = '2025'")" \
    2026-02-03
printf 'nik,nip,name,unit,cert_type,cert_serial,not_after,status,status_since\n,,X,Biro Umum,individu,AB12,2026-01-01,REVOKE,31-12-2025\n' \
    >"$d/alt/bad.csv"
status 65 "a status_since that is not a date is rejected" \
    "$TTE_BIN/tte-collect" -q --db "$d/alt/report.db" --source certificates \
    "$d/alt/bad.csv"

# The reporting official: tte-render warns, tte-send refuses (78) without
# --force while the configuration holds a placeholder.
"$TTE_BIN/tte-render" --db "$db" --year 2025 --config "$conf" \
    --out "$d/w.xlsx" 2>"$TMP/err" >/dev/null
same "tte-render warns about a placeholder official" \
    "$(grep -c 'official is a placeholder' "$TMP/err")" 1
"$TTE_BIN/tte-render" -v --db "$db" --year 2025 --config "$conf" \
    --out "$d/w.xlsx" 2>"$TMP/err" >/dev/null
same "tte-render -v: the placeholder said once, in the summary" \
    "$(grep -c 'placeholder' "$TMP/err")" 1
check "a configuration with the official filled in" \
    $PY "$TOP/tests/e2e/alter_fixture.py" fill-official "$conf" \
    "$d/filled.json" "Dr. Contoh Pejabat, S.Kom." 197001012000031001
"$TTE_BIN/tte-render" --db "$db" --year 2025 --config "$d/filled.json" \
    --out "$d/Laporan-TTE-BPIP-2025.xlsx" 2>"$TMP/err" >/dev/null
same "render with the official filled in: exit" "$?" 0
nonempty "render with the official filled in" \
    "$d/Laporan-TTE-BPIP-2025.xlsx"
same "no warning once the official is filled in" \
    "$(grep -c 'placeholder' "$TMP/err")" 0
status 78 "tte-send refuses a placeholder official" "$TTE_BIN/tte-send" \
    --db "$db" --config "$conf" --report "$d/Laporan-TTE-BPIP-2025.xlsx" \
    --smtp smtp://127.0.0.1:1 --from a@b.c --to d@e.f
status 0 "tte-send --dry-run still writes the message for review" \
    "$TTE_BIN/tte-send" --db "$db" --config "$conf" \
    --report "$d/Laporan-TTE-BPIP-2025.xlsx" --dry-run "$d/m.eml"
pychecks "" check_cover.py approval "$d/Laporan-TTE-BPIP-2025.xlsx" \
    197001012000031001 pusdatin@bpip.go.id
test "$failed" = 0 && rm -rf "$d"
finish
