/* notify.h -- NOTIFY to the secondaries (RFC 1996), retried on an event loop */
#pragma once

#include <stddef.h>

#include "mxkit/server.h"
#include "server/run.h"
#include "util/ev.h"

/*
 * Tries per NOTIFY, and the wait after the first, doubled after each: sends
 * at 0, 1, 3, 7 and 15 s, given up at 31 s. RFC 1996 3.6 suggests 5
 * retransmissions 60 s apart and leaves both to the operator; starting at
 * 1 s gets a change to a secondary that lost one datagram in seconds, and
 * the doubling keeps a dead secondary's cost at five datagrams per change.
 */
#define SRV_NOTIFY_TRIES	5
#define SRV_NOTIFY_RETRY_MS	1000

struct srv_notifier;

/* The zone set being served, read in the loop's thread inside its
 * quiescent-state window (the set stays alive during the callback). */
typedef const struct srv_zoneset *srv_zones_fn(void *ud);

struct srv_notifier_cfg {
	const struct srv_addr *to;	/* the secondaries; must outlive the
					 * notifier */
	size_t nto;
	unsigned tries;			/* 0: SRV_NOTIFY_TRIES */
	unsigned retry_ms;		/* 0: SRV_NOTIFY_RETRY_MS */
	srv_log_fn *log;		/* one line per NOTIFY sent, answered,
					 * given up; NULL: silent */
	void *log_ud;
	srv_zones_fn *zones;
	void *zones_ud;
};

/*
 * A NOTIFY sender on loop l: one UDP socket per address family of the
 * secondaries (not bound: the kernel picks the source address towards
 * each), read by the loop for replies, and one timer per zone and
 * secondary for retries. Nothing is sent before srv_notifier_update.
 * Returns 0 with *out set, MX_ENOMEM or MX_EIO (a socket or eventfd).
 */
int srv_notifier_new(struct ev_loop *l, const struct srv_notifier_cfg *c,
    struct srv_notifier **out);

/*
 * In the loop's thread: compares each zone of the current set with what
 * the secondaries were last told. A zone not seen before (every zone, the
 * first time) or whose SOA serial changed gets a NOTIFY to each secondary
 * with a fresh ID, replacing one still being retried; a zone gone from the
 * set is forgotten. Each NOTIFY is retried until a reply matches it
 * (srv_notify_reply_ok, from the secondary's address and port) or the
 * tries run out. Allocates only when the set of zones changes.
 */
void srv_notifier_update(struct srv_notifier *n);

/* Any thread: has the loop call srv_notifier_update in its next round
 * (an eventfd; several kicks make one update). */
void srv_notifier_kick(struct srv_notifier *n);

/* Stops every timer, closes the sockets. Call in (or after) the loop's
 * thread, before ev_free. NULL does nothing. */
void srv_notifier_free(struct srv_notifier *n);
