/* dmarc.c -- tag-list policy records: DMARC (RFC 7489 6.3, 6.4), MTA-STS TXT (RFC 8461 3.1), TLS-RPT (RFC 8460 3) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "mail/policy_int.h"

/* Tags whose names are remembered to find repeats (RFC 6376 3.2: a tag
 * given twice makes the whole list invalid). Real records have fewer than
 * 12; past this many, repeats are not looked for. */
#define SEEN_MAX	32

struct tctx {
	struct mail_policy_notes *notes;
	const char *syntax;		/* code of syntax errors */
	const char *unit;		/* "tag" or "field" */
	unsigned idx;			/* 1-based; the version is 1 */
	char q[POL_QUOTE_MAX];		/* the current tag, quoted */
	struct cur seen[SEEN_MAX];	/* names so far */
	unsigned nseen;
};

static void tnote(struct tctx *x, enum mx_level level, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A note about the current tag: 'tag N "text": ' and the message. */
static void
tnote(struct tctx *x, enum mx_level level, const char *code,
    const char *fmt, ...)
{
	char msg[MAIL_POLICY_NOTE_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mail_policy_note(x->notes, level, code, x->idx, "%s %u %s: %s",
	    x->unit, x->idx, x->q, msg);
}

#define TSYNTAX(x, ...)	tnote((x), MX_DIAG_ERROR, (x)->syntax, __VA_ARGS__)

/* Remembers name; true when it was given before (case-folded when
 * fold). */
static int
repeated(struct tctx *x, const struct cur *name, int fold)
{
	unsigned i;
	size_t k, n = cur_left(name);

	for (i = 0; i < x->nseen; i++) {
		if (cur_left(&x->seen[i]) != n)
			continue;
		for (k = 0; k < n; k++) {
			int a = pol_peek(&x->seen[i], k);
			int b = pol_peek(name, k);

			if (fold ? pol_lower(a) != pol_lower(b) : a != b)
				break;
		}
		if (k == n)
			return 1;
	}
	if (x->nseen < SEEN_MAX)
		x->seen[x->nseen++] = *name;
	return 0;
}

/*
 * The version: lit (case-sensitive) then the end, blanks or ";". dmarc
 * allows blanks around "=" and either case for the "v" (RFC 7489 6.4
 * dmarc-version); MTA-STS and TLS-RPT take the literal as it is (%s).
 * Returns the length of the version tag, 0 when it is not there.
 */
static size_t
version(const char *txt, size_t len, const char *lit, int dmarc)
{
	struct cur c;
	size_t n = strlen(lit);
	int ch;

	if (txt == NULL)
		return 0;
	cur_init(&c, txt, len);
	if (dmarc) {
		if (pol_lower(pol_peek(&c, 0)) != 'v')
			return 0;
		cur_skip(&c, 1);
		mail_policy_skip_wsp(&c);
		if (pol_peek(&c, 0) != '=')
			return 0;
		cur_skip(&c, 1);
		mail_policy_skip_wsp(&c);
	}
	if (!mail_policy_prefix(&c, lit, 0))
		return 0;
	cur_skip(&c, n);
	ch = pol_peek(&c, 0);
	if (ch != -1 && ch != ';' && !pol_is_wsp(ch))
		return 0;
	return c.off;
}

int
mail_dmarc_is_record(const char *txt, size_t len)
{
	return version(txt, len, "DMARC1", 1) != 0;
}

int
mail_sts_is_record(const char *txt, size_t len)
{
	return version(txt, len, "v=STSv1", 0) != 0;
}

int
mail_tlsrpt_is_record(const char *txt, size_t len)
{
	return version(txt, len, "v=TLSRPTv1", 0) != 0;
}

const char *
mail_dmarc_policy_name(int p)
{
	static const char *const names[] = { "unset", "none", "quarantine",
	    "reject" };

	return p >= 0 && (size_t)p < sizeof(names) / sizeof(names[0]) ?
	    names[p] : "?";
}

/*
 * Starts a parse: checks the version and moves c past it and past the
 * ";" after it. Returns 0, or MX_EINVAL (not a record of this kind, with
 * the version note).
 */
static int
start(struct tctx *x, struct cur *c, const char *txt, size_t len,
    const char *lit, int dmarc, const char *vcode, const char *what)
{
	struct cur t;
	size_t vlen;

	if (txt == NULL) {
		txt = "";
		len = 0;
	}
	vlen = version(txt, len, lit, dmarc);
	cur_init(c, txt, len);
	if (vlen == 0) {
		t = pol_rest(c);
		mail_policy_note(x->notes, MX_DIAG_ERROR, vcode, 0, "not %s "
		    "record: it must start with \"%s%s\" (exactly), it starts "
		    "with %s", what, dmarc ? "v=" : "", lit,
		    mail_policy_quote(&t, x->q));
		return MX_EINVAL;
	}
	x->idx = 1;
	t = pol_take(c, vlen);
	mail_policy_quote(&t, x->q);
	mail_policy_skip_wsp(c);
	if (cur_left(c) != 0 && pol_peek(c, 0) != ';')
		TSYNTAX(x, "expected \";\" after the version");
	else if (cur_left(c) != 0)
		cur_skip(c, 1);
	return 0;
}

/*
 * The next tag: returns 1 with *tag (quoted into x->q, x->idx counted),
 * noting an empty one with ecode; 0 at the end.
 */
static int
next(struct tctx *x, struct cur *c, struct cur *tag, const char *ecode)
{
	for (;;) {
		if (!mail_policy_tag_next(c, tag))
			return 0;
		x->idx++;
		mail_policy_quote(tag, x->q);
		if (cur_left(tag) != 0)
			return 1;
		mail_policy_note(x->notes, MX_DIAG_WARN, ecode, x->idx,
		    "%s %u: empty, between \";\" and \";\"", x->unit, x->idx);
	}
}

/* A size suffix of a DMARC URI: 1*DIGIT [ "k" / "m" / "g" / "t" ],
 * fitting 64 bits (RFC 7489 6.4 dmarc-uri). */
static int
uri_size(const struct cur *s)
{
	size_t i, n = cur_left(s);
	uint64_t v = 0;
	int last;

	last = n > 0 ? pol_lower(pol_peek(s, n - 1)) : 0;
	if (last > 0 && strchr("kmgt", last) != NULL)
		n--;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		int ch = pol_peek(s, i);

		if (!pol_is_digit(ch) ||
		    v > (UINT64_MAX - (uint64_t)(ch - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	return 1;
}

/*
 * A list of URIs separated by "," with optional blanks: DMARC rua/ruf
 * (any scheme, warns for other than mailto:, "!size" allowed) or TLS-RPT
 * rua (mailto: and https: only). The valid URIs go to keep (at most
 * max), *n counts all, *nvalid the valid ones.
 */
static void
uri_list(struct tctx *x, const char *tag, const struct cur *value,
    int dmarc, char (*keep)[MAIL_URI_MAX + 1], unsigned max, unsigned *n,
    unsigned *nvalid)
{
	struct cur v = *value, u, uri, size;
	char uq[POL_QUOTE_MAX];
	const char *why;
	int kind;

	for (;;) {
		mail_policy_skip_wsp(&v);
		u = pol_take(&v, mail_policy_find(&v, ','));
		mail_policy_trim_wsp(&u);
		(*n)++;
		if (cur_left(&u) == 0) {
			TSYNTAX(x, "empty URI in %s= (expected URIs "
			    "separated by \",\")", tag);
		} else {
			uri = pol_take(&u, dmarc ? mail_policy_find(&u, '!') :
			    cur_left(&u));
			size = u;
			if (cur_left(&size) != 0)
				cur_skip(&size, 1);
			kind = mail_policy_uri_check(&uri, &why);
			if (kind == POL_URI_BAD) {
				TSYNTAX(x, "bad URI %s in %s=: %s",
				    mail_policy_quote(&uri, uq), tag, why);
			} else if (dmarc && cur_left(&u) != 0 &&
			    !uri_size(&size)) {
				TSYNTAX(x, "bad size limit after URI %s "
				    "(expected !digits with k, m, g or t)",
				    mail_policy_quote(&uri, uq));
			} else if (!dmarc && kind == POL_URI_OTHER) {
				TSYNTAX(x, "URI %s in %s= must be mailto: or "
				    "https: (RFC 8460 3)",
				    mail_policy_quote(&uri, uq), tag);
			} else {
				if (dmarc && kind != POL_URI_MAILTO)
					tnote(x, MX_DIAG_WARN,
					    "DMARC-URI-SCHEME", "URI %s: "
					    "receivers need only support "
					    "mailto: (RFC 7489 6.2)",
					    mail_policy_quote(&uri, uq));
				if (*nvalid < max)
					mail_policy_copy(&uri, keep[*nvalid],
					    MAIL_URI_MAX + 1);
				(*nvalid)++;
			}
		}
		if (pol_peek(&v, 0) != ',')
			break;
		cur_skip(&v, 1);
	}
}

/* none | quarantine | reject, any case (RFC 7489 6.4 dmarc-request). */
static enum mail_dmarc_policy
policy(const struct cur *v)
{
	if (mail_policy_eq(v, "none", 1))
		return MAIL_DMARC_P_NONE;
	if (mail_policy_eq(v, "quarantine", 1))
		return MAIL_DMARC_P_QUARANTINE;
	if (mail_policy_eq(v, "reject", 1))
		return MAIL_DMARC_P_REJECT;
	return MAIL_DMARC_P_UNSET;
}

/* 1*DIGIT at most max; -1 when not. */
static int64_t
number(const struct cur *v, uint64_t max)
{
	size_t i, n = cur_left(v);
	uint64_t r = 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		int ch = pol_peek(v, i);

		if (!pol_is_digit(ch))
			return -1;
		r = r * 10 + (uint64_t)(ch - '0');
		if (r > max)
			return -1;
	}
	return (int64_t)r;
}

/*
 * A ":"-separated list with optional blanks around ":" (fo, rf). Calls
 * ok for each item; returns the OR of its results, or -1 when an item is
 * empty or ok returns a negative value.
 */
static int
colon_list(const struct cur *v, int (*ok)(const struct cur *))
{
	struct cur t = *v, item;
	int r = 0, k;

	for (;;) {
		mail_policy_skip_wsp(&t);
		item = pol_take(&t, mail_policy_find(&t, ':'));
		mail_policy_trim_wsp(&item);
		if (cur_left(&item) == 0 || (k = ok(&item)) < 0)
			return -1;
		r |= k;
		if (pol_peek(&t, 0) != ':')
			return r;
		cur_skip(&t, 1);
	}
}

static int
fo_item(const struct cur *i)
{
	if (cur_left(i) != 1)
		return -1;
	switch (pol_lower(pol_peek(i, 0))) {
	case '0':
		return MAIL_DMARC_FO_0;
	case '1':
		return MAIL_DMARC_FO_1;
	case 'd':
		return MAIL_DMARC_FO_D;
	case 's':
		return MAIL_DMARC_FO_S;
	}
	return -1;
}

/* RFC 5321 Keyword = Let-dig [Ldh-str]: 0 for a registered format (the
 * IANA registry of RFC 7489 11 holds only "afrf"), 1 for another
 * keyword, -1 for none. */
static int
rf_item(const struct cur *i)
{
	size_t k, n = cur_left(i);

	for (k = 0; k < n; k++) {
		int ch = pol_peek(i, k);

		if (!pol_is_alpha(ch) && !pol_is_digit(ch) &&
		    (ch != '-' || k == 0 || k == n - 1))
			return -1;
	}
	return mail_policy_eq(i, "afrf", 1) ? 0 : 1;
}

/* DMARC tag-spec: name *WSP "=" *WSP value; returns 0 or -1 (noted). */
static int
dmarc_tag(struct tctx *x, struct cur *tag, struct cur *name,
    struct cur *value)
{
	size_t i, n;
	int ch;

	if (!pol_is_alpha(pol_peek(tag, 0))) {
		TSYNTAX(x, "expected a tag name=value");
		return -1;
	}
	for (i = 1; (ch = pol_peek(tag, i)) >= 0; i++)
		if (!pol_is_alpha(ch) && !pol_is_digit(ch) && ch != '_')
			break;
	*name = pol_take(tag, i);
	mail_policy_skip_wsp(tag);
	if (pol_peek(tag, 0) != '=') {
		TSYNTAX(x, "expected \"=\" after the tag name (tags are "
		    "name=value separated by \";\")");
		return -1;
	}
	cur_skip(tag, 1);
	mail_policy_skip_wsp(tag);
	*value = pol_rest(tag);
	/* RFC 6376 3.2 tag-value: VALCHAR (%x21-3A / %x3C-7E) and blanks. */
	n = cur_left(value);
	for (i = 0; i < n; i++) {
		ch = pol_peek(value, i);
		if ((ch < 0x21 || ch > 0x7e) && !pol_is_wsp(ch)) {
			TSYNTAX(x, "a control or non-ASCII octet in the value");
			return -1;
		}
	}
	if (n == 0) {
		TSYNTAX(x, "empty value");
		return -1;
	}
	if (repeated(x, name, 1)) {
		TSYNTAX(x, "tag given twice (RFC 6376 3.2: the record is "
		    "then invalid)");
		return -1;
	}
	return 0;
}

int
mail_dmarc_parse(const char *txt, size_t len, struct mail_dmarc *out)
{
	struct tctx x;
	struct cur c, tag, name, value;
	unsigned p_idx = 0;
	int64_t v;
	int r, p_seen = 0;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->adkim = out->aspf = 'r';
	out->ri = 86400;
	out->fo = MAIL_DMARC_FO_0;
	memset(&x, 0, sizeof(x));
	x.notes = &out->notes;
	x.syntax = "DMARC-SYNTAX";
	x.unit = "tag";
	if (start(&x, &c, txt, len, "DMARC1", 1, "DMARC-VERSION",
	    "a DMARC") != 0)
		return MX_EINVAL;
	while (next(&x, &c, &tag, "DMARC-EMPTY-TAG")) {
		if (dmarc_tag(&x, &tag, &name, &value) != 0)
			continue;
		if (mail_policy_eq(&name, "v", 1)) {
			TSYNTAX(&x, "v= must be the first tag and appear once");
		} else if (mail_policy_eq(&name, "p", 1)) {
			p_seen = 1;
			p_idx = x.idx;
			if ((out->p = policy(&value)) == MAIL_DMARC_P_UNSET)
				TSYNTAX(&x, "p= must be none, quarantine or "
				    "reject");
		} else if (mail_policy_eq(&name, "sp", 1)) {
			if ((out->sp = policy(&value)) == MAIL_DMARC_P_UNSET)
				TSYNTAX(&x, "sp= must be none, quarantine or "
				    "reject");
		} else if (mail_policy_eq(&name, "np", 1)) {
			if ((out->np = policy(&value)) == MAIL_DMARC_P_UNSET)
				TSYNTAX(&x, "np= must be none, quarantine or "
				    "reject");
		} else if (mail_policy_eq(&name, "rua", 1)) {
			uri_list(&x, "rua", &value, 1, out->rua,
			    MAIL_DMARC_URIS_MAX, &out->nrua, &out->nrua_valid);
		} else if (mail_policy_eq(&name, "ruf", 1)) {
			unsigned nvalid = 0;

			uri_list(&x, "ruf", &value, 1, out->ruf,
			    MAIL_DMARC_URIS_MAX, &out->nruf, &nvalid);
		} else if (mail_policy_eq(&name, "adkim", 1) ||
		    mail_policy_eq(&name, "aspf", 1)) {
			int a = pol_lower(pol_peek(&value, 0));

			if (cur_left(&value) != 1 || (a != 'r' && a != 's')) {
				TSYNTAX(&x, "alignment must be r (relaxed) or "
				    "s (strict)");
			} else if (pol_lower(pol_peek(&name, 1)) == 'd') {
				out->adkim = (char)a;
			} else {
				out->aspf = (char)a;
			}
		} else if (mail_policy_eq(&name, "pct", 1)) {
			v = cur_left(&value) <= 3 ? number(&value, 100) : -1;
			if (v < 0) {
				TSYNTAX(&x, "pct= must be a number from 0 to "
				    "100");
			} else {
				out->pct = (unsigned)v;
				if (v < 100)
					tnote(&x, MX_DIAG_INFO, "DMARC-PCT",
					    "the policy applies to %u%% of "
					    "failing mail only", out->pct);
			}
		} else if (mail_policy_eq(&name, "ri", 1)) {
			if ((v = number(&value, UINT32_MAX)) < 0)
				TSYNTAX(&x, "ri= must be a number of seconds "
				    "that fits 32 bits");
			else
				out->ri = (uint32_t)v;
		} else if (mail_policy_eq(&name, "fo", 1)) {
			if ((r = colon_list(&value, fo_item)) < 0)
				TSYNTAX(&x, "fo= must be 0, 1, d or s, several "
				    "joined by \":\"");
			else
				out->fo = (unsigned)r;
		} else if (mail_policy_eq(&name, "rf", 1)) {
			if ((r = colon_list(&value, rf_item)) < 0)
				TSYNTAX(&x, "rf= must be report format names "
				    "joined by \":\"");
			else if (r > 0)
				tnote(&x, MX_DIAG_WARN, "DMARC-UNKNOWN-FORMAT",
				    "the only registered report format is "
				    "afrf");
		} else if (mail_policy_eq(&name, "t", 1)) {
			if (!mail_policy_eq(&value, "y", 1) &&
			    !mail_policy_eq(&value, "n", 1))
				TSYNTAX(&x, "t= must be y or n (DMARCbis)");
		} else if (mail_policy_eq(&name, "psd", 1)) {
			if (!mail_policy_eq(&value, "y", 1) &&
			    !mail_policy_eq(&value, "n", 1) &&
			    !mail_policy_eq(&value, "u", 1))
				TSYNTAX(&x, "psd= must be y, n or u (DMARCbis)");
		} else {
			tnote(&x, MX_DIAG_INFO, "DMARC-UNKNOWN-TAG", "unknown "
			    "tag, ignored (RFC 7489 6.3)");
		}
	}
	out->ntag = x.idx;
	x.idx = 0;
	if (!p_seen)
		mail_policy_note(&out->notes, MX_DIAG_ERROR, "DMARC-NO-POLICY", 0,
		    "no p= tag (required, RFC 7489 6.3): receivers %s",
		    out->nrua_valid > 0 ? "apply p=none because rua= is valid "
		    "(RFC 7489 6.6.3)" : "ignore the record");
	else if (p_idx != 2)
		mail_policy_note(&out->notes, MX_DIAG_WARN, "DMARC-TAG-ORDER",
		    p_idx, "tag %u: p= should come right after v=DMARC1 (RFC "
		    "7489 6.4)", p_idx);
	return out->notes.nerr > 0 ? MX_ESYNTAX : 0;
}

/*
 * An MTA-STS or TLS-RPT field: name "=" value without blanks (RFC 8461
 * 3.1 sts-extension, RFC 8460 3 tlsrpt-extension): the name (ALPHA /
 * DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), the value 1*(%x21-3A /
 * %x3C / %x3E-7E). Returns 0 or -1 (noted). When raw says so for the
 * name, the value is left to the caller (rua: a URI list, blanks allowed
 * around ",").
 */
static int
ext_field(struct tctx *x, struct cur *f, struct cur *name,
    struct cur *value, int (*raw)(const struct cur *))
{
	size_t i, n;
	int ch;

	n = mail_policy_find(f, '=');
	if (n == cur_left(f)) {
		TSYNTAX(x, "expected name=value");
		return -1;
	}
	*name = pol_take(f, n);
	cur_skip(f, 1);
	*value = pol_rest(f);
	if ((n > 0 && pol_is_wsp(pol_peek(name, n - 1))) ||
	    pol_is_wsp(pol_peek(value, 0))) {
		TSYNTAX(x, "no blanks allowed around \"=\"");
		return -1;
	}
	if (n == 0 || n > 32) {
		TSYNTAX(x, "field name must be 1 to 32 letters, digits, "
		    "\"_\", \"-\" or \".\"");
		return -1;
	}
	for (i = 0; i < n; i++) {
		ch = pol_peek(name, i);
		if (!pol_is_alpha(ch) && !pol_is_digit(ch) && (i == 0 ||
		    (ch != '_' && ch != '-' && ch != '.'))) {
			TSYNTAX(x, "field name must be letters, digits, \"_\", "
			    "\"-\" or \".\", starting with a letter or digit");
			return -1;
		}
	}
	if (raw != NULL && raw(name))
		return 0;
	n = cur_left(value);
	if (n == 0) {
		TSYNTAX(x, "empty value");
		return -1;
	}
	for (i = 0; i < n; i++) {
		ch = pol_peek(value, i);
		if (ch < 0x21 || ch > 0x7e || ch == '=' || ch == ';') {
			TSYNTAX(x, "value holds a blank, \"=\", a control or "
			    "non-ASCII octet");
			return -1;
		}
	}
	return 0;
}

int
mail_sts_parse(const char *txt, size_t len, struct mail_sts *out)
{
	struct tctx x;
	struct cur c, f, name, value;
	size_t i, n;
	int id_seen = 0, ok;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.notes = &out->notes;
	x.syntax = "MTA-STS-SYNTAX";
	x.unit = "field";
	if (start(&x, &c, txt, len, "v=STSv1", 0, "MTA-STS-VERSION",
	    "an MTA-STS") != 0)
		return MX_EINVAL;
	while (next(&x, &c, &f, "MTA-STS-EMPTY-FIELD")) {
		if (ext_field(&x, &f, &name, &value, NULL) != 0)
			continue;
		if (mail_policy_eq(&name, "id", 0)) {
			if (id_seen) {
				TSYNTAX(&x, "id= given twice");
				continue;
			}
			id_seen = 1;
			n = cur_left(&value);
			ok = n >= 1 && n <= MAIL_STS_ID_MAX;
			for (i = 0; ok && i < n; i++)
				ok = pol_is_alpha(pol_peek(&value, i)) ||
				    pol_is_digit(pol_peek(&value, i));
			if (!ok)
				TSYNTAX(&x, "id must be 1 to 32 letters or "
				    "digits (RFC 8461 3.1)");
			else
				mail_policy_copy(&value, out->id,
				    sizeof(out->id));
		} else if (mail_policy_eq(&name, "id", 1)) {
			TSYNTAX(&x, "field names are case-sensitive: write "
			    "\"id=\"");
		} else if (mail_policy_eq(&name, "v", 1)) {
			TSYNTAX(&x, "v= must come first and only once");
		}
	}
	out->nfield = x.idx;
	if (!id_seen)
		mail_policy_note(&out->notes, MX_DIAG_ERROR, "MTA-STS-NO-ID",
		    0, "no id= field (required: senders fetch the policy again "
		    "when it changes, RFC 8461 3.1)");
	return out->notes.nerr > 0 ? MX_ESYNTAX : 0;
}

/* The rua field's value is a URI list, blanks allowed around ",". */
static int
is_rua(const struct cur *name)
{
	return mail_policy_eq(name, "rua", 0);
}

int
mail_tlsrpt_parse(const char *txt, size_t len, struct mail_tlsrpt *out)
{
	struct tctx x;
	struct cur c, f, name, value;
	size_t i, n;
	int rua_seen = 0;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.notes = &out->notes;
	x.syntax = "TLSRPT-SYNTAX";
	x.unit = "field";
	if (start(&x, &c, txt, len, "v=TLSRPTv1", 0, "TLSRPT-VERSION",
	    "a TLS-RPT") != 0)
		return MX_EINVAL;
	while (next(&x, &c, &f, "TLSRPT-EMPTY-FIELD")) {
		if (ext_field(&x, &f, &name, &value, is_rua) != 0)
			continue;
		if (is_rua(&name)) {
			if (rua_seen) {
				TSYNTAX(&x, "rua= given twice (list every URI "
				    "in one rua=, separated by \",\")");
				continue;
			}
			rua_seen = 1;
			n = cur_left(&value);
			for (i = 0; i < n; i++) {
				int ch = pol_peek(&value, i);

				if ((ch < 0x21 || ch > 0x7e) &&
				    !pol_is_wsp(ch))
					break;
			}
			if (i < n) {
				TSYNTAX(&x, "a control or non-ASCII octet in "
				    "rua=");
				continue;
			}
			uri_list(&x, "rua", &value, 0, out->rua,
			    MAIL_TLSRPT_URIS_MAX, &out->nrua,
			    &out->nrua_valid);
		} else if (mail_policy_eq(&name, "rua", 1)) {
			TSYNTAX(&x, "field names are case-sensitive: write "
			    "\"rua=\"");
		} else if (mail_policy_eq(&name, "v", 1)) {
			TSYNTAX(&x, "v= must come first and only once");
		}
	}
	out->nfield = x.idx;
	if (!rua_seen)
		mail_policy_note(&out->notes, MX_DIAG_ERROR, "TLSRPT-NO-RUA", 0,
		    "no rua= field (required: where reports go, RFC 8460 3)");
	return out->notes.nerr > 0 ? MX_ESYNTAX : 0;
}
