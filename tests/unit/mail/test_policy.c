/* test_policy.c -- policy records and address checks: SPF, DMARC, MTA-STS, TLS-RPT, address classes, reverse names, generic PTR names, host names */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The note with this code, or NULL. */
static const struct mail_policy_note *
note(const struct mail_policy_notes *n, const char *code)
{
	unsigned i;

	for (i = 0; i < n->nnote; i++)
		if (strcmp(n->note[i].code, code) == 0)
			return &n->note[i];
	return NULL;
}

/* Prints the notes of a failed case, so that the TAP output says why. */
static void
dump(const char *what, const char *txt, const struct mail_policy_notes *n)
{
	unsigned i;

	print_message("# case \"%s\": %s\n", what, txt);
	for (i = 0; i < n->nnote; i++)
		print_message("#   %s %s [%u] %s\n",
		    mx_level_name(n->note[i].level), n->note[i].code,
		    n->note[i].term, n->note[i].text);
}

/* Every kept note: a known level, a code, a lowercase first letter, no
 * final dot (the house style of messages). */
static void
notes_well_formed(const struct mail_policy_notes *n)
{
	unsigned i;
	size_t l;

	assert_true(n->nnote <= MAIL_POLICY_NOTES_MAX);
	assert_true(n->nnote <= n->nerr + n->nwarn + n->ninfo);
	for (i = 0; i < n->nnote; i++) {
		const struct mail_policy_note *t = &n->note[i];

		assert_non_null(t->code);
		assert_true(t->level == MX_DIAG_ERROR ||
		    t->level == MX_DIAG_WARN || t->level == MX_DIAG_INFO);
		l = strlen(t->text);
		assert_true(l > 0 && l < sizeof(t->text));
		assert_false(t->text[0] >= 'A' && t->text[0] <= 'Z');
		assert_true(t->text[l - 1] != '.');
	}
}

static size_t
wname(const char *text, uint8_t out[DNS_NAME_MAX])
{
	size_t len = 0;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    &len, NULL), 0);
	return len;
}

static struct mail_addr
addr(const char *text)
{
	struct mail_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, text, a.a), 1);
	return a;
}

/*
 * SPF
 */

static void
spf_is_record_table(void **state)
{
	static const struct {
		const char *what, *txt;
		size_t len;		/* 0: strlen */
		int want;
	} cases[] = {
		{ "bare version", "v=spf1", 0, 1 },
		{ "version and a term", "v=spf1 -all", 0, 1 },
		{ "upper case (RFC 7208 4.5: any case)", "V=SPF1 -ALL", 0, 1 },
		{ "version then two spaces", "v=spf1  mx", 0, 1 },
		{ "spf10 is another version", "v=spf10 -all", 0, 0 },
		{ "tab after the version", "v=spf1\t-all", 0, 0 },
		{ "leading space", " v=spf1 -all", 0, 0 },
		{ "version cut short", "v=spf", 0, 0 },
		{ "empty", "", 0, 0 },
		{ "SPF2.0 (Sender ID)", "spf2.0/pra -all", 0, 0 },
		{ "DMARC record", "v=DMARC1; p=none", 0, 0 },
		{ "NUL after the version", "v=spf1\0 -all", 11, 0 },
		{ "no version, only terms", "mx -all", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len :
		    strlen(cases[i].txt);

		if (mail_spf_is_record(cases[i].txt, len) != cases[i].want)
			fail_msg("case \"%s\"", cases[i].what);
	}
	assert_false(mail_spf_is_record(NULL, 0));
}

/* Valid records: what the parse reports. targets lists the kept targets
 * as "include:x" / "redirect:x", space-separated; code is a note that must
 * be there (NULL: no warning or error at all). */
static const struct {
	const char *what, *txt;
	unsigned lookups;
	enum mail_spf_qualifier all;
	int null_record, authorises;
	const char *targets;
	const char *code;
	unsigned code_term;
} spf_ok[] = {
	{ "null record", "v=spf1 -all", 0, MAIL_SPF_Q_FAIL, 1, 0, "", NULL,
	  0 },
	{ "null record, upper case and extra spaces", "V=SPF1   -ALL  ", 0,
	  MAIL_SPF_Q_FAIL, 1, 0, "", NULL, 0 },
	{ "softfail only", "v=spf1 ~all", 0, MAIL_SPF_Q_SOFTFAIL, 0, 0, "",
	  NULL, 0 },
	{ "tutorial record", "v=spf1 mx -all", 1, MAIL_SPF_Q_FAIL, 0, 1, "",
	  NULL, 0 },
	{ "every mechanism",
	  "v=spf1 a mx a:mail.example.org/24 mx:example.org//64 "
	  "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._spf.%{d} "
	  "include:_spf.example.net ~all", 6, MAIL_SPF_Q_SOFTFAIL, 0, 1,
	  "include:_spf.example.net", NULL, 0 },
	{ "a with both prefix lengths", "v=spf1 a/24//64 -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "a with an IPv6 length only", "v=spf1 a//56 -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "mechanism names in any case", "v=spf1 Include:Example.ORG MX "
	  "-ALL", 2, MAIL_SPF_Q_FAIL, 0, 1, "include:Example.ORG", NULL, 0 },
	{ "trailing dot on a domain", "v=spf1 a:example.org. -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "ip4 single address, no length", "v=spf1 ip4:192.0.2.1 -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "ip6 with embedded IPv4", "v=spf1 ip6:::ffff:192.0.2.1 -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "ip4 /0 with fail is harmless", "v=spf1 -ip4:0.0.0.0/0 ~all", 0,
	  MAIL_SPF_Q_SOFTFAIL, 0, 0, "", NULL, 0 },
	{ "redirect only", "v=spf1 redirect=_spf.example.org", 1,
	  MAIL_SPF_Q_NONE, 0, 1, "redirect:_spf.example.org", NULL, 0 },
	{ "redirect after include", "v=spf1 include:a.example "
	  "redirect=b.example", 2, MAIL_SPF_Q_NONE, 0, 1,
	  "include:a.example redirect:b.example", NULL, 0 },
	{ "redirect before all is ignored", "v=spf1 redirect=b.example -all",
	  0, MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-REDIRECT-IGNORED", 1 },
	{ "fail include does not authorise", "v=spf1 -include:bad.example "
	  "-all", 1, MAIL_SPF_Q_FAIL, 0, 0, "include:bad.example", NULL, 0 },
	{ "macro domain in include", "v=spf1 include:%{d}.spf.example.net "
	  "-all", 1, MAIL_SPF_Q_FAIL, 0, 1,
	  "include:%{d}.spf.example.net", NULL, 0 },
	{ "macro ends the domain", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} "
	  "-all", 1, MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "escapes %% %_ %-", "v=spf1 exists:a%%b%_c%-d.example.org -all",
	  1, MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "exp= is no lookup", "v=spf1 mx exp=explain._spf.%{d} -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", NULL, 0 },
	{ "pass-all", "v=spf1 +all", 0, MAIL_SPF_Q_PASS, 0, 1, "",
	  "SPF-PASS-ALL", 1 },
	{ "pass-all without qualifier", "v=spf1 mx all", 1,
	  MAIL_SPF_Q_PASS, 0, 1, "", "SPF-PASS-ALL", 2 },
	{ "neutral all", "v=spf1 ?all", 0, MAIL_SPF_Q_NEUTRAL, 0, 0, "",
	  "SPF-NEUTRAL-ALL", 1 },
	{ "no all at all", "v=spf1 mx", 1, MAIL_SPF_Q_NONE, 0, 1, "",
	  "SPF-NO-ALL", 0 },
	{ "empty record", "v=spf1", 0, MAIL_SPF_Q_NONE, 0, 0, "",
	  "SPF-NO-ALL", 0 },
	{ "ptr warns and counts", "v=spf1 ptr:example.org -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", "SPF-PTR", 1 },
	{ "terms after all never run", "v=spf1 -all include:late.example "
	  "+ip4:192.0.2.1", 0, MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-AFTER-ALL",
	  2 },
	{ "second all does not change the first", "v=spf1 -all +all", 0,
	  MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-AFTER-ALL", 2 },
	{ "pass for an IPv4 /4", "v=spf1 ip4:0.0.0.0/4 -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 1, "", "SPF-WIDE-RANGE", 1 },
	{ "pass for an IPv6 /8", "v=spf1 ip6:2000::/8 -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 1, "", "SPF-WIDE-RANGE", 1 },
	{ "a/0 passes every IPv4 address", "v=spf1 a/0 -all", 1,
	  MAIL_SPF_Q_FAIL, 0, 1, "", "SPF-WIDE-RANGE", 1 },
	{ "unknown modifier ignored", "v=spf1 foo.bar-baz_1=x%{d}/y -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-UNKNOWN-MODIFIER", 1 },
	{ "unknown modifier may use c r t", "v=spf1 note=%{c}%{r}%{t} -all",
	  0, MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-UNKNOWN-MODIFIER", 1 },
	{ "unknown modifier with empty value", "v=spf1 x= -all", 0,
	  MAIL_SPF_Q_FAIL, 0, 0, "", "SPF-UNKNOWN-MODIFIER", 1 },
	{ "exactly ten lookups",
	  "v=spf1 a mx ptr exists:e.example include:1.example "
	  "include:2.example include:3.example include:4.example "
	  "include:5.example redirect=6.example", 10, MAIL_SPF_Q_NONE, 0, 1,
	  "include:1.example include:2.example include:3.example "
	  "include:4.example include:5.example redirect:6.example",
	  "SPF-PTR", 3 },
	{ "hyphenated numeric top-level label (RFC 7208 toplabel)",
	  "v=spf1 a:host.123-456 -all", 1, MAIL_SPF_Q_FAIL, 0, 1, "", NULL,
	  0 },
};

static void
spf_valid_table(void **state)
{
	static struct mail_spf s;
	char got[2048];
	size_t i;
	unsigned k;

	(void)state;
	for (i = 0; i < N(spf_ok); i++) {
		const char *txt = spf_ok[i].txt;
		int rv = mail_spf_parse(txt, strlen(txt), &s);

		got[0] = '\0';
		for (k = 0; k < s.ntarget; k++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%s:%s", k ? " " : "", s.target[k].kind ==
			    MAIL_SPF_INCLUDE ? "include" : "redirect",
			    s.target[k].domain);
		notes_well_formed(&s.notes);
		if (rv != 0 || s.lookups != spf_ok[i].lookups ||
		    s.all != spf_ok[i].all ||
		    s.null_record != spf_ok[i].null_record ||
		    s.authorises != spf_ok[i].authorises ||
		    strcmp(got, spf_ok[i].targets) != 0 ||
		    (spf_ok[i].code == NULL ? s.notes.nwarn + s.notes.nerr != 0 :
		    note(&s.notes, spf_ok[i].code) == NULL ||
		    note(&s.notes, spf_ok[i].code)->term !=
		    spf_ok[i].code_term)) {
			dump(spf_ok[i].what, txt, &s.notes);
			fail_msg("case \"%s\": rv %d lookups %u all %s null %d "
			    "authorises %d targets \"%s\"", spf_ok[i].what, rv,
			    s.lookups, mail_spf_qualifier_name(s.all),
			    s.null_record, s.authorises, got);
		}
	}
}

/* Invalid records: SPF-SYNTAX at term with a message containing text. */
static const struct {
	const char *what, *txt;
	size_t len;			/* 0: strlen */
	unsigned term;
	const char *text;
} spf_bad[] = {
	{ "unknown mechanism", "v=spf1 mxx -all", 0, 1, "unknown mechanism" },
	{ "missing colon", "v=spf1 include.example.org -all", 0, 1,
	  "unknown mechanism" },
	{ "include without domain", "v=spf1 include -all", 0, 1,
	  "include needs \":domain\"" },
	{ "include with empty domain", "v=spf1 include: -all", 0, 1,
	  "include needs a domain" },
	{ "exists without domain", "v=spf1 exists -all", 0, 1,
	  "exists needs" },
	{ "single-label domain", "v=spf1 include:example -all", 0, 1,
	  "top-level label" },
	{ "numeric top-level label", "v=spf1 a:host.123 -all", 0, 1,
	  "top-level label" },
	{ "IP address as include", "v=spf1 include:192.0.2.1 -all", 0, 1,
	  "use ip4:" },
	{ "empty label", "v=spf1 include:x..example.org -all", 0, 1,
	  "empty label" },
	{ "leading dot", "v=spf1 a:.example.org -all", 0, 1, "empty label" },
	{ "label over 63", "v=spf1 a:"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  ".example -all", 0, 1, "longer than 63" },
	{ "trailing hyphen top label", "v=spf1 a:x.org- -all", 0, 1,
	  "top-level label" },
	{ "all with argument", "v=spf1 all:x.example", 0, 1,
	  "all takes no argument" },
	{ "all with prefix", "v=spf1 -all/24", 0, 1, "all takes no argument" },
	{ "ip4 octet over 255", "v=spf1 ip4:192.0.2.300 -all", 0, 1,
	  "bad IPv4 address" },
	{ "ip4 leading zero", "v=spf1 ip4:192.0.02.1 -all", 0, 1,
	  "bad IPv4 address" },
	{ "ip4 three octets", "v=spf1 ip4:192.0.2 -all", 0, 1,
	  "bad IPv4 address" },
	{ "ip4 five octets", "v=spf1 ip4:192.0.2.1.5 -all", 0, 1,
	  "bad IPv4 address" },
	{ "ip4 empty", "v=spf1 ip4: -all", 0, 1, "bad IPv4 address" },
	{ "ip4 without colon", "v=spf1 ip4 -all", 0, 1, "needs \":address\"" },
	{ "ip4 holding IPv6", "v=spf1 ip4:2001:db8::1 -all", 0, 1,
	  "bad IPv4 address" },
	{ "ip4 length 33", "v=spf1 ip4:192.0.2.0/33 -all", 0, 1,
	  "bad prefix length" },
	{ "ip4 length leading zero", "v=spf1 ip4:192.0.2.0/024 -all", 0, 1,
	  "bad prefix length" },
	{ "ip4 empty length", "v=spf1 ip4:192.0.2.0/ -all", 0, 1,
	  "bad prefix length" },
	{ "ip4 length with letters", "v=spf1 ip4:192.0.2.0/2x -all", 0, 1,
	  "bad prefix length" },
	{ "ip4 double length", "v=spf1 ip4:192.0.2.0/24/24 -all", 0, 1,
	  "bad prefix length" },
	{ "ip6 length 129", "v=spf1 ip6:2001:db8::/129 -all", 0, 1,
	  "bad prefix length" },
	{ "ip6 bad address", "v=spf1 ip6:2001:db8:::1 -all", 0, 1,
	  "bad IPv6 address" },
	{ "ip6 holding IPv4", "v=spf1 ip6:192.0.2.1 -all", 0, 1,
	  "bad IPv6 address" },
	{ "ip6 zone index", "v=spf1 ip6:fe80::1%eth0 -all", 0, 1,
	  "bad IPv6 address" },
	{ "ip6 address too long", "v=spf1 ip6:0000:0000:0000:0000:0000:0000:"
	  "0000:0000:0000 -all", 0, 1, "bad IPv6 address" },
	{ "a length 33", "v=spf1 a/33 -all", 0, 1, "bad IPv4 prefix length" },
	{ "a ip6 length 129", "v=spf1 a//129 -all", 0, 1,
	  "bad IPv6 prefix length" },
	{ "mx triple slash", "v=spf1 mx/24///64 -all", 0, 1,
	  "bad IPv6 prefix length" },
	{ "mx one slash twice", "v=spf1 mx/24/64 -all", 0, 1,
	  "bad prefix length" },
	{ "a followed by junk", "v=spf1 a=x -all", 0, 0, NULL },
	{ "mx followed by junk", "v=spf1 mx;x -all", 0, 1,
	  "expected \":domain\"" },
	{ "ptr with prefix length", "v=spf1 ptr/24 -all", 0, 1,
	  "ptr takes only" },
	{ "percent alone", "v=spf1 exists:a%b.example.org -all", 0, 1,
	  "\"%\" must start" },
	{ "percent at the end", "v=spf1 exists:example.org% -all", 0, 1,
	  "\"%\" must start" },
	{ "macro unterminated", "v=spf1 include:%{d -all", 0, 1,
	  "macro must be" },
	{ "macro empty", "v=spf1 include:%{}.example.org -all", 0, 1,
	  "macro letter" },
	{ "macro unknown letter", "v=spf1 include:%{x}.example.org -all", 0,
	  1, "macro letter" },
	{ "macro c outside exp", "v=spf1 exists:%{c}.example.org -all", 0, 1,
	  "only allowed in exp" },
	{ "macro zero digits", "v=spf1 include:%{d0}.example.org -all", 0, 1,
	  "must not be 0" },
	{ "macro bad delimiter", "v=spf1 include:%{d2r*}.example.org -all",
	  0, 1, "macro must be" },
	{ "macro then a dot only", "v=spf1 mx:%{d}. -all", 0, 1,
	  "top-level label" },
	{ "macro then text", "v=spf1 a:%{d}x -all", 0, 1, "top-level label" },
	{ "redirect twice", "v=spf1 redirect=a.example redirect=b.example", 0,
	  2, "given twice" },
	{ "exp twice", "v=spf1 exp=a.example exp=b.example -all", 0, 2,
	  "given twice" },
	{ "redirect without domain", "v=spf1 redirect= ", 0, 1,
	  "redirect= needs a domain" },
	{ "qualified modifier", "v=spf1 +redirect=x.example", 0, 1,
	  "takes no qualifier" },
	{ "double qualifier", "v=spf1 --all", 0, 1, "expected a mechanism" },
	{ "qualifier alone", "v=spf1 - all", 0, 1, "expected a mechanism" },
	{ "bad modifier value", "v=spf1 foo=%{z} -all", 0, 1,
	  "bad modifier value" },
	{ "tab between terms", "v=spf1 mx\t-all", 0, 1, "control, tab" },
	{ "NUL inside a term", "v=spf1 m\0x -all", 15, 1, "control, tab" },
	{ "non-ASCII octet", "v=spf1 include:b\xc3\xbc" "cher.example -all",
	  0, 1, "non-ASCII" },
	{ "CR LF at the end", "v=spf1 -all\r\n", 0, 1, "control, tab" },
	{ "domain over 253", "v=spf1 include:"
	  "a123456789.a123456789.a123456789.a123456789.a123456789."
	  "a123456789.a123456789.a123456789.a123456789.a123456789."
	  "a123456789.a123456789.a123456789.a123456789.a123456789."
	  "a123456789.a123456789.a123456789.a123456789.a123456789."
	  "a123456789.a123456789.a123456789.org -all", 0, 1,
	  "longer than 253" },
	{ "error in a later term", "v=spf1 mx a:ok.example ip4:1.2.3 -all", 0,
	  3, "bad IPv4 address" },
	{ "error after all still counts (RFC 7208 4.6)",
	  "v=spf1 -all ip4:bad", 0, 2, "bad IPv4 address" },
};

static void
spf_invalid_table(void **state)
{
	static struct mail_spf s;
	const struct mail_policy_note *n;
	size_t i;

	(void)state;
	for (i = 0; i < N(spf_bad); i++) {
		size_t len = spf_bad[i].len ? spf_bad[i].len :
		    strlen(spf_bad[i].txt);
		int rv = mail_spf_parse(spf_bad[i].txt, len, &s);

		notes_well_formed(&s.notes);
		n = note(&s.notes, "SPF-SYNTAX");
		if (spf_bad[i].text == NULL) {
			/* "a=x" is an unknown modifier named a, valid. */
			if (rv != 0)
				fail_msg("case \"%s\": rv %d", spf_bad[i].what,
				    rv);
			continue;
		}
		if (rv != MX_ESYNTAX || n == NULL ||
		    n->term != spf_bad[i].term ||
		    strstr(n->text, spf_bad[i].text) == NULL ||
		    s.null_record) {
			dump(spf_bad[i].what, spf_bad[i].txt, &s.notes);
			fail_msg("case \"%s\": rv %d", spf_bad[i].what, rv);
		}
	}
}

static void
spf_not_a_record(void **state)
{
	static struct mail_spf s;

	(void)state;
	assert_int_equal(mail_spf_parse("v=spf10 -all", 12, &s), MX_EINVAL);
	assert_non_null(note(&s.notes, "SPF-VERSION"));
	assert_non_null(strstr(s.notes.note[0].text, "\"v=spf10 -all\""));
	assert_int_equal(s.notes.nerr, 1);
	assert_int_equal(s.nterm, 0);
	assert_int_equal(s.redirect, -1);
	assert_int_equal(mail_spf_parse("", 0, &s), MX_EINVAL);
	assert_int_equal(mail_spf_parse(NULL, 5, &s), MX_EINVAL);
	/* A long non-record is quoted cut. */
	assert_int_equal(mail_spf_parse("google-site-verification="
	    "abcdefghijklmnopqrstuvwxyz", 51, &s), MX_EINVAL);
	assert_non_null(strstr(s.notes.note[0].text, "...\""));
}

static int
spf(const char *txt, struct mail_spf *s)
{
	return mail_spf_parse(txt, strlen(txt), s);
}

static void
spf_counts_and_bounds(void **state)
{
	static struct mail_spf s;
	static char txt[8192];
	size_t len;
	unsigned i;

	(void)state;
	/* 40 includes: 32 kept, 40 counted, over the lookup limit. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=spf1");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len,
		    " include:s%u.example.net", i);
	len += (size_t)snprintf(txt + len, sizeof(txt) - len, " -all");
	assert_int_equal(mail_spf_parse(txt, len, &s), MX_ESYNTAX);
	assert_int_equal(s.ntarget, MAIL_SPF_TARGETS_MAX);
	assert_int_equal(s.ntarget_all, 40);
	assert_int_equal(s.lookups, 40);
	assert_int_equal(s.nterm, 41);
	assert_string_equal(s.target[31].domain, "s31.example.net");
	assert_int_equal(s.target[31].term, 32);
	assert_non_null(note(&s.notes, "SPF-TARGETS-CUT"));
	assert_non_null(note(&s.notes, "SPF-TOO-MANY-LOOKUPS"));
	assert_int_equal(s.redirect, -1);

	/* 40 bad terms: 16 notes kept, every error counted. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=spf1");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len, " bad%u",
		    i);
	assert_int_equal(mail_spf_parse(txt, len, &s), MX_ESYNTAX);
	assert_int_equal(s.notes.nnote, MAIL_POLICY_NOTES_MAX);
	assert_int_equal(s.notes.nerr, 40);
	assert_int_equal(s.notes.note[15].term, 16);
	notes_well_formed(&s.notes);

	/* A 4 KiB term is quoted cut. */
	memcpy(txt, "v=spf1 include:", 15);
	memset(txt + 15, 'a', 4000);
	memcpy(txt + 4015, ".example", 8);
	assert_int_equal(mail_spf_parse(txt, 4023, &s), MX_ESYNTAX);
	assert_non_null(strstr(s.notes.note[0].text, "...\""));
	notes_well_formed(&s.notes);

	/* A redirect with a macro is flagged; the record keeps its index. */
	assert_int_equal(spf("v=spf1 include:a.example "
	    "redirect=%{d}._spf.example.net", &s), 0);
	assert_int_equal(s.redirect, 1);
	assert_int_equal(s.target[1].kind, MAIL_SPF_REDIRECT);
	assert_true(s.target[1].macro);
	assert_false(s.target[0].macro);
	assert_int_equal(s.target[1].term, 2);

	/* A long macro target is kept cut. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=spf1 include:%%{d}");
	for (i = 0; i < 30; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len,
		    ".abcdefghij");
	len += (size_t)snprintf(txt + len, sizeof(txt) - len, ".org");
	assert_int_equal(mail_spf_parse(txt, len, &s), 0);
	assert_int_equal(s.ntarget, 1);
	assert_true(s.target[0].cut);
	assert_true(s.target[0].macro);
	assert_int_equal(strlen(s.target[0].domain), MAIL_SPF_DOMAIN_MAX);

	/* Only the bytes given are read: the record ends before "mx". */
	assert_int_equal(mail_spf_parse("v=spf1 -all mx", 11, &s), 0);
	assert_true(s.null_record);
	assert_int_equal(s.nterm, 1);
	assert_int_equal(s.nip4 + s.nip6, 0);
	assert_int_equal(spf("v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 "
	    "ip6:2001:db8::1 -all", &s), 0);
	assert_int_equal(s.nip4, 2);
	assert_int_equal(s.nip6, 1);
	assert_int_equal(s.nptr, 0);
}

static void
spf_qualifier_names(void **state)
{
	(void)state;
	assert_string_equal(mail_spf_qualifier_name(MAIL_SPF_Q_NONE), "none");
	assert_string_equal(mail_spf_qualifier_name(MAIL_SPF_Q_SOFTFAIL),
	    "softfail");
	assert_string_equal(mail_spf_qualifier_name(MAIL_SPF_Q_NEUTRAL),
	    "neutral");
	assert_string_equal(mail_spf_qualifier_name(5), "?");
	assert_string_equal(mail_spf_qualifier_name(-1), "?");
}

/*
 * DMARC
 */

static void
dmarc_is_record_table(void **state)
{
	static const struct {
		const char *what, *txt;
		int want;
	} cases[] = {
		{ "plain", "v=DMARC1; p=none", 1 },
		{ "blanks around =", "v = DMARC1 ; p=none", 1 },
		{ "upper-case tag name", "V=DMARC1; p=none", 1 },
		{ "version alone", "v=DMARC1", 1 },
		{ "version value lower case (must match exactly)",
		  "v=dmarc1; p=none", 0 },
		{ "DMARC2", "v=DMARC2; p=none", 0 },
		{ "DMARC10", "v=DMARC10; p=none", 0 },
		{ "p first", "p=none; v=DMARC1", 0 },
		{ "leading blank", " v=DMARC1; p=none", 0 },
		{ "SPF", "v=spf1 -all", 0 },
		{ "empty", "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (mail_dmarc_is_record(cases[i].txt,
		    strlen(cases[i].txt)) != cases[i].want)
			fail_msg("case \"%s\"", cases[i].what);
	assert_false(mail_dmarc_is_record(NULL, 3));
}

static const struct {
	const char *what, *txt;
	int rv;
	enum mail_dmarc_policy p, sp;
	unsigned pct;
	const char *code;		/* a note that must be there, or NULL
					 * for none at all */
	unsigned term;
} dmarc_cases[] = {
	{ "minimal", "v=DMARC1; p=none", 0, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, NULL, 0 },
	{ "trailing semicolon and blanks", "v=DMARC1;\tp=reject ;  ", 0,
	  MAIL_DMARC_P_REJECT, MAIL_DMARC_P_UNSET, 100, NULL, 0 },
	{ "blanks around =", "v = DMARC1 ; p = quarantine ; sp = none", 0,
	  MAIL_DMARC_P_QUARANTINE, MAIL_DMARC_P_NONE, 100, NULL, 0 },
	{ "values in any case", "v=DMARC1; P=Reject; SP=NONE", 0,
	  MAIL_DMARC_P_REJECT, MAIL_DMARC_P_NONE, 100, NULL, 0 },
	{ "every tag", "v=DMARC1; p=reject; sp=quarantine; "
	  "rua=mailto:agg@example.org,mailto:x@example.net!10m; "
	  "ruf=mailto:f@example.org; adkim=s; aspf=s; fo=0:1:d:s; rf=afrf; "
	  "ri=3600; pct=100", 0, MAIL_DMARC_P_REJECT,
	  MAIL_DMARC_P_QUARANTINE, 100, NULL, 0 },
	{ "pct below 100 is info", "v=DMARC1; p=quarantine; pct=25", 0,
	  MAIL_DMARC_P_QUARANTINE, MAIL_DMARC_P_UNSET, 25, "DMARC-PCT", 3 },
	{ "pct 0", "v=DMARC1; p=reject; pct=0", 0, MAIL_DMARC_P_REJECT,
	  MAIL_DMARC_P_UNSET, 0, "DMARC-PCT", 3 },
	{ "unknown tag is ignored", "v=DMARC1; p=none; foo=bar", 0,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-UNKNOWN-TAG",
	  3 },
	{ "DMARCbis tags", "v=DMARC1; p=none; np=reject; t=y; psd=n", 0,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, NULL, 0 },
	{ "p not second", "v=DMARC1; rua=mailto:a@example.org; p=none", 0,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-TAG-ORDER", 3 },
	{ "empty tag", "v=DMARC1; p=none;; sp=none", 0, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_NONE, 100, "DMARC-EMPTY-TAG", 3 },
	{ "https report URI", "v=DMARC1; p=none; rua=https://r.example.org/d",
	  0, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-URI-SCHEME",
	  3 },
	{ "unregistered report format", "v=DMARC1; p=none; rf=afrf:iodef", 0,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-UNKNOWN-FORMAT",
	  3 },
	{ "encoded comma in mailto", "v=DMARC1; p=none; "
	  "rua=mailto:a%2cb@example.org", 0, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, NULL, 0 },
	{ "mailto with hfields", "v=DMARC1; p=none; "
	  "rua=mailto:a@example.org?subject=dmarc", 0, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, NULL, 0 },
	{ "missing p", "v=DMARC1; rua=mailto:a@example.org", MX_ESYNTAX,
	  MAIL_DMARC_P_UNSET, MAIL_DMARC_P_UNSET, 100, "DMARC-NO-POLICY", 0 },
	{ "version alone", "v=DMARC1", MX_ESYNTAX, MAIL_DMARC_P_UNSET,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-NO-POLICY", 0 },
	{ "bad p", "v=DMARC1; p=nonee", MX_ESYNTAX, MAIL_DMARC_P_UNSET,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 2 },
	{ "p prefix is not p (OpenDMARC accepts p=n)", "v=DMARC1; p=n",
	  MX_ESYNTAX, MAIL_DMARC_P_UNSET, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 2 },
	{ "bad sp", "v=DMARC1; p=none; sp=all", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "bad np", "v=DMARC1; p=none; np=x", MX_ESYNTAX, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "p twice", "v=DMARC1; p=none; p=reject", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "repeat in another case", "v=DMARC1; p=none; rua=mailto:a@b.example;"
	  " RUA=mailto:c@d.example", MX_ESYNTAX, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 4 },
	{ "v again", "v=DMARC1; p=none; v=DMARC1", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "no semicolon after version", "v=DMARC1 p=none", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 1 },
	{ "pct 101", "v=DMARC1; p=none; pct=101", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "pct four digits", "v=DMARC1; p=none; pct=0050", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "pct negative", "v=DMARC1; p=none; pct=-1", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "ri over 32 bits", "v=DMARC1; p=none; ri=4294967296", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "ri huge", "v=DMARC1; p=none; ri=99999999999999999999999999",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "adkim x", "v=DMARC1; p=none; adkim=x", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "aspf relaxed spelled out", "v=DMARC1; p=none; aspf=relaxed",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "fo 2", "v=DMARC1; p=none; fo=2", MX_ESYNTAX, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "fo empty item", "v=DMARC1; p=none; fo=0::1", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "rf bad keyword", "v=DMARC1; p=none; rf=-x", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "t maybe", "v=DMARC1; p=none; t=maybe", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "psd x", "v=DMARC1; p=none; psd=x", MX_ESYNTAX, MAIL_DMARC_P_NONE,
	  MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "empty value", "v=DMARC1; p=none; rua=", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "tag without =", "v=DMARC1; p=none; rua", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "tag without name", "v=DMARC1; p=none; =x", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "tag name with hyphen", "v=DMARC1; p=none; a-b=x", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "control octet in value", "v=DMARC1; p=none; foo=a\001b", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "non-ASCII in value", "v=DMARC1; p=none; rua=mailto:\xc3\xa9@x.org",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "URI without scheme", "v=DMARC1; p=none; rua=dmarc@example.org",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "mailto without @", "v=DMARC1; p=none; rua=mailto:dmarc",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "mailto without domain", "v=DMARC1; p=none; rua=mailto:d@",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "unencoded comma splits the address",
	  "v=DMARC1; p=none; rua=mailto:a,b@example.org", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "empty URI in list", "v=DMARC1; p=none; "
	  "rua=mailto:a@example.org,,mailto:b@example.org", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "bad size suffix", "v=DMARC1; p=none; rua=mailto:a@example.org!5q",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "size without digits", "v=DMARC1; p=none; rua=mailto:a@example.org!m",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "size over 64 bits", "v=DMARC1; p=none; "
	  "rua=mailto:a@example.org!18446744073709551616", MX_ESYNTAX,
	  MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100, "DMARC-SYNTAX", 3 },
	{ "bad percent escape", "v=DMARC1; p=none; rua=mailto:a%zz@x.org",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
	{ "space inside a URI", "v=DMARC1; p=none; rua=mailto:a b@x.org",
	  MX_ESYNTAX, MAIL_DMARC_P_NONE, MAIL_DMARC_P_UNSET, 100,
	  "DMARC-SYNTAX", 3 },
};

static void
dmarc_table(void **state)
{
	static struct mail_dmarc d;
	const struct mail_policy_note *n;
	size_t i;

	(void)state;
	for (i = 0; i < N(dmarc_cases); i++) {
		const char *txt = dmarc_cases[i].txt;
		int rv = mail_dmarc_parse(txt, strlen(txt), &d);

		notes_well_formed(&d.notes);
		n = dmarc_cases[i].code != NULL ?
		    note(&d.notes, dmarc_cases[i].code) : NULL;
		if (rv != dmarc_cases[i].rv || d.p != dmarc_cases[i].p ||
		    d.sp != dmarc_cases[i].sp || d.pct != dmarc_cases[i].pct ||
		    (dmarc_cases[i].code == NULL ?
		    d.notes.nnote != 0 : n == NULL ||
		    n->term != dmarc_cases[i].term)) {
			dump(dmarc_cases[i].what, txt, &d.notes);
			fail_msg("case \"%s\": rv %d p %s sp %s pct %u",
			    dmarc_cases[i].what, rv,
			    mail_dmarc_policy_name(d.p),
			    mail_dmarc_policy_name(d.sp), d.pct);
		}
	}
}

static void
dmarc_fields(void **state)
{
	static struct mail_dmarc d;
	static const char every[] = "v=DMARC1; p=reject; sp=quarantine; "
	    "rua=mailto:agg@example.org, mailto:x@example.net!10m; "
	    "ruf=mailto:f@example.org; adkim=s; aspf=s; fo=1:d; rf=afrf; "
	    "ri=3600";
	static char txt[4096];
	size_t len;
	unsigned i;

	(void)state;
	assert_int_equal(mail_dmarc_parse(every, sizeof(every) - 1, &d), 0);
	assert_int_equal(d.ntag, 10);
	assert_int_equal(d.nrua, 2);
	assert_int_equal(d.nrua_valid, 2);
	assert_string_equal(d.rua[0], "mailto:agg@example.org");
	assert_string_equal(d.rua[1], "mailto:x@example.net");	/* no !10m */
	assert_int_equal(d.nruf, 1);
	assert_string_equal(d.ruf[0], "mailto:f@example.org");
	assert_int_equal(d.adkim, 's');
	assert_int_equal(d.aspf, 's');
	assert_int_equal(d.fo, MAIL_DMARC_FO_1 | MAIL_DMARC_FO_D);
	assert_int_equal(d.ri, 3600);
	assert_int_equal(d.np, MAIL_DMARC_P_UNSET);

	/* Defaults (RFC 7489 6.3). */
	assert_int_equal(mail_dmarc_parse("v=DMARC1; p=none", 16, &d), 0);
	assert_int_equal(d.adkim, 'r');
	assert_int_equal(d.aspf, 'r');
	assert_int_equal(d.pct, 100);
	assert_int_equal(d.ri, 86400);
	assert_int_equal(d.fo, MAIL_DMARC_FO_0);
	assert_int_equal(d.nrua, 0);
	assert_int_equal(d.ri, 86400);

	/* Missing p: the note says what receivers then do (6.6.3). */
	assert_int_equal(mail_dmarc_parse("v=DMARC1; rua=mailto:a@example.org",
	    34, &d), MX_ESYNTAX);
	assert_non_null(strstr(note(&d.notes, "DMARC-NO-POLICY")->text,
	    "p=none"));
	assert_int_equal(mail_dmarc_parse("v=DMARC1; rua=mailto:bad", 24, &d),
	    MX_ESYNTAX);
	assert_non_null(strstr(note(&d.notes, "DMARC-NO-POLICY")->text,
	    "ignore the record"));

	/* Not DMARC: one note naming the version. */
	assert_int_equal(mail_dmarc_parse("v=dmarc1; p=none", 16, &d),
	    MX_EINVAL);
	assert_int_equal(d.notes.nnote, 1);
	assert_string_equal(d.notes.note[0].code, "DMARC-VERSION");
	assert_int_equal(mail_dmarc_parse(NULL, 0, &d), MX_EINVAL);

	/* 12 URIs: 8 kept, 12 counted. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=DMARC1; p=none; rua=");
	for (i = 0; i < 12; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len,
		    "%smailto:r%u@example.org", i ? "," : "", i);
	assert_int_equal(mail_dmarc_parse(txt, len, &d), 0);
	assert_int_equal(d.nrua, 12);
	assert_int_equal(d.nrua_valid, 12);
	assert_string_equal(d.rua[7], "mailto:r7@example.org");

	/* A URI over MAIL_URI_MAX is kept cut. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=DMARC1; p=none; "
	    "rua=mailto:a@");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len,
		    "abcdefgh.");
	len += (size_t)snprintf(txt + len, sizeof(txt) - len, "org");
	assert_int_equal(mail_dmarc_parse(txt, len, &d), 0);
	assert_int_equal(strlen(d.rua[0]), MAIL_URI_MAX);

	/* 60 unknown tags: repeats beyond 32 names are not looked for,
	 * every tag is still counted. */
	len = (size_t)snprintf(txt, sizeof(txt), "v=DMARC1; p=none");
	for (i = 0; i < 60; i++)
		len += (size_t)snprintf(txt + len, sizeof(txt) - len,
		    "; x%u=y", i);
	assert_int_equal(mail_dmarc_parse(txt, len, &d), 0);
	assert_int_equal(d.ntag, 62);
	assert_int_equal(d.notes.ninfo, 60);
	assert_int_equal(d.notes.nnote, MAIL_POLICY_NOTES_MAX);

	assert_string_equal(mail_dmarc_policy_name(MAIL_DMARC_P_QUARANTINE),
	    "quarantine");
	assert_string_equal(mail_dmarc_policy_name(MAIL_DMARC_P_UNSET),
	    "unset");
	assert_string_equal(mail_dmarc_policy_name(9), "?");
}

/*
 * MTA-STS and TLS-RPT
 */

static const struct {
	const char *what, *txt;
	int rv;
	const char *id;
	const char *code;
	unsigned term;
} sts_cases[] = {
	{ "RFC 8461 example", "v=STSv1; id=20160831085700Z;", 0,
	  "20160831085700Z", NULL, 0 },
	{ "no blanks", "v=STSv1;id=abc", 0, "abc", NULL, 0 },
	{ "32 characters", "v=STSv1; id=0123456789abcdefABCDEF0123456789",
	  0, "0123456789abcdefABCDEF0123456789", NULL, 0 },
	{ "extension", "v=STSv1; id=1; x.y_z-9=anything!", 0, "1", NULL, 0 },
	{ "empty field", "v=STSv1;; id=1", 0, "1", "MTA-STS-EMPTY-FIELD",
	  2 },
	{ "version alone", "v=STSv1", MX_ESYNTAX, "", "MTA-STS-NO-ID", 0 },
	{ "version and semicolon", "v=STSv1;", MX_ESYNTAX, "",
	  "MTA-STS-NO-ID", 0 },
	{ "empty id", "v=STSv1; id=", MX_ESYNTAX, "", "MTA-STS-SYNTAX", 2 },
	{ "33 characters", "v=STSv1; id=0123456789abcdefABCDEF0123456789x",
	  MX_ESYNTAX, "", "MTA-STS-SYNTAX", 2 },
	{ "hyphen in id", "v=STSv1; id=2024-01-01", MX_ESYNTAX, "",
	  "MTA-STS-SYNTAX", 2 },
	{ "upper-case ID", "v=STSv1; ID=abc", MX_ESYNTAX, "",
	  "MTA-STS-SYNTAX", 2 },
	{ "id twice", "v=STSv1; id=a; id=b", MX_ESYNTAX, "a",
	  "MTA-STS-SYNTAX", 3 },
	{ "blanks around =", "v=STSv1; id = abc", MX_ESYNTAX, "",
	  "MTA-STS-SYNTAX", 2 },
	{ "no semicolon after version", "v=STSv1 id=abc", MX_ESYNTAX, "abc",
	  "MTA-STS-SYNTAX", 1 },
	{ "blank in extension value", "v=STSv1; id=a; e=x y", MX_ESYNTAX, "a",
	  "MTA-STS-SYNTAX", 3 },
	{ "field without =", "v=STSv1; id=a; junk", MX_ESYNTAX, "a",
	  "MTA-STS-SYNTAX", 3 },
	{ "extension name over 32", "v=STSv1; id=a; "
	  "abcdefghijklmnopqrstuvwxyz0123456=1", MX_ESYNTAX, "a",
	  "MTA-STS-SYNTAX", 3 },
	{ "extension name starting with _", "v=STSv1; id=a; _x=1",
	  MX_ESYNTAX, "a", "MTA-STS-SYNTAX", 3 },
	{ "v again", "v=STSv1; id=a; v=STSv1", MX_ESYNTAX, "a",
	  "MTA-STS-SYNTAX", 3 },
	{ "version in lower case", "v=stsv1; id=abc", MX_EINVAL, "",
	  "MTA-STS-VERSION", 0 },
	{ "STSv2", "v=STSv2; id=abc", MX_EINVAL, "", "MTA-STS-VERSION", 0 },
};

static void
sts_table(void **state)
{
	static struct mail_sts t;
	const struct mail_policy_note *n;
	size_t i;

	(void)state;
	for (i = 0; i < N(sts_cases); i++) {
		const char *txt = sts_cases[i].txt;
		int rv = mail_sts_parse(txt, strlen(txt), &t);

		notes_well_formed(&t.notes);
		n = sts_cases[i].code != NULL ?
		    note(&t.notes, sts_cases[i].code) : NULL;
		if (rv != sts_cases[i].rv ||
		    strcmp(t.id, sts_cases[i].id) != 0 ||
		    (sts_cases[i].code == NULL ? t.notes.nnote != 0 :
		    n == NULL || n->term != sts_cases[i].term) ||
		    mail_sts_is_record(txt, strlen(txt)) !=
		    (rv != MX_EINVAL)) {
			dump(sts_cases[i].what, txt, &t.notes);
			fail_msg("case \"%s\": rv %d id \"%s\"",
			    sts_cases[i].what, rv, t.id);
		}
	}
}

static const struct {
	const char *what, *txt;
	int rv;
	unsigned nrua, nvalid;
	const char *first;
	const char *code;
	unsigned term;
} tlsrpt_cases[] = {
	{ "mailto", "v=TLSRPTv1; rua=mailto:tlsrpt@example.org", 0, 1, 1,
	  "mailto:tlsrpt@example.org", NULL, 0 },
	{ "mailto and https with blanks", "v=TLSRPTv1;rua=mailto:a@example.org"
	  " , https://reports.example.org/v1/tls;", 0, 2, 2,
	  "mailto:a@example.org", NULL, 0 },
	{ "extension", "v=TLSRPTv1; rua=mailto:a@example.org; x=1", 0, 1, 1,
	  "mailto:a@example.org", NULL, 0 },
	{ "no rua", "v=TLSRPTv1;", MX_ESYNTAX, 0, 0, NULL, "TLSRPT-NO-RUA",
	  0 },
	{ "empty rua", "v=TLSRPTv1; rua=", MX_ESYNTAX, 1, 0, NULL,
	  "TLSRPT-SYNTAX", 2 },
	{ "other scheme", "v=TLSRPTv1; rua=ftp://r.example.org", MX_ESYNTAX,
	  1, 0, NULL, "TLSRPT-SYNTAX", 2 },
	{ "http is not https", "v=TLSRPTv1; rua=http://r.example.org",
	  MX_ESYNTAX, 1, 0, NULL, "TLSRPT-SYNTAX", 2 },
	{ "https without host", "v=TLSRPTv1; rua=https:///x", MX_ESYNTAX, 1,
	  0, NULL, "TLSRPT-SYNTAX", 2 },
	{ "https one slash", "v=TLSRPTv1; rua=https:/x", MX_ESYNTAX, 1, 0,
	  NULL, "TLSRPT-SYNTAX", 2 },
	{ "size suffix is DMARC only", "v=TLSRPTv1; "
	  "rua=mailto:a@example.org!10m", MX_ESYNTAX, 1, 0, NULL,
	  "TLSRPT-SYNTAX", 2 },
	{ "one bad URI of two", "v=TLSRPTv1; rua=mailto:a@example.org,"
	  "mailto:nobody", MX_ESYNTAX, 2, 1, "mailto:a@example.org",
	  "TLSRPT-SYNTAX", 2 },
	{ "rua twice", "v=TLSRPTv1; rua=mailto:a@example.org; "
	  "rua=mailto:b@example.org", MX_ESYNTAX, 1, 1,
	  "mailto:a@example.org", "TLSRPT-SYNTAX", 3 },
	{ "upper-case RUA", "v=TLSRPTv1; RUA=mailto:a@example.org",
	  MX_ESYNTAX, 0, 0, NULL, "TLSRPT-SYNTAX", 2 },
	{ "tab in rua", "v=TLSRPTv1; rua=mailto:a@example.org\t,\t"
	  "mailto:b@example.org", 0, 2, 2, "mailto:a@example.org", NULL, 0 },
	{ "control in rua", "v=TLSRPTv1; rua=mailto:a@example.org\001",
	  MX_ESYNTAX, 0, 0, NULL, "TLSRPT-SYNTAX", 2 },
	{ "empty field", "v=TLSRPTv1; ; rua=mailto:a@example.org", 0, 1, 1,
	  "mailto:a@example.org", "TLSRPT-EMPTY-FIELD", 2 },
	{ "lower-case version", "v=tlsrptv1; rua=mailto:a@example.org",
	  MX_EINVAL, 0, 0, NULL, "TLSRPT-VERSION", 0 },
};

static void
tlsrpt_table(void **state)
{
	static struct mail_tlsrpt r;
	const struct mail_policy_note *n;
	size_t i;

	(void)state;
	for (i = 0; i < N(tlsrpt_cases); i++) {
		const char *txt = tlsrpt_cases[i].txt;
		int rv = mail_tlsrpt_parse(txt, strlen(txt), &r);

		notes_well_formed(&r.notes);
		n = tlsrpt_cases[i].code != NULL ?
		    note(&r.notes, tlsrpt_cases[i].code) : NULL;
		if (rv != tlsrpt_cases[i].rv || r.nrua != tlsrpt_cases[i].nrua ||
		    r.nrua_valid != tlsrpt_cases[i].nvalid ||
		    (tlsrpt_cases[i].first != NULL &&
		    strcmp(r.rua[0], tlsrpt_cases[i].first) != 0) ||
		    (tlsrpt_cases[i].code == NULL ? r.notes.nnote != 0 :
		    n == NULL || n->term != tlsrpt_cases[i].term) ||
		    mail_tlsrpt_is_record(txt, strlen(txt)) !=
		    (rv != MX_EINVAL)) {
			dump(tlsrpt_cases[i].what, txt, &r.notes);
			fail_msg("case \"%s\": rv %d nrua %u valid %u",
			    tlsrpt_cases[i].what, rv, r.nrua, r.nrua_valid);
		}
	}
	assert_false(mail_tlsrpt_is_record(NULL, 0));
	assert_false(mail_sts_is_record(NULL, 0));
}

/*
 * Addresses
 */

static const struct {
	const char *addr;
	enum mail_addr_class cls;
} classes[] = {
	{ "8.8.8.8", MAIL_ADDR_GLOBAL },
	{ "1.1.1.1", MAIL_ADDR_GLOBAL },
	{ "0.0.0.0", MAIL_ADDR_UNSPECIFIED },
	{ "0.1.2.3", MAIL_ADDR_THIS_NET },
	{ "10.0.0.1", MAIL_ADDR_PRIVATE },
	{ "10.255.255.255", MAIL_ADDR_PRIVATE },
	{ "11.0.0.1", MAIL_ADDR_GLOBAL },
	{ "100.63.255.255", MAIL_ADDR_GLOBAL },
	{ "100.64.0.1", MAIL_ADDR_SHARED },
	{ "100.127.255.255", MAIL_ADDR_SHARED },
	{ "100.128.0.0", MAIL_ADDR_GLOBAL },
	{ "127.0.0.1", MAIL_ADDR_LOOPBACK },
	{ "127.255.0.9", MAIL_ADDR_LOOPBACK },
	{ "169.254.1.1", MAIL_ADDR_LINK_LOCAL },
	{ "172.15.255.255", MAIL_ADDR_GLOBAL },
	{ "172.16.0.1", MAIL_ADDR_PRIVATE },
	{ "172.31.255.255", MAIL_ADDR_PRIVATE },
	{ "172.32.0.0", MAIL_ADDR_GLOBAL },
	{ "192.0.0.8", MAIL_ADDR_RESERVED },
	{ "192.0.0.9", MAIL_ADDR_GLOBAL },
	{ "192.0.0.10", MAIL_ADDR_GLOBAL },
	{ "192.0.2.1", MAIL_ADDR_DOC },
	{ "192.88.99.1", MAIL_ADDR_GLOBAL },
	{ "192.168.1.1", MAIL_ADDR_PRIVATE },
	{ "198.17.255.255", MAIL_ADDR_GLOBAL },
	{ "198.18.0.1", MAIL_ADDR_BENCHMARK },
	{ "198.19.255.255", MAIL_ADDR_BENCHMARK },
	{ "198.20.0.0", MAIL_ADDR_GLOBAL },
	{ "198.51.100.7", MAIL_ADDR_DOC },
	{ "203.0.113.200", MAIL_ADDR_DOC },
	{ "203.0.114.1", MAIL_ADDR_GLOBAL },
	{ "224.0.0.1", MAIL_ADDR_MULTICAST },
	{ "239.255.255.255", MAIL_ADDR_MULTICAST },
	{ "240.0.0.1", MAIL_ADDR_RESERVED },
	{ "255.255.255.254", MAIL_ADDR_RESERVED },
	{ "255.255.255.255", MAIL_ADDR_BROADCAST },
	{ "2a00:1450:4001::1", MAIL_ADDR_GLOBAL },
	{ "2606:4700::1111", MAIL_ADDR_GLOBAL },
	{ "::", MAIL_ADDR_UNSPECIFIED },
	{ "::1", MAIL_ADDR_LOOPBACK },
	{ "::2", MAIL_ADDR_RESERVED },
	{ "::ffff:192.0.2.1", MAIL_ADDR_MAPPED },
	{ "::ffff:8.8.8.8", MAIL_ADDR_MAPPED },
	{ "::192.0.2.1", MAIL_ADDR_RESERVED },		/* IPv4-compatible */
	{ "64:ff9b::808:808", MAIL_ADDR_GLOBAL },
	{ "64:ff9b:1::1", MAIL_ADDR_RESERVED },
	{ "100::1", MAIL_ADDR_DISCARD },
	{ "100:0:0:1::1", MAIL_ADDR_RESERVED },
	{ "2001::1", MAIL_ADDR_GLOBAL },		/* Teredo */
	{ "2001:1::1", MAIL_ADDR_GLOBAL },
	{ "2001:1::4", MAIL_ADDR_RESERVED },
	{ "2001:2::1", MAIL_ADDR_BENCHMARK },
	{ "2001:2:1::1", MAIL_ADDR_RESERVED },
	{ "2001:3::1", MAIL_ADDR_GLOBAL },
	{ "2001:4:112::1", MAIL_ADDR_GLOBAL },
	{ "2001:10::1", MAIL_ADDR_RESERVED },		/* ORCHID, retired */
	{ "2001:20::1", MAIL_ADDR_GLOBAL },
	{ "2001:1ff::1", MAIL_ADDR_RESERVED },
	{ "2001:200::1", MAIL_ADDR_GLOBAL },
	{ "2001:db8::1", MAIL_ADDR_DOC },
	{ "2001:db9::1", MAIL_ADDR_GLOBAL },
	{ "3fff::1", MAIL_ADDR_DOC },
	{ "3fff:fff::1", MAIL_ADDR_DOC },
	{ "3fff:1000::1", MAIL_ADDR_GLOBAL },
	{ "2002:c000:201::1", MAIL_ADDR_GLOBAL },	/* 6to4 */
	{ "4000::1", MAIL_ADDR_RESERVED },
	{ "fc00::1", MAIL_ADDR_ULA },
	{ "fd12:3456::1", MAIL_ADDR_ULA },
	{ "fe80::1", MAIL_ADDR_LINK_LOCAL },
	{ "febf::1", MAIL_ADDR_LINK_LOCAL },
	{ "fec0::1", MAIL_ADDR_SITE_LOCAL },
	{ "ff02::1", MAIL_ADDR_MULTICAST },
};

static void
addr_classify_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(classes); i++) {
		struct mail_addr a = addr(classes[i].addr);
		int c = mail_addr_classify(&a);

		if (c != (int)classes[i].cls)
			fail_msg("%s: class %s, expected %s", classes[i].addr,
			    mail_addr_class_name(c),
			    mail_addr_class_name((int)classes[i].cls));
		if (mail_addr_public(&a, 0) != (c == MAIL_ADDR_GLOBAL))
			fail_msg("%s: public", classes[i].addr);
		if (mail_addr_public(&a, MAIL_ADDR_LAB) !=
		    (c == MAIL_ADDR_GLOBAL || c == MAIL_ADDR_DOC))
			fail_msg("%s: public in the lab", classes[i].addr);
	}
}

static void
addr_bad_family_and_names(void **state)
{
	struct mail_addr a;
	uint8_t n[DNS_NAME_MAX];
	size_t nl = 99;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.family = 12345;
	assert_int_equal(mail_addr_classify(&a), MX_EINVAL);
	assert_false(mail_addr_public(&a, MAIL_ADDR_LAB));
	assert_int_equal(mail_addr_reverse(&a, n, &nl), MX_EINVAL);
	assert_int_equal(nl, 99);
	assert_int_equal(mail_ptr_generic((const uint8_t *)"\0", 1, &a, NULL),
	    MX_EINVAL);
	assert_string_equal(mail_addr_class_name(MAIL_ADDR_PRIVATE),
	    "private");
	assert_non_null(strstr(mail_addr_class_text(MAIL_ADDR_PRIVATE),
	    "RFC 1918"));
	assert_string_equal(mail_addr_class_name(MAIL_ADDR_DISCARD),
	    "discard");
	assert_string_equal(mail_addr_class_name(-1), "?");
	assert_string_equal(mail_addr_class_text(999), "?");
}

static void
addr_reverse_table(void **state)
{
	static const struct {
		const char *addr, *name;
	} cases[] = {
		{ "192.0.2.72", "72.2.0.192.in-addr.arpa." },
		{ "0.0.0.0", "0.0.0.0.in-addr.arpa." },
		{ "255.255.255.255", "255.255.255.255.in-addr.arpa." },
		{ "10.0.100.9", "9.100.0.10.in-addr.arpa." },
		{ "2001:db8::47", "7.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		  "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa." },
		{ "::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		  "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa." },
		{ "FEDC:BA98:7654:3210:FEDC:BA98:7654:3210",
		  "0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f."
		  "0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f.ip6.arpa." },
	};
	uint8_t got[DNS_NAME_MAX], want[DNS_NAME_MAX];
	size_t i, gl, wl;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		struct mail_addr a = addr(cases[i].addr);

		wl = wname(cases[i].name, want);
		assert_int_equal(mail_addr_reverse(&a, got, &gl), 0);
		if (gl != wl || memcmp(got, want, wl) != 0)
			fail_msg("reverse of %s", cases[i].addr);
		assert_int_equal(dns_name_wire_len(got, gl), (int)gl);
	}
}

/*
 * Generic PTR names
 */

static const struct {
	const char *addr, *name;
	int want;
	const char *why;		/* part of the reason, or NULL */
} generic[] = {
	/* Spec P12 and the forms of the brief. */
	{ "192.0.2.72", "192-0-2-72.dsl.isp.example.", MAIL_PTR_EMBEDS_ADDR,
	  "\"192-0-2-72\"" },
	{ "192.0.2.72", "72.2.0.192.in-addr-style.example.",
	  MAIL_PTR_EMBEDS_ADDR, "\"72.2.0.192\"" },
	{ "192.0.2.72", "c0000248.example.", MAIL_PTR_EMBEDS_HEX,
	  "c0000248" },
	{ "192.0.2.72", "C0000248.EXAMPLE.", MAIL_PTR_EMBEDS_HEX, NULL },
	{ "192.0.2.72", "host-192.0.2.72.example.net.", MAIL_PTR_EMBEDS_ADDR,
	  "\"192.0.2.72\"" },
	{ "192.0.2.72", "ip-192-000-002-072.example.", MAIL_PTR_EMBEDS_ADDR,
	  NULL },
	{ "192.0.2.72", "h192000002072.example.", MAIL_PTR_EMBEDS_ADDR,
	  "192000002072" },
	{ "192.0.2.72", "x1920272.example.", MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "192.0.2.72", "192_0_2_72.example.", MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "192.0.2.72", "static-0-2-72.example.net.", MAIL_PTR_EMBEDS_ADDR,
	  "\"0-2-72\"" },
	{ "192.0.2.72", "72-2-0.pool.example.net.", MAIL_PTR_EMBEDS_ADDR,
	  NULL },
	{ "192.0.2.72", "adsl-192-0-2-72.example.", MAIL_PTR_EMBEDS_ADDR,
	  NULL },
	{ "198.51.100.10", "10.100.51.198.static.example.",
	  MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "203.0.113.5", "p5b0a1b2c.dip0.t-ipconnect.example.",
	  MAIL_PTR_KEYWORD, "\"dip\"" },
	{ "192.0.2.9", "cpe-9.example.net.", MAIL_PTR_KEYWORD, "\"cpe\"" },
	{ "192.0.2.9", "dyn.example.net.", MAIL_PTR_KEYWORD, NULL },
	{ "192.0.2.9", "mail.dynamic.example.co.uk.", MAIL_PTR_KEYWORD, NULL },
	{ "192.0.2.9", "a.static-ip.example.com.", MAIL_PTR_KEYWORD,
	  "static-ip" },
	{ "192.0.2.9", "dial-up-9.isp.example.", MAIL_PTR_KEYWORD, NULL },
	{ "192.0.2.9", "pool-7.example.net.", MAIL_PTR_KEYWORD, "\"pool\"" },
	{ "192.0.2.9", "client-17.example.net.", MAIL_PTR_KEYWORD,
	  "\"client\"" },
	{ "192.0.2.9", "MOBILE-5.EXAMPLE.NET.", MAIL_PTR_KEYWORD, NULL },
	{ "192.0.2.9", "x.fibre9.isp.example.", MAIL_PTR_KEYWORD, NULL },
	/* Not generic. */
	{ "192.0.2.72", "mx1.example.org.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.2", "smtp-out-2.example.net.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mail.example.org.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mx-2-72.example.org.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "1.1.1.1", "mx1111.example.org.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "1920-0-2-72.example.", MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "192.0.2.72", "192-0-2-73.example.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mailpool.example.net.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "poolside.example.net.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "client.example.net.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mx.cable-co.example.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mx.dsl.example.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "mail.customer.example.co.uk.", MAIL_PTR_NOT_GENERIC,
	  NULL },
	{ "192.0.2.72", "dynamics.example.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", ".", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "c0000248.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "example.192-0-2-72.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "192.0.2.72", "192\\.0\\.2\\.72.example.", MAIL_PTR_NOT_GENERIC,
	  NULL },
	/* IPv6. */
	{ "2001:db8::47", "2001-db8--47.dyn.example.", MAIL_PTR_EMBEDS_ADDR,
	  "\"2001-db8--47\"" },
	{ "2001:db8::47", "host-2001-db8-0-0-0-0-0-47.example.",
	  MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "2001:db8::", "2001-db8--.example.", MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "2001:db8:1:2:3:4:5:6", "2001-0db8-0001-0002-0003-0004-0005-0006."
	  "example.", MAIL_PTR_EMBEDS_ADDR, NULL },
	{ "2001:db8::47", "20010db8000000000000000000000047.example.",
	  MAIL_PTR_EMBEDS_HEX, NULL },
	{ "2001:db8::a:b:c:d", "v6-000a000b000c000d.example.",
	  MAIL_PTR_EMBEDS_HEX, "interface identifier" },
	{ "2001:db8::47", "7.4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.example.",
	  MAIL_PTR_EMBEDS_HEX, "nibble" },
	{ "2001:db8::a:b:c:d", "0.0.0.a.0.0.0.b.0.0.0.c.0.0.0.d.ip6.example.",
	  MAIL_PTR_EMBEDS_HEX, NULL },
	{ "2001:db8::47", "mx.example.org.", MAIL_PTR_NOT_GENERIC, NULL },
	{ "2001:db8::47", "2001-db8--48.example.", MAIL_PTR_NOT_GENERIC,
	  NULL },
	{ "2001:db8::47", "mx-ipv6.example.net.", MAIL_PTR_NOT_GENERIC,
	  NULL },
	{ "2001:db8::47", "dsl-v6.x.example.net.", MAIL_PTR_KEYWORD, NULL },
};

static void
ptr_generic_table(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	char why[MAIL_PTR_WHY_MAX];
	size_t i, nl;

	(void)state;
	for (i = 0; i < N(generic); i++) {
		struct mail_addr a = addr(generic[i].addr);
		int r;

		nl = wname(generic[i].name, n);
		r = mail_ptr_generic(n, nl, &a, why);
		if (r != generic[i].want || (r == 0) != (why[0] == '\0') ||
		    (generic[i].why != NULL &&
		    strstr(why, generic[i].why) == NULL))
			fail_msg("%s %s: got %d (%s), expected %d",
			    generic[i].addr, generic[i].name, r, why,
			    generic[i].want);
		/* why may be NULL. */
		assert_int_equal(mail_ptr_generic(n, nl, &a, NULL), r);
	}
}

/* Wire names that are not valid names of exactly len octets. */
static const struct {
	const char *what;
	const char *wire;
	size_t len;
} badwire[] = {
	{ "empty", "", 0 },
	{ "no root label", "\003abc", 4 },
	{ "label runs past the end", "\005ab\0", 4 },
	{ "compression pointer", "\xc0\x0c", 2 },
	{ "label type 0x40", "\x41" "a\0", 3 },
	{ "trailing octets", "\003abc\000\000", 6 },
	{ "shorter than its label", "\077ab\0", 4 },
};

static void
malformed_wire_names(void **state)
{
	struct mail_addr a = addr("192.0.2.1");
	uint8_t big[321];
	size_t i;

	(void)state;
	for (i = 0; i < N(badwire); i++) {
		if (mail_hostname_check((const uint8_t *)badwire[i].wire,
		    badwire[i].len) != MX_EMALF)
			fail_msg("hostname: case \"%s\"", badwire[i].what);
		if (mail_ptr_generic((const uint8_t *)badwire[i].wire,
		    badwire[i].len, &a, NULL) != MX_EMALF)
			fail_msg("generic: case \"%s\"", badwire[i].what);
	}
	/* Over 255 octets: five labels of 63 is 320. */
	for (i = 0; i < 5; i++) {
		big[i * 64] = 63;
		memset(big + i * 64 + 1, 'a', 63);
	}
	big[320] = 0;
	assert_int_equal(mail_hostname_check(big, sizeof(big)), MX_EMALF);
	assert_int_equal(mail_hostname_check(NULL, 1), MX_EMALF);
	assert_int_equal(mail_ptr_generic(big, sizeof(big), &a, NULL),
	    MX_EMALF);
}

/*
 * Host names
 */

static const struct {
	const char *name;		/* presentation form */
	enum mail_hostname want;
} hostnames[] = {
	{ "mx.example.org.", MAIL_HOSTNAME_OK },
	{ "MX1.Example.ORG.", MAIL_HOSTNAME_OK },
	{ "3com.example.", MAIL_HOSTNAME_OK },		/* RFC 1123 2.1 */
	{ "a-b.example.", MAIL_HOSTNAME_OK },
	{ "xn--bcher-kva.example.", MAIL_HOSTNAME_OK },
	{ "mx.", MAIL_HOSTNAME_OK },
	{ "192-0-2-1.example.", MAIL_HOSTNAME_OK },
	{ "a.b.c.d.example.", MAIL_HOSTNAME_OK },
	{ "mx.example.123-4.", MAIL_HOSTNAME_OK },
	{ "192.0.2.73.", MAIL_HOSTNAME_IP_LITERAL },		/* spec P13 */
	{ "999.1.1.1.", MAIL_HOSTNAME_IP_LITERAL },
	{ "2001:db8::1.", MAIL_HOSTNAME_IP_LITERAL },
	{ "[192.0.2.1].", MAIL_HOSTNAME_BAD_CHAR },
	{ "192.0.2.73.example.org.", MAIL_HOSTNAME_OK },
	{ "1.2.3.", MAIL_HOSTNAME_NUMERIC_TLD },
	{ "mx.example.123.", MAIL_HOSTNAME_NUMERIC_TLD },
	{ "1.2.3.4.5.", MAIL_HOSTNAME_NUMERIC_TLD },
	{ "-mx.example.", MAIL_HOSTNAME_HYPHEN },
	{ "mx-.example.", MAIL_HOSTNAME_HYPHEN },
	{ "mx.example.org-.", MAIL_HOSTNAME_HYPHEN },
	{ "-.example.", MAIL_HOSTNAME_HYPHEN },
	{ "_mx.example.", MAIL_HOSTNAME_UNDERSCORE },
	{ "mx_1.example.", MAIL_HOSTNAME_UNDERSCORE },
	{ "_mx-.example.", MAIL_HOSTNAME_HYPHEN },
	{ "_-mx.example.", MAIL_HOSTNAME_UNDERSCORE },
	{ "_mx.example.1.", MAIL_HOSTNAME_NUMERIC_TLD },
	{ "*.example.", MAIL_HOSTNAME_BAD_CHAR },
	{ "mx\\.1.example.", MAIL_HOSTNAME_BAD_CHAR },
	{ "mx\\032one.example.", MAIL_HOSTNAME_BAD_CHAR },
	{ "mx\\000.example.", MAIL_HOSTNAME_BAD_CHAR },
	{ "b\\195\\188cher.example.", MAIL_HOSTNAME_NON_ASCII },
	{ "b\\255_x.example.", MAIL_HOSTNAME_NON_ASCII },
	{ ".", MAIL_HOSTNAME_ROOT },
};

static void
hostname_table(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	size_t i, nl;

	(void)state;
	for (i = 0; i < N(hostnames); i++) {
		int r;

		nl = wname(hostnames[i].name, n);
		r = mail_hostname_check(n, nl);
		if (r != (int)hostnames[i].want)
			fail_msg("%s: %s, expected %s", hostnames[i].name,
			    mail_hostname_name(r),
			    mail_hostname_name((int)hostnames[i].want));
	}
	assert_string_equal(mail_hostname_name(MAIL_HOSTNAME_UNDERSCORE),
	    "underscore");
	assert_non_null(strstr(mail_hostname_text(MAIL_HOSTNAME_NON_ASCII),
	    "xn--"));
	assert_string_equal(mail_hostname_name(-3), "?");
	assert_string_equal(mail_hostname_text(100), "?");
}

/* A label of 63 and a name of 255 octets are fine. */
static void
hostname_limits(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	size_t i, o = 0;

	(void)state;
	for (i = 0; i < 3; i++) {
		n[o++] = 63;
		memset(n + o, 'a', 63);
		o += 63;
	}
	n[o++] = 61;
	memset(n + o, 'b', 61);
	o += 61;
	n[o++] = 0;
	assert_int_equal(o, DNS_NAME_MAX);
	assert_int_equal(mail_hostname_check(n, o), MAIL_HOSTNAME_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spf_is_record_table),
		cmocka_unit_test(spf_valid_table),
		cmocka_unit_test(spf_invalid_table),
		cmocka_unit_test(spf_not_a_record),
		cmocka_unit_test(spf_counts_and_bounds),
		cmocka_unit_test(spf_qualifier_names),
		cmocka_unit_test(dmarc_is_record_table),
		cmocka_unit_test(dmarc_table),
		cmocka_unit_test(dmarc_fields),
		cmocka_unit_test(sts_table),
		cmocka_unit_test(tlsrpt_table),
		cmocka_unit_test(addr_classify_table),
		cmocka_unit_test(addr_bad_family_and_names),
		cmocka_unit_test(addr_reverse_table),
		cmocka_unit_test(ptr_generic_table),
		cmocka_unit_test(malformed_wire_names),
		cmocka_unit_test(hostname_table),
		cmocka_unit_test(hostname_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
