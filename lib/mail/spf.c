/* spf.c -- SPF records (RFC 7208): recognition, term and macro syntax, DNS-querying term count, include/redirect targets */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "mail/policy_int.h"

/* RFC 7208 5.5 and 12: the mechanisms; lookup marks the DNS-querying ones
 * of 4.6.4. */
enum mech {
	M_ALL, M_INCLUDE, M_A, M_MX, M_PTR, M_IP4, M_IP6, M_EXISTS,
};

static const struct {
	const char *name;
	int lookup;
} mechs[] = {
	[M_ALL] = { "all", 0 },
	[M_INCLUDE] = { "include", 1 },
	[M_A] = { "a", 1 },
	[M_MX] = { "mx", 1 },
	[M_PTR] = { "ptr", 1 },
	[M_IP4] = { "ip4", 0 },
	[M_IP6] = { "ip6", 0 },
	[M_EXISTS] = { "exists", 1 },
};

#define NMECHS	(sizeof(mechs) / sizeof(mechs[0]))

/*
 * A pass for a prefix shorter than these reaches a large part of the
 * address space: an IPv4 /8 is a whole former class A (16 million
 * addresses), an IPv6 /16 is wider than any RIR allocation. Neither
 * appears in an honest list of senders.
 */
#define WIDE_IP4	8
#define WIDE_IP6	16

struct spf_ctx {
	struct mail_spf *out;
	unsigned term;			/* 1-based index of the current term */
	char q[POL_QUOTE_MAX];		/* the current term, quoted */
	int after_all;			/* an "all" came before this term */
	int after_all_noted;
	struct cur redirect;		/* domain-spec of redirect= */
	unsigned redirect_term;
	int redirect_seen, redirect_ok, redirect_macro, exp_seen;
};

static void term_note(struct spf_ctx *x, enum mx_level level,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A note about the current term: 'term N "text": ' and the message. */
static void
term_note(struct spf_ctx *x, enum mx_level level, const char *code,
    const char *fmt, ...)
{
	char msg[MAIL_POLICY_NOTE_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mail_policy_note(&x->out->notes, level, code, x->term, "term %u %s: %s",
	    x->term, x->q, msg);
}

#define SYNTAX(x, ...)	term_note((x), MX_DIAG_ERROR, "SPF-SYNTAX", __VA_ARGS__)

int
mail_spf_is_record(const char *txt, size_t len)
{
	struct cur c;

	if (txt == NULL)
		return 0;
	cur_init(&c, txt, len);
	/* RFC 7208 4.5: "v=spf1" (ABNF: any case) ends at a space or the
	 * end of the record. */
	return mail_policy_prefix(&c, "v=spf1", 1) &&
	    (len == 6 || pol_peek(&c, 6) == ' ');
}

const char *
mail_spf_qualifier_name(int q)
{
	static const char *const names[] = { "none", "pass", "fail",
	    "softfail", "neutral" };

	return q >= 0 && (size_t)q < sizeof(names) / sizeof(names[0]) ?
	    names[q] : "?";
}

/*
 * RFC 7208 7.1 macro-string: macro-literal (visible ASCII but "%") and
 * macro-expand ("%{" letter *DIGIT ["r"] *delimiter "}", "%%", "%_",
 * "%-"). any_letter admits c, r and t, which 7.1 keeps for exp text (the
 * values of unknown modifiers are only checked for shape). Returns 0, or
 * -1 with *why. *has_macro tells whether an expand was seen and *end is
 * the offset just past the last one (0 if none).
 */
static int
macro_string(const struct cur *s, int any_letter, int *has_macro,
    size_t *end, const char **why)
{
	size_t i = 0, n = cur_left(s);

	*has_macro = 0;
	*end = 0;
	while (i < n) {
		int ch = pol_peek(s, i), l;
		size_t digits = 0, nonzero = 0;

		if (ch < 0x21 || ch > 0x7e) {
			*why = "a control, space or non-ASCII octet";
			return -1;
		}
		if (ch != '%') {
			i++;
			continue;
		}
		ch = pol_peek(s, i + 1);
		if (ch == '%' || ch == '_' || ch == '-') {
			i += 2;
			*has_macro = 1;
			*end = i;
			continue;
		}
		if (ch != '{') {
			*why = "\"%\" must start %%, %_, %- or %{...} "
			    "(RFC 7208 7.1)";
			return -1;
		}
		l = pol_lower(pol_peek(s, i + 2));
		if (l < 0 || strchr("slodiphcrtv", l) == NULL || l == 0) {
			*why = "macro letter must be one of s l o d i p h v "
			    "(RFC 7208 7.2)";
			return -1;
		}
		if (!any_letter && (l == 'c' || l == 'r' || l == 't')) {
			*why = "macro letters c, r and t are only allowed in "
			    "exp text (RFC 7208 7.2)";
			return -1;
		}
		i += 3;
		while (pol_is_digit(pol_peek(s, i))) {
			if (pol_peek(s, i) != '0')
				nonzero++;
			digits++;
			i++;
		}
		if (digits > 0 && nonzero == 0) {
			*why = "macro transformer digits must not be 0 "
			    "(RFC 7208 7.3)";
			return -1;
		}
		if (pol_lower(pol_peek(s, i)) == 'r')
			i++;
		while ((ch = pol_peek(s, i)) > 0 && strchr(".-+,/_=", ch) !=
		    NULL)
			i++;
		if (pol_peek(s, i) != '}') {
			*why = "macro must be %{letter[digits][r][delimiters]} "
			    "(RFC 7208 7.1)";
			return -1;
		}
		i++;
		*has_macro = 1;
		*end = i;
	}
	return 0;
}

/* RFC 7208 12 toplabel: alphanumerics with a letter, or alphanumerics and
 * inner hyphens. */
static int
toplabel(const struct cur *l)
{
	size_t i, n = cur_left(l);
	int alpha = 0, hyphen = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		int ch = pol_peek(l, i);

		if (pol_is_alpha(ch))
			alpha = 1;
		else if (ch == '-')
			hyphen = 1;
		else if (!pol_is_digit(ch))
			return 0;
	}
	if (hyphen)
		return pol_peek(l, 0) != '-' && pol_peek(l, n - 1) != '-';
	return alpha;
}

/* Four numbers 0-255 without leading zeros (RFC 7208 12 qnum). */
static int
ip4_text(const struct cur *s, uint8_t out[4])
{
	size_t i = 0, n = cur_left(s);
	unsigned k;

	for (k = 0; k < 4; k++) {
		unsigned v = 0, d = 0;

		if (k > 0) {
			if (i >= n || pol_peek(s, i) != '.')
				return 0;
			i++;
		}
		while (i < n && pol_is_digit(pol_peek(s, i)) && d < 4) {
			v = v * 10 + (unsigned)(pol_peek(s, i) - '0');
			d++;
			i++;
		}
		if (d == 0 || d > 3 || v > 255 ||
		    (d > 1 && pol_peek(s, i - d) == '0'))
			return 0;
		if (out != NULL)
			out[k] = (uint8_t)v;
	}
	return i == n;
}

/*
 * RFC 7208 12 domain-spec = macro-string domain-end, domain-end = "."
 * toplabel ["."] or a macro-expand. Without macros the name must also fit
 * the DNS (RFC 1035 2.3.4): labels of 1-63 octets, at most 253 in all.
 * Returns 0 (and *has_macro), or -1 with a note about the current term.
 */
static int
domain_spec(struct spf_ctx *x, const char *what, const struct cur *d,
    int *has_macro)
{
	struct cur t, top;
	const char *why;
	size_t end, n = cur_left(d), e, dot, i, lab;

	if (n == 0) {
		SYNTAX(x, "%s needs a domain", what);
		return -1;
	}
	if (macro_string(d, 0, has_macro, &end, &why) != 0) {
		SYNTAX(x, "bad domain in %s: %s", what, why);
		return -1;
	}
	if (*has_macro && end == n)
		return 0;		/* domain-end is a macro-expand */
	e = n;
	if (pol_peek(d, e - 1) == '.')
		e--;
	/* The last literal dot at or after end, before e. */
	for (dot = e; dot > end; dot--)
		if (pol_peek(d, dot - 1) == '.')
			break;
	t = *d;
	cur_skip(&t, dot);
	top = pol_take(&t, e - dot);
	if (dot == end || !toplabel(&top)) {
		if (ip4_text(d, NULL))
			SYNTAX(x, "%s names an IP address, not a domain (use "
			    "ip4:)", what);
		else
			SYNTAX(x, "domain in %s must end with a dot and a "
			    "top-level label of letters, digits and inner "
			    "hyphens, not all digits (RFC 7208 12 "
			    "domain-end)", what);
		return -1;
	}
	if (*has_macro)
		return 0;
	/* Plain name: the DNS limits. */
	if (e > MAIL_SPF_DOMAIN_MAX) {
		SYNTAX(x, "domain in %s is longer than 253 octets", what);
		return -1;
	}
	for (i = 0, lab = 0; i <= e; i++) {
		if (i < e && pol_peek(d, i) != '.') {
			lab++;
			continue;
		}
		if (lab == 0) {
			SYNTAX(x, "domain in %s has an empty label", what);
			return -1;
		}
		if (lab > DNS_LABEL_MAX) {
			SYNTAX(x, "domain in %s has a label longer than 63 "
			    "octets", what);
			return -1;
		}
		lab = 0;
	}
	return 0;
}

/* "0" or 1-3 digits without a leading zero, at most max (RFC 7208 12
 * ip4-cidr-length, ip6-cidr-length). */
static int
cidr_len(const struct cur *s, unsigned max, unsigned *v)
{
	size_t i, n = cur_left(s);

	*v = 0;
	if (n == 0 || n > 3 || (n > 1 && pol_peek(s, 0) == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		int ch = pol_peek(s, i);

		if (!pol_is_digit(ch))
			return -1;
		*v = *v * 10 + (unsigned)(ch - '0');
	}
	return *v <= max ? 0 : -1;
}

/*
 * dual-cidr-length = [ "/" ip4 ] [ "//" ip6 ]: s starts at the first
 * "/". Sets *p4 / *p6 (left unchanged when absent). Returns 0 or -1 with
 * a note.
 */
static int
dual_cidr(struct spf_ctx *x, const char *what, struct cur *s, unsigned *p4,
    unsigned *p6)
{
	struct cur num;
	char q[POL_QUOTE_MAX];

	cur_skip(s, 1);
	if (pol_peek(s, 0) != '/') {
		num = pol_take(s, mail_policy_find(s, '/'));
		if (cidr_len(&num, 32, p4) != 0) {
			SYNTAX(x, "bad IPv4 prefix length %s after %s "
			    "(expected /0 to /32 without leading zeros)",
			    mail_policy_quote(&num, q), what);
			return -1;
		}
		if (cur_left(s) == 0)
			return 0;
		if (!mail_policy_prefix(s, "//", 0)) {
			SYNTAX(x, "bad prefix length after %s (expected "
			    "/ip4-len, //ip6-len or both)", what);
			return -1;
		}
		cur_skip(s, 1);
	}
	cur_skip(s, 1);
	num = pol_rest(s);
	if (cidr_len(&num, 128, p6) != 0) {
		SYNTAX(x, "bad IPv6 prefix length %s after %s (expected "
		    "//0 to //128 without leading zeros)",
		    mail_policy_quote(&num, q),
		    what);
		return -1;
	}
	return 0;
}

/* Offset of the first "/" outside %{...}, or the length. */
static size_t
cidr_split(const struct cur *s)
{
	size_t i, n = cur_left(s);
	int in_macro = 0;

	for (i = 0; i < n; i++) {
		int ch = pol_peek(s, i);

		if (in_macro) {
			if (ch == '}')
				in_macro = 0;
		} else if (ch == '%' && pol_peek(s, i + 1) == '{') {
			in_macro = 1;
		} else if (ch == '%') {
			i++;		/* %% %_ %-: never a "/" */
		} else if (ch == '/') {
			break;
		}
	}
	return i < n ? i : n;
}

static void
add_target(struct spf_ctx *x, enum mail_spf_target_kind kind,
    enum mail_spf_qualifier qual, unsigned term, const struct cur *d,
    int macro)
{
	struct mail_spf *o = x->out;
	struct mail_spf_target *t;

	o->ntarget_all++;
	if (o->ntarget == MAIL_SPF_TARGETS_MAX)
		return;
	t = &o->target[o->ntarget++];
	t->kind = kind;
	t->qual = qual;
	t->term = term;
	t->macro = macro;
	t->cut = mail_policy_copy(d, t->domain, sizeof(t->domain));
}

/* A pass for a wide prefix is nearly pass-all (RFC 7208 has no rule;
 * checkers such as checkdmarc warn likewise). */
static void
check_wide(struct spf_ctx *x, enum mail_spf_qualifier q, unsigned p4,
    unsigned p6)
{
	if (q != MAIL_SPF_Q_PASS || x->after_all)
		return;
	if (p4 < WIDE_IP4)
		term_note(x, MX_DIAG_WARN, "SPF-WIDE-RANGE", "passes a whole "
		    "IPv4 /%u: almost anyone may send as this domain", p4);
	else if (p6 < WIDE_IP6)
		term_note(x, MX_DIAG_WARN, "SPF-WIDE-RANGE", "passes a whole "
		    "IPv6 /%u: almost anyone may send as this domain", p6);
}

/* The argument of one mechanism (after its name); rest is the remainder
 * of the term. Returns 0 or -1 (noted). */
static int
mechanism(struct spf_ctx *x, enum mech m, enum mail_spf_qualifier q,
    struct cur *rest)
{
	struct mail_spf *o = x->out;
	const char *name = mechs[m].name;
	struct cur dom, cidr;
	unsigned p4 = 32, p6 = 128;
	uint8_t a6[16];
	char buf[48], qq[POL_QUOTE_MAX];
	int macro = 0;

	switch (m) {
	case M_ALL:
		if (cur_left(rest) != 0) {
			SYNTAX(x, "all takes no argument");
			return -1;
		}
		if (o->all_term == 0) {
			o->all = q;
			o->all_term = x->term;
		}
		return 0;
	case M_INCLUDE:
	case M_EXISTS:
		if (pol_peek(rest, 0) != ':') {
			SYNTAX(x, "%s needs \":domain\"", name);
			return -1;
		}
		cur_skip(rest, 1);
		dom = pol_rest(rest);
		if (domain_spec(x, name, &dom, &macro) != 0)
			return -1;
		if (m == M_INCLUDE && !x->after_all)
			add_target(x, MAIL_SPF_INCLUDE, q, x->term, &dom,
			    macro);
		return 0;
	case M_PTR:
		if (cur_left(rest) == 0)
			return 0;
		if (pol_peek(rest, 0) != ':') {
			SYNTAX(x, "ptr takes only \":domain\"");
			return -1;
		}
		cur_skip(rest, 1);
		dom = pol_rest(rest);
		return domain_spec(x, name, &dom, &macro);
	case M_A:
	case M_MX:
		/* RFC 7208 5.3, 5.4: [":" domain-spec] [dual-cidr-length].
		 * The first "/" outside a macro starts the prefix length, as
		 * libspf2 and pyspf split it: no real name holds a "/". */
		dom = pol_take(rest, cidr_split(rest));
		cidr = pol_rest(rest);
		if (cur_left(&dom) != 0) {
			if (pol_peek(&dom, 0) != ':') {
				SYNTAX(x, "expected \":domain\" or \"/len\" "
				    "after %s", name);
				return -1;
			}
			cur_skip(&dom, 1);
			if (domain_spec(x, name, &dom, &macro) != 0)
				return -1;
		}
		if (cur_left(&cidr) != 0 &&
		    dual_cidr(x, name, &cidr, &p4, &p6) != 0)
			return -1;
		check_wide(x, q, p4, p6);
		return 0;
	case M_IP4:
	case M_IP6:
		if (pol_peek(rest, 0) != ':') {
			SYNTAX(x, "%s needs \":address\"", name);
			return -1;
		}
		cur_skip(rest, 1);
		dom = pol_take(rest, mail_policy_find(rest, '/'));
		cidr = pol_rest(rest);
		if (m == M_IP4) {
			if (!ip4_text(&dom, NULL)) {
				SYNTAX(x, "bad IPv4 address %s (expected four "
				    "numbers 0-255 without leading zeros)",
				    mail_policy_quote(&dom, qq));
				return -1;
			}
			o->nip4++;
		} else {
			size_t i, n = cur_left(&dom);
			int ok = n > 0 && n < sizeof(buf);

			/* inet_pton reads a C string: only hex digits,
			 * ":" and "." may reach it, never a NUL. */
			for (i = 0; ok && i < n; i++) {
				int ch = pol_peek(&dom, i);

				if (!pol_is_hex(ch) && ch != ':' && ch != '.')
					ok = 0;
			}
			if (ok) {
				mail_policy_copy(&dom, buf, sizeof(buf));
				ok = inet_pton(AF_INET6, buf, a6) == 1;
			}
			if (!ok) {
				SYNTAX(x, "bad IPv6 address %s (expected RFC "
				    "4291 2.2 text such as 2001:db8::25)",
				    mail_policy_quote(&dom, qq));
				return -1;
			}
			o->nip6++;
		}
		if (cur_left(&cidr) != 0) {
			struct cur num;

			cur_skip(&cidr, 1);
			num = pol_rest(&cidr);
			if (cidr_len(&num, m == M_IP4 ? 32 : 128,
			    m == M_IP4 ? &p4 : &p6) != 0) {
				SYNTAX(x, "bad prefix length %s (expected /0 "
				    "to /%u without leading zeros)",
				    mail_policy_quote(&num, qq), m == M_IP4 ? 32 :
				    128);
				return -1;
			}
		}
		check_wide(x, q, p4, p6);
		return 0;
	}
	return 0;
}

/* One modifier: name "=" value (RFC 7208 6, 12). */
static void
modifier(struct spf_ctx *x, const struct cur *name, struct cur *value,
    int qualified)
{
	const char *why;
	size_t end;
	int macro;

	if (qualified) {
		SYNTAX(x, "a modifier takes no qualifier");
		return;
	}
	if (mail_policy_eq(name, "redirect", 1)) {
		if (x->redirect_seen) {
			SYNTAX(x, "redirect= given twice (RFC 7208 6: at most "
			    "once)");
			return;
		}
		x->redirect_seen = 1;
		x->redirect_term = x->term;
		if (domain_spec(x, "redirect=", value, &macro) == 0) {
			x->redirect = *value;
			x->redirect_ok = 1;
			x->redirect_macro = macro;
		}
		return;
	}
	if (mail_policy_eq(name, "exp", 1)) {
		if (x->exp_seen) {
			SYNTAX(x, "exp= given twice (RFC 7208 6: at most "
			    "once)");
			return;
		}
		x->exp_seen = 1;
		x->out->has_exp = 1;
		domain_spec(x, "exp=", value, &macro);
		return;
	}
	if (macro_string(value, 1, &macro, &end, &why) != 0) {
		SYNTAX(x, "bad modifier value: %s", why);
		return;
	}
	term_note(x, MX_DIAG_INFO, "SPF-UNKNOWN-MODIFIER", "unknown modifier, "
	    "ignored (RFC 7208 6)");
}

static void
term(struct spf_ctx *x, struct cur *t)
{
	struct mail_spf *o = x->out;
	enum mail_spf_qualifier q = MAIL_SPF_Q_PASS;
	struct cur name, value;
	size_t i, n = cur_left(t);
	unsigned m;
	int ch, qualified = 0;

	mail_policy_quote(t, x->q);
	for (i = 0; i < n; i++) {
		ch = pol_peek(t, i);
		if (ch < 0x21 || ch > 0x7e) {
			SYNTAX(x, "a control, tab or non-ASCII octet at offset "
			    "%zu (terms are printable ASCII separated by "
			    "spaces)", i);
			return;
		}
	}
	switch (pol_peek(t, 0)) {
	case '+':
		q = MAIL_SPF_Q_PASS;
		qualified = 1;
		break;
	case '-':
		q = MAIL_SPF_Q_FAIL;
		qualified = 1;
		break;
	case '~':
		q = MAIL_SPF_Q_SOFTFAIL;
		qualified = 1;
		break;
	case '?':
		q = MAIL_SPF_Q_NEUTRAL;
		qualified = 1;
		break;
	}
	if (qualified)
		cur_skip(t, 1);
	/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
	if (!pol_is_alpha(pol_peek(t, 0))) {
		SYNTAX(x, "expected a mechanism (all, include, a, mx, ptr, "
		    "ip4, ip6, exists) or a modifier name=value");
		return;
	}
	for (i = 1; (ch = pol_peek(t, i)) >= 0; i++)
		if (!pol_is_alpha(ch) && !pol_is_digit(ch) && ch != '-' &&
		    ch != '_' && ch != '.')
			break;
	name = pol_take(t, i);
	if (pol_peek(t, 0) == '=') {
		cur_skip(t, 1);
		value = pol_rest(t);
		modifier(x, &name, &value, qualified);
		return;
	}
	for (m = 0; m < NMECHS; m++)
		if (mail_policy_eq(&name, mechs[m].name, 1))
			break;
	if (m == NMECHS) {
		char nq[POL_QUOTE_MAX];

		SYNTAX(x, "unknown mechanism %s (expected all, include, a, mx, "
		    "ptr, ip4, ip6 or exists; a modifier needs \"=\")",
		    mail_policy_quote(&name, nq));
		return;
	}
	if (x->after_all && !x->after_all_noted) {
		x->after_all_noted = 1;
		term_note(x, MX_DIAG_WARN, "SPF-AFTER-ALL", "comes after \"all\" "
		    "and is never evaluated (RFC 7208 5.1)");
	}
	if (mechanism(x, (enum mech)m, q, t) != 0)
		return;
	if (x->after_all)
		return;
	if (mechs[m].lookup)
		o->lookups++;
	if (q == MAIL_SPF_Q_PASS)
		o->authorises = 1;
	if (m == M_PTR) {
		o->nptr++;
		term_note(x, MX_DIAG_WARN, "SPF-PTR", "the ptr mechanism is slow "
		    "and unreliable and SHOULD NOT be used (RFC 7208 5.5)");
	}
	if (m == M_ALL)
		x->after_all = 1;
}

int
mail_spf_parse(const char *txt, size_t len, struct mail_spf *out)
{
	struct spf_ctx x;
	struct cur c, t;
	char q[POL_QUOTE_MAX];

	memset(out, 0, sizeof(*out));
	out->redirect = -1;
	memset(&x, 0, sizeof(x));
	x.out = out;
	if (txt == NULL) {
		txt = "";
		len = 0;
	}
	cur_init(&c, txt, len);
	if (!mail_spf_is_record(txt, len)) {
		t = pol_rest(&c);
		mail_policy_note(&out->notes, MX_DIAG_ERROR, "SPF-VERSION", 0,
		    "not an SPF record: it must start with \"v=spf1\" and a "
		    "space (RFC 7208 4.5), it starts with %s",
		    mail_policy_quote(&t, q));
		return MX_EINVAL;
	}
	cur_skip(&c, 6);
	for (;;) {
		size_t n;

		while (pol_peek(&c, 0) == ' ')
			cur_skip(&c, 1);
		if (cur_left(&c) == 0)
			break;
		n = mail_policy_find(&c, ' ');
		t = pol_take(&c, n);
		x.term = ++out->nterm;
		term(&x, &t);
	}
	x.term = 0;
	if (x.redirect_seen && out->all_term != 0) {
		mail_policy_note(&out->notes, MX_DIAG_WARN, "SPF-REDIRECT-IGNORED",
		    x.redirect_term, "term %u: redirect= is ignored because the "
		    "record has \"all\" (RFC 7208 6.1)", x.redirect_term);
	} else if (x.redirect_ok) {
		out->lookups++;
		out->authorises = 1;
		out->redirect = out->ntarget < MAIL_SPF_TARGETS_MAX ?
		    (int)out->ntarget : -1;
		add_target(&x, MAIL_SPF_REDIRECT, MAIL_SPF_Q_PASS,
		    x.redirect_term, &x.redirect, x.redirect_macro);
	}
	if (out->ntarget_all > out->ntarget)
		mail_policy_note(&out->notes, MX_DIAG_WARN, "SPF-TARGETS-CUT", 0,
		    "%u include/redirect targets, only the first %u are "
		    "listed", out->ntarget_all, MAIL_SPF_TARGETS_MAX);
	if (out->lookups > MAIL_SPF_LOOKUP_LIMIT)
		mail_policy_note(&out->notes, MX_DIAG_ERROR, "SPF-TOO-MANY-LOOKUPS", 0,
		    "%u DNS-querying terms (include, a, mx, ptr, exists, "
		    "redirect) in this record alone; the limit is %u for the "
		    "whole evaluation (RFC 7208 4.6.4)", out->lookups,
		    MAIL_SPF_LOOKUP_LIMIT);
	if (out->all == MAIL_SPF_Q_PASS)
		mail_policy_note(&out->notes, MX_DIAG_WARN, "SPF-PASS-ALL",
		    out->all_term, "term %u: \"+all\" lets every host on the "
		    "internet send as this domain (use \"-all\" or \"~all\")",
		    out->all_term);
	else if (out->all == MAIL_SPF_Q_NEUTRAL)
		mail_policy_note(&out->notes, MX_DIAG_INFO, "SPF-NEUTRAL-ALL",
		    out->all_term, "term %u: \"?all\" says nothing about other "
		    "senders (neutral)", out->all_term);
	else if (out->all == MAIL_SPF_Q_NONE && !x.redirect_ok &&
	    out->notes.nerr == 0)
		mail_policy_note(&out->notes, MX_DIAG_INFO, "SPF-NO-ALL", 0,
		    "no \"all\" and no redirect=: other senders get neutral "
		    "(RFC 7208 4.7)");
	out->null_record = out->nterm == 1 && out->all == MAIL_SPF_Q_FAIL &&
	    out->all_term == 1 && out->notes.nerr == 0;
	return out->notes.nerr > 0 ? MX_ESYNTAX : 0;
}
