/* test_ev.c -- the event loop: timers on a fake clock, fd handlers */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "util/ev.h"

static uint64_t
fake_clock(void *ud)
{
	return *(uint64_t *)ud;
}

struct order {
	int seen[8];
	int n;
};

struct tick {
	struct ev_timer t;
	struct order *o;
	int id;
};

static void
on_tick(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	struct tick *k = ud;

	(void)l;
	assert_ptr_equal(t, &k->t);
	assert_int_equal(t->slot, 0);	/* disarmed before the call */
	k->o->seen[k->o->n++] = k->id;
}

static void
timers_fire_in_deadline_order(void **state)
{
	uint64_t now = 1000;
	struct ev_loop *l = ev_new();
	struct order o = { { 0 }, 0 };
	struct tick k[4];
	/* armed out of order: 1 at +30, 2 at +10, 3 at +20, 4 at +40 */
	static const uint64_t at[4] = { 30, 10, 20, 40 };
	int i;

	(void)state;
	assert_non_null(l);
	ev_set_clock(l, fake_clock, &now);
	for (i = 0; i < 4; i++) {
		k[i].o = &o;
		k[i].id = i + 1;
		ev_timer_init(&k[i].t, on_tick, &k[i]);
		assert_int_equal(ev_timer_at(l, &k[i].t, now + at[i]), 0);
	}
	assert_int_equal(ev_run_once(l, 0), 0);	/* nothing due yet */
	now += 25;
	assert_int_equal(ev_run_once(l, 0), 2);
	now += 100;
	assert_int_equal(ev_run_once(l, 0), 2);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.seen[0], 2);
	assert_int_equal(o.seen[1], 3);
	assert_int_equal(o.seen[2], 1);
	assert_int_equal(o.seen[3], 4);
	ev_free(l);
}

static void
rearm_and_stop_move_timers(void **state)
{
	uint64_t now = 0;
	struct ev_loop *l = ev_new();
	struct order o = { { 0 }, 0 };
	struct tick a = { .o = &o, .id = 1 }, b = { .o = &o, .id = 2 };

	(void)state;
	ev_set_clock(l, fake_clock, &now);
	ev_timer_init(&a.t, on_tick, &a);
	ev_timer_init(&b.t, on_tick, &b);
	ev_timer_at(l, &a.t, 10);
	ev_timer_at(l, &b.t, 20);
	/* a pushed behind b, then b stopped: only a fires, at 50. */
	ev_timer_at(l, &a.t, 50);
	ev_timer_stop(l, &b.t);
	ev_timer_stop(l, &b.t);		/* twice is harmless */
	now = 49;
	assert_int_equal(ev_run_once(l, 0), 0);
	now = 50;
	assert_int_equal(ev_run_once(l, 0), 1);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.seen[0], 1);
	ev_free(l);
}

/* A timer that re-arms itself for the current time runs once per round. */
static void
rearm_now(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	int *n = ud;

	(*n)++;
	ev_timer_at(l, t, ev_now(l));
}

static void
timer_rearmed_for_now_does_not_spin(void **state)
{
	uint64_t now = 5;
	struct ev_loop *l = ev_new();
	struct ev_timer t;
	int n = 0;

	(void)state;
	ev_set_clock(l, fake_clock, &now);
	ev_timer_init(&t, rearm_now, &n);
	ev_timer_at(l, &t, 5);
	assert_int_equal(ev_run_once(l, 0), 1);
	assert_int_equal(ev_run_once(l, 0), 1);
	assert_int_equal(n, 2);
	ev_timer_stop(l, &t);
	ev_free(l);
}

struct pipes {
	int a[2], b[2];
	int got_a, got_b;
};

/* Reading a removes b, whose event may already be queued in this round. */
static void
on_a(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	struct pipes *p = ud;
	char c;

	assert_true(ev & EV_READ);
	assert_int_equal(read(fd, &c, 1), 1);
	p->got_a++;
	ev_io_del(l, p->b[0]);
}

static void
on_b(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	struct pipes *p = ud;

	(void)l;
	(void)fd;
	(void)ev;
	p->got_b++;
	ev_io_del(l, p->a[0]);
}

static void
fd_removed_mid_round_gets_no_event(void **state)
{
	struct ev_loop *l = ev_new();
	struct pipes p = { .got_a = 0 };

	(void)state;
	assert_int_equal(pipe(p.a), 0);
	assert_int_equal(pipe(p.b), 0);
	assert_int_equal(ev_io_set(l, p.a[0], EV_READ, on_a, &p), 0);
	assert_int_equal(ev_io_set(l, p.b[0], EV_READ, on_b, &p), 0);
	assert_int_equal(write(p.a[1], "x", 1), 1);
	assert_int_equal(write(p.b[1], "y", 1), 1);
	/* Both are ready; whichever handler runs first removes the other. */
	assert_int_equal(ev_run_once(l, EV_WAIT), 1);
	assert_int_equal(p.got_a + p.got_b, 1);
	ev_free(l);
	close(p.a[0]);
	close(p.a[1]);
	close(p.b[0]);
	close(p.b[1]);
}

static void
on_count(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	(void)l;
	(void)fd;
	(*(unsigned *)ud) |= ev;
}

static void
quiet_fd_waits_until_asked(void **state)
{
	struct ev_loop *l = ev_new();
	int p[2];
	unsigned got = 0;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	/* Registered with no events: readable, but not reported. */
	assert_int_equal(ev_io_set(l, p[0], 0, on_count, &got), 0);
	assert_int_equal(ev_run_once(l, 0), 0);
	assert_int_equal(got, 0);
	assert_int_equal(ev_io_set(l, p[0], EV_READ, on_count, &got), 0);
	assert_int_equal(ev_run_once(l, 0), 1);
	assert_int_equal(got, EV_READ);
	/* A write end asked for writing is writable at once. */
	got = 0;
	assert_int_equal(ev_io_set(l, p[1], EV_WRITE, on_count, &got), 0);
	ev_io_del(l, p[0]);
	assert_int_equal(ev_run_once(l, 0), 1);
	assert_int_equal(got, EV_WRITE);
	assert_int_equal(ev_io_set(l, -1, EV_READ, on_count, &got), MX_EINVAL);
	ev_free(l);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(rearm_and_stop_move_timers),
		cmocka_unit_test(timer_rearmed_for_now_does_not_spin),
		cmocka_unit_test(fd_removed_mid_round_gets_no_event),
		cmocka_unit_test(quiet_fd_waits_until_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
