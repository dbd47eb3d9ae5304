#!/bin/sh
# A render killed with SIGKILL leaves OUT.tmpPID, the whole report with its
# personal data: the file is the owner's alone (0600), and the next
# tte-render or tte-report of the same output removes it and says so. A
# temporary of a render still running is left alone.
. "$(dirname "$0")/lib.sh"
plan 23

d=$TMP/drvtmp
rm -rf "$d"
mkdir -p "$d"
cc -shared -fPIC -o "$d/renamekill.so" "$TOP/tests/e2e/renamekill.c" -ldl ||
    { not_ok "building the rename shim"; finish; }
$PY "$TOP/samples/gen.py" "$d/data" --seed 4 --events 300 >/dev/null ||
    not_ok "generator"
$PY - "$d" <<'PYEOF' || not_ok "writing the configuration"
import json, sys
d = sys.argv[1]
data = d + "/data"
c = {"database": d + "/report.db", "output_dir": d + "/out",
     "official": {"name": "Pejabat Uji", "nip": "197001012000031001",
                  "position": "Kepala"}, "html": True,
     "sources": [{"source": s, "files": [data + "/" + s + ".csv"]} for s in
                 ("units", "apps", "certificates", "verifikator")]
     + [{"source": "csv", "files": [data + "/logs/*.csv"]},
        {"source": "jsonl", "files": [data + "/logs/*.jsonl"]}]}
json.dump(c, open(d + "/tte-report.json", "w"))
PYEOF
cfg=$d/tte-report.json
status 0 "a first run" "$TTE_BIN/tte-report" --config "$cfg" --year 2025
preload() {
    env LD_PRELOAD="$d/renamekill.so" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" "$@"
}

# tte-render killed as it is about to rename its finished temporary.
out=$d/r.xlsx
preload env KILL_AT_RENAME=r.xlsx.tmp "$TTE_BIN/tte-render" --config "$cfg" \
    --db "$d/report.db" --year 2025 --out "$out" >"$TMP/out" 2>&1
same "tte-render killed by SIGKILL" "$?" 137
left=$(cd "$d" && ls r.xlsx.tmp* 2>/dev/null)
same "it left one temporary" "$(echo "$left" | grep -c .)" 1
same "the temporary is the owner's alone" \
    "$(stat -c %a "$d/$left" 2>/dev/null)" 600
$PY -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).testzip()" \
    "$d/$left" && ok "the temporary is the whole workbook" ||
    not_ok "the temporary is the whole workbook"
# A temporary whose process still runs (this shell) is not touched.
: >"$d/r.xlsx.tmp$$"
status 0 "tte-render of the same output again" "$TTE_BIN/tte-render" \
    --config "$cfg" --db "$d/report.db" --year 2025 --out "$out"
pid=${left#r.xlsx.tmp}
grep -qF "removed '$d/$left', left by process $pid that is no longer running" \
    "$TMP/out" && ok "says it removed the stale temporary" ||
    not_ok "says it removed the stale temporary"
same "no stale temporary left" "$(cd "$d" && ls r.xlsx.tmp* 2>/dev/null)" \
    "r.xlsx.tmp$$"
rm -f "$d/r.xlsx.tmp$$"
test -f "$out" && ok "the report written" || not_ok "the report written"

# The same under tte-report: the render stage killed (also the HTML's).
for ext in xlsx html; do
    preload env KILL_AT_RENAME=Laporan-TTE-BPIP-2025.$ext.tmp \
        "$TTE_BIN/tte-report" --config "$cfg" --year 2025 >"$TMP/out" 2>&1
    same "tte-report: the $ext render killed, exit 70" "$?" 70
    grep -q "stopped at render (exit 70)" "$TMP/out" &&
        ok "tte-report names the render stage ($ext)" ||
        not_ok "tte-report names the render stage ($ext)"
    left=$(cd "$d/out" && ls Laporan-TTE-BPIP-2025.$ext.tmp* 2>/dev/null)
    same "a temporary left ($ext)" "$(echo "$left" | grep -c .)" 1
    status 0 "tte-report again ($ext)" "$TTE_BIN/tte-report" --config \
        "$cfg" --year 2025
    grep -qF "removed '$d/out/$left', left by process ${left#*.tmp}" \
        "$TMP/out" && ok "tte-report run says it removed it ($ext)" ||
        not_ok "tte-report run says it removed it ($ext)"
    nonempty "the report written again ($ext)" \
        "$d/out/Laporan-TTE-BPIP-2025.$ext"
    same "no temporary left ($ext)" \
        "$(ls "$d/out" | grep -c '\.tmp')" 0
done

rm -rf "$d"
finish
