/* check.c -- mxkit check: prove a domain's mail DNS, for one domain or a million (--bulk) */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "mxkit/audit.h"
#include "mxkit/err.h"
#include "mxkit/mail.h"
#include "mxkit/resolv.h"
#include "util/ev.h"

/* Exit status (issue 5): 0 clean, 1 warnings, 2 errors, 3 could not
 * check, 64 usage (sysexits EX_USAGE), 70 internal error, 130 interrupted. */
#define CHECK_EXIT_USAGE	64
#define CHECK_EXIT_SOFTWARE	70
#define CHECK_EXIT_INTR		130
/* Audits in flight in bulk mode by default: each holds about 40 KiB. */
#define BULK_PARALLEL	1000
#define BULK_PARALLEL_MAX 20000
/* A line longer than this is no domain (253 octets plus a mailbox). */
#define BULK_LINE_MAX	1024

static const char check_usage[] =
"usage: mxkit check [options] DOMAIN\n"
"       mxkit check --bulk [FILE|-] [options]\n"
"\n"
"Prove a domain's mail DNS: MX -> host -> A/AAAA -> PTR -> back, for IPv4\n"
"and IPv6, the authoritative servers' agreement, SPF, DMARC, MTA-STS,\n"
"TLS-RPT and TLSA, the trap layout. Each finding has a stable ID, a\n"
"severity and a fix.\n"
"\n"
"options:\n"
"  --server ADDR[:PORT]  DNS server to ask (repeatable; default: the\n"
"                        nameserver lines of /etc/resolv.conf)\n"
"  --ns-port N           port of the authoritative servers, asked\n"
"                        directly (default 53)\n"
"  --profile NAME        default, tutorial (IPv6 expected) or lab\n"
"                        (documentation addresses count as public)\n"
"  --trap HOST           the trap MX: check its layout (spec X01-X04)\n"
"  --sending-ip ADDR     an outgoing address: PTR, FCrDNS and generic-name\n"
"                        checks as receivers apply them (repeatable)\n"
"  --skip CHECK[,...]    turn off checks by ID or group (mx, ptr, ns,\n"
"                        trap, spf, dmarc, mta-sts, tls-rpt, tlsa,\n"
"                        policy) (repeatable)\n"
"  --only mx             bulk: the MX query alone, nothing else\n"
"  --json                one JSON object (the schema is in the README)\n"
"  --bulk [FILE|-]       one domain a line in, one JSON object a line out\n"
"  --parallel N          bulk: audits in flight (default 1000)\n"
"  --timeout SECS        wait per DNS try (default 5; bulk 2)\n"
"  --attempts N          rounds over the DNS servers (default 2)\n"
"  --color WHEN          auto (default: a terminal, NO_COLOR unset),\n"
"                        always, never\n"
"  --list                print the catalogue of checks and exit\n"
"  -h, --help            this help\n"
"\n"
"exit status: 0 clean (info only), 1 warnings, 2 errors, 3 could not\n"
"check (the MX lookup failed), 64 usage error, 70 internal error; --bulk:\n"
"the worst of its domains, 130 when interrupted.\n";

struct check_ctx {
	struct resolv_conf rc;
	struct audit_opts ao;
	int json, color, only_mx;
	/* one domain */
	struct audit_report *one;
	/* bulk */
	struct ev_loop *l;
	struct resolv_engine *e;
	FILE *in;
	const char *in_name;
	unsigned long line;
	unsigned long started, done, bad, total;
	unsigned parallel, inflight;
	int eof, stop, worst, tty;
	unsigned long count_by_exit[4];
	unsigned long *count_by_check;	/* domains with each finding */
	unsigned long findings;
	uint64_t t0;
	struct ev_timer tick;
	int sfd;
	char *obuf;		/* one JSON line */
	size_t obuf_cap;
	int oom;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
text_name(const uint8_t *n, size_t len, char *buf, size_t cap)
{
	if (dns_name_to_text(n, len, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static const char *
rst(int st)
{
	return st < 0 ? "-" : resolv_status_name(st);
}

/*
 * JSON (the schema in the README).
 */
static json_t *
jname(const uint8_t *n, size_t len)
{
	char t[DNS_NAME_TEXT_MAX];

	text_name(n, len, t, sizeof(t));
	return json_string(t);
}

static json_t *
jstatus(int st)
{
	return st < 0 ? json_null() : json_string(resolv_status_name(st));
}

static json_t *
jaddr(const struct audit_addr *ad)
{
	json_t *o = json_object(), *ptrs = json_array(), *p;
	char a[46];
	unsigned m;

	json_object_set_new(o, "address",
	    json_string(mail_addr_text(&ad->a, a)));
	json_object_set_new(o, "ptr_status", jstatus(ad->ptr_status));
	for (m = 0; m < ad->nptr; m++) {
		p = json_object();
		json_object_set_new(p, "name", jname(ad->ptr[m].name,
		    ad->ptr[m].nlen));
		json_object_set_new(p, "forward",
		    jstatus(ad->ptr[m].fwd_status));
		json_object_set_new(p, "match", json_boolean(ad->ptr[m].match));
		json_object_set_new(p, "forward_address",
		    ad->ptr[m].got.family ? json_string(mail_addr_text(
		    &ad->ptr[m].got, a)) : json_null());
		json_object_set_new(p, "alias", json_boolean(ad->ptr[m].alias));
		json_array_append_new(ptrs, p);
	}
	json_object_set_new(o, "ptr", ptrs);
	json_object_set_new(o, "iprev", json_string(audit_iprev_name(ad->iprev)));
	return o;
}

static json_t *
jhost(const struct audit_host *h, int mx)
{
	json_t *o = json_object(), *addrs = json_array();
	unsigned k;

	if (mx)
		json_object_set_new(o, "preference", json_integer(h->pref));
	json_object_set_new(o, "name", jname(h->name, h->nlen));
	json_object_set_new(o, "canonical", h->clen && !dns_name_equal(
	    h->canon, h->clen, h->name, h->nlen) ? jname(h->canon, h->clen) :
	    json_null());
	json_object_set_new(o, "kind", json_string(
	    mail_host_status_name(h->kind)));
	json_object_set_new(o, "a", jstatus(h->st_a));
	json_object_set_new(o, "aaaa", jstatus(h->st_aaaa));
	if (mx)
		json_object_set_new(o, "tlsa", jstatus(h->tlsa_status));
	for (k = 0; k < h->naddr; k++)
		json_array_append_new(addrs, jaddr(&h->addr[k]));
	json_object_set_new(o, "addresses", addrs);
	return o;
}

static json_t *
jtxt(const struct audit_txt *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "status", jstatus(t->status));
	json_object_set_new(o, "records", json_integer(t->nrec));
	json_object_set_new(o, "text", t->nrec ? json_string(t->text) :
	    json_null());
	return o;
}

static json_t *
report_json(const struct audit_report *r)
{
	json_t *j = json_object(), *mx, *hosts, *ns, *servers, *pol, *fs, *f;
	json_t *sum, *send;
	char a[46];
	unsigned i, k;
	size_t n;

	json_object_set_new(j, "domain", jname(r->domain, r->dlen));
	json_object_set_new(j, "canonical", !dns_name_equal(r->canon, r->clen,
	    r->domain, r->dlen) ? jname(r->canon, r->clen) : json_null());
	json_object_set_new(j, "profile", json_string(
	    r->profile == AUDIT_PROFILE_TUTORIAL ? "tutorial" :
	    r->profile == AUDIT_PROFILE_LAB ? "lab" : "default"));
	mx = json_object();
	json_object_set_new(mx, "status", jstatus(r->mx_status));
	json_object_set_new(mx, "records", json_integer(r->nmx));
	json_object_set_new(mx, "implicit", json_boolean(r->implicit));
	json_object_set_new(mx, "needs_tcp", json_boolean(r->mx_tcp));
	json_object_set_new(mx, "ttl_consistent",
	    json_boolean(!r->mx_ttl_mixed));
	json_object_set_new(mx, "wildcard", jstatus(r->wildcard_status));
	json_object_set_new(j, "mx", mx);
	hosts = json_array();
	for (i = 0; i < r->nhost; i++)
		json_array_append_new(hosts, jhost(&r->host[i], 1));
	json_object_set_new(j, "hosts", hosts);
	json_object_set_new(j, "implicit_host", r->implicit ?
	    jhost(&r->self, 0) : json_null());
	ns = json_object();
	json_object_set_new(ns, "status", jstatus(r->ns_status));
	json_object_set_new(ns, "zone", r->zlen ? jname(r->zone, r->zlen) :
	    json_null());
	servers = json_array();
	for (i = 0; i < r->nns; i++) {
		json_t *s = json_object(), *addrs = json_array();

		json_object_set_new(s, "name", jname(r->ns[i].name,
		    r->ns[i].nlen));
		for (k = 0; k < r->ns[i].naddr; k++) {
			const struct audit_nsaddr *na = &r->ns[i].addr[k];
			json_t *x = json_object();

			json_object_set_new(x, "address", json_string(
			    mail_addr_text(&na->a, a)));
			json_object_set_new(x, "mx", jstatus(na->mx_status));
			json_object_set_new(x, "authoritative",
			    json_boolean(na->aa));
			json_object_set_new(x, "mx_set", json_string(na->mxset));
			json_object_set_new(x, "soa", jstatus(na->soa_status));
			json_object_set_new(x, "serial", na->soa_status ==
			    RESOLV_OK ? json_integer(na->serial) : json_null());
			json_array_append_new(addrs, x);
		}
		json_object_set_new(s, "addresses", addrs);
		json_array_append_new(servers, s);
	}
	json_object_set_new(ns, "servers", servers);
	json_object_set_new(j, "ns", ns);
	pol = json_object();
	json_object_set_new(pol, "spf", jtxt(&r->spf));
	json_object_set_new(pol, "dmarc", jtxt(&r->dmarc));
	json_object_set_new(pol, "mta_sts", jtxt(&r->mtasts));
	json_object_set_new(pol, "tls_rpt", jtxt(&r->tlsrpt));
	json_object_set_new(j, "policies", pol);
	send = json_array();
	for (i = 0; i < r->nsending; i++)
		json_array_append_new(send, jaddr(&r->sending[i]));
	json_object_set_new(j, "sending", send);
	fs = json_array();
	for (n = 0; n < r->nfinding; n++) {
		const struct audit_finding *x = &r->finding[n];

		f = json_object();
		json_object_set_new(f, "id", json_string(x->check->id));
		json_object_set_new(f, "severity",
		    json_string(audit_sev_name(x->sev)));
		json_object_set_new(f, "subject", json_string(x->subject));
		json_object_set_new(f, "message", json_string(x->msg));
		json_object_set_new(f, "fix", json_string(x->check->fix));
		json_array_append_new(fs, f);
	}
	json_object_set_new(j, "findings", fs);
	sum = json_object();
	json_object_set_new(sum, "errors", json_integer(r->count[AUDIT_ERROR]));
	json_object_set_new(sum, "warnings", json_integer(r->count[AUDIT_WARN]));
	json_object_set_new(sum, "info", json_integer(r->count[AUDIT_INFO]));
	json_object_set_new(j, "summary", sum);
	json_object_set_new(j, "exit", json_integer(audit_exit_status(r)));
	json_object_set_new(j, "queries", json_integer(r->queries));
	return j;
}

/*
 * Text: the chain of DESIGN.md, each arrow marked.
 */
#define C_RED	"\033[31m"
#define C_YEL	"\033[33m"
#define C_GRN	"\033[32m"
#define C_DIM	"\033[2m"
#define C_BOLD	"\033[1m"
#define C_OFF	"\033[0m"

static const char *
col(const struct check_ctx *c, const char *code)
{
	return c->color ? code : "";
}

static const char *
sev_col(const struct check_ctx *c, enum audit_sev s)
{
	return col(c, s == AUDIT_ERROR ? C_RED : s == AUDIT_WARN ? C_YEL :
	    C_DIM);
}

static void
print_addr(const struct check_ctx *c, const struct audit_addr *ad,
    const char *indent, int last, FILE *fp)
{
	char a[46], got[46], pn[DNS_NAME_TEXT_MAX];
	const char *fam = ad->a.family == AF_INET ? "A   " : "AAAA";
	int ok = ad->iprev == AUDIT_IPREV_PASS;

	mail_addr_text(&ad->a, a);
	fprintf(fp, "%s%s %s %-15s", indent, last ? "`-" : "|-", fam, a);
	if (ad->iprev == AUDIT_IPREV_NONE) {
		fputc('\n', fp);
		return;
	}
	if (ad->nptr == 0)
		fprintf(fp, " -> PTR none (%s)", rst(ad->ptr_status));
	else {
		const struct audit_ptr *p = &ad->ptr[ad->pass >= 0 ?
		    (unsigned)ad->pass : 0];

		text_name(p->name, p->nlen, pn, sizeof(pn));
		fprintf(fp, " -> PTR %s -> %s %s", pn, ad->a.family ==
		    AF_INET ? "A" : "AAAA", p->match ? a : p->got.family ?
		    mail_addr_text(&p->got, got) : rst(p->fwd_status));
		if (ad->nptr > 1)
			fprintf(fp, " (+%u PTR)", ad->nptr - 1);
	}
	fprintf(fp, "  %s[%s]%s\n", col(c, ok ? C_GRN : C_RED),
	    audit_iprev_name(ad->iprev), col(c, C_OFF));
}

static void
print_host(const struct check_ctx *c, const struct audit_host *h, int mx,
    int last, FILE *fp)
{
	char hn[DNS_NAME_TEXT_MAX], cn[DNS_NAME_TEXT_MAX];
	unsigned k;

	text_name(h->name, h->nlen, hn, sizeof(hn));
	if (mx)
		fprintf(fp, " %s %u %s", last ? "`-" : "|-", h->pref, hn);
	else
		fprintf(fp, " `- (implicit) %s", hn);
	if (h->clen && !dns_name_equal(h->canon, h->clen, h->name, h->nlen)) {
		text_name(h->canon, h->clen, cn, sizeof(cn));
		fprintf(fp, " -> CNAME %s", cn);
	}
	if (h->kind != MAIL_HOST_OK)
		fprintf(fp, "  %s[%s]%s", col(c, C_RED),
		    mail_host_status_name(h->kind), col(c, C_OFF));
	else if (h->naddr == 0 && (h->st_a >= 0 || h->st_aaaa >= 0))
		fprintf(fp, "  %s[no address: A %s, AAAA %s]%s",
		    col(c, C_RED), rst(h->st_a), rst(h->st_aaaa), col(c, C_OFF));
	fputc('\n', fp);
	for (k = 0; k < h->naddr; k++)
		print_addr(c, &h->addr[k], last ? "     " : " |   ",
		    k + 1 == h->naddr, fp);
}

static void
print_text(const struct check_ctx *c, const struct audit_report *r, FILE *fp)
{
	char dn[DNS_NAME_TEXT_MAX], nn[DNS_NAME_TEXT_MAX], a[46];
	unsigned i, k;
	size_t n;
	int st = audit_exit_status(r);

	text_name(r->domain, r->dlen, dn, sizeof(dn));
	fprintf(fp, "%s%s%s (profile %s)\n", col(c, C_BOLD), dn, col(c, C_OFF),
	    r->profile == AUDIT_PROFILE_TUTORIAL ? "tutorial" :
	    r->profile == AUDIT_PROFILE_LAB ? "lab" : "default");
	if (r->mx_status == RESOLV_OK)
		fprintf(fp, "MX: %u record%s%s\n", r->nmx, r->nmx == 1 ? "" : "s",
		    r->mx_tcp ? " (over TCP)" : "");
	else
		fprintf(fp, "MX: %s (%s)\n", rst(r->mx_status),
		    r->mx_status < 0 ? "not asked" :
		    resolv_status_text(r->mx_status));
	for (i = 0; i < r->nhost; i++)
		print_host(c, &r->host[i], 1, i + 1 == r->nhost, fp);
	if (r->implicit)
		print_host(c, &r->self, 0, 1, fp);
	for (i = 0; i < r->nns; i++) {
		text_name(r->ns[i].name, r->ns[i].nlen, nn, sizeof(nn));
		for (k = 0; k < r->ns[i].naddr; k++) {
			const struct audit_nsaddr *na = &r->ns[i].addr[k];

			fprintf(fp, "NS %s %s: MX %s%s", nn,
			    mail_addr_text(&na->a, a), rst(na->mx_status),
			    na->mx_status == RESOLV_OK && !na->aa ?
			    " (not authoritative)" : "");
			if (na->soa_status == RESOLV_OK)
				fprintf(fp, ", serial %u", na->serial);
			fputc('\n', fp);
		}
		if (r->ns[i].naddr == 0)
			fprintf(fp, "NS %s: no address\n", nn);
	}
	if (r->spf.status >= 0)
		fprintf(fp, "SPF:     %s\n", r->spf.nrec ? r->spf.text : "none");
	if (r->dmarc.status >= 0)
		fprintf(fp, "DMARC:   %s\n", r->dmarc.nrec ? r->dmarc.text :
		    "none");
	if (r->mtasts.status >= 0)
		fprintf(fp, "MTA-STS: %s\n", r->mtasts.nrec ? r->mtasts.text :
		    "none");
	if (r->tlsrpt.status >= 0)
		fprintf(fp, "TLS-RPT: %s\n", r->tlsrpt.nrec ? r->tlsrpt.text :
		    "none");
	for (i = 0; i < r->nsending; i++) {
		fprintf(fp, "sending address:\n");
		print_addr(c, &r->sending[i], " ", 1, fp);
	}
	if (r->nfinding > 0)
		fprintf(fp, "\nfindings:\n");
	for (k = 3; k-- > 0; )
		for (n = 0; n < r->nfinding; n++) {
			const struct audit_finding *f = &r->finding[n];

			if (f->sev != (enum audit_sev)k)
				continue;
			fprintf(fp, "  %s%-7s%s %-26s %s\n", sev_col(c, f->sev),
			    audit_sev_name(f->sev), col(c, C_OFF),
			    f->check->id, f->msg);
			if (f->sev != AUDIT_INFO)
				fprintf(fp, "  %-7s %-26s fix: %s\n", "", "",
				    f->check->fix);
		}
	fprintf(fp, "\nsummary: %u error%s, %u warning%s, %u info -> %s\n",
	    r->count[AUDIT_ERROR], r->count[AUDIT_ERROR] == 1 ? "" : "s",
	    r->count[AUDIT_WARN], r->count[AUDIT_WARN] == 1 ? "" : "s",
	    r->count[AUDIT_INFO], st == 0 ? "clean" : st == 1 ? "warnings" :
	    st == 2 ? "errors" : "could not check");
}

/*
 * One domain.
 */
static void
one_done(struct audit_report *r, void *ud)
{
	struct check_ctx *c = ud;

	c->one = r;
	ev_stop(c->l);
}

static int
check_one(struct check_ctx *c, const uint8_t *dom, size_t dlen)
{
	int rv = MX_ENOMEM, st;

	c->l = ev_new();
	if (c->l == NULL)
		return CHECK_EXIT_SOFTWARE;
	c->e = resolv_engine_new(c->l, &c->rc);
	if (c->e == NULL || (rv = audit_start(c->e, &c->ao, dom, dlen,
	    one_done, c)) != 0) {
		warnx_("check: cannot start: %s", c->e == NULL ?
		    "out of memory" : mx_strerror(rv));
		resolv_engine_free(c->e);
		ev_free(c->l);
		return CHECK_EXIT_SOFTWARE;
	}
	while (c->one == NULL)
		if (ev_run(c->l) != 0)
			break;
	resolv_engine_free(c->e);
	ev_free(c->l);
	if (c->one == NULL || c->one->oom) {
		warnx_("check: out of memory");
		audit_report_free(c->one);
		return CHECK_EXIT_SOFTWARE;
	}
	if (c->json) {
		json_t *j = report_json(c->one);

		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else
		print_text(c, c->one, stdout);
	st = audit_exit_status(c->one);
	audit_report_free(c->one);
	return st;
}

/*
 * Bulk: a window of audits in flight on one engine, fed from the input
 * as they finish, one JSON line each, in completion order.
 */
static void bulk_fill(struct check_ctx *c);

/* One JSON line: dumped into one buffer and written with one call
 * (jansson's file output makes a stdio call per token). */
static void
bulk_write(struct check_ctx *c, json_t *j)
{
	size_t n = json_dumpb(j, c->obuf, c->obuf_cap, JSON_COMPACT |
	    JSON_PRESERVE_ORDER);
	char *p;

	if (n >= c->obuf_cap) {
		p = realloc(c->obuf, n + 1);
		if (p == NULL) {
			c->oom = 1;
			return;
		}
		c->obuf = p;
		c->obuf_cap = n + 1;
		n = json_dumpb(j, c->obuf, c->obuf_cap, JSON_COMPACT |
		    JSON_PRESERVE_ORDER);
	}
	if (n == 0)
		return;
	c->obuf[n] = '\n';
	fwrite(c->obuf, 1, n + 1, stdout);
}

static void
bulk_done(struct audit_report *r, void *ud)
{
	struct check_ctx *c = ud;
	size_t n, m, ncheck;
	const struct audit_check *cat = audit_checks(&ncheck);
	int st = audit_exit_status(r);
	json_t *j;

	c->inflight--;
	c->done++;
	if (st > c->worst)
		c->worst = st;
	c->count_by_exit[st]++;
	c->findings += r->nfinding;
	/* Domains with each finding: count an ID once per domain. */
	for (n = 0; n < r->nfinding; n++) {
		for (m = 0; m < n; m++)
			if (r->finding[m].check == r->finding[n].check)
				break;
		if (m == n)
			c->count_by_check[r->finding[n].check - cat]++;
	}
	j = report_json(r);
	bulk_write(c, j);
	json_decref(j);
	audit_report_free(r);
	bulk_fill(c);
	if (c->inflight == 0 && (c->eof || c->stop))
		ev_stop(c->l);
}

/* Reads lines and starts audits until the window is full or input ends. */
static void
bulk_fill(struct check_ctx *c)
{
	char buf[BULK_LINE_MAX + 2];
	uint8_t dom[DNS_NAME_MAX];
	size_t dlen, n;
	struct mail_addr lit;
	int islit, rv;
	char *p;

	while (!c->eof && !c->stop && c->inflight < c->parallel) {
		if (fgets(buf, sizeof(buf), c->in) == NULL) {
			c->eof = 1;
			break;
		}
		c->line++;
		n = strlen(buf);
		if (n > 0 && buf[n - 1] != '\n' && !feof(c->in)) {
			int ch;

			/* Overlong: skip the rest of it. */
			while ((ch = fgetc(c->in)) != EOF && ch != '\n')
				;
			warnx_("check: %s:%lu: line longer than %d bytes, "
			    "skipped", c->in_name, c->line, BULK_LINE_MAX);
			c->bad++;
			continue;
		}
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
			buf[--n] = '\0';
		for (p = buf; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		rv = mail_route_domain(p, dom, &dlen, &islit, &lit);
		if (rv != 0 || islit) {
			warnx_("check: %s:%lu: '%s' is not a domain%s%s, "
			    "skipped", c->in_name, c->line, p, rv ? ": " : "",
			    rv ? mx_strerror(rv) : "");
			c->bad++;
			continue;
		}
		rv = audit_start(c->e, &c->ao, dom, dlen, bulk_done, c);
		if (rv != 0) {
			warnx_("check: %s:%lu: %s", c->in_name, c->line,
			    mx_strerror(rv));
			c->bad++;
			continue;
		}
		c->inflight++;
		c->started++;
	}
}

static void
progress(struct check_ctx *c, int final)
{
	double secs = (double)(now_ms() - c->t0) / 1000.0;
	double rate = secs > 0 ? (double)c->done / secs : 0;

	if (!c->tty)
		return;
	fprintf(stderr, "\r\033[K%lu done", c->done);
	if (c->total > 0)
		fprintf(stderr, "/%lu (%.0f%%)", c->total,
		    100.0 * (double)c->done / (double)c->total);
	fprintf(stderr, ", %.0f domains/s, %u in flight, %lu findings",
	    rate, c->inflight, c->findings);
	if (c->total > c->done && rate > 0)
		fprintf(stderr, ", ETA %.0f s",
		    (double)(c->total - c->done) / rate);
	if (final)
		fputc('\n', stderr);
}

static void
on_tick(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	struct check_ctx *c = ud;

	progress(c, 0);
	ev_timer_at(l, t, ev_now(l) + 200);
}

static void
on_signal(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct check_ctx *c = ud;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	/* Stop reading; what is in flight is dropped with the engine. */
	c->stop = 1;
	ev_stop(l);
}

/* Lines of a regular file, for the progress bar's ETA; 0 if unknown. */
static unsigned long
count_lines(FILE *f)
{
	struct stat st;
	unsigned long n = 0;
	int ch;

	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	while ((ch = getc(f)) != EOF)
		n += ch == '\n';
	rewind(f);
	return n;
}

static void
bulk_summary(const struct check_ctx *c, FILE *fp)
{
	size_t ncheck, i, k, order[256];
	const struct audit_check *cat = audit_checks(&ncheck);
	double secs = (double)(now_ms() - c->t0) / 1000.0;

	fprintf(fp, "%s%lu domains checked in %.1f s (%.0f/s): %lu clean, %lu "
	    "with warnings, %lu with errors, %lu could not be checked; %lu "
	    "bad lines\n", c->stop ? "interrupted: " : "", c->done, secs,
	    secs > 0 ? (double)c->done / secs : 0.0, c->count_by_exit[0],
	    c->count_by_exit[1], c->count_by_exit[2], c->count_by_exit[3],
	    c->bad);
	for (i = 0, k = 0; i < ncheck && k < 256; i++)
		if (c->count_by_check[i] > 0)
			order[k++] = i;
	/* Most frequent first. */
	for (i = 1; i < k; i++) {
		size_t x = order[i], m = i;

		for (; m > 0 && c->count_by_check[order[m - 1]] <
		    c->count_by_check[x]; m--)
			order[m] = order[m - 1];
		order[m] = x;
	}
	if (k > 0)
		fprintf(fp, "%-28s %-8s %10s\n", "finding", "severity",
		    "domains");
	for (i = 0; i < k; i++)
		fprintf(fp, "%-28s %-8s %10lu\n", cat[order[i]].id,
		    audit_sev_name(cat[order[i]].sev),
		    c->count_by_check[order[i]]);
}

static int
check_bulk(struct check_ctx *c, const char *file)
{
	sigset_t mask;
	size_t ncheck;

	audit_checks(&ncheck);
	c->count_by_check = calloc(ncheck, sizeof(*c->count_by_check));
	if (c->count_by_check == NULL)
		return CHECK_EXIT_SOFTWARE;
	if (file == NULL || strcmp(file, "-") == 0) {
		c->in = stdin;
		c->in_name = "stdin";
	} else {
		c->in = fopen(file, "r");
		c->in_name = file;
		if (c->in == NULL) {
			warnx_("check: cannot open %s: %s", file,
			    strerror(errno));
			free(c->count_by_check);
			return CHECK_EXIT_USAGE;
		}
	}
	c->obuf_cap = 65536;
	c->obuf = malloc(c->obuf_cap);
	if (c->obuf == NULL) {
		free(c->count_by_check);
		return CHECK_EXIT_SOFTWARE;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	c->tty = isatty(STDERR_FILENO);
	if (c->tty)
		c->total = count_lines(c->in);
	c->l = ev_new();
	c->e = c->l ? resolv_engine_new(c->l, &c->rc) : NULL;
	if (c->e == NULL) {
		warnx_("check: out of memory");
		ev_free(c->l);
		free(c->count_by_check);
		return CHECK_EXIT_SOFTWARE;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	c->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->sfd >= 0)
		ev_io_set(c->l, c->sfd, EV_READ, on_signal, c);
	ev_timer_init(&c->tick, on_tick, c);
	if (c->tty)
		ev_timer_at(c->l, &c->tick, ev_now(c->l) + 200);
	c->t0 = now_ms();
	bulk_fill(c);
	while (c->inflight > 0 && !c->stop)
		if (ev_run(c->l) != 0)
			break;
	ev_timer_stop(c->l, &c->tick);
	/* Flush what is done; interrupted audits are dropped. */
	fflush(stdout);
	progress(c, 1);
	resolv_engine_free(c->e);
	if (c->sfd >= 0) {
		ev_io_del(c->l, c->sfd);
		close(c->sfd);
	}
	ev_free(c->l);
	if (c->in != stdin)
		fclose(c->in);
	bulk_summary(c, stderr);
	free(c->count_by_check);
	free(c->obuf);
	if (c->oom) {
		warnx_("check: out of memory: some reports were not written");
		return CHECK_EXIT_SOFTWARE;
	}
	return c->stop ? CHECK_EXIT_INTR : c->worst;
}

static int
add_skip(struct check_ctx *c, char *arg)
{
	char *tok, *save = NULL;
	size_t n;
	const struct audit_check *cat = audit_checks(&n);
	static const char *const groups[] = { "mx", "ptr", "ns", "trap",
	    "spf", "dmarc", "mta-sts", "tls-rpt", "tlsa", "policy" };
	size_t i;

	for (tok = strtok_r(arg, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		int known = audit_check_find(tok) != NULL;

		for (i = 0; !known && i < sizeof(groups) / sizeof(groups[0]);
		    i++)
			known = strcasecmp(tok, groups[i]) == 0;
		if (!known) {
			warnx_("--skip: '%s' is neither a check ID (mxkit check "
			    "--list) nor a group", tok);
			return -1;
		}
		if (c->ao.nskip >= AUDIT_SKIP_MAX) {
			warnx_("--skip: at most %d entries", AUDIT_SKIP_MAX);
			return -1;
		}
		c->ao.skip[c->ao.nskip++] = tok;
	}
	(void)cat;
	return 0;
}

static void
list_checks(void)
{
	size_t n, i;
	const struct audit_check *cat = audit_checks(&n);

	for (i = 0; i < n; i++)
		printf("%-28s %-8s %-8s %s\n", cat[i].id,
		    audit_sev_name(cat[i].sev), cat[i].group, cat[i].title);
}

static int
uarg(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &e, 10);
	return *e != '\0' || errno != 0 || *out < lo || *out > hi ? -1 : 0;
}

int
cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "ns-port", required_argument, NULL, 'P' },
		{ "profile", required_argument, NULL, 'p' },
		{ "trap", required_argument, NULL, 't' },
		{ "sending-ip", required_argument, NULL, 'i' },
		{ "skip", required_argument, NULL, 'k' },
		{ "only", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "bulk", optional_argument, NULL, 'b' },
		{ "parallel", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "attempts", required_argument, NULL, 'A' },
		{ "color", required_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct check_ctx ctx;
	struct check_ctx *c = &ctx;
	struct resolv_server srv;
	uint8_t dom[DNS_NAME_MAX];
	size_t dlen = 0;
	unsigned long v;
	long timeout = -1, attempts = -1;
	int opt, li, nsrv = 0, bulk = 0, lit, rv;
	const char *bulk_file = NULL, *color = "auto";
	struct mail_addr la;

	memset(c, 0, sizeof(*c));
	audit_opts_init(&c->ao);
	resolv_conf_init(&c->rc);
	c->parallel = BULK_PARALLEL;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lo, &li)) != -1) {
		switch (opt) {
		case 's':
			if (resolv_server_parse(&srv, optarg, 53) != 0 ||
			    resolv_conf_add_server(&c->rc, &srv) != 0) {
				warnx_("--server: '%s' is not an address (ADDR, "
				    "ADDR:PORT, [IPv6]:PORT), or too many",
				    optarg);
				return CHECK_EXIT_USAGE;
			}
			nsrv++;
			break;
		case 'P':
			if (uarg(optarg, 1, 65535, &v) != 0) {
				warnx_("--ns-port: '%s' is not a port", optarg);
				return CHECK_EXIT_USAGE;
			}
			c->ao.ns_port = (uint16_t)v;
			break;
		case 'p':
			if (strcmp(optarg, "default") == 0)
				c->ao.profile = AUDIT_PROFILE_DEFAULT;
			else if (strcmp(optarg, "tutorial") == 0)
				c->ao.profile = AUDIT_PROFILE_TUTORIAL;
			else if (strcmp(optarg, "lab") == 0)
				c->ao.profile = AUDIT_PROFILE_LAB;
			else {
				warnx_("--profile: '%s' is not default, "
				    "tutorial or lab", optarg);
				return CHECK_EXIT_USAGE;
			}
			break;
		case 't':
			if (mail_route_domain(optarg, c->ao.trap,
			    &c->ao.trap_len, &lit, &la) != 0 || lit) {
				warnx_("--trap: '%s' is not a host name", optarg);
				return CHECK_EXIT_USAGE;
			}
			break;
		case 'i':
			if (c->ao.nsending >= AUDIT_SENDING_MAX ||
			    (inet_pton(AF_INET, optarg,
			    c->ao.sending[c->ao.nsending].a) == 1 ?
			    (c->ao.sending[c->ao.nsending].family = AF_INET) :
			    inet_pton(AF_INET6, optarg,
			    c->ao.sending[c->ao.nsending].a) == 1 ?
			    (c->ao.sending[c->ao.nsending].family = AF_INET6) :
			    0) == 0) {
				warnx_("--sending-ip: '%s' is not an address "
				    "(or more than %d)", optarg,
				    AUDIT_SENDING_MAX);
				return CHECK_EXIT_USAGE;
			}
			c->ao.nsending++;
			break;
		case 'k':
			if (add_skip(c, optarg) != 0)
				return CHECK_EXIT_USAGE;
			break;
		case 'o':
			if (strcmp(optarg, "mx") != 0) {
				warnx_("--only: only 'mx' is known");
				return CHECK_EXIT_USAGE;
			}
			c->ao.flags |= AUDIT_ONLY_MX;
			break;
		case 'j':
			c->json = 1;
			break;
		case 'b':
			bulk = 1;
			bulk_file = optarg;
			break;
		case 'n':
			if (uarg(optarg, 1, BULK_PARALLEL_MAX, &v) != 0) {
				warnx_("--parallel: '%s' is not a number from 1 "
				    "to %d", optarg, BULK_PARALLEL_MAX);
				return CHECK_EXIT_USAGE;
			}
			c->parallel = (unsigned)v;
			break;
		case 'T':
			if (uarg(optarg, 1, 300, &v) != 0) {
				warnx_("--timeout: '%s' is not a number of "
				    "seconds from 1 to 300", optarg);
				return CHECK_EXIT_USAGE;
			}
			timeout = (long)v;
			break;
		case 'A':
			if (uarg(optarg, 1, 10, &v) != 0) {
				warnx_("--attempts: '%s' is not a number from "
				    "1 to 10", optarg);
				return CHECK_EXIT_USAGE;
			}
			attempts = (long)v;
			break;
		case 'c':
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0) {
				warnx_("--color: '%s' is not auto, always or "
				    "never", optarg);
				return CHECK_EXIT_USAGE;
			}
			color = optarg;
			break;
		case 'l':
			list_checks();
			return EXIT_CLEAN;
		case 'h':
			fputs(check_usage, stdout);
			return EXIT_CLEAN;
		default:
			fputs(check_usage, stderr);
			return CHECK_EXIT_USAGE;
		}
	}
	/* --bulk FILE may also be written with a space. */
	if (bulk && bulk_file == NULL && optind < argc)
		bulk_file = argv[optind++];
	if ((bulk && optind != argc) || (!bulk && optind != argc - 1)) {
		warnx_(bulk ? "check: --bulk takes its domains from the input, "
		    "not the command line" : optind >= argc ? "check: a domain "
		    "is needed" : "check: one domain at a time (or --bulk)");
		fputs(check_usage, stderr);
		return CHECK_EXIT_USAGE;
	}
	if ((c->ao.flags & AUDIT_ONLY_MX) && !bulk) {
		warnx_("check: --only mx is for --bulk");
		return CHECK_EXIT_USAGE;
	}
	if (nsrv == 0 && resolv_conf_load(&c->rc, NULL) != 0) {
		warnx_("check: cannot read /etc/resolv.conf");
		return CHECK_EXIT_SOFTWARE;
	}
	c->rc.nsearch = 0;
	if (timeout > 0)
		c->rc.timeout_ms = (unsigned)timeout * 1000;
	else if (bulk)
		c->rc.timeout_ms = 2000;
	if (attempts > 0)
		c->rc.attempts = (unsigned)attempts;
	c->color = strcmp(color, "always") == 0 || (strcmp(color, "auto") ==
	    0 && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
	if (bulk)
		return check_bulk(c, bulk_file);
	rv = mail_route_domain(argv[optind], dom, &dlen, &lit, &la);
	if (rv != 0 || lit) {
		warnx_("check: '%s' is not a domain%s%s", argv[optind],
		    rv ? ": " : "", rv ? mx_strerror(rv) : "");
		return CHECK_EXIT_USAGE;
	}
	return check_one(c, dom, dlen);
}
