#!/bin/sh
# tte-collect's counts: every summary line adds up (read = accepted +
# duplicates + rejected + filtered) with filtered as the generator wrote
# them; an http_status that is no status code is a reject, not an ok row;
# --forget says how many events stay with other files. Truth from
# samples/gen.py and tests/e2e/edits.py.
. "$(dirname "$0")/lib.sh"
plan 14

d=$TMP/counts
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
g=$d/gen
$PY "$TOP/samples/gen.py" "$g" --events 600 >/dev/null || not_ok "samples/gen.py"

# adds FILE WHO READ FILTERED ACCEPTED DUPLICATES REJECTED: the summary
# line of WHO ("total" or a file's path) in FILE must show these counts,
# and they must add up.
adds() {
    $PY - "$@" <<'PYEOF'
import re, sys
out, who = sys.argv[1], sys.argv[2]
want = [int(x) for x in sys.argv[3:8]]
pat = re.compile(r"^tte-collect: (.*): read (\d+), accepted (\d+), "
                 r"duplicates (\d+), rejected (\d+), filtered (\d+)")
for line in open(out):
    m = pat.match(line)
    if not m or m.group(1) != who:
        continue
    r, a, du, rj, f = (int(x) for x in m.groups()[1:])
    if r != f + a + du + rj:
        sys.exit("%s: read %d but filtered + accepted + duplicates + "
                 "rejected = %d" % (who, r, f + a + du + rj))
    if [r, f, a, du, rj] != want:
        sys.exit("%s: got read/filtered/accepted/dups/rejected %s, want %s"
                 % (who, [r, f, a, du, rj], want))
    sys.exit(0)
sys.exit("no summary line for %s in:\n%s" % (who, open(out).read()))
PYEOF
}
# fig FILE KEY: a count of one file from the generator's expected.json.
fig() {
    expect "$g/expected.json" \
        "[f for f in e['files'] if f['file'] == '$1'][0]['$2']"
}

# --- every source's line, filtered as written ----------------------------
db=$d/all.db
for r in units apps certificates verifikator; do
    collect --db "$db" --source $r "$g/$r.csv" || not_ok "registry $r"
done
for f in $(expect "$g/expected.json" "' '.join(x['file'] for x in e['files'])"); do
    src=$(fig "$f" source)
    "$C" --db "$db" --source "$src" "$g/$f" >"$TMP/out" 2>&1
    rc=$?
    test $rc = 0 || test $rc = 65 || not_ok "$f: exit $rc"
    if err=$(adds "$TMP/out" "$g/$f" "$(fig "$f" read)" \
            "$(fig "$f" filtered)" "$(fig "$f" accepted)" \
            "$(fig "$f" duplicates)" "$(fig "$f" rejected)" 2>&1); then
        ok "$f: the line adds up, filtered $(fig "$f" filtered) as written"
    else
        not_ok "$f: $err"
    fi
done

# --- the total line: a file with filtered rows and a copy of it ----------
f=systems/bsre-transactions.jsonl
cp "$g/$f" "$d/copy.jsonl"
db=$d/total.db
"$C" --db "$db" --source bsre-transactions "$g/$f" "$d/copy.jsonl" \
    >"$TMP/out" 2>&1
R=$(fig $f read) F=$(fig $f filtered) A=$(fig $f accepted)
D=$(fig $f duplicates) J=$(fig $f rejected)
test "$F" -gt 0 || not_ok "the generator wrote filtered rows in $f"
# The copy: its events are all duplicates of the first file's.
if err=$(adds "$TMP/out" total $((2 * R)) $((2 * F)) "$A" $((A + 2 * D)) \
        $((2 * J)) 2>&1); then
    ok "the total line adds up, filtered $((2 * F))"
else
    not_ok "total: $err"
fi

# --- http_status that is no status code ----------------------------------
db=$d/http.db f=$d/http.csv
$PY "$TOP/tests/e2e/edits.py" "$f" 20 --status 5=abc \
    --status 8=12345678901234567890 --status 11=0 >"$f.json" ||
    not_ok "edits.py"
"$C" --db "$db" --source csv "$f" >"$TMP/out" 2>&1
same "http_status: rows rejected (exit 65)" "$?" 65
same "http_status: events are the rows with a status code" \
    "$(q "$db" 'SELECT count(*) FROM v_events')" \
    "$(expect "$f.json" 'e["events"]')"
same "http_status: rejects" "$(q "$db" 'SELECT count(*) FROM v_rejects')" \
    "$(expect "$f.json" 'e["rejected"]')"
same "http_status: the reason names the field and the value" \
    "$(q "$db" "SELECT line || ': ' || reason FROM v_rejects ORDER BY line")" \
    "5: http_status 'abc' is not an HTTP status code
8: http_status '12345678901234567890' is not an HTTP status code"
same "http_status 0 (no response) is kept" \
    "$(q "$db" "SELECT count(*) FROM v_events WHERE line = 11")" 1

# --- --forget: the events that stay with the other file ------------------
db=$d/forget.db
$PY "$TOP/tests/e2e/edits.py" "$d/a.csv" 300 >/dev/null &&
    $PY "$TOP/tests/e2e/edits.py" "$d/b.csv" 300 >/dev/null &&
    cp "$d/a.csv" "$d/c.csv" || not_ok "edits.py"
$PY "$TOP/tests/e2e/edits.py" "$d/b.csv" 300 --append 5 >/dev/null
collect --db "$db" --source csv "$d/a.csv" "$d/b.csv"
"$C" --db "$db" --forget "$d/a.csv" >"$TMP/out" 2>&1
grep -q "a.csv: 300 more events stay: files not forgotten had them too" \
    "$TMP/out" && ok "--forget counts the events that stay (300)" ||
    not_ok "--forget counts the events that stay: $(cat "$TMP/out")"
same "--forget: b.csv's events stay" \
    "$(q "$db" 'SELECT count(*) FROM v_events')" 305

rm -rf "$d"
finish
