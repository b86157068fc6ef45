#!/usr/bin/python3
"""dnsfake -- a scripted DNS server for the imscheck lab.

It covers what a real DNS server never does on purpose. Plain sockets and
threads, no DNS library; the scaffolding the lab's fakes share (options,
logs, pid file, signals, the accept loop) is in fakelib.py beside it. It
listens on UDP and TCP on the same address and port. Modes:

  --silent
      Reads every query and never answers. TCP connections are accepted,
      read from, and never answered (they stay open until the client goes).

  --delay SECONDS --upstream IP:PORT
      Every query waits SECONDS (default 1.5) in its own thread, is then
      forwarded to the upstream over the same transport (UDP or TCP), and
      the upstream's reply is returned verbatim. No reply from the upstream
      within --upstream-timeout: no reply at all.

  --upstream IP:PORT --delay 0 --bad-tlsa KIND
      Forwards every query as above, but answers every TLSA question
      (type 52) itself, as a validating resolver that vouches for it would:
      NOERROR with AD set (RD and CD copied, RA set), the question, one
      TLSA record whose rdata is garbage (an OPT record with DO after it
      when the query had one). KIND:
        short      RDLENGTH 3, rdata "3 1 1" and no association data
        overrun    RDLENGTH 200, and the message ends after 3 bytes of it

  --garbage [KIND]
      Answers every query with a broken reply. KIND:
        random     random bytes (1-512 of them, random ID too) (default)
        random-id  the query's ID followed by random bytes, so the client
                   matches the reply to its query and has to parse garbage
        truncated  a valid header (query's ID, QR=1, NOERROR, QDCOUNT=1,
                   ANCOUNT=1), the query's question, then an answer record
                   cut in the middle of its fixed fields
      Over TCP the reply is framed with its real length.

Common options: --listen IP:PORT (required), --pidfile FILE (written once
every socket is bound, removed on exit). SIGTERM or SIGINT: exit 0.
"""

import argparse
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fakelib

MAX_UDP = 65535
TLSA = 52

log = fakelib.stderr_logger("dnsfake")


def recv_exact(sock, n):
    """Read exactly n bytes; None on EOF or error."""
    buf = b""
    while len(buf) < n:
        try:
            chunk = sock.recv(n - len(buf))
        except OSError:
            return None
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_messages(conn):
    """Yield the length-prefixed DNS messages read from a TCP connection."""
    while True:
        head = recv_exact(conn, 2)
        if head is None:
            return
        (length,) = struct.unpack("!H", head)
        msg = recv_exact(conn, length) if length else b""
        if msg is None:
            return
        yield msg


def question_end(query):
    """Offset just past the first question of query, or None if malformed."""
    if len(query) < 12:
        return None
    pos = 12
    while pos < len(query):
        n = query[pos]
        if n == 0:
            pos += 1
            break
        if n & 0xC0:  # no compression in a query name we trust
            return None
        pos += 1 + n
    else:
        return None
    pos += 4  # QTYPE, QCLASS
    return pos if pos <= len(query) else None


class Server:
    def __init__(self, args):
        self.args = args
        self.host, self.port = args.listen
        self.rng = fakelib.LockedRandom(args.seed)
        self.keep = []  # silent mode: keep TCP connections open

    # --- replies -----------------------------------------------------------

    def garbage(self, query):
        kind = self.args.garbage
        if kind == "random":
            return self.rng.random_bytes(self.rng.randint(1, 512))
        if kind == "random-id":
            return query[:2] + self.rng.random_bytes(self.rng.randint(0, 510))
        # truncated: valid header, full question, half an answer record
        end = question_end(query)
        if end is None:
            return query[:2] + b"\x81\x80" + b"\x00" * 8
        rd = query[2] & 0x01
        flags = 0x8000 | 0x0400 | (rd << 8)  # QR, AA, RD copied
        header = query[:2] + struct.pack("!HHHHH", flags, 1, 1, 0, 0)
        answer = b"\xc0\x0c" + query[end - 4:end] + b"\x00\x00"  # TTL cut
        return header + query[12:end] + answer

    def bad_tlsa(self, query):
        """A TLSA answer with AD and garbage rdata, or None when query is
        not a TLSA question (then it is forwarded)."""
        end = question_end(query)
        if end is None or struct.unpack("!H", query[end - 4:end - 2])[0] != TLSA:
            return None
        kind = self.args.bad_tlsa
        flags = 0x8000 | 0x0080 | 0x0020 | ((query[2] & 0x01) << 8) | (query[3] & 0x10)
        edns = struct.unpack("!H", query[10:12])[0] > 0 and kind == "short"
        header = query[:2] + struct.pack("!HHHHH", flags, 1, 1, 0, 1 if edns else 0)
        rdlength = 3 if kind == "short" else 200
        answer = b"\xc0\x0c" + struct.pack("!HHIH", TLSA, 1, 300, rdlength) + b"\x03\x01\x01"
        opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0x8000, 0) if edns else b""
        return header + query[12:end] + answer + opt

    def forward_udp(self, query):
        host, port = self.args.upstream
        with socket.socket(fakelib.family_of(host), socket.SOCK_DGRAM) as s:
            s.settimeout(self.args.upstream_timeout)
            s.connect((host, port))
            s.send(query)
            try:
                return s.recv(MAX_UDP)
            except OSError:
                return None

    def forward_tcp(self, query):
        host, port = self.args.upstream
        try:
            with socket.create_connection((host, port),
                                          self.args.upstream_timeout) as s:
                s.sendall(struct.pack("!H", len(query)) + query)
                head = recv_exact(s, 2)
                if head is None:
                    return None
                return recv_exact(s, struct.unpack("!H", head)[0])
        except OSError:
            return None

    def reply(self, query, transport):
        """The reply to send for query, or None for no reply."""
        if self.args.silent:
            return None
        if self.args.garbage:
            return self.garbage(query)
        if self.args.bad_tlsa:
            answer = self.bad_tlsa(query)
            if answer is not None:
                return answer
        time.sleep(self.args.delay)
        if transport == "udp":
            return self.forward_udp(query)
        return self.forward_tcp(query)

    # --- UDP ---------------------------------------------------------------

    def udp_one(self, sock, query, peer):
        answer = self.reply(query, "udp")
        if answer is not None:
            try:
                sock.sendto(answer, peer)
            except OSError as e:
                log(f"udp sendto {peer}: {e}")

    def udp_loop(self, sock):
        while True:
            try:
                query, peer = sock.recvfrom(MAX_UDP)
            except OSError as e:
                log(f"udp recvfrom: {e}")
                continue
            if self.args.silent:
                continue
            threading.Thread(target=self.udp_one, args=(sock, query, peer),
                             daemon=True).start()

    # --- TCP ---------------------------------------------------------------

    def tcp_one(self, conn, lock, query):
        answer = self.reply(query, "tcp")
        if answer is None:
            return
        with lock:
            try:
                conn.sendall(struct.pack("!H", len(answer)) + answer)
            except OSError:
                pass

    def tcp_conn(self, conn):
        lock = threading.Lock()
        workers = []
        for query in tcp_messages(conn):
            if self.args.silent:
                continue
            t = threading.Thread(target=self.tcp_one, args=(conn, lock, query),
                                 daemon=True)
            t.start()
            workers.append(t)
        # client closed its side: let pending replies go out, then close
        for t in workers:
            t.join()
        try:
            conn.close()
        except OSError:
            pass

    def tcp_loop(self, sock):
        fakelib.accept_loop(sock, lambda conn, _peer, _n: self.tcp_conn(conn),
                            log, "tcp accept")

    # --- main --------------------------------------------------------------

    def run(self):
        fam = fakelib.family_of(self.host)
        udp = socket.socket(fam, socket.SOCK_DGRAM)
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        udp.bind((self.host, self.port))
        tcp = fakelib.tcp_listener(self.host, self.port)
        mode = ("silent" if self.args.silent else
                f"garbage {self.args.garbage}" if self.args.garbage else
                f"delay {self.args.delay}s upstream "
                f"{self.args.upstream[0]}:{self.args.upstream[1]}"
                + (f", bad TLSA {self.args.bad_tlsa}" if self.args.bad_tlsa else ""))
        fakelib.serve_forever(
            [lambda: self.udp_loop(udp), lambda: self.tcp_loop(tcp)],
            self.args.pidfile, log,
            f"listening on {self.host}:{self.port} udp+tcp, {mode}")


def main():
    p = argparse.ArgumentParser(description="scripted DNS server for the imscheck lab")
    p.add_argument("--listen", required=True,
                   type=lambda t: fakelib.parse_hostport(t, "--listen"))
    p.add_argument("--pidfile")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--silent", action="store_true")
    mode.add_argument("--upstream", type=lambda t: fakelib.parse_hostport(t, "--upstream"))
    mode.add_argument("--garbage", nargs="?", const="random",
                      choices=("random", "random-id", "truncated"))
    p.add_argument("--delay", type=float, default=1.5)
    p.add_argument("--bad-tlsa", choices=("short", "overrun"),
                   help="with --upstream: answer TLSA questions with AD and garbage rdata")
    p.add_argument("--upstream-timeout", type=float, default=5.0)
    p.add_argument("--seed", type=int, help="seed for --garbage (reproducible)")
    args = p.parse_args()
    if args.delay < 0:
        p.error("--delay must be >= 0")
    if args.bad_tlsa and not args.upstream:
        p.error("--bad-tlsa goes with --upstream")

    fakelib.run_until_signal(Server(args).run, args.pidfile, log)


if __name__ == "__main__":
    main()
