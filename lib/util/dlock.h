/* dlock.h -- one diagnostic sink shared by several threads */
#pragma once

#include <pthread.h>

#include "mxkit/diag.h"

/*
 * Each thread reports to a struct mx_diag of its own whose fn is
 * mx_dlock_fwd and ud a struct mx_dlock; the forwarder counts in, and
 * delivers to, the caller's sink one diagnostic at a time. The caller's
 * max_errors still applies to what is delivered.
 */
struct mx_dlock {
	pthread_mutex_t mu;
	struct mx_diag *user;	/* may be NULL: count nothing, say nothing */
};

void mx_dlock_init(struct mx_dlock *l, struct mx_diag *user);
void mx_dlock_fini(struct mx_dlock *l);
/* Prepares a per-thread sink forwarding to l. */
void mx_dlock_sink(struct mx_dlock *l, struct mx_diag *d);
void mx_dlock_fwd(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg);
