/* policy.h -- mail policy records and address checks for mxkit check: SPF, DMARC, MTA-STS, TLS-RPT, address classes, reverse names, generic PTR names, host-name syntax (no I/O) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/diag.h"
#include "mxkit/dns.h"
#include "mxkit/mail.h"

/*
 * Everything here is pure: text or wire bytes in, a filled structure out,
 * no DNS, no allocation, no printing. Input is untrusted (TXT records and
 * names from the network): every function reads only the len bytes it is
 * given, accepts any octets, and never fails on content; what is wrong
 * with a record goes into its notes.
 *
 * TXT input: the caller concatenates the character-strings of one TXT
 * record without a separator (RFC 7208 3.3, RFC 7489 6.3, RFC 8461 3.1,
 * RFC 8460 3) and passes (txt, len); the bytes need not be NUL-terminated
 * and may hold NULs, which are errors like any other control character.
 */

/*
 * Notes: what a parser found wrong or worth saying about one record.
 * Each has
 * - a level: error (the record is invalid or breaks a MUST), warn
 *   (risky) or info. This is the parser's view; the check catalogue
 *   decides the severity it reports (it may call SPF-PASS-ALL an error);
 * - a stable upper-case code used by tests and JSON ("SPF-SYNTAX");
 * - the 1-based index of the term or tag it concerns, 0 for the record as
 *   a whole. SPF counts the terms after "v=spf1"; the tag lists count
 *   their version tag as 1;
 * - a lowercase sentence that names the term and says what was expected.
 * The first MAIL_POLICY_NOTES_MAX notes are kept; nerr, nwarn and ninfo
 * count them all, kept or not, so that nerr == 0 is the test for a valid
 * record.
 */
#define MAIL_POLICY_NOTES_MAX	16
/* Room for a sentence that quotes one term (at most 48 octets of it, the
 * rest cut with "...") and says what was expected. */
#define MAIL_POLICY_NOTE_TEXT	224

struct mail_policy_note {
	enum mx_level level;
	const char *code;		/* static: "SPF-SYNTAX" */
	unsigned term;			/* 1-based; 0 the record */
	char text[MAIL_POLICY_NOTE_TEXT];
};

struct mail_policy_notes {
	struct mail_policy_note note[MAIL_POLICY_NOTES_MAX];
	unsigned nnote;			/* kept */
	unsigned nerr, nwarn, ninfo;	/* all, kept or not */
};

/*
 * SPF (RFC 7208).
 *
 * Note codes: SPF-VERSION (E, not an SPF record: parse returned
 * MX_EINVAL), SPF-SYNTAX (E, a term that does not parse, a repeated
 * redirect= or exp=, an unknown mechanism), SPF-TOO-MANY-LOOKUPS (E, more
 * than 10 DNS-querying terms in this record alone), SPF-PASS-ALL (W,
 * "all" or "+all"), SPF-PTR (W, the ptr mechanism, RFC 7208 5.5 "SHOULD
 * NOT"), SPF-WIDE-RANGE (W, a pass for an ip4 prefix shorter than /8 or
 * an ip6 prefix shorter than /16), SPF-AFTER-ALL (W, terms after "all":
 * never evaluated, RFC 7208 5.1), SPF-REDIRECT-IGNORED (W, redirect= with
 * "all" in the record, RFC 7208 6.1), SPF-TARGETS-CUT (W, more include
 * targets than MAIL_SPF_TARGETS_MAX), SPF-NEUTRAL-ALL (I, "?all"),
 * SPF-NO-ALL (I, neither "all" nor redirect=: unmatched senders get
 * neutral, RFC 7208 4.7), SPF-UNKNOWN-MODIFIER (I, ignored, RFC 7208 6).
 */

/* RFC 7208 4.6.4: at most 10 DNS-querying terms in one evaluation. */
#define MAIL_SPF_LOOKUP_LIMIT	10
/*
 * include/redirect targets kept per record. A record within the lookup
 * limit names at most 10; 32 keeps every target of records far over the
 * limit too, so that a report can list them.
 */
#define MAIL_SPF_TARGETS_MAX	32
/* A domain in text without its final dot: 253 octets (RFC 1035 2.3.4 as
 * RFC 7208 4.8 truncates expanded names). */
#define MAIL_SPF_DOMAIN_MAX	253

enum mail_spf_qualifier {
	MAIL_SPF_Q_NONE = 0,		/* no "all" in the record */
	MAIL_SPF_Q_PASS,		/* "+" or none */
	MAIL_SPF_Q_FAIL,		/* "-" */
	MAIL_SPF_Q_SOFTFAIL,		/* "~" */
	MAIL_SPF_Q_NEUTRAL,		/* "?" */
};

enum mail_spf_target_kind { MAIL_SPF_INCLUDE, MAIL_SPF_REDIRECT };

struct mail_spf_target {
	enum mail_spf_target_kind kind;
	enum mail_spf_qualifier qual;	/* of the include; PASS for redirect */
	unsigned term;			/* 1-based term index */
	int macro;			/* holds a macro: only known once
					 * expanded, cannot be followed here */
	int cut;			/* longer than MAIL_SPF_DOMAIN_MAX: kept
					 * cut (an error unless macro) */
	char domain[MAIL_SPF_DOMAIN_MAX + 1];	/* the domain-spec as
						 * written, NUL-terminated */
};

struct mail_spf {
	unsigned nterm;			/* terms after "v=spf1" */
	/*
	 * DNS-querying terms an evaluation of this record can reach
	 * (include, a, mx, ptr, exists, and redirect when it applies; RFC
	 * 7208 4.6.4). Terms after "all" never run and a redirect beside
	 * "all" is ignored, so neither counts. The caller adds the counts
	 * of the records the targets lead to.
	 */
	unsigned lookups;
	enum mail_spf_qualifier all;	/* qualifier of the first "all" */
	unsigned all_term;		/* its term index, 0 none */
	unsigned nptr;			/* ptr mechanisms that can run */
	unsigned nip4, nip6;		/* ip4: and ip6: mechanisms */
	int redirect;			/* index in target[] of the redirect
					 * that applies, -1 none */
	int has_exp;			/* an exp= modifier */
	/* The record is exactly "v=spf1 -all" (any case, any number of
	 * spaces): the domain sends no mail (mail-dns-spec 3.6
	 * SUGGEST-NULL-MX). */
	int null_record;
	/*
	 * Some term that can run may give "pass": a mechanism with the "+"
	 * qualifier (or none), or a redirect (its record may). False for
	 * "v=spf1 -all", "v=spf1 ~all", "v=spf1 ?all", "v=spf1" and records
	 * whose only pass terms sit after "all" (NULL-MX-SENDER). Computed
	 * over the terms that parse, even when others do not.
	 */
	int authorises;
	/* include targets (in record order) that can run, then the redirect
	 * that applies. */
	struct mail_spf_target target[MAIL_SPF_TARGETS_MAX];
	unsigned ntarget;		/* kept */
	unsigned ntarget_all;		/* seen; > ntarget when cut */
	struct mail_policy_notes notes;
};

/*
 * True when the TXT is an SPF record: it starts with "v=spf1" (any case)
 * followed by a space or its end (RFC 7208 4.5). "v=spf10", " v=spf1" and
 * "v=spf1\t" are not. A domain should publish exactly one.
 */
int mail_spf_is_record(const char *txt, size_t len);

/*
 * Parses one SPF record (RFC 7208 4.6, 5, 6, 7, 12): terms separated by
 * spaces; mechanisms all, include, a, mx, ptr, ip4, ip6, exists with
 * optional qualifier; modifiers redirect=, exp= and unknown name=value.
 * Checked: names (case-insensitive), a domain-spec present where one is
 * required and shaped as RFC 7208 12 says (ends with a top-level label or
 * a macro; when it has no macro, labels 1-63 octets and 253 in all),
 * macros well formed (%%, %_, %-, %{ letter digits [r] delimiters }, the
 * letters c, r, t refused outside exp text, RFC 7208 7.1), ip4 as four
 * numbers 0-255 without leading zeros, ip6 as RFC 4291 2.2, CIDR lengths
 * /0-32 and /0-128 without leading zeros, redirect= and exp= at most once.
 * Fills *out (always, even on error) and returns 0 for a valid record
 * (warnings and infos may be present), MX_ESYNTAX when it holds an error
 * (SPF permerror), or MX_EINVAL when the TXT is not an SPF record at all.
 */
int mail_spf_parse(const char *txt, size_t len, struct mail_spf *out);

/* "none", "pass", "fail", "softfail", "neutral"; "?" for other values. */
const char *mail_spf_qualifier_name(int q);

/*
 * DMARC (RFC 7489 6.3, 6.4), at _dmarc.<domain>.
 *
 * Tag names and the values of p, sp, np, adkim, aspf, fo and rf are
 * case-insensitive (RFC 7489 6.4 ABNF literals, RFC 5234 2.3); the
 * version value is exactly "DMARC1" (%x44 %x4d %x41 %x52 %x43 %x31).
 * Tags np, t and psd (DMARCbis) are known and checked; other tags are
 * ignored as RFC 7489 6.3 says.
 *
 * Note codes: DMARC-VERSION (E, not a DMARC record: parse returned
 * MX_EINVAL), DMARC-SYNTAX (E, a tag that does not parse, a bad value, a
 * tag given twice (RFC 6376 3.2)), DMARC-NO-POLICY (E, p= missing or
 * invalid; RFC 7489 6.6.3: receivers then apply p=none only when rua=
 * holds a valid URI), DMARC-TAG-ORDER (W, p= is not the second tag, RFC
 * 7489 6.4), DMARC-EMPTY-TAG (W, ";;"), DMARC-URI-SCHEME (W, a report URI
 * other than mailto:, RFC 7489 6.2 only requires mailto), DMARC-PCT (I,
 * pct below 100), DMARC-UNKNOWN-TAG (I, ignored).
 */
#define MAIL_DMARC_URIS_MAX	8	/* rua/ruf URIs kept each; real
					 * records list one or two */
#define MAIL_URI_MAX		255	/* a report URI kept whole up to this */

enum mail_dmarc_policy {
	MAIL_DMARC_P_UNSET = 0,		/* absent or invalid */
	MAIL_DMARC_P_NONE,
	MAIL_DMARC_P_QUARANTINE,
	MAIL_DMARC_P_REJECT,
};

/* fo= bits (RFC 7489 6.3). */
#define MAIL_DMARC_FO_0		0x1u
#define MAIL_DMARC_FO_1		0x2u
#define MAIL_DMARC_FO_D		0x4u
#define MAIL_DMARC_FO_S		0x8u

struct mail_dmarc {
	enum mail_dmarc_policy p;
	enum mail_dmarc_policy sp;	/* UNSET when absent: p applies */
	enum mail_dmarc_policy np;	/* DMARCbis; UNSET when absent */
	unsigned pct;			/* 0-100; 100 when absent */
	char adkim, aspf;		/* 'r' or 's'; 'r' when absent */
	uint32_t ri;			/* seconds; 86400 when absent */
	unsigned fo;			/* MAIL_DMARC_FO_*; FO_0 when absent */
	unsigned ntag;			/* tags, v= included */
	unsigned nrua, nruf;		/* URIs listed, valid or not */
	unsigned nrua_valid;		/* rua URIs that parse */
	/* The first valid URIs of each list, without their "!size"; cut at
	 * MAIL_URI_MAX octets. */
	char rua[MAIL_DMARC_URIS_MAX][MAIL_URI_MAX + 1];
	char ruf[MAIL_DMARC_URIS_MAX][MAIL_URI_MAX + 1];
	struct mail_policy_notes notes;
};

/*
 * True when the TXT is a DMARC record: "v" (either case), optional blanks,
 * "=", optional blanks, exactly "DMARC1", then its end, a blank or ";"
 * (RFC 7489 6.6.3: other TXT records at _dmarc are discarded).
 */
int mail_dmarc_is_record(const char *txt, size_t len);

/*
 * Parses one DMARC record: tags "name = value" separated by ";" with
 * optional blanks (space, tab), v=DMARC1 first, p= required
 * (none|quarantine|reject), sp= and np= likewise, pct= 0-100, rua=/ruf=
 * comma-separated URIs (RFC 3986, with an optional "!size[kmgt]"), adkim=
 * and aspf= r|s, fo= 0|1|d|s joined by ":", rf= registered formats
 * ("afrf"), ri= a 32-bit number of seconds, t= y|n, psd= y|n|u. Fills *out
 * (always) and returns 0 (valid), MX_ESYNTAX (an error note: receivers
 * ignore the record or parts of it) or MX_EINVAL (not a DMARC record).
 */
int mail_dmarc_parse(const char *txt, size_t len, struct mail_dmarc *out);

/* "unset", "none", "quarantine", "reject"; "?" for other values. */
const char *mail_dmarc_policy_name(int p);

/*
 * MTA-STS TXT record (RFC 8461 3.1) at _mta-sts.<domain>:
 * "v=STSv1; id=<1-32 letters or digits>;" plus extensions name=value. All
 * literals are case-sensitive (%s). Note codes: MTA-STS-VERSION (E, not an
 * MTA-STS record: MX_EINVAL), MTA-STS-SYNTAX (E), MTA-STS-NO-ID (E),
 * MTA-STS-EMPTY-FIELD (W, ";;").
 */
#define MAIL_STS_ID_MAX		32

struct mail_sts {
	char id[MAIL_STS_ID_MAX + 1];	/* "" when missing or invalid */
	unsigned nfield;		/* fields, v= included */
	struct mail_policy_notes notes;
};

/* True when the TXT starts with "v=STSv1" followed by its end, a blank or
 * ";" (RFC 8461 3.1: other records are discarded). */
int mail_sts_is_record(const char *txt, size_t len);
/* Parses one MTA-STS TXT record; returns 0, MX_ESYNTAX or MX_EINVAL as
 * mail_dmarc_parse does. */
int mail_sts_parse(const char *txt, size_t len, struct mail_sts *out);

/*
 * TLS-RPT TXT record (RFC 8460 3) at _smtp._tls.<domain>:
 * "v=TLSRPTv1; rua=<URI>[,<URI>...]" plus extensions. URIs are mailto: or
 * https: (RFC 8460 3), commas and "!" inside them percent-encoded. Note
 * codes: TLSRPT-VERSION (E: MX_EINVAL), TLSRPT-SYNTAX (E, including a URI
 * of another scheme), TLSRPT-NO-RUA (E), TLSRPT-EMPTY-FIELD (W).
 */
#define MAIL_TLSRPT_URIS_MAX	8

struct mail_tlsrpt {
	unsigned nrua;			/* URIs listed, valid or not */
	unsigned nrua_valid;
	char rua[MAIL_TLSRPT_URIS_MAX][MAIL_URI_MAX + 1];	/* the first
								 * valid ones */
	unsigned nfield;
	struct mail_policy_notes notes;
};

/* True when the TXT starts with "v=TLSRPTv1" followed by its end, a blank
 * or ";". */
int mail_tlsrpt_is_record(const char *txt, size_t len);
/* Parses one TLS-RPT record; returns 0, MX_ESYNTAX or MX_EINVAL. */
int mail_tlsrpt_parse(const char *txt, size_t len, struct mail_tlsrpt *out);

/*
 * Address classes (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC
 * 6890 and its updates). Everything but GLOBAL is not a public address a
 * mail server can be reached at (mail-dns-spec 3.6 MX-TARGET-NONPUBLIC).
 * 6to4 (2002::/16, 192.88.99.0/24), Teredo (2001::/32), NAT64
 * (64:ff9b::/96) and the globally reachable blocks inside 192.0.0.0/24
 * and 2001::/23 count as GLOBAL. Outside 2000::/3, IPv6 space not listed
 * below is RESERVED (not yet allocated for unicast).
 */
#define MAIL_ADDR_CLASSES(X) \
	X(MAIL_ADDR_GLOBAL,      "global",       "global unicast address") \
	X(MAIL_ADDR_PRIVATE,     "private",      "private address (RFC 1918)") \
	X(MAIL_ADDR_SHARED,      "shared",       "shared address space for carrier-grade NAT (RFC 6598)") \
	X(MAIL_ADDR_LOOPBACK,    "loopback",     "loopback address (RFC 1122 3.2.1.3, RFC 4291 2.5.3)") \
	X(MAIL_ADDR_LINK_LOCAL,  "link-local",   "link-local address (RFC 3927, RFC 4291 2.5.6)") \
	X(MAIL_ADDR_DOC,         "documentation", "documentation address (RFC 5737, RFC 3849, RFC 9637)") \
	X(MAIL_ADDR_ULA,         "unique-local", "unique local address (RFC 4193)") \
	X(MAIL_ADDR_MULTICAST,   "multicast",    "multicast address (RFC 5771, RFC 4291 2.7)") \
	X(MAIL_ADDR_UNSPECIFIED, "unspecified",  "unspecified address (0.0.0.0, ::)") \
	X(MAIL_ADDR_THIS_NET,    "this-network", "\"this network\" address (0.0.0.0/8, RFC 791)") \
	X(MAIL_ADDR_RESERVED,    "reserved",     "reserved address, not routed on the internet") \
	X(MAIL_ADDR_BROADCAST,   "broadcast",    "limited broadcast address (RFC 919)") \
	X(MAIL_ADDR_MAPPED,      "ipv4-mapped",  "IPv4-mapped IPv6 address (RFC 4291 2.5.5.2)") \
	X(MAIL_ADDR_BENCHMARK,   "benchmarking", "benchmarking address (RFC 2544, RFC 5180)") \
	X(MAIL_ADDR_SITE_LOCAL,  "site-local",   "deprecated site-local address (RFC 3879)") \
	X(MAIL_ADDR_DISCARD,     "discard",      "discard-only address (RFC 6666)")

enum mail_addr_class {
#define MAIL_AC_ENUM(sym, name, text) sym,
	MAIL_ADDR_CLASSES(MAIL_AC_ENUM)
#undef MAIL_AC_ENUM
};

/* Flags for mail_addr_public. */
#define MAIL_ADDR_LAB	0x1u	/* --profile lab: documentation addresses
				 * count as public (tests, demos) */

/* The class of a; MX_EINVAL when a->family is neither AF_INET nor
 * AF_INET6. */
int mail_addr_classify(const struct mail_addr *a);
/* True when a is public: GLOBAL, or DOC under MAIL_ADDR_LAB. False for a
 * bad family. */
int mail_addr_public(const struct mail_addr *a, unsigned flags);
/* Stable name ("private") and sentence for a class; "?" for other
 * values. */
const char *mail_addr_class_name(int c);
const char *mail_addr_class_text(int c);

/*
 * The reverse name of a in wire form: "72.2.0.192.in-addr.arpa." for
 * 192.0.2.72 (RFC 1035 3.5), the 32 lowercase nibbles lowest first under
 * "ip6.arpa." for IPv6 (RFC 3596 2.5). Returns 0 and *len, or MX_EINVAL
 * for a bad family.
 */
int mail_addr_reverse(const struct mail_addr *a, uint8_t out[DNS_NAME_MAX],
    size_t *len);

/*
 * Generic PTR names (mail-dns-spec 3.6 PTR-GENERIC): does the PTR name
 * look like an ISP's automatic name for a pool address rather than the
 * name of a mail server?
 *
 * Address embedding is looked for in every label but the top-level one:
 * - IPv4: all four octets in order or reversed, each 1-3 digits (zero
 *   padding allowed) separated by single "-", "." or "_"
 *   (192-0-2-72.dsl.example, 72.2.0.192.example, ip-192-000-002-072);
 *   the last three octets the same way (host-0-2-72.example); one digit
 *   run equal to the 12-digit padded concatenation (192000002072) or to
 *   the plain one when that has at least 7 digits (1920272; shorter runs
 *   such as 1111 for 1.1.1.1 are too likely by chance); the 8 hex digits
 *   of the address in a label, either case (c0000248.example).
 * - IPv6: the address written with "-" for ":" in a label, compressed or
 *   not (2001-db8--47.example); the 32 hex digits, or the 16 of the
 *   interface identifier, in a label; the 16 nibbles of the interface
 *   identifier as single-character labels, in either order.
 * Keywords are whole words (bounded by a non-letter or the label's ends)
 * in the host labels, that is every label left of the registered domain,
 * taken as the last two labels or, when the second-level label is a
 * common one such as "co" or "com", the last three (mx.cable-co.example
 * is not generic, cable-1.isp.example is). Strong keywords mark a name
 * alone: dsl, adsl, vdsl, xdsl, sdsl, dhcp, dynamic, dyn, dynip, dip,
 * ppp, pppoe, dialup, dial-up, dialin, broadband, residential, cpe, ftth,
 * static-ip, staticip, hsd, pool. Weak ones only in a label that also
 * holds a digit: client, customer, cust, mobile, fiber, fibre, cable,
 * wireless, user, host. "mailpool" and "poolside" are not generic (not
 * whole words), nor are mx1.example.org or smtp-out-2.example.net: one or
 * two numbers are never an embedded address.
 *
 * name is a wire name of len octets. Returns 0 (not generic), a positive
 * enum mail_ptr_generic (the first rule that matched) and, when why is not
 * NULL, a short lowercase reason naming what matched ("embeds the address
 * as \"192-0-2-72\"", "keyword \"dsl\""); MX_EMALF when name is not a
 * valid wire name of len octets, MX_EINVAL for a bad address family.
 */
enum mail_ptr_generic {
	MAIL_PTR_NOT_GENERIC = 0,
	MAIL_PTR_EMBEDS_ADDR,		/* decimal octets or IPv6 groups */
	MAIL_PTR_EMBEDS_HEX,		/* hex digits or nibble labels */
	MAIL_PTR_KEYWORD,		/* dynamic-pool keyword */
};
#define MAIL_PTR_WHY_MAX	96

int mail_ptr_generic(const uint8_t *name, size_t len,
    const struct mail_addr *a, char why[MAIL_PTR_WHY_MAX]);

/*
 * Host-name syntax for MX exchanges and PTR targets (RFC 952, RFC 1123
 * 2.1, RFC 5321 2.3.5; mail-dns-spec 3.6 MX-TARGET-BAD-SYNTAX,
 * MX-TARGET-IP-LITERAL, PTR-NUMERIC-OR-INVALID): labels of letters,
 * digits and inner hyphens. A wire name is at most 255 octets, so its
 * text form is at most 253 and never too long; a label is at most 63.
 * The codes in order of precedence (the first that applies is returned):
 */
#define MAIL_HOSTNAMES(X) \
	X(MAIL_HOSTNAME_OK,         "ok",          "valid host name") \
	X(MAIL_HOSTNAME_ROOT,       "root",        "the root name is not a host name") \
	X(MAIL_HOSTNAME_IP_LITERAL, "ip-literal",  "an IP address written as a name, not a host name") \
	X(MAIL_HOSTNAME_NON_ASCII,  "non-ascii",   "non-ASCII octets (use the A-label, xn--...)") \
	X(MAIL_HOSTNAME_BAD_CHAR,   "bad-char",    "characters other than letters, digits and hyphens") \
	X(MAIL_HOSTNAME_HYPHEN,     "hyphen",      "a label starts or ends with a hyphen") \
	X(MAIL_HOSTNAME_NUMERIC_TLD, "numeric-tld", "the top-level label is all digits") \
	X(MAIL_HOSTNAME_UNDERSCORE, "underscore",  "an underscore (tolerated by Postfix, not a host name)")

enum mail_hostname {
#define MAIL_HN_ENUM(sym, name, text) sym,
	MAIL_HOSTNAMES(MAIL_HN_ENUM)
#undef MAIL_HN_ENUM
};

/*
 * Checks a wire name of len octets. IP_LITERAL: exactly four all-digit
 * labels, or a ':' in a label. UNDERSCORE is returned only when it is the
 * sole fault (a warning; the others are errors). Returns the code, or
 * MX_EMALF when name is not a valid wire name of exactly len octets.
 */
int mail_hostname_check(const uint8_t *name, size_t len);
/* Stable name ("bad-char") and sentence for a code; "?" for others. */
const char *mail_hostname_name(int code);
const char *mail_hostname_text(int code);
