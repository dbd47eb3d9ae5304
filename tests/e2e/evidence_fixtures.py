#!/usr/bin/python3
"""Builds signed-PDF fixtures for tte-evidence, and what each one is.

usage: evidence_fixtures.py OUTDIR [--serial HEX] [--nik NIK] [--big MB]
                            [--hostile MB]

Writes a throwaway CA named like BSrE (OUTDIR/ca/bsre-roots.pem), another
CA, signer certificates, and PDFs in OUTDIR/<app>/ made with reportlab,
given a signature dictionary by pikepdf and signed here with a detached
PKCS#7 (python3-cryptography) over /ByteRange: srikandi and persuratan
for each verdict, visible for statements no reader sees, multi for two
signatures and a /ByteRange at the edge of 64 bits, and with --hostile MB
a deflate bomb of MB MiB and nested form XObjects. OUTDIR/expected.json lists,
per file, the verdict it was built to get, the statement page and the
signer; it knows nothing of the C code.
"""
import datetime as dt
import json
import os
import re
import sys
import zlib

import pikepdf
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

STATEMENT = ("Dokumen ini telah ditandatangani secara elektronik menggunakan "
             "sertifikat elektronik yang diterbitkan oleh Balai Besar "
             "Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara")
OLD_STATEMENT = ("Dokumen ini telah ditandatangani secara elektronik "
                 "menggunakan sertifikat elektronik yang diterbitkan oleh BSrE")
HOLE = 8192  # bytes reserved for the DER signature
NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def name(cn, org=None, nik=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if nik:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, nik))
    return x509.Name(attrs)


def cert(subject, key, issuer=None, issuer_key=None, serial=None, ca=False,
         days=(-30, 365)):
    b = (x509.CertificateBuilder()
         .subject_name(subject)
         .issuer_name(issuer or subject)
         .public_key(key.public_key())
         .serial_number(serial or x509.random_serial_number())
         .not_valid_before(NOW + dt.timedelta(days=days[0]))
         .not_valid_after(NOW + dt.timedelta(days=days[1]))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None),
                        critical=True))
    return b.sign(issuer_key or key, hashes.SHA256())


def page_pdf(path, lines_per_page):
    """A PDF whose page i shows lines_per_page[i] (uncompressed, so that a
    fixture can change one visible byte)."""
    c = canvas.Canvas(path, pagesize=A4, pageCompression=0)
    c.setTitle("Nota Dinas")
    for lines in lines_per_page:
        y = 780
        for ln in lines:
            c.drawString(60, y, ln)
            y -= 16
        c.showPage()
    c.save()


def styled_pdf(path, pages):
    """Like page_pdf, but each line is (text, style): "" drawn plainly,
    "invisible" in text render mode 3, "white" in white, "tiny" at 1 pt,
    "background" in the colour of a box drawn under it."""
    c = canvas.Canvas(path, pagesize=A4, pageCompression=0)
    for lines in pages:
        y = 780
        for ln, style in lines:
            if style == "background":
                c.setFillColorRGB(0.2, 0.3, 0.7)
                c.rect(50, y - 4, 500, 16, stroke=0, fill=1)
            t = c.beginText(60, y)
            t.setFont("Helvetica", 1 if style == "tiny" else 12)
            if style == "invisible":
                t.setTextRenderMode(3)
            if style == "white":
                t.setFillColorRGB(1, 1, 1)
            if style == "background":
                t.setFillColorRGB(0.2, 0.3, 0.7)
            t.textLine(ln)
            c.drawText(t)
            c.setFillColorRGB(0, 0, 0)
            y -= 16
        c.showPage()
    c.save()


def bomb_pdf(path, mb):
    """A page whose content stream inflates to mb MiB of text drawing
    (about 1000:1), each string at the same place inside the page."""
    page_pdf(path + ".base", [["NOTA DINAS"]])
    chunk = b"BT /F1 12 Tf 60 700 Td (" + b"A" * 1000 + b") Tj ET\n"
    z = zlib.compressobj(9)
    block = chunk * ((1 << 20) // len(chunk))
    data = [z.compress(block) for _ in range(mb)]
    data.append(z.flush())
    with pikepdf.open(path + ".base") as p:
        page = p.pages[0]
        font = page.obj.Resources.Font
        name = list(font.keys())[0]
        st = pikepdf.Stream(p, b"")
        st.write(b"".join(data), filter=pikepdf.Name.FlateDecode)
        page.obj.Contents = p.make_indirect(st)
        page.obj.Resources.Font = pikepdf.Dictionary({"/F1": font[name]})
        p.save(path, compress_streams=False,
               stream_decode_level=pikepdf.StreamDecodeLevel.none)
    os.unlink(path + ".base")


def nest_pdf(path, depth, fan, draw):
    """Form XObjects each drawing the one below fan times: depth levels
    make fan**depth draws of draw from a file of a few KB."""
    page_pdf(path + ".base", [["NOTA DINAS"]])
    with pikepdf.open(path + ".base") as p:
        page = p.pages[0]
        font = page.obj.Resources.Font
        fdict = pikepdf.Dictionary({"/F1": font[list(font.keys())[0]]})
        below = None
        for level in range(depth):
            body = draw if below is None else b"/X Do\n" * fan
            res = pikepdf.Dictionary(Font=fdict)
            if below is not None:
                res.XObject = pikepdf.Dictionary(X=below)
            st = pikepdf.Stream(p, body)
            st.Type = pikepdf.Name.XObject
            st.Subtype = pikepdf.Name.Form
            st.BBox = pikepdf.Array([0, 0, 595, 842])
            st.Resources = res
            below = p.make_indirect(st)
        page.obj.Resources = pikepdf.Dictionary(
            Font=fdict, XObject=pikepdf.Dictionary(X=below))
        page.obj.Contents = p.make_indirect(pikepdf.Stream(p, b"/X Do\n"))
        p.save(path, compress_streams=False)
    os.unlink(path + ".base")


def add_sig_dict(src, dst):
    """Adds a signature field whose /V has placeholder /ByteRange and
    /Contents; written without object streams so both can be patched."""
    pdf = pikepdf.open(src)
    sig = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Sig, Filter=pikepdf.Name("/Adobe.PPKLite"),
        SubFilter=pikepdf.Name("/adbe.pkcs7.detached"),
        ByteRange=pikepdf.Array([0, 1111111111, 2222222222, 3333333333]),
        Contents=pikepdf.String(b"\0" * HOLE),
        M=pikepdf.String("D:" + NOW.strftime("%Y%m%d%H%M%SZ"))))
    page = pdf.pages[0]
    field = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Sig, T=pikepdf.String("Signature1"), V=sig,
        Rect=pikepdf.Array([0, 0, 0, 0]), F=132, P=page.obj))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([field]))
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array([field]), SigFlags=3)
    # Streams stay as they are: a compressed bomb must not be inflated.
    pdf.save(dst, compress_streams=False,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)


def sign_file(path, signer_cert, signer_key, extra_certs):
    """Fills /ByteRange and /Contents in place: the CMS covers every byte
    but the hex string of /Contents."""
    data = bytearray(open(path, "rb").read())
    hole = b"<" + b"0" * (2 * HOLE) + b">"
    a = data.index(hole)
    b = a + len(hole)
    m = re.search(rb"/ByteRange\s*\[\s*0\s+1111111111\s+2222222222\s+"
                  rb"3333333333\s*\]", data)
    br = b"/ByteRange [0 %d %d %d]" % (a, b, len(data) - b)
    data[m.start():m.end()] = br.ljust(m.end() - m.start())
    signed = bytes(data[:a]) + bytes(data[b:])
    bld = (pkcs7.PKCS7SignatureBuilder().set_data(signed)
           .add_signer(signer_cert, signer_key, hashes.SHA256()))
    for c in extra_certs:
        bld = bld.add_certificate(c)
    der = bld.sign(serialization.Encoding.DER,
                   [pkcs7.PKCS7Options.DetachedSignature,
                    pkcs7.PKCS7Options.Binary])
    assert len(der) <= HOLE
    data[a + 1:b - 1] = der.hex().upper().ljust(2 * HOLE, "0").encode()
    open(path, "wb").write(data)


def add_second_sig(path):
    """Appends an incremental update with a second, unsigned signature
    field (sign_file fills it): the catalog again, with both fields."""
    data = open(path, "rb").read()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    with pikepdf.open(path) as p:
        size = int(p.trailer.Size)
        root = p.trailer.Root
        rnum = root.objgen[0]
        page = p.pages[0].obj.objgen[0]
        fields = [f.objgen[0] for f in root.AcroForm.Fields]
        pages = root.Pages.objgen[0]
    sig, field = size, size + 1
    objs = {
        sig: b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
             b"/adbe.pkcs7.detached /ByteRange [0 1111111111 2222222222 "
             b"3333333333] /Contents <" + b"0" * (2 * HOLE) + b"> /M (D:" +
             NOW.strftime("%Y%m%d%H%M%SZ").encode() + b") >>",
        field: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature2) "
               b"/V %d 0 R /Rect [0 0 0 0] /F 132 /P %d 0 R >>" % (sig, page),
        rnum: b"<< /Type /Catalog /Pages %d 0 R /AcroForm << /Fields [%s] "
              b"/SigFlags 3 >> >>" % (pages, b" ".join(
                  b"%d 0 R" % f for f in fields + [field])),
    }
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    where = {}
    for num in sorted(objs):
        where[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num in sorted(objs):
        out += b"%d 1\n%010d 00000 n \n" % (num, where[num])
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n"
            b"%d\n%%%%EOF\n" % (size + 2, rnum, prev, xref))
    open(path, "wb").write(bytes(out))


def serial_hex(c):
    """Upper-case hex, whole bytes (as openssl x509 -serial prints it)."""
    h = "%X" % c.serial_number
    return "0" + h if len(h) % 2 else h


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    opt = {args[i]: args[i + 1] for i in range(0, len(args) - 1, 2)}
    os.makedirs(out + "/ca", exist_ok=True)
    k = lambda: ec.generate_private_key(ec.SECP256R1())
    root_key, other_key, s_key, o_key, self_key = k(), k(), k(), k(), k()
    root = cert(name("BSrE Test Root CA", "Badan Siber dan Sandi Negara"),
                root_key, ca=True, days=(-400, 3650))
    other = cert(name("Other Test CA", "Bukan BSSN"), other_key, ca=True,
                 days=(-400, 3650))
    serial = int(opt.get("--serial", "5A17C0DE1234"), 16)
    nik = opt.get("--nik", "3171010101900001")
    signer = cert(name("Hadi Gita", "Badan Pembinaan Ideologi Pancasila",
                       nik), s_key, root.subject, root_key, serial=serial)
    osigner = cert(name("Penanda Lain", "Bukan BSSN"), o_key, other.subject,
                   other_key)
    selfsig = cert(name("Penanda Sendiri"), self_key)
    e_key = k()
    expired = cert(name("Kedaluwarsa", "Badan Pembinaan Ideologi Pancasila"),
                   e_key, root.subject, root_key, days=(-400, -10))
    open(out + "/ca/bsre-roots.pem", "wb").write(
        root.public_bytes(serialization.Encoding.PEM))
    open(out + "/ca/other.pem", "wb").write(
        other.public_bytes(serialization.Encoding.PEM))

    body = ["NOTA DINAS", "Nomor: ND-123/BPIP/2025", "Perihal: Undangan rapat"]
    ok_pages = [body, ["Lampiran"],
                ["Dokumen ini telah ditandatangani secara elektronik "
                 "menggunakan",
                 "sertifikat elektronik yang diterbitkan oleh Balai Besar",
                 "Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"]]
    exp = {}

    def make(app, fname, pages, who=None, verdict=None, page=None, post=None,
             build=page_pdf):
        os.makedirs("%s/%s" % (out, app), exist_ok=True)
        path = "%s/%s/%s" % (out, app, fname)
        build(path + ".tmp", pages)
        if who:
            c, key, chain = who
            add_sig_dict(path + ".tmp", path)
            os.unlink(path + ".tmp")
            sign_file(path, c, key, chain)
        else:
            os.rename(path + ".tmp", path)
        if post:
            post(path)
        exp["%s/%s" % (app, fname)] = {
            "app": app, "verdict": verdict, "statement_page": page,
            "signer_serial": serial_hex(who[0]) if who and verdict not in (
                "unreadable",) and post is not tamper else None,
            "issuer_cn": who[0].issuer.get_attributes_for_oid(
                NameOID.COMMON_NAME)[0].value if who and verdict not in (
                "unreadable",) and post is not tamper else None}

    bsre = (signer, s_key, [root])

    # A changed byte breaks the digest: nothing then says who signed, so
    # the fixture expects no signer.
    def tamper(path):
        d = bytearray(open(path, "rb").read())
        i = d.index(b"ND-123")
        d[i + 3] = ord("7")       # ND-123 -> ND-723
        open(path, "wb").write(d)

    def truncate(path):
        d = open(path, "rb").read()
        open(path, "wb").write(d[:len(d) // 2])

    def append(path):
        with open(path, "ab") as f:
            f.write(b"\n% changed after signing\n")

    def encrypt(path):
        with pikepdf.open(path) as p:
            p.save(path + ".enc", encryption=pikepdf.Encryption(
                user="rahasia", owner="pemilik"))
        os.replace(path + ".enc", path)

    # statement on page 3, drawn over two lines
    make("srikandi", "01-valid.pdf", ok_pages, bsre, "ok", 3)
    make("srikandi", "02-no-statement.pdf", [body], bsre, "no_statement")
    make("srikandi", "03-split.pdf",
         [body + ["", "Dokumen ini telah ditandatangani secara",
                  "elektronik menggunakan sertifikat elektronik yang",
                  "DITERBITKAN oleh Balai Besar Sertifikasi Elektronik",
                  "(BSrE),   Badan Siber dan Sandi Negara"]],
         bsre, "ok", 1)
    make("srikandi", "04-other-ca.pdf", ok_pages,
         (osigner, o_key, [other]), "not_bsre", 3)
    make("srikandi", "05-tampered.pdf", ok_pages, bsre, "invalid_signature",
         3, tamper)
    make("srikandi", "06-unsigned.pdf", ok_pages, None, "unsigned", 3)
    make("srikandi", "07-encrypted.pdf", ok_pages, None, "unreadable",
         None, encrypt)
    make("srikandi", "08-truncated.pdf", ok_pages, bsre, "unreadable", None,
         truncate)
    os.makedirs(out + "/srikandi", exist_ok=True)
    open(out + "/srikandi/09-not-a-pdf.pdf", "w").write("bukan PDF\n")
    exp["srikandi/09-not-a-pdf.pdf"] = {
        "app": "srikandi", "verdict": "unreadable", "statement_page": None,
        "signer_serial": None, "issuer_cn": None}
    make("srikandi", "10-appended.pdf", ok_pages, bsre, "invalid_signature",
         3, append)
    make("srikandi", "11-self-signed.pdf", ok_pages, (selfsig, self_key, []),
         "not_bsre", 3)
    # signed after its certificate expired (signingTime is now)
    make("srikandi", "12-expired.pdf", ok_pages, (expired, e_key, [root]),
         "invalid_signature", 3)
    # an older wording, on the only page
    make("persuratan", "surat.pdf",
         [body + [OLD_STATEMENT[:50], OLD_STATEMENT[50:]]], bsre, "ok", 1)
    # The statement drawn so that no reader sees it: poppler still returns
    # it as page text.
    stmt = ok_pages[2]
    for i, style in enumerate(("invisible", "white", "tiny", "background")):
        make("visible", "%02d-%s.pdf" % (i + 1, style),
             [[(x, "") for x in body] + [(x, style) for x in stmt]],
             bsre, "no_statement", None, build=styled_pdf)
    # Hidden on page 1, shown on page 2: the statement is on page 2.
    make("visible", "05-shown-later.pdf",
         [[(x, "") for x in body] + [(x, "white") for x in stmt],
          [(x, "") for x in stmt]], bsre, "ok", 2, build=styled_pdf)
    # The agencies named short and long: the same statement.
    make("visible", "07-short-names.pdf",
         [[(x, "") for x in body] + [
             (stmt[0], ""), (stmt[1], ""),
             ("Sertifikasi Elektronik (BSrE), BSSN", "")]], bsre, "ok", 1,
         build=styled_pdf)
    # Two signatures, the second by a CA that is not BSrE's: the reason
    # names it.
    def second(path):
        add_second_sig(path)
        sign_file(path, osigner, o_key, [other])
    make("multi", "two-signers.pdf", ok_pages, bsre, "not_bsre", 3, second)
    exp["multi/two-signers.pdf"].update(
        signer_serial=serial_hex(osigner), issuer_cn="Other Test CA")
    # A content stream poppler complains about: its message must name the
    # file.
    def bad_operator(path, pages):
        page_pdf(path + ".base", pages)
        with pikepdf.open(path + ".base") as p:
            p.pages[0].contents_add(pikepdf.Stream(p, b"zzz\n"))
            p.save(path, compress_streams=False)
        os.unlink(path + ".base")
    make("visible", "08-bad-operator.pdf", ok_pages, bsre, "ok", 3,
         build=bad_operator)
    # A /ByteRange whose second range starts at the largest 64-bit number:
    # its end does not fit, and must not overflow.
    def huge_range(path):
        d = bytearray(open(path, "rb").read())
        m = re.search(rb"/ByteRange \[0 (\d+) \d+ (\d+)\]\s*", d)
        br = b"/ByteRange [0 %s 9223372036854775807 %s]" % (m.group(1),
                                                          m.group(2))
        assert len(br) <= m.end() - m.start()
        d[m.start():m.end()] = br.ljust(m.end() - m.start())
        open(path, "wb").write(d)
    make("multi", "huge-range.pdf", ok_pages, bsre, "invalid_signature", 3,
         huge_range)
    exp["multi/huge-range.pdf"].update(signer_serial=None, issuer_cn=None)
    # Only part of it hidden: what a reader sees is not the statement.
    make("visible", "06-part-hidden.pdf",
         [[(stmt[0], ""), (stmt[1], "tiny"), (stmt[2], "")]], bsre,
         "no_statement", None, build=styled_pdf)
    if "--hostile" in opt:
        mb = int(opt["--hostile"])
        text = b"BT /F1 12 Tf 60 700 Td (" + b"B" * 200 + b") Tj ET\n"
        hostile = [
            ("01-bomb.pdf", lambda p, _: bomb_pdf(p, mb)),
            ("02-nest.pdf", lambda p, _: nest_pdf(p, 9, 10, text)),
            ("03-slow.pdf",
             lambda p, _: nest_pdf(p, 10, 10, b"0 0 m 1 1 l S\n")),
        ]
        for fname, build in hostile:
            make("hostile", fname, None, bsre, "unreadable", None,
                 build=build)
        make("hostile", "04-valid.pdf", ok_pages, bsre, "ok", 3)
    if "--big" in opt:
        big = int(opt["--big"])
        path = out + "/big/big.pdf"
        os.makedirs(out + "/big", exist_ok=True)
        page_pdf(path + ".tmp", ok_pages)
        with pikepdf.open(path + ".tmp") as p:
            blob = os.urandom(1 << 20) * big
            p.attachments["blob.bin"] = pikepdf.AttachedFileSpec(p, blob)
            p.save(path + ".sig.tmp")
        add_sig_dict(path + ".sig.tmp", path)
        os.unlink(path + ".tmp")
        os.unlink(path + ".sig.tmp")
        sign_file(path, signer, s_key, [root])
        exp["big/big.pdf"] = {"app": "big", "verdict": "ok",
                              "statement_page": 3,
                              "signer_serial": serial_hex(signer),
                              "issuer_cn": "BSrE Test Root CA"}
    json.dump({"files": exp, "nik": nik, "signer_serial": serial_hex(signer)},
              open(out + "/expected.json", "w"), indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
