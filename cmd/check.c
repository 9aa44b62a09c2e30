/* check.c -- mxkit check: prove a domain's mail DNS, for one domain or a million (--bulk) */
#include <errno.h>
#include <fcntl.h>
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

#include "cmd.h"
#include "util/jw.h"
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
	int in_fd, in_flags;
	char ibuf[BULK_LINE_MAX * 16];	/* input not yet taken */
	size_t ilen;
	int skipping;		/* dropping the rest of an overlong line */
	int watching;		/* the input fd is in the loop */
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
	unsigned ticks;
	struct jw jw;		/* one JSON line */
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
 * JSON (the schema in the README), written with jw: one report per line
 * in bulk mode, indented for one domain.
 */
static void
wname(struct jw *w, const uint8_t *n, size_t len)
{
	char t[DNS_NAME_TEXT_MAX];

	text_name(n, len, t, sizeof(t));
	jw_str(w, t);
}

static void
wstatus(struct jw *w, int st)
{
	if (st < 0)
		jw_null(w);
	else
		jw_str(w, resolv_status_name(st));
}

static void
waddr(struct jw *w, const struct audit_addr *ad)
{
	char a[46];
	unsigned m;

	jw_obj(w);
	jw_key(w, "address");
	jw_str(w, mail_addr_text(&ad->a, a));
	jw_key(w, "ptr_status");
	wstatus(w, ad->ptr_status);
	jw_key(w, "ptr");
	jw_arr(w);
	for (m = 0; m < ad->nptr; m++) {
		jw_obj(w);
		jw_key(w, "name");
		wname(w, ad->ptr[m].name, ad->ptr[m].nlen);
		jw_key(w, "forward");
		wstatus(w, ad->ptr[m].fwd_status);
		jw_key(w, "match");
		jw_bool(w, ad->ptr[m].match);
		jw_key(w, "forward_address");
		if (ad->ptr[m].got.family)
			jw_str(w, mail_addr_text(&ad->ptr[m].got, a));
		else
			jw_null(w);
		jw_key(w, "alias");
		jw_bool(w, ad->ptr[m].alias);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "iprev");
	jw_str(w, audit_iprev_name(ad->iprev));
	jw_obj_end(w);
}

static void
whost(struct jw *w, const struct audit_host *h, int mx)
{
	unsigned k;

	jw_obj(w);
	if (mx) {
		jw_key(w, "preference");
		jw_int(w, h->pref);
	}
	jw_key(w, "name");
	wname(w, h->name, h->nlen);
	jw_key(w, "canonical");
	if (h->clen && !dns_name_equal(h->canon, h->clen, h->name, h->nlen))
		wname(w, h->canon, h->clen);
	else
		jw_null(w);
	jw_key(w, "kind");
	jw_str(w, mail_host_status_name(h->kind));
	jw_key(w, "a");
	wstatus(w, h->st_a);
	jw_key(w, "aaaa");
	wstatus(w, h->st_aaaa);
	if (mx) {
		jw_key(w, "tlsa");
		wstatus(w, h->tlsa_status);
	}
	jw_key(w, "addresses");
	jw_arr(w);
	for (k = 0; k < h->naddr; k++)
		waddr(w, &h->addr[k]);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
wtxt(struct jw *w, const char *key, const struct audit_txt *t)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "status");
	wstatus(w, t->status);
	jw_key(w, "records");
	jw_int(w, t->nrec);
	jw_key(w, "text");
	if (t->nrec)
		jw_str(w, t->text);
	else
		jw_null(w);
	jw_obj_end(w);
}

static void
report_json(struct jw *w, const struct audit_report *r)
{
	char a[46];
	unsigned i, k;
	size_t n;

	jw_obj(w);
	jw_key(w, "domain");
	wname(w, r->domain, r->dlen);
	jw_key(w, "canonical");
	if (!dns_name_equal(r->canon, r->clen, r->domain, r->dlen))
		wname(w, r->canon, r->clen);
	else
		jw_null(w);
	jw_key(w, "profile");
	jw_str(w, r->profile == AUDIT_PROFILE_TUTORIAL ? "tutorial" :
	    r->profile == AUDIT_PROFILE_LAB ? "lab" : "default");
	jw_key(w, "mx");
	jw_obj(w);
	jw_key(w, "status");
	wstatus(w, r->mx_status);
	jw_key(w, "records");
	jw_int(w, r->nmx);
	jw_key(w, "implicit");
	jw_bool(w, r->implicit);
	jw_key(w, "needs_tcp");
	jw_bool(w, r->mx_tcp);
	jw_key(w, "ttl_consistent");
	jw_bool(w, !r->mx_ttl_mixed);
	jw_key(w, "wildcard");
	wstatus(w, r->wildcard_status);
	jw_obj_end(w);
	jw_key(w, "hosts");
	jw_arr(w);
	for (i = 0; i < r->nhost; i++)
		whost(w, &r->host[i], 1);
	jw_arr_end(w);
	jw_key(w, "implicit_host");
	if (r->implicit)
		whost(w, &r->self, 0);
	else
		jw_null(w);
	jw_key(w, "ns");
	jw_obj(w);
	jw_key(w, "status");
	wstatus(w, r->ns_status);
	jw_key(w, "zone");
	if (r->zlen)
		wname(w, r->zone, r->zlen);
	else
		jw_null(w);
	jw_key(w, "servers");
	jw_arr(w);
	for (i = 0; i < r->nns; i++) {
		jw_obj(w);
		jw_key(w, "name");
		wname(w, r->ns[i].name, r->ns[i].nlen);
		jw_key(w, "addresses");
		jw_arr(w);
		for (k = 0; k < r->ns[i].naddr; k++) {
			const struct audit_nsaddr *na = &r->ns[i].addr[k];

			jw_obj(w);
			jw_key(w, "address");
			jw_str(w, mail_addr_text(&na->a, a));
			jw_key(w, "mx");
			wstatus(w, na->mx_status);
			jw_key(w, "authoritative");
			jw_bool(w, na->aa);
			jw_key(w, "mx_set");
			jw_str(w, na->mxset);
			jw_key(w, "soa");
			wstatus(w, na->soa_status);
			jw_key(w, "serial");
			if (na->soa_status == RESOLV_OK)
				jw_int(w, na->serial);
			else
				jw_null(w);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_key(w, "policies");
	jw_obj(w);
	wtxt(w, "spf", &r->spf);
	wtxt(w, "dmarc", &r->dmarc);
	wtxt(w, "mta_sts", &r->mtasts);
	wtxt(w, "tls_rpt", &r->tlsrpt);
	jw_obj_end(w);
	jw_key(w, "sending");
	jw_arr(w);
	for (i = 0; i < r->nsending; i++)
		waddr(w, &r->sending[i]);
	jw_arr_end(w);
	jw_key(w, "findings");
	jw_arr(w);
	for (n = 0; n < r->nfinding; n++) {
		const struct audit_finding *x = &r->finding[n];

		jw_obj(w);
		jw_key(w, "id");
		jw_str(w, x->check->id);
		jw_key(w, "severity");
		jw_str(w, audit_sev_name(x->sev));
		jw_key(w, "subject");
		jw_str(w, x->subject);
		jw_key(w, "message");
		jw_str(w, x->msg);
		jw_key(w, "fix");
		jw_str(w, x->check->fix);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "summary");
	jw_obj(w);
	jw_key(w, "errors");
	jw_int(w, r->count[AUDIT_ERROR]);
	jw_key(w, "warnings");
	jw_int(w, r->count[AUDIT_WARN]);
	jw_key(w, "info");
	jw_int(w, r->count[AUDIT_INFO]);
	jw_obj_end(w);
	jw_key(w, "exit");
	jw_int(w, audit_exit_status(r));
	jw_key(w, "queries");
	jw_int(w, r->queries);
	jw_obj_end(w);
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

/*
 * A policy record as found in the DNS, for a terminal: its owner chose
 * every byte, so anything but printable ASCII is written as \xNN (an
 * escape sequence must never reach the terminal). JSON keeps the bytes.
 */
static void
print_txt(FILE *fp, const char *label, const struct audit_txt *t)
{
	const unsigned char *p;

	if (t->status < 0)
		return;
	fputs(label, fp);
	if (t->nrec == 0)
		fputs("none", fp);
	for (p = (const unsigned char *)t->text; t->nrec > 0 && *p != '\0';
	    p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			putc(*p, fp);
		else
			fprintf(fp, "\\x%02x", *p);
	}
	if (t->cut)
		fputs(" [cut]", fp);
	putc('\n', fp);
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
	print_txt(fp, "SPF:     ", &r->spf);
	print_txt(fp, "DMARC:   ", &r->dmarc);
	print_txt(fp, "MTA-STS: ", &r->mtasts);
	print_txt(fp, "TLS-RPT: ", &r->tlsrpt);
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
		struct jw w;

		jw_init(&w, 2);
		report_json(&w, c->one);
		if (w.oom) {
			jw_free(&w);
			warnx_("check: out of memory");
			audit_report_free(c->one);
			return CHECK_EXIT_SOFTWARE;
		}
		fwrite(w.buf, 1, w.len, stdout);
		fputc('\n', stdout);
		jw_free(&w);
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

/* One JSON line, written with one call. */
static void
bulk_write(struct check_ctx *c, const struct audit_report *r)
{
	jw_reset(&c->jw);
	report_json(&c->jw, r);
	if (c->jw.oom) {
		c->oom = 1;
		return;
	}
	fwrite(c->jw.buf, 1, c->jw.len, stdout);
	putc('\n', stdout);
}

static void
bulk_done(struct audit_report *r, void *ud)
{
	struct check_ctx *c = ud;
	size_t n, m, ncheck;
	const struct audit_check *cat = audit_checks(&ncheck);
	int st = audit_exit_status(r);

	c->inflight--;
	c->done++;
	if (r->oom) {
		/* A report cut short by a failed allocation is not a
		 * verdict: said, counted as an internal error. */
		char t[DNS_NAME_TEXT_MAX];

		text_name(r->domain, r->dlen, t, sizeof(t));
		warnx_("check: %s: out of memory, report incomplete", t);
		c->oom = 1;
	}
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
	bulk_write(c, r);
	audit_report_free(r);
	bulk_fill(c);
	if (c->inflight == 0 && (c->eof || c->stop))
		ev_stop(c->l);
}

/* One input line (without its newline): a domain to audit, a comment, a
 * blank, or a bad line reported and skipped. */
static void
bulk_line(struct check_ctx *c, char *line, size_t n)
{
	uint8_t dom[DNS_NAME_MAX];
	size_t dlen;
	struct mail_addr lit;
	int islit, rv;
	char *p;

	c->line++;
	if (memchr(line, '\0', n) != NULL) {
		warnx_("check: %s:%lu: a NUL byte in the line, skipped",
		    c->in_name, c->line);
		c->bad++;
		return;
	}
	line[n] = '\0';
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
	    line[n - 1] == '\t'))
		line[--n] = '\0';
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0' || *p == '#')
		return;
	rv = mail_route_domain(p, dom, &dlen, &islit, &lit);
	if (rv != 0 || islit) {
		warnx_("check: %s:%lu: '%s' is not a domain%s%s, skipped",
		    c->in_name, c->line, p, rv ? ": " : "",
		    rv ? mx_strerror(rv) : "");
		c->bad++;
		return;
	}
	rv = audit_start(c->e, &c->ao, dom, dlen, bulk_done, c);
	if (rv != 0) {
		warnx_("check: %s:%lu: %s", c->in_name, c->line,
		    mx_strerror(rv));
		c->bad++;
		return;
	}
	c->inflight++;
	c->started++;
}

static void on_input(struct ev_loop *l, int fd, unsigned events, void *ud);

/*
 * Starts audits from the input until the window is full, the input has
 * no complete line ready, or it ends. The input is read without ever
 * blocking: a slow pipe or an idle terminal must not stop the loop (the
 * resolver's timers, Ctrl-C, the progress line); when nothing is there
 * the loop watches the input and calls again.
 */
static void
bulk_fill(struct check_ctx *c)
{
	char *nl;
	size_t n;
	ssize_t r;

	while (!c->eof && !c->stop && c->inflight < c->parallel) {
		nl = memchr(c->ibuf, '\n', c->ilen);
		if (nl != NULL) {
			n = (size_t)(nl - c->ibuf);
			if (c->skipping) {
				c->skipping = 0;
				c->line++;	/* the overlong line ends */
			} else if (n > BULK_LINE_MAX) {
				c->line++;
				warnx_("check: %s:%lu: line longer than %d "
				    "bytes, skipped", c->in_name, c->line,
				    BULK_LINE_MAX);
				c->bad++;
			} else
				bulk_line(c, c->ibuf, n);
			memmove(c->ibuf, nl + 1, c->ilen - n - 1);
			c->ilen -= n + 1;
			continue;
		}
		if (c->ilen >= BULK_LINE_MAX) {
			/* Overlong: reported once, the rest of it dropped
			 * as it comes. */
			if (!c->skipping) {
				c->line++;
				warnx_("check: %s:%lu: line longer than %d "
				    "bytes, skipped", c->in_name, c->line,
				    BULK_LINE_MAX);
				c->bad++;
				c->line--;	/* counted when it ends */
				c->skipping = 1;
			}
			c->ilen = 0;
		}
		r = read(c->in_fd, c->ibuf + c->ilen,
		    sizeof(c->ibuf) - 1 - c->ilen);
		if (r > 0) {
			c->ilen += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (ev_io_set(c->l, c->in_fd, EV_READ, on_input, c) !=
			    0)
				c->oom = 1;
			c->watching = 1;
			return;
		}
		if (r < 0)
			warnx_("check: reading %s: %s", c->in_name,
			    strerror(errno));
		/* The end: a last line without its newline counts too. */
		if (c->ilen > 0 && !c->skipping)
			bulk_line(c, c->ibuf, c->ilen);
		if (c->skipping)
			c->line++;
		c->ilen = 0;
		c->eof = 1;
	}
	if (c->watching && c->eof) {
		ev_io_del(c->l, c->in_fd);
		c->watching = 0;
	}
}

static void
on_input(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct check_ctx *c = ud;

	(void)fd;
	(void)events;
	/* Quiet until bulk_fill wants more (a full window must not spin). */
	ev_io_set(l, c->in_fd, 0, on_input, c);
	bulk_fill(c);
	if (c->inflight == 0 && (c->eof || c->stop))
		ev_stop(l);
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

/* Every 100 ms: what is done reaches the reader (stdout is block
 * buffered), and every other tick the progress line is redrawn. */
static void
on_tick(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	struct check_ctx *c = ud;

	fflush(stdout);
	if (++c->ticks % 2 == 0)
		progress(c, 0);
	ev_timer_at(l, t, ev_now(l) + 100);
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
count_lines(int fd)
{
	struct stat st;
	unsigned long n = 0;
	char buf[65536];
	ssize_t r, k;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (k = 0; k < r; k++)
			n += buf[k] == '\n';
	if (lseek(fd, 0, SEEK_SET) != 0)
		return 0;
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
		c->in_fd = STDIN_FILENO;
		c->in_name = "stdin";
	} else {
		c->in_fd = open(file, O_RDONLY | O_CLOEXEC);
		c->in_name = file;
		if (c->in_fd < 0) {
			warnx_("check: cannot open %s: %s", file,
			    strerror(errno));
			free(c->count_by_check);
			return CHECK_EXIT_USAGE;
		}
	}
	/* Non-blocking input (a file never blocks anyway); the flags are
	 * put back at the end, stdin may be shared with the shell. */
	c->in_flags = fcntl(c->in_fd, F_GETFL);
	if (c->in_flags >= 0)
		fcntl(c->in_fd, F_SETFL, c->in_flags | O_NONBLOCK);
	jw_init(&c->jw, 0);
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	c->tty = isatty(STDERR_FILENO);
	if (c->tty)
		c->total = count_lines(c->in_fd);
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
	ev_timer_at(c->l, &c->tick, ev_now(c->l) + 100);
	c->t0 = now_ms();
	bulk_fill(c);
	while (!c->stop && (c->inflight > 0 || !c->eof))
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
	if (c->watching)
		ev_io_del(c->l, c->in_fd);
	ev_free(c->l);
	if (c->in_flags >= 0)
		fcntl(c->in_fd, F_SETFL, c->in_flags);
	if (c->in_fd != STDIN_FILENO)
		close(c->in_fd);
	bulk_summary(c, stderr);
	free(c->count_by_check);
	jw_free(&c->jw);
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
	const char *bulk_file = NULL, *color = "auto", *nocolor;
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
			if (cmd_number(optarg, 1, 65535, &v) != 0) {
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
			if (cmd_number(optarg, 1, BULK_PARALLEL_MAX, &v) != 0) {
				warnx_("--parallel: '%s' is not a number from 1 "
				    "to %d", optarg, BULK_PARALLEL_MAX);
				return CHECK_EXIT_USAGE;
			}
			c->parallel = (unsigned)v;
			break;
		case 'T':
			if (cmd_number(optarg, 1, 300, &v) != 0) {
				warnx_("--timeout: '%s' is not a number of "
				    "seconds from 1 to 300", optarg);
				return CHECK_EXIT_USAGE;
			}
			timeout = (long)v;
			break;
		case 'A':
			if (cmd_number(optarg, 1, 10, &v) != 0) {
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
	/* no-color.org: NO_COLOR counts when set and not empty. */
	nocolor = getenv("NO_COLOR");
	c->color = strcmp(color, "always") == 0 || (strcmp(color, "auto") ==
	    0 && isatty(STDOUT_FILENO) && (nocolor == NULL || *nocolor == '\0'));
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
