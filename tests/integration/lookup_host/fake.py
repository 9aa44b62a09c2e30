# fake.py -- lookup_host's misbehaving server: the replies mxkit serve never
# gives, chosen by the first label of the name asked
#
#   python3 fake.py     UDP and TCP on one free port of 127.0.0.1, until
#                       killed; prints "ready PORT" once both are bound
#
#   servfail.*  SERVFAIL       refused.*  REFUSED      notimp.*  NOTIMP
#   formerr.*   FORMERR        yxdomain.* YXDOMAIN (6, past the common ones)
#   silent.*    no reply at all, over UDP or TCP (the connection stays open)
#   tc.*        over UDP an empty reply with TC set; over TCP the answer:
#               A 192.0.2.1 for A, an empty NOERROR for other types
#   anything else: NXDOMAIN
#
# Every reply keeps the query's ID, question and RD, and sets QR and RA.

import socket
import socketserver
import struct
import sys
import threading

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

RCODES = {
    "servfail": dns.rcode.SERVFAIL,
    "refused": dns.rcode.REFUSED,
    "notimp": dns.rcode.NOTIMP,
    "formerr": dns.rcode.FORMERR,
    "yxdomain": dns.rcode.YXDOMAIN,
}


def answer(wire, tcp):
    """The reply to one query (bytes), or None for silence."""
    try:
        q = dns.message.from_wire(wire)
    except Exception:
        return None
    if not q.question:
        return None
    qname = q.question[0].name
    first = qname.labels[0].decode("ascii", "replace").lower() if qname.labels else ""
    if first == "silent":
        return None
    r = dns.message.make_response(q)
    r.flags |= dns.flags.RA
    if first in RCODES:
        r.set_rcode(RCODES[first])
    elif first == "tc":
        if not tcp:
            r.flags |= dns.flags.TC
        elif q.question[0].rdtype == dns.rdatatype.A:
            r.answer.append(dns.rrset.from_text(qname, 300, "IN", "A",
                                                "192.0.2.1"))
    else:
        r.set_rcode(dns.rcode.NXDOMAIN)
    return r.to_wire()


class TCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        buf = b""
        while True:
            while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
                d = s.recv(65535)
                if not d:
                    return
                buf += d
            n = struct.unpack("!H", buf[:2])[0]
            wire, buf = buf[2:2 + n], buf[2 + n:]
            out = answer(wire, True)
            if out is not None:
                s.sendall(struct.pack("!H", len(out)) + out)


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    # A free UDP port that is also free for TCP: the kernel picks the UDP
    # one, and another process may hold the TCP side; try again then.
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        try:
            t = TCPServer(("127.0.0.1", port), TCPHandler)
            break
        except OSError:
            u.close()
    else:
        sys.exit("no free UDP+TCP port")
    threading.Thread(target=t.serve_forever, daemon=True).start()
    print("ready", port, flush=True)
    while True:
        wire, peer = u.recvfrom(65535)
        out = answer(wire, False)
        if out is not None:
            u.sendto(out, peer)


main()
