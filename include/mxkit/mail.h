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
	unsigned flags;		/* MAIL_ROUTE_* */
};

/*
 * Loopback addresses (127.0.0.0/8, ::1) are not this host: for labs whose
 * MX hosts live on loopback aliases (route --allow-loopback). 0.0.0.0 and
 * :: stay self.
 */
#define MAIL_ROUTE_LOOPBACK_OK	0x01

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

/*
 * A name spelled as an IP address ("192.0.2.7.", R-1123-1): 1 and the
 * address in *a, else 0.
 */
int mail_name_literal(const uint8_t *name, size_t len, struct mail_addr *a);
/* Every label of name made of letters, digits, hyphens, underscores. */
int mail_name_ldh(const uint8_t *name, size_t len);
/*
 * "mail.c40.example.org.c40.example.org.": dom written twice at the end of
 * name, the classic forgotten trailing dot (spec T40). 1 or 0.
 */
int mail_name_doubled(const uint8_t *name, size_t len, const uint8_t *dom,
    size_t dlen);

const char *mail_verdict_name(enum mail_verdict v);
const char *mail_mta_name(enum mail_mta m);
/* "rfc", "postfix"...: 0 and *m, or MX_EINVAL. */
int mail_mta_from_text(const char *s, enum mail_mta *m);
/* Writes an address as text ("192.0.2.1", "2001:db8::1"); buf >= 46. */
const char *mail_addr_text(const struct mail_addr *a, char buf[46]);

/*
 * route --connect: the SMTP probe (mail-dns-spec 2.5 step 9). The plan is
 * walked in order with real connections that go as far as EHLO and QUIT,
 * never MAIL, RCPT or DATA. mail_smtpc_* is the client's protocol, fed
 * with bytes and doing no I/O; mail_probe_* does the connecting.
 */

/* What became of one attempt. The protocol results come from
 * mail_smtpc; refused, timeout, connect-error and reply-timeout from the
 * I/O around it. */
#define MAIL_PROBE_RESULTS(X) \
	X(MAIL_PROBE_OK,            "ok",            "would take the mail") \
	X(MAIL_PROBE_REFUSED,       "refused",       "connection refused") \
	X(MAIL_PROBE_TIMEOUT,       "timeout",       "connection timed out") \
	X(MAIL_PROBE_CONNECT_ERROR, "connect-error", "connection failed") \
	X(MAIL_PROBE_REPLY_TIMEOUT, "reply-timeout", "timed out waiting for a reply") \
	X(MAIL_PROBE_CLOSED,        "closed",        "connection closed early") \
	X(MAIL_PROBE_MALFORMED,     "malformed",     "malformed reply") \
	X(MAIL_PROBE_GREETING_4XX,  "greeting-4xx",  "temporary failure greeting") \
	X(MAIL_PROBE_GREETING_5XX,  "greeting-5xx",  "permanent failure greeting") \
	X(MAIL_PROBE_EHLO_REJECTED, "ehlo-rejected", "EHLO rejected")

enum mail_probe_result {
#define MAIL_PR_ENUM(sym, name, text) sym,
	MAIL_PROBE_RESULTS(MAIL_PR_ENUM)
#undef MAIL_PR_ENUM
};
/* Stable name ("greeting-5xx") and short text; "?" for unknown values. */
const char *mail_probe_result_name(int r);
const char *mail_probe_result_text(int r);

/* RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF. */
#define MAIL_SMTPC_LINE_MAX	512
/*
 * Lines per reply. RFC 5321 sets no bound; real EHLO replies have fewer
 * than 30 lines (one per extension). The bound stops a server that sends
 * continuation lines forever: such a reply is malformed.
 */
#define MAIL_SMTPC_LINES_MAX	100
/* The EHLO argument: a domain (RFC 5321 4.5.3.1.2: 255 octets) or an
 * address literal, which is shorter. */
#define MAIL_SMTPC_HELO_MAX	255
/* Longest command sent: "EHLO " name CRLF. */
#define MAIL_SMTPC_OUT_MAX	(5 + MAIL_SMTPC_HELO_MAX + 2)
/* Text kept of a reply (its first line, printable): for reports. */
#define MAIL_SMTPC_TEXT_MAX	128

enum mail_smtpc_state {
	MAIL_SMTPC_GREETING,	/* waiting for the server's greeting */
	MAIL_SMTPC_EHLO,	/* EHLO handed out, waiting for its reply */
	MAIL_SMTPC_QUIT,	/* QUIT handed out, waiting for 221 or EOF */
	MAIL_SMTPC_DONE,
};

/* What the caller does next. */
enum mail_smtpc_action {
	MAIL_SMTPC_READ,	/* wait for more bytes, then feed them */
	MAIL_SMTPC_WRITE,	/* send mail_smtpc_out(), then go on */
	MAIL_SMTPC_CLOSE,	/* close the connection: result is final */
};

/*
 * One client session. Fixed size, no allocation: a reply line is
 * collected in line[] and parsed when its end arrives.
 */
struct mail_smtpc {
	enum mail_smtpc_state state;
	int result;		/* enum mail_probe_result; -1 until known */
	int err;		/* MX_EMALF / MX_ELIMIT for a malformed reply */
	const char *why;	/* static text for err, NULL otherwise */
	unsigned greeting;	/* code of the greeting, 0 none yet */
	unsigned ehlo;		/* code of the EHLO reply, 0 none */
	unsigned quit;		/* code of the QUIT reply, 0 none */
	char text[MAIL_SMTPC_TEXT_MAX];	/* first line of the last reply */
	/* the reply being read */
	uint8_t line[MAIL_SMTPC_LINE_MAX];
	size_t linelen;
	unsigned nlines;
	unsigned code;
	char rtext[MAIL_SMTPC_TEXT_MAX];
	/* the command to send */
	char helo[MAIL_SMTPC_HELO_MAX + 1];
	uint8_t out[MAIL_SMTPC_OUT_MAX];
	size_t outlen;
};

/*
 * Starts a session that will introduce itself as helo: a host name
 * (letters, digits, '-', '_', '.') or an address literal ("[192.0.2.1]",
 * "[IPv6:2001:db8::1]"), 1 to 255 octets. Returns 0, or MX_EINVAL for
 * anything else (no CR, LF or space can reach the wire). The first action
 * is READ: SMTP starts with the server's greeting.
 */
int mail_smtpc_init(struct mail_smtpc *s, const char *helo);

/*
 * Feeds len bytes received. Consumes them up to the end of the first
 * reply that calls for an action and stores in *used how many it took;
 * the caller performs the action and feeds the rest. Returns READ (all
 * taken, the reply is not complete), WRITE (a command is ready in
 * mail_smtpc_out) or CLOSE (s->result is final).
 *
 * Replies (RFC 5321 4.2): "NNN-text" continuation lines and one
 * "NNN text" (or "NNN") last line, all with the same code; the code is
 * 2-5, 0-5, 0-9. A line ends with CRLF; a bare LF is accepted as the end
 * of a line too, as Postfix's client does (a CR just before it is
 * dropped, a CR elsewhere is text). A line of more than 510 octets
 * before its end, more than MAIL_SMTPC_LINES_MAX lines, a bad code, a
 * code that changes inside a reply, or a 1xx/3xx reply where SMTP has no
 * use for one make the reply malformed: result MALFORMED, err set, CLOSE.
 *
 * The dialogue: greeting 2xx -> EHLO; EHLO 2xx -> result OK, QUIT. A 4xx
 * or 5xx greeting (GREETING_4XX/5XX) or EHLO reply (EHLO_REJECTED) ends
 * the attempt: QUIT is still sent (RFC 5321 3.1: a server that greets
 * with 554 waits for it). The QUIT reply ends the session and changes no
 * result; nothing else is ever sent.
 */
enum mail_smtpc_action mail_smtpc_feed(struct mail_smtpc *s,
    const uint8_t *p, size_t len, size_t *used);

/*
 * The peer closed the connection. Before the EHLO reply this is result
 * CLOSED; while waiting for the QUIT reply it is the normal end. Returns
 * CLOSE.
 */
enum mail_smtpc_action mail_smtpc_eof(struct mail_smtpc *s);

/* The command to send after WRITE: "EHLO name\r\n" or "QUIT\r\n". The
 * bytes live in s until the next feed. */
const uint8_t *mail_smtpc_out(const struct mail_smtpc *s, size_t *len);

struct mail_probe_opts {
	unsigned connect_timeout_ms;	/* default 30 s (Postfix
					 * smtp_connect_timeout) */
	unsigned reply_timeout_ms;	/* per reply; default 300 s (Postfix
					 * smtp_helo_timeout) */
	unsigned max_sessions;		/* default 2 (Postfix
					 * smtp_mx_session_limit); 0: none */
	uint16_t port;			/* default 25 */
	char helo[MAIL_SMTPC_HELO_MAX + 1];	/* default: gethostname */
};

struct mail_probe_attempt {
	unsigned plan;			/* index into rt->plan */
	struct mail_addr addr;
	uint16_t port;
	int result;			/* enum mail_probe_result */
	unsigned greeting, ehlo;	/* reply codes, 0 none */
	int session;			/* counted for max_sessions */
	int oserr;			/* errno of a connect error, else 0 */
	const char *why;		/* a malformed reply: what was wrong */
	char text[MAIL_SMTPC_TEXT_MAX];	/* first line of the last reply */
	unsigned ms;			/* duration */
};

struct mail_probe {
	struct mail_probe_attempt attempt[MAIL_MX_MAX];
	unsigned nattempt;
	int delivered;			/* attempt that would take the mail,
					 * -1 none */
	unsigned sessions;
	int limit_reached;		/* stopped by max_sessions */
};

/* Calls after each attempt, so that a command can report as it goes. */
typedef void mail_probe_fn(void *ud, const struct mail_route *rt,
    const struct mail_probe_attempt *a);

/* Defaults as in struct mail_probe_opts; helo from gethostname(), or
 * "localhost" when that is not a name mail_smtpc_init accepts. */
void mail_probe_opts_init(struct mail_probe_opts *o);

/*
 * One attempt at addr: a non-blocking connect bounded by the connect
 * timeout, then the mail_smtpc dialogue, each reply bounded by the reply
 * timeout (the wait for 221 after QUIT by at most 5 s: it decides
 * nothing). Fills *a (a->plan untouched). Returns 0, or MX_EINVAL for a
 * helo that mail_smtpc_init refuses; a failed connection is a result,
 * not an error.
 */
int mail_probe_attempt(const struct mail_probe_opts *o,
    const struct mail_addr *addr, struct mail_probe_attempt *a);

/*
 * mail-dns-spec 2.5 step 9: tries rt->plan in order and stops at the
 * first address that greets with 2xx and accepts EHLO (it would take the
 * mail), or once max_sessions handshakes have been completed. Refused
 * and timed-out connections, 4xx and 5xx greetings (Postfix
 * smtp_skip_5xx_greeting) and every other failure move on to the next
 * address. A session counts once the server has greeted with 2xx and
 * answered EHLO, whatever the answer: Postfix counts the handshakes that
 * succeeded and then failed in MAIL, RCPT or DATA, which a probe never
 * reaches, so a rejected EHLO stands for them. cb (may be NULL) is called
 * after each attempt. Returns 0, or MX_EINVAL as mail_probe_attempt.
 */
int mail_probe_route(const struct mail_probe_opts *o,
    const struct mail_route *rt, struct mail_probe *pr, mail_probe_fn *cb,
    void *ud);
