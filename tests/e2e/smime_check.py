#!/usr/bin/python3
"""A second S/MIME implementation for the tests, independent of OpenSSL's
CMS code: a small DER reader and python3-cryptography's primitives.

smime_check.py verify SIGNED.eml CHAIN.pem...
    The multipart/signed entity: the signature (RSA, SHA-256) over the
    signed attributes checked with the signer's certificate, the
    messageDigest attribute equal to the SHA-256 of the signed bytes as
    they stand between the boundaries, the signer's certificate issued
    by the chain given (each by the next). Prints the signed bytes' SHA-256.
smime_check.py decrypt MSG.eml CERT.pem KEY.pem OUT
    The AuthEnvelopedData (AES-256-GCM): the content key unwrapped with
    RSA-OAEP (SHA-256) for CERT's holder, the content decrypted and its
    GCM tag checked; the plaintext written to OUT.
Exits non-zero with a reason when anything does not hold.
"""
import base64
import email
import hashlib
import re
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

OID_MESSAGE_DIGEST = bytes.fromhex("06092a864886f70d010904")
OID_AUTH_ENVELOPED = bytes.fromhex("060b2a864886f70d0109100117")
OID_AES256_GCM = bytes.fromhex("060960864801650304012e")
OID_RSAES_OAEP = bytes.fromhex("06092a864886f70d010107")


def tlv(buf, off):
    """(tag, content start, content end, tlv end) of the TLV at off."""
    tag = buf[off]
    n = buf[off + 1]
    start = off + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[start:start + k], "big")
        start += k
    return tag, start, start + n, start + n


def children(buf, start, end):
    out = []
    while start < end:
        t = tlv(buf, start)
        out.append((t[0], start, t[1], t[2]))
        start = t[3]
    return out


def whole(buf, item):
    return buf[item[1]:item[3]]


def content(buf, item):
    return buf[item[2]:item[3]]


def die(why):
    sys.exit("smime_check: " + why)


def split_signed(raw):
    m = re.search(rb'boundary="([^"]+)"', raw)
    if not m:
        die("no multipart/signed boundary")
    delim = b"--" + m.group(1)
    first = raw.index(delim + b"\r\n") + len(delim) + 2
    second = raw.index(b"\r\n" + delim + b"\r\n", first)
    signed = raw[first:second]
    sigpart = raw[second + len(delim) + 4:]
    b64 = sigpart.split(b"\r\n\r\n", 1)[1].split(b"\r\n--", 1)[0]
    return signed, base64.b64decode(b64)


def verify(path, chain_paths):
    raw = open(path, "rb").read()
    signed, der = split_signed(raw)
    ci = children(der, *tlv(der, 0)[1:3])
    sd_wrap = ci[1]
    sd = children(der, *tlv(der, sd_wrap[2])[1:3])
    certs = [x509.load_der_x509_certificate(whole(der, c))
             for c in children(der, sd[3][2], sd[3][3])] \
        if sd[3][0] == 0xA0 else []
    si = children(der, sd[-1][2], sd[-1][3])[0]
    fields = children(der, si[2], si[3])
    sid = children(der, fields[1][2], fields[1][3])
    serial = int.from_bytes(content(der, sid[1]), "big")
    attrs = [f for f in fields if f[0] == 0xA0][0]
    sig = [f for f in fields if f[0] == 0x04][-1]
    signer = [c for c in certs if c.serial_number == serial]
    if not signer:
        die("the signer's certificate is not in the message")
    signer = signer[0]
    attr_set = b"\x31" + whole(der, attrs)[1:]
    digest = None
    for a in children(der, attrs[2], attrs[3]):
        parts = children(der, a[2], a[3])
        if whole(der, parts[0]) == OID_MESSAGE_DIGEST:
            digest = content(der, children(der, parts[1][2], parts[1][3])[0])
    if digest != hashlib.sha256(signed).digest():
        die("messageDigest is not the SHA-256 of the signed bytes")
    signer.public_key().verify(content(der, sig), attr_set,
                               padding.PKCS1v15(), hashes.SHA256())
    issued = signer
    for p in chain_paths:
        ca = x509.load_pem_x509_certificate(open(p, "rb").read())
        ca.public_key().verify(issued.signature, issued.tbs_certificate_bytes,
                               padding.PKCS1v15(),
                               issued.signature_hash_algorithm)
        issued = ca
    print(hashlib.sha256(signed).hexdigest())


def decrypt(path, cert_path, key_path, out):
    msg = email.message_from_binary_file(open(path, "rb"))
    der = msg.get_payload(decode=True)
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    key = serialization.load_pem_private_key(open(key_path, "rb").read(),
                                             None)
    ci = children(der, *tlv(der, 0)[1:3])
    if whole(der, ci[0]) != OID_AUTH_ENVELOPED:
        die("not AuthEnvelopedData")
    aed = children(der, *tlv(der, ci[1][2])[1:3])
    rinfos = [c for c in aed if c[0] == 0x31][0]
    cek = None
    for ri in children(der, rinfos[2], rinfos[3]):
        if ri[0] != 0x30:
            continue            # kari ([1]) and others: not ours
        f = children(der, ri[2], ri[3])
        rid = children(der, f[1][2], f[1][3])
        if int.from_bytes(content(der, rid[1]), "big") != cert.serial_number:
            continue
        alg = children(der, f[2][2], f[2][3])
        if whole(der, alg[0]) != OID_RSAES_OAEP:
            die("the RSA recipient's key is not wrapped with RSA-OAEP")
        cek = key.decrypt(content(der, f[3]), padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(),
            label=None))
    if cek is None:
        die("no recipient info for this certificate")
    eci = children(der, *[c for c in aed if c[0] == 0x30][0][2:4])
    alg = children(der, eci[1][2], eci[1][3])
    if whole(der, alg[0]) != OID_AES256_GCM:
        die("the content is not AES-256-GCM")
    params = children(der, alg[1][2], alg[1][3])
    nonce = content(der, params[0])
    enc = eci[2]
    if enc[0] == 0x80:
        ct = content(der, enc)
    else:
        ct = b"".join(content(der, c)
                      for c in children(der, enc[2], enc[3]))
    mac = content(der, [c for c in aed if c[0] == 0x04][-1])
    plain = AESGCM(cek).decrypt(nonce, ct + mac, None)
    open(out, "wb").write(plain)


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "decrypt":
        decrypt(*sys.argv[2:6])
    else:
        die("usage: verify|decrypt ...")
