#!/usr/bin/python3
"""Builds signed-PDF fixtures for tte-evidence, and what each one is.

usage: evidence_fixtures.py OUTDIR [--serial HEX] [--nik NIK] [--big MB]

Writes a throwaway CA named like BSrE (OUTDIR/ca/bsre-roots.pem), another
CA, signer certificates, and PDFs in OUTDIR/<app>/ made with reportlab,
given a signature dictionary by pikepdf and signed here with a detached
PKCS#7 (python3-cryptography) over /ByteRange. OUTDIR/expected.json lists,
per file, the verdict it was built to get, the statement page and the
signer; it knows nothing of the C code.
"""
import datetime as dt
import json
import os
import re
import sys

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
    pdf.save(dst, compress_streams=False,
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

    def make(app, fname, pages, who=None, verdict=None, page=None, post=None):
        os.makedirs("%s/%s" % (out, app), exist_ok=True)
        path = "%s/%s/%s" % (out, app, fname)
        page_pdf(path + ".tmp", pages)
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
