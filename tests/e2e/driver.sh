#!/bin/sh
# tte-report: the chain for a year and a quarter (with send to a local SMTP
# server), lock contention, a failing stage, run records, installation,
# the systemd units.
. "$(dirname "$0")/lib.sh"
plan 237

d=$TMP/drv
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d/data" --seed 9 --events 900 >/dev/null
smtp_tls "$d"
smtp_start "$d" main

# A configuration as an operator writes it: two kinds of log sources.
$PY - "$TOP/conf/tte-report.json" "$d" "$port" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
d, port = sys.argv[2], sys.argv[3]
data = d + "/data"
c["database"] = d + "/report.db"
c["output_dir"] = d + "/out"
c["template"] = "templates/default.json"
c["sources"] = [{"source": s, "files": [data + "/" + s + ".csv"]} for s in
                ("units", "apps", "certificates", "verifikator")]
c["sources"] += [{"source": "csv", "files": [data + "/logs/*.csv"]},
                 {"source": "jsonl", "files": [data + "/logs/*.jsonl"]}]
c["sources"] += [{"source": s, "files": [data + "/systems/" + s + ".*"]}
                 for s in ("naskah-dinas", "log-tte", "bsre-transactions",
                           "segel-wita")]
c["official"].update(name="Pejabat Uji", nip="197001012000031001")
c["mail"].update(smtp="smtp://127.0.0.1:" + port, cacert=d + "/tls.pem",
                 user="pusdatin", password_file=d + "/pw")
json.dump(c, open(d + "/tte-report.json", "w"), indent=1)
PYEOF
cfg=$d/tte-report.json

status 0 "yearly batch with --send" "$TTE_BIN/tte-report" --config "$cfg" \
    --year 2025 --send
report=$d/out/Laporan-TTE-BPIP-2025.xlsx
grep -q "done: 10 sources collected" "$TMP/out" && ok "summary on stderr" ||
    not_ok "summary on stderr"
$PY "$TOP/tests/e2e/check_report.py" "$report" "$d/data/expected.json" \
    "$TOP/templates/default.json" >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&driver year: /' "$TMP/check"
same "the report reached the SMTP server" "$(ls "$spool"/*.eml | wc -l)" 1
same "run recorded: done, exit 0, report" \
    "$(q "$d/report.db" "SELECT stage || ',' || exit_code || ',' || (report LIKE '%Laporan-TTE-BPIP-2025.xlsx') || ',' || (ended_at >= started_at) FROM runs")" \
    "done,0,1,1"
status 0 "quarterly preview" "$TTE_BIN/tte-report" --config "$cfg" \
    --year 2025 --quarter 3
$PY "$TOP/tests/e2e/check_report.py" \
    "$d/out/Laporan-TTE-BPIP-2025-Triwulan-3-pratinjau.xlsx" \
    "$d/data/expected.json" "$TOP/templates/default.json" --quarter 3 \
    >"$TMP/check" 2>&1 || failed=1
sed 's/^\(not \)*ok - /&driver Q3: /' "$TMP/check"
status 0 "re-run of the year: nothing sent twice" "$TTE_BIN/tte-report" \
    --config "$cfg" --year 2025 --send
same "still one message on the server" "$(ls "$spool"/*.eml | wc -l)" 1
same "every run recorded" "$(q "$d/report.db" 'SELECT count(*) FROM runs')" 3

# Lock: while another process holds the lock, a run exits 75 naming it.
(flock -x "$d/report.db.lock" sh -c 'echo 4242 >"$1"; sleep 3' sh \
    "$d/report.db.lock" &)
sleep 0.5
status 75 "second run while the lock is held" "$TTE_BIN/tte-report" \
    --config "$cfg" --year 2025
grep -q "PID 4242" "$TMP/out" && ok "names the holder's PID" ||
    not_ok "names the holder's PID: $(cat "$TMP/out")"
sleep 3

# A failing stage stops the chain with its status.
$PY - "$cfg" "$d/bad.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["sources"].insert(2, {"source": "no-such-system", "files": [sys.argv[1]]})
c["output_dir"] = c["output_dir"] + "-bad"
json.dump(c, open(sys.argv[2], "w"))
PYEOF
test $? = 0 || not_ok "writing bad.json failed"
status 64 "a failing collect stops the chain" "$TTE_BIN/tte-report" \
    --config "$d/bad.json" --year 2025
test -s "$report" && test "$(dirname "$report")-bad" = "$d/out-bad" &&
    ok "the good run's report is where the bad run's would be, less -bad" ||
    not_ok "the good run's report is where the bad run's would be, less -bad"
test ! -e "$d/out-bad/Laporan-TTE-BPIP-2025.xlsx" &&
    ok "no report after a failed stage" || not_ok "no report after a failed stage"
same "the failed run is recorded with its stage" \
    "$(q "$d/report.db" "SELECT stage || ',' || exit_code FROM runs ORDER BY id DESC LIMIT 1")" \
    "collect no-such-system,64"

# A glob matching thousands of files: every one is collected (the argument
# list of a stage is as long as its globs).
mkdir -p "$d/many"
$PY - "$cfg" "$d/many" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
m = sys.argv[2]
for i in range(4200):
    with open("%s/l%04d.csv" % (m, i), "w") as f:
        f.write("time,app,unit,nik,doc_id\n2025-03-01T10:00:00+07:00,"
                "many,Biro Umum,3171010101900001,M%d\n" % i)
c["database"] = m + "/report.db"
c["output_dir"] = m + "/out"
c["sources"] = [{"source": "csv", "files": [m + "/l*.csv"]}]
json.dump(c, open(m + "/many.json", "w"))
PYEOF
status 0 "a source of 4200 files" "$TTE_BIN/tte-report" -q \
    --config "$d/many/many.json" --year 2025
same "every one of the 4200 files collected" \
    "$(q "$d/many/report.db" "SELECT count(*) || ',' || count(DISTINCT file) FROM v_events")" \
    "4200,4200"
status 64 "bad --quarter" "$TTE_BIN/tte-report" --config "$cfg" --quarter 9

# make install (PREFIX), then the installed programs outside the tree.
inst=$TMP/inst
make -s -C "$TOP" install PREFIX="$inst" BUILD="$TMP/build" \
    BIN="$TMP/build/bin" >"$TMP/install.log" 2>&1 ||
    not_ok "make install: $(tail -5 "$TMP/install.log")"
for f in bin/tte-collect bin/tte-aggregate bin/tte-render bin/tte-send \
         bin/tte-report share/man/man1/tte-report.1 \
         share/man/man5/tte-report.conf.5 \
         share/tte-report/templates/default.json \
         share/tte-report/templates/email.json \
         etc/tte-report/sources/naskah-dinas.json \
         etc/tte-report/tte-report.json.example; do
    test -e "$inst/$f" && ok "installed $f" || not_ok "installed $f"
done
(cd / && "$inst/bin/tte-render" -q --db "$d/report.db" --year 2025 \
    --config "$cfg" --template ringkas --out "$d/installed.xlsx") &&
    ok "installed tte-render finds its templates from /" ||
    not_ok "installed tte-render finds its templates from /"
# 65: the sample's deliberately bad rows would be rejected.
(cd / && "$inst/bin/tte-collect" --check --source naskah-dinas \
    "$d/data/systems/naskah-dinas.csv" >/dev/null; test $? -eq 65) &&
    ok "installed tte-collect finds its source definitions from /" ||
    not_ok "installed tte-collect finds its source definitions from /"
make -s -C "$TOP" install DESTDIR="$TMP/dest" PREFIX=/usr BUILD="$TMP/build2" \
    BIN="$TMP/build2/bin" >"$TMP/install2.log" 2>&1
test -x "$TMP/dest/usr/bin/tte-report" && ok "make install DESTDIR" ||
    not_ok "make install DESTDIR"

# The systemd units are valid (with the installed program's path).
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$TMP/units"
    for u in "$TOP"/contrib/*.service "$TOP"/contrib/*.timer; do
        sed "s|/usr/local/bin/|$inst/bin/|" "$u" >"$TMP/units/$(basename "$u")"
    done
    same "contrib units copied for the check" \
        "$(ls "$TMP/units" | grep -c '\.\(service\|timer\)$')" \
        "$(ls "$TOP"/contrib/*.service "$TOP"/contrib/*.timer | grep -c .)"
    systemd-analyze verify --man=no "$TMP"/units/* >"$TMP/sa.log" 2>&1
    sa=$?
    grep -v 'User\|Group' "$TMP/sa.log" >"$TMP/sa.rest"
    if test "$sa" = 0 || { test -s "$TMP/sa.log" && ! test -s "$TMP/sa.rest"; }
    then ok "systemd-analyze ran on the contrib units (exit $sa)"; else
        not_ok "systemd-analyze verify failed (exit $sa)"
        sed 's/^/#   /' "$TMP/sa.log" | tail -15; fi
    check "systemd-analyze verify contrib units" \
        sh -c "! grep . '$TMP/sa.rest'"
fi
finish
