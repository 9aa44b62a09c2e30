#!/usr/bin/env python3
# gen_corpus_policy.py -- writes the seed corpus tests/fuzz/corpus/policy/
#
# Each input is one byte that picks the parser in fuzz_policy.c (0 SPF,
# 1 DMARC, 2 MTA-STS, 3 TLS-RPT, 4 address, 5 generic PTR, 6 host name),
# then its input: TXT records as large providers and small sites publish
# them (names moved to documentation domains), the classic mistakes, and
# for 4-6 an address and/or a wire name. Run from the top of the tree;
# the output is committed, next to the inputs libFuzzer merged in.
import ipaddress
import os

HERE = os.path.dirname(os.path.abspath(__file__))

SPF, DMARC, STS, TLSRPT, ADDR, GENERIC, HOSTNAME = range(7)


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def addr(text):
    a = ipaddress.ip_address(text)
    return bytes([a.version == 6]) + a.packed


SEEDS = {
    # SPF
    "spf_tutorial": (SPF, b"v=spf1 mx -all"),
    "spf_null": (SPF, b"v=spf1 -all"),
    "spf_provider": (SPF, b"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/23 "
                     b"ip6:2001:db8::/32 include:_spf.example.net "
                     b"include:spf.protection.example.com ~all"),
    "spf_redirect": (SPF, b"v=spf1 redirect=_spf.example.org"),
    "spf_macros": (SPF, b"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} "
                   b"include:%{d2}.spf.example.net exp=explain._spf.%{d} "
                   b"-all"),
    "spf_dual_cidr": (SPF, b"v=spf1 a/24//64 mx:example.org/28//48 "
                      b"a:mail.example.org ?all"),
    "spf_pass_all": (SPF, b"v=spf1 +all"),
    "spf_ptr": (SPF, b"v=spf1 ptr:example.org ptr ~all"),
    "spf_too_many": (SPF, b"v=spf1 " + b" ".join(
        b"include:s%d.example.net" % i for i in range(12)) + b" -all"),
    "spf_after_all": (SPF, b"v=spf1 -all include:late.example.org"),
    "spf_bad_ip4": (SPF, b"v=spf1 ip4:192.0.2.300/33 -all"),
    "spf_bad_macro": (SPF, b"v=spf1 include:%{z}.example.org "
                      b"exists:%{d0} a:%{c}.x.org -all"),
    "spf_unknown_modifier": (SPF, b"v=spf1 mx moo=%{d}/x redirect=a.example "
                             b"redirect=b.example"),
    "spf_upper": (SPF, b"V=SPF1 INCLUDE:EXAMPLE.NET MX -ALL"),
    "spf_tab_crlf": (SPF, b"v=spf1 mx\t-all\r\n"),
    "spf_not_spf": (SPF, b"google-site-verification=abcdefghijklmnop"),
    "spf_ip6_mapped": (SPF, b"v=spf1 ip6:::ffff:192.0.2.1/128 ip6:fe80::1%x "
                       b"-all"),
    # DMARC
    "dmarc_reject": (DMARC, b"v=DMARC1; p=reject; sp=reject; adkim=s; "
                     b"aspf=s; rua=mailto:dmarc-rua@example.org; "
                     b"ruf=mailto:dmarc-ruf@example.org; fo=1:d:s; "
                     b"rf=afrf; ri=86400; pct=100"),
    "dmarc_none": (DMARC, b"v=DMARC1; p=none; rua=mailto:a@example.org,"
                   b"mailto:b@example.net!10m"),
    "dmarc_blanks": (DMARC, b"v = DMARC1 ;\tp = quarantine ; pct = 25 ;"),
    "dmarc_no_p": (DMARC, b"v=DMARC1; rua=mailto:a@example.org"),
    "dmarc_bad": (DMARC, b"v=DMARC1; p=nonee; sp=x; pct=101; ri=-1; "
                  b"fo=2; rf=iodef; adkim=y; rua=mailto:a,b@x.org; p=none"),
    "dmarc_bis": (DMARC, b"v=DMARC1; p=none; np=reject; t=y; psd=n; "
                  b"foo=bar"),
    "dmarc_https": (DMARC, b"v=DMARC1; p=none; "
                    b"rua=https://reports.example.org/dmarc?x=1%2c2"),
    "dmarc_lower": (DMARC, b"v=dmarc1; p=none"),
    "dmarc_empty_tags": (DMARC, b"v=DMARC1;;; p=none;;"),
    # MTA-STS
    "sts_ok": (STS, b"v=STSv1; id=20160831085700Z;"),
    "sts_ext": (STS, b"v=STSv1;id=abc123;x.y_z-1=anything!"),
    "sts_bad": (STS, b"v=STSv1; id=2024-01-01; ID=x; id = y"),
    "sts_no_id": (STS, b"v=STSv1;"),
    # TLS-RPT
    "tlsrpt_ok": (TLSRPT, b"v=TLSRPTv1; rua=mailto:tlsrpt@example.org"),
    "tlsrpt_two": (TLSRPT, b"v=TLSRPTv1;rua=mailto:a@example.org , "
                   b"https://reports.example.org/v1/tls"),
    "tlsrpt_bad": (TLSRPT, b"v=TLSRPTv1; rua=ftp://x.example; "
                   b"rua=mailto:a@example.org!1m"),
    # Addresses
    "addr_v4_doc": (ADDR, addr("192.0.2.72")),
    "addr_v4_private": (ADDR, addr("10.1.2.3")),
    "addr_v4_shared": (ADDR, addr("100.64.0.1")),
    "addr_v6_doc": (ADDR, addr("2001:db8::47")),
    "addr_v6_ula": (ADDR, addr("fd00::1")),
    "addr_v6_mapped": (ADDR, addr("::ffff:192.0.2.1")),
    "addr_v6_teredo": (ADDR, addr("2001::1")),
    "addr_short": (ADDR, b"\x01\x20\x01"),
    # Generic PTR
    "generic_dashed": (GENERIC, addr("192.0.2.72") +
                       wire("192-0-2-72.dsl.isp.example.")),
    "generic_reversed": (GENERIC, addr("192.0.2.72") +
                         wire("72.2.0.192.dynamic.example.net.")),
    "generic_hex": (GENERIC, addr("192.0.2.72") + wire("c0000248.example.")),
    "generic_keyword": (GENERIC, addr("203.0.113.5") +
                        wire("p5b0a1b2c.dip0.t-ipconnect.example.")),
    "generic_clean": (GENERIC, addr("192.0.2.72") + wire("mx1.example.org.")),
    "generic_v6": (GENERIC, addr("2001:db8::47") +
                   wire("2001-db8--47.dyn.example.")),
    "generic_v6_nibbles": (GENERIC, addr("2001:db8::47") +
                           wire("7.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.example.")),
    "generic_couk": (GENERIC, addr("198.51.100.9") +
                     wire("mail.customer.example.co.uk.")),
    # Host names
    "hostname_ok": (HOSTNAME, wire("mx.example.org.")),
    "hostname_literal": (HOSTNAME, wire("192.0.2.73.")),
    "hostname_underscore": (HOSTNAME, wire("_mx.example.org.")),
    "hostname_idn_raw": (HOSTNAME, b"\x07b\xc3\xbccher\x07example\0"),
    "hostname_pointer": (HOSTNAME, b"\x02mx\xc0\x0c"),
    "hostname_root": (HOSTNAME, b"\0"),
}


def main():
    out = os.path.join(HERE, "corpus", "policy")
    os.makedirs(out, exist_ok=True)
    for name, (kind, body) in sorted(SEEDS.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([kind]) + body)


main()
