#!/bin/sh
# Man pages: mandoc -Tlint clean, and every long option of a program's
# --help documented in its page, and every option in the page in --help.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
for f in man/*.1 man/*.5; do
    if out=$(mandoc -Tlint -Wwarning "$f" 2>&1) && test -z "$out"; then
        echo "ok - mandoc lint $f"
    else
        echo "not ok - mandoc lint $f"; echo "$out" | sed 's/^/#   /'
    fi
done
for p in collect aggregate render send report evidence; do
    help=$(bin/tte-$p --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
    page=$(grep -o -- 'Fl -[a-z][a-z-]*' man/tte-$p.1 | sed 's/Fl -/--/' |
           sort -u)
    if test "$help" = "$page"; then
        echo "ok - tte-$p --help and man page list the same options"
    else
        echo "not ok - tte-$p --help and man page differ:"
        printf '%s\n' "$help" >/tmp/h.$$; printf '%s\n' "$page" >/tmp/p.$$
        diff /tmp/h.$$ /tmp/p.$$ | sed 's/^/#   /'; rm -f /tmp/h.$$ /tmp/p.$$
    fi
done
