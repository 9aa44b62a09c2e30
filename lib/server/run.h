/* run.h -- the server's runtime: sockets, worker threads, signals, zone swap */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mxkit/diag.h"
#include "mxkit/server.h"

/*
 * What `mxkit serve` runs: per listen address one SO_REUSEPORT UDP socket
 * for each worker thread (recvmmsg/sendmmsg in batches, fixed buffers) and
 * one TCP listener served by one event-loop thread (RFC 7766). The zone set
 * is read through one atomic pointer; srv_run_swap publishes a new one and
 * frees the old after every thread has passed a quiescent point. The
 * calling thread handles the signals. The library prints nothing: events go
 * to the config's log callback, one finished line each.
 */

/* An address to listen on, UDP and TCP, with its port. */
struct srv_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* "[ffff:...:255.255.255.255]:65535" and its NUL fit. */
#define SRV_ADDR_TEXT	80

/*
 * Parses "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]" or
 * "[2001:db8::1]:5353" (a bare IPv6 address takes no port: the colons are
 * its own); port is the default when none is given. Returns 0 or
 * MX_ESYNTAX.
 */
int srv_addr_parse(const char *s, uint16_t port, struct srv_addr *a);
/* "192.0.2.1:53" or "[2001:db8::1]:53" into buf; returns buf. */
const char *srv_addr_text(const struct sockaddr *sa, char buf[SRV_ADDR_TEXT]);
/* The address alone, without the port ("192.0.2.1", "2001:db8::1"). */
const char *srv_addr_host(const struct sockaddr *sa, char buf[SRV_ADDR_TEXT]);
/* True for 0.0.0.0 and :: (replies must then name their source). */
int srv_addr_is_any(const struct sockaddr *sa);

/*
 * An address prefix, for the list of clients allowed to transfer zones:
 * an IPv4 or IPv6 address and how many of its leading bits count.
 */
struct srv_prefix {
	int family;		/* AF_INET or AF_INET6 */
	unsigned bits;		/* 0-32 or 0-128 */
	uint8_t addr[16];	/* bits beyond the prefix are zero */
};

/*
 * Parses "192.0.2.0/24", "2001:db8::/32", or an address alone (every bit
 * counts: one host). Bits of the address beyond the prefix are cleared
 * ("192.0.2.1/24" is 192.0.2.0/24). Returns 0 or MX_ESYNTAX.
 */
int srv_prefix_parse(const char *s, struct srv_prefix *p);
/* "192.0.2.0/24" or "2001:db8::/32" into buf; returns buf. */
const char *srv_prefix_text(const struct srv_prefix *p,
    char buf[SRV_ADDR_TEXT]);
/*
 * True when the address of sa (IPv4 or IPv6; an IPv4-mapped IPv6 address
 * counts as the IPv4 address) lies in one of the n prefixes of p.
 */
int srv_prefix_match(const struct srv_prefix *p, size_t n,
    const struct sockaddr *sa);

/*
 * Defaults. 1232 octets: the DNS flag day 2020 size, no IP fragments on
 * any path. 10 s idle: RFC 7766 6.2.3 asks for "the order of seconds". The
 * TCP limits bound what one client, and all of them, can hold open.
 */
#define SRV_MAX_UDP		1232
#define SRV_TCP_IDLE_MS		10000
#define SRV_TCP_MAX		1024
#define SRV_TCP_MAX_PER_CLIENT	64
/*
 * Response rate limiting defaults: every 2nd limited response slips out
 * truncated (BIND's and Knot's default: a real client behind a limited
 * network still gets through, over TCP, in one retry or two); 65536 buckets
 * hold that many client networks and answers at once (1.5 MiB).
 */
#define SRV_RRL_SLIP		2
#define SRV_RRL_TABLE		65536

/* Flags of struct srv_config. */
#define SRV_NO_TCP		0x1u	/* UDP only */
#define SRV_LOG_QUERIES		0x2u	/* report each query */

/*
 * Counters. Query types 0..SRV_QTYPE_SLOTS-1 are counted one by one (every
 * type in common use, CAA 257 and URI 256 included); the rest share the
 * last slot. Rcodes 0..SRV_RCODE_SLOTS-1 cover the header and EDNS codes a
 * server sends (BADVERS 16, BADCOOKIE 23); the last slot takes the rest.
 */
#define SRV_QTYPE_SLOTS	512
#define SRV_RCODE_SLOTS	24

struct srv_counters {
	uint64_t queries;	/* messages handed to srv_answer */
	uint64_t responses;	/* responses sent or queued */
	uint64_t dropped;	/* no response: garbage, QR set, cut */
	uint64_t tc;		/* responses with TC set */
	uint64_t rrl_dropped;	/* rate limited: not sent (also in dropped) */
	uint64_t rrl_slipped;	/* rate limited: sent truncated (also in
				 * responses and tc) */
	uint64_t qtype[SRV_QTYPE_SLOTS + 1];
	uint64_t rcode[SRV_RCODE_SLOTS + 1];
};

struct srv_stats {
	struct srv_counters udp, tcp;
	uint64_t tcp_accepted;		/* connections taken */
	uint64_t tcp_refused;		/* closed at once: total limit */
	uint64_t tcp_refused_client;	/* the same: per-client limit */
	uint64_t tcp_idle;		/* closed after the idle timeout */
	uint64_t tcp_bad_frame;		/* closed: malformed framing */
	uint64_t xfr_out;		/* zone transfers sent whole */
	uint64_t xfr_refused;		/* AXFR/IXFR over TCP, refused */
	int rrl;			/* rate limiting is on */
};

/* One query as --log-queries shows it; pointers valid during the call. */
struct srv_query_log {
	const struct sockaddr *client;
	const uint8_t *qname;		/* wire form; NULL: unreadable */
	size_t qname_len;
	uint16_t qtype;
	unsigned rcode;
	int answered;			/* 0: dropped, no response */
	enum srv_transport transport;
};

struct srv_run;

/* Receives one event line, without newline ("listening on 192.0.2.1:53"). */
typedef void srv_log_fn(void *ud, enum mx_level level, const char *msg);
/* Receives one query, in a worker thread: must not block for long, and is
 * called from several threads at once. */
typedef void srv_query_fn(void *ud, const struct srv_query_log *q);
/* Called in the thread of srv_run_main for SIGHUP (reload) and SIGUSR1
 * (statistics). */
typedef void srv_signal_fn(void *ud, struct srv_run *r);

struct srv_config {
	const struct srv_addr *listen;	/* copied by srv_run_new */
	size_t nlisten;
	unsigned threads;		/* UDP worker threads; 0: 1 */
	unsigned tcp_max;		/* TCP connections; 0: default */
	unsigned tcp_max_per_client;	/* from one address; 0: default */
	unsigned tcp_idle_ms;		/* 0: default */
	uint16_t max_udp;		/* EDNS payload size; 0: default */
	unsigned flags;			/* SRV_NO_TCP, SRV_LOG_QUERIES */
	/* Response rate limiting over UDP (srv_rrl_new): responses a second
	 * per client network and answer, 0: off. The slip is taken as given
	 * (0: every limited response is dropped; SRV_RRL_SLIP is the usual
	 * value); the table has rrl_table buckets, 0: SRV_RRL_TABLE. */
	unsigned rrl_rate, rrl_slip;
	size_t rrl_table;
	const char *user;		/* to run as when root; NULL: nobody */
	srv_log_fn *log;		/* NULL: events are not reported */
	srv_query_fn *query;		/* with SRV_LOG_QUERIES */
	srv_signal_fn *reload;		/* SIGHUP; NULL: ignored */
	srv_signal_fn *stats;		/* SIGUSR1; NULL: ignored */
	void *ud;
	/* Zone transfers (AXFR, and IXFR answered in full) over TCP to
	 * clients in these prefixes only; none: every transfer is refused.
	 * Copied by srv_run_new. */
	const struct srv_prefix *allow_xfr;
	size_t nallow_xfr;
	/* Secondaries told by NOTIFY (RFC 1996) about every zone at start
	 * and whenever a zone's serial changes. Copied by srv_run_new. */
	const struct srv_addr *notify;
	size_t nnotify;
};

/*
 * Opens and binds every socket, raises the open-file limit for the TCP
 * connections, blocks the signals it handles (SIGTERM, SIGINT, SIGHUP,
 * SIGUSR1) in the calling thread, so that every thread started later
 * inherits the mask, then drops privileges: when running as root, to
 * cfg->user (default "nobody") with setgroups, setgid and setuid. No
 * thread is started yet. Each failure is logged with the address or user
 * it concerns. The run owns zs from now on, also on failure. Returns 0 with
 * *out set, or MX_EIO (a socket could not be opened or bound, or privileges
 * not dropped), MX_EINVAL, MX_ENOMEM.
 */
int srv_run_new(struct srv_run **out, const struct srv_config *cfg,
    struct srv_zoneset *zs);

/*
 * Starts the worker threads and handles signals in the calling thread
 * until SIGTERM or SIGINT: SIGHUP calls cfg->reload, SIGUSR1 cfg->stats.
 * Then stops and joins every thread. Returns 0, or MX_EIO/MX_ENOMEM when
 * the threads could not be started (none is left running).
 */
int srv_run_main(struct srv_run *r);

/*
 * Publishes zs as the zone set every thread answers from and frees the old
 * one once every thread has passed a quiescent point, i.e. has finished
 * the batch or event it was handling when the pointer changed. Blocks the
 * caller until then (a batch takes microseconds). Call from one thread at
 * a time (srv_run_main's, in the reload callback). The run owns zs.
 */
void srv_run_swap(struct srv_run *r, struct srv_zoneset *zs);

/* The zone set being served; for the thread that swaps, valid until its
 * next srv_run_swap. */
const struct srv_zoneset *srv_run_zones(const struct srv_run *r);

/* Sums the counters of every thread (each read without stopping it). */
void srv_run_stats(const struct srv_run *r, struct srv_stats *s);

/* Closes every socket and frees the run and its zone set. NULL does
 * nothing. */
void srv_run_free(struct srv_run *r);
