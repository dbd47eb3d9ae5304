#!/usr/bin/python3
"""A real SMTP server for the tte-send tests (aiosmtpd), on 127.0.0.1:
STARTTLS and AUTH required unless told otherwise. Each accepted message is
saved as SPOOL/N.eml with its envelope recipients in SPOOL/N.rcpt.
Stops by itself after --lifetime seconds.

smtp_server.py --port P --cert C --key K --spool DIR --user U --password W
               [--mode normal|no-starttls|reply451|reply554|silent|lockdb]
               [--lockdb DB] [--refuse ADDR]... [--tempfail ADDR]...
               [--delay SECONDS]
--refuse answers 550 to RCPT TO the address, --tempfail 450. --delay waits
before answering the end of DATA (a send that takes a while).
silent: never answers the data. lockdb: takes DB's write lock (and holds
it 5 s) before answering 250, as another tte process might.
"""
import argparse
import asyncio
import os
import sqlite3
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.args.refuse:
            return "550 5.1.1 no such user here"
        if address in self.args.tempfail:
            return "450 4.2.1 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.delay:
            await asyncio.sleep(self.args.delay)
        if self.args.mode == "reply451":
            return "451 4.3.0 try again later"
        if self.args.mode == "reply554":
            return "554 5.7.1 message rejected"
        if self.args.mode == "silent":
            await asyncio.sleep(3600)
        if self.args.mode == "lockdb":
            locked = threading.Event()
            threading.Thread(target=hold_lock, args=(self.args.lockdb,
                                                     locked)).start()
            locked.wait(10)
        self.n += 1
        base = os.path.join(self.args.spool, str(self.n))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        return "250 2.0.0 OK queued as tte-%d" % self.n


def hold_lock(path, locked):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    locked.set()
    time.sleep(5)
    db.execute("ROLLBACK")
    db.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--spool", required=True)
    ap.add_argument("--user", default="pusdatin")
    ap.add_argument("--password", default="")
    ap.add_argument("--mode", default="normal")
    ap.add_argument("--refuse", action="append", default=[])
    ap.add_argument("--tempfail", action="append", default=[])
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--lockdb")
    ap.add_argument("--lifetime", type=float, default=300)
    args = ap.parse_args()
    os.makedirs(args.spool, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and
              data.login.decode() == args.user and
              data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False)

    kw = {}
    if args.mode != "no-starttls":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
        kw = dict(tls_context=ctx, require_starttls=True, auth_required=True,
                  auth_require_tls=True, authenticator=authenticator)
    ctl = Controller(Handler(args), hostname="127.0.0.1", port=args.port,
                     **kw)
    ctl.start()
    open(os.path.join(args.spool, "ready"), "w").close()
    try:
        time.sleep(args.lifetime)
    finally:
        ctl.stop()


if __name__ == "__main__":
    main()
