/* zoneset.c -- the zones a server answers for, found by longest suffix */
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
	struct zone_store **z;
	size_t n, cap;
};

struct srv_zoneset *
srv_zoneset_new(void)
{
	return calloc(1, sizeof(struct srv_zoneset));
}

void
srv_zoneset_free(struct srv_zoneset *zs)
{
	size_t i;

	if (zs == NULL)
		return;
	for (i = 0; i < zs->n; i++)
		zone_store_free(zs->z[i]);
	free(zs->z);
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
	memmove(zs->z + at + 1, zs->z + at, (zs->n - at) * sizeof(*zs->z));
	zs->z[at] = z;
	zs->n++;
	return 0;
}

const struct zone_store *
srv_zoneset_find(const struct srv_zoneset *zs, const uint8_t *name,
    size_t len)
{
	size_t at;
	int found;

	if (zs == NULL || zs->n == 0)
		return NULL;
	for (;;) {
		at = search(zs, name, len, &found);
		if (found)
			return zs->z[at];
		if (len <= 1 || name[0] == 0)
			return NULL;
		at = dns_name_parent(name, len);
		name += at;
		len -= at;
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
