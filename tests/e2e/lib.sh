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

# plan N: the number of checks this script runs, as a TAP plan line;
# tests/run.sh fails a script that runs another number (a check that
# silently stopped running is a failure, not a smaller pass count).
plan() { echo "1..$1"; }

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

# pychecks PREFIX HELPER ARGS...: runs tests/e2e/HELPER, a Python script
# printing its own "ok"/"not ok" lines, and passes them on with PREFIX.
# One more check says the helper ran to its end (exit 0): one that raises
# half-way is a failure even when every line it printed was "ok".
pychecks() {
    prefix=$1 helper=$2; shift 2
    $PY "$TOP/tests/e2e/$helper" "$@" >"$TMP/py.out" 2>"$TMP/py.err"
    rc=$?
    awk -v p="$prefix" '/^(not )?ok - / { sub(/ok - /, "ok - " p); print }' \
        "$TMP/py.out"
    grep -q '^not ok' "$TMP/py.out" && failed=1
    if test "$rc" = 0; then ok "$prefix$helper ran to its end"; else
        not_ok "$prefix$helper exited $rc"
        sed 's/^/#   /' "$TMP/py.err" | tail -15; fi
}

# nonempty WHAT FILE: FILE was produced (exists, not empty) -- asserted
# before a check that FILE lacks something, which an absent file would
# pass as well.
nonempty() {
    if test -s "$2"; then ok "$1 (${2##*/} written)"; else
        not_ok "$1: ${2##*/} is missing or empty"; fi
}

# q DB SQL: one value from the database.
q() { sqlite3 "$1" "$2"; }

# expect FILE EXPR: a value from the generator's expected.json.
expect() { $PY -c "import json,sys; e=json.load(open(sys.argv[1])); print($2)" "$1"; }

# free_port: a free loopback port, asked of the kernel.
free_port() {
    $PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}

# smtp_tls DIR: a throwaway TLS certificate for the test SMTP server
# (DIR/tls.pem, DIR/tls.key) and a random password, in $secret and in
# DIR/pw (0600), as tte-send's --password-file wants it.
smtp_tls() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$1/tls.key" -out "$1/tls.pem" >/dev/null 2>&1
    secret=S3cret-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '%s\n' "$secret" >"$1/pw")
}

# conf_official OUT: the shipped configuration with its placeholder
# official filled in (tte-send refuses a placeholder; tests/e2e/figures.sh).
conf_official() {
    $PY - "$TOP/conf/tte-report.json" "$1" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["official"].update(name="Pejabat Uji", nip="197001012000031001")
json.dump(c, open(sys.argv[2], "w"))
PYEOF
}

# smtp_start DIR NAME [ARGS...]: after smtp_tls DIR, starts the test SMTP
# server (tests/e2e/smtp_server.py, user pusdatin) on a free port with its
# spool in DIR/spool-NAME, and waits until it listens; sets port and
# spool. Every server started is stopped when the script exits.
smtp_pids=
smtp_start() {
    _d=$1 _n=$2; shift 2
    port=$(free_port)
    spool=$_d/spool-$_n
    $PY "$TOP/tests/e2e/smtp_server.py" --port "$port" --cert "$_d/tls.pem" \
        --key "$_d/tls.key" --spool "$spool" --user pusdatin \
        --password "$secret" --lifetime 120 "$@" >"$_d/server-$_n.log" 2>&1 &
    smtp_pids="$smtp_pids $!"
    trap 'kill $smtp_pids 2>/dev/null' EXIT
    _i=0
    while test ! -e "$spool/ready" && test $_i -lt 100; do
        sleep 0.1; _i=$((_i + 1)); done
}

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
