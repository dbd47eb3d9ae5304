#!/bin/sh
# A FIFO, a device or a folder given where tte-report or tte-render reads a
# file (configuration, template, database) is refused at once with exit
# 66, never waited on; /dev/zero is never read into memory; a JSON file
# larger than 16 MiB is not read whole.
. "$(dirname "$0")/lib.sh"
plan 28

d=$TMP/drvin
rm -rf "$d"
mkdir -p "$d"
mkfifo "$d/fifo"
printf '{"database": "%s/report.db", "output_dir": "%s/out", "sources": []}\n' \
    "$d" "$d" >"$d/ok.json"
printf '{"database": "%s/report.db", "output_dir": "%s/out", "sources": [],
 "template": "%s/fifo"}\n' "$d" "$d" "$d" >"$d/tplfifo.json"
printf '{"database": "%s/report.db", "output_dir": "%s/out", "sources": [],
 "template": "/dev/zero"}\n' "$d" "$d" >"$d/tplzero.json"
status 0 "a database to render from" "$TTE_BIN/tte-report" --config \
    "$d/ok.json" --year 2025

# refused WHAT MESSAGE CMD...: exit 66 within 10 s, with the message.
refused() {
    what=$1 msg=$2
    shift 2
    status 66 "$what" timeout 10 "$@"
    grep -qF "$msg" "$TMP/out" && ok "$what: says why" || {
        not_ok "$what: says why ('$msg')"; sed 's/^/#   /' "$TMP/out"; }
}

for p in tte-report tte-render; do
    refused "$p --config FIFO" "'$d/fifo' is a FIFO, not a regular file" \
        "$TTE_BIN/$p" --config "$d/fifo" --year 2025
    refused "$p --config /dev/zero" \
        "'/dev/zero' is a character device, not a regular file" \
        "$TTE_BIN/$p" --config /dev/zero --year 2025
    refused "$p --config a folder" "'$d' is a folder" \
        "$TTE_BIN/$p" --config "$d" --year 2025
done
refused "tte-report: template a FIFO" "template '$d/fifo' is a FIFO" \
    "$TTE_BIN/tte-report" --config "$d/tplfifo.json" --year 2025
refused "tte-report: template /dev/zero" \
    "template '/dev/zero' is a character device" \
    "$TTE_BIN/tte-report" --config "$d/tplzero.json" --year 2025
refused "tte-render --template FIFO" "template '$d/fifo' is a FIFO" \
    "$TTE_BIN/tte-render" --config "$d/ok.json" --db "$d/report.db" \
    --year 2025 --template "$d/fifo" --out "$d/r.xlsx"
refused "tte-render --template /dev/zero" \
    "template '/dev/zero' is a character device" \
    "$TTE_BIN/tte-render" --config "$d/ok.json" --db "$d/report.db" \
    --year 2025 --template /dev/zero --out "$d/r.xlsx"
refused "tte-render --db FIFO" "database '$d/fifo' is a FIFO" \
    "$TTE_BIN/tte-render" --config "$d/ok.json" --db "$d/fifo" --year 2025 \
    --out "$d/r.xlsx"
refused "tte-report --db FIFO" "database '$d/fifo' is a FIFO" \
    "$TTE_BIN/tte-report" --config "$d/ok.json" --db "$d/fifo" --year 2025

# 17 MiB of JSON whitespace around an object: a valid document, but no
# configuration is that large; refused once 16 MiB are read.
$PY - "$d/big.json" "$d" <<'PYEOF' || not_ok "writing big.json"
import json, sys
with open(sys.argv[1], "w") as f:
    f.write(" " * (17 << 20))
    f.write(json.dumps({"database": sys.argv[2] + "/report.db"}))
PYEOF
status 78 "tte-report --config of 17 MiB" "$TTE_BIN/tte-report" --config \
    "$d/big.json" --year 2025
grep -qF "is larger than 16 MiB" "$TMP/out" &&
    ok "says the file is larger than 16 MiB" ||
    not_ok "says the file is larger than 16 MiB"
test -p "$d/fifo" && ok "the FIFO is left as it was" ||
    not_ok "the FIFO is left as it was"

rm -rf "$d"
finish
