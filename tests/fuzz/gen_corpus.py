#!/usr/bin/env python3
# gen_corpus.py -- writes the seed corpora tests/fuzz/corpus/{msg,name}/
#
# Run once from the top of the tree; the output is committed. Messages are
# built by hand (no DNS library needed) with the same compression a server
# would use, and use documentation names and addresses only.
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, OPT = 1, 2, 5, 6, 12, 15, 16, 28, 33, 41
IN = 1
QR, AA, TC, RD, RA = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080


def wire(name):
    """Uncompressed wire form of a dotted name."""
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


class Msg:
    """A message writer with RFC 1035 4.1.4 compression."""

    def __init__(self, ident, flags):
        self.ident, self.flags = ident, flags
        self.body = bytearray()
        self.counts = [0, 0, 0, 0]
        self.table = {}  # lowercase suffix -> offset

    def off(self):
        return 12 + len(self.body)

    def name(self, name, compress=True):
        labels = [l for l in name.rstrip(".").split(".") if l]
        out = bytearray()
        start = self.off()
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if compress and suffix in self.table:
                out += struct.pack(">H", 0xC000 | self.table[suffix])
                return bytes(out)
            at = start + len(out)
            if compress and at < 0x4000:
                self.table[suffix] = at
            out += bytes([len(labels[i])]) + labels[i].encode()
        return bytes(out + b"\x00")

    def question(self, name, qtype, qclass=IN):
        self.body += self.name(name) + struct.pack(">HH", qtype, qclass)
        self.counts[0] += 1

    def rr(self, sec, owner, rtype, ttl, rdata_fn, rclass=IN):
        self.body += self.name(owner) + struct.pack(">HHI", rtype, rclass, ttl)
        at = len(self.body)
        self.body += b"\x00\x00"
        rd = rdata_fn(self)  # appends itself, names compressed
        self.body[at:at + 2] = struct.pack(">H", len(rd))
        self.counts[sec] += 1

    def opt(self, udp=1232, ext_rcode=0, version=0, flags=0, opts=b""):
        ttl = ext_rcode << 24 | version << 16 | flags
        self.body += b"\x00" + struct.pack(">HHIH", OPT, udp, ttl, len(opts)) + opts
        self.counts[3] += 1

    def bytes(self):
        return struct.pack(">HHHHHH", self.ident, self.flags, *self.counts) + bytes(self.body)


# Rdata builders: each returns a function that appends the rdata to the
# message body (so that names in it can be compressed against the message)
# and returns what it appended.
def rd_raw(data):
    def f(m):
        m.body += data
        return data
    return f


def rd_names(prefix, names, suffix=b"", compress=True):
    def f(m):
        start = len(m.body)
        m.body += prefix
        for n in names:
            m.body += m.name(n, compress)
        m.body += suffix
        return bytes(m.body[start:])
    return f


def rd_a(addr):
    return rd_raw(bytes(int(x) for x in addr.split(".")))


def rd_aaaa(hexstr):
    return rd_raw(bytes.fromhex(hexstr))


def rd_mx(pref, exchange):
    return rd_names(struct.pack(">H", pref), [exchange])


def rd_txt(*strings):
    return rd_raw(b"".join(bytes([len(s)]) + s.encode() for s in strings))


def rd_soa(mname, rname, serial=2024010101):
    return rd_names(b"", [mname, rname],
                    struct.pack(">IIIII", serial, 7200, 3600, 1209600, 300))


def rd_srv(prio, weight, port, target):
    # RFC 2782: the target is never compressed.
    return rd_names(struct.pack(">HHH", prio, weight, port), [target],
                    compress=False)


AN, NSS, AR = 1, 2, 3
COOKIE = struct.pack(">HH", 10, 8) + bytes(range(1, 9))


def messages():
    out = {}

    m = Msg(0x1001, RD)
    m.question("example.com", A)
    out["query_a"] = m.bytes()

    m = Msg(0x1002, RD)
    m.question("example.com", MX)
    m.opt(udp=1232, flags=0x8000)
    out["query_mx_opt_do"] = m.bytes()

    m = Msg(0x1003, RD)
    m.question("mail.example.org", AAAA)
    m.opt(udp=4096, opts=COOKIE)
    out["query_aaaa_cookie"] = m.bytes()

    m = Msg(0x1004, QR | RD | RA)
    m.question("example.com", MX)
    m.rr(AN, "example.com", MX, 3600, rd_mx(10, "mx1.example.com"))
    m.rr(AN, "example.com", MX, 3600, rd_mx(20, "mx2.example.com"))
    m.rr(AR, "mx1.example.com", A, 3600, rd_a("192.0.2.1"))
    m.rr(AR, "mx1.example.com", AAAA, 3600, rd_aaaa("20010db8000000000000000000000001"))
    m.rr(AR, "mx2.example.com", A, 3600, rd_a("192.0.2.2"))
    m.opt(udp=1232, flags=0x8000)
    out["resp_mx_glue_opt"] = m.bytes()

    m = Msg(0x1005, QR | RD | RA)
    m.question("www.example.com", A)
    m.rr(AN, "www.example.com", A, 300, rd_a("192.0.2.10"))
    m.rr(AN, "www.example.com", A, 300, rd_a("192.0.2.11"))
    out["resp_a"] = m.bytes()

    m = Msg(0x1006, QR | AA | RD)
    m.question("www.example.com", AAAA)
    m.rr(AN, "www.example.com", AAAA, 300, rd_aaaa("20010db8000000000000000000000010"))
    m.opt(udp=1232)
    out["resp_aaaa_opt"] = m.bytes()

    m = Msg(0x1007, QR | RD | RA)
    m.question("example.com", TXT)
    m.rr(AN, "example.com", TXT, 3600, rd_txt("v=spf1 mx -all"))
    m.rr(AN, "example.com", TXT, 3600, rd_txt("part one ", "part two", ""))
    out["resp_txt"] = m.bytes()

    m = Msg(0x1008, QR | AA | RD)
    m.question("_dmarc.example.com", TXT)
    m.rr(AN, "_dmarc.example.com", TXT, 3600,
         rd_txt("v=DMARC1; p=reject; rua=mailto:dmarc@example.com"))
    out["resp_txt_dmarc"] = m.bytes()

    m = Msg(0x1009, QR | AA | RD)
    m.question("example.com", SOA)
    m.rr(AN, "example.com", SOA, 3600, rd_soa("ns1.example.com", "hostmaster.example.com"))
    m.rr(NSS, "example.com", NS, 3600, rd_names(b"", ["ns1.example.com"]))
    m.rr(NSS, "example.com", NS, 3600, rd_names(b"", ["ns2.example.net"]))
    out["resp_soa_ns"] = m.bytes()

    m = Msg(0x100A, QR | AA | RD | 3)
    m.question("nosuch.example.com", MX)
    m.rr(NSS, "example.com", SOA, 300, rd_soa("ns1.example.com", "hostmaster.example.com"))
    m.opt(udp=1232, flags=0x8000)
    out["resp_nxdomain_soa_opt"] = m.bytes()

    m = Msg(0x100B, QR | AA | RD)
    m.question("www.example.com", MX)
    m.rr(NSS, "example.com", SOA, 300, rd_soa("ns1.example.com", "hostmaster.example.com"))
    out["resp_nodata_soa"] = m.bytes()

    m = Msg(0x100C, QR | RD | RA)
    m.question("mail.example.com", A)
    m.rr(AN, "mail.example.com", CNAME, 300, rd_names(b"", ["mx1.example.net"]))
    m.rr(AN, "mx1.example.net", A, 300, rd_a("198.51.100.25"))
    out["resp_cname_chain"] = m.bytes()

    m = Msg(0x100D, QR | RD)
    m.question("www.sub.example.com", A)
    m.rr(NSS, "sub.example.com", NS, 86400, rd_names(b"", ["ns1.sub.example.com"]))
    m.rr(NSS, "sub.example.com", NS, 86400, rd_names(b"", ["ns2.sub.example.com"]))
    m.rr(AR, "ns1.sub.example.com", A, 86400, rd_a("203.0.113.53"))
    m.rr(AR, "ns2.sub.example.com", AAAA, 86400, rd_aaaa("20010db8000000000000000000000053"))
    out["resp_referral_glue"] = m.bytes()

    m = Msg(0x100E, QR | AA | RD)
    m.question("_submission._tcp.example.com", SRV)
    m.rr(AN, "_submission._tcp.example.com", SRV, 3600, rd_srv(0, 1, 587, "mail.example.com"))
    out["resp_srv"] = m.bytes()

    m = Msg(0x100F, QR | AA | RD)
    m.question("1.2.0.192.in-addr.arpa", PTR)
    m.rr(AN, "1.2.0.192.in-addr.arpa", PTR, 3600, rd_names(b"", ["mx1.example.com"]))
    out["resp_ptr"] = m.bytes()

    m = Msg(0x1010, QR | TC | RD | RA)
    m.question("example.com", TXT)
    out["resp_truncated_tc"] = m.bytes()

    m = Msg(0x1011, QR | RD)
    m.question("example.com", A)
    m.opt(udp=1232, ext_rcode=1, version=0)
    out["resp_badvers"] = m.bytes()

    m = Msg(0x1012, QR | RD | RA)
    m.question("example.com", 65280)
    m.rr(AN, "example.com", 65280, 60, rd_raw(b"\xde\xad\xbe\xef"))
    out["resp_unknown_type"] = m.bytes()

    # Near misses: seeds for the error paths.
    m = Msg(0x1013, QR | RD)
    m.question("example.com", A)
    m.opt()
    m.opt()
    out["bad_two_opt"] = m.bytes()

    out["bad_pointer_self"] = (struct.pack(">HHHHHH", 0x1014, QR, 1, 1, 0, 0)
                               + wire("example.com") + struct.pack(">HH", A, IN)
                               + b"\xc0\x1d" + struct.pack(">HHIH", A, IN, 60, 4)
                               + bytes([192, 0, 2, 1]))
    return out


def names():
    """Inputs for fuzz_name: the first octet is the offset of the second
    name read (the first read is at offset 0)."""
    def at(blob, target):
        return bytes([1 + target]) + blob

    ex = wire("example.com")
    out = {}
    out["root"] = b"\x00"
    out["plain"] = at(ex, 0)
    out["pointer_back"] = at(ex + b"\x03www\xc0\x01", len(ex))
    out["two_pointers"] = at(ex + b"\x03mx1\xc0\x01" + b"\x04mail\xc0" + bytes([1 + len(ex)]),
                             len(ex) + 6)
    out["pointer_to_pointer"] = at(ex + b"\xc0\x01" + b"\xc0" + bytes([1 + len(ex)]),
                                   len(ex) + 2)
    out["label_63"] = at(bytes([63]) + b"a" * 63 + b"\x00", 0)
    out["name_255"] = at(b"".join(bytes([63]) + b"b" * 63 for _ in range(3))
                         + bytes([61]) + b"c" * 61 + b"\x00", 0)
    out["name_256"] = at(b"".join(bytes([63]) + b"b" * 63 for _ in range(3))
                         + bytes([62]) + b"c" * 62 + b"\x00", 0)
    out["escapes"] = at(bytes([12]) + b'a.b\\c d"();@' + bytes([4]) + b"\x00\xff$\t" + b"\x00", 0)
    out["case_kept"] = at(wire("MiXeD.Example.COM"), 0)
    out["many_labels"] = at(b"\x01x" * 127 + b"\x00", 0)
    out["pointer_self"] = at(ex + b"\xc0" + bytes([1 + len(ex)]), len(ex))
    out["pointer_forward"] = at(b"\xc0\x05" + b"\x00\x00\x00" + ex, 0)
    out["label_type_01"] = at(b"\x41\x00" + ex, 0)
    out["label_type_10"] = at(b"\x80" + ex, 0)
    out["truncated"] = at(b"\x07examp", 0)
    return out


def main():
    for sub, files in (("msg", messages()), ("name", names())):
        d = os.path.join(HERE, "corpus", sub)
        os.makedirs(d, exist_ok=True)
        for fname, data in sorted(files.items()):
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
        print(f"{d}: {len(files)} files")


if __name__ == "__main__":
    main()
