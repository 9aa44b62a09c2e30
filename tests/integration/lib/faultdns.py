#!/usr/bin/python3
# faultdns.py -- a misbehaving authoritative DNS server for mxkit's resolver tests (issue 4)
r"""faultdns.py -- a misbehaving authoritative DNS server for the resolver tests.

It answers from zone files like a plain authoritative server, except for the
queries that match a fault rule: those get the rule's misbehaviour (a wrong
ID, a reply from another port, a compression loop, TC, silence, ...). The
resolver under test must handle each as specified, never crash, never hang.
Its own behaviour is proven by tests/integration/resolv_faults/run.

Run it with Debian's python (it needs dnspython 2.x and nothing else):

  /usr/bin/python3 tests/integration/lib/faultdns.py \
      --listen ADDR[:PORT] [--listen ...] [--zone [ORIGIN=]FILE ...] \
      [--rule 'QNAME QTYPE ACTION[:ARG] [MODIFIER...]' ...] [--rules FILE] \
      [--log FILE] [--ready FILE] [--alt-addr ADDR] [--max-time SECS] \
      [--tcp-idle SECS] [--list-actions]

Options
  --listen ADDR[:PORT]  UDP and TCP on ADDR (127.0.0.0/8 or ::1 only; IPv6
                        as [::1]:PORT). PORT 0 or none: the kernel picks one
                        free for both UDP and TCP, announced on stdout (below).
                        Repeatable.
  --zone [ORIGIN=]FILE  a zone in master-file format (dns.zone.from_file);
                        without ORIGIN= the file's first $ORIGIN names it.
                        Repeatable; a query goes to the longest matching
                        origin, names in no zone get REFUSED.
  --rule RULE           a fault rule (syntax below). Repeatable.
  --rules FILE          rules one a line; blank lines and "#" comments skipped.
  --log FILE            appends one line per query received and parsed, and
                        flushes it at once:  "udp|tcp QNAME QTYPE", e.g.
                        "udp c09.example.org. MX" (QNAME as sent, absolute,
                        with its trailing dot; QTYPE as dig names it). A query
                        without a usable question (too short, QR set, does
                        not parse, opcode not QUERY, QDCOUNT not 1) is logged
                        as "udp|tcp malformed". Tests grep it to prove "no A
                        fallback".
  --ready FILE          written (atomically, by rename) with the same lines
                        as the announcement on stdout, once every socket is
                        bound.
  --alt-addr ADDR       a second loopback address (e.g. 127.0.0.2) for the
                        wrong-addr action; bound at start (same port when
                        free), so a missing address fails at once.
  --max-time SECS       exit 0 by itself after SECS seconds (default 300), so
                        a forgotten server never lingers.
  --tcp-idle SECS       close a TCP connection idle that long (default 10).
  --list-actions        print the action keywords with a line each, and exit.

Announcement on stdout (flushed), once ready:
  listen 127.0.0.1 53123        one line per --listen: address and port
  ready 4242                    last: the server's PID; it now answers
A bash test waits for the "ready" line in the spawn log (or for --ready FILE)
and reads the port from the "listen" line:
  port=$(awk '$1 == "listen" { print $3; exit }' "$SPAWNED_LOG")

In a bash test (tests/integration/lib.sh), e.g. spec 5.1 T09, SERVFAIL for
the MX query and no A fallback:

  fdns=$MXKIT_ROOT/tests/integration/lib/faultdns.py
  spawn /usr/bin/python3 "$fdns" --listen 127.0.0.1:0 --zone "$here/c09.zone" \
      --rule 'c09.example.org MX servfail' --log "$T/queries" --max-time 60
  for i in $(seq 1 100); do
      grep -q '^ready ' "$SPAWNED_LOG" && break; sleep 0.05
  done
  port=$(awk '$1 == "listen" { print $3; exit }' "$SPAWNED_LOG")
  "$MXKIT" route --server "127.0.0.1:$port" c09.example.org      # DEFER 4.4.3
  ! grep -Eq '^(udp|tcp) c09\.example\.org\. (A|AAAA)$' "$T/queries"

spawn's cleanup stops it by PID (SIGTERM); --max-time is the backstop.
tests/integration/resolv_faults/ has an example zone, a rules file with a
rule for every action, and probe.py, which prints a reply byte-exactly.

SIGTERM or SIGINT: close every socket, print "faultdns: stopped" to stderr,
exit 0. Errors in the command line, the zones or the rules: a message on
stderr and exit 2; a listen address that cannot be bound: exit 1.

Answers (no rule matched). AA=1; the name exactly, CNAME chains followed
inside the zone (at most 8 hops, loops stop), RFC 4592 wildcards (only for
names that do not exist, empty non-terminals included), referrals below NS
cuts (AA=0, glue), NXDOMAIN and NODATA with the SOA in the authority section
(TTL = min(SOA TTL, MINIMUM)), A and AAAA in the additional section for MX,
NS and SRV targets found in a zone. EDNS answered with EDNS (1232 bytes).
Over UDP at most 512 bytes, or the query's EDNS size up to 1232: additional
records are dropped first, then TC=1 with the question only (RFC 2181 9).
Triage as NSD: shorter than a header or QR set -> dropped; unparseable ->
FORMERR (header only); opcode not QUERY -> NOTIMP; not one question ->
FORMERR; class not IN -> REFUSED.

Rules
  QNAME QTYPE ACTION[:ARG] [times=N] [proto=udp|tcp] [delay=MS]
  QNAME    a name, case-insensitive, trailing dot optional; "*" is any name
           and "*.NAME" any name strictly below NAME.
  QTYPE    a type (MX, A, AAAA, TYPE65534, ...) or ANY / "*" for every type.
  times=N  the rule applies to the first N matching queries only; after
           that the next rule (or the zone) answers. "drop times=2" makes a
           resolver's first two tries time out.
  proto=   the rule matches queries over that transport only.
  delay=MS every reply of the rule leaves MS milliseconds late.
The first rule that matches a query applies; the others are not looked at.
Example:  --rule 'mx.c09.example.org MX servfail'
          --rule '* ANY drop proto=tcp'

Actions (the query's question is echoed unless the action says otherwise;
"the answer" means what the zone would have answered; actions marked [udp]
answer normally over TCP)
  Error rcodes (question only, no records):
    servfail   rcode SERVFAIL, AA=0
    refused    rcode REFUSED, AA=0
    formerr    rcode FORMERR, AA=0
    notimp     rcode NOTIMP, AA=0
    rcode:N    rcode N (0-15, or a name such as YXDOMAIN), AA=0
    nxdomain   NXDOMAIN with the zone's SOA in authority, AA=1, even if
               the name exists
    nodata     NOERROR, empty answer, SOA in authority, AA=1
    edns-formerr  FORMERR without OPT when the query has EDNS, the answer
               when it has not (an old server)
  Silence and timing:
    drop       no reply at all; over TCP the connection stays open, silent
               (until the client closes it or --tcp-idle)
    slow:MS    the answer, MS milliseconds late (others are answered
               meanwhile)
  Spoofing checks (RFC 5452):
    wrong-id   the answer with ID+1 (mod 65536), and nothing else
    wrong-id-then-ok  the answer with ID+1, then the right answer
    wrong-port [udp] the answer from another UDP socket (another port of
               the same address), and nothing else
    wrong-port-then-ok  [udp] that, then the right answer from the right port
    wrong-addr [udp] the answer from --alt-addr (same port when it could be
               bound), and nothing else
    wrong-question  the answer, but the question's name is another one
               ("wrong-question." prepended, or "wrong-question.invalid."
               if that is too long)
    wrong-qtype  the answer, the question's type changed (TXT, or A when
               the query was TXT)
    wrong-qclass the answer, the question's class CH
    no-question  the answer with QDCOUNT 0
    qcase      the answer, the question's name in swapped ASCII case (a
               valid reply: RFC 4343 makes names case-insensitive)
    qr-zero    the answer without the QR bit
    noaa       the answer without AA (a lame server)
    dup        the right answer twice
    foreign-answer  the answer with every answer-section owner renamed
               "foreign.invalid."
  Truncation:
    tc         [udp] TC=1 with the question only; TCP gets the answer
    tc-partial [udp] TC=1 with the first answer RR kept; TCP gets the answer
    tc-notcp   TC=1 with the question only over UDP; a TCP connection is
               reset (RST) as soon as the query is read
    tcp-cut    over TCP the length prefix and half the message, then the
               connection closes; UDP gets the answer
  Malformed bodies (dns_msg_parse must reject each; the crafted RR is an MX
  RR owned by the question's name (pointer to offset 12) whose exchange
  carries the fault, or, for an A or AAAA query, an A/AAAA RR (192.0.2.1,
  2001:db8::1) whose owner name carries the fault; ANCOUNT counts it):
    short-rdata   an RR with RDLENGTH 1 (one byte 0xc0), of the query's type
                  when that is A, AAAA, MX, NS, CNAME, PTR, SOA or SRV,
                  otherwise MX
    long-rdata    valid RDATA followed by 2 zero bytes, RDLENGTH counting
                  them (consumed != RDLENGTH)
    bad-pointer   a compression pointer to offset 0x3fff, out of the message
    forward-pointer  a pointer forward, to a valid name in a later RR (an
                  additional A record)
    pointer-loop  the label "loop" then a pointer back to that label
    pointer-self  a pointer to its own offset
    long-name     four 63-octet labels then the question's name (> 255
                  octets once decompressed)
    bad-label     a label with the reserved type bits 01 (0x41)
    trailing-garbage  the answer followed by 4 bytes (de ad be ef)
    truncated-body    the answer (authority and additional removed) cut in
                  the middle of its last RR, TC=0
    count-high    the answer with ANCOUNT one more than the records present
    short-header  the first 7 bytes of the answer
    empty-reply   a message of 0 bytes
    garbage       a header with the right ID, QR and QDCOUNT=ANCOUNT=1,
                  then 40 bytes of noise

Safety: it only binds the loopback addresses it is given, only sends
replies to the address and port a query came from, and bounds everything:
64 TCP connections, 1024 pending delayed replies, --max-time.
"""

import argparse
import heapq
import ipaddress
import os
import selectors
import signal
import socket
import struct
import sys
import time
import traceback

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

PROG = "faultdns"
UDP_EDNS_MAX = 1232         # our EDNS payload (DNS flag day 2020)
UDP_PLAIN_MAX = 512         # RFC 1035 4.2.1, no EDNS
CNAME_HOPS = 8              # spec 2.5 step 2 chases at most 8
MAX_TCP_CONNS = 64
MAX_PENDING = 1024          # delayed replies waiting in the timer heap
TCP_MSG_MAX = 65535         # RFC 1035 4.2.2 length prefix

IN = dns.rdataclass.IN
T = dns.rdatatype
QR, AA, TC, RD = dns.flags.QR, dns.flags.AA, dns.flags.TC, dns.flags.RD

# action keyword -> (its argument's name or False, a line for --list-actions)
ACTIONS = {
    "servfail": (False, "rcode SERVFAIL, question only"),
    "refused": (False, "rcode REFUSED, question only"),
    "formerr": (False, "rcode FORMERR, question only"),
    "notimp": (False, "rcode NOTIMP, question only"),
    "rcode": ("N", "rcode N (0-15 or a name), question only"),
    "nxdomain": (False, "NXDOMAIN with the SOA, even for a name that exists"),
    "nodata": (False, "NOERROR, empty answer, the SOA in authority"),
    "edns-formerr": (False, "FORMERR without OPT to an EDNS query"),
    "drop": (False, "no reply (TCP: the connection stays open, silent)"),
    "slow": ("MS", "the answer MS milliseconds late"),
    "wrong-id": (False, "the answer with ID+1 only"),
    "wrong-id-then-ok": (False, "the answer with ID+1, then the right one"),
    "wrong-port": (False, "[udp] the answer from another port only"),
    "wrong-port-then-ok": (False, "[udp] from another port, then the right one"),
    "wrong-addr": (False, "[udp] the answer from --alt-addr only"),
    "wrong-question": (False, "the answer for another question name"),
    "wrong-qtype": (False, "the answer, question type changed"),
    "wrong-qclass": (False, "the answer, question class CH"),
    "no-question": (False, "the answer with QDCOUNT 0"),
    "qcase": (False, "the answer, question name in swapped case (valid)"),
    "qr-zero": (False, "the answer without QR"),
    "noaa": (False, "the answer without AA"),
    "dup": (False, "the right answer twice"),
    "foreign-answer": (False, "answer owners renamed foreign.invalid."),
    "tc": (False, "[udp] TC=1, question only; TCP answers"),
    "tc-partial": (False, "[udp] TC=1 with the first answer RR; TCP answers"),
    "tc-notcp": (False, "TC=1 over UDP; TCP connections reset"),
    "tcp-cut": (False, "TCP: half the message, then close; UDP answers"),
    "short-rdata": (False, "an RR with RDLENGTH 1"),
    "long-rdata": (False, "RDATA plus 2 bytes, counted in RDLENGTH"),
    "bad-pointer": (False, "a compression pointer out of the message"),
    "forward-pointer": (False, "a compression pointer forward"),
    "pointer-loop": (False, "a label, then a pointer back to it"),
    "pointer-self": (False, "a compression pointer to itself"),
    "long-name": (False, "a name longer than 255 octets"),
    "bad-label": (False, "a label of reserved type 01"),
    "trailing-garbage": (False, "the answer plus 4 bytes"),
    "truncated-body": (False, "the answer cut inside its last RR, TC=0"),
    "count-high": (False, "ANCOUNT one more than the RRs present"),
    "short-header": (False, "7 bytes of the answer"),
    "empty-reply": (False, "a 0-byte message"),
    "garbage": (False, "right ID and QR, then noise"),
}


class UsageError(Exception):
    pass


def die(status, msg):
    print("%s: %s" % (PROG, msg), file=sys.stderr, flush=True)
    sys.exit(status)


def warn(msg):
    print("%s: %s" % (PROG, msg), file=sys.stderr, flush=True)


# --- rules -------------------------------------------------------------

class Rule:
    """One fault rule: what it matches, what it does, how often."""

    def __init__(self, text, where):
        words = text.split()
        self.text = " ".join(words)
        if len(words) < 3:
            raise UsageError("%s: a rule is QNAME QTYPE ACTION [MODIFIER...]"
                             % where)
        qname, qtype, action = words[:3]
        self.any_name = qname == "*"
        self.below = None
        self.name = None
        try:
            if qname.startswith("*.") and len(qname) > 2:
                self.below = dns.name.from_text(qname[2:])
            elif not self.any_name:
                self.name = dns.name.from_text(qname)
        except dns.exception.DNSException as e:
            raise UsageError("%s: bad name %r: %s" % (where, qname, e))
        if qtype.upper() in ("ANY", "*"):
            self.qtype = None
        else:
            try:
                self.qtype = T.from_text(qtype.upper())
            except dns.exception.DNSException:
                raise UsageError("%s: bad type %r" % (where, qtype))
        self.action, _, self.arg = action.partition(":")
        if self.action not in ACTIONS:
            raise UsageError("%s: unknown action %r (see --list-actions)"
                             % (where, self.action))
        if bool(ACTIONS[self.action][0]) != bool(self.arg):
            raise UsageError("%s: action %r %s an argument" % (
                where, self.action,
                "needs" if ACTIONS[self.action][0] else "takes no"))
        if self.action == "slow":
            self.arg = _int(self.arg, 0, 600000, where, "slow")
        elif self.action == "rcode":
            try:
                self.arg = dns.rcode.from_text(self.arg.upper())
            except dns.exception.DNSException:
                raise UsageError("%s: bad rcode %r" % (where, self.arg))
            if not 0 <= self.arg <= 15:
                raise UsageError("%s: rcode %d needs EDNS; 0-15 only"
                                 % (where, self.arg))
        self.times = None
        self.proto = None
        self.delay = 0
        for w in words[3:]:
            key, eq, val = w.partition("=")
            if not eq:
                raise UsageError("%s: bad modifier %r" % (where, w))
            if key == "times":
                self.times = _int(val, 1, 1 << 30, where, "times")
            elif key == "proto":
                if val not in ("udp", "tcp"):
                    raise UsageError("%s: proto is udp or tcp" % where)
                self.proto = val
            elif key == "delay":
                self.delay = _int(val, 0, 600000, where, "delay")
            else:
                raise UsageError("%s: unknown modifier %r" % (where, key))

    def matches(self, qname, qtype, proto):
        if self.times is not None and self.times <= 0:
            return False
        if self.proto is not None and self.proto != proto:
            return False
        if self.qtype is not None and self.qtype != qtype:
            return False
        if self.any_name:
            return True
        if self.below is not None:
            return qname != self.below and qname.is_subdomain(self.below)
        return qname == self.name     # dns.name compares case-insensitively


def _int(text, lo, hi, where, what):
    try:
        v = int(text, 10)
    except ValueError:
        raise UsageError("%s: %s wants a number, not %r" % (where, what, text))
    if not lo <= v <= hi:
        raise UsageError("%s: %s must be %d..%d" % (where, what, lo, hi))
    return v


def load_rules(texts, files):
    rules = []
    for i, t in enumerate(texts):
        rules.append(Rule(t, "--rule %d" % (i + 1)))
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise UsageError("%s: %s" % (path, e.strerror))
        for n, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                rules.append(Rule(line, "%s:%d" % (path, n)))
    return rules


# --- zones -------------------------------------------------------------

class Zones:
    """The loaded zones and the authoritative lookup over them."""

    def __init__(self, specs):
        self.zones = []
        for spec in specs:
            origin, eq, path = spec.partition("=")
            if not eq:
                origin, path = None, spec
            try:
                z = dns.zone.from_file(path, origin=origin, relativize=False,
                                       check_origin=False)
            except OSError as e:
                raise UsageError("%s: %s" % (path, e.strerror))
            except dns.exception.DNSException as e:
                raise UsageError("%s: %s" % (path, e))
            # Every name that exists: owners and their ancestors up to the
            # apex (empty non-terminals exist too, RFC 4592 2.2.2).
            exist = set()
            for name in z.nodes:
                n = name
                while n.is_subdomain(z.origin) and n not in exist:
                    exist.add(n)
                    if n == z.origin:
                        break
                    n = n.parent()
            self.zones.append((z, exist))

    def find(self, qname):
        best = None
        for z, exist in self.zones:
            if qname.is_subdomain(z.origin):
                if best is None or len(z.origin) > len(best[0].origin):
                    best = (z, exist)
        return best

    @staticmethod
    def soa_negative(z):
        node = z.nodes.get(z.origin)
        rds = node.get_rdataset(IN, T.SOA) if node is not None else None
        if rds is None:
            return None
        ttl = min(rds.ttl, rds[0].minimum)   # RFC 2308 5
        return dns.rrset.from_rdata_list(z.origin, ttl, list(rds))

    @staticmethod
    def cut(z, name):
        """The highest NS cut between the apex (excluded) and name
        (included), or None."""
        rel = name.relativize(z.origin)
        labels = rel.labels if rel != dns.name.empty else ()
        n = z.origin
        for label in reversed(labels):
            n = dns.name.Name((label,) + n.labels)
            node = z.nodes.get(n)
            if node is not None and node.get_rdataset(IN, T.NS) is not None:
                return n
        return None

    def addresses(self, name, resp):
        """A and AAAA of name, from whichever zone holds it, into additional."""
        found = self.find(name)
        if found is None:
            return
        node = found[0].nodes.get(name)
        if node is None:
            return
        for t in (T.A, T.AAAA):
            rds = node.get_rdataset(IN, t)
            if rds is not None:
                _add(resp.additional, name, rds)

    def answer(self, q, resp):
        """Fill resp (a make_response skeleton) the way an authoritative
        server answers q. Returns nothing; sets rcode and flags."""
        qname = q.question[0].name
        qtype = q.question[0].rdtype
        if q.question[0].rdclass != IN:
            resp.set_rcode(dns.rcode.REFUSED)
            return
        found = self.find(qname)
        if found is None:
            resp.set_rcode(dns.rcode.REFUSED)
            return
        z, exist = found
        resp.flags |= AA
        name = qname
        seen = set()
        for _ in range(CNAME_HOPS + 1):
            seen.add(name)
            cut = self.cut(z, name)
            if cut is not None and not (cut == name and qtype == T.DS):
                resp.flags &= ~AA
                ns = z.nodes[cut].get_rdataset(IN, T.NS)
                _add(resp.authority, cut, ns)
                for rd in ns:
                    self.addresses(rd.target, resp)
                return
            node = z.nodes.get(name)
            owner = name
            if node is None and name not in exist:
                node = self._wildcard(z, exist, name)
            if node is None:
                if name not in exist:
                    resp.set_rcode(dns.rcode.NXDOMAIN)
                self._negative(z, resp)
                return
            cname = node.get_rdataset(IN, T.CNAME)
            if cname is not None and qtype not in (T.CNAME, T.ANY):
                _add(resp.answer, owner, cname)
                target = cname[0].target
                if target in seen or not target.is_subdomain(z.origin):
                    return
                name = target
                continue
            if qtype == T.ANY:
                sets = list(node.rdatasets)
            else:
                rds = node.get_rdataset(IN, qtype)
                sets = [rds] if rds is not None else []
            if not sets:
                self._negative(z, resp)
                return
            for rds in sets:
                _add(resp.answer, owner, rds)
                for rd in rds:
                    if rds.rdtype == T.MX:
                        self.addresses(rd.exchange, resp)
                    elif rds.rdtype == T.NS:
                        self.addresses(rd.target, resp)
                    elif rds.rdtype == T.SRV:
                        self.addresses(rd.target, resp)
            return
        # CNAME chain longer than CNAME_HOPS: what we have, NOERROR.

    @staticmethod
    def _wildcard(z, exist, name):
        """RFC 4592 3.3.1: the closest encloser's "*" child, if any."""
        ce = name.parent()
        while ce not in exist:
            if ce == z.origin or len(ce) <= 1:
                return None
            ce = ce.parent()
        return z.nodes.get(dns.name.Name((b"*",) + ce.labels))

    def _negative(self, z, resp):
        soa = self.soa_negative(z)
        if soa is not None:
            _add(resp.authority, soa.name, soa)


def _add(section, owner, rds):
    for r in section:
        if r.name == owner and r.rdtype == rds.rdtype:
            return
    section.append(dns.rrset.from_rdata_list(owner, rds.ttl, list(rds)))


# --- wire helpers for crafted replies ------------------------------------

def skip_name(wire, off):
    """Offset after the name at off, in a message we built ourselves."""
    while True:
        b = wire[off]
        if b == 0:
            return off + 1
        if b >= 0xC0:
            return off + 2
        off += 1 + b


def rr_spans(wire):
    """(start, end) of every RR after the question, in a message we built."""
    qd, an, ns, ar = struct.unpack("!HHHH", wire[4:12])
    off = 12
    for _ in range(qd):
        off = skip_name(wire, off) + 4
    spans = []
    for _ in range(an + ns + ar):
        start = off
        off = skip_name(wire, off)
        rdlen = struct.unpack("!H", wire[off + 8:off + 10])[0]
        off += 10 + rdlen
        spans.append((start, off))
    return spans


def rr_wire(owner, rtype, rdata, rdlen=None, ttl=300):
    if rdlen is None:
        rdlen = len(rdata)
    return owner + struct.pack("!HHIH", rtype, IN, ttl, rdlen) + rdata


def swapcase_name(name):
    return dns.name.Name([l.swapcase() for l in name.labels])


# --- the fault server's answers -------------------------------------------

class Query:
    """One parsed query and what every action needs from it."""

    def __init__(self, server, wire, q, proto):
        self.server = server
        self.wire = wire
        self.q = q
        self.proto = proto
        self.qname = q.question[0].name
        self.qtype = q.question[0].rdtype

    def response(self):
        """A fresh copy of the zone's answer, as a dns.message."""
        resp = dns.message.make_response(self.q, our_payload=UDP_EDNS_MAX)
        self.server.zones.answer(self.q, resp)
        return resp

    def skeleton(self, rcode, aa=False):
        resp = dns.message.make_response(self.q, our_payload=UDP_EDNS_MAX)
        resp.set_rcode(rcode)
        if aa:
            resp.flags |= AA
        return resp

    def limit(self):
        if self.proto == "tcp":
            return TCP_MSG_MAX
        if self.q.edns >= 0:
            return max(UDP_PLAIN_MAX, min(self.q.payload, UDP_EDNS_MAX))
        return UDP_PLAIN_MAX

    def encode(self, resp):
        """Wire form within the transport's limit: additional records are
        dropped first, then the answer goes and TC is set (RFC 2181 9)."""
        limit = self.limit()
        try:
            return resp.to_wire(max_size=limit)
        except dns.exception.TooBig:
            pass
        resp.additional = []
        try:
            return resp.to_wire(max_size=limit)
        except dns.exception.TooBig:
            pass
        resp.answer = []
        resp.authority = []
        resp.flags |= TC
        return resp.to_wire(max_size=limit)

    def ok(self):
        return self.encode(self.response())

    # Crafted messages: header, the question as sent (qname at offset 12),
    # then hand-made RRs.
    def header(self, an=0, ns=0, ar=0, qd=1, flags=QR | AA):
        return struct.pack("!HHHHHH", self.q.id, flags | (self.q.flags & RD),
                           qd, an, ns, ar)

    def question(self):
        return self.qname.to_wire() + struct.pack("!HH", self.qtype,
                                                  self.q.question[0].rdclass)

    def bad_name_reply(self, kind):
        """The malformed-name faults: an MX exchange, or for A/AAAA
        queries the owner name, built by kind at its own offset."""
        qsec = self.question()
        a = 12 + len(qsec)              # offset of the answer RR
        owner_slot = self.qtype in (T.A, T.AAAA)
        if owner_slot:
            rtype = self.qtype
            rdata = (bytes([192, 0, 2, 1]) if rtype == T.A else
                     ipaddress.IPv6Address("2001:db8::1").packed)
            at = a
        else:
            rtype = T.MX
            at = a + 2 + 10 + 2         # owner pointer, fixed part, pref
        extra = b""
        ar = 0
        if kind == "bad-pointer":
            bad = b"\xff\xff"           # pointer to 0x3fff
        elif kind == "pointer-self":
            bad = struct.pack("!H", 0xC000 | at)
        elif kind == "pointer-loop":
            bad = b"\x04loop" + struct.pack("!H", 0xC000 | at)
        elif kind == "long-name":
            bad = (b"\x3f" + b"a" * 63) * 4 + b"\xc0\x0c"
        elif kind == "bad-label":
            bad = b"\x41\x00"
        elif kind == "forward-pointer":
            bad = None                  # filled in below
        else:
            raise AssertionError(kind)
        if kind == "forward-pointer":
            # The later name: an additional RR's owner, uncompressed.
            if owner_slot:
                later = self.qname.to_wire()
                first_len = 2 + 10 + len(rdata)
                extra_rr = rr_wire(later, rtype, rdata)
            else:
                later = b"\x02mx" + self.qname.to_wire()
                first_len = 2 + 10 + 2 + 2
                extra_rr = rr_wire(later, T.A, bytes([192, 0, 2, 1]))
            bad = struct.pack("!H", 0xC000 | (a + first_len))
            extra = extra_rr
            ar = 1
        if owner_slot:
            rr = rr_wire(bad, rtype, rdata)
        else:
            rr = rr_wire(b"\xc0\x0c", T.MX, struct.pack("!H", 10) + bad)
        return self.header(an=1, ar=ar) + qsec + rr + extra

    def short_rdata(self):
        t = self.qtype
        if t not in (T.A, T.AAAA, T.MX, T.NS, T.CNAME, T.PTR, T.SOA, T.SRV):
            t = T.MX
        return (self.header(an=1) + self.question() +
                rr_wire(b"\xc0\x0c", t, b"\xc0"))

    def long_rdata(self):
        if self.qtype == T.A:
            t, rdata = T.A, bytes([192, 0, 2, 1])
        elif self.qtype == T.AAAA:
            t, rdata = T.AAAA, ipaddress.IPv6Address("2001:db8::1").packed
        else:
            t, rdata = T.MX, struct.pack("!H", 10) + b"\xc0\x0c"
        return (self.header(an=1) + self.question() +
                rr_wire(b"\xc0\x0c", t, rdata + b"\x00\x00"))

    def truncated_body(self):
        resp = self.response()
        resp.additional = []
        resp.use_edns(False)
        if resp.answer:
            resp.authority = []
        wire = self.encode(resp)
        spans = rr_spans(wire)
        if spans:
            start, end = spans[-1]
            return wire[:start + (end - start) // 2]
        return wire[:12 + (len(wire) - 12) // 2]

    def count_high(self):
        wire = bytearray(self.ok())
        an = struct.unpack("!H", wire[6:8])[0]
        wire[6:8] = struct.pack("!H", (an + 1) & 0xFFFF)
        return bytes(wire)

    def garbage(self):
        noise = bytes((i * 37 + 11) & 0xFF for i in range(40))
        return self.header(an=1) + noise


def negative_reply(query, rcode):
    resp = query.skeleton(rcode, aa=True)
    found = query.server.zones.find(query.qname)
    if found is not None:
        query.server.zones._negative(found[0], resp)
    return query.encode(resp)


def act(query, rule):
    """What a matched rule sends: a list of (kind, payload) in order.
    Kinds: "msg" (a DNS message; framed over TCP), "msg-alt-port" and
    "msg-alt-addr" (UDP from the other socket), "raw" (TCP bytes written
    as they are), "close" and "reset" (TCP: end the connection)."""
    a = rule.action
    udp = query.proto == "udp"
    if a in ("servfail", "refused", "formerr", "notimp"):
        code = {"servfail": dns.rcode.SERVFAIL, "refused": dns.rcode.REFUSED,
                "formerr": dns.rcode.FORMERR, "notimp": dns.rcode.NOTIMP}[a]
        return [("msg", query.encode(query.skeleton(code)))]
    if a == "rcode":
        return [("msg", query.encode(query.skeleton(rule.arg)))]
    if a == "nxdomain":
        return [("msg", negative_reply(query, dns.rcode.NXDOMAIN))]
    if a == "nodata":
        return [("msg", negative_reply(query, dns.rcode.NOERROR))]
    if a == "edns-formerr":
        if query.q.edns >= 0:
            resp = query.skeleton(dns.rcode.FORMERR)
            resp.use_edns(False)
            return [("msg", resp.to_wire())]
        return [("msg", query.ok())]
    if a == "drop":
        return []
    if a == "slow":
        return [("delay", rule.arg), ("msg", query.ok())]
    if a in ("wrong-id", "wrong-id-then-ok"):
        resp = query.response()
        resp.id = (query.q.id + 1) & 0xFFFF
        out = [("msg", query.encode(resp))]
        if a == "wrong-id-then-ok":
            out.append(("msg", query.ok()))
        return out
    if a in ("wrong-port", "wrong-port-then-ok", "wrong-addr"):
        if not udp:
            return [("msg", query.ok())]
        if a == "wrong-addr":
            return [("msg-alt-addr", query.ok())]
        out = [("msg-alt-port", query.ok())]
        if a == "wrong-port-then-ok":
            out.append(("msg", query.ok()))
        return out
    if a in ("wrong-question", "wrong-qtype", "wrong-qclass", "no-question",
             "qcase"):
        resp = query.response()
        name, rtype, rclass = query.qname, query.qtype, IN
        if a == "wrong-question":
            try:
                name = dns.name.Name((b"wrong-question",) + name.labels)
            except dns.name.NameTooLong:
                name = dns.name.from_text("wrong-question.invalid.")
        elif a == "wrong-qtype":
            rtype = T.A if rtype == T.TXT else T.TXT
        elif a == "wrong-qclass":
            rclass = dns.rdataclass.CH
        elif a == "qcase":
            name = swapcase_name(name)
        if a == "no-question":
            resp.question = []
        else:
            resp.question = [dns.rrset.RRset(name, rclass, rtype)]
        return [("msg", query.encode(resp))]
    if a == "qr-zero":
        resp = query.response()
        resp.flags &= ~QR
        return [("msg", query.encode(resp))]
    if a == "noaa":
        resp = query.response()
        resp.flags &= ~AA
        return [("msg", query.encode(resp))]
    if a == "dup":
        return [("msg", query.ok()), ("msg", query.ok())]
    if a == "foreign-answer":
        resp = query.response()
        other = dns.name.from_text("foreign.invalid.")
        resp.answer = [dns.rrset.from_rdata_list(other, r.ttl, list(r))
                       for r in resp.answer]
        return [("msg", query.encode(resp))]
    if a in ("tc", "tc-partial", "tc-notcp"):
        if not udp:
            if a == "tc-notcp":
                return [("reset", b"")]
            return [("msg", query.ok())]
        resp = query.response()
        keep = []
        if a == "tc-partial" and resp.answer:
            first = resp.answer[0]
            keep = [dns.rrset.from_rdata_list(first.name, first.ttl,
                                              [first[0]])]
        resp.answer = keep
        resp.authority = []
        resp.additional = []
        resp.flags |= TC
        return [("msg", query.encode(resp))]
    if a == "tcp-cut":
        if udp:
            return [("msg", query.ok())]
        wire = query.ok()
        return [("raw", struct.pack("!H", len(wire)) + wire[:len(wire) // 2]),
                ("close", b"")]
    if a in ("bad-pointer", "forward-pointer", "pointer-loop", "pointer-self",
             "long-name", "bad-label"):
        return [("msg", query.bad_name_reply(a))]
    if a == "short-rdata":
        return [("msg", query.short_rdata())]
    if a == "long-rdata":
        return [("msg", query.long_rdata())]
    if a == "trailing-garbage":
        return [("msg", query.ok() + b"\xde\xad\xbe\xef")]
    if a == "truncated-body":
        return [("msg", query.truncated_body())]
    if a == "count-high":
        return [("msg", query.count_high())]
    if a == "short-header":
        return [("msg", query.ok()[:7])]
    if a == "empty-reply":
        return [("msg", b"")]
    if a == "garbage":
        return [("msg", query.garbage())]
    raise AssertionError(a)


# --- sockets and the loop -------------------------------------------------

def parse_listen(text):
    """ADDR, ADDR:PORT, [V6]:PORT or a bare IPv6 address -> (addr, port)."""
    port = 0
    if text.startswith("["):
        addr, sep, rest = text[1:].partition("]")
        if not sep:
            raise UsageError("bad listen address %r" % text)
        if rest:
            if not rest.startswith(":"):
                raise UsageError("bad listen address %r" % text)
            port = _int(rest[1:], 0, 65535, "--listen", "port")
    elif text.count(":") == 1:
        addr, _, p = text.partition(":")
        port = _int(p, 0, 65535, "--listen", "port")
    else:
        addr = text
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise UsageError("bad listen address %r" % text)
    if not ip.is_loopback:
        raise UsageError("%s is not a loopback address; faultdns talks to "
                         "loopback only" % addr)
    return str(ip), port


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def bind_pair(addr, port):
    """A UDP and a TCP socket on the same port of addr. Port 0: the
    kernel's choice for UDP, retried until TCP can have it too."""
    fam = family(addr)
    for _ in range(50 if port == 0 else 1):
        u = socket.socket(fam, socket.SOCK_DGRAM)
        t = socket.socket(fam, socket.SOCK_STREAM)
        try:
            u.bind((addr, port))
            p = u.getsockname()[1]
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, p))
            t.listen(16)
            return u, t, p
        except OSError as e:
            u.close()
            t.close()
            err = e
    raise OSError(err.errno, "%s port %d: %s" % (addr, port, err.strerror))


class Conn:
    def __init__(self, sock, peer, now):
        self.sock = sock
        self.peer = peer
        self.inbuf = bytearray()
        self.outbuf = bytearray()
        self.last = now
        self.closing = False      # close once outbuf is written
        self.dead = False
        self.pending = 0          # delayed replies still to come


class Server:
    def __init__(self, args):
        self.zones = Zones(args.zone)
        self.rules = load_rules(args.rule, args.rules)
        self.logf = None
        if args.log:
            self.logf = open(args.log, "a", encoding="utf-8", buffering=1)
        self.sel = selectors.DefaultSelector()
        self.listeners = []       # (addr, port, udp, tcp, alt_port_sock)
        self.alt_addr_socks = {}  # family -> socket on --alt-addr
        self.conns = {}
        self.timers = []          # heap of (due, seq, fn)
        self.seq = 0
        self.stop = None
        self.tcp_idle = args.tcp_idle
        self.deadline = time.monotonic() + args.max_time
        need_alt = any(r.action == "wrong-addr" for r in self.rules)
        if need_alt and not args.alt_addr:
            raise UsageError("the wrong-addr action needs --alt-addr")
        for text in args.listen:
            addr, port = parse_listen(text)
            u, t, p = bind_pair(addr, port)
            alt = socket.socket(family(addr), socket.SOCK_DGRAM)
            alt.bind((addr, 0))
            u.setblocking(False)
            t.setblocking(False)
            alt.setblocking(False)
            self.listeners.append((addr, p, u, t, alt))
            self.sel.register(u, selectors.EVENT_READ, ("udp", u, addr, p))
            self.sel.register(t, selectors.EVENT_READ, ("accept", t))
            self.sel.register(alt, selectors.EVENT_READ, ("drain", alt))
        if args.alt_addr:
            aaddr, _ = parse_listen(args.alt_addr)
            fam = family(aaddr)
            s = socket.socket(fam, socket.SOCK_DGRAM)
            same = [p for a, p, *_ in self.listeners if family(a) == fam]
            try:
                s.bind((aaddr, same[0] if same else 0))
            except OSError:
                s.bind((aaddr, 0))
            s.setblocking(False)
            self.alt_addr_socks[fam] = s
            self.sel.register(s, selectors.EVENT_READ, ("drain", s))
        # Signals wake the selector through a socketpair.
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        signal.set_wakeup_fd(self.wake_w.fileno(), warn_on_full_buffer=False)
        self.sel.register(self.wake_r, selectors.EVENT_READ, ("wake",))
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)

    def on_signal(self, signum, frame):
        self.stop = signal.Signals(signum).name

    def announce(self, ready_path):
        lines = "".join("listen %s %d\n" % (a, p)
                        for a, p, *_ in self.listeners)
        lines += "ready %d\n" % os.getpid()
        if ready_path:
            tmp = ready_path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(lines)
            os.rename(tmp, ready_path)
        sys.stdout.write(lines)
        sys.stdout.flush()

    def log(self, line):
        if self.logf is not None:
            self.logf.write(line + "\n")
            self.logf.flush()

    def at(self, delay_ms, fn):
        if len(self.timers) >= MAX_PENDING:
            warn("too many delayed replies; one dropped")
            return False
        self.seq += 1
        heapq.heappush(self.timers,
                       (time.monotonic() + delay_ms / 1000.0, self.seq, fn))
        return True

    # One query in, the list of (kind, payload) out.
    def handle(self, wire, proto, peer):
        if len(wire) < 12:
            self.log("%s malformed" % proto)
            warn("%s %s: short datagram dropped" % (proto, peer[0]))
            return []
        qid, flags = struct.unpack("!HH", wire[:4])
        if flags & QR:
            self.log("%s malformed" % proto)
            warn("%s %s: a response, dropped" % (proto, peer[0]))
            return []
        try:
            q = dns.message.from_wire(wire)
        except Exception:   # any parse failure: FORMERR, header only
            self.log("%s malformed" % proto)
            warn("%s %s: unparseable query: FORMERR" % (proto, peer[0]))
            return [("msg", struct.pack("!HHHHHH", qid,
                                        QR | (flags & 0x7900) |
                                        dns.rcode.FORMERR, 0, 0, 0, 0))]
        if q.opcode() != dns.opcode.QUERY or len(q.question) != 1:
            self.log("%s malformed" % proto)
            rcode = (dns.rcode.NOTIMP if q.opcode() != dns.opcode.QUERY
                     else dns.rcode.FORMERR)
            resp = dns.message.make_response(q, our_payload=UDP_EDNS_MAX)
            resp.question = []
            resp.set_rcode(rcode)
            return [("msg", resp.to_wire())]
        query = Query(self, wire, q, proto)
        qt = T.to_text(query.qtype)
        self.log("%s %s %s" % (proto, query.qname, qt))
        for rule in self.rules:
            if rule.matches(query.qname, query.qtype, proto):
                if rule.times is not None:
                    rule.times -= 1
                warn("%s %s %s: %s" % (proto, query.qname, qt, rule.text))
                try:
                    out = act(query, rule)
                except Exception:     # a bug here: say so, keep serving
                    traceback.print_exc()
                    return []
                if rule.delay:
                    out.insert(0, ("delay", rule.delay))
                return out
        warn("%s %s %s: answer" % (proto, query.qname, qt))
        return [("msg", query.ok())]

    # Sending: a "delay" item puts everything after it on a timer.
    def emit_udp(self, items, sock, peer):
        for i, (kind, data) in enumerate(items):
            if kind == "delay":
                rest = items[i + 1:]
                self.at(data, lambda: self.emit_udp(rest, sock, peer))
                return
            s = sock
            if kind == "msg-alt-port":
                s = next(alt for _, _, u, _, alt in self.listeners
                         if u is sock)
            elif kind == "msg-alt-addr":
                s = self.alt_addr_socks.get(sock.family)
                if s is None:
                    warn("no --alt-addr of this family: reply dropped")
                    continue
            elif kind != "msg":
                continue
            try:
                s.sendto(data, peer)
            except OSError as e:
                warn("udp send to %s: %s" % (peer[0], e.strerror))

    def emit_tcp(self, items, conn):
        for i, (kind, data) in enumerate(items):
            if conn.dead:
                return
            if kind == "delay":
                rest = items[i + 1:]
                conn.pending += 1

                def later(rest=rest):
                    conn.pending -= 1
                    self.emit_tcp(rest, conn)
                if not self.at(data, later):
                    conn.pending -= 1
                return
            if kind.startswith("msg"):
                conn.outbuf += struct.pack("!H", len(data)) + data
            elif kind == "raw":
                conn.outbuf += data
            elif kind == "close":
                conn.closing = True
            elif kind == "reset":
                self.close(conn, reset=True)
                return
        self.flush(conn)

    def flush(self, conn):
        if conn.dead:
            return
        try:
            while conn.outbuf:
                n = conn.sock.send(conn.outbuf)
                del conn.outbuf[:n]
        except BlockingIOError:
            pass
        except OSError:
            self.close(conn)
            return
        if conn.closing and not conn.outbuf:
            self.close(conn)
            return
        ev = selectors.EVENT_READ
        if conn.outbuf:
            ev |= selectors.EVENT_WRITE
        self.sel.modify(conn.sock, ev, ("tcp", conn))

    def close(self, conn, reset=False):
        if conn.dead:
            return
        conn.dead = True
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        if reset:
            # SO_LINGER with a zero timeout: close sends RST.
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
        conn.sock.close()
        self.conns.pop(id(conn), None)

    def on_udp(self, sock):
        for _ in range(64):
            try:
                wire, peer = sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                warn("udp receive: %s" % e.strerror)
                return
            self.emit_udp(self.handle(wire, "udp", peer), sock, peer)

    def on_accept(self, lsock):
        try:
            s, peer = lsock.accept()
        except (BlockingIOError, InterruptedError):
            return
        if len(self.conns) >= MAX_TCP_CONNS:
            warn("tcp: %d connections already, one refused" % MAX_TCP_CONNS)
            s.close()
            return
        s.setblocking(False)
        conn = Conn(s, peer, time.monotonic())
        self.conns[id(conn)] = conn
        self.sel.register(s, selectors.EVENT_READ, ("tcp", conn))

    def on_tcp(self, conn, mask):
        if mask & selectors.EVENT_WRITE:
            self.flush(conn)
            if conn.dead:
                return
        if not mask & selectors.EVENT_READ:
            return
        try:
            data = conn.sock.recv(65537)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close(conn)
            return
        if not data:
            self.close(conn)
            return
        conn.last = time.monotonic()
        conn.inbuf += data
        if conn.closing:
            return
        while len(conn.inbuf) >= 2 and not conn.dead:
            n = struct.unpack("!H", conn.inbuf[:2])[0]
            if len(conn.inbuf) < 2 + n:
                break
            wire = bytes(conn.inbuf[2:2 + n])
            del conn.inbuf[:2 + n]
            self.emit_tcp(self.handle(wire, "tcp", conn.peer), conn)

    def expire(self, now):
        for conn in list(self.conns.values()):
            if conn.pending == 0 and now - conn.last > self.tcp_idle:
                self.close(conn)

    def run(self):
        reason = None
        while reason is None:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = heapq.heappop(self.timers)
                fn()
            if self.stop:
                reason = "stopped (%s)" % self.stop
                break
            if now >= self.deadline:
                reason = "stopped (--max-time reached)"
                break
            timeout = min(0.5, self.deadline - now)
            if self.timers:
                timeout = min(timeout, max(0.0, self.timers[0][0] - now))
            for key, mask in self.sel.select(timeout):
                what = key.data
                if what[0] == "udp":
                    self.on_udp(what[1])
                elif what[0] == "accept":
                    self.on_accept(what[1])
                elif what[0] == "tcp":
                    if not what[1].dead:
                        self.on_tcp(what[1], mask)
                elif what[0] == "drain":
                    try:
                        what[1].recvfrom(65535)
                    except OSError:
                        pass
                elif what[0] == "wake":
                    try:
                        self.wake_r.recv(64)
                    except OSError:
                        pass
            self.expire(time.monotonic())
        self.shutdown()
        warn(reason)

    def shutdown(self):
        for conn in list(self.conns.values()):
            self.close(conn)
        for _, _, u, t, alt in self.listeners:
            u.close()
            t.close()
            alt.close()
        for s in self.alt_addr_socks.values():
            s.close()
        if self.logf is not None:
            self.logf.close()


def main(argv):
    if "-h" in argv or "--help" in argv:
        sys.stdout.write(__doc__)
        return 0
    ap = argparse.ArgumentParser(prog="faultdns.py", add_help=False)
    ap.add_argument("--listen", action="append", default=[])
    ap.add_argument("--zone", action="append", default=[])
    ap.add_argument("--rule", action="append", default=[])
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--log")
    ap.add_argument("--ready")
    ap.add_argument("--alt-addr")
    ap.add_argument("--max-time", type=float, default=300.0)
    ap.add_argument("--tcp-idle", type=float, default=10.0)
    ap.add_argument("--list-actions", action="store_true")
    args = ap.parse_args(argv)
    if args.list_actions:
        for name, (arg, text) in ACTIONS.items():
            print("%-18s %s" % (name + (":" + arg if arg else ""), text))
        return 0
    if not args.listen:
        die(2, "at least one --listen ADDR[:PORT] is needed")
    if not 0 < args.max_time <= 86400 or not 0 < args.tcp_idle <= 3600:
        die(2, "--max-time and --tcp-idle must be positive (and sane)")
    try:
        server = Server(args)
    except UsageError as e:
        die(2, str(e))
    except OSError as e:
        die(1, "cannot listen: %s" % e.strerror)
    server.announce(args.ready)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
