#!/bin/sh
# The whole chain on generated data sets, checked against the generator's
# own counts: collect (twice), aggregate, render, read the XLSX back.
. "$(dirname "$0")/lib.sh"
plan 676

run_set() {
    seed=$1 events=$2 year=$3
    d=$TMP/set$seed db=$TMP/set$seed/report.db
    rm -rf "$d"
    check "seed $seed: generate the data set" $PY "$TOP/samples/gen.py" \
        "$d" --seed "$seed" --events "$events" --year "$year"
    check "seed $seed: collect every source with the right exit code" \
        collect_all "$d" "$db"
    same "seed $seed: database file mode" "$(stat -c %a "$db")" 600
    same "seed $seed: v_events rows" "$(q "$db" 'SELECT count(*) FROM v_events')" \
        "$(expect "$d/expected.json" 'e["v_events"]')"
    same "seed $seed: v_rejects rows" "$(q "$db" 'SELECT count(*) FROM v_rejects')" \
        "$(expect "$d/expected.json" 'e["v_rejects"]')"
    for f in $(expect "$d/expected.json" '" ".join(x["file"] for x in e["files"])'); do
        got=$(q "$db" "SELECT rows_read||','||filtered||','||accepted||','||duplicates||','||rejected FROM files WHERE path LIKE '%/$f'")
        want=$(expect "$d/expected.json" "[','.join(str(x[k]) for k in ('read','filtered','accepted','duplicates','rejected')) for x in e['files'] if x['file']=='$f'][0]")
        same "seed $seed: $f read,filtered,accepted,duplicates,rejected" "$got" "$want"
    done
    # The checks for what is absent below need rows to look at.
    same "seed $seed: files rows, one per file collected" \
        "$(q "$db" 'SELECT count(*) FROM files')" \
        "$(expect "$d/expected.json" 'sum(len(s["files"]) for s in e["collect"])')"
    same "seed $seed: read = filtered + accepted + duplicates + rejected" \
        "$(q "$db" 'SELECT count(*) FROM files WHERE rows_read <> filtered + accepted + duplicates + rejected')" 0
    same "seed $seed: there are rejects to look at" \
        "$(q "$db" 'SELECT count(*) > 0 FROM v_rejects')" 1
    same "seed $seed: every reject has a reason and a line" \
        "$(q "$db" "SELECT count(*) FROM v_rejects WHERE reason = '' OR line IS NULL")" 0
    serial=$(expect "$d/expected.json" 'e["long_serial"]')
    same "seed $seed: 26-digit serial from a JSON number keeps its digits" \
        "$(q "$db" "SELECT count(*) > 0 FROM v_events WHERE cert_serial = '$serial'")" 1
    secret=$(expect "$d/expected.json" 'e["secret"]')
    # The passphrase is searched for where it must not be only once it is
    # known to be in the input read and the database to be written.
    if test -n "$secret" && grep -rqF -- "$secret" "$d" --exclude='report.db*'
    then ok "seed $seed: the input holds the passphrase value"
    else not_ok "seed $seed: the input holds no passphrase value to look for"
    fi
    nonempty "seed $seed: the database" "$db"
    if grep -qF -- "$secret" "$db"* 2>/dev/null; then
        not_ok "seed $seed: a passphrase value reached the database"
    else ok "seed $seed: no passphrase value in the database"; fi
    same "seed $seed: rejected CSV rows keep their text, secret as ***" \
        "$(q "$db" "SELECT count(*) > 0, sum(raw NOT LIKE '%,\"***\"') FROM rejects WHERE source = 'csv' AND reason NOT LIKE 'expected%'")" "1|0"

    before=$(q "$db" 'SELECT count(*) FROM events')
    check "seed $seed: collect again: unchanged files skipped, exit 0" \
        collect_all "$d" "$db" rerun
    same "seed $seed: re-running collect adds nothing" \
        "$(q "$db" 'SELECT count(*) FROM events')" "$before"
    same "seed $seed: re-running collect keeps rejects once" \
        "$(q "$db" 'SELECT count(*) FROM v_rejects')" \
        "$(expect "$d/expected.json" 'e["v_rejects"]')"

    check "seed $seed: aggregate $year" "$TTE_BIN/tte-aggregate" -q --db "$db" --year "$year"
    check "seed $seed: aggregate twice (replaces)" "$TTE_BIN/tte-aggregate" -q --db "$db" --year "$year"
    check "seed $seed: render $year" "$TTE_BIN/tte-render" -q --db "$db" \
        --year "$year" --config "$TOP/conf/tte-report.json" \
        --template "$TOP/templates/default.json" --out "$d/year.xlsx"
    pychecks "seed $seed year: " check_report.py "$d/year.xlsx" \
        "$d/expected.json" "$TOP/templates/default.json"
    for qq in 1 4; do
        check "seed $seed: aggregate Q$qq" "$TTE_BIN/tte-aggregate" -q \
            --db "$db" --year "$year" --quarter $qq
        check "seed $seed: render Q$qq preview" "$TTE_BIN/tte-render" -q \
            --db "$db" --year "$year" --quarter $qq \
            --config "$TOP/conf/tte-report.json" \
            --template "$TOP/templates/default.json" --out "$d/q$qq.xlsx"
        pychecks "seed $seed Q$qq: " check_report.py "$d/q$qq.xlsx" \
            "$d/expected.json" "$TOP/templates/default.json" --quarter $qq
    done
}

run_set 1 3000 2025
run_set 7 1200 2024
test "$failed" = 0 && rm -rf "$TMP/set1" "$TMP/set7"
finish
