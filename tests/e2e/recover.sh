#!/bin/sh
# A staging mark left by a tte-collect killed between committing rows out
# of time order and merging their keys, on a host this one cannot see (a
# container recreated under another name, another boot): tte-collect and
# tte-aggregate wait (exit 75) and say who holds the mark and the one
# command that clears it; tte-collect --recover takes out what the run
# left, and the file then reads whole with a clean run's counts.
. "$(dirname "$0")/lib.sh"
plan 24

n=6000
$PY "$TOP/samples/gen.py" "$TMP/g" --bench-rows $n >/dev/null
distinct=$(expect "$TMP/g/bench-expected.json" 'e["distinct"]')
# The generator's first 2,000 rows in time order, the rest shuffled: the
# run commits the head, then stages the rest.
$PY - "$TMP/g/bench.csv" "$TMP/s.csv" "$TMP/want" <<'PYEOF' ||
import csv, random, re, sys
from datetime import datetime, timedelta, timezone
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, rows = rows[0], rows[1:]
wib = timezone(timedelta(hours=7))
def when(s):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)"
                     r"(Z|[+-]\d\d:?\d\d)?", s)
    t = datetime.fromisoformat(m.group(1) + "T" + m.group(2))
    z = m.group(3)
    if z is None:
        return t.replace(tzinfo=wib)
    if z == "Z":
        return t.replace(tzinfo=timezone.utc)
    z = z.replace(":", "")
    off = timedelta(hours=int(z[1:3]), minutes=int(z[3:5]))
    return t.replace(tzinfo=timezone(-off if z[0] == "-" else off))
rows.sort(key=lambda r: when(r[0]))
tail = rows[2000:]
random.Random(30).shuffle(tail)
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerows([head] + rows[:2000] + tail)
# Events of 2025 in WIB, the report's zone (every row is distinct).
y = sum(1 for r in rows if when(r[0]).astimezone(wib).year == 2025)
open(sys.argv[3], "w").write("%d\n" % y)
PYEOF
    not_ok "the shuffled input could not be written"
in2025=$(cat "$TMP/want")

db=$TMP/r.db
cc -shared -fPIC -o "$TMP/killshim.so" "$TOP/tests/e2e/killshim.c" -ldl
t0=$(date -u +%s)
# The run's pid, from the shell that becomes it.
TTE_COLLECT_CHUNK=1000000 KILL_AFTER_COMMIT=1 \
    LD_PRELOAD=$TMP/killshim.so \
    ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
    sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$TMP/pid" \
    "$TTE_BIN/tte-collect" -q --db "$db" --source csv "$TMP/s.csv" \
    2>/dev/null
same "killed before the merge: exit status of a kill -9" "$?" 137
pid=$(cat "$TMP/pid")
t1=$(date -u +%s)
same "killed before the merge: one mark, naming the run killed" \
    "$(q "$db" 'SELECT count(*) || "," || max(pid) FROM staging')" "1,$pid"

# The container recreated under another name: the mark's host is not this
# one, and nothing here can tell whether that run still goes on.
q "$db" "UPDATE staging SET host = 'tte-old-container'"

# says WHAT FILE: FILE names the mark's run and the command that clears it.
says() {
    msg=$(cat "$2")
    ok_=1
    for want in "pid $pid on host 'tte-old-container'" \
        "tte-collect --db $db --recover"; do
        case $msg in *"$want"*) ;; *) ok_=0 ;; esac
    done
    started=$(sed -n 's/.*(started \([0-9T:-]*Z\)).*/\1/p' "$2" | head -n 1)
    s=$(date -u -d "$started" +%s 2>/dev/null || echo 0)
    test "$s" -ge $((t0 - 1)) && test "$s" -le $((t1 + 1)) || ok_=0
    if test $ok_ = 1; then ok "$1: names pid, host, start ($started), command"
    else not_ok "$1: $msg"; fi
}

status 75 "a mark of another host: tte-collect waits" \
    "$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/s.csv"
says "a mark of another host: tte-collect" "$TMP/out"
status 75 "a mark of another host: tte-aggregate waits" \
    "$TTE_BIN/tte-aggregate" --db "$db" --year 2025
says "a mark of another host: tte-aggregate" "$TMP/out"
same "a mark of another host: still there, nothing taken out" \
    "$(q "$db" 'SELECT count(*) FROM staging')" 1

# Another boot of this host is no better known than another host.
q "$db" "UPDATE staging SET host = '$(hostname)', boot = 'another-boot'"
status 75 "a mark of another boot: tte-collect waits" \
    "$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/s.csv"
grep -q "tte-collect --db $db --recover" "$TMP/out" &&
    ok "a mark of another boot: the message says --recover" ||
    not_ok "a mark of another boot: $(cat "$TMP/out")"
q "$db" "UPDATE staging SET host = 'tte-old-container'"

status 64 "--recover takes no files" \
    "$TTE_BIN/tte-collect" --db "$db" --recover "$TMP/s.csv"
status 66 "--recover on a database that is not there" \
    "$TTE_BIN/tte-collect" --db "$TMP/none.db" --recover
test -e "$TMP/none.db" && not_ok "--recover created a database" ||
    ok "--recover created no database"

k=$(q "$db" 'SELECT rows_read FROM files')
staged=$(q "$db" "SELECT count(*) FROM events WHERE id >=
    (SELECT first_event FROM staging)")
status 0 "--recover: the operator says that run has ended" \
    "$TTE_BIN/tte-collect" --db "$db" --recover
grep -q "left $staged rows out of time order unmerged" "$TMP/out" &&
    ok "--recover: says it took out the $staged rows staged" ||
    not_ok "--recover: $(cat "$TMP/out")"
same "--recover: the mark is gone, the file's committed rows stay" \
    "$(q "$db" 'SELECT (SELECT count(*) FROM staging) || "," || count(*)
        FROM events')" "0,$k"
status 0 "--recover again: nothing to recover" \
    "$TTE_BIN/tte-collect" --db "$db" --recover

status 0 "after --recover: tte-collect reads the rest" \
    "$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/s.csv"
same "after --recover: read, accepted, duplicates, rejected" \
    "$(q "$db" "SELECT rows_read || ',' || accepted || ',' || duplicates
        || ',' || rejected FROM files")" "$n,$distinct,0,0"
same "after --recover: distinct events, one key each" \
    "$(q "$db" 'SELECT count(*) || "," || (SELECT count(*) FROM event_keys)
        FROM events')" "$distinct,$distinct"
status 0 "after --recover: tte-aggregate runs" \
    "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
same "after --recover: the year's events in WIB" \
    "$(q "$db" "SELECT events FROM agg_period WHERE period = '2025'")" \
    "$in2025"

# A mark whose run still goes on here is not taken out, even when asked.
sleep 60 &
sleeper=$!
started=$(sed 's/.*) //' "/proc/$sleeper/stat" | cut -d' ' -f20)
q "$db" "INSERT INTO staging(file_id, first_event, first_reject, pid,
    started, boot, host, started_at) VALUES (1, 1, 1, $sleeper, $started,
    '$(cat /proc/sys/kernel/random/boot_id)', '$(hostname)', $t0)"
status 75 "--recover: a run still going on here is left alone" \
    "$TTE_BIN/tte-collect" --db "$db" --recover
grep -q "still runs on this host" "$TMP/out" &&
    ok "--recover: says the run still goes on" ||
    not_ok "--recover: $(cat "$TMP/out")"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null || :
same "--recover: its rows left alone" \
    "$(q "$db" 'SELECT count(*) FROM events')" "$distinct"

rm -rf "$TMP"
finish
