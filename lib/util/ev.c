/* ev.c -- a small event loop: epoll readiness, CLOCK_MONOTONIC timers */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "mxkit/err.h"
#include "util/ev.h"

/* Events taken from the kernel per round. More ready fds wait for the next
 * round, which comes at once; the bound keeps one round's work short. */
#define EV_FIRED_MAX	256
/* The fd table starts this big and doubles. */
#define EV_FDS_MIN	64

/*
 * A registered fd. gen counts registrations of this fd number: the kernel
 * hands it back with each event, so an event that was queued for an fd
 * closed (and perhaps reopened) earlier in the same round is recognised
 * and dropped.
 */
struct ev_fd {
	ev_io_fn *fn;
	void *ud;
	unsigned events;	/* EV_READ | EV_WRITE asked for */
	uint32_t gen;
};

struct ev_fired {
	int fd;
	unsigned events;
	uint32_t gen;
};

struct ev_loop {
	struct ev_fd *fds;
	size_t nfds;
	struct ev_timer **heap;
	size_t nheap, heap_cap;
	uint64_t now;
	int stop;
	ev_hook_fn *before_sleep, *after_wake;
	void *hook_ud;
	ev_clock_fn *clock;
	void *clock_ud;
	/* backend */
	int epfd;
	struct epoll_event *kev;
	int nkev;
	struct ev_fired fired[EV_FIRED_MAX];
};

/*
 * The backend: six calls. Another backend (kqueue) replaces these and
 * nothing else.
 */
static int
be_create(struct ev_loop *l)
{
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return MX_EIO;
	l->kev = calloc(EV_FIRED_MAX, sizeof(*l->kev));
	if (l->kev == NULL) {
		close(l->epfd);
		return MX_ENOMEM;
	}
	l->nkev = EV_FIRED_MAX;
	return 0;
}

/* epoll needs no per-fd room in the backend; the kernel keeps the set. */
static int
be_resize(struct ev_loop *l, size_t nfds)
{
	(void)l;
	(void)nfds;
	return 0;
}

static int
be_add(struct ev_loop *l, int fd, unsigned events, uint32_t gen, int fresh)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	if (events & EV_READ)
		e.events |= EPOLLIN;
	if (events & EV_WRITE)
		e.events |= EPOLLOUT;
	e.data.u64 = (uint64_t)gen << 32 | (uint32_t)fd;
	if (epoll_ctl(l->epfd, fresh ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd,
	    &e) != 0)
		return MX_EINVAL;
	return 0;
}

static void
be_del(struct ev_loop *l, int fd)
{
	/* Fails only for an fd already closed, which removed it anyway. */
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Waits up to timeout ms (-1: forever); fills l->fired. Returns how many
 * fds fired, 0 on timeout or signal, MX_EIO on failure. */
static int
be_poll(struct ev_loop *l, int timeout)
{
	int n, i;

	n = epoll_wait(l->epfd, l->kev, l->nkev, timeout);
	if (n < 0)
		return errno == EINTR ? 0 : MX_EIO;
	for (i = 0; i < n; i++) {
		uint32_t k = l->kev[i].events;
		unsigned ev = 0;

		if (k & EPOLLIN)
			ev |= EV_READ;
		if (k & EPOLLOUT)
			ev |= EV_WRITE;
		if (k & (EPOLLERR | EPOLLHUP))
			ev |= EV_ERROR;
		l->fired[i].fd = (int)(uint32_t)l->kev[i].data.u64;
		l->fired[i].gen = (uint32_t)(l->kev[i].data.u64 >> 32);
		l->fired[i].events = ev;
	}
	return n;
}

const char *
ev_backend(void)
{
	return "epoll";
}

static uint64_t
mono_ms(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct ev_loop *
ev_new(void)
{
	struct ev_loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->clock = mono_ms;
	if (be_create(l) != 0) {
		free(l);
		return NULL;
	}
	l->now = l->clock(l->clock_ud);
	return l;
}

void
ev_free(struct ev_loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l->kev);
	free(l->fds);
	free(l->heap);
	free(l);
}

static int
fds_grow(struct ev_loop *l, int fd)
{
	size_t n = l->nfds ? l->nfds : EV_FDS_MIN;
	struct ev_fd *v;

	while (n <= (size_t)fd)
		n *= 2;
	v = realloc(l->fds, n * sizeof(*v));
	if (v == NULL)
		return MX_ENOMEM;
	memset(v + l->nfds, 0, (n - l->nfds) * sizeof(*v));
	l->fds = v;
	l->nfds = n;
	return be_resize(l, n);
}

int
ev_io_set(struct ev_loop *l, int fd, unsigned events, ev_io_fn *fn, void *ud)
{
	struct ev_fd *f;
	int r, fresh;

	if (fd < 0 || fn == NULL)
		return MX_EINVAL;
	if ((size_t)fd >= l->nfds && (r = fds_grow(l, fd)) != 0)
		return r;
	f = &l->fds[fd];
	events &= EV_READ | EV_WRITE;
	fresh = f->fn == NULL;
	if (!fresh && f->events == events) {
		f->fn = fn;
		f->ud = ud;
		return 0;
	}
	if (fresh)
		f->gen++;
	if ((r = be_add(l, fd, events, f->gen, fresh)) != 0)
		return r;
	f->fn = fn;
	f->ud = ud;
	f->events = events;
	return 0;
}

void
ev_io_del(struct ev_loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || l->fds[fd].fn == NULL)
		return;
	be_del(l, fd);
	l->fds[fd].fn = NULL;
	l->fds[fd].ud = NULL;
	l->fds[fd].events = 0;
}

/*
 * Timers: a binary min-heap of pointers ordered by deadline. Each timer
 * knows its slot so that re-arming and stopping are O(log n) without a
 * search.
 */
static void
heap_put(struct ev_loop *l, size_t i, struct ev_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void
heap_up(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (l->heap[p]->when <= t->when)
			break;
		heap_put(l, i, l->heap[p]);
		i = p;
	}
	heap_put(l, i, t);
}

static void
heap_down(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (t->when <= l->heap[c]->when)
			break;
		heap_put(l, i, l->heap[c]);
		i = c;
	}
	heap_put(l, i, t);
}

void
ev_timer_init(struct ev_timer *t, ev_timer_fn *fn, void *ud)
{
	t->when = 0;
	t->slot = 0;
	t->fn = fn;
	t->ud = ud;
}

int
ev_timer_at(struct ev_loop *l, struct ev_timer *t, uint64_t when)
{
	if (t->slot != 0) {
		size_t i = t->slot - 1;
		uint64_t old = t->when;

		t->when = when;
		if (when < old)
			heap_up(l, i);
		else
			heap_down(l, i);
		return 0;
	}
	if (l->nheap == l->heap_cap) {
		size_t cap = l->heap_cap ? l->heap_cap * 2 : 64;
		struct ev_timer **h = realloc(l->heap, cap * sizeof(*h));

		if (h == NULL)
			return MX_ENOMEM;
		l->heap = h;
		l->heap_cap = cap;
	}
	t->when = when;
	heap_put(l, l->nheap++, t);
	heap_up(l, l->nheap - 1);
	return 0;
}

void
ev_timer_stop(struct ev_loop *l, struct ev_timer *t)
{
	size_t i;
	struct ev_timer *last;

	if (t->slot == 0)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = l->heap[--l->nheap];
	if (i == l->nheap)
		return;
	heap_put(l, i, last);
	if (i > 0 && l->heap[(i - 1) / 2]->when > last->when)
		heap_up(l, i);
	else
		heap_down(l, i);
}

uint64_t
ev_now(const struct ev_loop *l)
{
	return l->now;
}

void
ev_set_hooks(struct ev_loop *l, ev_hook_fn *before_sleep,
    ev_hook_fn *after_wake, void *ud)
{
	l->before_sleep = before_sleep;
	l->after_wake = after_wake;
	l->hook_ud = ud;
}

void
ev_set_clock(struct ev_loop *l, ev_clock_fn *fn, void *ud)
{
	l->clock = fn != NULL ? fn : mono_ms;
	l->clock_ud = ud;
	l->now = l->clock(l->clock_ud);
}

/* How long the next wait may last: until the first deadline, in ms. */
static int
wait_ms(const struct ev_loop *l, unsigned flags)
{
	uint64_t d;

	if (!(flags & EV_WAIT) || l->stop)
		return 0;
	if (l->nheap == 0)
		return -1;
	if (l->heap[0]->when <= l->now)
		return 0;
	d = l->heap[0]->when - l->now;
	return d > 60000 ? 60000 : (int)d;
}

int
ev_run_once(struct ev_loop *l, unsigned flags)
{
	int n, i, calls = 0;

	if (l->before_sleep != NULL)
		l->before_sleep(l, l->hook_ud);
	n = be_poll(l, wait_ms(l, flags));
	l->now = l->clock(l->clock_ud);
	if (l->after_wake != NULL)
		l->after_wake(l, l->hook_ud);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		const struct ev_fired *e = &l->fired[i];
		struct ev_fd *f;
		unsigned ev;

		/* A handler may have removed (and another re-added) this fd
		 * earlier in the round. */
		if ((size_t)e->fd >= l->nfds)
			continue;
		f = &l->fds[e->fd];
		if (f->fn == NULL || f->gen != e->gen)
			continue;
		ev = e->events & (f->events | EV_ERROR);
		if (ev == 0)
			continue;
		f->fn(l, e->fd, ev, f->ud);
		calls++;
	}
	/* Timers due now, at most as many as were armed when this phase
	 * began: a timer that re-arms itself for "now" runs again in the next
	 * round instead of spinning here. The timer is disarmed before its
	 * callback, which may free it, so it is not touched afterwards. */
	{
		size_t budget = l->nheap;

		while (budget-- > 0 && l->nheap > 0 &&
		    l->heap[0]->when <= l->now) {
			struct ev_timer *t = l->heap[0];

			ev_timer_stop(l, t);
			t->fn(l, t, t->ud);
			calls++;
		}
	}
	return calls;
}

int
ev_run(struct ev_loop *l)
{
	int r;

	l->stop = 0;
	while (!l->stop) {
		r = ev_run_once(l, EV_WAIT);
		if (r < 0)
			return r;
	}
	return 0;
}

void
ev_stop(struct ev_loop *l)
{
	l->stop = 1;
}
