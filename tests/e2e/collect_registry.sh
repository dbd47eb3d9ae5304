#!/bin/sh
# tte-collect on registry exports that shrink: a truncated export (17 of
# 65 certificates) or a complete-looking 2-row file must not replace the
# registry unasked. Sizes come from the files samples/gen.py writes.
. "$(dirname "$0")/lib.sh"
plan 27

d=$TMP/registry
rm -rf "$d"
mkdir -p "$d"
C=$TTE_BIN/tte-collect
$PY "$TOP/samples/gen.py" "$d/gen" --events 300 >/dev/null ||
    not_ok "samples/gen.py"
g=$d/gen db=$d/reg.db
# rows FILE: data rows of a registry CSV (its header aside).
rows() { $PY -c "import csv,sys; print(len(list(csv.DictReader(open(sys.argv[1])))))" "$1"; }
stored() { q "$db" "SELECT count(*) FROM $1"; }

all=$(rows "$g/certificates.csv")
head -18 "$g/certificates.csv" >"$d/cert-17.csv"
head -3 "$g/certificates.csv" >"$d/cert-2.csv"
cut=$(rows "$d/cert-17.csv")

status 0 "the first load of a registry" "$C" --db "$db" --source certificates \
    "$g/certificates.csv"
same "certificates stored" "$(stored certificates)" "$all"
status 65 "a truncated export is refused" "$C" --db "$db" \
    --source certificates "$d/cert-17.csv"
grep -q "certificates registry would shrink from $all to $cut rows" \
    "$TMP/out" && grep -q -- "--allow-shrink" "$TMP/out" &&
    ok "the refusal names the registry, both sizes and --allow-shrink" ||
    not_ok "the refusal names the registry, both sizes and --allow-shrink"
same "the refused export leaves the registry whole" \
    "$(stored certificates)" "$all"
status 65 "a complete 2-row file is refused" "$C" --db "$db" \
    --source certificates "$d/cert-2.csv"
same "the 2-row file leaves the registry whole" "$(stored certificates)" \
    "$all"
status 0 "--allow-shrink accepts the smaller registry" "$C" --db "$db" \
    --source certificates --allow-shrink "$d/cert-17.csv"
same "the smaller registry is stored" "$(stored certificates)" "$cut"
status 0 "growth needs no option" "$C" --db "$db" --source certificates \
    "$g/certificates.csv"
same "the grown registry is stored" "$(stored certificates)" "$all"

# Within the share: 4 rows less of 65 is 6 %.
keep=$((all - 4))
head -$((keep + 1)) "$g/certificates.csv" >"$d/cert-less.csv"
status 0 "a shrink within 10 % passes" "$C" --db "$db" --source certificates \
    "$d/cert-less.csv"
same "the slightly smaller registry is stored" "$(stored certificates)" "$keep"
status 0 "back to the full registry" "$C" --db "$db" --source certificates \
    "$g/certificates.csv"
status 65 "--max-shrink 5 refuses a 6 % shrink" "$C" --db "$db" \
    --source certificates --max-shrink 5 "$d/cert-less.csv"
status 64 "--max-shrink takes a percentage" "$C" --db "$db" \
    --source certificates --max-shrink 150 "$d/cert-less.csv"

# The other registries: units, apps, verifikator.
for r in units apps verifikator; do
    n=$(rows "$g/$r.csv")
    status 0 "$r: first load" "$C" --db "$db" --source $r "$g/$r.csv"
    head -2 "$g/$r.csv" >"$d/$r-1.csv"
    status 65 "$r: one row of $n refused" "$C" --db "$db" --source $r \
        "$d/$r-1.csv"
    same "$r: left whole" "$(stored $r)" "$n"
done
# An empty registry asked for: --allow-empty is enough.
head -1 "$g/apps.csv" >"$d/apps-0.csv"
status 0 "--allow-empty clears a registry" "$C" --db "$db" --source apps \
    --allow-empty "$d/apps-0.csv"
same "apps cleared" "$(stored apps)" 0

rm -rf "$d"
finish
