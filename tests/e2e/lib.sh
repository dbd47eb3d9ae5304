# Shared helpers for the end-to-end tests (POSIX sh).
# Every check prints "ok - what" or "not ok - what"; tests/run.sh counts them.
# TTE_BIN: folder of the programs under test; TMP: this test's scratch dir.

: "${TTE_BIN:?TTE_BIN must name the folder of the tte programs}"
TTE_BIN=$(cd "$TTE_BIN" && pwd)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
TMP=${TMP:-$(mktemp -d)}
mkdir -p "$TMP"
failed=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }

# check WHAT CMD...: CMD must succeed.
check() {
    what=$1; shift
    if "$@" >"$TMP/out" 2>&1; then ok "$what"; else
        not_ok "$what"; sed 's/^/#   /' "$TMP/out" | tail -15; fi
}

# status WANT WHAT CMD...: CMD must exit with WANT.
status() {
    want=$1; what=$2; shift 2
    "$@" >"$TMP/out" 2>&1
    got=$?
    if test "$got" = "$want"; then ok "$what (exit $want)"; else
        not_ok "$what: exit $got, want $want"
        sed 's/^/#   /' "$TMP/out" | tail -15; fi
}

# same WHAT GOT WANT
same() {
    if test "$2" = "$3"; then ok "$1 ($2)"; else
        not_ok "$1: got '$2', want '$3'"; fi
}

# q DB SQL: one value from the database.
q() { sqlite3 "$1" "$2"; }

# expect FILE EXPR: a value from the generator's expected.json.
expect() { $PY -c "import json,sys; e=json.load(open(sys.argv[1])); print($2)" "$1"; }

collect() { "$TTE_BIN/tte-collect" -q "$@"; }

# collect_all DIR DB [rerun]: collects a generated data set in the generator's order.
collect_all() {
    $PY - "$1" "$2" "$TTE_BIN" "${3:-}" <<'PYEOF'
import json, subprocess, sys
d, db, b, rerun = sys.argv[1:5]
exp = json.load(open(d + "/expected.json"))
for step in exp["collect"]:
    files = [d + "/" + f for f in step["files"]]
    r = subprocess.run([b + "/tte-collect", "-q", "--db", db, "--source",
                        step["source"]] + files, stderr=subprocess.PIPE)
    want = 65 if not rerun and any(f["rejected"] for f in exp["files"]
                     if f["file"] in step["files"]) else 0
    print("%s exit %d" % (step["source"], r.returncode))
    if r.returncode != want:
        sys.stderr.write(r.stderr.decode())
        sys.exit("collect %s: exit %d, want %d" % (step["source"],
                                                     r.returncode, want))
PYEOF
}

finish() { exit $failed; }
