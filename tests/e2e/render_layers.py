"""render/'s files form layers: reads render/*.c and *.h (no build) and
prints one ok/not ok line per rule.

  one header per file: X.h declares only functions and data X.c defines,
    and X.c includes X.h;
  no cycle among the files, one calling another (a function declared in
    a render header, defined in the other file), nor one including
    another's header (a file and its header are one node);
  no header included for nothing: a render header a file includes
    declares something the file uses (a function it calls when the header
    declares functions);
  no call through another's header: a file calling a function of another
    includes that file's header itself.

Usage: render_layers.py DIR (render/, or a copy to test the checker).
"""
import os
import re
import sys

IDENT = re.compile(r"[A-Za-z_]\w*")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip(text):
    """The text without comments, string and character literals, and
    preprocessor lines (continuations joined)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])+'", "''", text)
    text = re.sub(r"\\\n", " ", text)
    return re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)


def declarations(text):
    """What a header declares: (functions and extern data, other names:
    macros, struct/union/enum tags, enum constants, typedefs; members)."""
    raw = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    raw = re.sub(r"\\\n", " ", raw)
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", raw, re.M))
    code = strip(text)
    names |= set(re.findall(r"\b(?:struct|union|enum)\s+(\w+)\s*\{", code))
    for body in re.findall(r"\benum\b[^{;]*\{([^}]*)\}", code):
        names |= set(re.findall(r"(\w+)\s*(?:=[^,]*)?(?:,|$)", body))
    members = set()
    for body in re.findall(r"\b(?:struct|union)\b[^{;]*\{([^}]*)\}", code):
        body = re.sub(r"\(\s*\*\s*(\w+)\s*\)", r"\1", body)
        body = re.sub(r"\([^()]*\)", "", body)
        members |= set(re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*[;,]", body))
    flat = code
    while True:
        inner = re.sub(r"\{[^{}]*\}", " ", flat)
        if inner == flat:
            break
        flat = inner
    funcs = set()
    for stmt in flat.split(";"):
        stmt = " ".join(stmt.split())
        if stmt.startswith("typedef"):
            m = re.search(r"(\w+)\s*\(", stmt) or re.search(r"(\w+)\s*$", stmt)
            if m:
                names.add(m.group(1))
        elif stmt.startswith("extern"):
            m = re.search(r"(\w+)\s*(?:\[[^\]]*\])?\s*$", stmt)
            if m:
                funcs.add(m.group(1))
        elif "(" in stmt:
            m = re.search(r"(\w+)\s*\(", stmt)
            if m:
                funcs.add(m.group(1))
    return funcs, names, members


def defines(code, name):
    # At the start of a line, after type words only: a definition is never
    # indented, a call inside "if (f(x)) {" always is.
    head = r"^(?:[A-Za-z_][\w \t*]*[ \t*])?%s\s*" % re.escape(name)
    fn = head + r"\([^;{}]*\)\s*\{"
    data = head + r"(?:\[[^\]]*\])?\s*="
    return re.search(fn, code, re.M) or re.search(data, code, re.M)


def main():
    d = sys.argv[1]
    files = sorted(f for f in os.listdir(d) if f.endswith((".c", ".h")))
    text = {f: open(os.path.join(d, f), encoding="utf-8").read() for f in files}
    code = {f: strip(t) for f, t in text.items()}
    used = {f: set(IDENT.findall(c)) for f, c in code.items()}
    # Members a file reaches through "->" or ".": a file may use a struct
    # only through a pointer it was given, without naming the type.
    reach = {f: set(re.findall(r"(?:->|\.)\s*([A-Za-z_]\w*)", c))
             for f, c in code.items()}
    headers = [f for f in files if f.endswith(".h")]
    sources = [f for f in files if f.endswith(".c")]
    decl = {h: declarations(text[h]) for h in headers}
    incl = {f: [i for i in INCLUDE.findall(text[f]) if i in decl] for f in files}

    def stem(f):
        return f[:-2]

    # Where each function or datum a header declares is defined.
    owner = {}
    for h in headers:
        for name in decl[h][0]:
            owner.setdefault(name, set()).update(
                c for c in sources if defines(code[c], name))

    # One header per file.
    bad = []
    for h in headers:
        c = stem(h) + ".c"
        for name in sorted(decl[h][0]):
            if c not in sources or not defines(code[c], name):
                where = ", ".join(sorted(owner[name])) or "nowhere"
                bad.append("%s declares %s, defined in %s" % (h, name, where))
        if c in sources and h not in incl[c]:
            bad.append("%s does not include %s" % (c, h))
    report("every render header declares only what its own file defines, "
           "and that file includes it", bad)

    # No cycle: one graph of calls, one of includes (a header holding
    # another file's declarations hides a call cycle from the second).
    calls = {stem(f): set() for f in files}
    includes = {stem(f): set() for f in files}
    why = {}
    for f in files:
        for h in incl[f]:
            if stem(h) != stem(f):
                includes[stem(f)].add(stem(h))
                why.setdefault((stem(f), stem(h), 0), "includes " + h)
        if f.endswith(".c"):
            for name in sorted(used[f]):
                for c in sorted(owner.get(name, ())):
                    if stem(c) != stem(f):
                        calls[stem(f)].add(stem(c))
                        why.setdefault((stem(f), stem(c), 1), "calls " + name)
    for kind, graph, what in ((1, calls, "no call cycle among render's files"),
                              (0, includes,
                               "no include cycle among render's files")):
        cycle = find_cycle(graph)
        bad = []
        if cycle:
            bad.append(" -> ".join(
                "%s (%s)" % (a, why[(a, b, kind)])
                for a, b in zip(cycle, cycle[1:])) + " -> " + cycle[-1])
        report(what, bad)

    # No header included for nothing.
    bad = []
    for f in files:
        for h in incl[f]:
            if stem(h) == stem(f):
                continue
            funcs, names, members = decl[h]
            if f.endswith(".c") and funcs:
                found = used[f] & funcs
                want = funcs
            else:
                found = used[f] & (funcs | names) or reach[f] & members
                want = funcs | names | members
            if not found:
                bad.append("%s includes %s but uses none of %s" %
                           (f, h, ", ".join(sorted(want)) or "nothing"))
    report("every render header a file includes is used there", bad)

    # No call through another's header.
    bad = []
    for c in sources:
        for h in headers:
            if stem(h) == stem(c) or h in incl[c]:
                continue
            mine = set(n for n in decl[h][0] if defines(code[c], n))
            calls = sorted(used[c] & decl[h][0] - mine)
            if calls:
                bad.append("%s calls %s without including %s" %
                           (c, ", ".join(calls), h))
    report("every render file includes the header of what it calls", bad)


def find_cycle(edges):
    """One cycle as a list of nodes (first repeated at the end), or None."""
    state = {}
    path = []

    def visit(n):
        state[n] = 1
        path.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        path.pop()
        state[n] = 2
        return None

    for n in sorted(edges):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def report(what, bad):
    if bad:
        print("not ok - " + what)
        for b in bad[:20]:
            print("#   " + b)
        if len(bad) > 20:
            print("#   ... and %d more" % (len(bad) - 20))
    else:
        print("ok - " + what)


main()
