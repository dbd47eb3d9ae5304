#!/bin/sh
# tte-report reads every source in the zone tte-collect would use by hand:
# a source definition keeps its own zone (WITA, WIT) unless the
# configuration's entry sets one. Seal logs around New Year in WITA and WIT,
# written by a generator that knows each event's true UTC instant; the
# database after tte-report must equal the one the stages build by hand,
# and the year counts must be those of the true instants in WIB.
. "$(dirname "$0")/lib.sh"
plan 13

d=$TMP/drvzone
rm -rf "$d"
mkdir -p "$d"

# Three sources: a WITA definition, a WIT definition, and a definition
# without a zone whose log is in WITA (its configuration entry says so).
$PY - "$d" <<'PYEOF' || { not_ok "generator"; finish; }
import csv, json, sys
from datetime import datetime, timedelta, timezone
d = sys.argv[1]
WIB = timezone(timedelta(hours=7))
zones = {"wita": timezone(timedelta(hours=8)),
         "wit": timezone(timedelta(hours=9)),
         "nozone": timezone(timedelta(hours=8))}
seal = {"app": {"const": "segel-app"}, "unit": {"const": "Pusdatin"},
        "cert_type": {"const": "segel"}, "cert_serial": "seri",
        "result": {"column": "hasil", "map": {"SUKSES": "ok",
                                              "GAGAL": "fail"}}}
defs = {
    "wita": {"format": "csv", "delimiter": "|", "zone": "Asia/Makassar",
             "time_format": "%d-%m-%Y %H:%M:%S",
             "fields": dict(seal, time="waktu")},
    "wit": {"format": "jsonl", "zone": "Asia/Jayapura",
            "time_format": "%Y-%m-%d %H:%M:%S",
            "fields": dict(seal, time="waktu",
                           cert_serial="seri",
                           result={"path": "hasil",
                                   "map": {"SUKSES": "ok",
                                           "GAGAL": "fail"}})},
    "nozone": {"format": "csv", "delimiter": "|",
               "time_format": "%d-%m-%Y %H:%M:%S",
               "fields": dict(seal, time="waktu")},
}
years = {}
instants = []
for name, tz in zones.items():
    json.dump(defs[name], open("%s/%s.json" % (d, name), "w"))
    # 23:30 on 31 December to 01:30 on 1 January, local time.
    start = datetime(2025, 12, 31, 23, 30, tzinfo=tz)
    rows = []
    for i in range(13):
        t = start + timedelta(minutes=10 * i)
        serial = "%s-%02d" % (name.upper(), i)
        rows.append((t, serial))
        y = t.astimezone(WIB).year
        years[y] = years.get(y, 0) + 1
        instants.append(t.astimezone(timezone.utc)
                        .strftime("%Y-%m-%dT%H:%M:%SZ") + "|" + serial)
    if defs[name]["format"] == "csv":
        with open("%s/%s.log" % (d, name), "w", newline="") as f:
            w = csv.writer(f, delimiter="|", lineterminator="\n")
            w.writerow(["waktu", "seri", "hasil"])
            for t, s in rows:
                w.writerow([t.strftime("%d-%m-%Y %H:%M:%S"), s, "SUKSES"])
    else:
        with open("%s/%s.log" % (d, name), "w") as f:
            for t, s in rows:
                f.write(json.dumps({"waktu": t.strftime("%Y-%m-%d %H:%M:%S"),
                                    "seri": s, "hasil": "SUKSES"}) + "\n")
json.dump(years, open(d + "/years.json", "w"))
open(d + "/instants.txt", "w").write("\n".join(sorted(instants)) + "\n")
cfg = {"zone": "Asia/Jakarta", "database": d + "/report.db",
       "output_dir": d + "/out", "template": "templates/default.json",
       "official": {"name": "Pejabat Uji", "nip": "197001012000031001",
                    "position": "Kepala"},
       "sources": [
           {"source": d + "/wita.json", "files": [d + "/wita.log"]},
           {"source": d + "/wit.json", "files": [d + "/wit.log"]},
           {"source": d + "/nozone.json", "files": [d + "/nozone.log"],
            "zone": "Asia/Makassar"}]}
json.dump(cfg, open(d + "/tte-report.json", "w"), indent=1)
PYEOF

cd "$TOP" || exit 1
status 0 "tte-report for 2025" "$TTE_BIN/tte-report" --config \
    "$d/tte-report.json" --year 2025
status 0 "tte-report for 2026" "$TTE_BIN/tte-report" --config \
    "$d/tte-report.json" --year 2026

# The same stages by hand, as the manual pages describe them.
hand=$d/hand.db
status 0 "collect the WITA definition by hand" "$TTE_BIN/tte-collect" \
    --db "$hand" --source "$d/wita.json" "$d/wita.log"
status 0 "collect the WIT definition by hand" "$TTE_BIN/tte-collect" \
    --db "$hand" --source "$d/wit.json" "$d/wit.log"
status 0 "collect the zoneless definition with --zone by hand" \
    "$TTE_BIN/tte-collect" --db "$hand" --source "$d/nozone.json" \
    --zone Asia/Makassar "$d/nozone.log"
for y in 2025 2026; do
    status 0 "aggregate $y by hand" "$TTE_BIN/tte-aggregate" --db "$hand" \
        --year $y
done

events="SELECT time_utc, app, unit, cert_type, cert_serial, doc_id,
    result, source, file, line FROM v_events ORDER BY time_utc, cert_serial"
if test "$(q "$d/report.db" "$events")" = "$(q "$hand" "$events")" &&
    test -n "$(q "$hand" "$events")"; then
    ok "events after tte-report equal the events collected by hand"
else
    not_ok "events after tte-report equal the events collected by hand"
    q "$d/report.db" "$events" >"$d/a"
    q "$hand" "$events" >"$d/b"
    diff "$d/a" "$d/b" | head -10 | sed 's/^/#   /'
fi
same "every event at its true UTC instant" \
    "$(q "$d/report.db" "SELECT time_utc || '|' || cert_serial FROM v_events
        ORDER BY 1" | cksum)" "$(cksum <"$d/instants.txt")"
for y in 2025 2026; do
    want=$(expect "$d/years.json" "e.get('$y', 0)")
    same "events in $y (WIB), tte-report" \
        "$(q "$d/report.db" "SELECT events FROM agg_period WHERE period =
            '$y'")" "$want"
    same "events in $y (WIB), by hand" \
        "$(q "$hand" "SELECT events FROM agg_period WHERE period = '$y'")" \
        "$want"
done

rm -rf "$d"
finish
