#!/usr/bin/python3
# Every program, every place it reads a file, every hostile file: each run
# must end within 60 s, by exit (no signal), with 0 or a sysexits code,
# naming the file on stderr when it fails, and with a peak RSS under 1 GiB.
# Prints one "ok"/"not ok" line per run; exits non-zero if any run failed
# or the sweep could not be set up.
#
# inputs.py TTE_BIN TOP WORKDIR
import json, os, random, shutil, socket, subprocess, sys, time, zipfile, zlib

BIN, TOP, W = sys.argv[1:4]
# An ASan build reserves terabytes of address space: RLIMIT_AS cannot hold
# it, so there the peak RSS (measured for every run anyway) is the bound.
ASAN = "build-asan" in BIN
GiB = 1 << 30
AS_LIMIT = 3 * GiB // 2
TIMEOUT = 60
# A run over half the timeout is a hang in waiting (a slower machine, the
# ASan build), and the sweep must stay within minutes.
SLOW = 30
PY = "/usr/bin/python3"
LONG_MB = 200


def run(argv, **kw):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       **kw)
    if r.returncode != 0:
        sys.exit("setup: %s: exit %d\n%s" % (" ".join(argv), r.returncode,
                                              r.stderr.decode(errors="replace")))
    return r


def write(path, data, mode="wb"):
    with open(path, mode) as f:
        f.write(data)
    return path


# ---- the world every program reads when the file under test is elsewhere
shutil.rmtree(W, ignore_errors=True)
os.makedirs(W)
world = W + "/world"
run([PY, TOP + "/samples/gen.py", world, "--seed", "11", "--events", "60"])
exp = json.load(open(world + "/expected.json"))
base_db = W + "/base.db"
for step in exp["collect"]:
    r = subprocess.run([BIN + "/tte-collect", "-q", "--db", base_db, "--source",
                        step["source"]] + [world + "/" + f for f in step["files"]],
                       stderr=subprocess.PIPE)
    if r.returncode not in (0, 65):
        sys.exit("setup: collect %s: exit %d" % (step["source"], r.returncode))
run([BIN + "/tte-aggregate", "-q", "--db", base_db, "--year", "2025"])
conf = json.load(open(TOP + "/conf/tte-report.json"))
conf["output_dir"] = W + "/out"
conf["database"] = W + "/driver.db"
conf["template"] = TOP + "/templates/default.json"
for s in conf["sources"]:
    s["files"] = [world + "/" + f for st in exp["collect"]
                  if st["source"] == s["source"] for f in st["files"]]
    # The run's folder is the case's own: definitions by their path.
    if os.path.exists(TOP + "/conf/sources/%s.json" % s["source"]):
        s["source"] = TOP + "/conf/sources/%s.json" % s["source"]
conf["mail"]["password_file"] = W + "/smtp-password"
write(W + "/smtp-password", "rahasia\n", "w")
os.chmod(W + "/smtp-password", 0o600)
good_conf = write(W + "/conf.json", json.dumps(conf, indent=1), "w")
report = W + "/report.xlsx"
run([BIN + "/tte-render", "-q", "--db", base_db, "--year", "2025",
     "--config", good_conf, "--out", report])
run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
     "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
     "/CN=Uji/emailAddress=pusdatin@bpip.go.id", "-addext",
     "subjectAltName=email:pusdatin@bpip.go.id,email:info.bsre@bssn.go.id",
     "-keyout", W + "/key.pem", "-out", W + "/cert.pem"])
good_pdf = write(W + "/doc.pdf", b"""%PDF-1.4
1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj
2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj
3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>> endobj
4 0 obj <</Length 44>> stream
BT /F1 12 Tf 10 100 Td (Ditandatangani) Tj ET
endstream endobj
trailer <</Root 1 0 R>>
%%EOF
""")
lines_def = write(W + "/lines.json", json.dumps({
    "format": "lines",
    "pattern": r"^(?<time>\S+) (?<unit>\S+) (?<nik>\d{16}) SIGN (?<result>ok|fail)",
    "fields": {"time": "time", "app": {"const": "syslog"}, "unit": "unit",
               "nik": "nik", "result": "result"}}), "w")
xlsx_def = write(W + "/xlsx.json", json.dumps({
    "format": "xlsx", "sheet": 1, "header_row": 1,
    "fields": {"time": "Waktu", "app": {"const": "lembar"}, "unit": "Unit",
               "nik": "NIK", "result": "Hasil"}}), "w")
good_lines = write(W + "/sign.log",
                   "2025-03-04T05:06:07+07:00 Pusdatin 3171011505800001 SIGN ok\n"
                   "2025-03-04 noise line\n"
                   "2025-03-05T05:06:07+07:00 Pusdatin 3171011505800001 SIGN fail\n",
                   "w")
good_sheet = W + "/log.xlsx"
run([PY, "-c", """
import sys, openpyxl
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["Waktu", "Unit", "NIK", "Hasil"])
ws.append(["2025-03-04T05:06:07+07:00", "Pusdatin", "3171011505800001", "ok"])
wb.save(sys.argv[1])""", good_sheet])


# ---- hostile inputs shared by every place
def long_line(path):
    # One line of CSV fields (a header that never ends) that also
    # stresses JSON, pattern and PDF readers: no newline anywhere.
    chunk = b"time,app,unit,nik,\"a\"\"b\",{[x" * 4096
    with open(path, "wb") as f:
        for _ in range(LONG_MB * (1 << 20) // len(chunk)):
            f.write(chunk)
    return path


def zip_bomb(path):
    # An xlsx whose shared strings inflate to 1 GiB of tiny strings: a
    # reader keeping them all would need several GiB.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   '<sheets><sheet name="Log" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml",
                   '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            blk = b"<si><t>a</t></si>" * 65536
            for _ in range(GiB // len(blk)):
                f.write(blk)
            f.write(b"</sst>")
    return path


def aged(path):
    # tte-collect leaves a file whose last line is not ended for the next
    # run while it is younger than a minute (still being written): an
    # hour-old file is read to its end.
    t = time.time() - 3600
    os.utime(path, (t, t))
    return path


shared = W + "/shared"
os.makedirs(shared)
LONG = aged(long_line(shared + "/long-line"))
os.chmod(LONG, 0o600)
BOMB = zip_bomb(shared + "/bomb.xlsx")
RANDOM = write(shared + "/random.bin", random.Random(5).randbytes(5 << 20))
DEEP = write(shared + "/deep.json", b"[" * 100000 + b"]" * 100000)


def hostile(kind, good, d):
    """The file of KIND for a place whose well-formed file is GOOD, in d."""
    p = d + "/" + kind
    if kind == "fifo":
        os.mkfifo(p)
    elif kind in ("dev-zero", "dev-urandom"):
        return "/dev/" + kind[4:]
    elif kind == "folder":
        os.mkdir(p)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(p)
        s.close()
    elif kind == "dangling-symlink":
        os.symlink(d + "/nowhere", p)
    elif kind == "empty":
        write(p, b"")
    elif kind in ("random-5MB", "deep-json", "zip-bomb"):
        # A copy: a database place may write to what it is given.
        shutil.copy(dict(zip(("random-5MB", "deep-json", "zip-bomb"),
                             (RANDOM, DEEP, BOMB)))[kind], p)
    elif kind == "long-line":
        return LONG
    else:
        b = open(good, "rb").read()
        nl = b.find(b"\n") + 1 or len(b) // 2
        if kind == "invalid-utf8":
            b = b[:nl] + b"\xff\xfe\xc3(\xed\xa0\x80" + b[nl:]
        elif kind == "nul-byte":
            b = b[:len(b) // 2] + b"\0" + b[len(b) // 2:]
        elif kind == "crlf":
            b = b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        elif kind == "cr-only":
            b = b.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
        write(p, b)
    if os.path.isfile(p) and not os.path.islink(p):
        # 0600: a password file readable by others is refused unread.
        os.chmod(p, 0o600)
        aged(p)
    return p


KINDS = ["fifo", "dev-zero", "dev-urandom", "folder", "socket",
         "dangling-symlink", "empty", "random-5MB", "long-line", "deep-json",
         "zip-bomb", "invalid-utf8", "nul-byte", "crlf", "cr-only"]


def collect(src):
    return lambda f, d: [BIN + "/tte-collect", "-q", "--db", d + "/c.db",
                         "--source", src, f]


def copy_db(d):
    shutil.copy(base_db, d + "/r.db")
    return d + "/r.db"


# Port 9 on loopback (discard, never served here): tte-send reads the
# password file, then fails to connect (75).
NO_SMTP = "smtp://127.0.0.1:9"
# By its path: each run's folder is its own, and an ASan build's bin/ has
# no templates/ beside it.
MAIL_TPL = TOP + "/templates/email.json"


def send(opt):
    def argv(f, d):
        if opt == "--password-file":
            # --dry-run never reads the password: a real send does.
            return [BIN + "/tte-send", "-q", "-t", MAIL_TPL, "--db",
                    copy_db(d), "--report", report, "--config", good_conf,
                    "--password-file", f, "--year", "2025", "--force",
                    "--smtp", NO_SMTP, "--allow-plaintext", "--timeout", "5"]
        a = {"--report": report, "--config": good_conf,
             "--password-file": W + "/smtp-password",
             "--sign-cert": W + "/cert.pem", "--encrypt-to": W + "/cert.pem"}
        a[opt] = f
        return [BIN + "/tte-send", "-q", "-t", MAIL_TPL, "--db", copy_db(d),
                "--report", a["--report"], "--config", a["--config"],
                "--password-file", a["--password-file"],
                "--sign-cert", a["--sign-cert"],
                "--sign-key", W + "/key.pem", "--encrypt-to",
                a["--encrypt-to"], "--year", "2025", "--force",
                "--dry-run", d + "/m.eml"]
    return argv


def render(opt):
    def argv(f, d):
        a = {"--db": copy_db(d), "--config": good_conf,
             "--template": TOP + "/templates/default.json"}
        a[opt] = f
        return [BIN + "/tte-render", "-q", "--year", "2025", "--out",
                d + "/r.xlsx"] + [x for k in a for x in (k, a[k])]
    return argv


w = world + "/"
JSON = {"json": True}
# (place, its well-formed file, argv for a file there[, extra]): extra's
# "names" are what else a failure may rightly name (tte-evidence fails on
# an unsigned document once the CA bundle it was given is read); "json"
# marks a JSON file, where a NUL byte must be refused: it would cut a key
# or value short unseen.
PLACES = [
    ("tte-collect --source csv", w + "logs/srikandi-2025.csv", collect("csv")),
    ("tte-collect --source jsonl", w + "logs/persuratan-2025.jsonl", collect("jsonl")),
    ("tte-collect --source certificates", w + "certificates.csv", collect("certificates")),
    ("tte-collect --source units", w + "units.csv", collect("units")),
    ("tte-collect --source apps", w + "apps.csv", collect("apps")),
    ("tte-collect --source verifikator", w + "verifikator.csv", collect("verifikator")),
    ("tte-collect --source LINES.json", good_lines, collect(lines_def)),
    ("tte-collect --source XLSX.json", good_sheet, collect(xlsx_def)),
    ("tte-aggregate --db", base_db,
     lambda f, d: [BIN + "/tte-aggregate", "-q", "--db", f, "--year", "2025"]),
    ("tte-render --config", good_conf, render("--config"), JSON),
    ("tte-render --template", TOP + "/templates/default.json",
     render("--template"), JSON),
    ("tte-render --db", base_db, render("--db")),
    ("tte-send --report", report, send("--report")),
    ("tte-send --config", good_conf, send("--config"), JSON),
    ("tte-send --password-file", W + "/smtp-password", send("--password-file"),
     {"names": [NO_SMTP[7:]]}),
    ("tte-send --sign-cert", W + "/cert.pem", send("--sign-cert")),
    ("tte-send --encrypt-to", W + "/cert.pem", send("--encrypt-to")),
    ("tte-evidence FILE", good_pdf,
     lambda f, d: [BIN + "/tte-evidence", "--db", copy_db(d), "--app",
                   "srikandi", "--ca", W + "/cert.pem", f]),
    ("tte-evidence --ca", W + "/cert.pem",
     lambda f, d: [BIN + "/tte-evidence", "--db", copy_db(d), "--app",
                   "srikandi", "--ca", f, good_pdf], {"names": [good_pdf]}),
    ("tte-report --config", good_conf,
     lambda f, d: [BIN + "/tte-report", "-q", "--config", f, "--year", "2025"],
     JSON),
]
ONLY = os.environ.get("INPUTS_ONLY", "")


def sweep():
    n = failures = 0
    for place, good, argv_of, *extra in PLACES:
        extra = extra[0] if extra else {}
        names = extra.get("names", [])
        for kind in KINDS:
            label = "%s given %s" % (place, kind)
            if ONLY and ONLY not in label:
                continue
            n += 1
            d = "%s/case%03d" % (W, n)
            os.makedirs(d)
            f = hostile(kind, good, d)
            argv = argv_of(f, d)
            # time(1) between: wait4() on timeout(1) would report the
            # RSS of this Python process, which forked it.
            pre = ["timeout", "-s", "KILL", str(TIMEOUT), "/usr/bin/time",
                   "-f", "%M", "-o", d + "/rss"]
            if not ASAN:
                pre += ["prlimit", "--as=%d" % AS_LIMIT, "--"]
            t0 = time.time()
            p = subprocess.Popen(pre + argv, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL,
                                 stderr=open(d + "/stderr", "wb"), cwd=d)
            _, st, ru = os.wait4(p.pid, 0)
            p.returncode = 0
            secs = time.time() - t0
            err = open(d + "/stderr", "rb").read().decode(errors="replace")
            try:
                rss = int(open(d + "/rss").read().split()[-1]) * 1024
            except (OSError, ValueError, IndexError):
                rss = ru.ru_maxrss * 1024
            why = []
            rc = os.waitstatus_to_exitcode(st)
            if secs >= TIMEOUT:
                why.append("did not end within %d s" % TIMEOUT)
            elif rc < 0 or rc >= 128:
                why.append("killed by signal %d" % (rc - 128 if rc > 0 else -rc))
            elif secs >= SLOW:
                why.append("took over %d s" % SLOW)
            elif rc != 0 and not 64 <= rc <= 78:
                why.append("exit %d is neither 0 nor a sysexits code" % rc)
            if rc != 0 and not any(x in err for x in
                                   [f, os.path.basename(f)] + names):
                why.append("the message does not name the file")
            if kind == "nul-byte" and extra.get("json") and rc == 0:
                why.append("a NUL byte in JSON was taken")
            if "Sanitizer" in err or "runtime error:" in err:
                why.append("sanitizer report")
            if rss >= GiB:
                why.append("peak RSS %d MiB" % (rss >> 20))
            what = "%s: exit %d, %d MiB, %.1f s" % (label, rc, rss >> 20, secs)
            if why:
                failures += 1
                print("not ok - %s: %s" % (what, "; ".join(why)))
                # To stderr: pychecks shows its tail when this script fails.
                sys.stderr.write("%s:\n  %s\n%s" % (
                    label, " ".join(argv),
                    "".join("  " + x[:300] + "\n"
                            for x in err.splitlines()[-4:])))
            else:
                print("ok - " + what)
                shutil.rmtree(d)
            sys.stdout.flush()
    return failures


try:
    failures = sweep()
finally:
    os.unlink(LONG)
print("ok - the %d MB file is removed" % LONG_MB
      if not os.path.exists(LONG) else "not ok - the long file is removed")
if failures:
    sys.exit("%d run(s) failed" % failures)
