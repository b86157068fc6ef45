#!/usr/bin/python3
"""smtpfake -- a scripted hostile SMTP server for the imscheck lab.

It covers what a real SMTP server never does on purpose. Plain sockets and
threads (one per connection), no dependencies. Modes (--mode):

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
SECONDS (default 1), --seed N (reproducible garbage). SIGTERM or SIGINT:
exit 0.
"""

import argparse
import os
import random
import signal
import socket
import sys
import threading
import time

MODES = ("silent", "endless-greeting", "huge-line", "mixed-codes", "drip",
         "garbage", "close-mid-reply", "greeting-421", "starttls-garbage",
         "healthy")
MAX_LINE = 4096  # longer lines received are cut in pieces of this size
LOG_MAX = 200  # bytes of a received line that are logged
HUGE = 1 << 20
GARBAGE = 64 << 10


def parse_hostport(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"expected IP:PORT, got {text!r}")
    host = host.strip("[]")
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
        port = int(port)
    except (OSError, ValueError):
        raise argparse.ArgumentTypeError(f"expected IP:PORT, got {text!r}")
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"bad port in {text!r}")
    return host, port


def stderr(msg):
    sys.stderr.write(f"smtpfake[{os.getpid()}] {time.strftime('%H:%M:%S')} {msg}\n")
    sys.stderr.flush()


def printable(data):
    """bytes -> one log-safe line (control and non-ASCII bytes escaped)."""
    out = []
    for b in data:
        if 32 <= b < 127 and b != 0x5C:
            out.append(chr(b))
        elif b == 0x5C:
            out.append("\\\\")
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


class Closed(Exception):
    """The client went away (or the mode is done with the connection)."""


class Conn:
    def __init__(self, server, sock, peer, n):
        self.server = server
        self.sock = sock
        self.peer = peer
        self.n = n
        self.buf = b""

    def log(self, what):
        self.server.log(f"{self.n} {what}")

    def log_received(self, line, note=""):
        """Log a line received (abridged past LOG_MAX bytes)."""
        text = printable(line[:LOG_MAX])
        if len(line) > LOG_MAX:
            note = f" [{len(line)} bytes]{note}"
        self.log(f"> {text}{note}")

    def send(self, data, note=None):
        """Write data; log its lines (or note instead)."""
        try:
            self.sock.sendall(data)
        except OSError:
            raise Closed()
        if note is not None:
            self.log(f"< {note}")
        else:
            for line in data.split(b"\r\n"):
                if line:
                    self.log(f"< {printable(line[:200])}")

    def reply(self, *lines):
        """A (multi-line) reply from 'CODE text' strings."""
        out = []
        for i, line in enumerate(lines):
            code, text = line[:3], line[4:]
            sep = " " if i == len(lines) - 1 else "-"
            out.append(f"{code}{sep}{text}\r\n")
        self.send("".join(out).encode())

    def readline(self):
        """One line without CRLF (cut at MAX_LINE); Closed at EOF."""
        while b"\n" not in self.buf and len(self.buf) < MAX_LINE:
            try:
                chunk = self.sock.recv(4096)
            except OSError:
                chunk = b""
            if not chunk:
                if self.buf:
                    self.log_received(self.buf, " [no end of line]")
                raise Closed()
            self.buf += chunk
        line, nl, self.buf = self.buf.partition(b"\n")
        if not nl:  # too long: cut
            line, self.buf = line[:MAX_LINE], line[MAX_LINE:]
        return line.rstrip(b"\r")

    def drain(self):
        """Read and log lines until the client closes."""
        while True:
            self.log_received(self.readline())

    def random_bytes(self, n):
        return self.server.random_bytes(n)

    # --- the healthy dialogue ----------------------------------------------

    def serve(self, starttls=False):
        """A minimal correct SMTP dialogue after the greeting."""
        name = self.server.args.name
        while True:
            line = self.readline()
            self.log_received(line)
            verb = line.split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                caps = [f"250 {name}", "250 PIPELINING", "250 SIZE 10240000",
                        "250 8BITMIME"]
                if starttls:
                    caps.append("250 STARTTLS")
                self.reply(*caps)
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
                junk = b"garbage, not TLS\r\n" + self.random_bytes(2048)
                self.send(junk, note=f"[{len(junk)} bytes of garbage]")
                self.drain()
            else:
                self.reply("502 5.5.2 Error: command not recognized")

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
            data = b"220 " + b"x" * (HUGE - 4)
            self.send(data, note=f"[{len(data)} bytes without CRLF]")
            self.drain()
        elif mode == "mixed-codes":
            self.send("220-a\r\n250-b\r\n220 c\r\n".encode())
            self.serve()
        elif mode == "drip":
            greeting = f"220 {name} ESMTP drip\r\n".encode()
            self.log(f"< [{printable(greeting)}, one byte every "
                     f"{self.server.args.drip_interval} s]")
            for i in range(len(greeting)):
                try:
                    self.sock.sendall(greeting[i:i + 1])
                except OSError:
                    raise Closed()
                if i < len(greeting) - 1:
                    time.sleep(self.server.args.drip_interval)
            self.serve()
        elif mode == "garbage":
            self.send(self.random_bytes(GARBAGE), note=f"[{GARBAGE} random bytes]")
            self.drain()
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

    def handle(self):
        self.log(f"connect {self.peer[0]}:{self.peer[1]}")
        try:
            self.run()
        except Closed:
            pass
        except Exception as e:  # keep serving others; say what happened
            stderr(f"connection {self.n}: {e!r}")
        finally:
            try:
                self.sock.close()
            except OSError:
                pass
            self.log("close")


class Server:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.rng_lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.count = 0
        self.logf = open(args.log, "a", buffering=1) if args.log else None

    def log(self, line):
        if self.logf is None:
            return
        with self.log_lock:
            self.logf.write(line + "\n")

    def random_bytes(self, n):
        with self.rng_lock:
            return bytes(self.rng.getrandbits(8) for _ in range(n))

    def accept_loop(self, sock):
        while True:
            try:
                conn, peer = sock.accept()
            except OSError as e:
                stderr(f"accept: {e}")
                time.sleep(0.05)
                continue
            self.count += 1
            c = Conn(self, conn, peer, self.count)
            threading.Thread(target=c.handle, daemon=True).start()

    def run(self):
        host, port = self.args.listen
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                             socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
        # Connection threads inherit a mask that blocks SIGTERM/SIGINT, so
        # the kernel delivers those to the main thread (in signal.pause()).
        stops = {signal.SIGTERM, signal.SIGINT}
        signal.pthread_sigmask(signal.SIG_BLOCK, stops)
        threading.Thread(target=self.accept_loop, args=(sock,), daemon=True).start()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
        if self.args.pidfile:
            tmp = f"{self.args.pidfile}.tmp{os.getpid()}"
            with open(tmp, "w") as f:
                f.write(f"{os.getpid()}\n")
            os.rename(tmp, self.args.pidfile)
        stderr(f"listening on {host}:{port}, mode {self.args.mode}")
        while True:
            signal.pause()


def main():
    p = argparse.ArgumentParser(description="scripted hostile SMTP server for the imscheck lab")
    p.add_argument("--listen", required=True, type=parse_hostport)
    p.add_argument("--mode", required=True, choices=MODES)
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p.add_argument("--name", default="fake.lab.test")
    p.add_argument("--drip-interval", type=float, default=1.0)
    p.add_argument("--seed", type=int)
    args = p.parse_args()
    if args.drip_interval < 0:
        p.error("--drip-interval must be >= 0")
    if any(c in args.name for c in "\r\n"):
        p.error("--name must be one line")

    def stop(signum, _frame):
        stderr(f"signal {signum}, exiting")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        Server(args).run()
    finally:
        if args.pidfile:
            try:
                with open(args.pidfile) as f:
                    mine = f.read().strip() == str(os.getpid())
                if mine:
                    os.unlink(args.pidfile)
            except OSError:
                pass


if __name__ == "__main__":
    main()
