#!/bin/sh
# tte-report when the evidence stage fails: the exit status is the stage's
# (or 70 when it was killed, 78 for the configuration), the message and
# the runs table name the evidence stage and its application, and nothing
# after it runs. Documents that fail their checks (65) do not stop it.
# tte-evidence is replaced by a stand-in that exits as told, in a copy of
# the programs' folder (tte-report runs the stages beside itself).
. "$(dirname "$0")/lib.sh"
plan 30

d=$TMP/drvev
rm -rf "$d"
mkdir -p "$d/bin" "$d/docs"
cp "$TTE_BIN/tte-report" "$d/bin/"
for p in collect aggregate render send; do
    ln -s "$TTE_BIN/tte-$p" "$d/bin/tte-$p"
done
cat >"$d/bin/tte-evidence" <<'EOF'
#!/bin/sh
# Exits with the status named in the file EVIDENCE_EXIT names, per --app.
app=
echo "$*" >>"$EVIDENCE_EXIT.args"
while test $# -gt 0; do
    test "$1" = --app && app=$2
    shift
done
rc=$(sed -n "s/^$app //p" "$EVIDENCE_EXIT")
test "$rc" = kill && kill -9 $$
exit "${rc:-0}"
EOF
chmod 700 "$d/bin/tte-evidence"
: >"$d/docs/a.pdf"
: >"$d/ca.pem"
export EVIDENCE_EXIT="$d/exits"

# conf NAME EVIDENCE-JSON
conf() {
    printf '{"database": "%s/%s.db", "output_dir": "%s/out-%s",
 "sources": [], "evidence": %s}\n' "$d" "$1" "$d" "$1" "$2" >"$d/$1.json"
}
apps='{"esurat": "'$d'/docs/*.pdf", "srikandi": ["'$d'/docs/a.pdf"]}'

# run NAME WANT-EXIT WANT-STAGE: the exit, the message, the run record and
# no report rendered after a failure.
run() {
    status "$2" "$1: tte-report exits $2" "$d/bin/tte-report" --config \
        "$d/$1.json" --year 2025
    if test "$2" = 0; then
        grep -q "^tte-report: done:" "$TMP/out" && ok "$1: done" ||
            not_ok "$1: done"
        same "$1: a report rendered in out-$1" "$(ls "$d/out-$1" 2>/dev/null |
            grep -c '^Laporan-TTE-BPIP-2025\.xlsx$')" 1
    else
        grep -qF "stopped at $3 (exit $2)" "$TMP/out" &&
            ok "$1: stopped at $3 (exit $2)" ||
            not_ok "$1: stopped at $3 (exit $2)"
        grep -qF "\"output_dir\": \"$d/out-$1\"" "$d/$1.json" &&
            ok "$1: the report would go to out-$1" ||
            not_ok "$1: the report would go to out-$1"
        same "$1: no report rendered" "$(ls "$d/out-$1" 2>/dev/null |
            grep -c .)" 0
    fi
    same "$1: run recorded" "$(q "$d/$1.db" "SELECT stage || ',' ||
        exit_code FROM runs")" "$3,$2"
}

conf noca '{"apps": '"$apps"'}'
run noca 78 evidence
printf 'esurat 75\n' >"$EVIDENCE_EXIT"
conf tempfail '{"ca": "'$d'/ca.pem", "apps": '"$apps"'}'
run tempfail 75 "evidence esurat"
printf 'esurat 65\nsrikandi 69\n' >"$EVIDENCE_EXIT"
conf second '{"ca": "'$d'/ca.pem", "apps": '"$apps"'}'
run second 69 "evidence srikandi"
printf 'esurat 65\nsrikandi kill\n' >"$EVIDENCE_EXIT"
conf killed '{"ca": "'$d'/ca.pem", "apps": '"$apps"'}'
run killed 70 "evidence srikandi"
grep -q "tte-evidence was killed by signal 9" "$TMP/out" &&
    ok "killed: says tte-evidence was killed" ||
    not_ok "killed: says tte-evidence was killed"
printf 'esurat 65\nsrikandi 65\n' >"$EVIDENCE_EXIT"
conf findings '{"ca": "'$d'/ca.pem", "apps": '"$apps"'}'
run findings 0 done

# The configuration's limits per document reach tte-evidence as options.
: >"$EVIDENCE_EXIT"
rm -f "$EVIDENCE_EXIT.args"
conf limits '{"ca": "'$d'/ca.pem", "apps": '"$apps"', "max_memory": 256, "timeout": 7}'
run limits 0 done
same "limits: every tte-evidence gets --max-memory 256 --timeout 7" \
    "$(grep -c -e '--max-memory 256 --timeout 7' "$EVIDENCE_EXIT.args")" 2

rm -rf "$d"
finish
