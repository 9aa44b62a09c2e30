/* route_connect.h -- mxkit route --connect: options, the probe, its report */
#pragma once

#include <stdio.h>

#include <jansson.h>

#include "mxkit/mail.h"

/* getopt_long values, above every character option. */
enum {
	ROUTE_OPT_CONNECT = 0x100,
	ROUTE_OPT_CONNECT_TIMEOUT,
	ROUTE_OPT_REPLY_TIMEOUT,
	ROUTE_OPT_MAX_SESSIONS,
	ROUTE_OPT_SMTP_PORT,
	ROUTE_OPT_HELO,
};

/* Rows for cmd_route's struct option table. */
#define ROUTE_CONNECT_LONGOPTS \
	{ "connect", no_argument, NULL, ROUTE_OPT_CONNECT }, \
	{ "connect-timeout", required_argument, NULL, \
	    ROUTE_OPT_CONNECT_TIMEOUT }, \
	{ "reply-timeout", required_argument, NULL, ROUTE_OPT_REPLY_TIMEOUT }, \
	{ "max-sessions", required_argument, NULL, ROUTE_OPT_MAX_SESSIONS }, \
	{ "smtp-port", required_argument, NULL, ROUTE_OPT_SMTP_PORT }, \
	{ "helo", required_argument, NULL, ROUTE_OPT_HELO }

struct route_connect {
	int on;				/* --connect given */
	struct mail_probe_opts po;
};

void route_connect_init(struct route_connect *rc);

/*
 * Takes option c (a getopt_long value) with its argument. Returns 1 when
 * c is one of ROUTE_OPT_*, 0 when it is not, -1 for a bad value (the
 * message is printed).
 */
int route_connect_opt(struct route_connect *rc, int c, const char *arg);

/*
 * Walks the plan of rt when its verdict is DELIVER (else reports that
 * nothing was tried). With fp, prints one line per attempt as it ends and
 * a final line; with j, adds "connect", "attempts" and "delivered_to" to
 * that object. Returns 1 when a server would take the mail, else 0.
 */
int route_connect_run(const struct route_connect *rc,
    const struct mail_route *rt, FILE *fp, json_t *j);
