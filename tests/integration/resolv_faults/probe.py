#!/usr/bin/python3
# probe.py -- resolv_faults: send one DNS query, describe every reply byte-exactly (what dig hides)
"""probe.py [--tcp] [--edns] [--id N] [--wait MS] [--linger MS] [--count N]
            [--rr] [--hex] ADDR PORT QNAME QTYPE

Sends one query (ID 4242 unless --id; RD clear; EDNS 1232 with --edns) and
collects replies for --wait milliseconds (default 300), or until --count
replies came, or --linger milliseconds after the first reply. Over UDP the socket is not connected, so replies from any
address or port are seen. Prints one line per reply:

  reply 1 ms=3 src=same id=same len=57 flags=qr,aa rcode=NOERROR
        counts=1,2,0,3 parse=ok q=example.org./MX/IN

(on one line). src is "same", "port:N" (same address, another port) or
"addr:A" (another address); flags lists qr aa tc rd; rcode, counts and
flags come from the raw header, parse from dnspython (ok or the exception's
class name), q from the parsed question. --rr adds "rr SECTION TEXT" lines
for a parsed reply, --hex a "hex BYTES" line. The last line is
"end replies=N" plus, over TCP, "tcp=eof|reset|open|partial" (open: still open when the wait ended).
"""

import argparse
import socket
import struct
import sys
import time

import dns.exception
import dns.message
import dns.rcode


def describe(n, wire, ms, src, want_id, args):
    flags = ""
    fields = "len=%d" % len(wire)
    if len(wire) >= 4:
        qid, fl = struct.unpack("!HH", wire[:4])
        names = [f for f, bit in (("qr", 0x8000), ("aa", 0x0400),
                                  ("tc", 0x0200), ("rd", 0x0100)) if fl & bit]
        flags = ",".join(names) or "-"
        fields = "id=%s len=%d flags=%s rcode=%s" % (
            "same" if qid == want_id else "other", len(wire), flags,
            dns.rcode.to_text(fl & 0xF))
    if len(wire) >= 12:
        fields += " counts=%d,%d,%d,%d" % struct.unpack("!HHHH", wire[4:12])
    try:
        m = dns.message.from_wire(wire)
        parse = "ok"
    except Exception as e:      # the point is to name it
        m = None
        parse = type(e).__name__
    q = "-"
    if m is not None and m.question:
        r = m.question[0]
        q = "%s/%s/%s" % (r.name, dns.rdatatype.to_text(r.rdtype),
                          dns.rdataclass.to_text(r.rdclass))
    print("reply %d ms=%d src=%s %s parse=%s q=%s" % (n, ms, src, fields,
                                                     parse, q))
    if args.rr and m is not None:
        for sect, rrs in (("an", m.answer), ("ns", m.authority),
                          ("ar", m.additional)):
            for rrset in rrs:
                for line in rrset.to_text().splitlines():
                    print("rr %s %s" % (sect, line))
    if args.hex:
        print("hex %s" % wire.hex())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--edns", action="store_true")
    ap.add_argument("--id", type=int, default=4242)
    ap.add_argument("--wait", type=int, default=300)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--linger", type=int, default=0)
    ap.add_argument("--rr", action="store_true")
    ap.add_argument("--hex", action="store_true")
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    ap.add_argument("qname")
    ap.add_argument("qtype")
    args = ap.parse_args()

    q = dns.message.make_query(args.qname, args.qtype,
                               use_edns=0 if args.edns else False,
                               payload=1232)
    q.flags = 0
    q.id = args.id
    wire = q.to_wire()
    fam = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    start = time.monotonic()
    deadline = start + args.wait / 1000.0
    n = 0

    def got_one():
        # After the first reply wait at most --linger more.
        nonlocal deadline
        if n == 1 and args.linger:
            deadline = min(deadline, time.monotonic() + args.linger / 1000.0)

    def ms():
        return int((time.monotonic() - start) * 1000)

    if not args.tcp:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((args.addr if fam == socket.AF_INET else "::1", 0))
        s.sendto(wire, (args.addr, args.port))
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (args.count and n >= args.count):
                break
            s.settimeout(left)
            try:
                data, peer = s.recvfrom(65535)
            except socket.timeout:
                break
            n += 1
            if peer[0] != args.addr:
                src = "addr:%s" % peer[0]
            elif peer[1] != args.port:
                src = "port:%d" % peer[1]
            else:
                src = "same"
            describe(n, data, ms(), src, args.id, args)
            got_one()
        print("end replies=%d" % n)
        return 0

    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(max(0.05, args.wait / 1000.0))
    s.connect((args.addr, args.port))
    s.sendall(struct.pack("!H", len(wire)) + wire)
    buf = b""
    state = "open"
    while not (args.count and n >= args.count):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(65537)
        except socket.timeout:
            break
        except ConnectionResetError:
            state = "reset"
            break
        if not data:
            state = "eof"
            break
        buf += data
        while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
            size = struct.unpack("!H", buf[:2])[0]
            n += 1
            describe(n, buf[2:2 + size], ms(), "same", args.id, args)
            got_one()
            buf = buf[2 + size:]
    if buf and state != "reset":
        state = "partial have=%d want=%d" % (
            len(buf) - 2, struct.unpack("!H", buf[:2])[0] if len(buf) >= 2
            else -1)
    print("end replies=%d tcp=%s" % (n, state))
    return 0


if __name__ == "__main__":
    sys.exit(main())
