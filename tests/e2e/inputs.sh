#!/bin/sh
# No input file makes any program hang, crash or exceed 1 GiB: every
# program, at every place it reads a file (each tte-collect source kind,
# the databases, configurations, templates, reports, password,
# certificate and PDF files), is given each hostile file (a FIFO with no
# writer, /dev/zero, /dev/urandom, a folder, a socket, a dangling
# symlink, an empty file, 5 MB of random bytes, a 200 MB line, JSON
# nested 100,000 deep, a zip bomb as xlsx, invalid UTF-8, a NUL byte,
# CRLF and CR line ends) under timeout(1) and a 1.5 GiB address-space
# limit; it must end by an exit, with 0 or a sysexits code, name the
# file when it fails, and peak under 1 GiB of RSS. inputs.py runs them.
. "$(dirname "$0")/lib.sh"

# 20 places x 15 files, the long file's removal, and the helper's end.
plan 302
pychecks "" inputs.py "$TTE_BIN" "$TOP" "$TMP/sweep"
test "$failed" = 0 && rm -rf "$TMP/sweep"
finish
