/* trap_report.c -- classify trap connections against the primaries' logs (mail-dns-spec 4.3), in memory, no I/O */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mxkit/err.h"
#include "mxkit/trap_report.h"

const char *
trap_verdict_name(enum trap_verdict v)
{
	switch (v) {
	case TRAP_ORDERLY:
		return "ORDERLY";
	case TRAP_INCONCLUSIVE:
		return "INCONCLUSIVE";
	case TRAP_SKIPPED:
		return "SKIPPED";
	case TRAP_ALLOWLISTED:
		return "ALLOWLISTED";
	}
	return "?";
}

void
trap_params_default(struct trap_params *p)
{
	p->window_ms = 24 * 3600 * 1000LL;	/* spec 4.3 item 2: W_before */
	p->skew_ms = 120 * 1000LL;		/* item 9 */
	p->gap_ms = 3600 * 1000LL;
	p->grace_ms = 60 * 1000LL;		/* spamd: startup + 60 */
	p->trap_start_ms = INT64_MIN;
	p->prefix4 = 24;			/* item 6: egress pools */
	p->prefix6 = 64;
}

static unsigned
addr_bits(const struct mail_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static void
mask(struct mail_addr *a, unsigned len)
{
	unsigned i, bytes = addr_bits(a) / 8;

	for (i = 0; i < bytes; i++) {
		if (len >= 8 * (i + 1))
			continue;
		if (len <= 8 * i)
			a->a[i] = 0;
		else
			a->a[i] &= (uint8_t)(0xff << (8 - (len - 8 * i)));
	}
	for (i = bytes; i < 16; i++)
		a->a[i] = 0;
}

int
trap_cidr_parse(const char *s, size_t len, struct trap_cidr *c)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	unsigned long v = 0;
	size_t i;
	int mapped;

	memset(c, 0, sizeof(*c));
	if (trap_addr_parse(s, alen, &c->addr) != 0)
		return MX_ESYNTAX;
	/* "::ffff:192.0.2.0/120" names IPv4 192.0.2.0/24. */
	mapped = c->addr.family == AF_INET && memchr(s, ':', alen) != NULL;
	if (slash == NULL) {
		c->len = addr_bits(&c->addr);
		return 0;
	}
	if (alen + 1 == len || len - alen - 1 > 3)
		return MX_ESYNTAX;
	for (i = alen + 1; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return MX_ESYNTAX;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (mapped) {
		if (v < 96 || v > 128)
			return MX_ESYNTAX;
		v -= 96;
	}
	if (v > addr_bits(&c->addr))
		return MX_ERANGE;
	c->len = (unsigned)v;
	mask(&c->addr, c->len);
	return 0;
}

int
trap_cidr_contains(const struct trap_cidr *c, const struct mail_addr *a)
{
	struct mail_addr m = *a;

	if (a->family != c->addr.family)
		return 0;
	mask(&m, c->len);
	return memcmp(m.a, c->addr.a, 16) == 0;
}

const char *
trap_time_text(int64_t ms, char buf[64])
{
	int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400;
	/* civil_from_days (Hinnant), the inverse of trap_log_days. */
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	if (m <= 2)
		y++;
	snprintf(buf, 64, "%04" PRId64 "-%02" PRId64 "-%02" PRId64
	    "T%02" PRId64 ":%02" PRId64 ":%02" PRId64 "Z", y, m, d,
	    sod / 3600, sod / 60 % 60, sod % 60);
	return buf;
}

/* The prefix a correlation compares (item 6): /24 and /64 by default. */
static struct mail_addr
key_of(const struct mail_addr *a, const struct trap_params *p)
{
	struct mail_addr k = *a;

	mask(&k, a->family == AF_INET ? p->prefix4 : p->prefix6);
	return k;
}

static int
key_cmp(const struct mail_addr *a, const struct mail_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, 16);
}

static int
hit_cmp(const void *x, const void *y)
{
	const struct trap_primary *a = x, *b = y;
	int r = key_cmp(&a->key, &b->key);

	if (r != 0)
		return r;
	return a->t_ms < b->t_ms ? -1 : a->t_ms > b->t_ms;
}

static int
time_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

void
trap_logs_prepare(struct trap_logs *l, const struct trap_params *p)
{
	size_t i;

	/* The key goes into each element, as qsort has no context (and
	 * qsort_r is not C11). */
	for (i = 0; i < l->nhits; i++)
		l->hits[i].key = key_of(&l->hits[i].addr, p);
	if (l->nhits > 1)
		qsort(l->hits, l->nhits, sizeof(l->hits[0]), hit_cmp);
	if (l->ntimes > 1)
		qsort(l->times, l->ntimes, sizeof(l->times[0]), time_cmp);
}

/* The first i in hits with (key, t) >= (k, t0). */
static size_t
hits_lower(const struct trap_logs *l, const struct mail_addr *k, int64_t t0)
{
	size_t lo = 0, hi = l->nhits, mid;
	int r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = key_cmp(&l->hits[mid].key, k);
		if (r < 0 || (r == 0 && l->hits[mid].t_ms < t0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first i in times with times[i] >= t. */
static size_t
times_lower(const struct trap_logs *l, int64_t t)
{
	size_t lo = 0, hi = l->ntimes, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (l->times[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
dur_text(int64_t ms, char *buf, size_t n)
{
	int64_t s = ms / 1000;

	if (s % 3600 == 0 && s >= 3600)
		snprintf(buf, n, "%" PRId64 " h", s / 3600);
	else if (s % 60 == 0 && s >= 60)
		snprintf(buf, n, "%" PRId64 " min", s / 60);
	else
		snprintf(buf, n, "%" PRId64 " s", s);
}

static void
prefix_text(const struct mail_addr *a, const struct trap_params *p,
    char *buf, size_t n)
{
	struct mail_addr k = key_of(a, p);
	char t[46];
	unsigned len = a->family == AF_INET ? p->prefix4 : p->prefix6;

	if (len == addr_bits(a))
		snprintf(buf, n, "%s", mail_addr_text(a, t));
	else
		snprintf(buf, n, "%s/%u", mail_addr_text(&k, t), len);
}

void
trap_classify_conn(const struct trap_conn *c, const struct trap_logs *l,
    const struct trap_cidr *allow, size_t nallow, const struct trap_params *p,
    struct trap_conn_verdict *out)
{
	struct mail_addr k = key_of(&c->client, p);
	int64_t t = c->start_ms, lo = t - p->window_ms, hi = t + p->skew_ms;
	size_t i, best = SIZE_MAX;
	char pre[64], at[64], w[32], g[32], a[46];

	out->reason[0] = '\0';
	for (i = 0; i < nallow; i++) {
		if (trap_cidr_contains(&allow[i], &c->client)) {
			out->verdict = TRAP_ALLOWLISTED;
			prefix_text(&allow[i].addr, &(struct trap_params){
			    .prefix4 = allow[i].len, .prefix6 = allow[i].len },
			    pre, sizeof(pre));
			snprintf(out->reason, sizeof(out->reason),
			    "allowlisted by %s: logged, never listed", pre);
			return;
		}
	}
	prefix_text(&c->client, p, pre, sizeof(pre));
	dur_text(p->window_ms, w, sizeof(w));

	/* ORDERLY: a primary saw the address (preferred as evidence) or its
	 * prefix in [t - window, t + skew]; the latest such contact. */
	for (i = hits_lower(l, &k, lo); i < l->nhits; i++) {
		if (key_cmp(&l->hits[i].key, &k) != 0 || l->hits[i].t_ms > hi)
			break;
		if (best == SIZE_MAX || memcmp(l->hits[i].addr.a,
		    c->client.a, 16) == 0 || memcmp(l->hits[best].addr.a,
		    c->client.a, 16) != 0)
			best = i;
	}
	if (best != SIZE_MAX) {
		int64_t d = t - l->hits[best].t_ms;

		out->verdict = TRAP_ORDERLY;
		snprintf(out->reason, sizeof(out->reason),
		    "a primary MX saw %s at %s (%" PRId64 " s %s the hit)",
		    mail_addr_text(&l->hits[best].addr, a),
		    trap_time_text(l->hits[best].t_ms, at),
		    d >= 0 ? d / 1000 : -d / 1000, d >= 0 ? "before" : "after");
		return;
	}

	out->verdict = TRAP_INCONCLUSIVE;
	/* Spec 4.3 item 10, spamd's startup + 60. */
	if (p->trap_start_ms != INT64_MIN && t < p->trap_start_ms + p->grace_ms) {
		dur_text(p->grace_ms, g, sizeof(g));
		snprintf(out->reason, sizeof(out->reason),
		    "trap started at %s: hit within the %s start-up grace",
		    trap_time_text(p->trap_start_ms, at), g);
		return;
	}
	if (l->ntimes == 0) {
		snprintf(out->reason, sizeof(out->reason),
		    "no primary MX log lines at all");
		return;
	}
	/* Item 10: the feed must cover the whole window before the hit. */
	if (l->times[0] > lo) {
		snprintf(out->reason, sizeof(out->reason),
		    "primary logs begin at %s, less than %s before the hit",
		    trap_time_text(l->times[0], at), w);
		return;
	}
	/* Items 1 and 2 as the logs show them: a primary down (or its log
	 * lost) leaves a gap; without the probes of the outage gate this is
	 * the evidence the report has. */
	i = times_lower(l, t - p->gap_ms);
	if (i == l->ntimes || l->times[i] > t) {
		dur_text(p->gap_ms, g, sizeof(g));
		snprintf(out->reason, sizeof(out->reason),
		    "no primary MX log line in the %s before the hit "
		    "(primary down or log missing)", g);
		return;
	}
	/* Item 9: logs shipped late; the settle delay is the skew. */
	if (l->times[l->ntimes - 1] < hi) {
		dur_text(p->skew_ms, g, sizeof(g));
		snprintf(out->reason, sizeof(out->reason),
		    "primary logs end at %s, before the hit + %s skew",
		    trap_time_text(l->times[l->ntimes - 1], at), g);
		return;
	}
	out->verdict = TRAP_SKIPPED;
	snprintf(out->reason, sizeof(out->reason),
	    "no connection from %s to a primary MX in the %s before", pre, w);
}

static int
conn_cmp(const void *x, const void *y)
{
	const struct trap_conn *a = x, *b = y;
	int r = key_cmp(&a->client, &b->client);

	if (r != 0)
		return r;
	return a->start_ms < b->start_ms ? -1 : a->start_ms > b->start_ms;
}

static int
client_cmp(const void *x, const void *y)
{
	const struct trap_client *a = x, *b = y;

	if (a->first_ms != b->first_ms)
		return a->first_ms < b->first_ms ? -1 : 1;
	return key_cmp(&a->addr, &b->addr);
}

/* SKIPPED > INCONCLUSIVE > ORDERLY: which verdict a client keeps. */
static int
rank(enum trap_verdict v)
{
	switch (v) {
	case TRAP_SKIPPED:
		return 3;
	case TRAP_INCONCLUSIVE:
		return 2;
	case TRAP_ORDERLY:
		return 1;
	case TRAP_ALLOWLISTED:
		return 4;
	}
	return 0;
}

size_t
trap_report_classify(struct trap_conn *conns, size_t n,
    const struct trap_logs *l, const struct trap_cidr *allow, size_t nallow,
    const struct trap_params *p, struct trap_client *out)
{
	struct trap_conn_verdict v;
	struct trap_client *cl = NULL;
	size_t i, nout = 0;

	if (n > 1)
		qsort(conns, n, sizeof(conns[0]), conn_cmp);
	for (i = 0; i < n; i++) {
		if (cl == NULL || key_cmp(&cl->addr, &conns[i].client) != 0) {
			cl = &out[nout++];
			memset(cl, 0, sizeof(*cl));
			cl->addr = conns[i].client;
		}
		trap_classify_conn(&conns[i], l, allow, nallow, p, &v);
		cl->total++;
		if (cl->total > 1 && rank(v.verdict) < rank(cl->verdict))
			continue;
		if (cl->total == 1 || rank(v.verdict) > rank(cl->verdict)) {
			/* A stronger verdict: its connections start afresh. */
			cl->verdict = v.verdict;
			cl->connections = 0;
			cl->envelope = 0;
			cl->helo = NULL;
			cl->first_ms = conns[i].start_ms;
		}
		/* Sorted by time: the latest connection's reason wins. */
		cl->connections++;
		cl->last_ms = conns[i].start_ms;
		if (conns[i].envelope)
			cl->envelope = 1;
		if (conns[i].helo != NULL && conns[i].helo[0] != '\0')
			cl->helo = conns[i].helo;
		memcpy(cl->reason, v.reason, sizeof(cl->reason));
	}
	if (nout > 1)
		qsort(out, nout, sizeof(out[0]), client_cmp);
	return nout;
}
