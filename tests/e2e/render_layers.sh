#!/bin/sh
# render/'s files form layers: one header per file, no file calling or
# including one that calls or includes it back, no header included for
# nothing (tests/e2e/render_layers.py reads the sources; nothing is
# built). The checker is first shown a made-up tree that breaks every
# rule, so that a checker that sees nothing cannot pass.
. "$(dirname "$0")/lib.sh"
plan 12

bad=$TMP/bad
mkdir -p "$bad"
cat >"$bad/a.h" <<'CEOF'
void a_f(void);
void b_f(void);
CEOF
cat >"$bad/b.h" <<'CEOF'
void b_g(void);
CEOF
cat >"$bad/c.h" <<'CEOF'
void c_f(void);
CEOF
cat >"$bad/a.c" <<'CEOF'
#include "a.h"
#include "b.h"
void
a_f(void)
{
    b_g();
}
CEOF
cat >"$bad/b.c" <<'CEOF'
#include "a.h"
#include "b.h"
void
b_f(void)
{
    a_f();
}
void
b_g(void)
{
}
CEOF
cat >"$bad/c.c" <<'CEOF'
#include "a.h"
#include "c.h"
void
c_f(void)
{
    b_g();
}
CEOF
$PY "$TOP/tests/e2e/render_layers.py" "$bad" >"$TMP/bad.out" 2>&1
same "the checker runs on a made-up tree" "$?" 0
for rule in "declares only what its own file defines" "no call cycle" \
    "no include cycle" "includes is used" "includes the header of what it calls"
do
    if grep -q "^not ok - .*$rule" "$TMP/bad.out"; then
        ok "the checker finds a tree that breaks '$rule'"
    else
        not_ok "the checker misses a tree that breaks '$rule'"
        sed 's/^/#   /' "$TMP/bad.out"
    fi
done

# RENDER_DIR: another copy of render/ to check (the checker's own test).
$PY "$TOP/tests/e2e/render_layers.py" "${RENDER_DIR:-$TOP/render}" \
    >"$TMP/layers.out" 2>&1
rc=$?
# Its lines as they are: a "not ok" comes with what breaks the rule.
sed 's/^\(not \)*ok - /&render\/: /' "$TMP/layers.out"
grep -q '^not ok' "$TMP/layers.out" && failed=1
same "the checker ran to its end on render/" "$rc" 0

rm -rf "$TMP"
finish
