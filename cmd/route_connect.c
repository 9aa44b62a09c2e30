/* route_connect.c -- mxkit route --connect: options, the walk over the plan, one line per attempt, JSON */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "mxkit/err.h"
#include "route_connect.h"

/* Bounds of the options: an hour is longer than any MTA waits. */
#define TIMEOUT_MAX_S	3600
#define SESSIONS_MAX	100

void
route_connect_init(struct route_connect *rc)
{
	memset(rc, 0, sizeof(*rc));
	mail_probe_opts_init(&rc->po);
}

int
route_connect_opt(struct route_connect *rc, int c, const char *arg)
{
	struct mail_smtpc s;
	unsigned long v;

	switch (c) {
	case ROUTE_OPT_CONNECT:
		rc->on = 1;
		return 1;
	case ROUTE_OPT_CONNECT_TIMEOUT:
	case ROUTE_OPT_REPLY_TIMEOUT:
		if (cmd_number(arg, 1, TIMEOUT_MAX_S, &v) != 0) {
			warnx_("--%s: '%s' is not a number of seconds from 1 "
			    "to %d", c == ROUTE_OPT_CONNECT_TIMEOUT ?
			    "connect-timeout" : "reply-timeout", arg,
			    TIMEOUT_MAX_S);
			return -1;
		}
		if (c == ROUTE_OPT_CONNECT_TIMEOUT)
			rc->po.connect_timeout_ms = (unsigned)v * 1000;
		else
			rc->po.reply_timeout_ms = (unsigned)v * 1000;
		return 1;
	case ROUTE_OPT_MAX_SESSIONS:
		if (cmd_number(arg, 0, SESSIONS_MAX, &v) != 0) {
			warnx_("--max-sessions: '%s' is not a number from 0 "
			    "to %d", arg, SESSIONS_MAX);
			return -1;
		}
		rc->po.max_sessions = (unsigned)v;
		return 1;
	case ROUTE_OPT_SMTP_PORT:
		if (cmd_number(arg, 1, 65535, &v) != 0) {
			warnx_("--smtp-port: '%s' is not a port number",
			    arg);
			return -1;
		}
		rc->po.port = (uint16_t)v;
		return 1;
	case ROUTE_OPT_HELO:
		if (mail_smtpc_init(&s, arg) != 0) {
			warnx_("--helo: '%s' is not a host name or an address "
			    "literal of at most %d octets", arg,
			    MAIL_SMTPC_HELO_MAX);
			return -1;
		}
		snprintf(rc->po.helo, sizeof(rc->po.helo), "%s", arg);
		return 1;
	}
	return 0;
}

static void
host_text(const struct mail_route *rt, unsigned plan, char *buf, size_t cap)
{
	const struct mail_host *h = &rt->host[rt->plan[plan].host];

	buf[0] = '\0';
	if (rt->mx_status < 0 || dns_name_to_text(h->name, h->nlen, buf,
	    cap) < 0)
		buf[0] = '\0';
}

/* What became of attempt a, for people: "554 greeting, skipped". */
static void
detail(const struct route_connect *rc, const struct mail_probe_attempt *a,
    char *buf, size_t cap)
{
	unsigned cto = rc->po.connect_timeout_ms / 1000;
	unsigned rto = rc->po.reply_timeout_ms / 1000;

	switch (a->result) {
	case MAIL_PROBE_OK:
		snprintf(buf, cap, "%u banner, EHLO %u: would take the mail",
		    a->greeting, a->ehlo);
		break;
	case MAIL_PROBE_REFUSED:
		snprintf(buf, cap, "connection refused");
		break;
	case MAIL_PROBE_TIMEOUT:
		snprintf(buf, cap, "connection timed out after %u s", cto);
		break;
	case MAIL_PROBE_CONNECT_ERROR:
		snprintf(buf, cap, "connection failed: %s",
		    a->oserr != 0 ? strerror(a->oserr) : "?");
		break;
	case MAIL_PROBE_REPLY_TIMEOUT:
		if (a->greeting == 0)
			snprintf(buf, cap, "connected, no greeting within "
			    "%u s", rto);
		else
			snprintf(buf, cap, "%u banner, no reply to EHLO "
			    "within %u s", a->greeting, rto);
		break;
	case MAIL_PROBE_CLOSED:
		if (a->greeting == 0)
			snprintf(buf, cap, "connection closed before the "
			    "greeting");
		else
			snprintf(buf, cap, "%u banner, connection closed "
			    "before the EHLO reply", a->greeting);
		break;
	case MAIL_PROBE_MALFORMED:
		if (a->greeting == 0)
			snprintf(buf, cap, "malformed greeting (%s)",
			    a->why != NULL ? a->why : "?");
		else
			snprintf(buf, cap, "%u banner, malformed reply to "
			    "EHLO (%s)", a->greeting,
			    a->why != NULL ? a->why : "?");
		break;
	case MAIL_PROBE_GREETING_4XX:
	case MAIL_PROBE_GREETING_5XX:
		snprintf(buf, cap, "%u greeting, skipped: \"%s\"",
		    a->greeting, a->text);
		break;
	case MAIL_PROBE_EHLO_REJECTED:
		snprintf(buf, cap, "%u banner, EHLO %u: rejected, skipped: "
		    "\"%s\"", a->greeting, a->ehlo, a->text);
		break;
	default:
		snprintf(buf, cap, "%s", mail_probe_result_name(a->result));
	}
}

struct report {
	const struct route_connect *rc;
	FILE *fp;
};

static void
print_attempt(void *ud, const struct mail_route *rt,
    const struct mail_probe_attempt *a)
{
	struct report *r = ud;
	char h[DNS_NAME_TEXT_MAX], ad[46], d[MAIL_SMTPC_TEXT_MAX + 128];

	if (r->fp == NULL)
		return;
	host_text(rt, a->plan, h, sizeof(h));
	detail(r->rc, a, d, sizeof(d));
	fprintf(r->fp, "try %u: %s%s%s%s port %u: %s\n", a->plan + 1,
	    mail_addr_text(&a->addr, ad), h[0] != '\0' ? " (" : "", h,
	    h[0] != '\0' ? ")" : "", a->port, d);
	fflush(r->fp);
}

static json_t *
attempt_json(const struct route_connect *rc, const struct mail_route *rt,
    const struct mail_probe_attempt *a)
{
	json_t *o = json_object();
	char h[DNS_NAME_TEXT_MAX], ad[46], d[MAIL_SMTPC_TEXT_MAX + 128];

	host_text(rt, a->plan, h, sizeof(h));
	detail(rc, a, d, sizeof(d));
	json_object_set_new(o, "try", json_integer(a->plan + 1));
	json_object_set_new(o, "preference",
	    json_integer(rt->host[rt->plan[a->plan].host].pref));
	json_object_set_new(o, "host", h[0] != '\0' ? json_string(h) :
	    json_null());
	json_object_set_new(o, "address",
	    json_string(mail_addr_text(&a->addr, ad)));
	json_object_set_new(o, "port", json_integer(a->port));
	json_object_set_new(o, "result",
	    json_string(mail_probe_result_name(a->result)));
	json_object_set_new(o, "greeting", a->greeting != 0 ?
	    json_integer(a->greeting) : json_null());
	json_object_set_new(o, "ehlo", a->ehlo != 0 ?
	    json_integer(a->ehlo) : json_null());
	json_object_set_new(o, "reply", a->text[0] != '\0' ?
	    json_string(a->text) : json_null());
	json_object_set_new(o, "error", a->why != NULL ? json_string(a->why) :
	    a->oserr != 0 ? json_string(strerror(a->oserr)) : json_null());
	json_object_set_new(o, "session", json_boolean(a->session));
	json_object_set_new(o, "ms", json_integer(a->ms));
	json_object_set_new(o, "detail", json_string(d));
	return o;
}

int
route_connect_run(const struct route_connect *rc,
    const struct mail_route *rt, FILE *fp, json_t *j)
{
	struct mail_probe *pr;
	struct report r = { rc, fp };
	const struct mail_probe_attempt *a;
	json_t *co, *arr, *to;
	char h[DNS_NAME_TEXT_MAX], ad[46];
	unsigned i;
	int took = 0;

	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		warnx_("out of memory");
		return 0;
	}
	pr->delivered = -1;
	if (rt->verdict == MAIL_DELIVER &&
	    mail_probe_route(&rc->po, rt, pr, print_attempt, &r) != 0)
		pr->nattempt = 0;	/* the helo was checked with the option */
	took = pr->delivered >= 0;
	if (fp != NULL) {
		if (rt->verdict != MAIL_DELIVER)
			fprintf(fp, "connect: not tried: the plan is %s\n",
			    mail_verdict_name(rt->verdict));
		else if (took) {
			a = &pr->attempt[pr->delivered];
			host_text(rt, a->plan, h, sizeof(h));
			fprintf(fp, "connect: %s%s%s%s port %u would take the "
			    "mail\n", h, h[0] != '\0' ? " (" : "",
			    mail_addr_text(&a->addr, ad), h[0] != '\0' ? ")" :
			    "", a->port);
		} else if (pr->limit_reached)
			fprintf(fp, "connect: DEFER: no server would take the "
			    "mail; stopped after %u session%s "
			    "(--max-sessions %u)\n", pr->sessions,
			    pr->sessions == 1 ? "" : "s", rc->po.max_sessions);
		else
			fprintf(fp, "connect: DEFER: no server would take the "
			    "mail (%u address%s tried)\n", pr->nattempt,
			    pr->nattempt == 1 ? "" : "es");
	}
	if (j != NULL) {
		co = json_object();
		json_object_set_new(co, "tried",
		    json_boolean(rt->verdict == MAIL_DELIVER));
		json_object_set_new(co, "port", json_integer(rc->po.port));
		json_object_set_new(co, "helo", json_string(rc->po.helo));
		json_object_set_new(co, "connect_timeout",
		    json_integer(rc->po.connect_timeout_ms / 1000));
		json_object_set_new(co, "reply_timeout",
		    json_integer(rc->po.reply_timeout_ms / 1000));
		json_object_set_new(co, "max_sessions",
		    json_integer(rc->po.max_sessions));
		json_object_set_new(co, "sessions", json_integer(pr->sessions));
		json_object_set_new(co, "limit_reached",
		    json_boolean(pr->limit_reached));
		json_object_set_new(j, "connect", co);
		arr = json_array();
		for (i = 0; i < pr->nattempt; i++)
			json_array_append_new(arr, attempt_json(rc, rt,
			    &pr->attempt[i]));
		json_object_set_new(j, "attempts", arr);
		to = json_null();
		if (took) {
			a = &pr->attempt[pr->delivered];
			host_text(rt, a->plan, h, sizeof(h));
			to = json_object();
			json_object_set_new(to, "try", json_integer(a->plan +
			    1));
			json_object_set_new(to, "host", h[0] != '\0' ?
			    json_string(h) : json_null());
			json_object_set_new(to, "address",
			    json_string(mail_addr_text(&a->addr, ad)));
			json_object_set_new(to, "port", json_integer(a->port));
		}
		json_object_set_new(j, "delivered_to", to);
	}
	free(pr);
	return took;
}
