#!/usr/bin/env python3
# smtpfake.py -- small SMTP servers on loopback for route_connect: each
# ADDR:PORT:MODE listens and plays MODE; every line received is logged as
# "ADDR:PORT LINE" to --log, every connection as "ADDR:PORT connect".
#
# modes:
#   ok        220 greeting, 250 to EHLO (multiline), 221 to QUIT
#   greet554  554 greeting, then 221 to QUIT (RFC 5321 3.1: waits for QUIT)
#   greet421  421 greeting, then closes
#   ehlo451   220 greeting, 451 to EHLO, 221 to QUIT
#   silent    accepts, never says a word
#   blackhole listen backlog full (one connection of its own sits in the
#             queue and is never accepted): connects time out
# Anything else received gets 502, so a MAIL/RCPT/DATA would show in the log.
import socket
import sys
import threading

log_lock = threading.Lock()


def log(path, line):
    with log_lock:
        with open(path, "a") as f:
            f.write(line + "\n")


def serve_conn(conn, tag, mode, logpath):
    log(logpath, tag + " connect")
    f = conn.makefile("rb")
    try:
        if mode == "silent":
            while f.readline():
                pass
            return
        if mode == "greet554":
            conn.sendall(b"554 5.7.1 " + tag.encode() + b" takes no mail\r\n")
        elif mode == "greet421":
            conn.sendall(b"421 4.3.2 " + tag.encode() + b" busy, try later\r\n")
            return
        else:
            conn.sendall(b"220-" + tag.encode() + b" ESMTP fake\r\n"
                         b"220 second greeting line\r\n")
        for raw in f:
            line = raw.decode("latin-1").rstrip("\r\n")
            log(logpath, tag + " " + line)
            verb = line.split(" ", 1)[0].upper()
            if verb == "QUIT":
                conn.sendall(b"221 2.0.0 bye\r\n")
                return
            if verb == "EHLO" and mode == "ok":
                conn.sendall(b"250-" + tag.encode() + b" hello\r\n"
                             b"250-PIPELINING\r\n250-SIZE 10240000\r\n"
                             b"250 8BITMIME\r\n")
            elif verb == "EHLO" and mode == "ehlo451":
                conn.sendall(b"451 4.3.0 try again later\r\n")
            else:
                conn.sendall(b"502 5.5.1 not in this test\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def listener(addr, port, mode, logpath):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    tag = "%s:%d" % (addr, port)
    if mode == "blackhole":
        # Linux: with backlog 0 the accept queue holds one connection;
        # once it is taken, further SYNs are dropped.
        s.listen(0)
        filler = socket.create_connection((addr, port))
        return s, filler
    s.listen(16)

    def loop():
        while True:
            conn, _ = s.accept()
            threading.Thread(target=serve_conn, daemon=True,
                             args=(conn, tag, mode, logpath)).start()
    threading.Thread(target=loop, daemon=True).start()
    return s, None


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[0] != "--log":
        sys.exit("usage: smtpfake.py --log FILE ADDR:PORT:MODE...")
    logpath = args[1]
    keep = []
    for spec in args[2:]:
        addr, port, mode = spec.split(":")
        keep.append(listener(addr, int(port), mode, logpath))
    print("ready", flush=True)
    threading.Event().wait()


main()
