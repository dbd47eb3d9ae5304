#!/bin/sh
# The configuration is checked against one table of keys and types: every
# wrong type is refused (exit 78) naming the key and the type expected,
# before any stage runs (evidence.apps as a list used to crash tte-report);
# an unknown key is warned about, with the key it is probably a
# misspelling of, and the run goes on.
. "$(dirname "$0")/lib.sh"
plan 68

d=$TMP/drvcfg
rm -rf "$d"
mkdir -p "$d"

# base.json: a configuration that runs (no sources, no evidence).
$PY - "$d" <<'PYEOF' || { not_ok "writing the configurations"; finish; }
import json, sys
d = sys.argv[1]
json.dump({"database": d + "/report.db", "output_dir": d + "/out",
           "official": {"name": "Pejabat Uji", "nip": "197001012000031001",
                        "position": "Kepala"},
           "sources": []}, open(d + "/base.json", "w"))
PYEOF

# bad KEY-AS-SHOWN EXPECTED JSON-MERGED-INTO-BASE: exit 78 and the message.
n=0
bad() {
    n=$((n + 1))
    $PY - "$d/base.json" "$d/bad$n.json" "$3" <<'PYEOF' ||
import json, sys
c = json.load(open(sys.argv[1]))
c.update(json.loads(sys.argv[3]))
json.dump(c, open(sys.argv[2], "w"))
PYEOF
        { not_ok "writing bad$n.json"; return; }
    status 78 "$1 of the wrong type" "$TTE_BIN/tte-report" --config \
        "$d/bad$n.json" --year 2025
    if grep -qF "bad$n.json: $1 must be $2" "$TMP/out"; then
        ok "message: $1 must be $2"
    else
        not_ok "message: $1 must be $2"
        sed 's/^/#   /' "$TMP/out" | tail -5
    fi
}

strs="a string or a list of strings"
bad "sources[0].source" "a string" '{"sources": [{"source": 5, "files": []}]}'
bad "sources[0].files" "a list of strings" \
    '{"sources": [{"source": "csv", "files": "x.csv"}]}'
bad "sources[1].files" "a list of strings" \
    '{"sources": [{"source": "csv", "files": []},
                  {"source": "csv", "files": [5]}]}'
bad "sources[0].zone" "a string" \
    '{"sources": [{"source": "csv", "files": [], "zone": 8}]}'
bad "sources" "a list of objects" '{"sources": ["csv"]}'
bad "evidence.ca" "a string" '{"evidence": {"ca": 1, "apps": {}}}'
bad "evidence.apps" "an object" \
    '{"evidence": {"ca": "ca.pem", "apps": ["esurat"]}}'
bad "evidence.apps.esurat" "$strs" \
    '{"evidence": {"ca": "ca.pem", "apps": {"esurat": 5}}}'
bad "evidence.apps.esurat" "$strs" \
    '{"evidence": {"ca": "ca.pem", "apps": {"esurat": ["a", 5]}}}'
bad "evidence.statements" "a list of strings" \
    '{"evidence": {"ca": "ca.pem", "statements": "Dokumen ini"}}'
bad "evidence.max_memory" "a number" '{"evidence": {"max_memory": "1G"}}'
bad "evidence.timeout" "a number" '{"evidence": {"timeout": "60"}}'
bad "html" "true or false" '{"html": "yes"}'
bad "official.place" "a string" \
    '{"official": {"name": "P", "nip": "1", "place": 5}}'
for k in name position email phone; do
    bad "contact.$k" "a string" "{\"contact\": {\"$k\": 5}}"
done
bad "mail.to" "$strs" '{"mail": {"to": 5}}'
bad "mail.cc" "$strs" '{"mail": {"cc": ["a@b.go.id", 5]}}'
bad "smime" "an object" '{"smime": "cert.pem"}'
for k in sign_cert sign_key sign_key_password_file sign_p12; do
    bad "smime.$k" "a string" "{\"smime\": {\"$k\": 5}}"
done
bad "smime.encrypt_to" "$strs" '{"smime": {"encrypt_to": 5}}'
bad "smime.encrypt_to" "$strs" '{"smime": {"encrypt_to": ["a.pem", {}]}}'
printf '{"database": "%s/report.db", "sources": [{"source": "csv",
 "files": [], "zone": "Asia/Bali"}]}' "$d" >"$d/zone.json"
status 78 "an unknown zone on a source entry" "$TTE_BIN/tte-report" \
    --config "$d/zone.json" --year 2025
grep -qF "sources: csv: unknown time zone 'Asia/Bali'" "$TMP/out" &&
    ok "names the source and the zone" ||
    not_ok "names the source and the zone"
test -e "$d/report.db" && not_ok "no stage ran for a wrong type" ||
    ok "no stage ran for a wrong type"

# The right types pass: both forms of the string-or-list keys.
$PY - "$d/base.json" "$d/good.json" <<'PYEOF' || not_ok "writing good.json"
import json, sys
c = json.load(open(sys.argv[1]))
c.update({"html": False, "contact": {"name": "Pusdatin", "phone": "021"},
          "mail": {"to": "a@b.go.id", "cc": ["c@d.go.id"]},
          "smime": {"sign_cert": "s.pem", "sign_key": "k.pem",
                    "sign_key_password_file": "pw", "sign_p12": "s.p12",
                    "encrypt_to": ["e.pem"]},
          "evidence": {"ca": "ca.pem", "apps": {}, "statements": ["x"],
                       "max_memory": 512, "timeout": 60}})
c["official"]["place"] = "Jakarta"
json.dump(c, open(sys.argv[2], "w"))
PYEOF
status 0 "every key of the right type" "$TTE_BIN/tte-report" --config \
    "$d/good.json" --year 2025
grep -q "^tte-report: done:" "$TMP/out" && ok "good.json: the run's own output" ||
    not_ok "good.json: the run's own output"
grep -q "unknown key" "$TMP/out" && not_ok "no unknown key in good.json" ||
    ok "no unknown key in good.json"

# Unknown keys: warned about, once, and the run goes on.
rm -rf "$d/report.db" "$d/out"
$PY - "$d/base.json" "$d/typo.json" <<'PYEOF' || not_ok "writing typo.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["zoen"] = "Asia/Makassar"
c["official"]["nipp"] = "1"
c["sources"] = [{"source": "csv", "file": ["x.csv"]}]
c["retention"] = {"days": 30}
json.dump(c, open(sys.argv[2], "w"))
PYEOF
status 0 "a configuration with unknown keys runs" "$TTE_BIN/tte-report" \
    --config "$d/typo.json" --year 2025
for w in "unknown key zoen (did you mean zone?)" \
    "unknown key official.nipp (did you mean official.nip?)" \
    "unknown key sources[0].file (did you mean sources[0].files?)" \
    "unknown key retention; ignored"; do
    same "warned once: $w" "$(grep -cF "$w" "$TMP/out")" 1
done
test -f "$d/out/Laporan-TTE-BPIP-2025.xlsx" && ok "the report was written" ||
    not_ok "the report was written"
status 0 "tte-render alone warns too" "$TTE_BIN/tte-render" --config \
    "$d/typo.json" --db "$d/report.db" --year 2025 --out "$d/r.xlsx"
grep -qF "unknown key zoen (did you mean zone?)" "$TMP/out" &&
    ok "tte-render names the unknown key" ||
    not_ok "tte-render names the unknown key"

rm -rf "$d"
finish
