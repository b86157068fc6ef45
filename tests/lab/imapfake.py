#!/usr/bin/python3
"""imapfake -- a scripted hostile IMAP server for the imscheck lab.

It covers what a real IMAP server never does on purpose. Plain sockets
and threads (one per connection), no dependencies but fakelib.py beside
it (options, logs, pid file, signals, the accept loop, reading lines).
Every mode but garbage greets with
"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN UIDPLUS] NAME imapfake ready" and
answers CAPABILITY, LOGIN (any user and password), AUTHENTICATE PLAIN
(after "+", any answer) and LOGOUT as a correct server would ("* BYE",
then the tagged OK, then close); what a mode changes is the answer to
every other command (SELECT, EXAMINE, STATUS, SEARCH, FETCH, ...).
Modes (--mode):

  silent-after-greeting  the greeting, then reads every line and never
                         writes another byte
  endless-untagged       other commands: "* N EXISTS" lines as fast as the
                         client reads, forever: the tagged answer never
                         comes
  huge-literal           other commands: "* 1 FETCH (UID 1 BODY[HEADER]
                         {1073741824}" (a 1 GiB literal announced), then
                         64 KiB of "x", then reads until the client closes
  bye-mid-command        other commands: "* 3 EXISTS", "* BYE shutting
                         down" and close, without a tagged answer
  garbage                64 KiB of random bytes instead of a greeting,
                         then keeps the connection open
  healthy                other commands: tagged "OK" (SELECT and EXAMINE
                         with "* 0 EXISTS", UIDVALIDITY 1, UIDNEXT 1)

Every connection, every line received and every line written go to the
--log file (if given): "N connect IP:PORT", "N > LINE" (LOGIN's password
and AUTHENTICATE's answer replaced by "***"), "N < LINE", "N close".

Options: --listen IP:PORT (required), --mode MODE (required), --pidfile
FILE (written once the socket listens, removed on exit), --log FILE,
--name NAME (greeting host name, default fake.lab.test), --seed N
(reproducible garbage). SIGTERM or SIGINT: exit 0.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib
from fakelib import Closed

MODES = ("silent-after-greeting", "endless-untagged", "huge-literal",
         "bye-mid-command", "garbage", "healthy")
CAPS = b"IMAP4rev1 AUTH=PLAIN UIDPLUS"
HUGE_LITERAL = 1 << 30

stderr = fakelib.stderr_logger("imapfake")


class Conn(fakelib.LineConn):
    secret_next = False  # the next line is AUTHENTICATE's answer, a literal
    last = b""  # the last command line

    def shown(self, line):
        """The line as logged: no password, no SASL answer."""
        if self.secret_next:
            return b"***"
        words = line.split(b" ")
        if len(words) >= 3 and words[1].upper() == b"LOGIN":
            return b" ".join(words[:3]) + b" ***"
        return line

    def command(self):
        """(tag, VERB, line) of the next command, logged."""
        line = self.last = self.readline()
        self.log_received(line)
        words = line.split(b" ")
        tag = words[0] if words and words[0] else b"*"
        verb = words[1].upper() if len(words) > 1 else b""
        if verb == b"UID" and len(words) > 2:
            verb = b"UID " + words[2].upper()
        return tag, verb, line

    def tagged(self, tag, text):
        self.send(tag + b" " + text + b"\r\n")

    def common(self, tag, verb):
        """Answer what every mode answers alike; False for the others."""
        if verb == b"CAPABILITY":
            self.send(b"* CAPABILITY " + CAPS + b"\r\n")
            self.tagged(tag, b"OK CAPABILITY completed")
        elif verb == b"LOGIN":
            line = self.last
            while line.endswith(b"}") and not line.endswith(b"+}"):
                # a literal (one line of it): "+", then what follows
                self.send(b"+ Ready for literal data\r\n")
                self.secret_next = True
                line = self.readline()
                self.log_received(line)
                self.secret_next = False
            self.tagged(tag, b"OK [CAPABILITY " + CAPS + b"] Logged in")
        elif verb == b"AUTHENTICATE":
            self.send(b"+ \r\n")
            self.secret_next = True
            self.log_received(self.readline())
            self.secret_next = False
            self.tagged(tag, b"OK Logged in")
        elif verb == b"LOGOUT":
            self.send(b"* BYE Logging out\r\n")
            self.tagged(tag, b"OK Logout completed")
            raise Closed()
        else:
            return False
        return True

    def endless(self):
        n = 0
        self.log("< [* N EXISTS, endless]")
        while True:
            lines = b"".join(b"* %d EXISTS\r\n" % (n + k) for k in range(100))
            try:
                self.sock.sendall(lines)
            except OSError:
                raise Closed()
            n += 100

    def other(self, tag, verb):
        mode = self.server.args.mode
        if mode == "endless-untagged":
            self.endless()
        elif mode == "huge-literal":
            self.send(b"* 1 FETCH (UID 1 BODY[HEADER] {%d}\r\n" % HUGE_LITERAL)
            self.send(b"x" * 65536, note="[65536 bytes of the literal]")
            self.drain()
        elif mode == "bye-mid-command":
            self.send(b"* 3 EXISTS\r\n* BYE shutting down\r\n")
            raise Closed()
        elif verb in (b"SELECT", b"EXAMINE"):
            self.send(b"* 0 EXISTS\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
                      b"* OK [UIDNEXT 1] Predicted next UID\r\n")
            self.tagged(tag, b"OK [READ-WRITE] completed")
        else:
            self.tagged(tag, b"OK completed")

    def run(self):
        mode = self.server.args.mode
        if mode == "garbage":
            self.garbage()
            return
        self.send(b"* OK [CAPABILITY " + CAPS + b"] " +
                  self.server.args.name.encode() + b" imapfake ready\r\n")
        if mode == "silent-after-greeting":
            self.drain()
        while True:
            tag, verb, _ = self.command()
            if not self.common(tag, verb):
                self.other(tag, verb)


class Server(fakelib.LineServer):
    conn_class = Conn
    nodelay = True


def main():
    p = argparse.ArgumentParser(description="scripted hostile IMAP server for the imscheck lab")
    p.add_argument("--listen", required=True, type=fakelib.parse_hostport)
    p.add_argument("--mode", required=True, choices=MODES)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--name", default="fake.lab.test")
    p.add_argument("--seed", type=int)
    args = p.parse_args()
    if any(c in args.name for c in "\r\n"):
        p.error("--name must be one line")
    fakelib.run_until_signal(lambda: Server(args, stderr).run(), args.pidfile,
                             stderr)


if __name__ == "__main__":
    main()
