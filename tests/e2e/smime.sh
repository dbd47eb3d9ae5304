#!/bin/sh
# tte-send S/MIME: signed (multipart/signed, SHA-256, with the chain) and
# encrypted (AuthEnvelopedData, RSA-OAEP and ECDH recipients), checked with
# a throwaway CA made here by openssl: a BSrE-like root, an intermediate,
# BPIP's signer and BSSN's recipients. The local SMTP server of send.sh.
. "$(dirname "$0")/lib.sh"
plan 66

d=$TMP/smime db=$TMP/smime/report.db
rm -rf "$d"
mkdir -p "$d/ca/new"
$PY "$TOP/samples/gen.py" "$d" --seed 7 --events 200 >/dev/null
collect_all "$d" "$db" >/dev/null
"$TTE_BIN/tte-aggregate" -q --db "$db" --year 2025
"$TTE_BIN/tte-render" -q --db "$db" --year 2025 \
    --config "$TOP/conf/tte-report.json" --out "$d/Laporan-TTE-BPIP-2025.xlsx"
report=$d/Laporan-TTE-BPIP-2025.xlsx
q "$db" "VACUUM INTO '$d/fresh.db'"

# --- the CA -------------------------------------------------------------
ossl() { openssl "$@" >>"$d/openssl.log" 2>&1 || echo "openssl $1 failed" >&2; }
cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = tca
[tca]
dir = $d/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
certificate = $d/inter.pem
private_key = $d/inter.key
default_md = sha256
default_days = 30
policy = anything
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
emailAddress = optional
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectAltName = email:pusdatin@bpip.go.id
[bssn]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectAltName = email:info.bsre@bssn.go.id
[arsip]
basicConstraints = CA:FALSE
keyUsage = critical, keyAgreement
extendedKeyUsage = emailProtection
subjectAltName = email:arsip@bpip.go.id
[nousage]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectAltName = email:info.bsre@bssn.go.id
[subjmail]
basicConstraints = CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
[web]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = email:pusdatin@bpip.go.id
CNF
: >"$d/ca/index.txt"
echo 1001 >"$d/ca/serial"
ossl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "$d/root.key" \
    -out "$d/root.pem" -subj "/O=BSSN Uji/CN=BSrE Uji Root CA" \
    -config "$d/ca.cnf" -extensions root
ossl req -newkey rsa:2048 -nodes -keyout "$d/inter.key" -out "$d/inter.csr" \
    -subj "/O=BSSN Uji/CN=BSrE Uji CA Level 1"
ossl x509 -req -in "$d/inter.csr" -CA "$d/root.pem" -CAkey "$d/root.key" \
    -CAcreateserial -days 30 -extfile "$d/ca.cnf" -extensions inter \
    -out "$d/inter.pem"
keypw=KeyPw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$keypw" >"$d/keypw"
chmod 600 "$d/keypw"
# leaf NAME EXT KEYALG [CA-ARGS...]: NAME.key, NAME.pem ($subj: its DN)
leaf() {
    name=$1 ext=$2 alg=$3; shift 3
    subj=${subj:-/O=Uji/CN=$name}
    if test "$alg" = ec; then
        ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
            -out "$d/$name.key"
    else
        ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
            -out "$d/$name.key"
    fi
    ossl req -new -key "$d/$name.key" -out "$d/$name.csr" \
        -subj "$subj"
    subj=
    ossl ca -batch -config "$d/ca.cnf" -extensions "$ext" -notext \
        -in "$d/$name.csr" -out "$d/$name.pem" "$@"
}
leaf signer signer rsa
leaf bssn bssn rsa
leaf arsip arsip ec
leaf expired bssn rsa -startdate 20200101000000Z -enddate 20210101000000Z
leaf nousage nousage rsa
leaf web web rsa
leaf signold signer rsa -startdate 20200101000000Z -enddate 20210101000000Z
leaf other bssn rsa
# BSSN's address only in the subject's emailAddress, no SAN.
subj=/O=Uji/CN=subjmail/emailAddress=info.bsre@bssn.go.id
leaf subjmail subjmail rsa
# The signing key, encrypted with the password; the chain after the
# certificate in its PEM file.
ossl pkey -in "$d/signer.key" -aes-256-cbc -passout "file:$d/keypw" \
    -out "$d/signer-enc.key"
cat "$d/signer.pem" "$d/inter.pem" >"$d/signer-chain.pem"
cat "$d/bssn.pem" "$d/arsip.pem" >"$d/recipients.pem"
KEYPW=$keypw ossl pkcs12 -export -inkey "$d/signer-enc.key" \
    -in "$d/signer.pem" -certfile "$d/inter.pem" -passin env:KEYPW \
    -passout env:KEYPW -out "$d/signer.p12"
test -s "$d/signer.p12" && test -s "$d/other.pem" && ok "throwaway CA made" ||
    not_ok "throwaway CA made"

# --- the server ---------------------------------------------------------
smtp_tls "$d"
start_server() { smtp_start "$d" "$@"; }  # NAME [--mode M] [--refuse A]
conf_official "$d/conf.json" || not_ok "configuration written"
send() {
    "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" \
        --report "$report" --smtp "smtp://127.0.0.1:$port" \
        --cacert "$d/tls.pem" --from pusdatin@bpip.go.id \
        --to info.bsre@bssn.go.id --cc arsip@bpip.go.id --user pusdatin \
        --password-file "$d/pw" "$@"
}
sign() {
    send --sign-cert "$d/signer-chain.pem" --sign-key "$d/signer-enc.key" \
        --sign-key-password-file "$d/keypw" "$@"
}
# py WHAT ARGS...: a Python check whose failure is a "not ok".
py() {
    what=$1; shift
    if $PY "$@" >"$TMP/py.out" 2>&1; then ok "$what"; else
        not_ok "$what"; sed 's/^/#   /' "$TMP/py.out" | tail -5; fi
}
xlsx_sha=$(sha256sum "$report" | cut -c1-64)

# --- signed and encrypted, sent -----------------------------------------
start_server ok
status 0 "signed and encrypted for BSSN (RSA) and the archive (EC)" \
    sign --encrypt-to "$d/recipients.pem"
m=$d/spool-ok/1.eml
grep -q '^Content-Type: application/pkcs7-mime; smime-type=authEnveloped-data;' "$m" &&
    grep -q 'name="smime.p7m"' "$m" &&
    ok "the message is application/pkcs7-mime, smime.p7m" ||
    not_ok "the message is application/pkcs7-mime, smime.p7m"
grep -q "^Message-ID: <tte\." "$m" && grep -q '^Subject: ' "$m" &&
    ok "Message-ID and Subject stay outside" ||
    not_ok "Message-ID and Subject stay outside"
openssl cms -cmsout -print -in "$m" >"$d/structure.txt" 2>&1
grep -q "id-smime-ct-authEnvelopedData" "$d/structure.txt" &&
    grep -q "aes-256-gcm\|id-aes256-GCM" "$d/structure.txt" &&
    ok "AuthEnvelopedData, AES-256-GCM" || not_ok "AuthEnvelopedData, AES-256-GCM"
grep -q "rsaesOaep" "$d/structure.txt" && ok "the RSA recipient by RSA-OAEP" ||
    not_ok "the RSA recipient by RSA-OAEP"
grep -q "d.kari:" "$d/structure.txt" &&
    grep -q "dhSinglePass-stdDH-sha256kdf" "$d/structure.txt" &&
    ok "the EC recipient by ECDH key agreement (SHA-256 KDF)" ||
    not_ok "the EC recipient by ECDH key agreement (SHA-256 KDF)"
check "BSSN decrypts it with its key" openssl cms -decrypt -in "$m" \
    -recip "$d/bssn.pem" -inkey "$d/bssn.key" -out "$d/dec-bssn.eml"
check "the archive decrypts it with its EC key" openssl cms -decrypt \
    -in "$m" -recip "$d/arsip.pem" -inkey "$d/arsip.key" -out "$d/dec-arsip.eml"
status 4 "another key cannot decrypt it" openssl cms -decrypt -in "$m" \
    -inkey "$d/other.key" -out "$d/dec-other.eml"
check "the decrypted message verifies against the root alone" \
    openssl cms -verify -in "$d/dec-bssn.eml" -CAfile "$d/root.pem" \
    -out "$d/content.eml"
py "the verified content carries the report byte for byte, and the text" \
    - "$d/content.eml" "$xlsx_sha" <<'PYEOF'
import email, hashlib, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
att = [p for p in m.walk() if p.get_filename()][0]
assert att.get_filename() == "Laporan-TTE-BPIP-2025.xlsx", att.get_filename()
assert hashlib.sha256(att.get_payload(decode=True)).hexdigest() == sys.argv[2]
text = [p for p in m.walk() if p.get_content_type() == "text/plain"][0]
assert "Tahun 2025" in text.get_payload(decode=True).decode("utf-8")
PYEOF
grep -q 'micalg=sha-256' "$d/dec-bssn.eml" &&
    grep -q 'protocol="application/pkcs7-signature"' "$d/dec-bssn.eml" &&
    ok "multipart/signed, sha-256" || not_ok "multipart/signed, sha-256"
# A byte changed in the signed part: the signature no longer holds.
py "one byte of the report's base64 changed" - "$d/dec-bssn.eml" \
    "$d/tampered.eml" <<'PYEOF'
import sys
raw = bytearray(open(sys.argv[1], "rb").read())
i = raw.index(b"Content-Disposition: attachment;\r\n filename=") + 200
raw[i] = ord("A") if raw[i] != ord("A") else ord("B")
open(sys.argv[2], "wb").write(raw)
PYEOF
status 4 "a tampered byte fails verification" openssl cms -verify \
    -in "$d/tampered.eml" -CAfile "$d/root.pem" -out "$d/t.out"
# A second implementation: python3-cryptography and a DER reader.
py "python: the AES-GCM content decrypts with BSSN's RSA-OAEP key" \
    "$TOP/tests/e2e/smime_check.py" decrypt "$m" "$d/bssn.pem" "$d/bssn.key" \
    "$d/py-dec.eml"
same "python and openssl decrypt the same bytes" \
    "$(sha256sum <"$d/py-dec.eml")" "$(sha256sum <"$d/dec-bssn.eml")"
py "python: the signature and the chain to the root hold" \
    "$TOP/tests/e2e/smime_check.py" verify "$d/py-dec.eml" "$d/inter.pem" \
    "$d/root.pem"
cp "$TMP/py.out" "$d/py-signed.sha"
status 1 "python: a tampered byte fails" $PY "$TOP/tests/e2e/smime_check.py" \
    verify "$d/tampered.eml" "$d/inter.pem" "$d/root.pem"
# The ledger: signer's serial, the recipients' fingerprints, the report.
serial=$(openssl x509 -in "$d/signer.pem" -noout -serial | sed 's/serial=//')
fps=$(for c in bssn arsip; do openssl x509 -in "$d/$c.pem" -noout \
    -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f; done |
    paste -sd, -)
same "the ledger: signer serial, recipients' fingerprints, report SHA-256" \
    "$(q "$db" "SELECT DISTINCT a.signer_serial || ' ' || a.encrypt_sha256 || ' ' || s.report_sha256 FROM sends s JOIN send_attempts a ON a.send_id = s.id WHERE s.status = 'sent'")" \
    "$serial $fps $xlsx_sha"
status 0 "--list" "$TTE_BIN/tte-send" --db "$db" --list
grep -q "	$serial	$fps\$" "$TMP/out" && ok "--list shows the signer and the fingerprints" ||
    not_ok "--list shows the signer and the fingerprints"
status 0 "exactly once: a re-run sends nothing" sign --encrypt-to "$d/recipients.pem"
same "exactly once: one message on the server" "$(ls "$d/spool-ok"/*.eml | wc -l)" 1

# --- dry runs: signed only, CBC, PKCS#12, the configuration ---------------
status 0 "--dry-run signed only" sign --force --dry-run "$d/signed.eml"
check "signed only: verifies against the root" openssl cms -verify \
    -in "$d/signed.eml" -CAfile "$d/root.pem" -out "$d/signed.out"
py "signed only: python verifies it too" "$TOP/tests/e2e/smime_check.py" \
    verify "$d/signed.eml" "$d/inter.pem" "$d/root.pem"
status 0 "--dry-run encrypted with --encrypt-cipher aes-256-cbc" sign --force \
    --encrypt-to "$d/bssn.pem" --encrypt-to "$d/arsip.pem" \
    --encrypt-cipher aes-256-cbc --dry-run "$d/cbc.eml"
openssl cms -cmsout -print -in "$d/cbc.eml" >"$d/cbc.txt" 2>&1
grep -q "pkcs7-envelopedData" "$d/cbc.txt" && grep -q "aes-256-cbc" "$d/cbc.txt" &&
    grep -q "smime-type=enveloped-data" "$d/cbc.eml" &&
    ok "CBC: EnvelopedData, aes-256-cbc" || not_ok "CBC: EnvelopedData, aes-256-cbc"
openssl cms -decrypt -in "$d/cbc.eml" -recip "$d/bssn.pem" -inkey "$d/bssn.key" \
    -out "$d/cbc-dec.eml" 2>/dev/null
check "CBC: decrypts and verifies" openssl cms -verify -in "$d/cbc-dec.eml" \
    -CAfile "$d/root.pem" -out "$d/cbc.out"
status 0 "--dry-run signed with --sign-p12" send --force --sign-p12 "$d/signer.p12" \
    --sign-key-password-file "$d/keypw" --dry-run "$d/p12.eml"
check "PKCS#12: verifies against the root (the chain came from the p12)" \
    openssl cms -verify -in "$d/p12.eml" -CAfile "$d/root.pem" -out "$d/p12.out"
py "configuration with \"smime\" written" - "$d/conf.json" \
    "$d/conf-smime.json" "$d" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
d = sys.argv[3]
c["smime"] = {"sign_cert": d + "/signer-chain.pem",
              "sign_key": d + "/signer-enc.key",
              "sign_key_password_file": d + "/keypw",
              "encrypt_to": [d + "/bssn.pem", d + "/arsip.pem"]}
json.dump(c, open(sys.argv[2], "w"))
PYEOF
status 0 "--dry-run with \"smime\" in the configuration" send --force \
    --config "$d/conf-smime.json" --dry-run "$d/conf.eml"
openssl cms -decrypt -in "$d/conf.eml" -recip "$d/arsip.pem" \
    -inkey "$d/arsip.key" -out "$d/conf-dec.eml" 2>/dev/null
check "configuration: decrypts and verifies" openssl cms -verify \
    -in "$d/conf-dec.eml" -CAfile "$d/root.pem" -out "$d/conf.out"
same "the .eml is 0600" "$(stat -c %a "$d/conf.eml")" 600
status 0 "--dry-run for a certificate naming BSSN in its subject only" \
    sign --force --encrypt-to "$d/subjmail.pem" --encrypt-to "$d/arsip.pem" \
    --dry-run "$d/subj.eml"
check "subject emailAddress: BSSN decrypts it" openssl cms -decrypt \
    -in "$d/subj.eml" -recip "$d/subjmail.pem" -inkey "$d/subjmail.key" \
    -out "$d/subj.out"
mkfifo "$d/cert.fifo"
status 66 "a FIFO as --sign-cert is refused at once" timeout 10 \
    "$TTE_BIN/tte-send" --db "$db" --config "$d/conf.json" \
    --report "$report" --from pusdatin@bpip.go.id --to info.bsre@bssn.go.id \
    --sign-cert "$d/cert.fifo" --dry-run "$d/fifo.eml"

# --- refused before connecting: the server receives nothing --------------
start_server refuse
fresh=$d/refuse.db
q "$d/fresh.db" "VACUUM INTO '$fresh'"
refuse() {       # refuse WHAT GREP CMD ARGS...
    what=$1 pat=$2; shift 2
    status 78 "$what" "$@" --db "$fresh"
    grep -q "$pat" "$TMP/out" && ok "$what: says why" ||
        { not_ok "$what: says why ('$pat')"; sed 's/^/#   /' "$TMP/out"; }
}
refuse "an expired encryption certificate" "expired.pem.*not valid today" \
    sign --encrypt-to "$d/expired.pem" --encrypt-to "$d/arsip.pem"
refuse "an RSA recipient without keyEncipherment" "nousage.pem.*lacks the keyEncipherment" \
    sign --encrypt-to "$d/nousage.pem" --encrypt-to "$d/arsip.pem"
refuse "a Cc without a certificate while encrypting" \
    "no encryption certificate names arsip@bpip.go.id" \
    sign --encrypt-to "$d/bssn.pem"
refuse "an expired signing certificate" "signing certificate is not valid today" \
    send --sign-cert "$d/signold.pem" --sign-key "$d/signold.key"
refuse "a signing certificate not for e-mail" "no emailProtection" \
    send --sign-cert "$d/web.pem" --sign-key "$d/web.key"
refuse "a signing certificate of another sender" "does not name the sender" \
    sign --from humas@bpip.go.id
refuse "a key that is not the certificate's" "does not match the signing key" \
    send --sign-cert "$d/signer.pem" --sign-key "$d/bssn.key"
printf 'wrong\n' >"$d/badpw"; chmod 600 "$d/badpw"
refuse "a wrong key password" "password is wrong" \
    send --sign-cert "$d/signer.pem" --sign-key "$d/signer-enc.key" \
    --sign-key-password-file "$d/badpw"
refuse "a wrong PKCS#12 password" "wrong password" \
    send --sign-p12 "$d/signer.p12" --sign-key-password-file "$d/badpw"
refuse "an encrypted key without its password" "encrypted" \
    send --sign-cert "$d/signer.pem" --sign-key "$d/signer-enc.key"
chmod 644 "$d/keypw"
refuse "a key password file others can read" "chmod 600" sign
chmod 600 "$d/keypw"
status 64 "--encrypt-to without a signing certificate" send --encrypt-to "$d/bssn.pem"
same "refused: the server received nothing" "$(ls "$d/spool-refuse"/*.eml 2>/dev/null | wc -l)" 0
same "refused: nothing in the ledger" "$(q "$fresh" 'SELECT count(*) FROM sends')" 0

# --- the key password is nowhere -----------------------------------------
status 0 "--verbose send, signed and encrypted" sign --db "$fresh" --verbose \
    --encrypt-to "$d/recipients.pem"
if grep -rqa --exclude=keypw --exclude=signer.p12 "$keypw" "$TMP" "$d" 2>/dev/null; then
    not_ok "the key password appears in some output, ledger, .eml or log"
else
    ok "the key password appears in no output, ledger, .eml or log"
fi
finish
