/* zoneset.c -- the zones a server answers for, found by longest suffix */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/server.h"

/*
 * The stores sorted in canonical order of their origins. A lookup tries
 * the name and then each parent, longest first, with a binary search each:
 * a name has at most 127 labels, a server rarely more than a few thousand
 * zones, and the set never changes once built.
 */
struct srv_zoneset {
	/* References: the creator's, and one per srv_zoneset_hold (a zone
	 * transfer that must outlive a reload). The data never changes; only
	 * this count does, which is why a const set can be held. */
	_Atomic size_t refs;
	struct zone_store **z;
	size_t n, cap;
	/* Origins by hash (open addressing, at most half full), for the
	 * lookup on every query: one hash and a probe per suffix instead of
	 * a binary search of name comparisons. */
	struct zslot {
		uint32_t hash;
		const struct zone_store *z;
	} *slot;
	size_t nslots;
};

struct srv_zoneset *
srv_zoneset_new(void)
{
	struct srv_zoneset *zs = calloc(1, sizeof(*zs));

	if (zs != NULL)
		atomic_init(&zs->refs, 1);
	return zs;
}

const struct srv_zoneset *
srv_zoneset_hold(const struct srv_zoneset *zs)
{
	/* The set was allocated writable by srv_zoneset_new; const only
	 * says that its zones are not changed, and they are not. */
	atomic_fetch_add(&((struct srv_zoneset *)zs)->refs, 1);
	return zs;
}

void
srv_zoneset_drop(const struct srv_zoneset *zs)
{
	srv_zoneset_free((struct srv_zoneset *)zs);
}

void
srv_zoneset_free(struct srv_zoneset *zs)
{
	size_t i;

	if (zs == NULL)
		return;
	/* acq_rel: whoever frees sees every other holder's reads done. */
	if (atomic_fetch_sub_explicit(&zs->refs, 1, memory_order_acq_rel) != 1)
		return;
	for (i = 0; i < zs->n; i++)
		zone_store_free(zs->z[i]);
	free(zs->z);
	free(zs->slot);
	free(zs);
}

static int
cmp_origin(const struct zone_store *a, const uint8_t *name, size_t len)
{
	size_t alen;
	const uint8_t *ao = zone_store_origin(a, &alen);

	return dns_name_cmp(ao, alen, name, len);
}

/* Index of the zone with exactly this origin, or where it would go
 * (then *found is 0). */
static size_t
search(const struct srv_zoneset *zs, const uint8_t *name, size_t len,
    int *found)
{
	size_t lo = 0, hi = zs->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_origin(zs->z[mid], name, len);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
srv_zoneset_add(struct srv_zoneset *zs, struct zone_store *z)
{
	const uint8_t *o;
	size_t olen, at;
	int found;

	o = zone_store_origin(z, &olen);
	at = search(zs, o, olen, &found);
	if (found) {
		zone_store_free(z);
		return MX_EEXIST;
	}
	if (zs->n == zs->cap) {
		size_t cap = zs->cap ? zs->cap * 2 : 8;
		struct zone_store **v = realloc(zs->z, cap * sizeof(*v));

		if (v == NULL) {
			zone_store_free(z);
			return MX_ENOMEM;
		}
		zs->z = v;
		zs->cap = cap;
	}
	if (2 * (zs->n + 1) > zs->nslots) {
		size_t ns = zs->nslots ? zs->nslots * 2 : 16, i, j;
		struct zslot *v = calloc(ns, sizeof(*v));

		if (v == NULL) {
			zone_store_free(z);
			return MX_ENOMEM;
		}
		for (i = 0; i < zs->nslots; i++) {
			if (zs->slot[i].z == NULL)
				continue;
			for (j = zs->slot[i].hash & (ns - 1); v[j].z != NULL;
			    j = (j + 1) & (ns - 1))
				;
			v[j] = zs->slot[i];
		}
		free(zs->slot);
		zs->slot = v;
		zs->nslots = ns;
	}
	{
		uint32_t h = dns_name_hash(o, olen);
		size_t j;

		for (j = h & (zs->nslots - 1); zs->slot[j].z != NULL;
		    j = (j + 1) & (zs->nslots - 1))
			;
		zs->slot[j].hash = h;
		zs->slot[j].z = z;
	}
	memmove(zs->z + at + 1, zs->z + at, (zs->n - at) * sizeof(*zs->z));
	zs->z[at] = z;
	zs->n++;
	return 0;
}

const struct zone_store *
srv_zoneset_find(const struct srv_zoneset *zs, const uint8_t *name,
    size_t len)
{
	size_t mask, j, off;

	if (zs == NULL || zs->n == 0)
		return NULL;
	mask = zs->nslots - 1;
	for (;;) {
		uint32_t h = dns_name_hash(name, len);

		for (j = h & mask; zs->slot[j].z != NULL; j = (j + 1) & mask) {
			const uint8_t *o;
			size_t olen;

			if (zs->slot[j].hash != h)
				continue;
			o = zone_store_origin(zs->slot[j].z, &olen);
			if (dns_name_equal(o, olen, name, len))
				return zs->slot[j].z;
		}
		if (len <= 1 || name[0] == 0)
			return NULL;
		off = dns_name_parent(name, len);
		name += off;
		len -= off;
	}
}

size_t
srv_zoneset_count(const struct srv_zoneset *zs)
{
	return zs != NULL ? zs->n : 0;
}

const struct zone_store *
srv_zoneset_zone(const struct srv_zoneset *zs, size_t i)
{
	return zs != NULL && i < zs->n ? zs->z[i] : NULL;
}
