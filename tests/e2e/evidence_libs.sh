#!/bin/sh
# A poppler or cairo step failing in tte-evidence's text child never reads
# as a statement found: a shim (popplershim.c) makes one step fail, and a
# well-signed document with its statement is then unreadable, with the
# page and the step named. Without the check, a page not painted or text
# without its boxes counted every character as seen.
. "$(dirname "$0")/lib.sh"
plan 11

d=$TMP/evlibs fx=$TMP/evlibs/fx
rm -rf "$d"
mkdir -p "$d"
$PY "$TOP/tests/e2e/evidence_fixtures.py" "$fx" --serial 0A1B2C \
    --nik 3171010101900001 --big 1 --hostile 1 >/dev/null ||
    not_ok "build the PDF fixtures"
check "build the poppler shim" cc -shared -fPIC -o "$d/shim.so" \
    "$TOP/tests/e2e/popplershim.c" $(pkg-config --cflags --libs poppler-glib \
    cairo) -ldl

# ev STEP: tte-evidence on the well-signed document, STEP failing.
ev() {
    rm -f "$d/r.db"
    env FAIL_POPPLER="$1" LD_PRELOAD="$d/shim.so" \
        ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
        "$TTE_BIN/tte-evidence" -q --db "$d/r.db" --app persuratan \
        --ca "$fx/ca/bsre-roots.pem" "$fx/persuratan"
}
row() { q "$d/r.db" "SELECT verdict || '|' || coalesce(reason, '') FROM evidence"; }

status 0 "with the shim and no failure: the document passes" ev ""
same "with the shim and no failure: verdict" "$(row)" "ok|"
for step in "page:poppler cannot read the page" \
    "layout:poppler gives no place for some of its text" \
    "paint:poppler cannot paint the page"; do
    status 65 "${step%%:*} failing: a failure" ev "${step%%:*}"
    same "${step%%:*} failing: unreadable, the page and step named" \
        "$(row)" "unreadable|page 1: ${step#*:}"
done
status 0 "without a failure again: the document passes" ev ""
same "without a failure again: verdict" "$(row)" "ok|"

rm -rf "$d"
finish
