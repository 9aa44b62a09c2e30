/* check.c -- zone checks: structure (RFC 1034, 2181) and the mail rules one
 * zone can show (RFC 5321 5.1, RFC 7505, RFC 2181 10.3, RFC 1123 2.1) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/zone.h"
#include "util/dlock.h"

/* Zones with at least this many names are checked on two threads: below
 * it, starting a thread costs more than it saves. */
#define CHECK_MT_MIN 65536

struct ck {
	const struct zone_store *z;
	struct mx_diag *d;
	const uint8_t *origin;
	size_t origin_len;
	int reverse;			/* zone under in-addr.arpa or ip6.arpa */
	size_t tld;			/* offset of the origin's last label */
	const struct zone_node **glue;	/* NS targets below cuts, sorted */
	size_t nglue, glue_cap;
};

static void
where(const struct ck *c, const struct zone_rdata *rd, struct mx_where *w)
{
	w->file = zone_store_file_name(c->z, rd->file);
	w->line = rd->line;
	w->col = rd->col;
}

static const char *
ntext(const uint8_t *name, size_t len, char buf[DNS_NAME_TEXT_MAX])
{
	if (dns_name_to_text(name, len, buf, DNS_NAME_TEXT_MAX) < 0)
		strcpy(buf, "?");
	return buf;
}

/* A label of 1-3 decimal digits worth at most 255. */
static int
octet_label(const uint8_t *l)
{
	unsigned v = 0, i;

	if (l[0] < 1 || l[0] > 3)
		return 0;
	for (i = 1; i <= l[0]; i++) {
		if (l[i] < '0' || l[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(l[i] - '0');
	}
	return v <= 255;
}

/*
 * True when a target name is an IP address written as a name: a dotted
 * quad and nothing else (192.0.2.7.), or with the origin appended because
 * the final dot was forgotten (192.0.2.7.example.org.); or a label holds a
 * ':' (an IPv6 literal). RFC 1123 2.1: a host name is never of the form
 * #.#.#.#, but 192.0.2.7.static.example.net. is a host name.
 */
static int
ip_literal(const struct ck *c, const uint8_t *name, size_t len)
{
	size_t i = 0;
	unsigned k;

	for (k = 0; k < 4; k++) {
		if (i >= len || name[i] == 0 || !octet_label(name + i))
			break;
		i += 1 + (size_t)name[i];
	}
	if (k == 4 && i < len && (name[i] == 0 ||
	    dns_name_equal(name + i, len - i, c->origin, c->origin_len)))
		return 1;
	/* Look at the octets of each label only: a length byte of 58 is
	 * the code of ':'. */
	for (i = 0; i < len && name[i] != 0; i += 1 + (size_t)name[i])
		if (memchr(name + i + 1, ':', name[i]) != NULL)
			return 1;
	return 0;
}

/* Letters, digits and inner hyphens (RFC 952, RFC 1123 2.1). Returns 0 for
 * a good host name, 1 when the only fault is an underscore, 2 otherwise. */
static int
host_syntax(const uint8_t *name, size_t len)
{
	size_t i = 0;
	int under = 0;

	while (i < len && name[i] != 0) {
		unsigned l = name[i], j;
		const uint8_t *s = name + i + 1;

		for (j = 0; j < l; j++) {
			uint8_t ch = s[j];

			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9'))
				continue;
			if (ch == '-' && j > 0 && j + 1 < l)
				continue;
			if (ch == '_') {
				under = 1;
				continue;
			}
			return 2;
		}
		i += 1 + l;
	}
	return under;
}

/* localhost, *.localhost, *.invalid (RFC 6761 6.3, 6.4). */
static int
special_name(const uint8_t *name, size_t len)
{
	static const uint8_t localhost[] = "\011localhost";
	static const uint8_t invalid[] = "\007invalid";
	size_t i = 0, last = 0;

	/* Both are top-level names: look at the last label alone. */
	while (i < len && name[i] != 0) {
		last = i;
		i += 1 + (size_t)name[i];
	}
	if (i >= len)
		return 0;
	return dns_name_equal(name + last, len - last, localhost,
	    sizeof(localhost)) || dns_name_equal(name + last, len - last,
	    invalid, sizeof(invalid));
}

/*
 * A relative name written without its final dot gets the origin appended:
 * "mail.example.org" in zone example.org becomes
 * mail.example.org.example.org. Suspect a target inside the zone that
 * repeats the origin, or whose part before the origin ends with the zone's
 * top-level label.
 */
static int
suspect_relative(const struct ck *c, const uint8_t *name, size_t len,
    int in_zone)
{
	size_t plen, i, tld = c->tld;

	if (len <= c->origin_len || !in_zone || c->origin_len < 2)
		return 0;
	plen = len - c->origin_len;	/* the labels before the origin */
	/* Doubled origin: the prefix ends with the origin's labels. */
	if (plen >= c->origin_len - 1) {
		for (i = 0; i < plen; i += 1 + (size_t)name[i]) {
			if (plen - i == c->origin_len - 1 &&
			    dns_name_equal(name + i, c->origin_len - 1,
			    c->origin, c->origin_len - 1))
				return 1;
		}
	}
	/* The prefix's last label equals the origin's last label. */
	for (i = 0; i < plen; i += 1 + (size_t)name[i]) {
		if (i + 1 + name[i] == plen) {
			return i > 0 && name[i] == c->origin[tld] &&
			    dns_name_equal(name + i, 1 + (size_t)name[i],
			    c->origin + tld, 1 + (size_t)c->origin[tld]);
		}
	}
	return 0;
}

static int
cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;

	return x < y ? -1 : x > y;
}

static int
is_glue(const struct ck *c, const struct zone_node *n)
{
	return c->nglue > 0 && bsearch(&n, c->glue, c->nglue,
	    sizeof(*c->glue), cmp_ptr) != NULL;
}

/* Collects the nodes that NS targets name, so that address records below
 * a cut can be told to be glue. */
static int
collect_glue(void *ud, const struct zone_node *n)
{
	struct ck *c = ud;
	const struct zone_rrset *ns = zone_node_rrset(n, DNS_TYPE_NS);
	const struct zone_rdata *rd;

	if (ns == NULL)
		return 0;
	for (rd = ns->rdata; rd != NULL; rd = rd->next) {
		const struct zone_node *t = zone_store_find(c->z, rd->data,
		    rd->len);

		if (t == NULL || (t->flags & ZONE_NODE_OCCLUDED) == 0)
			continue;
		if (c->nglue == c->glue_cap) {
			size_t cap = c->glue_cap ? c->glue_cap * 2 : 64;
			const struct zone_node **g = realloc(c->glue,
			    cap * sizeof(*g));

			if (g == NULL)
				return MX_ENOMEM;
			c->glue = g;
			c->glue_cap = cap;
		}
		c->glue[c->nglue++] = t;
	}
	return 0;
}

/*
 * Where a target name inside the zone leads: the node itself, or the
 * wildcard that synthesises it (RFC 4592), or nothing. *delegated is set
 * when the name is at or below a cut: then it is the child zone's business.
 * One lookup for the common case of an existing name.
 */
static const struct zone_node *
resolve_in_zone(const struct ck *c, const uint8_t *name, size_t len,
    int *delegated)
{
	const struct zone_node *n = zone_store_find(c->z, name, len), *e;
	uint8_t w[DNS_NAME_MAX];

	if (n != NULL) {
		*delegated = (n->flags & (ZONE_NODE_CUT | ZONE_NODE_OCCLUDED))
		    != 0;
		return n;
	}
	e = zone_store_encloser(c->z, name, len);
	*delegated = e != NULL &&
	    (e->flags & (ZONE_NODE_CUT | ZONE_NODE_OCCLUDED)) != 0;
	if (e == NULL || *delegated ||
	    (e->flags & ZONE_NODE_WILDCARD_CHILD) == 0 ||
	    e->name_len + 2 > DNS_NAME_MAX)
		return NULL;
	w[0] = 1;
	w[1] = '*';
	memcpy(w + 2, e->name, e->name_len);
	return zone_store_find(c->z, w, e->name_len + 2u);
}

static void
check_target(struct ck *c, const struct zone_rdata *rd, const uint8_t *t,
    size_t tlen, const char *what, const char *pfx)
{
	char tn[DNS_NAME_TEXT_MAX], code[64];
	struct mx_where w;
	const struct zone_node *n;
	int deleg, syn, in_zone;

	where(c, rd, &w);
	if (ip_literal(c, t, tlen)) {
		snprintf(code, sizeof(code), "%s-TARGET-IP-LITERAL", pfx);
		mx_diag(c->d, MX_DIAG_ERROR, &w, code, "%s target %s is an IP "
		    "address, not a host name (name a host that has A/AAAA "
		    "records)", what, ntext(t, tlen, tn));
		return;
	}
	syn = host_syntax(t, tlen);
	if (syn != 0) {
		snprintf(code, sizeof(code), "%s-TARGET-BAD-SYNTAX", pfx);
		mx_diag(c->d, syn == 1 ? MX_DIAG_WARN : MX_DIAG_ERROR, &w, code,
		    "%s target %s is not a valid host name (%s)", what,
		    ntext(t, tlen, tn), syn == 1 ? "underscore" :
		    "letters, digits and inner hyphens only");
	}
	if (special_name(t, tlen)) {
		snprintf(code, sizeof(code), "%s-TARGET-SPECIAL", pfx);
		mx_diag(c->d, MX_DIAG_ERROR, &w, code, "%s target %s can never "
		    "be a public host (RFC 6761)", what, ntext(t, tlen, tn));
		return;
	}
	in_zone = dns_name_is_sub(t, tlen, c->origin, c->origin_len);
	if (suspect_relative(c, t, tlen, in_zone)) {
		snprintf(code, sizeof(code), "%s-TARGET-SUSPECT-RELATIVE", pfx);
		mx_diag(c->d, MX_DIAG_WARN, &w, code, "%s target %s repeats the "
		    "zone name: forgot the trailing dot?", what,
		    ntext(t, tlen, tn));
	}
	if (!in_zone)
		return;
	n = resolve_in_zone(c, t, tlen, &deleg);
	if (deleg)
		return;
	/* An empty non-terminal exists (RFC 8020): its A and AAAA answers
	 * are NODATA, so it falls through to NO-ADDRESS below. */
	if (n == NULL) {
		snprintf(code, sizeof(code), "%s-TARGET-NXDOMAIN", pfx);
		mx_diag(c->d, MX_DIAG_ERROR, &w, code, "%s target %s does not "
		    "exist in this zone", what, ntext(t, tlen, tn));
		return;
	}
	if (zone_node_rrset(n, DNS_TYPE_CNAME) != NULL) {
		snprintf(code, sizeof(code), "%s-TARGET-ALIAS", pfx);
		mx_diag(c->d, MX_DIAG_ERROR, &w, code, "%s target %s is an alias "
		    "(CNAME); name the canonical host instead (RFC 2181 10.3)",
		    what, ntext(t, tlen, tn));
		return;
	}
	if (strcmp(pfx, "PTR") != 0 &&
	    zone_node_rrset(n, DNS_TYPE_A) == NULL &&
	    zone_node_rrset(n, DNS_TYPE_AAAA) == NULL) {
		snprintf(code, sizeof(code), "%s-TARGET-NO-ADDRESS", pfx);
		mx_diag(c->d, MX_DIAG_ERROR, &w, code, "%s target %s has no A or "
		    "AAAA record (RFC 5321 5.1)", what, ntext(t, tlen, tn));
	}
}

static void
check_mx(struct ck *c, const struct zone_node *n, const struct zone_rrset *s)
{
	const struct zone_rdata *rd;
	char on[DNS_NAME_TEXT_MAX];
	struct mx_where w;
	int nulls = 0;

	for (rd = s->rdata; rd != NULL; rd = rd->next) {
		unsigned pref;

		if (rd->len < 3)
			continue;
		pref = (unsigned)rd->data[0] << 8 | rd->data[1];
		if (rd->data[2] == 0) {		/* exchange "." */
			nulls++;
			if (pref != 0) {
				where(c, rd, &w);
				mx_diag(c->d, MX_DIAG_WARN, &w,
				    "NULL-MX-NONZERO-PREF", "null MX at %s has "
				    "preference %u; RFC 7505 says 0",
				    ntext(n->name, n->name_len, on), pref);
			}
			continue;
		}
		check_target(c, rd, rd->data + 2, rd->len - 2u, "MX", "MX");
	}
	if (nulls > 0 && s->count > 1) {
		where(c, s->rdata, &w);
		mx_diag(c->d, MX_DIAG_ERROR, &w, "NULL-MX-MIXED", "null MX at %s "
		    "beside other MX records; a domain that takes no mail "
		    "publishes only '0 .' (RFC 7505 3)",
		    ntext(n->name, n->name_len, on));
	}
}

static void
check_ptr(struct ck *c, const struct zone_rrset *s)
{
	const struct zone_rdata *rd;
	char tn[DNS_NAME_TEXT_MAX];
	struct mx_where w;

	for (rd = s->rdata; rd != NULL; rd = rd->next) {
		where(c, rd, &w);
		if (ip_literal(c, rd->data, rd->len)) {
			mx_diag(c->d, MX_DIAG_ERROR, &w, "PTR-NUMERIC-OR-INVALID",
			    "PTR target %s is an IP address, not a host name",
			    ntext(rd->data, rd->len, tn));
			continue;
		}
		if (host_syntax(rd->data, rd->len) == 2)
			mx_diag(c->d, MX_DIAG_ERROR, &w, "PTR-NUMERIC-OR-INVALID",
			    "PTR target %s is not a valid host name",
			    ntext(rd->data, rd->len, tn));
		/* In a reverse zone a PTR never names a host inside the
		 * reverse zone itself: that is a relative name whose final dot
		 * was forgotten. */
		if (c->reverse &&
		    dns_name_is_sub(rd->data, rd->len, c->origin, c->origin_len))
			mx_diag(c->d, MX_DIAG_WARN, &w,
			    "PTR-TARGET-SUSPECT-RELATIVE", "PTR target %s lies "
			    "inside the reverse zone: forgot the trailing dot?",
			    ntext(rd->data, rd->len, tn));
	}
}

static int
check_node(void *ud, const struct zone_node *n)
{
	struct ck *c = ud;
	const struct zone_rrset *s, *cname = zone_node_rrset(n, DNS_TYPE_CNAME);
	char on[DNS_NAME_TEXT_MAX], tn[16];
	struct mx_where w;

	/* Most nodes own nothing the checks look at: decide from the type
	 * bits without walking the RRsets. */
	if (n->rrsets == NULL || ((n->types & (ZONE_T_CNAME | ZONE_T_SOA |
	    ZONE_T_MX | ZONE_T_PTR)) == 0 &&
	    (n->flags & (ZONE_NODE_CUT | ZONE_NODE_OCCLUDED)) == 0))
		return 0;
	if (cname != NULL) {
		for (s = n->rrsets; s != NULL; s = s->next) {
			if (s == cname || s->type == DNS_TYPE_RRSIG ||
			    s->type == DNS_TYPE_NSEC)
				continue;
			where(c, cname->rdata, &w);
			mx_diag(c->d, MX_DIAG_ERROR, &w, "CNAME-AND-OTHER",
			    "%s has a CNAME and %s data; a CNAME must be alone "
			    "(RFC 1034 3.6.2)", ntext(n->name, n->name_len, on),
			    dns_type_to_text(s->type, tn));
			break;
		}
		if (cname->count > 1) {
			where(c, cname->rdata->next, &w);
			mx_diag(c->d, MX_DIAG_ERROR, &w, "CNAME-MULTIPLE",
			    "%s has %u CNAME records; at most one is allowed",
			    ntext(n->name, n->name_len, on),
			    (unsigned)cname->count);
		}
	}
	for (s = n->rrsets; s != NULL; s = s->next) {
		if (s->type == DNS_TYPE_SOA && !(n->flags & ZONE_NODE_APEX)) {
			where(c, s->rdata, &w);
			mx_diag(c->d, MX_DIAG_ERROR, &w, "SOA-NOT-AT-APEX",
			    "SOA record at %s, which is not the zone apex",
			    ntext(n->name, n->name_len, on));
		}
		if (n->flags & ZONE_NODE_OCCLUDED) {
			if ((s->type == DNS_TYPE_A || s->type == DNS_TYPE_AAAA) &&
			    is_glue(c, n))
				continue;
			where(c, s->rdata, &w);
			mx_diag(c->d, MX_DIAG_ERROR, &w, "DATA-BELOW-CUT",
			    "%s record at %s lies below a delegation and is not "
			    "glue; it will never be served",
			    dns_type_to_text(s->type, tn),
			    ntext(n->name, n->name_len, on));
			continue;
		}
		if ((n->flags & ZONE_NODE_CUT) && s->type != DNS_TYPE_NS &&
		    s->type != DNS_TYPE_DS && s->type != DNS_TYPE_NSEC &&
		    s->type != DNS_TYPE_RRSIG) {
			where(c, s->rdata, &w);
			mx_diag(c->d, MX_DIAG_ERROR, &w, "DATA-BELOW-CUT",
			    "%s record at the delegation point %s belongs in the "
			    "child zone", dns_type_to_text(s->type, tn),
			    ntext(n->name, n->name_len, on));
			continue;
		}
		if (s->type == DNS_TYPE_MX)
			check_mx(c, n, s);
		else if (s->type == DNS_TYPE_PTR)
			check_ptr(c, s);
	}
	return 0;
}

/* Asks for the hash slots of a node's MX targets ahead of their lookup. */
static void
prefetch_targets(const struct ck *c, const struct zone_node *n)
{
	const struct zone_rrset *s;
	const struct zone_rdata *rd;

	if ((n->types & ZONE_T_MX) == 0 ||
	    (s = zone_node_rrset(n, DNS_TYPE_MX)) == NULL)
		return;
	for (rd = s->rdata; rd != NULL; rd = rd->next)
		if (rd->len > 3)
			zone_store_prefetch(c->z, dns_name_hash(rd->data + 2,
			    rd->len - 2u));
}

struct half {
	struct ck c;
	const struct zone_node *const *v;
	size_t n;
	int r;
};

/* Nodes are checked in chunks: first the hash slots of the chunk's MX
 * targets are prefetched, then the chunk is checked, so that the random
 * lookups of targets overlap instead of waiting one after the other. */
#define CHECK_CHUNK 32

static void *
check_half(void *arg)
{
	struct half *h = arg;
	size_t i, j, e;

	h->r = 0;
	for (i = 0; i < h->n && h->r == 0; i = e) {
		e = h->n - i > CHECK_CHUNK ? i + CHECK_CHUNK : h->n;
		for (j = i; j < e; j++)
			prefetch_targets(&h->c, h->v[j]);
		for (j = i; j < e && h->r == 0; j++)
			h->r = check_node(&h->c, h->v[j]);
	}
	return NULL;
}

/*
 * Checks the nodes v[0..n): split in two halves, each on its own thread
 * with its own sink, when there are many; the glue table is shared
 * read-only.
 */
static int
check_nodes(struct ck *c, const struct zone_node *const *v, size_t n)
{
	struct mx_dlock dl;
	struct mx_diag d0, d1;
	struct half h[2];
	pthread_t t;

	if (n < CHECK_MT_MIN) {
		h[0].c = *c;
		h[0].v = v;
		h[0].n = n;
		check_half(&h[0]);
		return h[0].r;
	}
	mx_dlock_init(&dl, c->d);
	mx_dlock_sink(&dl, &d0);
	mx_dlock_sink(&dl, &d1);
	h[0].c = *c;
	h[0].c.d = &d0;
	h[0].v = v;
	h[0].n = n / 2;
	h[1].c = *c;
	h[1].c.d = &d1;
	h[1].v = v + n / 2;
	h[1].n = n - n / 2;
	if (pthread_create(&t, NULL, check_half, &h[1]) != 0) {
		check_half(&h[0]);
		check_half(&h[1]);
	} else {
		check_half(&h[0]);
		pthread_join(t, NULL);
	}
	mx_dlock_fini(&dl);
	return h[0].r != 0 ? h[0].r : h[1].r;
}

int
zone_check(const struct zone_store *z, struct mx_diag *d)
{
	static const uint8_t in_addr[] = "\007in-addr\004arpa";
	static const uint8_t ip6[] = "\003ip6\004arpa";
	const struct zone_node *apex = zone_store_apex(z);
	const struct zone_rrset *soa = zone_node_rrset(apex, DNS_TYPE_SOA);
	const struct zone_rdata *rd;
	char on[DNS_NAME_TEXT_MAX];
	struct mx_where w = { NULL, 0, 0 };
	const struct zone_node *const *v;
	struct ck c;
	size_t n;
	int r;

	memset(&c, 0, sizeof(c));
	c.z = z;
	c.d = d;
	c.origin = zone_store_origin(z, &c.origin_len);
	for (c.tld = 0; c.origin[c.tld] != 0 &&
	    c.origin[c.tld + 1 + c.origin[c.tld]] != 0;
	    c.tld += 1 + (size_t)c.origin[c.tld])
		;
	c.reverse = dns_name_is_sub(c.origin, c.origin_len, in_addr,
	    sizeof(in_addr)) || dns_name_is_sub(c.origin, c.origin_len, ip6,
	    sizeof(ip6));
	if (soa == NULL) {
		mx_diag(d, MX_DIAG_ERROR, &w, "ZONE-NO-SOA", "no SOA record at "
		    "the zone apex %s", ntext(c.origin, c.origin_len, on));
	} else if (soa->count > 1) {
		rd = soa->rdata->next;
		where(&c, rd, &w);
		mx_diag(d, MX_DIAG_ERROR, &w, "ZONE-MULTIPLE-SOA", "%u SOA "
		    "records at the apex; a zone has exactly one",
		    (unsigned)soa->count);
	}
	if (zone_node_rrset(apex, DNS_TYPE_NS) == NULL) {
		if (soa != NULL)
			where(&c, soa->rdata, &w);
		mx_diag(d, MX_DIAG_ERROR, &w, "ZONE-NO-NS", "no NS record at the "
		    "zone apex %s", ntext(c.origin, c.origin_len, on));
	}
	/*
	 * Without delegations nothing is occluded and there is no glue: only
	 * the nodes with NS, CNAME, SOA, MX, PTR or DNAME data can have
	 * findings, and the store keeps a list of them. With cuts, every
	 * node is checked for data below them.
	 */
	if (zone_store_cuts(z) == 0) {
		v = zone_store_marked(z, &n);
		r = check_nodes(&c, v, n);
	} else {
		r = zone_store_walk(z, collect_glue, &c);
		if (r == 0) {
			if (c.nglue > 1)
				qsort(c.glue, c.nglue, sizeof(*c.glue),
				    cmp_ptr);
			v = zone_store_nodes(z, &n);
			r = check_nodes(&c, v, n);
		}
	}
	free(c.glue);
	return r;
}
