/* worker.h -- what run.c, udp.c and tcp.c share: threads, counters, epochs */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "server/run.h"

/*
 * Counters written by one thread and read by whoever prints them. Each is
 * atomic so that the reader sees whole values, but the writer does a plain
 * load and store (relaxed), not a locked add: it is the only writer, and a
 * locked add per query would cost more than the answer.
 */
struct srv_ctr {
	_Atomic uint64_t queries, responses, dropped, tc;
	_Atomic uint64_t rrl_dropped, rrl_slipped;
	_Atomic uint64_t qtype[SRV_QTYPE_SLOTS + 1];
	_Atomic uint64_t rcode[SRV_RCODE_SLOTS + 1];
};

static inline void
ctr_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c,
	    memory_order_relaxed) + n, memory_order_relaxed);
}

static inline uint64_t
ctr_get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/*
 * A thread that reads the zone set. epoch is odd while the thread may hold
 * a pointer into the set (online) and even while it sleeps or waits in a
 * system call (offline). Both changes are sequentially consistent, as is
 * the load of the zone pointer, so a swapper that saw a thread offline, or
 * saw its epoch move on, knows that the thread's next load returns the new
 * set (the QSBR scheme of userspace RCU, reduced to one counter).
 */
struct srv_worker {
	struct srv_run *run;
	pthread_t tid;
	int started;
	unsigned idx;
	_Atomic uint64_t epoch;
	struct srv_ctr ctr;
	/* UDP: one socket per listen address, and whether each is a
	 * wildcard (replies then name their source address) */
	int *fds;
	unsigned char *any;
	size_t nfds;
	void *udp;		/* udp.c's buffers */
};

static inline void
worker_online(struct srv_worker *w)
{
	atomic_fetch_add(&w->epoch, 1);
}

static inline void
worker_offline(struct srv_worker *w)
{
	atomic_fetch_add(&w->epoch, 1);
}

struct srv_tcp;

struct srv_run {
	struct srv_config cfg;		/* listen points to addrs */
	struct srv_addr *addrs;
	struct srv_answer_opts aopts;
	_Atomic(struct srv_zoneset *) zones;
	struct srv_worker *udp;		/* cfg.threads of them */
	unsigned nudp;
	struct srv_worker tcpw;		/* the TCP thread */
	struct srv_tcp *tcp;		/* NULL with SRV_NO_TCP */
	struct srv_rrl *rrl;		/* NULL: rate limiting off */
	int *tcp_fds;			/* listeners, one per address */
	size_t ntcp_fds;
	int stop_fd;			/* eventfd, readable to stop */
	atomic_int stopping;
	int sig_fd;
	pthread_mutex_t swap_mu;
	struct srv_prefix *allow_xfr;	/* cfg.allow_xfr points here */
	struct srv_addr *notify_to;	/* cfg.notify points here */
};

/* The zone set to answer from; call between worker_online and _offline. */
static inline const struct srv_zoneset *
srv_run_current(struct srv_run *r)
{
	return atomic_load(&r->zones);
}

/* Formats an event line and hands it to the config's log callback. */
void srv_run_log(struct srv_run *r, enum mx_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Counts one query and, with SRV_LOG_QUERIES, reports it; rlen is the
 * response length (0: dropped). Allocates nothing. */
void srv_run_query(struct srv_run *r, struct srv_ctr *c,
    const struct sockaddr *client, const uint8_t *q, size_t qlen,
    const struct srv_answer_info *info, size_t rlen, enum srv_transport t);
/* Sums one thread's counters into s. */
void srv_run_ctr_sum(const struct srv_ctr *c, struct srv_counters *s);

/* udp.c: buffers for worker w (0 or MX_ENOMEM), its thread, and freeing. */
int srv_udp_init(struct srv_worker *w);
void *srv_udp_main(void *arg);
void srv_udp_fini(struct srv_worker *w);

/* tcp.c: the TCP thread's state over the run's listeners, its thread, its
 * counters, and freeing (closes every connection). The thread also runs
 * zone transfers out and the NOTIFY sender. */
int srv_tcp_new(struct srv_run *r, struct srv_tcp **out);
void *srv_tcp_main(void *arg);
void srv_tcp_stats(const struct srv_tcp *t, struct srv_stats *s);
void srv_tcp_free(struct srv_tcp *t);
/* Any thread, after a swap: the TCP thread compares the zones' serials
 * with those it has told the secondaries about (NOTIFY). */
void srv_tcp_zones_changed(struct srv_tcp *t);
