#!/usr/bin/python3
# gen_reply_corpus.py -- writes the seed corpus tests/fuzz/corpus/reply/
#
# Each seed is one octet choosing the query type (fuzz_reply.c's qtypes[]:
# 0 MX, 1 A, 2 AAAA, 3 CNAME, 4 TXT, 5 PTR, 6 NS, 7 SOA) followed by a reply
# to "example.org." with ID 0x1234. Built with dnspython (Debian's
# /usr/bin/python3); documentation names and addresses only. Run once from
# the top of the tree; the output is committed.
import hashlib
import os

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "reply")
TYPES = ["MX", "A", "AAAA", "CNAME", "TXT", "PTR", "NS", "SOA"]


def reply(qtype, answer=(), authority=(), rcode=0, flags=0, edns=True):
    q = dns.message.make_query("example.org.", qtype, use_edns=edns)
    q.id = 0x1234
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA | flags
    r.set_rcode(rcode)
    for rr in answer:
        r.answer.append(dns.rrset.from_text(*rr))
    for rr in authority:
        r.authority.append(dns.rrset.from_text(*rr))
    return bytes([TYPES.index(qtype)]) + r.to_wire()


SOA = ("example.org.", 300, "IN", "SOA",
       "ns.example.org. hostmaster.example.org. 1 3600 900 604800 300")
seeds = [
    reply("MX", [("example.org.", 300, "IN", "MX", "10 mx1.example.org.",
                  "20 mx2.example.org.")]),
    reply("MX", [("example.org.", 300, "IN", "MX", "0 .")]),
    reply("MX", authority=[SOA]),
    reply("MX", authority=[SOA], rcode=dns.rcode.NXDOMAIN),
    reply("A", [("example.org.", 300, "IN", "CNAME", "www.example.net."),
                ("www.example.net.", 300, "IN", "CNAME", "h.example.net."),
                ("h.example.net.", 300, "IN", "A", "192.0.2.1", "192.0.2.2")]),
    reply("A", [("example.org.", 300, "IN", "CNAME", "out.example.net.")]),
    reply("AAAA", [("example.org.", 300, "IN", "AAAA", "2001:db8::1")]),
    reply("CNAME", [("example.org.", 300, "IN", "CNAME", "a.example.org.")]),
    reply("TXT", [("example.org.", 300, "IN", "TXT", '"v=spf1 -all"')]),
    reply("PTR", [("example.org.", 300, "IN", "PTR", "mx.example.org.")]),
    reply("NS", [("example.org.", 300, "IN", "NS", "ns.example.org.")]),
    reply("SOA", [SOA]),
    reply("MX", rcode=dns.rcode.SERVFAIL),
    reply("MX", flags=dns.flags.TC, edns=False),
    reply("A", [("example.org.", 300, "IN", "CNAME", "b.example.org."),
                ("b.example.org.", 300, "IN", "CNAME", "example.org.")]),
]
# FORMERR without a question, and a compression pointer loop in an answer.
seeds.append(bytes([0]) + bytes.fromhex("123484010000000000000000"))
loop = bytearray(reply("MX", [("example.org.", 300, "IN", "MX", "10 mx.example.org.")]))
seeds.append(bytes(loop[:-2]) + b"\xc0" + bytes([len(loop) - 3]))

os.makedirs(OUT, exist_ok=True)
for s in seeds:
    name = hashlib.sha1(s).hexdigest()
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(s)
print(len(seeds), "seeds in", OUT)
