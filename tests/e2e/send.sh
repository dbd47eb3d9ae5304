#!/bin/sh
# tte-send against a real SMTP server on 127.0.0.1 (aiosmtpd) with
# STARTTLS and AUTH, and a throwaway self-signed certificate.
. "$(dirname "$0")/lib.sh"

d=$TMP/send db=$TMP/send/report.db
mkdir -p "$d"
$PY "$TOP/samples/gen.py" "$d" --seed 4 --events 400 >/dev/null
collect_all "$d" "$db" >/dev/null
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/Laporan-TTE-BPIP-2025.xlsx"
report=$d/Laporan-TTE-BPIP-2025.xlsx
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$d/key.pem" -out "$d/cert.pem" >/dev/null 2>&1
secret=S3cret-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$secret" >"$d/pw"
chmod 600 "$d/pw"

# A free port each time: ask the kernel.
free_port() {
    $PY -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}
pids=
start_server() {       # start_server NAME [--mode M] [--refuse A]
    name=$1; shift
    port=$(free_port)
    spool=$d/spool-$name
    $PY "$TOP/tests/e2e/smtp_server.py" --port "$port" --cert "$d/cert.pem" \
        --key "$d/key.pem" --spool "$spool" --user pusdatin \
        --password "$secret" --lifetime 120 "$@" >"$d/server-$name.log" 2>&1 &
    pids="$pids $!"
    i=0
    while test ! -e "$spool/ready" && test $i -lt 100; do
        sleep 0.1; i=$((i + 1)); done
}
trap 'kill $pids 2>/dev/null' EXIT

# The shipped configuration's official is a placeholder, which tte-send
# refuses (tests/e2e/figures.sh); here the official is filled in.
$PY - "$TOP/conf/tte-report.json" "$d/conf.json" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["official"].update(name="Pejabat Uji", nip="197001012000031001")
json.dump(c, open(sys.argv[2], "w"))
PYEOF
send() {
    "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" \
        --report "$report" --smtp "smtp://127.0.0.1:$port" --cacert "$d/cert.pem" \
        --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id \
        --cc arsip@bpip.go.id --user pusdatin --password-file "$d/pw" "$@"
}

start_server ok
status 0 "send over STARTTLS with AUTH" send
$PY - "$spool/1.eml" "$report" "$spool/1.rcpt" <<'PYEOF'
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
{ cat "$report"; printf ' '; } >"$d/again/Laporan-TTE-BPIP-2025.xlsx"
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

# Previews are not the annual report.
cp "$report" "$d/Laporan-TTE-BPIP-2025-Triwulan-3-pratinjau.xlsx"
start_server ok2
status 64 "a quarterly preview is refused" send \
    --report "$d/Laporan-TTE-BPIP-2025-Triwulan-3-pratinjau.xlsx"
status 0 "a preview with --force is sent" send --force \
    --report "$d/Laporan-TTE-BPIP-2025-Triwulan-3-pratinjau.xlsx"

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
" "$d/dry.eml" "$report"

# Verbose: the conversation, without the credentials.
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
