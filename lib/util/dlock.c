/* dlock.c -- one diagnostic sink shared by several threads */
#include <string.h>

#include "util/dlock.h"

void
mx_dlock_init(struct mx_dlock *l, struct mx_diag *user)
{
	pthread_mutex_init(&l->mu, NULL);
	l->user = user;
}

void
mx_dlock_fini(struct mx_dlock *l)
{
	pthread_mutex_destroy(&l->mu);
}

void
mx_dlock_sink(struct mx_dlock *l, struct mx_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->fn = mx_dlock_fwd;
	d->ud = l;
	if (l->user != NULL)
		d->max_errors = l->user->max_errors;
}

void
mx_dlock_fwd(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg)
{
	struct mx_dlock *l = ud;
	struct mx_diag *u;

	pthread_mutex_lock(&l->mu);
	u = l->user;
	if (u != NULL) {
		/* Count as mx_vdiag would, then deliver within the limit. */
		if (level == MX_DIAG_ERROR)
			u->nerr++;
		else if (level == MX_DIAG_WARN)
			u->nwarn++;
		else
			u->ninfo++;
		if (u->fn != NULL && !(level == MX_DIAG_ERROR &&
		    u->max_errors != 0 && u->nerr > u->max_errors))
			u->fn(u->ud, level, w, code, msg);
	}
	pthread_mutex_unlock(&l->mu);
}
