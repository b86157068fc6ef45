"""fakelib -- the scaffolding shared by the lab's scripted servers.

dnsfake.py, smtpfake.py, pop3fake.py and imapfake.py import it from their
own folder; each of them keeps only its protocol's behaviour. Plain
python3 (sockets, threads), no third-party modules. Here:

  parse_hostport, family_of   an IP:PORT option value; its address family
  stderr_logger               "NAME[PID] HH:MM:SS MESSAGE" lines on stderr
  printable                   bytes -> one log-safe line
  LockedRandom                random bytes and numbers for any thread,
                              reproducible with a seed
  tcp_listener, accept_loop   a listening TCP socket; accepting on it
                              forever, one thread per connection
  serve_forever               starts the socket loops, writes the pid file
                              once every socket is bound, waits for signals
  run_until_signal            SIGTERM or SIGINT: exit 0; the pid file is
                              removed on exit (if it still holds our pid)
  LineServer, LineConn,       a line-based server (SMTP, POP3, IMAP): one
  Closed                      listening socket, the per-connection command
                              log (--log), reading lines, writing replies,
                              and the hostile behaviours common to both

The command log of a LineServer, one event a line (N numbers the
connections from 1, in the order they were accepted):

  N connect IP:PORT
  N > LINE RECEIVED    (control and non-ASCII bytes escaped, lines over
                       LOG_MAX bytes abridged: "... [N bytes]")
  N < LINE WRITTEN     (or a note in brackets for long/endless output)
  N close

and whatever else the protocol logs with LineConn.log().
"""

import argparse
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

MAX_LINE = 4096  # longer lines received are cut in pieces of this size
LOG_MAX = 200  # bytes of a received (or written) line that are logged
HUGE = 1 << 20  # the huge-line modes: 1 MiB without CRLF
GARBAGE = 64 << 10  # the garbage modes: 64 KiB of random bytes


# --- options and logging -----------------------------------------------------

def parse_hostport(text, what=None):
    """'IP:PORT' (IPv6 in brackets or not) -> (host, port); the error
    messages start with "WHAT: " if what is given."""
    lead = f"{what}: " if what else ""
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"{lead}expected IP:PORT, got {text!r}")
    host = host.strip("[]")
    try:
        socket.inet_pton(family_of(host), host)
        port = int(port)
    except (OSError, ValueError):
        raise argparse.ArgumentTypeError(f"{lead}expected IP:PORT, got {text!r}")
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{lead}bad port in {text!r}")
    return host, port


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def stderr_logger(name):
    """A function writing "NAME[PID] HH:MM:SS MESSAGE" lines on stderr."""
    def say(msg):
        sys.stderr.write(f"{name}[{os.getpid()}] {time.strftime('%H:%M:%S')} {msg}\n")
        sys.stderr.flush()
    return say


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


class LockedRandom:
    """A random.Random for many threads (the same sequence for a seed)."""

    def __init__(self, seed=None):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    def random_bytes(self, n):
        with self.lock:
            return bytes(self.rng.getrandbits(8) for _ in range(n))

    def randint(self, lo, hi):
        with self.lock:
            return self.rng.randint(lo, hi)


# --- sockets, pid file, signals ----------------------------------------------

def tcp_listener(host, port):
    """A TCP socket bound to host:port and listening."""
    sock = socket.socket(family_of(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    return sock


def accept_loop(sock, handle, say, label="accept"):
    """Accept connections on sock forever; each one runs
    handle(conn, peer, n) in a thread of its own, n numbering them from 1
    in the order they were accepted. A failed accept is said as
    "LABEL: ERROR"."""
    n = 0
    while True:
        try:
            conn, peer = sock.accept()
        except OSError as e:
            say(f"{label}: {e}")
            time.sleep(0.05)
            continue
        n += 1
        threading.Thread(target=handle, args=(conn, peer, n), daemon=True).start()


def write_pidfile(path):
    """Our pid in path, written under another name and renamed in place."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(tmp, path)


def remove_pidfile(path):
    """Remove path if it holds our pid (not a successor's)."""
    try:
        with open(path) as f:
            mine = f.read().strip() == str(os.getpid())
        if mine:
            os.unlink(path)
    except OSError:
        pass


def serve_forever(loops, pidfile, say, banner):
    """Run each function of loops in a thread of its own (the sockets are
    bound already), then write pidfile (if any), say banner, and wait for
    signals forever."""
    # Worker threads (and the threads they start) inherit a mask that
    # blocks SIGTERM/SIGINT, so the kernel delivers those to the main
    # thread, the one waiting in signal.pause().
    stops = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    for loop in loops:
        threading.Thread(target=loop, daemon=True).start()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
    if pidfile:
        write_pidfile(pidfile)
    say(banner)
    while True:
        signal.pause()


def run_until_signal(run, pidfile, say):
    """Call run() (it serves until a signal); SIGTERM or SIGINT is said as
    "signal N, exiting" and exits 0. On the way out, however it goes,
    pidfile (if any) is removed if it still holds our pid."""

    def stop(signum, _frame):
        say(f"signal {signum}, exiting")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        run()
    finally:
        if pidfile:
            remove_pidfile(pidfile)


# --- line-based servers (SMTP, POP3) -----------------------------------------

class Closed(Exception):
    """The client went away (or the mode is done with the connection)."""


class LineConn:
    """One connection of a LineServer; a subclass's run() speaks the
    protocol (it ends by returning or raising Closed)."""

    def __init__(self, server, sock, peer, n):
        self.server = server
        self.sock = sock
        self.peer = peer
        self.n = n
        self.buf = b""

    def log(self, what):
        self.server.log(f"{self.n} {what}")

    def shown(self, line):
        """A received line as the log shows it (a subclass hides secrets)."""
        return line

    def log_received(self, line, note=""):
        """Log a line received (abridged past LOG_MAX bytes)."""
        line = self.shown(line)
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
                    self.log(f"< {printable(line[:LOG_MAX])}")

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
        return self.server.rng.random_bytes(n)

    # --- hostile behaviours both protocols have --------------------------------

    def huge_line(self, start):
        """start and then "x" up to HUGE bytes, no CRLF; then drain."""
        data = start + b"x" * (HUGE - len(start))
        self.send(data, note=f"[{len(data)} bytes without CRLF]")
        self.drain()

    def drip(self, data, interval):
        """data, one byte every interval seconds (a server too slow to
        finish a line before any sensible deadline)."""
        self.log(f"< [{printable(data)}, one byte every {interval} s]")
        for i in range(len(data)):
            try:
                self.sock.sendall(data[i:i + 1])
            except OSError:
                raise Closed()
            if i < len(data) - 1:
                time.sleep(interval)

    def garbage(self):
        """GARBAGE random bytes; then drain."""
        self.send(self.random_bytes(GARBAGE), note=f"[{GARBAGE} random bytes]")
        self.drain()

    def garbage_for_tls(self):
        """Plaintext garbage where a TLS handshake should be; then drain."""
        junk = b"garbage, not TLS\r\n" + self.random_bytes(2048)
        self.send(junk, note=f"[{len(junk)} bytes of garbage]")
        self.drain()

    def reset(self):
        """End the connection with a TCP RST (SO_LINGER 0), not a FIN."""
        self.log("reset")
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
        except OSError:
            pass
        raise Closed()

    def run(self):
        raise NotImplementedError

    def handle(self):
        self.log(f"connect {self.peer[0]}:{self.peer[1]}")
        try:
            self.run()
        except Closed:
            pass
        except Exception as e:  # keep serving others; say what happened
            self.server.say(f"connection {self.n}: {e!r}")
        finally:
            try:
                self.sock.close()
            except OSError:
                pass
            self.log("close")


class LineServer:
    """A line-based server from its parsed options (listen, mode, pidfile,
    log, seed): one thread per connection, each a conn_class; say writes
    to stderr."""

    conn_class = LineConn
    nodelay = False  # set TCP_NODELAY on every connection

    def __init__(self, args, say):
        self.args = args
        self.say = say
        self.rng = LockedRandom(args.seed)
        self.log_lock = threading.Lock()
        self.logf = open(args.log, "a", buffering=1) if args.log else None

    def log(self, line):
        """Append a line to the command log (if there is one)."""
        if self.logf is None:
            return
        with self.log_lock:
            self.logf.write(line + "\n")

    def connection(self, sock, peer, n):
        if self.nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn_class(self, sock, peer, n).handle()

    def run(self):
        host, port = self.args.listen
        sock = tcp_listener(host, port)
        serve_forever([lambda: accept_loop(sock, self.connection, self.say)],
                      self.args.pidfile, self.say,
                      f"listening on {host}:{port}, mode {self.args.mode}")
