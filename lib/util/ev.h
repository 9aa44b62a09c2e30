/* ev.h -- a small event loop: epoll readiness, CLOCK_MONOTONIC timers */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * One loop per thread, modelled on Redis's ae: a table of handlers indexed
 * by fd, timers in a binary heap, hooks around the sleep. Nothing here is
 * shared between threads. The backend is epoll behind six static calls in
 * ev.c (create, add, del, poll, resize, name), so that another backend is
 * one more set of six.
 *
 * Times are milliseconds on the loop's clock: CLOCK_MONOTONIC, or a clock
 * that a test supplies. ev_now() is read once per wake-up, so every handler
 * of one round sees the same time.
 */
struct ev_loop;
struct ev_timer;

/* What a handler is told, and what it asks for. */
#define EV_READ		0x1u
#define EV_WRITE	0x2u
/* Error or hang-up on the fd: delivered whatever was asked for, because
 * epoll reports it anyway; the handler must close or remove the fd. */
#define EV_ERROR	0x4u

typedef void ev_io_fn(struct ev_loop *l, int fd, unsigned events, void *ud);
typedef void ev_timer_fn(struct ev_loop *l, struct ev_timer *t, void *ud);
typedef void ev_hook_fn(struct ev_loop *l, void *ud);
typedef uint64_t ev_clock_fn(void *ud);

/* A timer lives in its owner's memory; the loop only points to it. */
struct ev_timer {
	uint64_t when;		/* deadline on the loop's clock */
	size_t slot;		/* heap index + 1; 0 while not armed */
	ev_timer_fn *fn;
	void *ud;
};

/* A new loop, or NULL when out of memory or epoll is refused. */
struct ev_loop *ev_new(void);
/* Frees the loop; closes no fd and calls no handler. NULL does nothing. */
void ev_free(struct ev_loop *l);

/*
 * Registers fd with handler fn, or changes what it waits for: events is
 * EV_READ, EV_WRITE, both, or 0 (registered but quiet except for
 * EV_ERROR). A call with the same events as before costs no system call.
 * Returns 0, MX_ENOMEM, or MX_EINVAL when the kernel refuses the fd.
 */
int ev_io_set(struct ev_loop *l, int fd, unsigned events, ev_io_fn *fn,
    void *ud);
/* Forgets fd, before the caller closes it. Events of the current round
 * for fd are not delivered any more. */
void ev_io_del(struct ev_loop *l, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_fn *fn, void *ud);
/* Arms t for the absolute time when (re-arms it if armed). The callback
 * runs once, after the round's fd handlers; t is disarmed before it is
 * called, so the callback may free it. Returns 0 or MX_ENOMEM. */
int ev_timer_at(struct ev_loop *l, struct ev_timer *t, uint64_t when);
/* Disarms t; nothing happens if it is not armed. */
void ev_timer_stop(struct ev_loop *l, struct ev_timer *t);

/* The loop's time, as of the last wake-up (or ev_new). */
uint64_t ev_now(const struct ev_loop *l);
/*
 * Called before each sleep and after each wake-up, in the loop's thread:
 * where a thread marks itself quiescent while it sleeps.
 */
void ev_set_hooks(struct ev_loop *l, ev_hook_fn *before_sleep,
    ev_hook_fn *after_wake, void *ud);
/* Replaces CLOCK_MONOTONIC (tests); fn returns milliseconds. */
void ev_set_clock(struct ev_loop *l, ev_clock_fn *fn, void *ud);

/*
 * One round: waits for readiness (at most until the next timer; not at all
 * when wait is 0), calls the fd handlers, then the timers that are due.
 * Returns the number of callbacks made, or MX_EIO when the wait failed.
 */
#define EV_WAIT		0x1u
int ev_run_once(struct ev_loop *l, unsigned flags);
/* Rounds until ev_stop. Returns 0, or MX_EIO. */
int ev_run(struct ev_loop *l);
/* Ends ev_run after the current round (call it from a handler). */
void ev_stop(struct ev_loop *l);

/* The backend's name ("epoll"). */
const char *ev_backend(void);
