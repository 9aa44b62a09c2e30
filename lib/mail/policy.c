/* policy.c -- what the policy record parsers share: slices, quoting, notes, tag lists, report URIs (RFC 3986) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "mail/policy_int.h"

int
mail_policy_eq(const struct cur *s, const char *lit, int fold)
{
	if (cur_left(s) != strlen(lit))
		return 0;
	return mail_policy_prefix(s, lit, fold);
}

int
mail_policy_prefix(const struct cur *s, const char *lit, int fold)
{
	size_t n = strlen(lit), i;

	if (cur_left(s) < n)
		return 0;
	for (i = 0; i < n; i++) {
		int ch = pol_peek(s, i);

		if (fold ? pol_lower(ch) != pol_lower((unsigned char)lit[i]) :
		    ch != (unsigned char)lit[i])
			return 0;
	}
	return 1;
}

size_t
mail_policy_find(const struct cur *s, int ch)
{
	size_t i, n = cur_left(s);

	for (i = 0; i < n; i++)
		if (pol_peek(s, i) == ch)
			break;
	return i;
}

void
mail_policy_skip_wsp(struct cur *s)
{
	while (pol_is_wsp(pol_peek(s, 0)))
		cur_skip(s, 1);
}

void
mail_policy_trim_wsp(struct cur *s)
{
	/* Shortening the slice's end: len only ever decreases, never below
	 * the position. */
	while (s->len > s->off && pol_is_wsp(cur_at(s, s->len - 1)))
		s->len--;
}

int
mail_policy_copy(const struct cur *s, char *buf, size_t cap)
{
	struct cur t = *s;
	size_t n = cur_left(&t);
	int cut = 0;

	if (n > cap - 1) {
		n = cap - 1;
		cut = 1;
	}
	cur_copy(&t, buf, n);
	buf[n] = '\0';
	return cut;
}

const char *
mail_policy_quote(const struct cur *s, char buf[POL_QUOTE_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, n = cur_left(s);

	buf[o++] = '"';
	for (i = 0; i < n && i < POL_QUOTE_SHOWN; i++) {
		int ch = pol_peek(s, i);

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			buf[o++] = (char)ch;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[(ch >> 4) & 0xf];
			buf[o++] = hex[ch & 0xf];
		}
	}
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

void
mail_policy_note(struct mail_policy_notes *n, enum mx_level level,
    const char *code, unsigned term, const char *fmt, ...)
{
	struct mail_policy_note *note;
	va_list ap;

	switch (level) {
	case MX_DIAG_ERROR:
		n->nerr++;
		break;
	case MX_DIAG_WARN:
		n->nwarn++;
		break;
	default:
		n->ninfo++;
		break;
	}
	if (n->nnote == MAIL_POLICY_NOTES_MAX)
		return;
	note = &n->note[n->nnote++];
	note->level = level;
	note->code = code;
	note->term = term;
	va_start(ap, fmt);
	vsnprintf(note->text, sizeof(note->text), fmt, ap);
	va_end(ap);
}

int
mail_policy_tag_next(struct cur *c, struct cur *tag)
{
	size_t n;

	mail_policy_skip_wsp(c);
	if (cur_left(c) == 0)
		return 0;
	n = mail_policy_find(c, ';');
	*tag = pol_take(c, n);
	mail_policy_trim_wsp(tag);
	if (pol_peek(c, 0) == ';')
		cur_skip(c, 1);
	return 1;
}

/* RFC 3986 2.2, 2.3: the characters a URI may hold as they are, less ","
 * and "!" (list separator and DMARC size mark) and ";" (tag separator). */
static int
uri_char(int ch)
{
	if (pol_is_alpha(ch) || pol_is_digit(ch))
		return 1;
	return ch > 0 && strchr("-._~:/?#[]@$&'()*+=", ch) != NULL;
}

/* Letters, digits, hyphens and dots, at least one dot inside, or an
 * address literal in brackets: the domain of a mailto: address. */
static int
mail_domain(const struct cur *d)
{
	size_t i, n = cur_left(d);
	int dot = 0, prev = '.';

	if (n == 0)
		return 0;
	if (pol_peek(d, 0) == '[')
		return n > 2 && pol_peek(d, n - 1) == ']';
	for (i = 0; i < n; i++) {
		int ch = pol_peek(d, i);

		if (ch == '.') {
			if (prev == '.' || prev == '-')
				return 0;
			dot = 1;
		} else if (ch == '-') {
			if (prev == '.')
				return 0;
		} else if (!pol_is_alpha(ch) && !pol_is_digit(ch) &&
		    ch != '%') {
			/* %HH stays: an encoded IDN is left to the mail
			 * system. */
			return 0;
		}
		prev = ch;
	}
	return dot && prev != '-';
}

int
mail_policy_uri_check(const struct cur *u, const char **why)
{
	struct cur t = *u, rest, addr, dom;
	size_t i, n = cur_left(u), at;
	int kind;

	if (n == 0) {
		*why = "empty URI";
		return POL_URI_BAD;
	}
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (!pol_is_alpha(pol_peek(&t, 0))) {
		*why = "expected a URI starting with a scheme such as mailto:";
		return POL_URI_BAD;
	}
	for (i = 1; i < n; i++) {
		int ch = pol_peek(&t, i);

		if (ch == ':')
			break;
		if (!pol_is_alpha(ch) && !pol_is_digit(ch) && ch != '+' &&
		    ch != '-' && ch != '.') {
			*why = "expected a URI starting with a scheme such as "
			    "mailto:";
			return POL_URI_BAD;
		}
	}
	if (i == n) {
		*why = "expected a URI starting with a scheme such as mailto:";
		return POL_URI_BAD;
	}
	if (mail_policy_prefix(&t, "mailto:", 1))
		kind = POL_URI_MAILTO;
	else if (mail_policy_prefix(&t, "https:", 1))
		kind = POL_URI_HTTPS;
	else
		kind = POL_URI_OTHER;
	cur_skip(&t, i + 1);
	rest = pol_rest(&t);
	n = cur_left(&rest);
	if (n == 0) {
		*why = "nothing after the URI scheme";
		return POL_URI_BAD;
	}
	for (i = 0; i < n; i++) {
		int ch = pol_peek(&rest, i);

		if (ch == '%') {
			if (!pol_is_hex(pol_peek(&rest, i + 1)) ||
			    !pol_is_hex(pol_peek(&rest, i + 2))) {
				*why = "\"%\" not followed by two hex digits";
				return POL_URI_BAD;
			}
			i += 2;
		} else if (!uri_char(ch)) {
			*why = ch == ',' || ch == '!' ?
			    "\",\" and \"!\" inside a URI must be written "
			    "%2c and %21" :
			    "a character that a URI cannot hold "
			    "(percent-encode it)";
			return POL_URI_BAD;
		}
	}
	if (kind == POL_URI_MAILTO) {
		/* RFC 6068 2: addr-spec before any "?hfields". */
		addr = pol_take(&rest, mail_policy_find(&rest, '?'));
		at = mail_policy_find(&addr, '@');
		if (at == 0 || at == cur_left(&addr)) {
			*why = "mailto: needs an address local@domain";
			return POL_URI_BAD;
		}
		cur_skip(&addr, at + 1);
		dom = pol_rest(&addr);
		if (!mail_domain(&dom)) {
			*why = "mailto: address has no valid domain";
			return POL_URI_BAD;
		}
	} else if (kind == POL_URI_HTTPS) {
		/* RFC 3986 3.2: "//" authority, the host not empty. */
		if (!mail_policy_prefix(&rest, "//", 0)) {
			*why = "https: needs //host";
			return POL_URI_BAD;
		}
		cur_skip(&rest, 2);
		i = mail_policy_find(&rest, '/');
		if (i == 0 || pol_peek(&rest, 0) == '?' ||
		    pol_peek(&rest, 0) == '#' || pol_peek(&rest, 0) == ':') {
			*why = "https: needs //host";
			return POL_URI_BAD;
		}
	}
	return kind;
}
