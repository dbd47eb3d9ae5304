#!/bin/sh
# tte-collect and the faults a year of operation brings. A log
# read while it is written, empty registries, --rejects naming an input,
# counts across runs, a huge line, a FIFO, CR-only lines, NIKs and secrets
# in reasons and raw text, bad delimiters and --check on registries.
# Expected figures come from tests/e2e/faults.py, which writes the rows.
. "$(dirname "$0")/lib.sh"
plan 151

d=$TMP/faults
rm -rf "$d"
mkdir -p "$d"
F="$PY $TOP/tests/e2e/faults.py"
C=$TTE_BIN/tte-collect
# rss CMD...: exit status and peak memory (MB) of CMD. Under ASan, freed
# memory waits in a quarantine (and its per-thread caches) of 256 MB: off
# for this measurement, to measure ours.
# Rows are validated on the reading thread: otherwise the queue may carry
# up to 72 MiB of row text to the writer, bounded by design (queue.c).
rss() {
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0" \
        TTE_COLLECT_BALANCE=reader $F maxrss "$@"
}
# lines DB: events whose doc_id D<n> is not on line n (0 when right).
lines() { q "$1" "SELECT count(*) FROM v_events WHERE doc_id <> 'D' || line"; }

# --- 19.1: a log collected while its application still writes ----------
for fmt in csv jsonl; do
    db=$d/part-$fmt.db f=$d/part.$fmt
    $F rows $fmt 10 >"$f"
    # Half of the eleventh row, as a writer flushing a block leaves it.
    $F rows $fmt 1 10 | head -c 25 >>"$f"
    status 0 "$fmt: an unterminated last line is neither read nor rejected" \
        "$C" --db "$db" --source $fmt "$f"
    grep -q "line not ended yet" "$TMP/out" &&
        ok "$fmt: the run says it left the last line for the next run" ||
        not_ok "$fmt: the run says it left the last line for the next run"
    same "$fmt: events before the line is ended" \
        "$(q "$db" 'SELECT count(*) FROM events')" 10
    nonempty "$fmt: the run wrote its database" "$db"
    same "$fmt: no reject for the unended line" \
        "$(q "$db" 'SELECT count(*) FROM rejects')" 0
    $F rows $fmt 6 10 | tail -c +26 >>"$f"
    status 0 "$fmt: the next run resumes at the unended line" \
        collect --db "$db" --source $fmt "$f"
    same "$fmt: every row once after the line is ended" \
        "$(q "$db" 'SELECT count(*) FROM events')" 16
    same "$fmt: the rejects table answers after the resume" \
        "$(q "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'rejects'")" 1
    same "$fmt: still no reject" "$(q "$db" 'SELECT count(*) FROM rejects')" 0
    same "$fmt: line numbers stay right" "$(lines "$db")" 0

    # An export that merely lacks its final newline: once the file has
    # not changed for a minute, its last line is complete.
    db=$d/rest-$fmt.db f=$d/rest.$fmt
    $F rows $fmt 10 >"$f"
    $F rows $fmt 1 10 | tr -d '\n\r' >>"$f"
    touch -d '-2 minutes' "$f"
    status 0 "$fmt: a rested file's unended last line is read" \
        "$C" --db "$db" --source $fmt "$f"
    same "$fmt: a rested file: every row an event" \
        "$(q "$db" 'SELECT count(*) FROM events')" 11
    same "$fmt: a rested file: line numbers right" "$(lines "$db")" 0

    # A log being written: 4 KB blocks written while collect runs every 50 ms.
    db=$d/live-$fmt.db
    out=$($F live $fmt 3000 "$TTE_BIN" "$db")
    case $out in
    *" bad "[0-9]*) ok "$fmt: collect every 50 ms while writing: the driver reported" ;;
    *) not_ok "$fmt: collect every 50 ms while writing: no report: '$out'" ;;
    esac
    nonempty "$fmt: collect every 50 ms while writing: database written" "$db"
    same "$fmt: collect every 50 ms while writing: no run failed" \
        "$(echo "$out" | sed 's/.* bad //')" 0
    same "$fmt: collect every 50 ms while writing: every row an event" \
        "$(q "$db" 'SELECT count(*) FROM events')" 3000
    same "$fmt: collect every 50 ms while writing: no reject" \
        "$(q "$db" 'SELECT count(*) FROM rejects')" 0
    same "$fmt: collect every 50 ms while writing: lines right" \
        "$(lines "$db")" 0
done

# --- 19.2: an empty or header-only registry file is refused -------------
printf 'code,name,parent,aliases\nBU,Biro Umum,,umum\nBH,Biro Hukum,,\n' \
    >"$d/units.csv"
cert_head=nik,nip,name,position,unit,cert_type,cert_serial,not_before
cert_head=$cert_head,not_after,status
printf '%s\n%s\n' "$cert_head" \
    3171010101900001,,Ani,Staf,BU,individu,ABC1,2024-01-01,2026-01-01,ISSUE \
    >"$d/certificates.csv"
printf '%s\n%s\n' app,name,owner_unit,footer_statement,checked_on \
    srikandi,Srikandi,BU,1,2025-01-02 >"$d/apps.csv"
printf '%s\n%s\n' nip,name,position,unit,appointed_on,decree \
    198501012010011001,Budi,Verifikator,BU,2025-01-02,SK-1 >"$d/verifikator.csv"
db=$d/reg.db
for kind in units certificates apps verifikator; do
    collect --db "$db" --source $kind "$d/$kind.csv" ||
        not_ok "$kind: loading the registry"
    before=$(q "$db" "SELECT count(*) FROM $kind")
    : >"$d/empty.csv"
    head -1 "$d/$kind.csv" >"$d/header-only.csv"
    for f in empty header-only; do
        status 65 "$kind: the $f file is refused like missing columns" \
            "$C" --db "$db" --source $kind "$d/$f.csv"
        grep -q "$f.csv: no $kind rows" "$TMP/out" &&
            ok "$kind: the refusal names the $f file" ||
            not_ok "$kind: the refusal names the $f file"
        same "$kind: the registry is unchanged after the $f file" \
            "$(q "$db" "SELECT count(*) FROM $kind")" "$before"
    done
    status 0 "$kind: --allow-empty clears the registry on purpose" \
        collect --db "$db" --source $kind --allow-empty "$d/header-only.csv"
    grep -q "no $kind rows" "$TMP/out" &&
        not_ok "$kind: --allow-empty still refuses the header-only file" ||
        ok "$kind: --allow-empty does not refuse the header-only file"
    same "$kind: the table is still there to count" \
        "$(q "$db" "SELECT count(*) FROM sqlite_master WHERE name = '$kind'")" 1
    same "$kind: cleared with --allow-empty" \
        "$(q "$db" "SELECT count(*) FROM $kind")" 0
done

# --- 19.3: --rejects naming an input or the database --------------------
db=$d/rej.db
$F rows csv 5 >"$d/in.csv"
printf 'garbage\n' >>"$d/in.csv"
collect --db "$db" --source csv "$d/in.csv" 2>/dev/null
sum_in=$(cksum <"$d/in.csv")
sum_db=$(cksum <"$db")
mkdir -p "$d/sub"
status 73 "--rejects naming the input (another spelling) is refused" \
    "$C" --db "$db" --source csv --rejects "$d/sub/../in.csv" "$d/in.csv"
ln "$d/in.csv" "$d/in-link.csv"
status 73 "--rejects naming a hard link of the input is refused" \
    "$C" --db "$db" --source csv --rejects "$d/in-link.csv" "$d/in.csv"
status 73 "--rejects naming the database is refused" \
    "$C" --db "$db" --source csv --rejects "$d/sub/../rej.db" "$d/in.csv"
status 73 "--rejects naming the database's -wal file is refused" \
    "$C" --db "$db" --source csv --rejects "$db-wal" "$d/in.csv"
status 73 "--rejects naming a database not created yet is refused" \
    "$C" --db "$d/new.db" --source csv --rejects "$d/sub/../new.db" "$d/in.csv"
same "the input is intact" "$(cksum <"$d/in.csv")" "$sum_in"
same "the database is intact" "$(cksum <"$db")" "$sum_db"
same "the database is sound" "$(q "$db" 'PRAGMA integrity_check')" ok
test -e "$d/new.db" && not_ok "nothing created for a refused run" ||
    ok "nothing created for a refused run"
status 65 "--rejects naming another file still works" \
    sh -c 'umask 022; exec "$@"' sh "$C" --db "$d/rej2.db" --source csv \
    --rejects "$d/rejects.csv" "$d/in.csv"
same "the rejects file has the bad row" \
    "$(grep -c garbage "$d/rejects.csv")" 1
same "the --rejects file is created 0600 under umask 022" \
    "$(stat -c %a "$d/rejects.csv")" 600

# --- 19.4: per-file counts accumulate across runs -----------------------
db=$d/acc.db log=$d/app.log
# sum DB: sum of the files' accepted counts, then the events stored.
sums() { q "$1" "SELECT (SELECT sum(accepted) FROM files) || ' ' ||
                        (SELECT count(*) FROM events)"; }
$F rows csv 10 >"$log"
collect --db "$db" --source csv "$log"
$F rows csv 5 10 >>"$log"
collect --db "$db" --source csv "$log"
same "grown file read on: accepted adds up to the events" "$(sums "$db")" \
    "15 15"
# Rewritten as a new file (another inode) with 5 more rows: read again.
$F rows csv 20 >"$log.new"
mv "$log.new" "$log"
collect --db "$db" --source csv "$log"
same "replaced file read again: accepted adds up to the events" \
    "$(sums "$db")" "20 20"
# Its first 15 rows are the bytes read before (the prefix hash): only
# the 5 new rows are read, none again.
same "the same bytes under a new inode are not read again" \
    "$(q "$db" "SELECT rows_read || ' ' || duplicates FROM files")" "20 0"
# Rotated: app.log becomes app.log.1, a new app.log starts.
mv "$log" "$log.1"
(echo 'time,app,unit,nik,result,doc_id'; $F rows csv 4 20) >"$log"
collect --db "$db" --source csv "$log" "$log.1"
same "rotated log: accepted adds up to the events" "$(sums "$db")" "24 24"
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
same "Kualitas Data's accepted figures add up to the events" \
    "$(q "$db" "SELECT sum(accepted) FROM agg_quality
                WHERE period = '2025'")" 24
same "read = filtered + accepted + duplicates + rejected for every file" \
    "$(q "$db" "SELECT count(*) FROM files
                WHERE rows_read <> filtered + accepted + duplicates +
                                   rejected")" 0

# --- 19.7: a maximum record size ----------------------------------------
for fmt in csv jsonl; do
    db=$d/big-$fmt.db
    $F bigline $fmt 50 >"$d/big.$fmt"
    set -- $(rss "$C" -q --db "$db" --source $fmt "$d/big.$fmt")
    same "$fmt: a 50 MB line is a reject (exit 65)" "$1" 65
    if test "$2" -lt 100; then ok "$fmt: memory stays bounded ($2 MB)"; else
        not_ok "$fmt: a 50 MB line took $2 MB"; fi
    same "$fmt: the rows around it are events" \
        "$(q "$db" 'SELECT count(*) FROM events')" 2
    same "$fmt: the reason gives the limit" \
        "$(q "$db" "SELECT count(*) FROM rejects WHERE reason LIKE
                    '%over the limit of 1048576 (max_record_bytes)'")" 1
    same "$fmt: line numbers stay right after it" "$(lines "$db")" 0
    rm -f "$d/big.$fmt"
done
# A quote left open swallows the lines after it into one record: past the
# limit it is rejected and reading starts again at the line that crossed.
db=$d/quote.db
$F openquote 50 >"$d/quote.csv"
set -- $($F crossing "$d/quote.csv" 1048576)
at=$1 rest=$2
set -- $(rss "$C" -q --db "$db" --source csv "$d/quote.csv")
same "csv: a quote left open over 50 MB is a reject (exit 65)" "$1" 65
if test "$2" -lt 100; then ok "csv: memory stays bounded ($2 MB)"; else
    not_ok "csv: a quote left open over 50 MB took $2 MB"; fi
same "csv: the record is rejected at the line that crosses the limit" \
    "$(q "$db" "SELECT count(*) FROM rejects WHERE line = 2 AND reason LIKE
                '%over the limit of 1048576 (max_record_bytes) at line '
                || $at || ';%'")" 1
same "csv: the rows from that line on are events" \
    "$(q "$db" 'SELECT count(*) FROM events')" "$rest"
same "csv: line numbers stay right after it" "$(lines "$db")" 0
rm -f "$d/quote.csv"
$F rows csv 3 >"$d/short.csv"
status 65 "--max-record-bytes sets the limit" \
    "$C" --db "$d/max.db" --source csv --max-record-bytes 60 "$d/short.csv"
same "every row over 60 bytes is a reject" \
    "$(q "$d/max.db" "SELECT count(*) FROM rejects WHERE reason LIKE
                      '%over the limit of 60 %'")" 3
cat >"$d/small.json" <<'EOF'
{"format": "csv", "max_record_bytes": 60,
 "fields": {"time": "time", "app": "app", "unit": "unit", "nik": "nik",
            "result": "result", "doc_id": "doc_id"}}
EOF
status 65 "a source definition's max_record_bytes sets the limit" \
    "$C" --db "$d/max2.db" --source "$d/small.json" "$d/short.csv"
sed 's/60,/"big",/' "$d/small.json" >"$d/bad-max.json"
status 78 "a max_record_bytes that is not a number is refused" \
    "$C" --db "$d/max3.db" --source "$d/bad-max.json" "$d/short.csv"
grep -q "max_record_bytes" "$TMP/out" && ok "the message names the key" ||
    not_ok "the message names the key"

# --- 19.8: a FIFO is refused, not waited on -----------------------------
mkfifo "$d/fifo"
status 66 "a FIFO as a log is refused" \
    timeout 20 "$C" --db "$d/fifo.db" --source csv "$d/fifo"
grep -q "not a regular file" "$TMP/out" && ok "the message says why" ||
    not_ok "the message says why"
status 66 "a device as a log is refused" \
    timeout 20 "$C" --db "$d/fifo.db" --source csv /dev/null
rm -f "$d/fifo"

# --- 19.9: CR-only line endings -----------------------------------------
for fmt in csv jsonl; do
    db=$d/cr-$fmt.db
    $F rows $fmt 50 | tr '\n' '\r' >"$d/cr.$fmt"
    status 0 "$fmt: CR-only line endings are read" \
        collect --db "$db" --source $fmt "$d/cr.$fmt"
    same "$fmt: CR-only: every record an event" \
        "$(q "$db" 'SELECT count(*) FROM events')" 50
    same "$fmt: CR-only: line numbers right" "$(lines "$db")" 0
    # CRLF with the LF not yet written when collect runs.
    db=$d/crlf-$fmt.db
    $F rows $fmt 5 | sed 's/$/\r/' | head -c -1 >"$d/crlf.$fmt"
    collect --db "$db" --source $fmt "$d/crlf.$fmt"
    (printf '\n'; $F rows $fmt 5 5 | sed 's/$/\r/') >>"$d/crlf.$fmt"
    status 0 "$fmt: a CR LF split between runs is one line end" \
        collect --db "$db" --source $fmt "$d/crlf.$fmt"
    same "$fmt: CR LF split: every row once" \
        "$(q "$db" 'SELECT count(*) FROM events')" 10
    same "$fmt: CR LF split: line numbers right" "$(lines "$db")" 0
done

# --- 19.14: NIKs in reasons, secrets in raw text ------------------------
db=$d/pd.db
{
    echo 'time,app,unit,nik,result,doc_id,Kata Sandi,kode_otp'
    echo '3171010101900001,srikandi,Biro Umum,3171010101900002,ok,D2,'\
'rahasia1,991122'
} >"$d/pd.csv"
status 65 "a NIK in the time field is a reject" \
    "$C" --db "$db" --source csv "$d/pd.csv"
grep -q "3171010101900001" "$TMP/out" &&
    not_ok "stderr shows the NIK in full" || ok "stderr masks the NIK"
grep -q "3171••••••••0001" "$TMP/out" && ok "stderr shows it masked" ||
    not_ok "stderr shows it masked"
same "v_rejects' reason shows the NIK masked" \
    "$(q "$db" "SELECT reason LIKE '%3171••••••••0001%' AND
                reason NOT LIKE '%3171010101900001%' FROM v_rejects")" 1
same "a 'Kata Sandi' and a 'kode_otp' column are redacted in raw" \
    "$(q "$db" "SELECT raw NOT LIKE '%rahasia1%' AND raw NOT LIKE '%991122%'
                FROM v_rejects")" 1
"$C" --db "$db" --source csv --check "$d/pd.csv" >"$d/check.out" 2>&1
nonempty "--check reports on the file" "$d/check.out"
grep -q "3171••••••••0001" "$d/check.out" && ok "--check shows the NIK masked" ||
    not_ok "--check shows the NIK masked"
grep -q "3171010101900001" "$d/check.out" &&
    not_ok "--check shows the NIK in full" || ok "--check masks the NIK"
cat >"$d/pd.jsonl" <<'EOF'
{"time":"bad","app":"a","unit":"u","nik":"3171010101900001","pass\u0070hrase":"rahasia2","kata sandi":"rahasia3","kode otp":"rahasia4","sandi":"rahasia5"}
EOF
status 65 "a JSONL row with escaped and Indonesian secret keys is a reject" \
    "$C" --db "$db" --source jsonl "$d/pd.jsonl"
same "an escaped passphrase key, kata sandi, kode otp, sandi are redacted" \
    "$(q "$db" "SELECT count(*) FROM v_rejects WHERE raw LIKE '%rahasia%'")" 0
same "the redacted row is kept" \
    "$(q "$db" "SELECT count(*) FROM v_rejects WHERE raw LIKE '%***%'")" 2

# --- 19.15: delimiters; --check on registries ---------------------------
for pair in 'quote:"\""' 'LF:"\n"' 'CR:"\r"'; do
    printf '{"format": "csv", "delimiter": %s, "fields": {"time": "time"}}\n' \
        "${pair#*:}" >"$d/delim.json"
    status 78 "the ${pair%%:*} as delimiter is refused" \
        "$C" --db "$d/delim.db" --source "$d/delim.json" "$d/short.csv"
    grep -q "key 'delimiter'" "$TMP/out" && ok "the message names the key" ||
        not_ok "the message names the key"
done
printf '{"format": "csv", "quote": "\\n", "fields": {"time": "time"}}\n' \
    >"$d/quote.json"
status 78 "a newline as quote is refused" \
    "$C" --db "$d/delim.db" --source "$d/quote.json" "$d/short.csv"
{
    echo "$cert_head"
    echo '3171010101900001,,Ani,Staf,BU,individu,A1,2024-01-01,2026-01-01,ISSUE'
    echo '3171010101900002,,Ana,Staf,BU,individu,A2,2024-13-01,2026-01-01,ISSUE'
    echo '3171010101900003,,Ari,Staf,BU,robot,A3,2024-01-01,2026-01-01,ISSUE'
    echo '3171010101900004,,Ayu,Staf,BU,individu,A4,2024-01-01,2026-01-01,BOGUS'
} >"$d/certs.csv"
"$C" --db "$d/chk.db" --source certificates --check "$d/certs.csv" \
    >"$d/check.out" 2>&1
same "--check on a registry rejects the rows a collect rejects" \
    "$(grep -c 'rejected:' "$d/check.out")" 3
collect --db "$d/chk.db" --source certificates "$d/certs.csv" 2>/dev/null
same "collect rejects the same rows" \
    "$(q "$d/chk.db" 'SELECT group_concat(line) FROM rejects')" \
    "$(grep 'rejected:' "$d/check.out" | cut -d: -f1 | paste -sd, -)"

rm -rf "$d"
finish
