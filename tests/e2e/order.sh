#!/bin/sh
# tte-collect on logs in no particular order: the same rows
# shuffled give the same events and the same counts as in time order, at a
# cost that does not depend on the order (bytes written, measured by the
# kernel), and a kill -9 while out-of-order rows wait to be merged loses
# nothing.
. "$(dirname "$0")/lib.sh"
plan 72

# shuffle SRC DST SEED [EXTRA]: SRC's records (whole CSV records, a quoted
# field may hold a newline) in a random order, plus EXTRA of them again
# (duplicates) at random places.
shuffle() {
    $PY - "$@" <<'PYEOF' || not_ok "shuffling $1 failed"
import random, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
recs, cur, quoted = [], b"", False
with open(src, "rb") as f:
    head = f.readline()
    for line in f:
        cur += line
        quoted ^= line.count(b'"') % 2 == 1
        if not quoted:
            recs.append(cur)
            cur = b""
r = random.Random(seed)
recs += r.sample(recs, extra)
r.shuffle(recs)
with open(dst, "wb") as g:
    g.write(head)
    g.writelines(recs)
PYEOF
}

# The events of a database as text, every field, without where each came
# from (of equal rows the first in the file is kept, and the files differ
# there) or its id (of two events whose keys collide, the first read takes
# the key).
events() {
    q "$1" "SELECT time_utc, app, unit_as_logged, nik, nip, name, position,
        cert_type, cert_serial, doc_id, doc_type, doc_number, visibility,
        auth_method, api_version, http_status, status_code, result,
        message, duration_ms, footer FROM v_events_full
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        18, 19, 20, 21" | sha256sum
}

# qw DB SQL: q, waiting for a lock: a process killed at its very end (in
# the sanitizers' exit checks) may leave a helper task holding the file's
# locks for a moment.
qw() { sqlite3 -cmd ".timeout 10000" "$1" "$2"; }

# wchar DB FILE: bytes tte-collect writes (write(2) and pwrite(2), every
# thread) collecting FILE into a new DB; the kernel adds a waited-for
# child's counts to its parent's.
wchar() {
    rm -f "$1" "$1-wal" "$1-shm"
    sh -c "\"\$0\" -q --db \"\$1\" --source csv \"\$2\" &&
        sed -n 's/^wchar: //p' /proc/\$\$/io" "$TTE_BIN/tte-collect" "$1" "$2"
}

# Large enough that the events table outgrows tte-collect's page cache.
n=200000
$PY "$TOP/samples/gen.py" "$TMP/g" --bench-rows $n >/dev/null
distinct=$(expect "$TMP/g/bench-expected.json" 'e["distinct"]')
extra=5000
shuffle "$TMP/g/bench.csv" "$TMP/shuf.csv" 14 $extra

wo=$(wchar "$TMP/o.db" "$TMP/g/bench.csv")
ws=$(wchar "$TMP/s.db" "$TMP/shuf.csv")
same "shuffled: distinct events as the generator says" \
    "$(q "$TMP/s.db" 'SELECT count(*) FROM events')" "$distinct"
same "shuffled: read, accepted, duplicates" \
    "$(q "$TMP/s.db" "SELECT rows_read || ',' || accepted || ',' ||
        duplicates FROM files")" \
    "$((n + extra)),$distinct,$((n + extra - distinct))"
same "shuffled and time-ordered: the same events" \
    "$(events "$TMP/s.db")" "$(events "$TMP/o.db")"
nonempty "shuffled: the database" "$TMP/s.db"
same "nothing left staged" \
    "$(q "$TMP/s.db" 'SELECT count(*) FROM staging')" 0
# Row by row into a table larger than the cache, the shuffled file wrote
# some forty times the time-ordered one's bytes; staged and merged, four.
if test "$ws" -le $((wo * 6)); then
    ok "shuffled writes at most 6x the time-ordered bytes ($ws, $wo)"
else
    not_ok "shuffled writes $ws bytes, time-ordered $wo: over 6x"
fi
check "shuffled: database intact" \
    sh -c "test \"\$(sqlite3 '$TMP/s.db' 'PRAGMA integrity_check')\" = ok"

# Collected again, in another order: nothing new.
shuffle "$TMP/g/bench.csv" "$TMP/shuf2.csv" 15
"$TTE_BIN/tte-collect" --db "$TMP/s.db" --source csv "$TMP/shuf2.csv" \
    2>"$TMP/out"
grep -q "read $n, accepted 0, duplicates $n, rejected 0" "$TMP/out" &&
    ok "the same rows in another order add nothing" ||
    not_ok "the same rows in another order: $(cat "$TMP/out")"

# kill -9 while out-of-order rows wait in the sort (chunks of 2,000 rows
# commit until the first row out of order, none after it), then a re-run:
# one clean run's counts, and the sort's temporary file never seen in its
# folder.
rows30=30000
$PY -c "
import csv, sys
r = csv.reader(open(sys.argv[1], newline=''))
w = csv.writer(open(sys.argv[2], 'w', newline=''), lineterminator='\n')
for i, row in zip(range(1 + int(sys.argv[3])), r):
    w.writerow(row)
" "$TMP/g/bench.csv" "$TMP/g30.csv" $rows30
# Time order (the generator's) for the first 10,000 rows, committed in
# chunks, then shuffled: a kill finds committed rows and rows in the sort.
$PY - "$TMP/g30.csv" "$TMP/s30.csv" <<'PYEOF' || not_ok "writing g30.csv and s30.csv failed"
import csv, random, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, rows = rows[0], rows[1:]
tail = rows[10000:]
random.Random(16).shuffle(tail)
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerows([head] + rows[:10000] + tail)
PYEOF
collect --db "$TMP/o30.db" --source csv "$TMP/g30.csv"
want=$(q "$TMP/o30.db" 'SELECT count(*) FROM events')
# A 64 KiB sort: the rows waiting are in sorted runs on file, merged
# through a heap.
export TTE_COLLECT_CHUNK=2000 TTE_COLLECT_SORT=65536
sortdir=$TMP/sorttmp
mkdir -p "$sortdir"
t0=$(date +%s.%N)
TMPDIR=$sortdir collect --db "$TMP/clean30.db" --source csv "$TMP/s30.csv"
t1=$(date +%s.%N)
same "30,000 rows, shuffled after 10,000: distinct events" \
    "$(q "$TMP/clean30.db" 'SELECT count(*) FROM events')" "$want"
killed=0 part=0 marked=0
for frac in 0.4 0.5 0.6 0.7 0.85; do
    at=$(echo "$t0 $t1 $frac" | awk '{ printf "%.3f", ($2 - $1) * $3 }')
    db=$TMP/kill-$frac.db
    TMPDIR=$sortdir timeout -s KILL "$at" "$TTE_BIN/tte-collect" -q \
        --db "$db" --source csv "$TMP/s30.csv" 2>/dev/null
    rc=$?
    n=$(qw "$db" 'SELECT count(*) FROM events')
    test "$n" -gt 0 && test "$n" -lt "$want" && part=$((part + 1))
    same "killed at $frac: the files table was committed" \
        "$(qw "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'files'")" 1
    same "killed at $frac: committed counts add up" \
        "$(qw "$db" 'SELECT count(*) FROM files WHERE
            rows_read != accepted + duplicates + rejected + filtered
            OR accepted != (SELECT count(*) FROM v_events_full)')" 0
    test $rc = 137 && killed=$((killed + 1))
    marked=$((marked + $(qw "$db" 'SELECT count(*) FROM staging')))
    # Of the rows past the time-ordered head (10,000 rows, and the few
    # shuffled ones that happen to follow in order), all or none counted
    # (a kill may land after the last commit, before the exit): those
    # committed before their keys are not, until merged.
    same "killed at $frac: the rows out of order all or none counted" \
        "$(qw "$db" "SELECT count(*) FROM files WHERE rows_read > 10100
            AND rows_read != $rows30")" 0
    collect --db "$db" --source csv "$TMP/s30.csv"
    same "killed at $frac, re-run: distinct events" \
        "$(q "$db" 'SELECT count(*) FROM events')" "$want"
    same "killed at $frac, re-run: read = accepted + duplicates" \
        "$(q "$db" "SELECT rows_read = accepted + duplicates AND
            rows_read = $rows30 FROM files")" 1
    same "killed at $frac, re-run: the same events as a clean run" \
        "$(events "$db")" "$(events "$TMP/clean30.db")"
done
test "$killed" -ge 2 && ok "kill -9 landed mid-run $killed times" ||
    not_ok "kill -9 landed mid-run only $killed times"
test "$part" -ge 1 && ok "a kill left part of the file committed $part times" ||
    not_ok "no kill left part of the file committed"
test "$marked" -ge 1 &&
    ok "a kill left rows out of order committed ahead of their keys $marked times" ||
    not_ok "no kill left rows out of order committed ahead of their keys"
same "the sort's temporary files are gone, killed or not" \
    "$(ls -A "$sortdir")" ""
unset TTE_COLLECT_CHUNK TTE_COLLECT_SORT

# Killed once the rows out of time order are committed, before their keys
# are merged (with no chunk commits, the file's first commit): they stay
# out of the event views, tte-aggregate waits, and the next run takes
# them out and reads the file again from the row before them. A shim
# (killshim.c) kills the process as that commit returns.
cc -shared -fPIC -o "$TMP/killshim.so" "$TOP/tests/e2e/killshim.c" -ldl
w30=$want       # status() sets want
db=$TMP/merge-killed.db
TTE_COLLECT_CHUNK=1000000 KILL_AFTER_COMMIT=1 \
    LD_PRELOAD=$TMP/killshim.so ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 \
    "$TTE_BIN/tte-collect" -q --db "$db" --source csv "$TMP/s30.csv" \
    2>/dev/null
same "killed before the merge: exit status of a kill -9" "$?" 137
same "killed before the merge: the file marked as staged" \
    "$(qw "$db" 'SELECT count(*) FROM staging')" 1
# k: the rows before the first out of time order (the head of 10,000 in
# time order, and as many of the shuffled rows as happen to follow it).
k=$(qw "$db" 'SELECT rows_read FROM files')
test "$k" -ge 10000 && test "$k" -lt "$rows30" &&
    ok "killed before the merge: $k rows read before the first sorted" ||
    not_ok "killed before the merge: $k rows before the first sorted"
test "$(qw "$db" 'SELECT count(*) FROM events')" -gt "$k" &&
    ok "killed before the merge: rows out of order committed" ||
    not_ok "killed before the merge: no rows out of order committed"
# Where the file's first k records end, and the lines they start on,
# from its bytes (a quoted field may hold a newline).
$PY - "$TMP/s30.csv" "$k" >"$TMP/head.txt" <<'PYEOF' || not_ok "reading the head of s30.csv failed"
import sys
k = int(sys.argv[2])
with open(sys.argv[1], "rb") as f:
    off = len(f.readline())
    line, starts, quoted, recs = 2, [], False, 0
    for raw in f:
        if not quoted:
            if recs == k:
                break
            starts.append(line)
        off += len(raw)
        line += 1
        quoted ^= raw.count(b'"') % 2 == 1
        if not quoted:
            recs += 1
print(off)
print("\n".join(map(str, starts)))
PYEOF
same "killed before the merge: the offset is where those rows end" \
    "$(qw "$db" 'SELECT offset || "," || accepted FROM files')" \
    "$(head -n 1 "$TMP/head.txt"),$k"
same "killed before the merge: v_events holds those rows only" \
    "$(qw "$db" 'SELECT line FROM v_events ORDER BY line' | sha256sum)" \
    "$(tail -n +2 "$TMP/head.txt" | sha256sum)"
same "killed before the merge: v_events_full too" \
    "$(qw "$db" 'SELECT line FROM v_events_full ORDER BY line' | sha256sum)" \
    "$(tail -n +2 "$TMP/head.txt" | sha256sum)"
status 75 "killed before the merge: tte-aggregate waits" \
    "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/s30.csv" \
    >"$TMP/out" 2>&1
same "killed before the merge, re-run: exit status" "$?" 0
grep -q "left $((rows30 - k)) rows out of time order unmerged" \
    "$TMP/out" && ok "killed before the merge, re-run: says what it took out" ||
    not_ok "killed before the merge, re-run: $(cat "$TMP/out")"
same "killed before the merge, re-run: the events of a clean run" \
    "$(events "$db")" "$(events "$TMP/o30.db")"
same "killed before the merge, re-run: counts, nothing staged" \
    "$(q "$db" 'SELECT rows_read || "," || accepted || "," || duplicates
        || "," || (SELECT count(*) FROM staging) || ","
        || (SELECT count(*) FROM events) FROM files')" \
    "$rows30,$w30,$((rows30 - w30)),0,$w30"
same "killed before the merge, re-run: one key per event" \
    "$(q "$db" 'SELECT (SELECT count(*) FROM event_keys) || ","
        || count(*) FROM events JOIN event_keys ON event = id')" \
    "$w30,$w30"
status 0 "killed before the merge, re-run: tte-aggregate runs" \
    "$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025

# The same mark held by a process that still runs: tte-collect leaves the
# rows alone and exits 75 naming it.
sleep 60 &
sleeper=$!
started=$(sed 's/.*) //' "/proc/$sleeper/stat" | cut -d' ' -f20)
# The mark as a run that began staging at the file's first row leaves
# it: every event of the file staged, its offset and counts at the start.
cp "$TMP/o30.db" "$TMP/live.db"
sqlite3 "$TMP/live.db" "INSERT INTO staging(file_id, first_event,
    first_reject, pid, started, boot, host) VALUES (1, 1, 1, $sleeper,
    $started, '$(cat /proc/sys/kernel/random/boot_id)', '$(hostname)');
    UPDATE files SET offset = 0, lines = 0, rows_read = 0, accepted = 0,
    duplicates = 0"
status 75 "a merge still running elsewhere: tte-collect waits" \
    "$TTE_BIN/tte-collect" -q --db "$TMP/live.db" --source csv "$TMP/g30.csv"
same "a merge still running elsewhere: its rows left alone" \
    "$(q "$TMP/live.db" 'SELECT count(*) FROM events')" "$w30"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
collect --db "$TMP/live.db" --source csv "$TMP/g30.csv" 2>/dev/null
same "that process gone: its rows taken out and read again" \
    "$(q "$TMP/live.db" 'SELECT count(*) || "," ||
        (SELECT count(*) FROM staging) FROM events')" "$w30,0"
same "that process gone: the events of a clean run" \
    "$(events "$TMP/live.db")" "$(events "$TMP/o30.db")"
want=$w30

# A database whose events came in no order, then the same rows again by
# other names: in time order (each row meets a stored event on a page of
# its own: the rows go to the sort), in the first file's order and in a
# third: all duplicates, nothing added, every event still one key; and
# forgetting the first file hands its events to the next.
$PY - "$TMP/g30.csv" "$TMP/f30.csv" <<'PYEOF' || not_ok "writing f30.csv failed"
import csv, random, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, rows = rows[0], rows[1:]
random.Random(30).shuffle(rows)
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerows([head] + rows)
PYEOF
collect --db "$TMP/rep.db" --source csv "$TMP/f30.csv"
cp "$TMP/g30.csv" "$TMP/rep-ordered.csv"
cp "$TMP/f30.csv" "$TMP/rep-same.csv"
cp "$TMP/s30.csv" "$TMP/rep-other.csv"
for f in rep-ordered rep-same rep-other; do
    collect --db "$TMP/rep.db" --source csv "$TMP/$f.csv"
    same "stored out of order, again as $f: all duplicates" \
        "$(q "$TMP/rep.db" "SELECT accepted || ',' || duplicates FROM files
            WHERE path LIKE '%/$f.csv'")" "0,$rows30"
done
same "stored out of order, again thrice: the events of one clean run" \
    "$(events "$TMP/rep.db")" "$(events "$TMP/o30.db")"
same "stored out of order, again thrice: one key per event" \
    "$(q "$TMP/rep.db" 'SELECT count(*) || "," || count(DISTINCT id)
        FROM events JOIN event_keys ON event = id')" "$want,$want"
collect --db "$TMP/rep.db" --forget "$TMP/f30.csv"
same "the first file forgotten: its events are the next file's" \
    "$(q "$TMP/rep.db" "SELECT count(*) || ',' || count(DISTINCT f.path)
        FROM events e JOIN files f ON f.id = e.file_id")" "$want,1"
same "the first file forgotten: still one key per event" \
    "$(q "$TMP/rep.db" 'SELECT (SELECT count(*) FROM event_keys) || ","
        || count(*) FROM events JOIN event_keys ON event = id')" \
    "$want,$want"

# Two different events with the same key, after a later row (so staged):
# both kept, each duplicate found. The pair comes from an independent
# Python copy of the key's hash (lib/tte_event.c).
$PY - "$TMP/collide.csv" "$TMP/collide2.csv" "$TOP/tests/e2e" <<'PYEOF'
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[-1])
from keyhash import low
seen = {}
for i in range(200000):
    d = "C%d" % i
    if low(d) in seen:
        pair = (seen[low(d)], d)
        break
    seen[low(d)] = d
row = ("%s,srikandi,Biro Umum,3171010101900001,%s,ok\n")
late = row % ("2025-03-01T11:00:00+07:00", "LATER")
body = [row % ("2025-03-01T10:00:00+07:00", d) for d in pair + pair]
head = "time,app,unit,nik,doc_id,result\n"
open(sys.argv[1], "w").write(head + late + "".join(body))
open(sys.argv[2], "w").write(head + "".join(body[::-1]) + late)
PYEOF
test $? = 0 || not_ok "writing the colliding-key files failed"
nonempty "a colliding pair of keys found" "$TMP/collide.csv"
db=$TMP/collide.db
"$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/collide.csv" 2>"$TMP/out"
grep -q "read 5, accepted 3, duplicates 2" "$TMP/out" &&
    ok "staged colliding keys: both events kept, both duplicates found" ||
    not_ok "staged colliding keys: $(cat "$TMP/out")"
"$TTE_BIN/tte-collect" --db "$db" --source csv "$TMP/collide2.csv" \
    2>"$TMP/out"
grep -q "read 5, accepted 0, duplicates 5" "$TMP/out" &&
    ok "staged colliding keys: another file adds nothing" ||
    not_ok "staged colliding keys, second file: $(cat "$TMP/out")"
same "staged colliding keys: three events in v_events" \
    "$(q "$db" 'SELECT count(*) FROM v_events')" 3

rm -rf "$TMP"
exit $failed
