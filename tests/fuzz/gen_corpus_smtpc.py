#!/usr/bin/env python3
# gen_corpus_smtpc.py -- writes the seed corpus tests/fuzz/corpus/smtpc/
#
# Each input is one byte that seeds how fuzz_smtpc cuts the rest into
# chunks, then what a server sends to the route --connect client: real
# greetings and EHLO replies (Postfix, Exim, Exchange, OpenSMTPD, Gmail
# style), refusals, and the ways servers break. Run from the top of the
# tree; the output is committed. Documentation names only.
import os

HERE = os.path.dirname(os.path.abspath(__file__))

QUIT_OK = b"221 2.0.0 Bye\r\n"

SEEDS = {
    "postfix_ok": b"220 mx1.example.org ESMTP Postfix (Debian/GNU)\r\n"
    b"250-mx1.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
    b"250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n"
    b"250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n" + QUIT_OK,
    "exim_multiline_greeting": b"220-mx2.example.net ESMTP Exim 4.96 "
    b"Tue, 26 Nov 2024 10:00:00 +0000\r\n220-We do not authorize the use "
    b"of this system to transport unsolicited,\r\n220 and/or bulk e-mail."
    b"\r\n250-mx2.example.net Hello probe.example.org [192.0.2.1]\r\n"
    b"250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
    b"250-PRDR\r\n250 HELP\r\n221 mx2.example.net closing connection\r\n",
    "exchange_ok": b"220 mail.example.com Microsoft ESMTP MAIL Service "
    b"ready at Tue, 26 Nov 2024 10:00:00 +0000\r\n250-mail.example.com "
    b"Hello [192.0.2.1]\r\n250-SIZE 37748736\r\n250-PIPELINING\r\n"
    b"250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n"
    b"250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250-X-EXPS GSSAPI NTLM\r\n"
    b"250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 XRDST\r\n"
    b"221 2.0.0 Service closing transmission channel\r\n",
    "opensmtpd_ok": b"220 mx.example.org ESMTP OpenSMTPD\r\n"
    b"250-mx.example.org Hello probe.example.org [192.0.2.1], pleased to "
    b"meet you\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
    b"250-SIZE 36700160\r\n250-DSN\r\n250 HELP\r\n221 2.0.0 Bye\r\n",
    "greeting_554": b"554 5.7.1 mx.example.org: no SMTP service here\r\n"
    + QUIT_OK,
    "greeting_421_close": b"421 4.3.2 mx.example.org Service not "
    b"available, closing transmission channel\r\n",
    "postscreen_421": b"421 4.7.0 mx.example.org Error: too many "
    b"connections from 192.0.2.1\r\n",
    "ehlo_550": b"220 mx.example.org ESMTP\r\n550 5.7.1 Client host "
    b"rejected: cannot find your hostname\r\n" + QUIT_OK,
    "ehlo_451": b"220 mx.example.org ESMTP\r\n451 4.3.5 Server "
    b"configuration problem\r\n" + QUIT_OK,
    "bare_lf": b"220 mx.example.org ESMTP sendmail-compatible\n"
    b"250-mx.example.org\n250-PIPELINING\n250 8BITMIME\n221 bye\n",
    "overlong_line": b"220 " + b"x" * 600 + b"\r\n",
    "continuation_mismatch": b"220-mx.example.org ESMTP\r\n"
    b"250 mx.example.org\r\n",
    "ehlo_mismatch": b"220 mx.example.org ESMTP\r\n250-mx.example.org\r\n"
    b"251-PIPELINING\r\n250 8BITMIME\r\n",
    "http_server": b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
    b"Content-Type: text/html\r\nContent-Length: 0\r\n\r\n",
    "tls_wrapper": b"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03" +
    bytes(range(32)) + b"\r\n",
    "closed_mid_line": b"220 mx.example.org ES",
    "many_lines": b"220-mx.example.org\r\n" * 120 + b"220 ok\r\n",
    "greeting_3xx": b"354 Start mail input\r\n",
    "quit_garbage": b"220 mx.example.org\r\n250 mx.example.org\r\n"
    b"\x00\xff junk\r\n",
}


def main():
    out = os.path.join(HERE, "corpus", "smtpc")
    os.makedirs(out, exist_ok=True)
    for i, (name, body) in enumerate(sorted(SEEDS.items())):
        # Seed byte: varies the chunking between inputs.
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([(i * 37) & 0xFF]) + body)


main()
