#!/usr/bin/python3
# client.py -- SMTP clients for the trap_listen test: each mode prints the
# reply codes it got, one per line ("greet 220"), and "5xx" lines never
# pass silently: any reply line starting with 5 prints "FIVE <line>".
import os
import socket
import sys
import time

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = sys.argv[4:]


def connect():
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    if os.environ.get("SRC"):
        s.bind((os.environ["SRC"], 0))
    s.connect((host, port))
    return s


def reply(f, what):
    """Reads one reply (all its lines); prints what and its code."""
    code = None
    while True:
        line = f.readline()
        if not line:
            print(what, "EOF")
            return None
        if line[:1] == b"5":
            print("FIVE", line.decode("ascii", "replace").rstrip())
        if len(line) >= 4 and line[3:4] == b"-":
            continue
        code = line[:3].decode("ascii", "replace")
        print(what, code)
        return code


def dialogue():
    s = connect()
    f = s.makefile("rb")
    reply(f, "greet")
    for what, cmd in (("ehlo", b"EHLO client.example.net"),
                      ("mail", b"MAIL FROM:<sender@example.net>"),
                      ("rcpt", b"RCPT TO:<one@example.org>"),
                      ("rcpt", b"RCPT TO:<two@example.org>"),
                      ("data", b"DATA"),
                      ("quit", b"QUIT")):
        s.sendall(cmd + b"\r\n")
        if reply(f, what) is None:
            break
    print("closed", f.read() == b"")


def pipeline():
    s = connect()
    f = s.makefile("rb")
    reply(f, "greet")
    cmds = [b"EHLO pipe.example.net", b"MAIL FROM:<p@example.net>",
            b"RCPT TO:<a@example.org>", b"RCPT TO:<b@example.org>",
            b"RCPT TO:<c@example.org>", b"DATA", b"NOOP", b"QUIT"]
    s.sendall(b"".join(c + b"\r\n" for c in cmds))
    for c in cmds:
        if reply(f, c.split()[0].decode().lower()) is None:
            break


def overlong():
    s = connect()
    f = s.makefile("rb")
    reply(f, "greet")
    s.sendall(b"HELO " + b"x" * 600 + b"\r\nHELO short.example.net\r\n")
    reply(f, "long")
    reply(f, "helo")
    s.sendall(b"QUIT\r\n")
    reply(f, "quit")


def garbage():
    s = connect()
    f = s.makefile("rb")
    reply(f, "greet")
    n = 0
    try:
        while n < 50:
            s.sendall(b"\x16\x03\x01\x00\xff\x80garbage\x00\r\n")
            n += 1
            if reply(f, "bad") in (None, "421"):
                break
    except OSError:
        pass
    print("lines", n)
    print("closed", f.read() == b"")


def hold():
    """Opens N connections at once, prints each one's first reply, keeps
    them open for SECS seconds."""
    n, secs = int(args[0]), float(args[1])
    socks = []
    for i in range(n):
        s = connect()
        socks.append(s)
        reply(s.makefile("rb"), "conn")
    sys.stdout.flush()
    time.sleep(secs)


def stutter():
    """Counts the reads that the greeting takes, and its time."""
    s = connect()
    t0 = time.monotonic()
    buf = b""
    reads = 0
    while not buf.endswith(b"\r\n"):
        d = s.recv(4096)
        if not d:
            break
        reads += 1
        buf += d
    ms = int((time.monotonic() - t0) * 1000)
    print("greet", buf[:3].decode("ascii", "replace"))
    print("reads", reads)
    print("bytes", len(buf))
    print("ms", ms)


def silent():
    """Connects and says nothing: the session timeout closes it."""
    s = connect()
    f = s.makefile("rb")
    reply(f, "greet")
    reply(f, "idle")
    print("closed", f.read() == b"")


{"dialogue": dialogue, "pipeline": pipeline, "overlong": overlong,
 "garbage": garbage, "hold": hold, "stutter": stutter,
 "silent": silent}[mode]()
