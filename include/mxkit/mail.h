/* mail.h -- mail routing: the delivery plan of a sending MTA (RFC 5321 5.1) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/dns.h"
#include "mxkit/resolv.h"

/*
 * Profiles: the MTA whose behaviour the plan reproduces where MTAs differ
 * (mail-dns-spec 2.4). RFC is mxkit's reading of RFC 5321 (spec 2.5).
 */
enum mail_mta {
	MAIL_MTA_RFC, MAIL_MTA_POSTFIX, MAIL_MTA_EXIM, MAIL_MTA_OPENSMTPD,
};

enum mail_verdict { MAIL_DELIVER, MAIL_DEFER, MAIL_BOUNCE };

/* What became of one MX target. */
#define MAIL_HOST_STATUSES(X) \
	X(MAIL_HOST_OK,         "ok",          "has addresses") \
	X(MAIL_HOST_NXDOMAIN,   "nxdomain",    "host does not exist") \
	X(MAIL_HOST_NOADDR,     "no-address",  "host has no address record") \
	X(MAIL_HOST_NOFAMILY,   "no-family",   "host has no address of the families in use") \
	X(MAIL_HOST_TEMP,       "tempfail",    "address lookup failed temporarily") \
	X(MAIL_HOST_LOOP,       "cname-loop",  "CNAME loop or chain too long") \
	X(MAIL_HOST_IPLIT,      "ip-literal",  "MX exchange is an IP address, not a host name") \
	X(MAIL_HOST_BADNAME,    "bad-name",    "MX exchange is not a valid host name") \
	X(MAIL_HOST_DUPLICATE,  "duplicate",   "same host at a better preference") \
	X(MAIL_HOST_NULL,       "null",        "null MX (\".\")") \
	X(MAIL_HOST_SELF,       "self",        "this host (mail loop rule)") \
	X(MAIL_HOST_BEHIND_SELF, "after-self", "preference equal to or worse than this host's") \
	X(MAIL_HOST_NOTTRIED,   "not-looked-up", "not looked up")

enum mail_host_status {
#define MAIL_HS_ENUM(sym, name, text) sym,
	MAIL_HOST_STATUSES(MAIL_HS_ENUM)
#undef MAIL_HS_ENUM
};
const char *mail_host_status_name(int st);
const char *mail_host_status_text(int st);

/* An address, IPv4 or IPv6. */
struct mail_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];
};

/* Addresses kept per host: more than a plan can use, fewer than a DNS
 * answer can carry (RESOLV_RR_MAX per family). */
#define MAIL_HOST_ADDRS	32

struct mail_host {
	uint16_t pref;
	uint8_t name[DNS_NAME_MAX];	/* the exchange as published */
	size_t nlen;
	uint8_t canon[DNS_NAME_MAX];	/* end of its CNAME chain (== name) */
	size_t clen;
	int status;			/* enum mail_host_status */
	int st_a, st_aaaa;		/* enum resolv_status; -1 not asked */
	struct mail_addr addr[MAIL_HOST_ADDRS];
	unsigned naddr;
};

struct mail_plan_entry {
	unsigned host;			/* index into hosts */
	struct mail_addr addr;
};

/* A query made while planning, for reports and for tests that must show
 * what was not asked (no A fallback). */
struct mail_query {
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	uint16_t qtype;
	int status;
};

#define MAIL_WARN_MAX	32
struct mail_warning {
	const char *id;			/* stable: "MX-TARGET-ALIAS" */
	char text[320];
};

#define MAIL_QUERIES_MAX 256
#define MAIL_MX_MAX	RESOLV_RR_MAX

struct mail_route {
	/* input */
	uint8_t domain[DNS_NAME_MAX];	/* A-labels, lowercase */
	size_t dlen;
	uint8_t canon[DNS_NAME_MAX];	/* end of the domain's CNAME chain */
	size_t clen;
	/* the MX lookup */
	int mx_status;			/* enum resolv_status; -1 none */
	int implicit;			/* no MX: the domain itself, pref 0 */
	int null_mx;
	unsigned nmx;			/* MX records received */
	struct mail_host host[MAIL_MX_MAX];
	unsigned nhost;
	struct mail_plan_entry plan[MAIL_MX_MAX];
	unsigned nplan;
	unsigned nplan_all;		/* before --max-addrs */
	/* verdict */
	enum mail_verdict verdict;
	const char *code;		/* "4.4.3", NULL for DELIVER */
	unsigned reply;			/* SMTP reply code when one applies */
	char reason[320];
	struct mail_warning warn[MAIL_WARN_MAX];
	unsigned nwarn;
	struct mail_query query[MAIL_QUERIES_MAX];
	unsigned nquery;
};

/*
 * Lookup hook: resolves (name, qtype) following CNAMEs (RESOLV_Q_CHASE)
 * and returns 0 with a result that the planner frees, or an MX_E* error
 * (the planner then treats the query as a network failure). The planner
 * does no I/O of its own: cmd/route.c passes the stub resolver, tests pass
 * a table.
 */
typedef int mail_lookup_fn(void *ud, const uint8_t *name, size_t len,
    uint16_t qtype, struct resolv_result **out);

#define MAIL_SELF_MAX	16

struct mail_route_opts {
	enum mail_mta mta;
	int family;		/* 0 both, 4 or 6: the families looked up */
	int prefer;		/* 0 IPv6 and IPv4 interleaved, 4 or 6 first */
	unsigned max_addrs;	/* 0: no cap; default 5 (Postfix) */
	uint64_t seed;		/* equal-preference shuffle */
	struct mail_addr self_addr[MAIL_SELF_MAX];
	unsigned nself_addr;
	uint8_t self_name[MAIL_SELF_MAX][DNS_NAME_MAX];
	size_t self_name_len[MAIL_SELF_MAX];
	unsigned nself_name;
};

/* Defaults: profile rfc, both families, 5 addresses, a random seed. */
void mail_route_opts_init(struct mail_route_opts *o);

/*
 * Turns a recipient ("user@example.org", "example.org", "bücher.example")
 * into the lowercase A-label wire name to route on. An address literal
 * ("user@[192.0.2.1]", "[IPv6:2001:db8::1]") gives *lit = 1 and the
 * address. Returns 0, or MX_ESYNTAX / MX_ELABEL / MX_ENAMELEN / MX_EEMPTY
 * for a domain that cannot be routed (RFC 5321 5.1: bounce, no query).
 */
int mail_route_domain(const char *recipient, uint8_t out[DNS_NAME_MAX],
    size_t *outlen, int *lit, struct mail_addr *addr);

/*
 * Computes the delivery plan for the domain (wire name, as from
 * mail_route_domain) following mail-dns-spec 2.5 under the profile of o.
 * Every lookup goes through lk. Fills *rt (which may be large: about
 * 70 KiB) and returns 0, or MX_ENOMEM.
 */
int mail_route_plan(const struct mail_route_opts *o, const uint8_t *domain,
    size_t dlen, mail_lookup_fn *lk, void *ud, struct mail_route *rt);

/* A plan for an address literal: that address, no DNS. */
void mail_route_literal(const struct mail_addr *a, struct mail_route *rt);

const char *mail_verdict_name(enum mail_verdict v);
const char *mail_mta_name(enum mail_mta m);
/* "rfc", "postfix"...: 0 and *m, or MX_EINVAL. */
int mail_mta_from_text(const char *s, enum mail_mta *m);
/* Writes an address as text ("192.0.2.1", "2001:db8::1"); buf >= 46. */
const char *mail_addr_text(const struct mail_addr *a, char buf[46]);
