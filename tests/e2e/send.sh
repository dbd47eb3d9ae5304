#!/bin/sh
# tte-send against a real SMTP server on 127.0.0.1 (aiosmtpd) with
# STARTTLS and AUTH, and a throwaway self-signed certificate.
. "$(dirname "$0")/lib.sh"
plan 132

d=$TMP/send db=$TMP/send/report.db
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d" --seed 4 --events 400 >/dev/null
collect_all "$d" "$db" >/dev/null
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/Laporan-TTE-BPIP-2025.xlsx"
report=$d/Laporan-TTE-BPIP-2025.xlsx
q "$db" "VACUUM INTO '$d/fresh.db'"
smtp_tls "$d"
start_server() { smtp_start "$d" "$@"; }  # NAME [--mode M] [--refuse A]

conf_official "$d/conf.json" || not_ok "configuration written"
send() {
    "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" \
        --report "$report" --smtp "smtp://127.0.0.1:$port" --cacert "$d/tls.pem" \
        --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id \
        --cc arsip@bpip.go.id --user pusdatin --password-file "$d/pw" "$@"
}

start_server ok
status 0 "send over STARTTLS with AUTH" send
$PY - "$spool/1.eml" "$report" "$spool/1.rcpt" <<'PYEOF' ||
import email, hashlib, sys
from email.header import decode_header, make_header
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
xlsx = open(sys.argv[2], "rb").read()
def ok(c, what):
    print(("ok - " if c else "not ok - ") + what)
subj = str(make_header(decode_header(m["Subject"])))
ok(subj == "Laporan Pemanfaatan Sertifikat Elektronik BPIP Tahun 2025 \u2014 "
   "PKS.14/BPIP/SU/09/2025", "subject (RFC 2047) %r" % subj)
ok(m["From"] == "pusdatin@bpip.go.id", "From")
ok(m["To"] == "info.bsre@bssn.go.id", "To")
ok(m["Cc"] == "arsip@bpip.go.id", "Cc")
ok(m["Reply-To"] == "pusdatin@bpip.go.id", "Reply-To from the configuration")
ok(m["Date"] and m["Message-ID"] and m["Message-ID"].startswith("<"),
   "Date and Message-ID")
ok(m.get_content_type() == "multipart/mixed", "multipart/mixed")
parts = [p for p in m.walk() if not p.is_multipart()]
text = [p for p in parts if p.get_content_type() == "text/plain"][0]
body = text.get_payload(decode=True).decode("utf-8")
ok("Pasal 4 ayat (1) huruf g" in body and "PERJ.2372" in body and
   "Tahun 2025" in body, "Indonesian body with PKS numbers")
att = [p for p in parts if p.get_filename()][0]
ok(att.get_content_type() == "application/vnd.openxmlformats-"
   "officedocument.spreadsheetml.sheet", "spreadsheet content type")
ok(att.get_filename() == "Laporan-TTE-BPIP-2025.xlsx", "attachment name")
ok(att.get_payload(decode=True) == xlsx, "attachment byte-identical")
ok(open(sys.argv[3]).read().split() == ["info.bsre@bssn.go.id",
                                        "arsip@bpip.go.id"], "envelope")
print(hashlib.sha256(xlsx).hexdigest(), file=open(sys.argv[1] + ".sha", "w"))
PYEOF
    not_ok "an inline Python block raised"
same "SHA-256 recorded for each recipient" \
    "$(q "$db" 'SELECT count(*) FROM sends WHERE report_sha256 = (SELECT report_sha256 FROM sends LIMIT 1)')" 2
same "the recorded SHA-256 is the report's" \
    "$(q "$db" 'SELECT DISTINCT report_sha256 FROM sends')" "$(cat "$spool/1.eml.sha")"
same "server reply recorded" \
    "$(q "$db" "SELECT count(*) FROM sends WHERE server_reply LIKE '250%queued as tte-1'")" 2
status 0 "second run sends nothing" send
same "second run: still one message on the server" "$(ls "$spool"/*.eml | wc -l)" 1
grep -q "already received this report" "$TMP/out" && ok "says when it was sent" ||
    not_ok "says when it was sent"
# The batch renders the report again on a re-run (a new generated-at
# time): still the period's report, not sent twice.
mkdir -p "$d/again"
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 --as-of 2026-01-06T08:00:00 \
    --config "$TOP/conf/tte-report.json" --out "$d/again/Laporan-TTE-BPIP-2025.xlsx"
status 0 "a re-rendered report of the same year is not sent again" \
    send --report "$d/again/Laporan-TTE-BPIP-2025.xlsx"
same "re-rendered: still one message on the server" \
    "$(ls "$spool"/*.eml | wc -l)" 1
grep -q "already received this report (2025) on .*this file differs" \
    "$TMP/out" && ok "says the new file differs from the one sent" ||
    not_ok "says the new file differs from the one sent"
status 0 "--force sends again" send --force
same "--force: two messages" "$(ls "$spool"/*.eml | wc -l)" 2
status 0 "--list" "$TTE_BIN/tte-send" --db "$db" --list
same "--list shows every delivery" "$(grep -c 'info.bsre@bssn.go.id' "$TMP/out")" 2

# Failures the scheduler must tell apart.
printf 'wrong\n' >"$d/badpw"; chmod 600 "$d/badpw"
status 69 "wrong password" send --force --password-file "$d/badpw"
same "wrong password: nothing recorded" "$(q "$db" 'SELECT count(*) FROM sends')" 4
chmod 644 "$d/pw"
status 78 "password file readable by others is refused" send --force
chmod 600 "$d/pw"
port=$(free_port)
status 75 "server not listening" send --force
start_server t451 --mode reply451
status 75 "server answers 451" send --force
start_server t554 --mode reply554
status 69 "server answers 554" send --force
start_server plain --mode no-starttls
status 69 "server without STARTTLS: refused" send --force
same "no STARTTLS: nothing delivered" "$(ls "$d/spool-plain"/*.eml 2>/dev/null | wc -l)" 0
status 64 "--allow-plaintext to a non-loopback host" send --force \
    --allow-plaintext --smtp smtp://mail.example.invalid:25
status 64 "header injection in --to" send --force \
    --to "$(printf 'a@b.go.id\r\nBcc: evil@example.invalid')"
status 64 "header injection in --from" send --force \
    --from "$(printf 'a@b.go.id\nX: y')"
status 64 "invalid address" send --force --to "not an address"

# Some recipients refused, others accepted: say which, record only those.
start_server part --refuse arsip@bpip.go.id
rm -f "$db.part"; cp "$db" "$db.part"
before=$(q "$db.part" "SELECT count(*) FROM sends WHERE recipients = 'arsip@bpip.go.id'")
status 69 "partial delivery reports the refused recipient" send --force \
    --db "$db.part"
grep -q "refused by the server: arsip@bpip.go.id" "$TMP/out" &&
    ok "names the refused recipient" || not_ok "names the refused recipient"
same "the refused recipient is not recorded" \
    "$(q "$db.part" "SELECT count(*) FROM sends WHERE recipients = 'arsip@bpip.go.id'")" "$before"
same "the accepted recipient is recorded" \
    "$(q "$db.part" "SELECT count(*) FROM sends WHERE recipients = 'info.bsre@bssn.go.id'")" \
    "$(($(q "$db" "SELECT count(*) FROM sends WHERE recipients = 'info.bsre@bssn.go.id'") + 1))"

# Previews are not the annual report, whatever their name says: tte-send
# knows a report by its SHA-256 in the renders table.
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025 --quarter 3
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 --quarter 3 \
    --config "$TOP/conf/tte-report.json" --out "$d/preview-q3.xlsx"
nonempty "the quarterly preview rendered" "$d/preview-q3.xlsx"
cp "$d/preview-q3.xlsx" "$d/Laporan-TTE-2025-final.xlsx"
status 65 "a quarterly preview renamed Laporan-TTE-2025-final.xlsx is refused by --dry-run" \
    send --report "$d/Laporan-TTE-2025-final.xlsx" --dry-run "$d/renamed.eml"
grep -q "is the quarterly preview (PRATINJAU) of 2025Q3" "$TMP/out" &&
    ok "the refusal says what the file is" || not_ok "the refusal says what the file is"
test ! -e "$d/renamed.eml" && ok "refused: no message written" ||
    not_ok "refused: no message written"
status 65 "a renamed preview is refused with --force alone" send --force \
    --report "$d/Laporan-TTE-2025-final.xlsx"
status 65 "--year that is not the rendered report's is refused" \
    send --report "$report" --year 2024 --dry-run "$d/y.eml"
status 65 "the database itself is not a report" send --report "$db" \
    --dry-run "$d/db.eml"
{ cat "$report"; printf ' '; } >"$d/tampered.xlsx"
status 65 "a file tte-render did not write is refused" send \
    --report "$d/tampered.xlsx" --dry-run "$d/t.eml"
status 0 "--force --year --quarter sends a preview (dry run)" send --force \
    --year 2025 --quarter 3 --report "$d/Laporan-TTE-2025-final.xlsx" \
    --dry-run "$d/preview.eml"
$PY - "$d/preview.eml" <<'PYEOF' ||
import email, sys
from email.header import decode_header, make_header
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
subj = str(make_header(decode_header(m["Subject"])))
body = [p for p in m.walk() if p.get_content_type() == "text/plain"][0]
body = body.get_payload(decode=True).decode("utf-8")
def ok(c, what):
    print(("ok - " if c else "not ok - ") + what)
ok("PRATINJAU" in subj and "Triwulan III 2025" in subj and
   "Tahun 2025" not in subj, "preview subject says PRATINJAU, Triwulan %r" % subj)
ok("PRATINJAU" in body and "Triwulan III 2025" in body and
   "Tahun 2025" not in body, "preview body says PRATINJAU and Triwulan")
PYEOF
    not_ok "an inline Python block raised"
same "renders records the preview by content" \
    "$(q "$db" "SELECT kind || ' ' || period FROM renders WHERE sha256 = '$(sha256sum "$d/preview-q3.xlsx" | cut -c1-64)'")" \
    "preview 2025Q3"

# Dry run: the message on disk, nothing sent, nothing recorded.
n=$(q "$db" 'SELECT count(*) FROM sends')
status 0 "--dry-run" send --force --dry-run "$d/dry.eml"
same "--dry-run records nothing" "$(q "$db" 'SELECT count(*) FROM sends')" "$n"
$PY -c "
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
a = [p for p in m.walk() if p.get_filename()][0]
print('ok - dry-run message carries the report' if a.get_payload(decode=True)
      == open(sys.argv[2], 'rb').read() else 'not ok - dry-run attachment')
" "$d/dry.eml" "$report" || not_ok "an inline Python block raised"

# Send ledger: a 'pending' row with the Message-ID before
# DATA, 'sent' after the 250. The database busy when the send is marked:
# the row stays pending, a re-run reports it instead of mailing again.
start_server lock --mode lockdb --lockdb "$d/fresh.db"
TTE_BUSY_TIMEOUT_MS=300 status 75 "database busy after the 250: temporary failure" \
    send --db "$d/fresh.db"
same "busy: the server has the message" "$(ls "$d/spool-lock"/*.eml | wc -l)" 1
mid=$(sed -n 's/^Message-ID: //p' "$d/spool-lock/1.eml" | tr -d '\r')
same "busy: the ledger holds it pending with its Message-ID" \
    "$(q "$d/fresh.db" "SELECT group_concat(status || ' ' || message_id, ';') FROM sends")" \
    "pending $mid;pending $mid"
grep -q "could not be recorded as sent" "$TMP/out" &&
    ok "busy: says the send is not recorded" || not_ok "busy: says the send is not recorded"
sleep 5
start_server again
status 69 "a re-run finding a pending send reports it instead of sending" \
    send --db "$d/fresh.db"
grep -q "never confirmed by the server" "$TMP/out" &&
    ok "the pending send is reported" || not_ok "the pending send is reported"
same "pending: nothing sent again" "$(ls "$d/spool-again"/*.eml 2>/dev/null | wc -l)" 0
status 0 "--force resends a pending send" send --db "$d/fresh.db" --force
same "--force resends with the same Message-ID" \
    "$(sed -n 's/^Message-ID: //p' "$d/spool-again/1.eml" | tr -d '\r')" "$mid"
same "resent: marked sent" "$(q "$d/fresh.db" "SELECT group_concat(status, ' ') FROM sends")" "sent sent"
# A server silent after DATA is given up within --timeout, and the send
# stays pending: it may have arrived.
q "$d/fresh.db" "VACUUM INTO '$d/silent.db'"
q "$d/silent.db" "DELETE FROM sends" >/dev/null
start_server silent --mode silent
t0=$(date +%s)
status 75 "a server silent after DATA: temporary failure" send --db "$d/silent.db" \
    --timeout 3
t1=$(date +%s)
test $((t1 - t0)) -lt 30 && ok "silent server given up in $((t1 - t0)) s (--timeout 3)" ||
    not_ok "silent server given up in $((t1 - t0)) s (--timeout 3)"
same "silent server: the send stays pending" \
    "$(q "$d/silent.db" "SELECT group_concat(status, ' ') FROM sends")" "pending pending"

# --allow-plaintext: the loopback test uses the host curl parses.
status 64 "--allow-plaintext to smtp://localhost@mail.attacker.example" \
    send --force --allow-plaintext --smtp smtp://localhost@mail.attacker.example:25
status 64 "--allow-plaintext to smtp://127.attacker.example" \
    send --force --allow-plaintext --smtp smtp://127.attacker.example:25
start_server plain2 --mode no-starttls
status 0 "--allow-plaintext to smtp://localhost is allowed" send --force \
    --allow-plaintext --smtp "smtp://localhost:$port" --db "$d/silent.db"
# A FIFO as --password-file is refused, not waited on.
mkfifo "$d/fifo"
status 78 "a FIFO as --password-file is refused" timeout 20 \
    sh -c 'exec "$@" --password-file "$0"' "$d/fifo" \
    "$TTE_BIN/tte-send" --db "$db" --config "$TOP/conf/tte-report.json" \
    --report "$report" --smtp "smtp://127.0.0.1:$port" --force \
    --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id --user pusdatin
# --dry-run naming an input (the database, by another spelling) is refused.
status 73 "--dry-run naming the database is refused" send --force \
    --dry-run "$d/./report.db"
same "the database is intact after --dry-run naming it" \
    "$(q "$db" 'PRAGMA integrity_check')" ok
# The --dry-run message carries the report: 0600 whatever the umask.
rm -f "$d/dry2.eml"
(umask 022; send --force --dry-run "$d/dry2.eml" >/dev/null 2>&1)
same "--dry-run .eml is created 0600 under umask 022" "$(stat -c %a "$d/dry2.eml")" 600

# A database with the rendered report and no send yet.
fresh_db() {
    rm -f "$1" "$1-wal" "$1-shm" "$1-send.lock"
    q "$d/fresh.db" "VACUUM INTO '$1'"
    q "$1" "DELETE FROM sends; DELETE FROM send_attempts" >/dev/null
}
rcpts() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# A message the server refused at the end of DATA was delivered to nobody:
# a 451 leaves both recipients to a re-run (75), a 554 fails (69);
# neither is 'sent', both attempts are kept.
fresh_db "$d/r451.db"
start_server r451 --mode reply451
status 75 "451 to the end of DATA: temporary failure" send --db "$d/r451.db"
same "451: nothing recorded as sent" \
    "$(q "$d/r451.db" 'SELECT count(*) FROM sends')" 0
same "451: both attempts recorded for a retry" \
    "$(q "$d/r451.db" "SELECT group_concat(recipient || ' ' || outcome, ', ') FROM send_attempts")" \
    "info.bsre@bssn.go.id retry, arsip@bpip.go.id retry"
start_server r451b
status 0 "the re-run after a 451 sends again" send --db "$d/r451.db"
same "re-run after 451: the server has it for both" \
    "$(rcpts "$d/spool-r451b/1.rcpt")" "info.bsre@bssn.go.id arsip@bpip.go.id"
same "re-run after 451: both sent" \
    "$(q "$d/r451.db" "SELECT group_concat(status, ' ') FROM sends")" "sent sent"
same "re-run after 451: every attempt in the ledger" \
    "$(q "$d/r451.db" "SELECT group_concat(outcome, ' ') FROM send_attempts ORDER BY id")" \
    "retry retry sent sent"
fresh_db "$d/r554.db"
start_server r554 --mode reply554
status 69 "554 to the end of DATA: refused" send --db "$d/r554.db"
same "554: nothing recorded as sent" \
    "$(q "$d/r554.db" 'SELECT count(*) FROM sends')" 0
same "554: both attempts failed" \
    "$(q "$d/r554.db" "SELECT group_concat(outcome || ' ' || substr(server_reply, 1, 3), ', ') FROM send_attempts")" \
    "failed 554, failed 554"
# 450 for one recipient at RCPT TO: the other gets it; that one is
# retried (75) and a re-run sends it to that one alone.
fresh_db "$d/r450.db"
start_server r450 --tempfail arsip@bpip.go.id
status 75 "450 for one recipient: temporary failure" send --db "$d/r450.db"
same "450: the server has it for the other only" \
    "$(rcpts "$d/spool-r450/1.rcpt")" "info.bsre@bssn.go.id"
same "450: only the other is sent" \
    "$(q "$d/r450.db" "SELECT group_concat(recipients || ' ' || status, ', ') FROM sends")" \
    "info.bsre@bssn.go.id sent"
same "450: its attempt is kept for a retry" \
    "$(q "$d/r450.db" "SELECT outcome FROM send_attempts WHERE recipient = 'arsip@bpip.go.id'")" retry
start_server r450b
status 0 "the re-run after a 450 sends to that recipient" send --db "$d/r450.db"
same "re-run after 450: to that recipient alone" \
    "$(rcpts "$d/spool-r450b/1.rcpt")" "arsip@bpip.go.id"

# Two runs at once deliver once: the second waits for the
# first's lock, then finds the report sent. The server takes a second
# over each message so that the runs overlap.
start_server race --delay 1
n=0 got=
while test $n -lt 10; do
    fresh_db "$d/race.db"
    before=$(cat "$d/spool-race"/*.rcpt 2>/dev/null | wc -l)
    send --db "$d/race.db" >"$d/race-a.out" 2>&1 &
    pa=$!
    send --db "$d/race.db" >"$d/race-b.out" 2>&1 &
    pb=$!
    wait $pa; ea=$?
    wait $pb; eb=$?
    after=$(cat "$d/spool-race"/*.rcpt | wc -l)
    bssn=$(cat "$d/spool-race"/*.rcpt | grep -c '^info.bsre@bssn.go.id$')
    got="$got $ea/$eb:$((after - before)):$(q "$d/race.db" "SELECT group_concat(outcome, '') FROM send_attempts")"
    n=$((n + 1))
done
same "two runs at once, 10 times: both exit 0, one message per recipient, the attempts recorded" \
    "$got" "$(for n in 1 2 3 4 5 6 7 8 9 10; do printf ' 0/0:2:sentsent'; done)"
same "two runs at once: the server got the report $bssn times for BSSN" "$bssn" 10
grep -q "waiting for another tte-send" "$d/race-a.out" "$d/race-b.out" &&
    ok "the second run says it waits" || not_ok "the second run says it waits"
# A lock whose holder was killed is no lock: the kernel drops it.
fresh_db "$d/crash.db"
$PY -c "import fcntl, sys, time
f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(60)" \
    "$d/crash.db-send.lock" &
holder=$!
sleep 0.5
kill -9 $holder
wait $holder 2>/dev/null
t0=$(date +%s)
status 0 "a send lock left by a killed run does not block" send --db "$d/crash.db"
t1=$(date +%s)
test $((t1 - t0)) -lt 10 && ok "no wait for a killed holder ($((t1 - t0)) s)" ||
    not_ok "waited $((t1 - t0)) s for a killed holder"

# A password in the --smtp URL is shown as ***.
urlpw=UrlPw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
dead=$(free_port)
status 75 "--smtp with a password, nobody listening" send --force \
    --smtp "smtp://pusdatin:$urlpw@127.0.0.1:$dead"
grep -q "smtp://pusdatin:\*\*\*@127.0.0.1:$dead" "$TMP/out" &&
    ok "the URL is shown with its password masked" ||
    not_ok "the URL is shown with its password masked"
cp "$TMP/out" "$d/urlpw-1.out"
status 64 "a bad --smtp with a password" send --force \
    --smtp "ftp://pusdatin:$urlpw@127.0.0.1:25"
cp "$TMP/out" "$d/urlpw-2.out"
status 64 "--allow-plaintext to a remote --smtp with a password" send --force \
    --allow-plaintext --smtp "smtp://pusdatin:$urlpw@mail.example.invalid:25"
cp "$TMP/out" "$d/urlpw-3.out"
status 69 "--smtp with a password holding '/' (a URL curl cannot parse)" send --force \
    --smtp "smtp://pusdatin:a/$urlpw@127.0.0.1:$dead"
cp "$TMP/out" "$d/urlpw-5.out"
fresh_db "$d/urlpw.db"
start_server urlpw
status 0 "a send with a password in --smtp" send --db "$d/urlpw.db" --verbose \
    --smtp "smtp://pusdatin:$secret@127.0.0.1:$port"
cp "$TMP/out" "$d/urlpw-4.out"
status 0 "--list after it" "$TTE_BIN/tte-send" --db "$d/urlpw.db" --list
if grep -rqa "$urlpw" "$d"/urlpw-*.out "$TMP/out" "$d/urlpw.db"* ||
    grep -qa "$secret" "$d/urlpw-4.out" "$TMP/out"; then
    not_ok "a password in --smtp appears in an error, --verbose, --list or the ledger"
else
    ok "a password in --smtp appears in no error, --verbose, --list or ledger"
fi

# --report that is no regular file is refused at once.
mkfifo "$d/report.fifo"
for r in "$d/report.fifo" /dev/zero "$d"; do
    status 66 "--report $(basename "$r") is refused at once" timeout 10 \
        "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" \
        --report "$r" --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id \
        --dry-run "$d/never.eml"
    grep -q "report '$r': a" "$TMP/out" && ok "the refusal names '$r'" ||
        not_ok "the refusal names '$r'"
done
mkfifo "$d/eml.fifo"
status 73 "--dry-run into a FIFO is refused at once" timeout 10 \
    "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" --force \
    --report "$report" --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id \
    --dry-run "$d/eml.fifo"

# A guarantee libcurl did not take stops the send: a shim
# makes curl_easy_setopt fail for one option at a time.
cc -shared -fPIC -o "$d/curlshim.so" "$TOP/tests/e2e/curlshim.c" -ldl
start_server shim
for opt in CURLOPT_USE_SSL CURLOPT_SSL_VERIFYPEER CURLOPT_SSL_VERIFYHOST \
    CURLOPT_PROTOCOLS_STR CURLOPT_SERVER_RESPONSE_TIMEOUT \
    CURLOPT_LOW_SPEED_TIME CURLOPT_CAINFO; do
    fresh_db "$d/shim.db"
    FAIL_CURLOPT=$opt LD_PRELOAD=$d/curlshim.so \
        ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
        status 69 "libcurl refusing $opt: not sent" send --db "$d/shim.db"
    grep -q "libcurl refused $opt" "$TMP/out" && ok "the refusal names $opt" ||
        not_ok "the refusal names $opt"
done
unset FAIL_CURLOPT LD_PRELOAD
same "libcurl refusing an option: the server got nothing" \
    "$(ls "$d/spool-shim"/*.eml 2>/dev/null | wc -l)" 0

# Verbose: the conversation, without the credentials.
start_server verbose
status 0 "--verbose" send --force --verbose
grep -q "^> MAIL FROM" "$TMP/out" && ok "--verbose shows the conversation" ||
    not_ok "--verbose shows the conversation"
if grep -rq --exclude=pw "$secret" "$TMP" "$db"* 2>/dev/null; then
    not_ok "the password appears in some output, log or the database"
else
    ok "the password appears in no output, log or database"
fi
grep -q "$secret" "$d/pw" && ok "(the password file itself holds it)" ||
    not_ok "password file"
finish
