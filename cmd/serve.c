/* serve.c -- mxkit serve: the authoritative server for the zones given */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"
#include "mxkit/zone.h"
#include "server/run.h"

static const char serve_usage[] =
    "usage: mxkit serve [--zone ORIGIN=FILE]... [-c CONFIG]\n"
    "                   [--listen ADDR[:PORT]]... [--threads N]\n"
    "                   [--allow-transfer PREFIX]... [--notify ADDR[:PORT]]...\n"
    "                   [--user USER] [--max-udp-size N] [--tcp-idle SECS]\n"
    "                   [--tcp-max N] [--tcp-max-per-client N] [--no-tcp]\n"
    "                   [--rrl RATE] [--rrl-slip N] [--rrl-table N]\n"
    "                   [--log-queries] [--no-seccomp] [--check]\n"
    "\n"
    "Serves the zones given over UDP and TCP, IPv4 and IPv6, as an\n"
    "authoritative server. Every zone is loaded and checked first; a\n"
    "syntax error or a broken apex or CNAME keeps the server from starting\n"
    "('file:line:col: error: ...'); the mail rules of zone check and other\n"
    "warnings are printed and the zone is served as written.\n"
    "\n"
    "--zone ORIGIN=FILE      serve the master file FILE as zone ORIGIN\n"
    "-c, --config FILE       read settings from FILE, one a line (see\n"
    "                        mxkit.conf(5))\n"
    "--listen ADDR[:PORT]    UDP and TCP on ADDR; IPv6 as [ADDR]:PORT or a\n"
    "                        bare ADDR (port 53). Default: 0.0.0.0:53 and\n"
    "                        [::]:53\n"
    "--allow-transfer PREFIX AXFR (and IXFR, answered in full) over TCP to\n"
    "                        clients in PREFIX: ADDR or ADDR/BITS, IPv4 or\n"
    "                        IPv6; others get REFUSED (default: nobody)\n"
    "--notify ADDR[:PORT]    send NOTIFY to this secondary for every zone at\n"
    "                        start and when a zone's serial changes (port 53)\n"
    "--threads N             UDP worker threads (default: one per CPU)\n"
    "--user USER             user to run as after binding, when started as\n"
    "                        root (default: nobody)\n"
    "--max-udp-size N        largest UDP response, 512-65535 (default 1232)\n"
    "--tcp-idle SECS         close TCP connections idle this long\n"
    "                        (default 10)\n"
    "--tcp-max N             TCP connections at once (default 1024)\n"
    "--tcp-max-per-client N  TCP connections from one address (default 64)\n"
    "--no-tcp                UDP only\n"
    "--rrl RATE              response rate limiting over UDP: at most RATE\n"
    "                        responses a second per client network (/24,\n"
    "                        /56) and answer; 0: off (default)\n"
    "--rrl-slip N            every Nth limited response goes out truncated\n"
    "                        (TC), the others are dropped; 0: drop all\n"
    "                        (default 2)\n"
    "--rrl-table N           rate limiting buckets (default 65536)\n"
    "--log-queries           one line per query on stderr\n"
    "--no-seccomp            do not install the system call filter\n"
    "                        (seccomp) once the sockets are bound\n"
    "--check                 load and check the configuration and zones, exit\n"
    "                        0 when the server would start, 1 otherwise\n"
    "\n"
    "Signals: SIGHUP reloads every zone (one that fails keeps its old\n"
    "version), SIGUSR1 prints the counters, SIGTERM and SIGINT stop.\n";

/* Longest config line: a keyword, an origin in text and a path. */
#define CONF_LINE_MAX	4096
/* Bounds of the numeric settings; beyond them lies a typo. */
#define THREADS_MAX	1024
#define TCP_IDLE_MAX	86400
#define TCP_CONN_MAX	1000000
#define RRL_RATE_MAX	1000000
#define RRL_SLIP_MAX	100
/* 2^24 buckets of 24 octets: 384 MiB, far beyond any table in use. */
#define RRL_TABLE_MAX	16777216
/* A counter line names at most a few hundred types; longer is cut. */
#define STATS_LINE_MAX	4096

struct zone_spec {
	char *origin_text;
	uint8_t origin[DNS_NAME_MAX];
	size_t olen;
	char *file;
};

/* Which settings a source gave, so that the command line overrides the
 * config file and not the other way round. */
#define SET_THREADS	0x01u
#define SET_USER	0x02u
#define SET_MAX_UDP	0x04u
#define SET_TCP_IDLE	0x08u
#define SET_TCP_MAX	0x10u
#define SET_TCP_CLIENT	0x20u
#define SET_NO_TCP	0x40u
#define SET_LOG_QUERIES	0x80u
#define SET_RRL		0x100u
#define SET_RRL_SLIP	0x200u
#define SET_RRL_TABLE	0x400u
#define SET_NO_SECCOMP	0x800u

struct settings {
	unsigned set;
	unsigned threads, tcp_idle, tcp_max, tcp_client, max_udp;
	unsigned rrl, rrl_slip, rrl_table;
	int no_tcp, log_queries, no_seccomp;
	char *user;
	struct zone_spec *zones;
	size_t nzones;
	struct srv_addr *listen;
	size_t nlisten;
	struct srv_prefix *allow_xfr;
	size_t nallow_xfr;
	struct srv_addr *notify;
	size_t nnotify;
};

struct serve {
	struct settings st;
	struct srv_run *run;
};

static void
settings_free(struct settings *s)
{
	size_t i;

	for (i = 0; i < s->nzones; i++) {
		free(s->zones[i].origin_text);
		free(s->zones[i].file);
	}
	free(s->zones);
	free(s->listen);
	free(s->allow_xfr);
	free(s->notify);
	free(s->user);
	memset(s, 0, sizeof(*s));
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_log_line("mxkit serve: ", fmt, ap);
	va_end(ap);
}

static void
on_log(void *ud, enum mx_level level, const char *msg)
{
	(void)ud;
	if (level == MX_DIAG_INFO)
		say("%s", msg);
	else
		say("%s: %s", mx_level_name(level), msg);
}

/* One line per query, formatted on the stack: nothing is allocated. */
static void
on_query(void *ud, const struct srv_query_log *q)
{
	char name[DNS_NAME_TEXT_MAX], at[SRV_ADDR_TEXT], tb[16], rb[16];
	char line[DNS_NAME_TEXT_MAX + 2 * SRV_ADDR_TEXT];
	int n;

	(void)ud;
	if (q->qname == NULL || dns_name_to_text(q->qname, q->qname_len,
	    name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "-");
	n = snprintf(line, sizeof(line),
	    "mxkit serve: query %s %s %s %s %s\n",
	    srv_addr_text(q->client, at), name,
	    q->qtype != 0 ? dns_type_to_text(q->qtype, tb) : "-",
	    q->answered ? dns_rcode_to_text(q->rcode, rb) : "dropped",
	    q->transport == SRV_TCP ? "tcp" : "udp");
	if (n > 0)
		cmd_log_put(line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
}

/*
 * Counters
 */
struct lbuf {
	char b[STATS_LINE_MAX];
	size_t n;
};

static void
lb_add(struct lbuf *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
lb_add(struct lbuf *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= sizeof(l->b) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->b + l->n, sizeof(l->b) - l->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->n += (size_t)n < sizeof(l->b) - l->n ? (size_t)n :
		    sizeof(l->b) - l->n - 1;
}

static void
print_counters(const char *tr, const struct srv_counters *c)
{
	struct lbuf l;
	char tb[16];
	size_t i;
	const char *sep;

	say("%s: %llu queries, %llu responses, %llu dropped, %llu "
	    "truncated", tr, (unsigned long long)c->queries,
	    (unsigned long long)c->responses, (unsigned long long)c->dropped,
	    (unsigned long long)c->tc);
	if (c->queries == 0)
		return;
	l.n = 0;
	sep = "";
	for (i = 0; i <= SRV_QTYPE_SLOTS; i++) {
		if (c->qtype[i] == 0)
			continue;
		lb_add(&l, "%s%s %llu", sep, i == 0 ? "none" :
		    i == SRV_QTYPE_SLOTS ? "other" :
		    dns_type_to_text((uint16_t)i, tb),
		    (unsigned long long)c->qtype[i]);
		sep = ", ";
	}
	say("%s by qtype: %s", tr, l.b);
	l.n = 0;
	l.b[0] = '\0';
	sep = "";
	for (i = 0; i <= SRV_RCODE_SLOTS; i++) {
		if (c->rcode[i] == 0)
			continue;
		lb_add(&l, "%s%s %llu", sep, i == SRV_RCODE_SLOTS ? "other" :
		    dns_rcode_to_text((unsigned)i, tb),
		    (unsigned long long)c->rcode[i]);
		sep = ", ";
	}
	if (l.n > 0)
		say("%s by rcode: %s", tr, l.b);
}

static void
print_stats(struct srv_run *run, int tcp)
{
	struct srv_stats *s = malloc(sizeof(*s));

	if (s == NULL)
		return;
	srv_run_stats(run, s);
	print_counters("udp", &s->udp);
	if (s->rrl)
		say("udp rate limiting: %llu dropped, %llu slipped",
		    (unsigned long long)s->udp.rrl_dropped,
		    (unsigned long long)s->udp.rrl_slipped);
	if (tcp) {
		print_counters("tcp", &s->tcp);
		say("tcp connections: %llu accepted, %llu refused at the "
		    "limit, %llu refused per client, %llu closed idle, %llu "
		    "closed for bad framing; %llu transfers sent, %llu "
		    "refused",
		    (unsigned long long)s->tcp_accepted,
		    (unsigned long long)s->tcp_refused,
		    (unsigned long long)s->tcp_refused_client,
		    (unsigned long long)s->tcp_idle,
		    (unsigned long long)s->tcp_bad_frame,
		    (unsigned long long)s->xfr_out,
		    (unsigned long long)s->xfr_refused);
	}
	free(s);
}

static void
on_stats(void *ud, struct srv_run *run)
{
	struct serve *sv = ud;

	print_stats(run, !sv->st.no_tcp);
}

/*
 * Zones
 */

/* Findings that keep a zone from being served: every syntax error (the
 * parser's codes) and the structural codes below. */
static int
blocks_serving(const char *code)
{
	static const char *const mail[] = {
		"MX-", "NULL-MX-", "PTR-", "DATA-BELOW-CUT", "OUT-OF-ZONE",
	};
	size_t i;

	for (i = 0; i < sizeof(mail) / sizeof(mail[0]); i++)
		if (strncmp(code, mail[i], strlen(mail[i])) == 0)
			return 0;
	return 1;
}

/* Turns the errors that do not block serving into warnings and returns
 * how many errors are left. */
static unsigned
serve_blocking(struct findings *f)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].level != MX_DIAG_ERROR)
			continue;
		if (blocks_serving(f->v[i].code))
			n++;
		else
			f->v[i].level = MX_DIAG_WARN;
	}
	return n;
}

/*
 * Loads, finishes and checks one zone, printing its findings in file
 * order. Returns the store, or NULL when it cannot be read or has errors;
 * fate says what happens to the zone then.
 */
static struct zone_store *
load_zone(const struct zone_spec *zs, const char *fate)
{
	struct findings f = { 0 };
	struct mx_diag d = { findings_collect, &f, 0, 0, 0, ZONE_MAX_ERRORS };
	struct zone_parse_opts o;
	struct zone_store *z;
	int r;

	z = zone_store_new(zs->origin, zs->olen, NULL);
	if (z == NULL) {
		say("error: out of memory loading %s", zs->file);
		return NULL;
	}
	zone_opts(&o, zs->file, zs->origin, zs->olen, &d, 0);
	r = zone_load_file(z, &o);
	if (r == MX_ENOENT || r == MX_EIO || r == MX_ENOMEM) {
		say("error: cannot read %s: %s; zone %s %s", zs->file,
		    mx_strerror(r), zs->origin_text, fate);
		goto fail;
	}
	if (zone_store_finish(z, &d) != 0 || zone_check(z, &d) != 0 ||
	    f.oom) {
		say("error: out of memory loading %s", zs->file);
		goto fail;
	}
	/* Only what keeps the zone from being served right stops it: syntax
	 * errors and a broken apex or CNAME. The mail rules (an MX to an IP
	 * address or to an alias...) are for mxkit zone check and mxkit
	 * check to report: a server serves what the zone says, so that those
	 * tools, and the demo, can see the mistakes on the wire. */
	d.nerr = serve_blocking(&f);
	findings_sort(&f);
	findings_print(&f, stderr, 0);
	fflush(stderr);
	findings_free(&f);
	if (d.nerr > 0) {
		say("error: zone %s (%s): %u error%s; zone %s",
		    zs->origin_text, zs->file, d.nerr, d.nerr == 1 ? "" : "s",
		    fate);
		zone_store_free(z);
		return NULL;
	}
	say("zone %s loaded from %s: %zu records, serial %u%s",
	    zs->origin_text, zs->file, zone_store_count(z),
	    (unsigned)srv_zone_serial(z), d.nwarn > 0 ? " (with warnings)" :
	    "");
	return z;
fail:
	findings_sort(&f);
	findings_print(&f, stderr, 0);
	findings_free(&f);
	zone_store_free(z);
	return NULL;
}

/* Every zone of the settings into a new set; NULL when any fails. */
static struct srv_zoneset *
load_all(const struct settings *st, unsigned *failed)
{
	struct srv_zoneset *set = srv_zoneset_new();
	size_t i;

	*failed = 0;
	if (set == NULL) {
		say("error: out of memory");
		return NULL;
	}
	for (i = 0; i < st->nzones; i++) {
		struct zone_store *z = load_zone(&st->zones[i], "not served");
		int r;

		if (z == NULL) {
			(*failed)++;
			continue;
		}
		if ((r = srv_zoneset_add(set, z)) != 0) {
			say("error: zone %s: %s", st->zones[i].origin_text,
			    r == MX_EEXIST ? "given twice" : mx_strerror(r));
			(*failed)++;
		}
	}
	if (*failed > 0) {
		srv_zoneset_free(set);
		return NULL;
	}
	return set;
}

/*
 * A copy of a loaded zone, record by record, for a reload in which the
 * zone's file fails: the old set (and its store) is freed after the swap,
 * so the new set needs a store of its own.
 */
struct copy {
	struct zone_store *to;
	const struct zone_store *from;
};

static int
copy_node(void *ud, const struct zone_node *n)
{
	struct copy *cp = ud;
	const struct zone_rrset *s;
	const struct zone_rdata *rd;
	struct zone_rr rr;
	struct mx_where w;
	int r;

	for (s = n->rrsets; s != NULL; s = s->next) {
		for (rd = s->rdata; rd != NULL; rd = rd->next) {
			rr.owner = n->name;
			rr.owner_len = n->name_len;
			rr.type = s->type;
			rr.rclass = s->rclass;
			rr.ttl = s->ttl;
			rr.rdata = rd->data;
			rr.rdlen = rd->len;
			w.file = zone_store_file_name(cp->from, rd->file);
			w.line = rd->line;
			w.col = rd->col;
			if ((r = zone_store_add(cp->to, &rr, &w, NULL)) != 0)
				return r;
		}
	}
	return 0;
}

static struct zone_store *
copy_zone(const struct zone_store *from)
{
	struct copy cp;
	const uint8_t *o;
	size_t olen;

	o = zone_store_origin(from, &olen);
	cp.from = from;
	cp.to = zone_store_new(o, olen, NULL);
	if (cp.to == NULL)
		return NULL;
	if (zone_store_reserve(cp.to, zone_store_names(from)) != 0 ||
	    zone_store_walk(from, copy_node, &cp) != 0 ||
	    zone_store_finish(cp.to, NULL) != 0) {
		zone_store_free(cp.to);
		return NULL;
	}
	return cp.to;
}

/* The zone of the set whose origin is exactly this one. */
static const struct zone_store *
set_zone(const struct srv_zoneset *set, const uint8_t *o, size_t olen)
{
	const struct zone_store *z = srv_zoneset_find(set, o, olen);
	const uint8_t *zo;
	size_t zlen;

	if (z == NULL)
		return NULL;
	zo = zone_store_origin(z, &zlen);
	return dns_name_equal(zo, zlen, o, olen) ? z : NULL;
}

/* Tells systemd the state with a status line: the zones served, and
 * those the last reload could not read (kept old, or not served). */
static void
notify_state(const char *state, size_t served, size_t failed)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s\nSTATUS=serving %zu zone%s%s", state,
	    served, served == 1 ? "" : "s", failed > 0 ?
	    "; the last reload failed for some: see the log" : "");
	sdnotify_send(msg);
}

/*
 * SIGHUP: every zone file is read again; a zone that fails (unreadable,
 * syntax or zone errors) keeps the version being served. Then one swap.
 */
static void
on_reload(void *ud, struct srv_run *run)
{
	struct serve *sv = ud;
	const struct srv_zoneset *cur = srv_run_zones(run);
	struct srv_zoneset *set = srv_zoneset_new();
	unsigned kept = 0, fresh = 0;
	size_t i;

	say("reloading %zu zone%s", sv->st.nzones,
	    sv->st.nzones == 1 ? "" : "s");
	sdnotify_send("RELOADING=1");
	if (set == NULL)
		goto oom;
	for (i = 0; i < sv->st.nzones; i++) {
		const struct zone_spec *zs = &sv->st.zones[i];
		struct zone_store *z = load_zone(zs, "keeps the version being served");
		const struct zone_store *old;

		if (z != NULL) {
			fresh++;
		} else if ((old = set_zone(cur, zs->origin, zs->olen)) !=
		    NULL) {
			if ((z = copy_zone(old)) == NULL)
				goto oom;
			say("zone %s keeps serial %u", zs->origin_text,
			    (unsigned)srv_zone_serial(z));
			kept++;
		} else {
			continue;
		}
		if (srv_zoneset_add(set, z) != 0)
			goto oom;
	}
	srv_run_swap(run, set);
	say("reloaded: %u zone%s new, %u kept the old version", fresh,
	    fresh == 1 ? "" : "s", kept);
	notify_state("READY=1", fresh + kept, sv->st.nzones - fresh);
	return;
oom:
	say("error: reload failed: out of memory; still serving the old "
	    "zones");
	srv_zoneset_free(set);
	notify_state("READY=1", srv_zoneset_count(cur), 1);
}

/*
 * Settings: the command line and the config file
 */
static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
add_zone(struct settings *st, const char *origin, size_t olen,
    const char *file)
{
	struct zone_spec *v, *z;
	uint8_t wire[DNS_NAME_MAX];
	size_t wlen;
	char text[DNS_NAME_TEXT_MAX];

	if (olen == 0 || *file == '\0' ||
	    dns_name_from_text(origin, olen, NULL, 0, wire, &wlen, NULL) != 0)
		return -1;
	v = realloc(st->zones, (st->nzones + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	st->zones = v;
	z = &v[st->nzones];
	memcpy(z->origin, wire, wlen);
	z->olen = wlen;
	dns_name_to_text(wire, wlen, text, sizeof(text));
	z->origin_text = strdup(text);
	z->file = strdup(file);
	if (z->origin_text == NULL || z->file == NULL) {
		free(z->origin_text);
		free(z->file);
		return -1;
	}
	st->nzones++;
	return 0;
}

static int
add_listen(struct settings *st, const char *s)
{
	struct srv_addr a, *v;

	if (srv_addr_parse(s, 53, &a) != 0)
		return -1;
	v = realloc(st->listen, (st->nlisten + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	st->listen = v;
	v[st->nlisten++] = a;
	return 0;
}

static int
add_allow_xfr(struct settings *st, const char *s)
{
	struct srv_prefix p, *v;

	if (srv_prefix_parse(s, &p) != 0)
		return -1;
	v = realloc(st->allow_xfr, (st->nallow_xfr + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	st->allow_xfr = v;
	v[st->nallow_xfr++] = p;
	return 0;
}

static int
add_notify(struct settings *st, const char *s)
{
	struct srv_addr a, *v;

	if (srv_addr_parse(s, 53, &a) != 0)
		return -1;
	v = realloc(st->notify, (st->nnotify + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	st->notify = v;
	v[st->nnotify++] = a;
	return 0;
}

static int
set_user(struct settings *st, const char *u)
{
	char *d = strdup(u);

	if (d == NULL || *u == '\0') {
		free(d);
		return -1;
	}
	free(st->user);
	st->user = d;
	st->set |= SET_USER;
	return 0;
}

/*
 * One setting, from the command line (key is the long option's name) or
 * a config line. arg is NULL for the switches. Returns 0, or -1 with why
 * in *why.
 */
static int
apply(struct settings *st, const char *key, const char *arg,
    const char **why)
{
	*why = "bad value";
	if (strcmp(key, "zone") == 0) {
		const char *eq = arg != NULL ? strchr(arg, '=') : NULL;

		*why = "expected ORIGIN=FILE";
		return eq == NULL ? -1 : add_zone(st, arg, (size_t)(eq - arg),
		    eq + 1);
	}
	if (strcmp(key, "listen") == 0) {
		*why = "expected ADDR, ADDR:PORT or [IPV6]:PORT";
		return add_listen(st, arg);
	}
	if (strcmp(key, "allow-transfer") == 0) {
		*why = "expected an address or ADDR/BITS";
		return add_allow_xfr(st, arg);
	}
	if (strcmp(key, "notify") == 0) {
		*why = "expected ADDR, ADDR:PORT or [IPV6]:PORT";
		return add_notify(st, arg);
	}
	if (strcmp(key, "threads") == 0) {
		*why = "expected 1 to 1024";
		st->set |= SET_THREADS;
		return parse_uint(arg, 1, THREADS_MAX, &st->threads);
	}
	if (strcmp(key, "user") == 0) {
		*why = "expected a user name";
		return set_user(st, arg);
	}
	if (strcmp(key, "max-udp-size") == 0) {
		*why = "expected 512 to 65535";
		st->set |= SET_MAX_UDP;
		return parse_uint(arg, 512, 65535, &st->max_udp);
	}
	if (strcmp(key, "tcp-idle") == 0) {
		*why = "expected seconds, 1 to 86400";
		st->set |= SET_TCP_IDLE;
		return parse_uint(arg, 1, TCP_IDLE_MAX, &st->tcp_idle);
	}
	if (strcmp(key, "tcp-max") == 0) {
		*why = "expected 1 to 1000000";
		st->set |= SET_TCP_MAX;
		return parse_uint(arg, 1, TCP_CONN_MAX, &st->tcp_max);
	}
	if (strcmp(key, "tcp-max-per-client") == 0) {
		*why = "expected 1 to 1000000";
		st->set |= SET_TCP_CLIENT;
		return parse_uint(arg, 1, TCP_CONN_MAX, &st->tcp_client);
	}
	if (strcmp(key, "rrl") == 0) {
		*why = "expected responses a second, 0 (off) to 1000000";
		st->set |= SET_RRL;
		return parse_uint(arg, 0, RRL_RATE_MAX, &st->rrl);
	}
	if (strcmp(key, "rrl-slip") == 0) {
		*why = "expected 0 (drop all) to 100";
		st->set |= SET_RRL_SLIP;
		return parse_uint(arg, 0, RRL_SLIP_MAX, &st->rrl_slip);
	}
	if (strcmp(key, "rrl-table") == 0) {
		*why = "expected buckets, 1 to 16777216";
		st->set |= SET_RRL_TABLE;
		return parse_uint(arg, 1, RRL_TABLE_MAX, &st->rrl_table);
	}
	if (strcmp(key, "no-tcp") == 0) {
		st->set |= SET_NO_TCP;
		st->no_tcp = 1;
		return 0;
	}
	if (strcmp(key, "log-queries") == 0) {
		st->set |= SET_LOG_QUERIES;
		st->log_queries = 1;
		return 0;
	}
	if (strcmp(key, "no-seccomp") == 0) {
		st->set |= SET_NO_SECCOMP;
		st->no_seccomp = 1;
		return 0;
	}
	*why = "unknown setting";
	return -1;
}

/* Settings that take no value in a config file. */
static int
is_switch(const char *key)
{
	return strcmp(key, "no-tcp") == 0 ||
	    strcmp(key, "log-queries") == 0 ||
	    strcmp(key, "no-seccomp") == 0;
}

/* A relative zone path in a config file is relative to the file's
 * directory, so that the server can start from anywhere. */
static char *
conf_path(const char *conf, const char *p)
{
	const char *slash = strrchr(conf, '/');
	size_t d;
	char *out;

	if (p[0] == '/' || slash == NULL)
		return strdup(p);
	d = (size_t)(slash - conf) + 1;
	out = malloc(d + strlen(p) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, conf, d);
	strcpy(out + d, p);
	return out;
}

/*
 * The config file: one setting a line, "keyword value", the same names as
 * the long options; "zone ORIGIN FILE"; # starts a comment. Errors name
 * the file and line. Returns 0 or -1.
 */
static int
read_config(struct settings *st, const char *path)
{
	char line[CONF_LINE_MAX], *tok[4], *p, *save;
	FILE *fp = fopen(path, "r");
	unsigned lineno = 0;
	int n, bad = 0;

	if (fp == NULL) {
		warnx_("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *why;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			warnx_("%s:%u: line too long", path, lineno);
			bad = 1;
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		n = 0;
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 4;
		    p = strtok_r(NULL, " \t\r\n", &save))
			tok[n++] = p;
		if (n == 0)
			continue;
		if (strcmp(tok[0], "zone") == 0) {
			char *file, spec[CONF_LINE_MAX];

			if (n != 3) {
				warnx_("%s:%u: expected 'zone ORIGIN FILE'",
				    path, lineno);
				bad = 1;
				continue;
			}
			file = conf_path(path, tok[2]);
			if (file == NULL ||
			    (size_t)snprintf(spec, sizeof(spec), "%s=%s",
			    tok[1], file) >= sizeof(spec) ||
			    apply(st, "zone", spec, &why) != 0) {
				warnx_("%s:%u: bad zone '%s'", path, lineno,
				    tok[1]);
				bad = 1;
			}
			free(file);
			continue;
		}
		if (n != (is_switch(tok[0]) ? 1 : 2)) {
			warnx_("%s:%u: expected '%s%s'", path, lineno, tok[0],
			    is_switch(tok[0]) ? "" : " VALUE");
			bad = 1;
			continue;
		}
		if (apply(st, tok[0], n == 2 ? tok[1] : NULL, &why) != 0) {
			if (strcmp(why, "unknown setting") == 0)
				warnx_("%s:%u: unknown setting '%s'", path,
				    lineno, tok[0]);
			else
				warnx_("%s:%u: bad %s '%s': %s", path, lineno,
				    tok[0], n == 2 ? tok[1] : "", why);
			bad = 1;
		}
	}
	fclose(fp);
	return bad ? -1 : 0;
}

/* The command line over the file: its scalars win, its lists add. */
static int
merge(struct settings *into, struct settings *cli)
{
	size_t i;

	if (cli->set & SET_THREADS)
		into->threads = cli->threads;
	if (cli->set & SET_USER) {
		free(into->user);
		into->user = cli->user;
		cli->user = NULL;
	}
	if (cli->set & SET_MAX_UDP)
		into->max_udp = cli->max_udp;
	if (cli->set & SET_TCP_IDLE)
		into->tcp_idle = cli->tcp_idle;
	if (cli->set & SET_TCP_MAX)
		into->tcp_max = cli->tcp_max;
	if (cli->set & SET_TCP_CLIENT)
		into->tcp_client = cli->tcp_client;
	if (cli->set & SET_NO_TCP)
		into->no_tcp = 1;
	if (cli->set & SET_RRL)
		into->rrl = cli->rrl;
	if (cli->set & SET_RRL_SLIP)
		into->rrl_slip = cli->rrl_slip;
	if (cli->set & SET_RRL_TABLE)
		into->rrl_table = cli->rrl_table;
	if (cli->set & SET_LOG_QUERIES)
		into->log_queries = 1;
	if (cli->set & SET_NO_SECCOMP)
		into->no_seccomp = 1;
	into->set |= cli->set;
	for (i = 0; i < cli->nzones; i++)
		if (add_zone(into, cli->zones[i].origin_text,
		    strlen(cli->zones[i].origin_text), cli->zones[i].file) != 0)
			return -1;
	for (i = 0; i < cli->nlisten; i++) {
		struct srv_addr *v = realloc(into->listen,
		    (into->nlisten + 1) * sizeof(*v));

		if (v == NULL)
			return -1;
		into->listen = v;
		v[into->nlisten++] = cli->listen[i];
	}
	for (i = 0; i < cli->nallow_xfr; i++) {
		struct srv_prefix *v = realloc(into->allow_xfr,
		    (into->nallow_xfr + 1) * sizeof(*v));

		if (v == NULL)
			return -1;
		into->allow_xfr = v;
		v[into->nallow_xfr++] = cli->allow_xfr[i];
	}
	for (i = 0; i < cli->nnotify; i++) {
		struct srv_addr *v = realloc(into->notify,
		    (into->nnotify + 1) * sizeof(*v));

		if (v == NULL)
			return -1;
		into->notify = v;
		v[into->nnotify++] = cli->notify[i];
	}
	return 0;
}

static int
defaults(struct settings *st)
{
	long n;

	if (!(st->set & SET_THREADS)) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		st->threads = n < 1 ? 1 : n > THREADS_MAX ? THREADS_MAX :
		    (unsigned)n;
	}
	if (!(st->set & SET_RRL_SLIP))
		st->rrl_slip = SRV_RRL_SLIP;
	if (!(st->set & SET_RRL_TABLE))
		st->rrl_table = SRV_RRL_TABLE;
	if (st->nlisten == 0 && (add_listen(st, "0.0.0.0") != 0 ||
	    add_listen(st, "::") != 0))
		return -1;
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "allow-transfer", required_argument, NULL, 'a' },
		{ "notify", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "max-udp-size", required_argument, NULL, 'U' },
		{ "tcp-idle", required_argument, NULL, 'i' },
		{ "tcp-max", required_argument, NULL, 'm' },
		{ "tcp-max-per-client", required_argument, NULL, 'p' },
		{ "no-tcp", no_argument, NULL, 'T' },
		{ "rrl", required_argument, NULL, 'R' },
		{ "rrl-slip", required_argument, NULL, 'S' },
		{ "rrl-table", required_argument, NULL, 'B' },
		{ "log-queries", no_argument, NULL, 'q' },
		{ "no-seccomp", no_argument, NULL, 'X' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings cli = { 0 };
	struct serve sv = { { 0 }, NULL };
	struct srv_config cfg;
	struct srv_zoneset *set;
	const char *conf = NULL, *why;
	unsigned failed;
	sigset_t hold;
	int c, li, check = 0, status = EXIT_USAGE, r;

	while ((c = getopt_long(argc, argv, "c:h", lo, &li)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'C':
			check = 1;
			break;
		case 'h':
			fputs(serve_usage, stdout);
			settings_free(&cli);
			return EXIT_CLEAN;
		case '?':
			fputs(serve_usage, stderr);
			goto out;
		default:
			if (apply(&cli, lo[li].name, optarg, &why) != 0) {
				warnx_("bad --%s '%s': %s", lo[li].name,
				    optarg != NULL ? optarg : "", why);
				goto out;
			}
			break;
		}
	}
	if (optind != argc) {
		warnx_("unexpected argument '%s'", argv[optind]);
		fputs(serve_usage, stderr);
		goto out;
	}
	if (conf != NULL && read_config(&sv.st, conf) != 0)
		goto out;
	if (merge(&sv.st, &cli) != 0 || defaults(&sv.st) != 0) {
		warnx_("out of memory");
		goto out;
	}
	if (sv.st.nzones == 0) {
		warnx_("no zone to serve: give --zone ORIGIN=FILE or a "
		    "config file with 'zone' lines");
		goto out;
	}
	if (sv.st.tcp_client > 0 && sv.st.tcp_max > 0 &&
	    sv.st.tcp_client > sv.st.tcp_max)
		sv.st.tcp_client = sv.st.tcp_max;

	/* A reload or counters asked for while the zones load (seconds for
	 * a big zone) wait for the server, instead of killing it: both
	 * signals terminate by default. srv_run_new blocks the rest. */
	sigemptyset(&hold);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &hold, NULL);
	status = EXIT_FINDINGS;
	set = load_all(&sv.st, &failed);
	if (set == NULL) {
		say("%s: %u zone%s with errors", check ? "check failed" :
		    "not starting", failed, failed == 1 ? "" : "s");
		goto out;
	}
	if (check) {
		say("check passed: %zu zone%s", sv.st.nzones,
		    sv.st.nzones == 1 ? "" : "s");
		srv_zoneset_free(set);
		status = EXIT_CLEAN;
		goto out;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = sv.st.listen;
	cfg.nlisten = sv.st.nlisten;
	cfg.threads = sv.st.threads;
	cfg.tcp_max = sv.st.tcp_max;
	cfg.tcp_max_per_client = sv.st.tcp_client;
	cfg.tcp_idle_ms = sv.st.tcp_idle * 1000;
	cfg.max_udp = (uint16_t)sv.st.max_udp;
	cfg.flags = (sv.st.no_tcp ? SRV_NO_TCP : 0) |
	    (sv.st.log_queries ? SRV_LOG_QUERIES : 0);
	cfg.rrl_rate = sv.st.rrl;
	cfg.rrl_slip = sv.st.rrl_slip;
	cfg.rrl_table = sv.st.rrl_table;
	cfg.user = sv.st.user;
	cfg.log = on_log;
	cfg.query = on_query;
	cfg.reload = on_reload;
	cfg.stats = on_stats;
	cfg.ud = &sv;
	cfg.allow_xfr = sv.st.allow_xfr;
	cfg.nallow_xfr = sv.st.nallow_xfr;
	cfg.notify = sv.st.notify;
	cfg.nnotify = sv.st.nnotify;
	/* Before the sandbox: the notify socket cannot be opened after. */
	(void)sdnotify_open("serve");
	if (srv_run_new(&sv.run, &cfg, set) != 0) {
		say("not starting");
		goto out;
	}
	if (sandbox_drop_caps("serve") != 0) {
		srv_run_free(sv.run);
		say("not starting");
		goto out;
	}
	if (!sv.st.no_seccomp) {
		if (sandbox_enter(SANDBOX_SERVE, "serve") != 0) {
			srv_run_free(sv.run);
			say("not starting");
			goto out;
		}
		say("system call filter installed");
	}
	notify_state("READY=1", sv.st.nzones, 0);
	r = srv_run_main(sv.run);
	sdnotify_send("STOPPING=1");
	print_stats(sv.run, !sv.st.no_tcp);
	srv_run_free(sv.run);
	say("stopped");
	status = r == 0 ? EXIT_CLEAN : EXIT_FINDINGS;
out:
	settings_free(&cli);
	settings_free(&sv.st);
	return status;
}
