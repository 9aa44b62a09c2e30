/* route.c -- mxkit route: the delivery plan a sending MTA computes for a recipient */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "mxkit/err.h"
#include "mxkit/mail.h"
#include "mxkit/resolv.h"
#include "util/ev.h"
#include "route_connect.h"

/* Exit status (issue 4): 0 deliverable, 1 defer, 2 bounce, 64 usage, 70
 * internal error (sysexits.h EX_USAGE, EX_SOFTWARE). */
#define ROUTE_EXIT_DEFER	1
#define ROUTE_EXIT_BOUNCE	2
#define ROUTE_EXIT_USAGE	64
#define ROUTE_EXIT_SOFTWARE	70

static const char route_usage[] =
"usage: mxkit route [options] RECIPIENT|DOMAIN\n"
"\n"
"Compute the delivery plan a sending mail server follows for RECIPIENT\n"
"(RFC 5321 5.1): MX records by preference, equal preferences shuffled,\n"
"each host's A and AAAA, the implicit MX, null MX, and the temporary\n"
"failures that must defer instead of bouncing.\n"
"\n"
"options:\n"
"  --server ADDR[:PORT]   ask this DNS server (repeatable; default: the\n"
"                         nameserver lines of /etc/resolv.conf)\n"
"  --mta PROFILE          rfc (default), postfix, exim, opensmtpd: where\n"
"                         MTAs differ, behave as that one does\n"
"  --family any|4|6       address families looked up (default any)\n"
"  --prefer any|4|6       family tried first within a host (default any:\n"
"                         IPv6 and IPv4 interleaved, IPv6 first)\n"
"  --max-addrs N          addresses in the plan, both families kept\n"
"                         (default 5, as Postfix; 0 = no limit)\n"
"  --seed N               seed of the equal-preference shuffle\n"
"                         (default: random)\n"
"  --self-name NAME       this host's name: drop it and every MX at the\n"
"                         same or a worse preference (repeatable)\n"
"  --self-addr ADDR       this host's address, same rule (repeatable);\n"
"                         127.0.0.0/8, ::1, 0.0.0.0 and :: always count\n"
"  --allow-loopback       127.0.0.0/8 and ::1 are not this host (a lab\n"
"                         with MX hosts on loopback aliases)\n"
"  --timeout SECS         wait per DNS try (default 5)\n"
"  --attempts N           rounds over the DNS servers (default 2)\n"
"  --json                 one JSON object instead of the text report\n"
"  --connect              then try the plan over SMTP (below)\n"
"  -h, --help             this help\n"
"\n"
"--connect: try the plan in order over SMTP (greeting, EHLO, QUIT; never\n"
"MAIL, RCPT or DATA) and stop at the first server that greets with 2xx\n"
"and accepts EHLO: it would take the mail. Refused or timed-out\n"
"connections, 4xx and 5xx greetings and rejected EHLO move on.\n"
"  --connect-timeout SECS TCP connect wait per address (default 30)\n"
"  --reply-timeout SECS   wait per reply (default 300)\n"
"  --max-sessions N       stop after N servers greeted and answered EHLO\n"
"                         (default 2, as Postfix; 0 = no limit)\n"
"  --smtp-port N          SMTP port (default 25)\n"
"  --helo NAME            EHLO name (default: this host's name)\n"
"\n"
"exit status: 0 deliverable (with --connect: a server would take the\n"
"mail), 1 deferred (temporary failure; with --connect also: no server\n"
"would take the mail now), 2 bounced (permanent failure; nothing is\n"
"tried), 64 usage error, 70 internal error.\n";

/*
 * One loop and one engine for the whole plan (its sockets and ID tables
 * made once, not for every lookup); each lookup runs the loop until its
 * answer is in.
 */
struct route_ctx {
	struct resolv_conf rc;
	struct ev_loop *l;
	struct resolv_engine *e;
	struct resolv_result *r;
	int done;
};

static void
route_done(struct resolv_result *r, void *ud)
{
	struct route_ctx *c = ud;

	if (r == NULL)
		return;		/* cancelled: the engine is being freed */
	c->r = r;
	c->done = 1;
	ev_stop(c->l);
}

static int
route_lookup(void *ud, const uint8_t *name, size_t len, uint16_t qtype,
    struct resolv_result **out)
{
	struct route_ctx *c = ud;
	int rv;

	*out = NULL;
	if (c->e == NULL) {
		if ((c->l = ev_new()) == NULL)
			return MX_ENOMEM;
		if ((c->e = resolv_engine_new(c->l, &c->rc)) == NULL)
			return MX_ENOMEM;
	}
	c->r = NULL;
	c->done = 0;
	rv = resolv_engine_query(c->e, name, len, qtype, RESOLV_Q_CHASE,
	    route_done, c);
	while (rv == 0 && !c->done)
		if (ev_run(c->l) != 0)
			rv = MX_EIO;
	if (rv == 0)
		*out = c->r;
	return rv;
}

static int
parse_family(const char *s, int *out)
{
	if (strcmp(s, "any") == 0)
		*out = 0;
	else if (strcmp(s, "4") == 0)
		*out = 4;
	else if (strcmp(s, "6") == 0)
		*out = 6;
	else
		return -1;
	return 0;
}

static int
parse_addr(const char *s, struct mail_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static void
text_name(const uint8_t *n, size_t len, char *buf, size_t cap)
{
	if (dns_name_to_text(n, len, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static const char *
rstatus(int st)
{
	return st < 0 ? "-" : resolv_status_name(st);
}

static void
print_text(const struct mail_route *rt, const struct mail_route_opts *o,
    const char *input, FILE *fp)
{
	char t[DNS_NAME_TEXT_MAX], c[DNS_NAME_TEXT_MAX], a[46];
	unsigned i, k;

	fprintf(fp, "route %s (profile %s, seed %llu)\n", input,
	    mail_mta_name(o->mta), (unsigned long long)o->seed);
	text_name(rt->domain, rt->dlen, t, sizeof(t));
	if (rt->mx_status < 0)
		fprintf(fp, "address literal: no DNS\n");
	else if (rt->mx_status == RESOLV_OK)
		fprintf(fp, "MX %s: %u record%s\n", t, rt->nmx,
		    rt->nmx == 1 ? "" : "s");
	else if (rt->implicit)
		fprintf(fp, "MX %s: %s, implicit MX: the domain itself at "
		    "preference 0\n", t, resolv_status_name(rt->mx_status));
	else
		fprintf(fp, "MX %s: %s (%s)\n", t,
		    resolv_status_name(rt->mx_status),
		    resolv_status_text(rt->mx_status));
	if (rt->mx_status >= 0) {
		for (i = 0; i < rt->nhost; i++) {
			const struct mail_host *h = &rt->host[i];

			text_name(h->name, h->nlen, t, sizeof(t));
			fprintf(fp, "  %5u %s", h->pref, t);
			if (!dns_name_equal(h->canon, h->clen, h->name,
			    h->nlen) && h->clen > 0) {
				text_name(h->canon, h->clen, c, sizeof(c));
				fprintf(fp, " -> %s", c);
			}
			fprintf(fp, "  %s", mail_host_status_name(h->status));
			if (h->st_a >= 0 || h->st_aaaa >= 0)
				fprintf(fp, " (A %s, AAAA %s)", rstatus(h->st_a),
				    rstatus(h->st_aaaa));
			for (k = 0; k < h->naddr; k++)
				fprintf(fp, " %s", mail_addr_text(&h->addr[k],
				    a));
			fputc('\n', fp);
		}
	}
	if (rt->nplan > 0) {
		fprintf(fp, "plan:\n");
		for (i = 0; i < rt->nplan; i++) {
			const struct mail_host *h = &rt->host[rt->plan[i].host];

			text_name(h->name, h->nlen, t, sizeof(t));
			fprintf(fp, "  %u. %u %s %s\n", i + 1, h->pref,
			    rt->mx_status < 0 ? "[literal]" : t,
			    mail_addr_text(&rt->plan[i].addr, a));
		}
		if (rt->nplan_all > rt->nplan)
			fprintf(fp, "  (%u more address%s over --max-addrs "
			    "%u)\n", rt->nplan_all - rt->nplan,
			    rt->nplan_all - rt->nplan == 1 ? "" : "es",
			    o->max_addrs);
	}
	for (i = 0; i < rt->nwarn; i++)
		fprintf(fp, "warning: %s [%s]\n", rt->warn[i].text,
		    rt->warn[i].id);
	fprintf(fp, "%s", mail_verdict_name(rt->verdict));
	if (rt->reply != 0)
		fprintf(fp, " %u", rt->reply);
	if (rt->code != NULL)
		fprintf(fp, " %s", rt->code);
	fprintf(fp, ": %s\n", rt->reason);
}

static json_t *
jname(const uint8_t *n, size_t len)
{
	char t[DNS_NAME_TEXT_MAX];

	text_name(n, len, t, sizeof(t));
	return json_string(t);
}

static json_t *
to_json(const struct mail_route *rt, const struct mail_route_opts *o,
    const char *input)
{
	json_t *j = json_object(), *mx, *hosts, *plan, *warns, *qs, *h, *addrs;
	char a[46], tb[16];
	unsigned i, k;

	json_object_set_new(j, "recipient", json_string(input));
	json_object_set_new(j, "domain", rt->dlen ? jname(rt->domain,
	    rt->dlen) : json_null());
	json_object_set_new(j, "canonical", rt->clen &&
	    !dns_name_equal(rt->canon, rt->clen, rt->domain, rt->dlen) ?
	    jname(rt->canon, rt->clen) : json_null());
	json_object_set_new(j, "profile", json_string(mail_mta_name(o->mta)));
	json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
	json_object_set_new(j, "verdict",
	    json_string(mail_verdict_name(rt->verdict)));
	json_object_set_new(j, "code", rt->code ? json_string(rt->code) :
	    json_null());
	json_object_set_new(j, "reply", rt->reply ? json_integer(rt->reply) :
	    json_null());
	json_object_set_new(j, "reason", json_string(rt->reason));
	mx = json_object();
	json_object_set_new(mx, "status", rt->mx_status < 0 ? json_null() :
	    json_string(resolv_status_name(rt->mx_status)));
	json_object_set_new(mx, "records", json_integer(rt->nmx));
	json_object_set_new(mx, "implicit", json_boolean(rt->implicit));
	json_object_set_new(mx, "null_mx", json_boolean(rt->null_mx));
	json_object_set_new(j, "mx", mx);
	hosts = json_array();
	for (i = 0; i < rt->nhost && rt->mx_status >= 0; i++) {
		const struct mail_host *hh = &rt->host[i];

		h = json_object();
		json_object_set_new(h, "preference", json_integer(hh->pref));
		json_object_set_new(h, "name", jname(hh->name, hh->nlen));
		json_object_set_new(h, "canonical", hh->clen &&
		    !dns_name_equal(hh->canon, hh->clen, hh->name, hh->nlen) ?
		    jname(hh->canon, hh->clen) : json_null());
		json_object_set_new(h, "status",
		    json_string(mail_host_status_name(hh->status)));
		json_object_set_new(h, "a", hh->st_a < 0 ? json_null() :
		    json_string(resolv_status_name(hh->st_a)));
		json_object_set_new(h, "aaaa", hh->st_aaaa < 0 ? json_null() :
		    json_string(resolv_status_name(hh->st_aaaa)));
		addrs = json_array();
		for (k = 0; k < hh->naddr; k++)
			json_array_append_new(addrs,
			    json_string(mail_addr_text(&hh->addr[k], a)));
		json_object_set_new(h, "addresses", addrs);
		json_array_append_new(hosts, h);
	}
	json_object_set_new(j, "hosts", hosts);
	plan = json_array();
	for (i = 0; i < rt->nplan; i++) {
		const struct mail_host *hh = &rt->host[rt->plan[i].host];

		h = json_object();
		json_object_set_new(h, "preference", json_integer(hh->pref));
		json_object_set_new(h, "host", rt->mx_status < 0 ?
		    json_null() : jname(hh->name, hh->nlen));
		json_object_set_new(h, "address",
		    json_string(mail_addr_text(&rt->plan[i].addr, a)));
		json_array_append_new(plan, h);
	}
	json_object_set_new(j, "plan", plan);
	json_object_set_new(j, "plan_capped", json_integer(rt->nplan_all -
	    rt->nplan));
	warns = json_array();
	for (i = 0; i < rt->nwarn; i++) {
		h = json_object();
		json_object_set_new(h, "id", json_string(rt->warn[i].id));
		json_object_set_new(h, "message",
		    json_string(rt->warn[i].text));
		json_array_append_new(warns, h);
	}
	json_object_set_new(j, "warnings", warns);
	qs = json_array();
	for (i = 0; i < rt->nquery; i++) {
		h = json_object();
		json_object_set_new(h, "name", jname(rt->query[i].name,
		    rt->query[i].nlen));
		json_object_set_new(h, "type", json_string(
		    dns_type_to_text(rt->query[i].qtype, tb)));
		json_object_set_new(h, "status", json_string(
		    resolv_status_name(rt->query[i].status)));
		json_array_append_new(qs, h);
	}
	json_object_set_new(j, "queries", qs);
	return j;
}

int
cmd_route(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "mta", required_argument, NULL, 'm' },
		{ "family", required_argument, NULL, 'f' },
		{ "prefer", required_argument, NULL, 'p' },
		{ "max-addrs", required_argument, NULL, 'x' },
		{ "seed", required_argument, NULL, 'S' },
		{ "self-name", required_argument, NULL, 'n' },
		{ "self-addr", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "attempts", required_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "allow-loopback", no_argument, NULL, 'L' },
		ROUTE_CONNECT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct route_ctx ctx;
	struct route_connect rcon;
	struct mail_route_opts o;
	struct mail_route *rt;
	struct resolv_server srv;
	struct mail_addr lit_addr;
	uint8_t dom[DNS_NAME_MAX];
	size_t dlen = 0;
	unsigned long v;
	int c, li, json = 0, lit = 0, rv, nsrv = 0, status, took = 0;
	long timeout = -1, attempts = -1;

	mail_route_opts_init(&o);
	route_connect_init(&rcon);
	memset(&ctx, 0, sizeof(ctx));
	resolv_conf_init(&ctx.rc);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, &li)) != -1) {
		switch (c) {
		case 's':
			if (resolv_server_parse(&srv, optarg, 53) != 0) {
				warnx_("--server: '%s' is not an address "
				    "(ADDR, ADDR:PORT or [IPv6]:PORT)", optarg);
				return ROUTE_EXIT_USAGE;
			}
			if (resolv_conf_add_server(&ctx.rc, &srv) != 0) {
				warnx_("--server: at most %d servers",
				    RESOLV_SERVERS_MAX);
				return ROUTE_EXIT_USAGE;
			}
			nsrv++;
			break;
		case 'm':
			if (mail_mta_from_text(optarg, &o.mta) != 0) {
				warnx_("--mta: '%s' is not one of rfc, postfix, "
				    "exim, opensmtpd", optarg);
				return ROUTE_EXIT_USAGE;
			}
			break;
		case 'f':
		case 'p':
			if (parse_family(optarg, c == 'f' ? &o.family :
			    &o.prefer) != 0) {
				warnx_("--%s: '%s' is not any, 4 or 6",
				    c == 'f' ? "family" : "prefer", optarg);
				return ROUTE_EXIT_USAGE;
			}
			break;
		case 'x':
			if (cmd_number(optarg, 0, MAIL_MX_MAX, &v) != 0) {
				warnx_("--max-addrs: '%s' is not a number from "
				    "0 to %d", optarg, MAIL_MX_MAX);
				return ROUTE_EXIT_USAGE;
			}
			o.max_addrs = (unsigned)v;
			break;
		case 'S':
			if (cmd_number(optarg, 0, INT64_MAX, &v) != 0) {
				warnx_("--seed: '%s' is not a number", optarg);
				return ROUTE_EXIT_USAGE;
			}
			o.seed = v;
			break;
		case 'n':
			if (o.nself_name >= MAIL_SELF_MAX ||
			    mail_route_domain(optarg,
			    o.self_name[o.nself_name],
			    &o.self_name_len[o.nself_name], &lit,
			    &lit_addr) != 0 || lit) {
				warnx_("--self-name: '%s' is not a host name "
				    "(or more than %d)", optarg, MAIL_SELF_MAX);
				return ROUTE_EXIT_USAGE;
			}
			o.nself_name++;
			break;
		case 'a':
			if (o.nself_addr >= MAIL_SELF_MAX ||
			    parse_addr(optarg, &o.self_addr[o.nself_addr]) !=
			    0) {
				warnx_("--self-addr: '%s' is not an IPv4 or "
				    "IPv6 address (or more than %d)", optarg,
				    MAIL_SELF_MAX);
				return ROUTE_EXIT_USAGE;
			}
			o.nself_addr++;
			break;
		case 't':
			if (cmd_number(optarg, 0, 300, &v) != 0 || v == 0) {
				warnx_("--timeout: '%s' is not a number of "
				    "seconds from 1 to 300", optarg);
				return ROUTE_EXIT_USAGE;
			}
			timeout = (long)v;
			break;
		case 'A':
			if (cmd_number(optarg, 0, 10, &v) != 0 || v == 0) {
				warnx_("--attempts: '%s' is not a number from "
				    "1 to 10", optarg);
				return ROUTE_EXIT_USAGE;
			}
			attempts = (long)v;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(route_usage, stdout);
			return EXIT_CLEAN;
		case 'L':
			o.flags |= MAIL_ROUTE_LOOPBACK_OK;
			break;
		default:
			if ((rv = route_connect_opt(&rcon, c, optarg)) > 0)
				break;
			if (rv < 0)
				return ROUTE_EXIT_USAGE;
			fputs(route_usage, stderr);
			return ROUTE_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		warnx_(optind >= argc ? "route: a recipient or domain is "
		    "needed" : "route: one recipient or domain at a time");
		fputs(route_usage, stderr);
		return ROUTE_EXIT_USAGE;
	}
	rt = calloc(1, sizeof(*rt));
	if (rt == NULL) {
		warnx_("out of memory");
		return ROUTE_EXIT_SOFTWARE;
	}
	rv = mail_route_domain(argv[optind], dom, &dlen, &lit, &lit_addr);
	if (rv != 0) {
		/* Spec 2.5 step 1: no query for a name that cannot exist. */
		rt->mx_status = -1;
		rt->verdict = MAIL_BOUNCE;
		rt->code = "5.1.2";
		rt->reply = 550;
		snprintf(rt->reason, sizeof(rt->reason), "'%s' is not a valid "
		    "mail domain: %s", argv[optind], mx_strerror(rv));
	} else if (lit) {
		mail_route_literal(&lit_addr, rt);
	} else {
		if (nsrv == 0 && resolv_conf_load(&ctx.rc, NULL) != 0) {
			warnx_("cannot read /etc/resolv.conf");
			free(rt);
			return ROUTE_EXIT_SOFTWARE;
		}
		/* The search list never applies to mail (R-5321-1). */
		ctx.rc.nsearch = 0;
		if (timeout > 0)
			ctx.rc.timeout_ms = (unsigned)timeout * 1000;
		if (attempts > 0)
			ctx.rc.attempts = (unsigned)attempts;
		rv = mail_route_plan(&o, dom, dlen, route_lookup, &ctx, rt);
		resolv_engine_free(ctx.e);
		ev_free(ctx.l);
		if (rv != 0) {
			warnx_("out of memory");
			free(rt);
			return ROUTE_EXIT_SOFTWARE;
		}
	}
	if (json) {
		json_t *j = to_json(rt, &o, argv[optind]);

		if (rcon.on)
			took = route_connect_run(&rcon, rt, NULL, j);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		print_text(rt, &o, argv[optind], stdout);
		if (rcon.on) {
			fflush(stdout);
			took = route_connect_run(&rcon, rt, stdout, NULL);
		}
	}
	status = rt->verdict == MAIL_DELIVER ? EXIT_CLEAN :
	    rt->verdict == MAIL_DEFER ? ROUTE_EXIT_DEFER : ROUTE_EXIT_BOUNCE;
	/* --connect: a deliverable plan that no server takes now defers. */
	if (rcon.on && status == EXIT_CLEAN && !took)
		status = ROUTE_EXIT_DEFER;
	free(rt);
	return status;
}
