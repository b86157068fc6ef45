#!/usr/bin/python3
"""tests/lab/spfpeer.py SERVER[:PORT] DOMAIN ADDR... - what Debian's
python3-spf (pyspf, strict RFC 7208 mode) says of each address with
postmaster@DOMAIN as the sender and DOMAIN as HELO, asking SERVER only:
one line "ADDR RESULT" each.  The peer tests/integration/spf-peer.sh holds
check_ims_policy against; nobody here wrote it.
"""
import sys

import DNS  # pydns, the resolver python3-spf uses in Debian 12
import spf


def main():
    server, domain, addrs = sys.argv[1], sys.argv[2], sys.argv[3:]
    host, _, port = server.partition(":")
    DNS.defaults["server"] = [host]
    DNS.defaults["port"] = int(port or 53)
    for addr in addrs:
        q = spf.query(i=addr, s="postmaster@" + domain, h=domain, strict=True)
        result, _, _ = q.check()
        print(addr, result)


if __name__ == "__main__":
    main()
