/* dnsbl.c -- RFC 5782 DNSBL zones for mxkit trap dnsbl: entry names, reasons, expiry, serials, the zone text and the state it carries */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dnsbl.h"
#include "mxkit/dns.h"
#include "mxkit/err.h"

static const uint8_t mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
dnsbl_addr_parse(const char *s, struct mail_addr *a)
{
	uint8_t b[16];

	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, b) == 1) {
		a->family = AF_INET;
		memcpy(a->a, b, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) != 1)
		return MX_ESYNTAX;
	if (memcmp(b, mapped_prefix, sizeof mapped_prefix) == 0) {
		a->family = AF_INET;
		memcpy(a->a, b + 12, 4);
	} else {
		a->family = AF_INET6;
		memcpy(a->a, b, 16);
	}
	return 0;
}

int
dnsbl_owner(const struct mail_addr *a, char out[DNSBL_OWNER_MAX])
{
	static const char hex[] = "0123456789abcdef";
	int i, n = 0;

	if (a->family == AF_INET) {
		/* At most "255.255.255.255": 15 characters. */
		n = snprintf(out, DNSBL_OWNER_MAX, "%u.%u.%u.%u", a->a[3],
		    a->a[2], a->a[1], a->a[0]);
		return n;
	}
	if (a->family != AF_INET6)
		return MX_EINVAL;
	/* RFC 3596 2.5 order: the low nibble of the last octet first; 63
	 * characters and the NUL. */
	for (i = 15; i >= 0; i--) {
		out[n++] = hex[a->a[i] & 0xf];
		out[n++] = '.';
		out[n++] = hex[a->a[i] >> 4];
		out[n++] = i > 0 ? '.' : '\0';
	}
	return n - 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n decimal digits at s[*i]; -1 when one is missing. */
static long
digits(const char *s, size_t *i, int n)
{
	long v = 0;

	for (; n > 0; n--, (*i)++) {
		if (s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	return v;
}

static int
expect(const char *s, size_t *i, char c)
{
	if (s[*i] != c)
		return 0;
	(*i)++;
	return 1;
}

int
dnsbl_time_parse(const char *s, int64_t *t)
{
	static const unsigned mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	long y, mo, d, h, mi, se, oh, om;
	size_t i = 0;
	int64_t v;

	y = digits(s, &i, 4);
	if (y < 0 || !expect(s, &i, '-'))
		return MX_ESYNTAX;
	mo = digits(s, &i, 2);
	if (mo < 1 || mo > 12 || !expect(s, &i, '-'))
		return MX_ESYNTAX;
	d = digits(s, &i, 2);
	if (d < 1 || (unsigned long)d > mdays[mo - 1])
		return MX_ESYNTAX;
	if (!expect(s, &i, 'T') && !expect(s, &i, ' '))
		return MX_ESYNTAX;
	h = digits(s, &i, 2);
	if (h < 0 || h > 23 || !expect(s, &i, ':'))
		return MX_ESYNTAX;
	mi = digits(s, &i, 2);
	if (mi < 0 || mi > 59 || !expect(s, &i, ':'))
		return MX_ESYNTAX;
	/* 60: a leap second, counted as the next second. */
	se = digits(s, &i, 2);
	if (se < 0 || se > 60)
		return MX_ESYNTAX;
	if (expect(s, &i, '.')) {
		if (s[i] < '0' || s[i] > '9')
			return MX_ESYNTAX;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	v = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 +
	    mi) * 60 + se;
	if (expect(s, &i, 'Z')) {
		/* UTC */
	} else if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '+' ? 1 : -1;

		i++;
		oh = digits(s, &i, 2);
		if (oh < 0 || oh > 23 || !expect(s, &i, ':'))
			return MX_ESYNTAX;
		om = digits(s, &i, 2);
		if (om < 0 || om > 59)
			return MX_ESYNTAX;
		v -= sign * (oh * 3600 + om * 60);
	} else {
		return MX_ESYNTAX;
	}
	if (s[i] != '\0')
		return MX_ESYNTAX;
	*t = v;
	return 0;
}

const char *
dnsbl_time_text(int64_t t, char out[DNSBL_TIME_TEXT])
{
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t sec = t - days * 86400, z, era, y;
	unsigned doe, yoe, doy, mp, d, m;

	/* civil_from_days, the inverse of days_from_civil. */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	/* The modulos tell the compiler the widths: every field fits. */
	snprintf(out, DNSBL_TIME_TEXT, "%04u-%02u-%02uT%02u:%02u:%02uZ",
	    (unsigned)y % 10000, m % 13, d % 32, (unsigned)sec / 3600 % 24,
	    (unsigned)sec / 60 % 60, (unsigned)sec % 60);
	return out;
}

/* Appends at most max octets of s to out[*n..cap), unprintable ones as '?'. */
static void
put_clean(char *out, size_t *n, size_t cap, const char *s, size_t max)
{
	for (; *s != '\0' && max > 0 && *n < cap; s++, max--)
		out[(*n)++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
}

/* RFC 5321 4.5.3.1.2: a domain is at most 255 octets, but a reason is read
 * by people: 64 octets of HELO say enough. */
#define HELO_SHOWN	64

size_t
dnsbl_txt_make(char out[DNSBL_TXT_MAX], int64_t when, const char *helo,
    const char *reason)
{
	char tt[DNSBL_TIME_TEXT];
	size_t n = 0;

	put_clean(out, &n, DNSBL_TXT_MAX,
	    "listed by mxkit trap: skipped the higher-priority MX at ",
	    DNSBL_TXT_MAX);
	put_clean(out, &n, DNSBL_TXT_MAX, dnsbl_time_text(when, tt),
	    DNSBL_TXT_MAX);
	if (helo != NULL && *helo != '\0') {
		put_clean(out, &n, DNSBL_TXT_MAX, "; helo ", DNSBL_TXT_MAX);
		put_clean(out, &n, DNSBL_TXT_MAX, helo, HELO_SHOWN);
	}
	if (reason != NULL && *reason != '\0') {
		put_clean(out, &n, DNSBL_TXT_MAX, "; ", DNSBL_TXT_MAX);
		put_clean(out, &n, DNSBL_TXT_MAX, reason, DNSBL_TXT_MAX);
	}
	return n;
}

int
dnsbl_threshold_met(uint64_t connections, int envelope, unsigned threshold)
{
	if (envelope)
		return connections >= 1;
	return connections >= threshold;
}

static int
addr_cmp(const struct mail_addr *a, const struct mail_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16);
}

/* Entries by address, then the newest last event first, so that the first
 * of a run of equal addresses is the one to keep. */
static int
entry_cmp(const void *pa, const void *pb)
{
	const struct dnsbl_entry *a = pa, *b = pb;
	int c = addr_cmp(&a->addr, &b->addr);

	if (c != 0)
		return c;
	return a->last > b->last ? -1 : a->last < b->last;
}

static int
dropped(const struct mail_addr *a, const struct mail_addr *drop,
    size_t ndrop)
{
	size_t i;

	/* 127.0.0.0/8 holds the test entries (R-5782-3). */
	if (a->family == AF_INET && a->a[0] == 127)
		return 1;
	if (a->family == AF_INET6 &&
	    memcmp(a->a, mapped_prefix, sizeof mapped_prefix) == 0)
		return 1;
	if (a->family != AF_INET && a->family != AF_INET6)
		return 1;
	for (i = 0; i < ndrop; i++)
		if (addr_cmp(a, &drop[i]) == 0)
			return 1;
	return 0;
}

size_t
dnsbl_merge(const struct dnsbl_entry *prev, size_t nprev,
    const struct dnsbl_entry *fresh, size_t nfresh,
    const struct mail_addr *drop, size_t ndrop, int64_t now,
    int64_t expire, struct dnsbl_entry *out)
{
	size_t i, j, n = 0, k;
	int64_t first;

	for (i = 0; i < nprev; i++)
		out[n++] = prev[i];
	for (i = 0; i < nfresh; i++)
		out[n++] = fresh[i];
	qsort(out, n, sizeof *out, entry_cmp);
	/* Each run of one address: keep its first entry (the newest last
	 * event) with the earliest first time of the run. */
	k = 0;
	for (i = 0; i < n; i = j) {
		first = out[i].first;
		for (j = i + 1; j < n && addr_cmp(&out[j].addr,
		    &out[i].addr) == 0; j++)
			if (out[j].first < first)
				first = out[j].first;
		if (out[i].last <= now - expire ||
		    dropped(&out[i].addr, drop, ndrop))
			continue;
		out[k] = out[i];
		out[k].first = first;
		k++;
	}
	return k;
}

int
dnsbl_serial_follows(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;

	return d != 0 && d < UINT32_C(0x80000000);
}

uint32_t
dnsbl_serial_next(uint32_t prev, int have_prev, int64_t now)
{
	uint32_t t = (uint32_t)((uint64_t)now & 0xffffffffu);

	if (!have_prev || dnsbl_serial_follows(t, prev))
		return t;
	return prev + 1;
}

static const char header_tag[] = "; mxkit trap dnsbl zone ";
static const char entry_tag[] = "; entry ";

/* Zone names compared as text, any case, final dot or not. */
static int
zone_same(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen > 0 && a[alen - 1] == '.')
		alen--;
	if (blen > 0 && b[blen - 1] == '.')
		blen--;
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

int
dnsbl_state_header(const char *line, size_t len, const char *zone,
    uint32_t *serial)
{
	size_t tl = sizeof header_tag - 1, i, zs;
	uint64_t v = 0;

	if (len < tl || memcmp(line, header_tag, tl) != 0)
		return MX_ESYNTAX;
	zs = i = tl;
	while (i < len && line[i] != ' ')
		i++;
	if (!zone_same(line + zs, i - zs, zone))
		return MX_ESYNTAX;
	if (len - i < 9 || memcmp(line + i, " serial ", 8) != 0)
		return MX_ESYNTAX;
	i += 8;
	if (i >= len || line[i] < '0' || line[i] > '9')
		return MX_ESYNTAX;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(line[i] - '0');
		if (v > UINT32_MAX)
			return MX_ESYNTAX;
	}
	if (i < len && line[i] != ' ')
		return MX_ESYNTAX;
	*serial = (uint32_t)v;
	return 0;
}

/* The next space-separated word of line[*i..len) into buf (cap > 0). */
static int
word(const char *line, size_t len, size_t *i, char *buf, size_t cap)
{
	size_t n = 0;

	while (*i < len && line[*i] == ' ')
		(*i)++;
	while (*i < len && line[*i] != ' ') {
		if (n + 1 >= cap)
			return MX_ESYNTAX;
		buf[n++] = line[(*i)++];
	}
	buf[n] = '\0';
	return n > 0 ? 0 : MX_ESYNTAX;
}

/* Three decimal digits at s (the caller has checked that they are there). */
static int
isdigit3(const char *s)
{
	return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9';
}

int
dnsbl_state_entry(const char *line, size_t len, struct dnsbl_entry *e)
{
	size_t tl = sizeof entry_tag - 1, i;
	char w[64];
	unsigned v;

	if (len < tl || memcmp(line, entry_tag, tl) != 0)
		return 0;
	memset(e, 0, sizeof *e);
	i = tl;
	if (word(line, len, &i, w, sizeof w) != 0 ||
	    dnsbl_addr_parse(w, &e->addr) != 0 ||
	    word(line, len, &i, w, sizeof w) != 0 ||
	    dnsbl_time_parse(w, &e->first) != 0 ||
	    word(line, len, &i, w, sizeof w) != 0 ||
	    dnsbl_time_parse(w, &e->last) != 0 ||
	    word(line, len, &i, w, sizeof w) != 0)
		return MX_ESYNTAX;
	/* The code: "127.0.0.2". */
	if (strncmp(w, "127.0.0.", 8) != 0 || w[8] < '0' || w[8] > '9')
		return MX_ESYNTAX;
	v = (unsigned)strtoul(w + 8, NULL, 10);
	if (strspn(w + 8, "0123456789") != strlen(w + 8) || v < 2 || v > 255)
		return MX_ESYNTAX;
	e->code = (uint8_t)v;
	/* The TXT as written: one quoted string, \" \\ and \DDD escapes. */
	while (i < len && line[i] == ' ')
		i++;
	if (i >= len || line[i++] != '"')
		return MX_ESYNTAX;
	while (i < len && line[i] != '"') {
		uint8_t c = (uint8_t)line[i++];

		if (c == '\\') {
			if (i >= len)
				return MX_ESYNTAX;
			if (line[i] >= '0' && line[i] <= '9') {
				if (len - i < 3 || !isdigit3(line + i))
					return MX_ESYNTAX;
				v = (unsigned)((line[i] - '0') * 100 +
				    (line[i + 1] - '0') * 10 + (line[i + 2] - '0'));
				if (v > 255)
					return MX_ESYNTAX;
				c = (uint8_t)v;
				i += 3;
			} else {
				c = (uint8_t)line[i++];
			}
		}
		if (e->txtlen >= DNSBL_TXT_MAX)
			return MX_ESYNTAX;
		e->txt[e->txtlen++] = (char)c;
	}
	if (i >= len || i + 1 != len)
		return MX_ESYNTAX;
	return 1;
}

/* A TXT character-string in master file form (RFC 1035 5.1). */
static void
put_txt(FILE *fp, const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(fp, "\\%03u", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* A name in canonical text with the final dot into buf (DNS_NAME_TEXT_MAX);
 * its wire length in *wlen. */
static int
name_text(const char *s, char *buf, size_t *wlen)
{
	uint8_t w[DNS_NAME_MAX];
	size_t n;
	int r;

	r = dns_name_from_text(s, strlen(s), NULL, 0, w, &n, NULL);
	if (r != 0)
		return MX_EINVAL;
	dns_name_lower(w, n);
	if (dns_name_to_text(w, n, buf, DNS_NAME_TEXT_MAX) < 0)
		return MX_EINVAL;
	*wlen = n;
	return 0;
}

static void
put_entry(FILE *fp, const char *owner, uint8_t code, const char *txt,
    size_t txtlen)
{
	fprintf(fp, "%s\tIN\tA\t127.0.0.%u\n", owner, code);
	fprintf(fp, "%s\tIN\tTXT\t", owner);
	put_txt(fp, txt, txtlen);
	fputc('\n', fp);
}

/* SOA timers for secondaries of a list that changes often: refresh 15
 * minutes, retry 5, expire a week. */
#define SOA_REFRESH	900
#define SOA_RETRY	300
#define SOA_EXPIRE	604800

int
dnsbl_zone_write(FILE *fp, const struct dnsbl_zone *z,
    const struct dnsbl_entry *e, size_t n)
{
	static const char test_txt[] =
	    "listed by mxkit trap: RFC 5782 test entry";
	static const struct mail_addr test6 = { AF_INET6,
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 2 } };
	char zone[DNS_NAME_TEXT_MAX], ns[DNS_NAME_TEXT_MAX];
	char hm[DNS_NAME_TEXT_MAX], owner[DNSBL_OWNER_MAX];
	char t1[DNSBL_TIME_TEXT], t2[DNSBL_TIME_TEXT];
	size_t zl, l, i;

	/* The longest owner, 32 nibbles, takes 64 octets before the zone. */
	if (name_text(z->zone, zone, &zl) != 0 || zl > DNS_NAME_MAX - 64 ||
	    name_text(z->ns, ns, &l) != 0 ||
	    name_text(z->hostmaster, hm, &l) != 0)
		return MX_EINVAL;
	for (i = 0; i < n; i++)
		if (e[i].code < 2 || dnsbl_owner(&e[i].addr, owner) < 0)
			return MX_EINVAL;
	/* The zone name must not open a comment or hold a space: the header
	 * is read back word by word. dns_name_to_text escapes both. */
	fprintf(fp, "%s%s serial %" PRIu32 " written %s\n", header_tag, zone,
	    z->serial, dnsbl_time_text(z->now, t1));
	fprintf(fp, "; An RFC 5782 DNSBL of the clients that skipped the "
	    "higher-priority MX.\n"
	    "; Written by mxkit trap dnsbl, which rewrites it whole: do not "
	    "edit.\n"
	    "; The \"; entry ADDRESS FIRST-LISTED LAST-EVENT CODE TXT\" "
	    "lines are its state.\n");
	fprintf(fp, "$ORIGIN %s\n$TTL %" PRIu32 "\n", zone, z->ttl);
	fprintf(fp, "@\tIN\tSOA\t%s %s %" PRIu32 " %d %d %d %" PRIu32 "\n",
	    ns, hm, z->serial, SOA_REFRESH, SOA_RETRY, SOA_EXPIRE,
	    z->minimum);
	fprintf(fp, "@\tIN\tNS\t%s\n", ns);
	fprintf(fp, "; RFC 5782 5: 127.0.0.2 and ::ffff:7f00:2 listed, "
	    "127.0.0.1 and ::ffff:7f00:1 not\n");
	put_entry(fp, "2.0.0.127", DNSBL_CODE_SKIPPED, test_txt,
	    sizeof test_txt - 1);
	dnsbl_owner(&test6, owner);
	put_entry(fp, owner, DNSBL_CODE_SKIPPED, test_txt,
	    sizeof test_txt - 1);
	for (i = 0; i < n; i++) {
		char at[INET6_ADDRSTRLEN];

		inet_ntop(e[i].addr.family, e[i].addr.a, at, sizeof at);
		fprintf(fp, "%s%s %s %s 127.0.0.%u ", entry_tag, at,
		    dnsbl_time_text(e[i].first, t1),
		    dnsbl_time_text(e[i].last, t2), e[i].code);
		put_txt(fp, e[i].txt, e[i].txtlen);
		fputc('\n', fp);
		dnsbl_owner(&e[i].addr, owner);
		put_entry(fp, owner, e[i].code, e[i].txt, e[i].txtlen);
	}
	fprintf(fp, "; %zu entr%s\n", n, n == 1 ? "y" : "ies");
	if (fflush(fp) != 0 || ferror(fp))
		return MX_EIO;
	return 0;
}
