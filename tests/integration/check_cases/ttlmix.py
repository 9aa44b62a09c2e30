#!/usr/bin/python3
# ttlmix.py -- a UDP DNS relay that gives the records of one MX RRset different TTLs (MX-TTL-INCONSISTENT, RFC 2181 5.2)
r"""ttlmix.py -- relay DNS queries, and break one MX RRset's TTLs on the way back.

An authoritative server gives every RR of an RRset the same TTL (RFC 2181
5.2: mxkit serve and dnspython both merge them when they load a zone), so
MX-TTL-INCONSISTENT can only be seen from a server that gets it wrong. This
relay is that server: it forwards every UDP query to --upstream and returns
the reply unchanged, except that in an answer for --name the MX RRset goes
out with TTLs 300, 301, 302, ... (one per record, in the order received).

  /usr/bin/python3 ttlmix.py --listen 127.0.0.1:0 --upstream 127.0.0.1:PORT \
      --name ttl.example.org [--max-time SECS]

Announces on stdout, as faultdns.py does: "listen ADDR PORT", then
"ready PID". UDP only (a TC reply is relayed as it is). Loopback addresses
only, for both sides; exits by itself after --max-time (default 120).
"""

import argparse
import ipaddress
import os
import socket
import sys
import time

import dns.message
import dns.name
import dns.rdatatype
import dns.rrset

UPSTREAM_WAIT = 2.0     # seconds for the upstream's reply


def hostport(s):
    addr, _, port = s.rpartition(":")
    if not ipaddress.ip_address(addr).is_loopback:
        raise argparse.ArgumentTypeError("%s is not a loopback address" % addr)
    return addr, int(port)


def rewrite(wire, name):
    """The reply with the MX RRset of name split into one RRset per RR."""
    try:
        m = dns.message.from_wire(wire)
    except Exception:
        return wire
    out, changed = [], False
    for rrs in m.answer:
        if rrs.rdtype == dns.rdatatype.MX and rrs.name == name and len(rrs) > 1:
            for i, rd in enumerate(rrs):
                one = dns.rrset.RRset(rrs.name, rrs.rdclass, rrs.rdtype)
                one.add(rd, 300 + i)
                out.append(one)
            changed = True
        else:
            out.append(rrs)
    if not changed:
        return wire
    m.answer = out
    return m.to_wire()


def main():
    ap = argparse.ArgumentParser(prog="ttlmix")
    ap.add_argument("--listen", type=hostport, required=True)
    ap.add_argument("--upstream", type=hostport, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--max-time", type=float, default=120)
    a = ap.parse_args()
    name = dns.name.from_text(a.name)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(a.listen)
    s.settimeout(0.5)
    print("listen %s %d" % s.getsockname(), flush=True)
    print("ready %d" % os.getpid(), flush=True)
    end = time.monotonic() + a.max_time
    while time.monotonic() < end:
        try:
            q, peer = s.recvfrom(65535)
        except socket.timeout:
            continue
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(UPSTREAM_WAIT)
        try:
            u.sendto(q, a.upstream)
            r, _ = u.recvfrom(65535)
        except OSError:
            continue
        finally:
            u.close()
        s.sendto(rewrite(r, name), peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
