#!/usr/bin/python3
"""Deterministic generator of a year of BSrE signing logs and registries.

Writes the logs in every shipped layout plus expected.json: the counts the
report must show, computed here from the generated events, independently
of the C code. Usage: gen.py OUTDIR [--year 2025] [--events 3000]
[--seed 1] [--bench-rows N] (bench: one big canonical CSV and JSONL only).
"""
import argparse
import csv
import datetime as dt
import io
import json
import os
import random

UTC = dt.timezone.utc
WIB = dt.timezone(dt.timedelta(hours=7))
WITA = dt.timezone(dt.timedelta(hours=8))

UNITS = [  # code, name, parent, aliases
    ("BPIP.01", "Sekretariat Utama", "", "Settama|SESTAMA"),
    ("BPIP.01.01", "Biro Umum", "BPIP.01", "Biro Umum dan Keuangan|BU"),
    ("BPIP.01.02", "Biro Hukum dan Humas", "BPIP.01", "Hukum & Humas"),
    ("BPIP.01.03", "Biro Perencanaan dan Keuangan", "BPIP.01", "Rencana Keu"),
    ("BPIP.02", "Deputi Bidang Hubungan Antar Lembaga", "", "Deputi I|HAL"),
    ("BPIP.03", "Deputi Bidang Pengkajian dan Materi", "", "Deputi II"),
    ("BPIP.04", "Deputi Bidang Pendidikan dan Pelatihan", "", "Deputi III"),
    ("BPIP.05", "Pusat Data dan Teknologi Informasi", "BPIP.01",
     "Pusdatin|PUSDATIN"),
]
UNKNOWN_UNIT = "Unit Kerja Lama"
APPS = [  # app, name, owner, footer_statement
    ("srikandi", "SRIKANDI (Arsip Dinamis)", "BPIP.01.01", "1"),
    ("persuratan", "Aplikasi Persuratan Internal", "BPIP.01.01", "1"),
    ("sipeg", "Sistem Informasi Kepegawaian", "BPIP.01.03", "0"),
    ("esurat", "e-Surat Keputusan", "BPIP.01.02", "1"),
    ("segel-app", "Layanan Segel Elektronik", "BPIP.05", "1"),
    ("naskah", "Tata Naskah Dinas Elektronik", "BPIP.01.01", "1"),
    ("portal-tte", "Portal TTE Internal", "BPIP.05", "0"),
    ("integrasi", "Layanan Integrasi Dokumen", "BPIP.05", "1"),
]
FAIL_CODES = [("2031", 400), ("2031", 400), ("2011", 400), ("2021", 400),
              ("4044", 404), ("", 401), ("", 500), ("", 503)]
MESSAGES = {
    "2031": 'Passphrase anda salah, "coba lagi"',
    "2011": "Pengguna tidak terdaftar",
    "2021": "Pengguna tidak memiliki sertifikat,\nsilakan ajukan",
    "4044": "Dokumen tidak tersedia",
    "401": "Unauthorized, client credentials",
    "500": "Internal Server Error",
    "503": "Service Unavailable",
}
NAMES = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi",
         "Indah", "Joko", "Kartika", "Lestari", "Made", "Nur", "Oka", "Putri",
         "Rina", "Sari", "Taufik", "Utami", "Wahyu", "Yudi", "Zahra"]
POSITIONS = ["Kepala Biro", "Kepala Bagian", "Analis Kebijakan",
             "Pranata Komputer", "Sekretaris", "Deputi", "Arsiparis"]


def nik(rng, female):
    day = rng.randint(1, 28) + (40 if female else 0)
    return "%02d%02d%02d%02d%02d%02d%04d" % (
        rng.randint(11, 94), rng.randint(1, 79), rng.randint(1, 40), day,
        rng.randint(1, 12), rng.randint(60, 99), rng.randint(1, 999))


def nip(rng, female):
    by = rng.randint(1965, 1995)
    return "%04d%02d%02d%04d%02d%d%03d" % (
        by, rng.randint(1, 12), rng.randint(1, 28), by + rng.randint(20, 28),
        rng.randint(1, 12), 2 if female else 1, rng.randint(1, 999))


def fmt_time(t_utc, style, rng):
    """The same instant written the ways real logs write it."""
    if style == "Z":
        return t_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "+07":
        return t_utc.astimezone(WIB).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    if style == "+08":
        return t_utc.astimezone(WITA).strftime("%Y-%m-%dT%H:%M:%S+0800")
    return t_utc.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")  # local


def d_add(d, days):
    return d + dt.timedelta(days=days)


class World:
    """People hold certificates; a log names a person by NIK, NIP or the
    serial of the certificate used. The truth (which person, which
    certificate) stays here, and expected.json is counted from it."""

    def __init__(self, year, seed):
        self.rng = random.Random(seed)
        self.year = year
        rng = self.rng
        y = year
        self.snapshot = dt.date(y + 1, 1, 20)   # registry export date
        self.signers = []
        self.certs = []
        for i in range(60):
            female = rng.random() < 0.5
            unit = UNITS[i % len(UNITS)]
            s = {"pid": "P%02d" % i, "nik": nik(rng, female),
                 "nip": nip(rng, female),
                 "name": "%s %s" % (rng.choice(NAMES), rng.choice(NAMES)),
                 "position": rng.choice(POSITIONS), "unit": unit[1],
                 "unit2": UNITS[(i + 3) % len(UNITS)][1],
                 "cert_type": "individu", "registry_nik": True,
                 "stops": False, "certs": []}
            self.signers.append(s)
            nb = dt.date(y - 1, rng.randint(1, 12), rng.randint(1, 28))
            self.add_cert(s, nb, d_add(nb, 730),
                          rng.choice(["ISSUE"] * 8 + ["RENEW"]))
        p = self.signers
        # Expiring within 90 days after the period (one renewing).
        for k in range(4):
            c = p[k]["certs"][0]
            c["not_after"] = dt.date(y + 1, 1, 10 + 7 * k)
            c["status"] = "RENEW" if k == 1 else "ISSUE"
        # EXPIRED today, but valid through the whole period.
        for k in range(4, 7):
            c = p[k]["certs"][0]
            c["not_after"], c["status"] = dt.date(y, 12, 31), "EXPIRED"
        # Expired on 30 June, not renewed, still used: misuse.
        c = p[7]["certs"][0]
        c["not_after"], c["status"] = dt.date(y, 6, 30), "EXPIRED"
        # Renewed on 1 July: the old one EXPIRED, the new one ISSUE.
        for k in (8, 9):
            c = p[k]["certs"][0]
            c["not_after"], c["status"] = dt.date(y, 6, 30), "EXPIRED"
            self.add_cert(p[k], dt.date(y, 7, 1), dt.date(y + 2, 6, 30),
                          "ISSUE")
        # Revoked on 15 September and still used: misuse.
        c = p[10]["certs"][0]
        c["status"], c["status_since"] = "REVOKE", dt.date(y, 9, 15)
        # Revoked after the period: valid all period.
        c = p[11]["certs"][0]
        c["status"], c["status_since"] = "REVOKE", dt.date(y + 1, 1, 10)
        # Revoked, the registry does not say when.
        for k in (12, 13):
            p[k]["certs"][0]["status"] = "REVOKE"
        # Suspended on 31 March; the holder stopped signing then.
        c = p[14]["certs"][0]
        c["status"], c["status_since"] = "SUSPEND", dt.date(y, 3, 31)
        p[14]["stops"] = True
        # Revoked before the period: not active, never used.
        c = p[15]["certs"][0]
        c["status"], c["status_since"] = "REVOKE", dt.date(y - 1, 11, 30)
        # Registry rows without NIK: these people are known by NIP.
        for k in range(16, 20):
            p[k]["registry_nik"] = False
        # Seal certificates belong to applications; one serial is a long
        # decimal that only survives as text.
        self.seals = []
        for i in range(3):
            serial = ("%d" % (10 ** 25 + rng.getrandbits(60)) if i == 0
                      else "%X" % rng.getrandbits(96))
            nb = dt.date(y - 1, rng.randint(1, 12), rng.randint(1, 28))
            seal = {"pid": "SEAL%d" % i, "nik": "", "nip": "",
                    "name": "Segel %s" % APPS[i][1], "position": "",
                    "unit": "Pusat Data dan Teknologi Informasi",
                    "cert_type": "segel", "serial": serial,
                    "not_before": nb, "not_after": d_add(nb, 730),
                    "status": "ISSUE", "status_since": None,
                    "registry_nik": False, "stops": False}
            seal["person"] = seal
            seal["certs"] = [seal]
            self.seals.append(seal)
            self.certs.append(seal)
        # Registered signers who never sign: "not used" certificates.
        self.idle = p[-5:]
        p[-1]["certs"][0]["status"] = "RENEW"
        self.active = [s for s in p[:-5] if s is not p[15]]
        self.by_nik = [s for s in self.active if s["registry_nik"]]
        # A signer missing from the registry (mostly fails with 2011).
        self.stranger = {"pid": "STRANGER", "nik": nik(rng, False),
                         "nip": "", "name": "Tamu", "position": "",
                         "unit": UNITS[1][1], "unit2": UNITS[1][1],
                         "cert_type": "individu", "registry_nik": True,
                         "stops": False, "certs": []}

    def add_cert(self, person, nb, na, status):
        c = {"serial": "%X" % self.rng.getrandbits(96), "not_before": nb,
             "not_after": na, "status": status, "status_since": None,
             "cert_type": "individu", "person": person}
        person["certs"].append(c)
        self.certs.append(c)

    @staticmethod
    def valid_to(c):
        """Last day the certificate was valid (a dated revocation or
        suspension ends it early)."""
        if c["status"] in ("REVOKE", "SUSPEND") and c["status_since"]:
            return min(c["not_after"], c["status_since"])
        return c["not_after"]

    def cert_at(self, person, day):
        """The certificate a person signs with on a day: the one valid
        then, else (still using it) the latest."""
        for c in person["certs"]:
            if c["not_before"] <= day <= self.valid_to(c):
                return c
        return max(person["certs"], key=lambda c: c["not_after"]) \
            if person["certs"] else None

    def active_cert(self, c, first, last):
        """Sertifikat Aktif: could be used in the period; a revocation or
        suspension without its date is counted apart, never as active."""
        if c["status"] in ("REVOKE", "SUSPEND") and not c["status_since"]:
            return False
        return self.in_period(c, first, last)

    def in_period(self, c, first, last):
        """Validity overlaps the period and not revoked or suspended
        before it began."""
        if c["not_before"] > last or c["not_after"] < first:
            return False
        since = c["status_since"] or (self.snapshot if c["status"] in
                                      ("REVOKE", "SUSPEND") else None)
        return not (c["status"] in ("REVOKE", "SUSPEND") and since and
                    since < first)

    def registries(self, out):
        with open(os.path.join(out, "units.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["code", "name", "parent", "aliases"])
            w.writerows(UNITS)
        with open(os.path.join(out, "apps.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["app", "name", "owner_unit", "footer_statement",
                        "checked_on"])
            for a in APPS:
                w.writerow(list(a) + ["%d-11-01" % self.year])
        with open(os.path.join(out, "certificates.csv"), "w",
                  newline="") as f:
            w = csv.writer(f)
            w.writerow(["nik", "nip", "name", "position", "unit", "cert_type",
                        "cert_serial", "not_before", "not_after", "status",
                        "status_since", "snapshot_date"])
            for c in self.certs:
                s = c["person"]
                unit = s["unit"]
                # Registries spell units their own way too.
                if unit == "Biro Umum":
                    unit = "biro umum dan keuangan"
                w.writerow([s["nik"] if s["registry_nik"] else "",
                            s["nip"], s["name"], s["position"],
                            unit, c["cert_type"], c["serial"],
                            c["not_before"].isoformat(),
                            c["not_after"].isoformat(), c["status"],
                            c["status_since"].isoformat()
                            if c["status_since"] else "",
                            self.snapshot.isoformat()])
        with open(os.path.join(out, "verifikator.csv"), "w",
                  newline="") as f:
            w = csv.writer(f)
            w.writerow(["nip", "name", "position", "unit", "appointed_on",
                        "decree"])
            for s in self.signers[10:12]:
                w.writerow([s["nip"], s["name"], "Verifikator",
                            "Pusat Data dan Teknologi Informasi",
                            "%d-01-15" % self.year,
                            "KEP-12/BPIP/PUSDATIN/%d" % self.year])

    def pick(self, pool, day):
        """A person from pool who still signs on that day."""
        while True:
            s = self.rng.choice(pool)
            if not (s["stops"] and day > self.valid_to(s["certs"][0])):
                return s

    def event(self, t_utc, app=None, signer=None, fail=None, ident=None):
        rng = self.rng
        day = t_utc.astimezone(WIB).date()
        app = app or rng.choice(APPS[:4])[0]
        seal = app == "segel-app" or (signer is None and rng.random() < 0.12)
        if seal:
            app = "segel-app"
            signer = signer or rng.choice(self.seals)
        else:
            signer = signer or self.pick(self.active, day)
        fail = rng.random() < 0.05 if fail is None else fail
        code, http = rng.choice(FAIL_CODES) if fail else ("", 200)
        cert = self.cert_at(signer, day)
        ev = {"t": t_utc.replace(microsecond=0), "app": app,
              "signer": signer, "cert": cert,
              "cert_type": signer["cert_type"],
              "doc_id": "DOC-%08X" % rng.getrandbits(32),
              "result": "fail" if fail else "ok", "status_code": code,
              "http_status": http, "footer": "" if seal else
              ("1" if app != "sipeg" else "0"),
              "message": MESSAGES.get(code or str(http), "") if fail else "",
              "duration": rng.randint(80, 4000)}
        # Which identity the log carries: seals their serial; people their
        # NIK, NIP or the serial of the certificate used. Someone whose
        # registry row has no NIK is logged by NIP or serial only.
        r = rng.random()
        if seal:
            ev["id"] = ("cert_serial", cert["serial"])
        elif ident:
            ev["id"] = (ident, cert["serial"] if ident == "cert_serial"
                        else signer[ident])
        elif not cert:
            ev["id"] = ("nik", signer["nik"])
        elif not signer["registry_nik"]:
            ev["id"] = (("nip", signer["nip"]) if r < 0.6 else
                        ("cert_serial", cert["serial"]))
        elif r < 0.15:
            ev["id"] = ("nip", signer["nip"])
        elif r < 0.3:
            ev["id"] = ("cert_serial", cert["serial"])
        else:
            ev["id"] = ("nik", signer["nik"])
        # Now and then a person signs for another unit.
        unit = signer["unit"]
        if not seal and rng.random() < 0.08:
            unit = signer["unit2"]
        ev["unit_resolved"] = unit
        ev["unit_written"] = self.spelling(unit)
        ev["style"] = rng.choice(["Z", "+07", "+08", "local"])
        return ev

    def spelling(self, unit):
        """Logs name a unit by name, code or alias, in any case."""
        rng = self.rng
        for code, name, _, aliases in UNITS:
            if name == unit:
                r = rng.random()
                if r < 0.6:
                    return name
                if r < 0.7:
                    return code
                if r < 0.8:
                    return name.upper()
                return rng.choice(aliases.split("|"))
        return unit

    def year_events(self, n):
        rng = self.rng
        start = dt.datetime(self.year, 1, 1, tzinfo=WIB)
        secs = 365 * 86400
        evs = [self.event(start + dt.timedelta(seconds=rng.randrange(secs)))
               for _ in range(n)]
        # The new-year cut in WIB, both ends, every way of writing time.
        for y in (self.year, self.year + 1):
            for minutes in (-90, -30, -1, 0, 1, 30, 90):
                t = dt.datetime(y, 1, 1, tzinfo=WIB) + \
                    dt.timedelta(minutes=minutes)
                for style in ("Z", "+07", "+08", "local"):
                    e = self.event(t.astimezone(UTC))
                    e["style"] = style
                    evs.append(e)
        # Signer not in the registry (one attempt passes), and an unknown
        # unit.
        for i in range(5):
            e = self.event(start + dt.timedelta(days=40 + i), app="srikandi",
                           signer=self.stranger, fail=i > 0)
            if i > 0:
                e["status_code"], e["http_status"] = "2011", 400
                e["message"] = MESSAGES["2011"]
            evs.append(e)
        for i in range(7):
            e = self.event(start + dt.timedelta(days=100 + i, hours=3),
                           app="persuratan")
            e["unit_written"] = e["unit_resolved"] = UNKNOWN_UNIT
            evs.append(e)
        # Every scenario person signs in both halves of the year, by
        # each identifier: after a renewal, an expiry or a revocation.
        p = self.signers
        for k in list(range(4, 14)) + [16, 17]:
            for day, ident in ((20, "nip"), (100, "cert_serial"),
                               (200, "nik"), (280, "cert_serial"),
                               (330, "nip")):
                if ident == "nik" and not p[k]["registry_nik"]:
                    ident = "nip"
                evs.append(self.event(start + dt.timedelta(days=day,
                                                            hours=k),
                                      signer=p[k], app="persuratan",
                                      fail=False, ident=ident))
        evs.sort(key=lambda e: e["t"])
        return evs


CANON = ["time", "app", "unit", "nik", "nip", "name", "position", "cert_type",
         "cert_serial", "doc_id", "doc_type", "doc_number", "visibility",
         "auth_method", "api_version", "http_status", "status_code", "result",
         "message", "duration_ms", "footer"]


def canon_row(ev, rng):
    s = ev["signer"]
    row = {k: "" for k in CANON}
    row.update(time=fmt_time(ev["t"], ev["style"], rng), app=ev["app"],
               unit=ev["unit_written"], name=s["name"],
               position=s["position"], cert_type=ev["cert_type"],
               doc_id=ev["doc_id"], doc_type="Nota Dinas",
               doc_number="ND-%d/BPIP/%d" % (rng.randint(1, 999),
                                             ev["t"].year),
               visibility=rng.choice(["visible", "invisible"]),
               auth_method="totp" if ev["cert_type"] == "segel"
               else "passphrase", api_version=rng.choice(["v1", "v2"]),
               http_status=str(ev["http_status"]),
               status_code=ev["status_code"], message=ev["message"],
               duration_ms=str(ev["duration"]), footer=ev["footer"])
    row[ev["id"][0]] = ev["id"][1]
    # Half the rows state the result, the rest leave it to http/status.
    if rng.random() < 0.5:
        row["result"] = ev["result"]
    return row


# Rows every reader must refuse, with the reason class.
BAD_CSV = [
    dict(time="31/12/2025 10:00", app="srikandi", unit="Biro Umum",
         nik="3171014501900001"),
    dict(time="2025-05-05T10:00:00Z", app="", unit="Biro Umum",
         nik="3171014501900001"),
    dict(time="2025-05-05T10:00:00Z", app="srikandi", unit="",
         nik="3171014501900001"),
    dict(time="2025-05-05T10:00:00Z", app="srikandi", unit="Biro Umum"),
    dict(time="2025-05-05T10:00:00Z", app="srikandi", unit="Biro Umum",
         nik="3171013213900001"),
    dict(time="2025-05-05T10:00:00Z", app="srikandi", unit="Biro Umum",
         nip="198001012005013001"),
    dict(time="2025-05-05T10:00:00Z", app="srikandi", unit="Biro Umum",
         nik="3171014501900001", result="maybe"),
    dict(time="2025-02-30T10:00:00Z", app="srikandi", unit="Biro Umum",
         nik="3171014501900001"),
]
BAD_JSONL = [
    '{"time": "2025-06-01T10:00:00Z", "app": "persuratan", ',
    '["not", "an", "object"]',
    '{"time": "kemarin", "app": "persuratan", "unit": "Biro Umum", '
    '"nik": "3171014501900001"}',
    '{"time": "2025-06-01T10:00:00Z", "app": "persuratan", "unit": '
    '"Biro Umum", "nik": "317101450190000"}',
]
SECRET = "rahasia-JANGAN-disimpan-77"


def write_csv(path, rows, bad, rng):
    """Canonical CSV with BOM and CRLF, plus a secret column."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("\ufeff")
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(CANON + ["passphrase"])
        lines = 1
        for r in rows:
            w.writerow([r[k] for k in CANON] + [SECRET])
            lines += 1 + r["message"].count("\n")
        for b in bad:
            w.writerow([b.get(k, "") for k in CANON] + [SECRET])
        # A row with too few fields.
        w.writerow(["2025-05-05T10:00:00Z", "srikandi"])
    return len(rows), len(bad) + 1


def write_jsonl(path, rows, bad, rng):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            o = {k: v for k, v in r.items() if v != ""}
            for k in ("http_status", "duration_ms"):
                if k in o:
                    o[k] = int(o[k])
            if o.get("cert_serial", "").isdigit():
                o["cert_serial"] = int(o["cert_serial"])  # JSON number
            if rng.random() < 0.3:
                o["totp"] = "123456"
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
        for b in bad:
            f.write(b + "\n")
    return len(rows), len(bad)


def system_events(world, app, n, minute=False):
    rng = world.rng
    start = dt.datetime(world.year, 1, 1, tzinfo=WIB)
    evs = []
    for _ in range(n):
        t = start + dt.timedelta(seconds=rng.randrange(365 * 86400))
        if minute:
            t = t.replace(second=0)
        signer = None if app == "segel-app" else \
            world.pick(world.by_nik, t.astimezone(WIB).date())
        e = world.event(t, app=app, signer=signer)
        if app != "segel-app":
            e["id"] = ("nik", e["signer"]["nik"])
        # These systems log BSrE's own codes for every failure.
        if e["result"] == "fail" and not e["status_code"]:
            e["status_code"], e["http_status"] = "2031", 400
            e["message"] = MESSAGES["2031"]
        evs.append(e)
    return evs


def write_naskah(path, evs):
    """Letters app export: ';', Indonesian headers, dd/mm/yyyy HH:MM WIB,
    windows-1252."""
    with open(path, "w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(["Tanggal", "Unit Pengolah", "NIK Penandatangan",
                    "Nama Penandatangan", "Jabatan", "Jenis Naskah",
                    "Nomor Naskah", "ID Dokumen", "Status", "Kode Galat",
                    "Keterangan"])
        for e in evs:
            s = e["signer"]
            w.writerow([e["t"].astimezone(WIB).strftime("%d/%m/%Y %H:%M"),
                        e["unit_written"], s["nik"], s["name"],
                        s["position"], "Surat Dinas", "SD-1/BPIP/2025",
                        e["doc_id"],
                        "Berhasil" if e["result"] == "ok" else "Gagal",
                        e["status_code"] or ("" if e["result"] == "ok" else
                                             "HTTP%d" % e["http_status"]),
                        "Ditandatangani – café" if e["result"] == "ok"
                        else e["message"].replace("\n", " ")])
        w.writerow(["32/13/2025 10:00", "Biro Umum", "3171010101900001",
                    "X", "", "", "", "D", "Berhasil", "", ""])
        w.writerow(["01/02/2025 10:00", "Biro Umum", "", "X", "", "", "",
                    "D", "Berhasil", "", ""])
    return 2, 0


def write_log_tte(path, evs):
    """A web app's log_tte table as JSONL: local created_at, status_code
    (200 on success), pesan."""
    with open(path, "w", encoding="utf-8") as f:
        for i, e in enumerate(evs):
            code = e["status_code"] or (200 if e["result"] == "ok" else
                                        e["http_status"])
            o = {"id": i + 1, "created_at":
                 e["t"].astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S"),
                 "nik": e["signer"]["nik"], "unit_kerja": e["unit_written"],
                 "status_code": int(code), "pesan": e["message"] or "OK",
                 "id_dokumen": e["doc_id"]}
            f.write(json.dumps(o) + "\n")
        f.write('{"id": 0, "created_at": "kemarin", "nik": '
                '"3171010101900001", "unit_kerja": "Biro Umum"}\n')
        f.write("null\n")
    return 2, 0


def write_bsre_tx(path, evs, rng):
    """An integrator's bsre_transactions: nested request/response, epoch
    milliseconds, HTTP status; verify and status calls are not signings."""
    with open(path, "w", encoding="utf-8") as f:
        for e in evs:
            fail = e["result"] == "fail"
            http = e["http_status"] if fail else 200
            o = {"document_id": e["doc_id"],
                 "endpoint": rng.choice(["/api/v2/sign/pdf",
                                         "/api/sign/pdf"]),
                 "created_at": int(e["t"].timestamp() * 1000) +
                 rng.randrange(1000),
                 "request": {"nik": e["signer"]["nik"],
                             "unit": e["unit_written"],
                             "passphrase": SECRET},
                 "response": {"http_status": http,
                              "id_dokumen": e["doc_id"],
                              "error_code": int(e["status_code"])
                              if e["status_code"] else None},
                 "error_message": e["message"] or None,
                 "response_time_ms": e["duration"], "sha256": "ab" * 32}
            f.write(json.dumps(o) + "\n")
        for i in range(5):
            f.write(json.dumps({"document_id": "V%d" % i,
                                "endpoint": "/api/v2/verify/pdf",
                                "created_at": 1740000000000,
                                "request": {"nik": "3171010101900001"},
                                "response": {"http_status": 200}}) + "\n")
        f.write(json.dumps({"document_id": "X", "endpoint": "/api/sign/pdf",
                            "created_at": "soon", "request": {
                                "nik": "3171010101900001", "unit": "BU",
                                "passphrase": SECRET},
                            "response": {"http_status": 200}}) + "\n")
    return 1, 5


def write_segel(path, evs):
    """Sealing service log: '|' delimited, dd-mm-yyyy in WITA."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="|", lineterminator="\n")
        w.writerow(["waktu", "id_subscriber", "nomor_seri", "hasil", "kode",
                    "pesan"])
        for e in evs:
            w.writerow([e["t"].astimezone(WITA).strftime("%d-%m-%Y %H:%M:%S"),
                        "SUB-01", e["signer"]["serial"],
                        "SUKSES" if e["result"] == "ok" else "GAGAL",
                        e["status_code"], e["message"].replace("\n", " ")])
        w.writerow(["31-12-2025 25:00:00", "SUB-01", "X", "SUKSES", "", ""])
    return 1, 0


SYSTEMS = [  # source name, file, app, writer, minute precision
    ("naskah-dinas", "naskah-dinas.csv", "naskah", "naskah", True),
    ("log-tte", "log-tte.jsonl", "portal-tte", "log_tte", False),
    ("bsre-transactions", "bsre-transactions.jsonl", "integrasi", "bsre",
     False),
    ("segel-wita", "segel-wita.csv", "segel-app", "segel", False),
]


def signer_key(ev):
    return ev["id"][1]


def event_key(ev):
    return (ev["app"], int(ev["t"].timestamp()), signer_key(ev),
            ev["doc_id"], ev["result"])


def period_of(ev):
    local = ev["t"].astimezone(WIB)
    return local.year, (local.month - 1) // 3 + 1, local.month


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember"]


def date_id(d):
    return "%d %s %d" % (d.day, MONTHS[d.month - 1], d.year)


def expected_period(world, events, year, quarter):
    """Counts for a year (quarter 0) or a quarter, from distinct events and
    the world's people and certificates (never from logged identifiers)."""
    evs = [e for e in events if period_of(e)[0] == year and
           (quarter == 0 or period_of(e)[1] == quarter)]
    first = dt.date(year, (quarter - 1) * 3 + 1 if quarter else 1, 1)
    last_day = (dt.date(year, quarter * 3, 1) if quarter else
                dt.date(year, 12, 1))
    last_day = (last_day.replace(day=28) + dt.timedelta(days=4))
    last_day -= dt.timedelta(days=last_day.day)

    def blank():
        return dict(sign_ok=0, sign_fail=0, seal_ok=0, seal_fail=0,
                    signers=set(), certs_active=0)
    units = {name: blank() for code, name, _, _ in UNITS}
    for c in world.certs:
        if world.active_cert(c, first, last_day):
            units[c["person"]["unit"]]["certs_active"] += 1
    months = {m: dict(ok=0, fail=0, sign_ok=0, sign_fail=0, seal_ok=0,
                      seal_fail=0) for m in range(1, 13)}
    apps = {}
    errors = {}
    certs = {c["serial"]: dict(ok=0, fail=0, invalid_ok=0, invalid_fail=0)
             for c in world.certs}
    people = set()
    unknown = {}
    for e in evs:
        u = units.setdefault(e["unit_resolved"], blank())
        kind = "seal" if e["cert_type"] == "segel" else "sign"
        u["%s_%s" % (kind, e["result"])] += 1
        if kind == "sign" and e["result"] == "ok":
            u["signers"].add(e["signer"]["pid"])
            people.add(e["signer"]["pid"])
        m = months[period_of(e)[2]]
        m[e["result"]] += 1
        m["%s_%s" % (kind, e["result"])] += 1
        a = apps.setdefault(e["app"], dict(ok=0, fail=0))
        a[e["result"]] += 1
        if e["result"] == "fail":
            code = e["status_code"] or "HTTP %d" % e["http_status"]
            errors[code] = errors.get(code, 0) + 1
        c = e["cert"]
        if c is None:
            unknown[e["signer"]["pid"]] = unknown.get(e["signer"]["pid"],
                                                      0) + 1
            continue
        certs[c["serial"]][e["result"]] += 1
        if e["t"].astimezone(WIB).date() > world.valid_to(c):
            certs[c["serial"]]["invalid_" + e["result"]] += 1
    for u in units.values():
        u["signers_active"] = len(u.pop("signers"))
    if quarter:
        months = {m: v for m, v in months.items()
                  if (m - 1) // 3 + 1 == quarter}
    # Sertifikat Perlu Tindakan: one entry per certificate, every reason.
    action = {}
    for c in world.certs:
        n = certs[c["serial"]]
        used = n["ok"] + n["fail"]
        active = world.active_cert(c, first, last_day)
        reasons = []
        undated = world.in_period(c, first, last_day) and \
            c["status"] in ("REVOKE", "SUSPEND") and not c["status_since"]
        if n["invalid_ok"] + n["invalid_fail"]:
            reasons.append("invalid")
        if c["status"] in ("REVOKE", "SUSPEND") and not c["status_since"] \
                and (undated or used):
            reasons.append("undated")
        if c["status"] not in ("REVOKE", "SUSPEND") and \
                last_day < c["not_after"] <= d_add(last_day, 90):
            reasons.append("expiring")
        if active and c["status"] in ("ISSUE", "RENEW") and not used:
            reasons.append("unused")
        if reasons:
            action[c["serial"]] = dict(reasons=reasons, status=c["status"],
                                       **n)
    return {"events": len(evs), "units": units, "months": months,
            "apps": apps, "errors": errors,
            "certs": {k: dict(ok=v["ok"], fail=v["fail"])
                      for k, v in certs.items()},
            "action": action,
            "signers_active": len(people),
            "certs_active": sum(u["certs_active"] for u in units.values()),
            "certs_undated": sum("undated" in a["reasons"]
                                 for a in action.values()),
            "unknown_signers": len(unknown),
            "unknown_signer_events": sum(unknown.values()),
            "registry_date": date_id(world.snapshot),
            "totals": {k: sum(u[k] for u in units.values()) for k in
                       ("sign_ok", "sign_fail", "seal_ok", "seal_fail")}}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--events", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bench-rows", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    world = World(args.year, args.seed)
    rng = world.rng
    if args.bench_rows:
        return bench(world, args)
    world.registries(args.out)
    logs = os.path.join(args.out, "logs")
    os.makedirs(logs, exist_ok=True)
    evs = world.year_events(args.events)

    # Split: CSV gets srikandi/esurat/segel, JSONL persuratan/sipeg; some
    # events are exported by both systems, some rows twice.
    csv_evs = [e for e in evs if e["app"] in ("srikandi", "esurat",
                                              "segel-app")]
    jsonl_evs = [e for e in evs if e not in csv_evs]
    overlap = rng.sample(csv_evs, min(30, len(csv_evs)))
    jsonl_evs += overlap
    csv_rows = [canon_row(e, rng) for e in csv_evs]
    csv_rows += [dict(r) for r in rng.sample(csv_rows, 10)]  # in-file dups
    jsonl_rows = [canon_row(e, rng) for e in jsonl_evs]

    files = []
    seen = set()

    def account(name, source, rows_evs, bad):
        acc = dup = 0
        for e in rows_evs:
            k = event_key(e)
            if k in seen:
                dup += 1
            else:
                seen.add(k)
                acc += 1
        files.append({"file": name, "source": source, "filtered": 0,
                      "read": acc + dup + bad, "accepted": acc,
                      "duplicates": dup, "rejected": bad})

    csv_path = os.path.join(logs, "srikandi-%d.csv" % args.year)
    _, bad = write_csv(csv_path, csv_rows, BAD_CSV, rng)
    ev_of_row = csv_evs + [None] * 10
    # The duplicated rows are copies: find their events by doc_id.
    by_doc = {e["doc_id"]: e for e in evs}
    account("logs/srikandi-%d.csv" % args.year, "csv",
            [by_doc[r["doc_id"]] for r in csv_rows], bad)
    jsonl_path = os.path.join(logs, "persuratan-%d.jsonl" % args.year)
    _, bad = write_jsonl(jsonl_path, jsonl_rows, BAD_JSONL, rng)
    account("logs/persuratan-%d.jsonl" % args.year, "jsonl", jsonl_evs, bad)
    del ev_of_row

    # Every other system's own layout, read through conf/sources/.
    sysdir = os.path.join(args.out, "systems")
    os.makedirs(sysdir, exist_ok=True)
    for src, fname, app, kind, minute in SYSTEMS:
        sevs = system_events(world, app, max(20, args.events // 30), minute)
        if kind == "segel":
            for e in sevs:
                e["unit_written"] = "Pusdatin"
        path = os.path.join(sysdir, fname)
        if kind == "naskah":
            bad, filtered = write_naskah(path, sevs)
        elif kind == "log_tte":
            bad, filtered = write_log_tte(path, sevs)
        elif kind == "bsre":
            bad, filtered = write_bsre_tx(path, sevs, rng)
        else:
            bad, filtered = write_segel(path, sevs)
        account("systems/" + fname, src, sevs, bad)
        # Read = filtered + accepted + duplicates + rejected.
        files[-1]["filtered"] = filtered
        files[-1]["read"] += filtered
        evs += sevs

    distinct = list({event_key(e): e for e in evs}.values())
    expected = {
        "year": args.year,
        "secret": SECRET,
        "collect": [
            {"source": "units", "files": ["units.csv"]},
            {"source": "apps", "files": ["apps.csv"]},
            {"source": "certificates", "files": ["certificates.csv"]},
            {"source": "verifikator", "files": ["verifikator.csv"]},
            {"source": "csv", "files": [f["file"] for f in files
                                        if f["source"] == "csv"]},
            {"source": "jsonl", "files": [f["file"] for f in files
                                          if f["source"] == "jsonl"]},
        ] + [{"source": x[0], "files": ["systems/" + x[1]]}
             for x in SYSTEMS],
        "files": files,
        "v_events": len(distinct),
        "v_rejects": sum(f["rejected"] for f in files),
        "long_serial": world.seals[0]["serial"],
        "unknown_unit": UNKNOWN_UNIT,
        "units": [u[1] for u in UNITS],
        "verifikator": 2,
        "year_counts": expected_period(world, distinct, args.year, 0),
        "quarters": {str(q): expected_period(world, distinct, args.year, q)
                     for q in range(1, 5)},
        # The few events across the new-year cuts fall in the years before
        # and after: a data set of two years adds these to the other's.
        "other_years": {str(y): {
            "months": expected_period(world, distinct, y, 0)["months"],
            "quarters": {str(q): expected_period(world, distinct, y, q)
                         ["months"] for q in range(1, 5)}}
            for y in (args.year - 1, args.year + 1)},
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, default=str, sort_keys=True)


def bench(world, args):
    """One big canonical CSV and JSONL with the same events."""
    rng = world.rng
    start = dt.datetime(args.year, 1, 1, tzinfo=WIB)
    world.registries(args.out)
    n = args.bench_rows
    keys = set()
    # Logs are written as events happen: in time order.
    times = sorted(rng.randrange(365 * 86400) for _ in range(n))
    with open(os.path.join(args.out, "bench.csv"), "w", newline="") as fc, \
            open(os.path.join(args.out, "bench.jsonl"), "w") as fj:
        w = csv.writer(fc, lineterminator="\n")
        w.writerow(CANON)
        for i in range(n):
            e = world.event(start + dt.timedelta(seconds=times[i]))
            keys.add(event_key(e))
            r = canon_row(e, rng)
            w.writerow([r[k] for k in CANON])
            o = {k: v for k, v in r.items() if v != ""}
            fj.write(json.dumps(o, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "bench-expected.json"), "w") as f:
        json.dump({"rows": n, "distinct": len(keys)}, f)


if __name__ == "__main__":
    main()
