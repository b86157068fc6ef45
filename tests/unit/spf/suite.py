#!/usr/bin/python3
"""tests/unit/spf/suite.py YML[.gz] - the openspf RFC 7208 test suite, as
Debian's python3-spf ships it (/usr/share/doc/python3-spf/
rfc7208-tests.yml.gz), in the line format tests/unit/test_spf --suite
reads: the zone of each scenario with every CNAME resolved (the memo asks
by name and type, as c-ares answers do), then its tests.

    scenario DESCRIPTION
    rr NAME TYPE VALUE         one record (TXT: its strings joined)
    status NAME TYPE STATUS    NODATA or TIMEOUT (absent names: NXDOMAIN)
    test ID HOST MAILFROM HELO RESULTS EXPLANATION

Fields are TAB-separated; tabs, newlines, backslashes and bytes outside
printable ASCII are written as \\xHH.  RESULTS is a comma list of what
the test accepts; EXPLANATION is "-" when the test names none.
"""
import gzip
import ipaddress
import sys

import yaml

TYPES = ("A", "AAAA", "MX", "PTR", "TXT")


def esc(s):
    if isinstance(s, bytes):
        s = s.decode("utf-8", "surrogateescape")
    out = []
    for ch in str(s):
        data = ch.encode("utf-8", "surrogateescape")
        for b in data:
            if 0x20 <= b < 0x7f and b != 0x5c:
                out.append(chr(b))
            else:
                out.append("\\x%02x" % b)
    return "".join(out) if out else ""


def records(entries):
    """(type, value) pairs and whether the name times out, as the suite's
    own driver (testspf.py) reads them: SPF records stand in for missing
    TXT ones, TXT 'NONE' stops that."""
    out, spf, timeout, has_txt = [], [], {}, False
    for entry in entries:
        if entry == "TIMEOUT":
            timeout["*"] = len(out)
            continue
        for t, v in entry.items():
            if v == "TIMEOUT":
                timeout[t] = True
                continue
            if t in ("TXT", "SPF") and isinstance(v, str):
                v = [v]
            if t == "TXT":
                has_txt = True
                if v == ["NONE"]:
                    continue
            if t == "SPF":
                spf.append(v)
                continue
            out.append((t, v))
    if not has_txt:
        out += [("TXT", v) for v in spf]
    return out, timeout


def value(t, v):
    if t == "MX":
        return "%s %s" % (v[0], v[1])
    if t == "TXT":
        return "".join(v)
    return str(v)


def resolve(zone, name, t, depth=0):
    """Records of type t at name, through CNAMEs; None: no such name."""
    if name not in zone or depth > 10:
        return None, False
    recs, timeout = zone[name]
    found = [value(rt, v) for rt, v in recs if rt == t]
    if found:
        return found, False
    cname = [v for rt, v in recs if rt == "CNAME"]
    if cname:
        return resolve(zone, str(cname[0]).lower().rstrip("."), t, depth + 1)
    return [], t in timeout or "*" in timeout


def ptr_owner(name):
    """The address a reverse name stands for (the memo keys PTR so)."""
    labels = name.split(".")
    try:
        if name.endswith(".in-addr.arpa") and len(labels) == 6:
            return str(ipaddress.IPv4Address(".".join(reversed(labels[:4]))))
        if name.endswith(".ip6.arpa") and len(labels) == 34:
            nibbles = "".join(reversed(labels[:32]))
            return str(ipaddress.IPv6Address(int(nibbles, 16)))
    except ValueError:
        pass
    return None


def main():
    path = sys.argv[1]
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        docs = list(yaml.safe_load_all(f))
    for doc in docs:
        print("scenario\t%s" % esc(doc.get("description", "")))
        zone = {}
        for name, entries in (doc.get("zonedata") or {}).items():
            zone[name.lower().rstrip(".")] = records(entries)
        for name in zone:
            for t in TYPES:
                found, timeout = resolve(zone, name, t)
                owner = ptr_owner(name) if t == "PTR" else name
                if found is None or owner is None:
                    continue
                for v in found:
                    print("rr\t%s\t%s\t%s" % (esc(owner), t, esc(v)))
                if not found:
                    print("status\t%s\t%s\t%s" %
                          (esc(owner), t, "TIMEOUT" if timeout else "NODATA"))
        for tid, test in doc["tests"].items():
            result = test["result"]
            if isinstance(result, str):
                result = [result]
            print("test\t%s\t%s\t%s\t%s\t%s\t%s" % (
                esc(tid), esc(test["host"]), esc(test.get("mailfrom", "")),
                esc(test.get("helo", "")), ",".join(result),
                esc(test["explanation"]) if "explanation" in test else "-"))


if __name__ == "__main__":
    main()
