/* audit.h -- mxkit check: prove a domain's mail DNS (mail-dns-spec 3.6) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/dns.h"
#include "mxkit/mail.h"
#include "mxkit/resolv.h"

/*
 * Severities and the catalogue of checks. Every finding has a stable ID
 * (the ones of mail-dns-spec 3.6), a default severity that the profile may
 * change, a title and a fix in plain words.
 */
enum audit_sev { AUDIT_INFO = 0, AUDIT_WARN = 1, AUDIT_ERROR = 2 };

struct audit_check {
	const char *id;		/* "MX-TARGET-ALIAS" */
	enum audit_sev sev;	/* default severity */
	const char *group;	/* for --skip: "mx", "ptr", "ns", "spf", ... */
	const char *title;
	const char *fix;
};

/* The whole catalogue, in report order; *n is set to its size. */
const struct audit_check *audit_checks(size_t *n);
/* The check with that ID (case-insensitive), or NULL. */
const struct audit_check *audit_check_find(const char *id);
const char *audit_sev_name(enum audit_sev s);	/* "error" */

enum audit_profile {
	AUDIT_PROFILE_DEFAULT,
	AUDIT_PROFILE_TUTORIAL,	/* IPv6 expected: MX-TARGET-NO-IPV6 a warning */
	AUDIT_PROFILE_LAB,	/* documentation addresses count as public */
};

/* Bounds: what one report keeps (beyond them a domain is reported with
 * what was kept, never with more memory). */
#define AUDIT_HOSTS_MAX	16	/* MX targets examined (internet.nl: 10) */
#define AUDIT_ADDRS_MAX	8	/* addresses per host and family */
#define AUDIT_PTRS_MAX	10	/* PTR names per address (R-8601-3) */
#define AUDIT_NS_MAX	8	/* name servers asked directly */
#define AUDIT_NSADDR_MAX 4	/* addresses per name server */
#define AUDIT_SENDING_MAX 8	/* --sending-ip */
#define AUDIT_SKIP_MAX	32
#define AUDIT_TXT_MAX	1024	/* policy record text kept (longer: cut) */
#define AUDIT_SPF_LOOKUPS 10	/* RFC 7208 4.6.4 */
#define AUDIT_MXSET_MAX	256	/* an authoritative MX set as text */

/* iprev results (RFC 8601 2.7.3). */
enum audit_iprev {
	AUDIT_IPREV_NONE = 0,	/* not evaluated */
	AUDIT_IPREV_PASS, AUDIT_IPREV_FAIL, AUDIT_IPREV_TEMPERROR,
	AUDIT_IPREV_PERMERROR,
};
const char *audit_iprev_name(int v);	/* "pass", "fail", ... */

struct audit_ptr {
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	int fwd_status;		/* enum resolv_status of A (v4) / AAAA (v6) */
	int match;		/* the forward lookup gave the address back */
	struct mail_addr got;	/* else its first address (family 0: none) */
	int alias;		/* the PTR target owns a CNAME */
};

struct audit_addr {
	struct mail_addr a;
	int ptr_status;		/* enum resolv_status; -1 not asked */
	unsigned nptr;
	struct audit_ptr *ptr;	/* nptr of them, allocated with the answer */
	int iprev;		/* enum audit_iprev */
	int pass;		/* index of the PTR name that passed, -1 */
};

struct audit_host {
	uint16_t pref;
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	uint8_t canon[DNS_NAME_MAX];	/* end of its CNAME chain */
	size_t clen;
	int kind;		/* enum mail_host_status: OK, NULL, IPLIT,
				   BADNAME, DUPLICATE before lookups */
	int st_a, st_aaaa;	/* enum resolv_status; -1 not asked */
	unsigned naddr;
	struct audit_addr addr[2 * AUDIT_ADDRS_MAX];
	int tlsa_status;	/* TLSA at _25._tcp.<host>; -1 not asked */
};

struct audit_nsaddr {
	struct mail_addr a;
	int mx_status;		/* MX asked directly, RD=0 */
	int aa;			/* AA set on that answer */
	char mxset[AUDIT_MXSET_MAX];	/* "10 mx.example.org. 20 ..." sorted */
	int soa_status;
	uint32_t serial;
};

struct audit_ns {
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	int st_a, st_aaaa;
	unsigned naddr;
	struct audit_nsaddr addr[AUDIT_NSADDR_MAX];
};

/* A TXT-based policy record as found (SPF, DMARC, MTA-STS, TLS-RPT). */
struct audit_txt {
	int status;		/* enum resolv_status; -1 not asked */
	unsigned nrec;		/* records of the right kind ("v=spf1", ...) */
	int cut;		/* the first was longer than AUDIT_TXT_MAX - 1 */
	char text[AUDIT_TXT_MAX];	/* the first of them */
};

struct audit_finding {
	const struct audit_check *check;
	enum audit_sev sev;	/* after the profile */
	char subject[DNS_NAME_TEXT_MAX];	/* what it is about */
	char msg[384];
};

struct audit_opts {
	enum audit_profile profile;
	uint16_t ns_port;	/* port of the authoritative servers (53) */
	uint8_t trap[DNS_NAME_MAX];	/* --trap, nlen 0 when none */
	size_t trap_len;
	struct mail_addr sending[AUDIT_SENDING_MAX];
	unsigned nsending;
	const char *skip[AUDIT_SKIP_MAX];	/* IDs or groups */
	unsigned nskip;
	unsigned flags;
};
#define AUDIT_ONLY_MX	0x1u	/* the MX query and nothing else (bulk) */

struct audit_report {
	uint8_t domain[DNS_NAME_MAX];
	size_t dlen;
	uint8_t canon[DNS_NAME_MAX];	/* end of the domain's CNAME chain */
	size_t clen;
	enum audit_profile profile;
	/* MX */
	int mx_status;
	int mx_tcp;		/* the MX answer needed TCP */
	int mx_ttl_mixed;
	unsigned nmx;		/* records received */
	struct audit_host *host;	/* nhost of them (AUDIT_HOSTS_MAX) */
	unsigned nhost;
	int implicit;		/* no MX: the domain's own addresses */
	struct audit_host self;	/* those addresses */
	int wildcard_status;	/* MX at a random name below; -1 not asked */
	/* authoritative servers */
	int ns_status;
	uint8_t zone[DNS_NAME_MAX];	/* where the NS RRset was found */
	size_t zlen;
	struct audit_ns *ns;		/* nns of them (AUDIT_NS_MAX) */
	unsigned nns;
	/* policies */
	struct audit_txt spf, dmarc, mtasts, tlsrpt;
	unsigned spf_lookups;	/* DNS-querying terms, includes followed */
	unsigned spf_records;	/* SPF records read (the domain's, includes) */
	char spf_fail[DNS_NAME_TEXT_MAX + 64];	/* an include that gave no
						   record, and why ("" none) */
	/* --sending-ip */
	struct audit_addr sending[AUDIT_SENDING_MAX];
	unsigned nsending;
	/* verdict */
	struct audit_finding *finding;
	size_t nfinding, finding_cap;
	unsigned count[3];	/* by severity */
	int cannot_check;	/* the MX lookup failed: exit 3 */
	unsigned queries;	/* DNS messages sent */
	int oom;
};

/*
 * Exit status of mxkit check for a report: 0 clean (info only), 1
 * warnings, 2 errors, 3 could not check (the MX lookup failed
 * temporarily).
 */
int audit_exit_status(const struct audit_report *r);

void audit_opts_init(struct audit_opts *o);
/* True if the check (or its group) is turned off by o->skip. */
int audit_skipped(const struct audit_opts *o, const struct audit_check *c);

typedef void audit_done_fn(struct audit_report *r, void *ud);
struct audit_job;

/*
 * Starts the audit of domain (wire, lowercase) on engine e: every query
 * goes through e (the configured servers), except the direct questions to
 * the zone's name servers (at their addresses, port o->ns_port). o must
 * outlive the job. fn is called once, from the loop, with a report it owns
 * (audit_report_free) -- unless e is freed first: then the audit is
 * dropped and freed without a call. Returns 0, MX_ENOMEM or MX_EINVAL.
 */
int audit_start(struct resolv_engine *e, const struct audit_opts *o,
    const uint8_t *domain, size_t dlen, audit_done_fn *fn, void *ud);

/*
 * Turns the facts of r into findings (clearing earlier ones): pure, no
 * I/O, so that tests can build facts by hand. Returns 0 or MX_ENOMEM.
 */
int audit_evaluate(struct audit_report *r, const struct audit_opts *o);

void audit_report_free(struct audit_report *r);
