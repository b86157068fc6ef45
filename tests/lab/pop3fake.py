#!/usr/bin/python3
"""pop3fake -- a scripted hostile POP3 server for the imscheck lab.

It covers what a real POP3 server never does on purpose, and a minimal
correct one whose every command is logged. Plain sockets and threads (one
per connection), no dependencies but fakelib.py beside it (the scaffolding
the lab's fakes share: options, logs, pid file, signals, the accept loop,
reading lines). Modes (--mode):

  silent             accepts, reads, never writes a byte
  err-greeting       "-ERR go away" and closes
  endless-multiline  "+OK" greeting; CAPA (USER, TOP, UIDL) as usual before
                     the login; USER and PASS are accepted (any); after
                     them, CAPA, LIST, UIDL, RETR and TOP answer "+OK" and
                     then well-formed lines ("N 100", "N endless-N",
                     "X-ENDLESS-N-N", "X-Endless-N: line N") as fast as the
                     client reads, forever: the terminating "." never comes;
                     STAT "+OK 3 300", NOOP/RSET/DELE "+OK", QUIT "+OK" and
                     close
  huge-line          writes 1 MiB ("+OK xxx...") without CRLF as the
                     greeting, then keeps the connection open, reading,
                     until the client closes
  garbage            64 KiB of random bytes, then keeps the connection open
  drip               a valid "+OK" greeting, one byte per second
                     (--drip-interval), then behaves like healthy
  close-mid-reply    "+OK" greeting; CAPA is answered "+OK", one capability
                     line and then the connection closes: the multi-line
                     reply never ends
  stls-no-tls        "+OK" greeting; CAPA lists STLS (and USER, TOP, UIDL);
                     STLS is answered "+OK Begin TLS negotiation" followed by
                     plaintext garbage instead of a TLS handshake; then keeps
                     the connection open; before STLS, USER and PASS are
                     refused "-ERR use STLS first"
  dele-err           as healthy, but DELE is answered
                     "-ERR [SYS/PERM] cannot delete here": nothing is ever
                     deleted
  stat-err           as healthy, but STAT is answered
                     "-ERR [IN-USE] mailbox locked"
  stat-negative      as healthy, but STAT is answered "+OK -5 -3"
  healthy            a minimal correct server (RFC 1939, RFC 2449 CAPA):
                     "+OK" greeting; CAPA (TOP, UIDL, USER, RESP-CODES,
                     PIPELINING); USER/PASS (any user; the password must be
                     the first line of --password-file if given, else any);
                     STAT, LIST [n], UIDL [n], TOP n k, RETR n, DELE n,
                     NOOP, RSET, QUIT (deletes the DELEd messages then);
                     anything else "-ERR"

The healthy mailbox: --mailbox DIR holds one message per regular file
(sorted by name; the file name is the UIDL, so 1 to 70 printable
characters without spaces; names starting with "." are skipped; the
content is sent with dot-stuffing, bare LF turned into CRLF). It is read
afresh at every login, so a test can drop messages into DIR at any time
(write them under a "." name, then rename); "QUIT" after "DELE" removes
the files. Without --mailbox, two built-in messages (UIDLs builtin-1,
builtin-2) that are never really deleted.

Every connection, every line received and every reply line written are
appended to the --log file (if given), one event a line:

  N connect IP:PORT
  N > COMMAND LINE          (as received, control bytes escaped, lines over
                            200 bytes abridged: "... [N bytes]"; the
                            argument of PASS is replaced by "***")
  N < REPLY LINE            (a line written; message data and long/endless
                            output abridged: "< [...]")
  N deleted UIDL            (healthy: a message removed at QUIT)
  N close

N numbers the connections from 1. So a test asserts which messages were
deleted with:  grep -E '^[0-9]+ deleted ' LOG

Options: --listen IP:PORT (required), --mode MODE (required), --pidfile
FILE (written once the socket listens, removed on exit), --log FILE,
--name NAME (greeting host name, default fake.lab.test), --mailbox DIR,
--password-file FILE, --drip-interval SECONDS (default 1), --seed N
(reproducible garbage). SIGTERM or SIGINT:
exit 0.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib
from fakelib import Closed, printable

MODES = ("silent", "err-greeting", "endless-multiline", "huge-line",
         "garbage", "stls-no-tls", "healthy", "drip", "close-mid-reply",
         "dele-err", "stat-err", "stat-negative")
BUILTIN = [
    ("builtin-1", b"From: someone@ext.test\r\nTo: probe@lab.test\r\n"
                  b"Subject: first built-in message\r\n\r\nHello.\r\n"),
    ("builtin-2", b"From: someone@ext.test\r\nTo: probe@lab.test\r\n"
                  b"Subject: second built-in message\r\n\r\n"
                  b".a line that starts with a dot\r\nBye.\r\n"),
]


stderr = fakelib.stderr_logger("pop3fake")


def to_crlf(data):
    """Message file content -> CRLF lines (bare LF and CR become CRLF)."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return data.replace(b"\n", b"\r\n")


def dot_stuff(data):
    """CRLF message -> the multi-line body of a reply, without the final '.'."""
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines)


class Message:
    def __init__(self, uidl, data, path=None):
        self.uidl = uidl
        self.data = data
        self.path = path
        self.deleted = False


class Conn(fakelib.LineConn):
    def shown(self, line):
        """The line as logged: no password."""
        if line[:5].upper() == b"PASS ":
            line = line[:5] + b"***"
        return line

    def ok(self, text=""):
        self.send(f"+OK{' ' if text else ''}{text}\r\n".encode())

    def err(self, text):
        self.send(f"-ERR {text}\r\n".encode())

    def multiline(self, first, body, note):
        """'+OK first', the dot-stuffed body and '.'; the body is logged as a note."""
        self.send(f"+OK {first}\r\n".encode())
        self.send(body + b".\r\n", note=note)

    def command(self):
        """Read and log one command line: (VERB, [args]); self.rest is the
        line after the verb and one space (the PASS argument may hold
        spaces)."""
        line = self.readline()
        self.log_received(line)
        words = line.split()
        self.rest = line.partition(b" ")[2]
        if not words:
            return b"", []
        return words[0].upper(), words[1:]

    def greet(self):
        self.ok(f"{self.server.args.name} POP3 pop3fake ready")

    # --- endless-multiline -----------------------------------------------------

    def endless(self, what):
        """'+OK' and then data lines forever (no terminating '.'), each
        well-formed for the command (LIST "N SIZE", UIDL "N UID", CAPA a
        capability, RETR/TOP a header line)."""
        fmt = {b"LIST": b"%d 100\r\n", b"UIDL": b"%d endless-%d\r\n",
               b"CAPA": b"X-ENDLESS-%d-%d\r\n"}.get(what, b"X-Endless-%d: line %d\r\n")
        self.send(b"+OK here it comes\r\n")
        self.log(f"< [{printable(what)} lines, 100 per write, never a '.', until the client closes]")
        n = 0
        while True:
            chunk = b"".join((fmt % (i, i) if fmt.count(b"%d") == 2 else fmt % i)
                             for i in range(n + 1, n + 101))
            n += 100
            try:
                self.sock.sendall(chunk)
            except OSError:
                raise Closed()

    def serve_endless(self):
        logged_in = False
        while True:
            verb, _ = self.command()
            if verb == b"CAPA" and not logged_in:
                self.multiline("Capability list follows", b"USER\r\nTOP\r\nUIDL\r\n",
                               "[USER TOP UIDL]")
            elif verb in (b"CAPA", b"LIST", b"UIDL", b"RETR", b"TOP") and logged_in:
                self.endless(verb)
            elif verb == b"STAT" and logged_in:
                self.ok("3 300")
            elif verb == b"QUIT":
                self.ok("bye")
                raise Closed()
            elif verb == b"PASS":
                logged_in = True
                self.ok("Logged in.")
            elif verb in (b"USER", b"NOOP") or (verb in (b"RSET", b"DELE") and logged_in):
                self.ok()
            else:
                self.err("not now" if verb in (b"STAT", b"RSET", b"DELE") else "unknown command")

    # --- stls-no-tls -----------------------------------------------------------

    def serve_stls(self):
        while True:
            verb, _ = self.command()
            if verb == b"CAPA":
                self.multiline("Capability list follows",
                               b"STLS\r\nUSER\r\nTOP\r\nUIDL\r\n", "[STLS USER TOP UIDL]")
            elif verb == b"STLS":
                self.ok("Begin TLS negotiation")
                self.garbage_for_tls()
            elif verb in (b"USER", b"PASS"):
                self.err("use STLS first")
            elif verb == b"NOOP":
                self.ok()
            elif verb == b"QUIT":
                self.ok("bye")
                raise Closed()
            else:
                self.err("unknown command")

    # --- healthy ---------------------------------------------------------------

    def load_mailbox(self):
        folder = self.server.args.mailbox
        if folder is None:
            return [Message(u, d) for u, d in BUILTIN]
        msgs = []
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if not os.path.isfile(path) or name.startswith("."):
                continue
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            msgs.append(Message(name, to_crlf(data), path))
        return msgs

    def message(self, args, need_args=1):
        """The message an argument names, or None (after an -ERR)."""
        if len(args) < need_args:
            self.err("missing argument")
            return None
        try:
            n = int(args[0])
        except ValueError:
            self.err("bad message number")
            return None
        if not 1 <= n <= len(self.msgs):
            self.err("no such message")
            return None
        msg = self.msgs[n - 1]
        if msg.deleted:
            self.err("message already deleted")
            return None
        return msg

    def serve_healthy(self):
        user = None
        while True:  # AUTHORIZATION state
            verb, args = self.command()
            if verb == b"CAPA":
                self.multiline("Capability list follows",
                               b"TOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nPIPELINING\r\n",
                               "[TOP UIDL USER RESP-CODES PIPELINING]")
            elif verb == b"USER" and args:
                user = args[0]
                self.ok("send PASS")
            elif verb == b"PASS" and user is not None:
                want = self.server.password
                got = self.rest
                if want is not None and got != want:
                    user = None
                    self.err("[AUTH] Authentication failed.")
                    continue
                self.msgs = self.load_mailbox()
                self.log(f"login {printable(user)}, {len(self.msgs)} messages")
                self.ok("Logged in.")
                break
            elif verb == b"QUIT":
                self.ok("bye")
                raise Closed()
            elif verb == b"NOOP":
                self.ok()
            else:
                self.err("not now")
        while True:  # TRANSACTION state
            verb, args = self.command()
            live = [(i + 1, m) for i, m in enumerate(self.msgs) if not m.deleted]
            mode = self.server.args.mode
            if verb == b"STAT" and mode == "stat-err":
                self.err("[IN-USE] mailbox locked")
            elif verb == b"STAT" and mode == "stat-negative":
                self.ok("-5 -3")
            elif verb == b"STAT":
                self.ok(f"{len(live)} {sum(len(m.data) for _, m in live)}")
            elif verb in (b"LIST", b"UIDL"):
                def item(i, m):
                    return f"{i} {len(m.data) if verb == b'LIST' else m.uidl}"
                if args:
                    msg = self.message(args)
                    if msg is not None:
                        self.ok(item(self.msgs.index(msg) + 1, msg))
                else:
                    body = "".join(item(i, m) + "\r\n" for i, m in live).encode()
                    self.multiline(f"{len(live)} messages", body,
                                   f"[{len(live)} {verb.decode().lower()} lines]")
            elif verb == b"RETR":
                msg = self.message(args)
                if msg is not None:
                    self.multiline(f"{len(msg.data)} octets", dot_stuff(msg.data),
                                   f"[message {printable(msg.uidl.encode())}, {len(msg.data)} octets]")
            elif verb == b"TOP":
                msg = self.message(args, 2)
                if msg is None:
                    continue
                try:
                    k = int(args[1])
                except ValueError:
                    self.err("bad line count")
                    continue
                if msg.data.startswith(b"\r\n"):  # no header at all
                    head, sep, body = b"", True, msg.data[2:]
                else:
                    head, sep, body = msg.data.partition(b"\r\n\r\n")
                    head += b"\r\n"
                data = head
                if sep:
                    data += b"\r\n"
                    lines = body.split(b"\r\n")
                    if lines and lines[-1] == b"":
                        lines.pop()
                    data += b"".join(line + b"\r\n" for line in lines[:max(k, 0)])
                self.multiline("top of message follows", dot_stuff(data),
                               f"[top {k} of message {printable(msg.uidl.encode())}]")
            elif verb == b"DELE" and mode == "dele-err":
                self.err("[SYS/PERM] cannot delete here")
            elif verb == b"DELE":
                msg = self.message(args)
                if msg is not None:
                    msg.deleted = True
                    self.ok("message deleted")
            elif verb == b"RSET":
                for m in self.msgs:
                    m.deleted = False
                self.ok()
            elif verb == b"NOOP":
                self.ok()
            elif verb == b"QUIT":
                for m in self.msgs:  # UPDATE state
                    if m.deleted:
                        if m.path is not None:
                            try:
                                os.unlink(m.path)
                            except OSError as e:
                                stderr(f"connection {self.n}: {e}")
                        self.log(f"deleted {printable(m.uidl.encode())}")
                self.ok("bye")
                raise Closed()
            else:
                self.err("unknown command")

    # --- the modes -------------------------------------------------------------

    def run(self):
        mode = self.server.args.mode
        if mode == "silent":
            self.drain()
        elif mode == "err-greeting":
            self.err("go away")
        elif mode == "endless-multiline":
            self.greet()
            self.serve_endless()
        elif mode == "huge-line":
            self.huge_line(b"+OK ")
        elif mode == "garbage":
            self.garbage()
        elif mode == "stls-no-tls":
            self.greet()
            self.serve_stls()
        elif mode in ("healthy", "dele-err", "stat-err", "stat-negative"):
            self.greet()
            self.serve_healthy()
        elif mode == "drip":
            self.drip(f"+OK {self.server.args.name} POP3 pop3fake drip\r\n".encode(),
                      self.server.args.drip_interval)
            self.serve_healthy()
        elif mode == "close-mid-reply":
            self.greet()
            while self.command()[0] != b"CAPA":
                self.err("not now")
            self.send(b"+OK Capability list follows\r\nUSER\r\n")


class Server(fakelib.LineServer):
    conn_class = Conn
    nodelay = True  # replies go out in several writes: no Nagle delay between them

    def __init__(self, args, say):
        super().__init__(args, say)
        self.password = None
        if args.password_file:
            with open(args.password_file, "rb") as f:
                self.password = f.readline().rstrip(b"\r\n")


def main():
    p = argparse.ArgumentParser(description="scripted hostile POP3 server for the imscheck lab")
    p.add_argument("--listen", required=True, type=fakelib.parse_hostport)
    p.add_argument("--mode", required=True, choices=MODES)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--name", default="fake.lab.test")
    p.add_argument("--mailbox")
    p.add_argument("--password-file")
    p.add_argument("--drip-interval", type=float, default=1.0)
    p.add_argument("--seed", type=int)
    args = p.parse_args()
    if args.drip_interval < 0:
        p.error("--drip-interval must be >= 0")
    if any(c in args.name for c in "\r\n"):
        p.error("--name must be one line")
    if args.mailbox is not None and not os.path.isdir(args.mailbox):
        p.error(f"--mailbox {args.mailbox}: not a directory")

    fakelib.run_until_signal(lambda: Server(args, stderr).run(), args.pidfile,
                             stderr)


if __name__ == "__main__":
    main()
