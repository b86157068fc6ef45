#!/usr/bin/python3
"""smtpfake -- a scripted hostile SMTP server for the imscheck lab.

It covers what a real SMTP server never does on purpose. Plain sockets and
threads (one per connection), no dependencies but fakelib.py beside it (the
scaffolding the lab's fakes share: options, logs, pid file, signals, the
accept loop, reading lines). Modes (--mode):

  silent            accepts, reads, never writes a byte
  endless-greeting  writes "220-..." lines as fast as the client reads,
                    forever (until the client closes)
  huge-line         writes 1 MiB ("220 xxx...") without CRLF, then keeps the
                    connection open, reading, until the client closes
  mixed-codes       greeting "220-a", "250-b", "220 c" (codes differ inside
                    one reply), then behaves like healthy
  drip              a valid greeting, one byte per second (--drip-interval),
                    then behaves like healthy
  garbage           64 KiB of random bytes, then keeps the connection open
  close-mid-reply   writes "220-partial" (CRLF) and closes: the reply never ends
  greeting-421      "421 4.3.2 ..." and closes
  starttls-garbage  normal greeting; EHLO lists STARTTLS; STARTTLS is answered
                    "220 2.0.0 Ready to start TLS" followed by garbage bytes
                    instead of a TLS handshake; then keeps the connection open
  healthy           a minimal correct server: 220 greeting; EHLO multi-line
                    (PIPELINING, SIZE, 8BITMIME); HELO, MAIL, RCPT, RSET,
                    NOOP 250; DATA 354 then 250 after the final "."; VRFY
                    252; QUIT 221 and close; anything else 502
  starttls-inject   as healthy, and EHLO lists STARTTLS; STARTTLS is answered
                    "220 2.0.0 Ready to start TLS" and, in the same write, a
                    plaintext line "250 injected before the TLS handshake"
                    (a man in the middle's reply, RFC 3207 5); then a real
                    TLS handshake (--tls-cert, --tls-key) and the healthy
                    dialogue over TLS
  tls-reset-handshake  healthy, with a real STARTTLS (--tls-cert, --tls-key);
                    right after the TLS handshake the connection is reset
                    (TCP RST)
  tls-reset-reply   the same, but the first command over TLS gets half a
                    reply ("250-NAME") and then the reset
  tls-reset-implicit  TLS from the first byte (port 465's way), half a
                    greeting ("220-NAME") over it, then the reset
  auth-stall        healthy, with a real STARTTLS (--tls-cert, --tls-key)
                    and "AUTH PLAIN LOGIN" in the EHLO after it; AUTH is
                    never answered (the connection stays open, reading)
  auth-endless      the same, but AUTH and every line after it get "334 ",
                    forever: a challenge that never ends
  auth-garbage      the same, but AUTH is answered with 64 KiB of random
                    bytes (inside TLS); then keeps the connection open
  starttls-stall    healthy, and EHLO lists STARTTLS; STARTTLS is answered
                    "220 2.0.0 Ready to start TLS" and then not a byte more:
                    no TLS handshake ever starts (what the client sends is
                    read and counted, the connection stays open until the
                    client closes)
  ehlo-endless      healthy, but EHLO is answered with 1000 "250-NAME line N"
                    lines, then "250 OK" (a reply no sane server sends; the
                    log shows it as one note)

In the auth modes the command log masks the credentials: "AUTH PLAIN
********", and every line after AUTH is "********".

Every connection, every line received and every reply line written are
appended to the --log file (if given), one event a line:

  N connect IP:PORT
  N > COMMAND LINE          (as received, control bytes escaped, lines over
                            200 bytes abridged: "... [N bytes]")
  N < REPLY LINE            (a line written; long/endless output abridged)
  N message BYTES bytes     (a DATA body, which is not logged line by line)
  N close

N numbers the connections from 1. So a test asserts that DATA never came
with:  ! grep -Eq '^[0-9]+ > DATA' LOG

Options: --listen IP:PORT (required), --mode MODE (required), --pidfile
FILE (written once the socket listens, removed on exit), --log FILE,
--name NAME (greeting host name, default fake.lab.test), --drip-interval
SECONDS (default 1), --seed N (reproducible garbage), --tls-cert FILE and
--tls-key FILE (PEM; required by starttls-inject and the auth modes). SIGTERM or SIGINT:
exit 0.
"""

import argparse
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib
from fakelib import Closed, printable

AUTH_MODES = ("auth-stall", "auth-endless", "auth-garbage")
RESET_MODES = ("tls-reset-handshake", "tls-reset-reply", "tls-reset-implicit")
MODES = ("silent", "endless-greeting", "huge-line", "mixed-codes", "drip",
         "garbage", "close-mid-reply", "greeting-421", "starttls-garbage",
         "healthy", "starttls-inject", "starttls-stall",
         "ehlo-endless") + AUTH_MODES + RESET_MODES
EHLO_LINES = 1000  # ehlo-endless: "250-" lines before the last
INJECTED = b"250 injected before the TLS handshake\r\n"

stderr = fakelib.stderr_logger("smtpfake")


class Conn(fakelib.LineConn):
    in_auth = False  # the lines after AUTH carry credentials

    def shown(self, line):
        """The line as logged: no credentials."""
        if self.in_auth:
            return b"********"
        words = line.split(b" ")
        if words[0].upper() == b"AUTH" and len(words) > 2:
            return b" ".join(words[:2]) + b" ********"
        return line

    def reply(self, *lines):
        """A (multi-line) reply from 'CODE text' strings."""
        out = []
        for i, line in enumerate(lines):
            code, text = line[:3], line[4:]
            sep = " " if i == len(lines) - 1 else "-"
            out.append(f"{code}{sep}{text}\r\n")
        self.send("".join(out).encode())

    # --- the healthy dialogue ----------------------------------------------

    def serve(self, starttls=False, tls=None):
        """A minimal correct SMTP dialogue after the greeting; with tls (an
        SSLContext), STARTTLS starts TLS and AUTH is offered after it."""
        name = self.server.args.name
        secure = False
        while True:
            line = self.readline()
            self.log_received(line)
            verb = line.split(b" ", 1)[0].upper()
            if secure and self.server.args.mode == "tls-reset-reply":
                self.send(f"250-{name}\r\n".encode())
                self.reset()
            if verb == b"EHLO" and self.server.args.mode == "ehlo-endless":
                lines = b"".join(b"250-%s line %04d\r\n" % (name.encode(), i)
                                 for i in range(1, EHLO_LINES + 1))
                self.send(lines + b"250 OK\r\n",
                          note=f"[{EHLO_LINES} 250- lines, then 250 OK]")
            elif verb == b"EHLO":
                caps = [f"250 {name}", "250 PIPELINING", "250 SIZE 10240000",
                        "250 8BITMIME"]
                if (starttls or tls) and not secure:
                    caps.append("250 STARTTLS")
                if secure:
                    caps.append("250 AUTH PLAIN LOGIN")
                self.reply(*caps)
            elif verb == b"STARTTLS" and starttls == "inject" and not secure:
                if self.buf:  # the client sent more after STARTTLS: not TLS
                    self.log(f"[{len(self.buf)} bytes after STARTTLS, not TLS]")
                    raise Closed()
                self.send(b"220 2.0.0 Ready to start TLS\r\n" + INJECTED)
                self.start_tls(self.server.tls)
                secure = True
            elif verb == b"STARTTLS" and starttls == "stall":
                self.reply("220 2.0.0 Ready to start TLS")
                self.stall()
            elif verb == b"STARTTLS" and tls and not secure:
                self.reply("220 2.0.0 Ready to start TLS")
                self.start_tls(tls)
                secure = True
                if self.server.args.mode == "tls-reset-handshake":
                    self.reset()
            elif verb == b"AUTH" and secure:
                self.in_auth = True
                self.hostile_auth()
            elif verb == b"HELO":
                self.reply(f"250 {name}")
            elif verb == b"MAIL":
                self.reply("250 2.1.0 Ok")
            elif verb == b"RCPT":
                self.reply("250 2.1.5 Ok")
            elif verb in (b"RSET", b"NOOP"):
                self.reply("250 2.0.0 Ok")
            elif verb == b"VRFY":
                self.reply("252 2.0.0 Cannot VRFY user")
            elif verb == b"DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                size = 0
                while True:
                    body = self.readline()
                    if body == b".":
                        break
                    size += len(body) + 2
                self.log(f"message {size} bytes")
                self.reply("250 2.0.0 Ok: queued as FAKE")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 Bye")
                raise Closed()
            elif verb == b"STARTTLS" and starttls:
                self.reply("220 2.0.0 Ready to start TLS")
                self.garbage_for_tls()
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def start_tls(self, ctx):
        """The server side of the TLS handshake; Closed if it fails."""
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            self.log(f"TLS handshake failed: {e}")
            raise Closed()
        self.log("TLS started")

    def stall(self):
        """Read (and count) what the client sends, answer nothing, until it
        closes: a TLS handshake that the server never begins."""
        got = len(self.buf)
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(4096)
            except OSError:
                chunk = b""
            if not chunk:
                self.log(f"[{got} bytes after STARTTLS, no handshake sent]")
                raise Closed()
            got += len(chunk)

    def hostile_auth(self):
        """What the auth modes do once the client says AUTH."""
        mode = self.server.args.mode
        if mode == "auth-stall":
            self.drain()
        elif mode == "auth-endless":
            while True:
                self.reply("334 ")
                self.log_received(self.readline())
        elif mode == "auth-garbage":
            self.garbage()

    # --- the modes -----------------------------------------------------------

    def run(self):
        mode = self.server.args.mode
        name = self.server.args.name
        if mode == "silent":
            self.drain()
        elif mode == "endless-greeting":
            chunk = b"".join(b"220-%s endless greeting line %06d\r\n" % (name.encode(), i)
                             for i in range(100))
            self.log("< [220- lines, 100 per write, until the client closes]")
            while True:
                try:
                    self.sock.sendall(chunk)
                except OSError:
                    raise Closed()
        elif mode == "huge-line":
            self.huge_line(b"220 ")
        elif mode == "mixed-codes":
            self.send("220-a\r\n250-b\r\n220 c\r\n".encode())
            self.serve()
        elif mode == "drip":
            self.drip(f"220 {name} ESMTP drip\r\n".encode(),
                      self.server.args.drip_interval)
            self.serve()
        elif mode == "garbage":
            self.garbage()
        elif mode == "close-mid-reply":
            self.send(b"220-partial\r\n")
        elif mode == "greeting-421":
            self.reply(f"421 4.3.2 {name} Service not available, closing transmission channel")
        elif mode == "starttls-garbage":
            self.reply(f"220 {name} ESMTP")
            self.serve(starttls=True)
        elif mode == "healthy":
            self.reply(f"220 {name} ESMTP smtpfake")
            self.serve()
        elif mode == "starttls-inject":
            self.reply(f"220 {name} ESMTP smtpfake")
            self.serve(starttls="inject")
        elif mode == "starttls-stall":
            self.reply(f"220 {name} ESMTP smtpfake starttls-stall")
            self.serve(starttls="stall")
        elif mode == "ehlo-endless":
            self.reply(f"220 {name} ESMTP smtpfake ehlo-endless")
            self.serve()
        elif mode == "tls-reset-implicit":
            self.start_tls(self.server.tls)
            self.send(f"220-{name}\r\n".encode())
            self.reset()
        elif mode in AUTH_MODES or mode in RESET_MODES:
            self.reply(f"220 {name} ESMTP smtpfake {mode}")
            self.serve(tls=self.server.tls)


class Server(fakelib.LineServer):
    conn_class = Conn

    def __init__(self, args, say):
        super().__init__(args, say)
        self.tls = None
        if args.tls_cert:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(args.tls_cert, args.tls_key)


def main():
    p = argparse.ArgumentParser(description="scripted hostile SMTP server for the imscheck lab")
    p.add_argument("--listen", required=True, type=fakelib.parse_hostport)
    p.add_argument("--mode", required=True, choices=MODES)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--name", default="fake.lab.test")
    p.add_argument("--drip-interval", type=float, default=1.0)
    p.add_argument("--seed", type=int)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()
    if args.drip_interval < 0:
        p.error("--drip-interval must be >= 0")
    if any(c in args.name for c in "\r\n"):
        p.error("--name must be one line")
    if (args.tls_cert is None) != (args.tls_key is None):
        p.error("--tls-cert and --tls-key go together")
    if (args.mode in AUTH_MODES + RESET_MODES or
            args.mode == "starttls-inject") and \
            args.tls_cert is None:
        p.error(f"--mode {args.mode} needs --tls-cert and --tls-key")

    fakelib.run_until_signal(lambda: Server(args, stderr).run(), args.pidfile,
                             stderr)


if __name__ == "__main__":
    main()
