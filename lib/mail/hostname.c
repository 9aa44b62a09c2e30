/* hostname.c -- host-name syntax (RFC 952, RFC 1123 2.1) and generic-looking PTR names (mail-dns-spec 3.6 PTR-GENERIC) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "mail/policy_int.h"

static const struct {
	const char *name, *text;
} hostnames[] = {
#define MAIL_HN_ROW(sym, name, text) { name, text },
	MAIL_HOSTNAMES(MAIL_HN_ROW)
#undef MAIL_HN_ROW
};

#define NHOSTNAMES	(sizeof(hostnames) / sizeof(hostnames[0]))

const char *
mail_hostname_name(int code)
{
	return code >= 0 && (size_t)code < NHOSTNAMES ?
	    hostnames[code].name : "?";
}

const char *
mail_hostname_text(int code)
{
	return code >= 0 && (size_t)code < NHOSTNAMES ?
	    hostnames[code].text : "?";
}

int
mail_hostname_check(const uint8_t *name, size_t len)
{
	struct cur c, lab;
	unsigned nlab = 0, ndigits = 0;
	int colon = 0, nonascii = 0, bad = 0, hyphen = 0, under = 0;
	int last_numeric = 0;
	size_t i, n;

	if (name == NULL || len == 0 || len > DNS_NAME_MAX ||
	    dns_name_wire_len(name, len) != (int)len)
		return MX_EMALF;
	if (len == 1)
		return MAIL_HOSTNAME_ROOT;
	cur_init(&c, name, len);
	while ((n = cur_u8(&c)) != 0 && c.err == 0) {
		int numeric = 1;

		lab = pol_take(&c, n);
		nlab++;
		for (i = 0; i < n; i++) {
			int ch = pol_peek(&lab, i);

			if (!pol_is_digit(ch))
				numeric = 0;
			if (pol_is_alpha(ch) || pol_is_digit(ch))
				continue;
			if (ch == '-') {
				if (i == 0 || i == n - 1)
					hyphen = 1;
			} else if (ch == '_') {
				under = 1;
			} else if (ch == ':') {
				colon = 1;
			} else if (ch >= 0x80) {
				nonascii = 1;
			} else {
				bad = 1;
			}
		}
		ndigits += (unsigned)numeric;
		last_numeric = numeric;
	}
	/* RFC 1123 2.1: a host name never has the form #.#.#.#. */
	if (colon || (nlab == 4 && ndigits == 4))
		return MAIL_HOSTNAME_IP_LITERAL;
	if (nonascii)
		return MAIL_HOSTNAME_NON_ASCII;
	if (bad)
		return MAIL_HOSTNAME_BAD_CHAR;
	if (hyphen)
		return MAIL_HOSTNAME_HYPHEN;
	/* RFC 1123 2.1: "the highest-level component label will be
	 * alphabetic"; RFC 3696 2: a TLD is never all digits. */
	if (last_numeric)
		return MAIL_HOSTNAME_NUMERIC_TLD;
	if (under)
		return MAIL_HOSTNAME_UNDERSCORE;
	return MAIL_HOSTNAME_OK;
}

/*
 * Generic PTR names. The wire name is read through a cursor and copied
 * into a text form of our own: the labels left of the top-level one,
 * lowercased, joined by "."; octets other than letters, digits, "-" and
 * "_" become 0x01, which neither separates nor belongs to a number, so an
 * escaped "." inside a label cannot fake a label boundary and a NUL
 * cannot end the string early. From there on the matching works on that
 * NUL-terminated string of at most 253 octets with the string functions
 * and offsets found inside it.
 */
#define LABELS_MAX	127	/* a 255-octet wire name has at most 127 */
#define HOST_MAX	DNS_NAME_MAX
#define RUNS_MAX	128	/* digit runs in 253 octets of text */

struct host {
	char t[HOST_MAX + 1];		/* NUL-terminated */
	size_t len;
	size_t lab_off[LABELS_MAX], lab_len[LABELS_MAX];
	unsigned nlab;			/* labels in t */
	unsigned nkw;			/* the first nkw are host labels */
};

/* Second-level labels under which registrations sit one level deeper
 * (example.co.uk, example.com.au): a small stand-in for the Public Suffix
 * List, which mxkit does not ship. */
static const char *const sld[] = {
	"ac", "co", "com", "edu", "gob", "gov", "go", "ne", "net", "or",
	"org", "mil",
};

static int
host_load(struct host *h, const uint8_t *name, size_t len)
{
	struct cur c, lab;
	uint8_t raw[DNS_LABEL_MAX];
	size_t n, k, sld_off, sld_len;
	unsigned nall = 0, i, keep;

	memset(h, 0, sizeof(*h));
	cur_init(&c, name, len);
	while ((n = cur_u8(&c)) != 0 && c.err == 0) {
		lab = pol_take(&c, n);
		cur_copy(&lab, raw, n);
		if (nall > 0)
			h->t[h->len++] = '.';
		h->lab_off[nall] = h->len;
		h->lab_len[nall] = n;
		for (k = 0; k < n; k++) {
			int ch = pol_lower(raw[k]);

			h->t[h->len++] = (char)(pol_is_alpha(ch) ||
			    pol_is_digit(ch) || ch == '-' || ch == '_' ? ch :
			    0x01);
		}
		nall++;
	}
	if (nall == 0)
		return 0;
	/* Drop the top-level label. */
	h->len = h->lab_off[nall - 1] - (nall > 1 ? 1 : 0);
	h->t[h->len] = '\0';
	h->nlab = nall - 1;
	/* Host labels: all but the registered domain. */
	keep = 2;
	if (nall >= 2) {
		sld_off = h->lab_off[nall - 2];
		sld_len = h->lab_len[nall - 2];
		for (i = 0; i < sizeof(sld) / sizeof(sld[0]); i++)
			if (strlen(sld[i]) == sld_len &&
			    memcmp(h->t + sld_off, sld[i], sld_len) == 0)
				keep = 3;
	}
	h->nkw = nall > keep ? nall - keep : 0;
	return 0;
}

/* needle occurs in t (NUL-terminated) with a boundary on each side: the
 * start/end of t or a byte for which sep() is true. Returns the offset or
 * -1. */
static long
find_bounded(const char *t, const char *needle, int (*sep)(int))
{
	size_t n = strlen(needle), tl = strlen(t), i;

	if (n == 0 || n > tl)
		return -1;
	for (i = 0; i + n <= tl; i++) {
		if (memcmp(t + i, needle, n) != 0)
			continue;
		if (sep != NULL && ((i > 0 && !sep((unsigned char)t[i - 1])) ||
		    (i + n < tl && !sep((unsigned char)t[i + n]))))
			continue;
		return (long)i;
	}
	return -1;
}

static int
is_dot(int ch)
{
	return ch == '.';
}

static int
not_letter(int ch)
{
	return !pol_is_alpha(ch);
}

static int
octet_sep(int ch)
{
	return ch == '-' || ch == '.' || ch == '_';
}

static void
why_match(char *why, const char *what, const char *t, size_t off,
    size_t len)
{
	if (why == NULL)
		return;
	if (len > 40)
		len = 40;
	snprintf(why, MAIL_PTR_WHY_MAX, "%s \"%.*s\"", what, (int)len,
	    t + off);
}

struct run {
	size_t off, len;
	unsigned v;			/* value when len <= 3 */
};

/* Runs r[i..i+n) are short numbers, each after the previous one and a
 * single "-", "." or "_". */
static int
runs_chained(const struct host *h, const struct run *r, unsigned i,
    unsigned n)
{
	unsigned k;

	for (k = i; k < i + n; k++) {
		if (r[k].len > 3)
			return 0;
		if (k > i && (r[k].off != r[k - 1].off + r[k - 1].len + 1 ||
		    !octet_sep((unsigned char)h->t[r[k].off - 1])))
			return 0;
	}
	return 1;
}

static int
runs_equal(const struct run *r, unsigned i, const uint8_t *o, unsigned n,
    int reversed)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (r[i + k].v != o[reversed ? n - 1 - k : k])
			return 0;
	return 1;
}

static int
generic_v4(const struct host *h, const uint8_t a[4], char *why)
{
	struct run r[RUNS_MAX];
	unsigned nr = 0, i;
	char pad[16], cat[16];
	size_t p = 0, cl;

	/* Digit runs. */
	while (p < h->len && nr < RUNS_MAX) {
		if (!pol_is_digit((unsigned char)h->t[p])) {
			p++;
			continue;
		}
		r[nr].off = p;
		r[nr].v = 0;
		while (p < h->len && pol_is_digit((unsigned char)h->t[p])) {
			if (p - r[nr].off < 3)
				r[nr].v = r[nr].v * 10 +
				    (unsigned)(h->t[p] - '0');
			p++;
		}
		r[nr].len = p - r[nr].off;
		nr++;
	}
	for (i = 0; i + 4 <= nr; i++)
		if (runs_chained(h, r, i, 4) && (runs_equal(r, i, a, 4, 0) ||
		    runs_equal(r, i, a, 4, 1))) {
			why_match(why, "embeds the address as", h->t, r[i].off,
			    r[i + 3].off + r[i + 3].len - r[i].off);
			return MAIL_PTR_EMBEDS_ADDR;
		}
	for (i = 0; i + 3 <= nr; i++)
		if (runs_chained(h, r, i, 3) &&
		    (runs_equal(r, i, a + 1, 3, 0) ||
		    runs_equal(r, i, a + 1, 3, 1))) {
			why_match(why, "embeds the address as", h->t, r[i].off,
			    r[i + 2].off + r[i + 2].len - r[i].off);
			return MAIL_PTR_EMBEDS_ADDR;
		}
	/* One run: padded (192000002072) or plain (1920272, 7 digits or
	 * more) concatenation. */
	snprintf(pad, sizeof(pad), "%03u%03u%03u%03u", a[0], a[1], a[2],
	    a[3]);
	snprintf(cat, sizeof(cat), "%u%u%u%u", a[0], a[1], a[2], a[3]);
	cl = strlen(cat);
	for (i = 0; i < nr; i++)
		if ((r[i].len == 12 && memcmp(h->t + r[i].off, pad, 12) == 0) ||
		    (r[i].len == cl && cl >= 7 &&
		    memcmp(h->t + r[i].off, cat, cl) == 0)) {
			why_match(why, "embeds the address as", h->t, r[i].off,
			    r[i].len);
			return MAIL_PTR_EMBEDS_ADDR;
		}
	snprintf(pad, sizeof(pad), "%02x%02x%02x%02x", a[0], a[1], a[2],
	    a[3]);
	if (strstr(h->t, pad) != NULL) {
		why_match(why, "embeds the address in hex as", pad, 0, 8);
		return MAIL_PTR_EMBEDS_HEX;
	}
	return 0;
}

static int
generic_v6(const struct host *h, const uint8_t a[16], char *why)
{
	static const char hex[] = "0123456789abcdef";
	char full[33], fwd[32], rev[32], cand[40];
	uint8_t b[16];
	size_t i, s, e, k, end;
	long at;

	for (i = 0; i < 16; i++) {
		full[2 * i] = hex[a[i] >> 4];
		full[2 * i + 1] = hex[a[i] & 0xf];
	}
	full[32] = '\0';
	if (strstr(h->t, full) != NULL) {
		why_match(why, "embeds the address in hex as", full, 0, 32);
		return MAIL_PTR_EMBEDS_HEX;
	}
	if (strstr(h->t, full + 16) != NULL) {
		why_match(why, "embeds the interface identifier as", full, 16,
		    16);
		return MAIL_PTR_EMBEDS_HEX;
	}
	/* The 16 nibbles of the interface identifier as labels. */
	for (i = 0; i < 16; i++) {
		fwd[2 * i] = full[16 + i];
		fwd[2 * i + 1] = '.';
		rev[2 * i] = full[31 - i];
		rev[2 * i + 1] = '.';
	}
	fwd[31] = rev[31] = '\0';
	if ((at = find_bounded(h->t, fwd, is_dot)) >= 0 ||
	    (at = find_bounded(h->t, rev, is_dot)) >= 0) {
		why_match(why, "embeds the address as nibble labels",
		    h->t, (size_t)at, 31);
		return MAIL_PTR_EMBEDS_HEX;
	}
	/*
	 * The address with "-" for ":" (2001-db8--47): each run of hex
	 * digits and "-" inside a label is tried from every group start to
	 * every group end. At most 39 octets can be an address, and a run
	 * is at most 63, so this is a few hundred inet_pton calls.
	 */
	for (i = 0; i < h->len; i = end + 1) {
		for (end = i; end < h->len && (pol_is_hex((unsigned char)
		    h->t[end]) || h->t[end] == '-'); end++)
			;
		for (s = i; s < end; s++) {
			if (!pol_is_hex((unsigned char)h->t[s]) ||
			    (s > i && h->t[s - 1] != '-'))
				continue;
			for (e = s + 2; e <= end && e - s < sizeof(cand);
			    e++) {
				if (e < end && h->t[e] != '-')
					continue;
				for (k = 0; k < e - s; k++)
					cand[k] = h->t[s + k] == '-' ? ':' :
					    h->t[s + k];
				cand[k] = '\0';
				if (inet_pton(AF_INET6, cand, b) == 1 &&
				    memcmp(b, a, 16) == 0) {
					why_match(why, "embeds the address as",
					    h->t, s, e - s);
					return MAIL_PTR_EMBEDS_ADDR;
				}
			}
		}
	}
	return 0;
}

/* Keywords of dynamic pools: strong ones mark a name alone, weak ones
 * only in a label that also holds a digit. */
static const char *const kw_strong[] = {
	"dsl", "adsl", "vdsl", "xdsl", "sdsl", "dhcp", "dynamic", "dyn",
	"dynip", "dip", "ppp", "pppoe", "dialup", "dial-up", "dialin",
	"broadband", "residential", "cpe", "ftth", "static-ip", "staticip",
	"hsd", "pool",
};
static const char *const kw_weak[] = {
	"client", "customer", "cust", "mobile", "fiber", "fibre", "cable",
	"wireless", "user", "host",
};

static int
generic_kw(const struct host *h, char *why)
{
	char lab[DNS_LABEL_MAX + 1];
	unsigned i;
	size_t k;
	int digit;

	for (i = 0; i < h->nkw; i++) {
		memcpy(lab, h->t + h->lab_off[i], h->lab_len[i]);
		lab[h->lab_len[i]] = '\0';
		digit = 0;
		for (k = 0; k < h->lab_len[i]; k++)
			if (pol_is_digit((unsigned char)lab[k]))
				digit = 1;
		for (k = 0; k < sizeof(kw_strong) / sizeof(kw_strong[0]); k++)
			if (find_bounded(lab, kw_strong[k], not_letter) >= 0)
				goto found;
		if (!digit)
			continue;
		for (k = 0; k < sizeof(kw_weak) / sizeof(kw_weak[0]); k++)
			if (find_bounded(lab, kw_weak[k], not_letter) >= 0) {
				if (why != NULL)
					snprintf(why, MAIL_PTR_WHY_MAX,
					    "dynamic-pool keyword \"%s\" "
					    "beside a number", kw_weak[k]);
				return MAIL_PTR_KEYWORD;
			}
		continue;
found:
		if (why != NULL)
			snprintf(why, MAIL_PTR_WHY_MAX, "dynamic-pool keyword "
			    "\"%s\"", kw_strong[k]);
		return MAIL_PTR_KEYWORD;
	}
	return 0;
}

int
mail_ptr_generic(const uint8_t *name, size_t len, const struct mail_addr *a,
    char why[MAIL_PTR_WHY_MAX])
{
	struct host h;
	int r;

	if (why != NULL)
		why[0] = '\0';
	if (a->family != AF_INET && a->family != AF_INET6)
		return MX_EINVAL;
	if (name == NULL || len == 0 || len > DNS_NAME_MAX ||
	    dns_name_wire_len(name, len) != (int)len)
		return MX_EMALF;
	host_load(&h, name, len);
	r = a->family == AF_INET ? generic_v4(&h, a->a, why) :
	    generic_v6(&h, a->a, why);
	if (r == 0)
		r = generic_kw(&h, why);
	return r;
}
