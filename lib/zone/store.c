/* store.c -- the zone store: records by owner and type, cuts, ENTs, order */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mxkit/err.h"
#include "mxkit/zone.h"
#include "util/arena.h"

/* Open addressing with linear probing. Each slot keeps the name's hash
 * beside the node pointer, so that a probe touches a node only when the
 * hashes match: over a million names, every node touched is a cache miss.
 * Sizes are powers of two; the table doubles at three quarters full: with
 * the hash tags in the slots, the longer probes cost less than the memory
 * of a table kept half empty. */
#define STORE_FIRST_SLOTS 256u
#define STORE_MAX_FILES 65535u
#define STORE_POOL_MAX	4u

struct slot {
	uint32_t hash;
	struct zone_node *n;
};

struct zone_store {
	struct arena arena;
	struct mx_allocator al;
	struct slot *slot;
	size_t nslots, nnodes, nrecords;
	/* Every node in creation order: walks follow memory order (the arena
	 * hands out nodes in that order) instead of jumping around in hash
	 * order, and their order does not depend on the hash function. */
	struct zone_node **nodes;
	size_t nodes_cap;
	/* The RRsets that reached three records, with their nodes: the only
	 * ones finish has to sort (pairs are ordered as they arrive). */
	struct multi {
		struct zone_node *n;
		struct zone_rrset *s;
	} *multi;
	size_t nmulti, multi_cap;
	size_t ncuts;
	/* Nodes with the RRsets most checks look at (see zone.h). */
	struct zone_node **marked;
	size_t nmarked, marked_cap;
	struct zone_node *apex;
	struct zone_node *last;		/* node of the previous add */
	const char **files;
	size_t nfiles, files_cap;
	/* Full-size arena blocks made ready by another thread (see
	 * zone_store_prefill); only with the default allocator. */
	pthread_mutex_t pool_mu;
	void *pool[STORE_POOL_MAX];
	unsigned npool;
	int pooled;
	const char *last_wfile;		/* w->file of the last record added */
	uint16_t last_widx;		/* and its index */
};

static void *
al_alloc(struct zone_store *z, size_t n)
{
	return z->al.alloc(z->al.ud, n);
}

static void
al_free(struct zone_store *z, void *p)
{
	if (p != NULL)
		z->al.release(z->al.ud, p);
}

/*
 * Big blocks (arena blocks of a big zone, the hash table) come straight
 * from mmap with MAP_POPULATE: the kernel fills in all their pages at once
 * instead of taking one page fault per 4 KiB as the store writes them,
 * which cost a tenth of a second on a million names. A header before the
 * block remembers how it was obtained. (Huge pages would cut the TLB
 * misses of random lookups too, but on a machine whose memory is
 * fragmented the kernel compacts memory first and the load takes twice as
 * long: measured, and left out.)
 */
#define BIG_BLOCK	(1u << 20)
#define HDR		16u	/* keeps the block 16-byte aligned */

/*
 * Moves a vector of elem-sized entries to an array with room for cap of
 * them, keeping the first n, and frees the old array. Returns the new
 * array, or NULL (the old one is then kept) when out of memory.
 */
static void *
grow_vec(struct zone_store *z, void *old, size_t n, size_t cap, size_t elem)
{
	void *nv;

	if (cap > SIZE_MAX / elem)
		return NULL;
	nv = al_alloc(z, cap * elem);
	if (nv == NULL)
		return NULL;
	if (n > 0)
		memcpy(nv, old, n * elem);
	al_free(z, old);
	return nv;
}

static void *
std_alloc(void *ud, size_t n)
{
	uint8_t *p;

	(void)ud;
	if (n > SIZE_MAX - HDR)
		return NULL;
	if (n + HDR < BIG_BLOCK) {
		p = malloc(n + HDR);
		if (p == NULL)
			return NULL;
		memset(p, 0, HDR);
	} else {
		p = mmap(NULL, n + HDR, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		memcpy(p, &n, sizeof(n));
		p[HDR - 1] = 1;
	}
	return p + HDR;
}

static void
std_free(void *ud, void *q)
{
	uint8_t *p = (uint8_t *)q - HDR;
	size_t n;

	(void)ud;
	if (p[HDR - 1] == 1) {
		memcpy(&n, p, sizeof(n));
		munmap(p, n + HDR);
	} else {
		free(p);
	}
}

static struct zone_node *new_node(struct zone_store *z, const uint8_t *name,
    size_t len, uint32_t h);

/* The default allocator, taking full-size arena blocks from the pool of
 * blocks another thread prepared when there are some. */
static void *
pool_alloc(void *ud, size_t n)
{
	struct zone_store *z = ud;
	void *p = NULL;

	if (n == arena_max_request()) {
		pthread_mutex_lock(&z->pool_mu);
		if (z->npool > 0)
			p = z->pool[--z->npool];
		pthread_mutex_unlock(&z->pool_mu);
		if (p != NULL)
			return p;
	}
	return std_alloc(NULL, n);
}

int
zone_store_prefill(struct zone_store *z)
{
	void *p;

	if (!z->pooled)
		return 0;
	pthread_mutex_lock(&z->pool_mu);
	if (z->npool >= STORE_POOL_MAX) {
		pthread_mutex_unlock(&z->pool_mu);
		return 0;
	}
	pthread_mutex_unlock(&z->pool_mu);
	/* Made outside the lock: this is the slow part. */
	p = std_alloc(NULL, arena_max_request());
	if (p == NULL)
		return 0;
	pthread_mutex_lock(&z->pool_mu);
	if (z->npool < STORE_POOL_MAX) {
		z->pool[z->npool++] = p;
		p = NULL;
	}
	pthread_mutex_unlock(&z->pool_mu);
	if (p != NULL)
		std_free(NULL, p);
	return 1;
}

struct zone_store *
zone_store_new(const uint8_t *origin, size_t origin_len,
    const struct mx_allocator *al)
{
	struct mx_allocator std = { std_alloc, std_free, NULL };
	struct zone_store *z;
	int pooled = 0;

	if (al == NULL || al->alloc == NULL || al->release == NULL) {
		al = &std;
		pooled = 1;
	}
	if (dns_name_wire_len(origin, origin_len) != (int)origin_len)
		return NULL;
	z = al->alloc(al->ud, sizeof(*z));
	if (z == NULL)
		return NULL;
	memset(z, 0, sizeof(*z));
	z->al = *al;
	pthread_mutex_init(&z->pool_mu, NULL);
	if (pooled) {
		z->al.alloc = pool_alloc;
		z->al.ud = z;
		z->pooled = 1;
	}
	arena_init(&z->arena, &z->al);
	z->nslots = STORE_FIRST_SLOTS;
	z->slot = al_alloc(z, z->nslots * sizeof(*z->slot));
	if (z->slot == NULL)
		goto fail;
	memset(z->slot, 0, z->nslots * sizeof(*z->slot));
	z->apex = new_node(z, origin, origin_len,
	    dns_name_hash(origin, origin_len));
	if (z->apex == NULL)
		goto fail;
	z->apex->flags |= ZONE_NODE_APEX;
	return z;
fail:
	zone_store_free(z);
	return NULL;
}

void
zone_store_free(struct zone_store *z)
{
	if (z == NULL)
		return;
	arena_fini(&z->arena);
	while (z->npool > 0)
		std_free(NULL, z->pool[--z->npool]);
	pthread_mutex_destroy(&z->pool_mu);
	al_free(z, z->slot);
	al_free(z, z->nodes);
	al_free(z, z->multi);
	al_free(z, z->marked);
	al_free(z, z->files);
	z->al.release(z->al.ud, z);
}

unsigned
zone_type_bit(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_A: return ZONE_T_A;
	case DNS_TYPE_NS: return ZONE_T_NS;
	case DNS_TYPE_CNAME: return ZONE_T_CNAME;
	case DNS_TYPE_SOA: return ZONE_T_SOA;
	case DNS_TYPE_PTR: return ZONE_T_PTR;
	case DNS_TYPE_MX: return ZONE_T_MX;
	case DNS_TYPE_TXT: return ZONE_T_TXT;
	case DNS_TYPE_AAAA: return ZONE_T_AAAA;
	case DNS_TYPE_DS: return ZONE_T_DS;
	case DNS_TYPE_DNAME: return ZONE_T_DNAME;
	}
	return ZONE_T_OTHER;
}

/* Rehashes into a table of n slots (a power of two, more than now). */
static int
resize(struct zone_store *z, size_t n)
{
	size_t i, j;
	struct slot *s;

	if (n > SIZE_MAX / sizeof(*s))
		return MX_ENOMEM;
	s = al_alloc(z, n * sizeof(*s));
	if (s == NULL)
		return MX_ENOMEM;
	memset(s, 0, n * sizeof(*s));
	for (i = 0; i < z->nslots; i++) {
		if (z->slot[i].n == NULL)
			continue;
		for (j = z->slot[i].hash & (n - 1); s[j].n != NULL;
		    j = (j + 1) & (n - 1))
			;
		s[j] = z->slot[i];
	}
	al_free(z, z->slot);
	z->slot = s;
	z->nslots = n;
	return 0;
}

static int
grow(struct zone_store *z)
{
	return resize(z, z->nslots * 2);
}

int
zone_store_reserve(struct zone_store *z, size_t names)
{
	size_t n = z->nslots;
	struct zone_node **v;

	/* Room for names at three quarters full; no shrinking. */
	while (n / 4 * 3 < names && n < (SIZE_MAX / sizeof(*z->slot)) / 2)
		n *= 2;
	if (n > z->nslots && resize(z, n) != 0)
		return MX_ENOMEM;
	if (names > z->nodes_cap) {
		v = grow_vec(z, z->nodes, z->nnodes, names, sizeof(*v));
		if (v == NULL)
			return MX_ENOMEM;
		z->nodes = v;
		z->nodes_cap = names;
	}
	return 0;
}

static struct zone_node *
lookup(const struct zone_store *z, const uint8_t *name, size_t len,
    uint32_t h)
{
	size_t mask = z->nslots - 1, i;

	for (i = h & mask; z->slot[i].n != NULL; i = (i + 1) & mask) {
		struct zone_node *n = z->slot[i].n;

		if (z->slot[i].hash == h && n->name_len == len &&
		    dns_name_equal(n->name, len, name, len))
			return n;
	}
	return NULL;
}

/* Makes a node for a name known to be absent. */
static struct zone_node *
new_node(struct zone_store *z, const uint8_t *name, size_t len, uint32_t h)
{
	struct zone_node *n;
	size_t i;

	if (z->nnodes >= z->nslots / 4 * 3 && grow(z) != 0)
		return NULL;
	if (z->nnodes == z->nodes_cap) {
		size_t cap = z->nodes_cap ? z->nodes_cap * 2 : 256;
		struct zone_node **v = grow_vec(z, z->nodes, z->nnodes, cap,
		    sizeof(*v));

		if (v == NULL)
			return NULL;
		z->nodes = v;
		z->nodes_cap = cap;
	}
	n = arena_alloc(&z->arena, sizeof(*n) + len);
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->name_len = (uint8_t)len;
	memcpy(n->name, name, len);
	for (i = h & (z->nslots - 1); z->slot[i].n != NULL;
	    i = (i + 1) & (z->nslots - 1))
		;
	z->slot[i].hash = h;
	z->slot[i].n = n;
	z->nodes[z->nnodes++] = n;
	return n;
}

/* The node of name (which lies in the zone), created with every missing
 * ancestor, so that empty non-terminals exist as nodes. */
static struct zone_node *
get_node_h(struct zone_store *z, const uint8_t *name, size_t len, uint32_t h)
{
	struct zone_node *n = lookup(z, name, len, h), *p;
	size_t off;

	if (n != NULL)
		return n;
	off = dns_name_parent(name, len);
	/* Most names sit right below the apex: no hash for the parent. */
	if (len - off == z->apex->name_len &&
	    dns_name_equal(name + off, len - off, z->apex->name, len - off))
		p = z->apex;
	else
		p = get_node_h(z, name + off, len - off,
		    dns_name_hash(name + off, len - off));
	if (p == NULL)
		return NULL;
	n = new_node(z, name, len, h);
	if (n == NULL)
		return NULL;
	n->parent = p;
	if (name[0] == 1 && name[1] == '*')
		p->flags |= ZONE_NODE_WILDCARD_CHILD;
	return n;
}

int
zone_store_file(struct zone_store *z, const char *name)
{
	size_t i, n;
	char *copy;

	for (i = 0; i < z->nfiles; i++)
		if (strcmp(z->files[i], name) == 0)
			return (int)i;
	if (z->nfiles >= STORE_MAX_FILES)
		return MX_ELIMIT;
	if (z->nfiles == z->files_cap) {
		size_t cap = z->files_cap ? z->files_cap * 2 : 4;
		const char **f = al_alloc(z, cap * sizeof(*f));

		if (f == NULL)
			return MX_ENOMEM;
		if (z->nfiles > 0)
			memcpy(f, z->files, z->nfiles * sizeof(*f));
		al_free(z, z->files);
		z->files = f;
		z->files_cap = cap;
	}
	n = strlen(name) + 1;
	copy = arena_dup(&z->arena, name, n);
	if (copy == NULL)
		return MX_ENOMEM;
	z->files[z->nfiles] = copy;
	return (int)z->nfiles++;
}

/* Reports rd as a repeat of the record kept, which was written first. */
static void
dup_report(const struct zone_store *z, const struct zone_node *n,
    const struct zone_rrset *s, const struct zone_rdata *rd,
    const struct zone_rdata *kept, struct mx_diag *d)
{
	char on[DNS_NAME_TEXT_MAX], tn[16];
	struct mx_where w = {
		zone_store_file_name(z, rd->file), rd->line, rd->col
	};

	dns_name_to_text(n->name, n->name_len, on, sizeof(on));
	mx_diag(d, MX_DIAG_WARN, &w, "DUPLICATE-RR", "duplicate %s record at "
	    "%s (line %u); ignored (RFC 2181 5)",
	    dns_type_to_text(s->type, tn), on, (unsigned)kept->line);
}

void
zone_store_prefetch(const struct zone_store *z, uint32_t hash)
{
	__builtin_prefetch(&z->slot[hash & (z->nslots - 1)]);
}

void
zone_store_prefetch_node(const struct zone_store *z, uint32_t hash)
{
	size_t mask = z->nslots - 1, i, k;

	/* A few probes at most: this is a hint, not a lookup. */
	for (i = hash & mask, k = 0; k < 4 && z->slot[i].n != NULL;
	    i = (i + 1) & mask, k++) {
		if (z->slot[i].hash == hash) {
			__builtin_prefetch(z->slot[i].n);
			return;
		}
	}
}

int
zone_store_add(struct zone_store *z, const struct zone_rr *rr,
    const struct mx_where *w, struct mx_diag *d)
{
	return zone_store_add_hashed(z, rr, dns_name_hash(rr->owner,
	    rr->owner_len), w, d);
}

int
zone_store_add_hashed(struct zone_store *z, const struct zone_rr *rr,
    uint32_t hash, const struct mx_where *w, struct mx_diag *d)
{
	struct zone_node *n = z->last;
	struct zone_rrset *s;
	struct zone_rdata *rd;

	if (rr->rdlen > 65535)
		return MX_EINVAL;
	/* Consecutive records usually share their owner: skip the hash. */
	if (n == NULL || n->name_len != rr->owner_len ||
	    !dns_name_equal(n->name, n->name_len, rr->owner, rr->owner_len)) {
		if (!dns_name_is_sub(rr->owner, rr->owner_len, z->apex->name,
		    z->apex->name_len)) {
			char on[DNS_NAME_TEXT_MAX], zn[DNS_NAME_TEXT_MAX];

			dns_name_to_text(rr->owner, rr->owner_len, on,
			    sizeof(on));
			dns_name_to_text(z->apex->name, z->apex->name_len, zn,
			    sizeof(zn));
			mx_diag(d, MX_DIAG_ERROR, w, "OUT-OF-ZONE",
			    "%s is outside the zone %s; record ignored", on, zn);
			return MX_EINVAL;
		}
		n = get_node_h(z, rr->owner, rr->owner_len, hash);
		if (n == NULL)
			return MX_ENOMEM;
		z->last = n;
	}
	for (s = n->rrsets; s != NULL; s = s->next)
		if (s->type == rr->type && s->rclass == rr->rclass)
			break;
	if (s == NULL) {
		s = arena_alloc(&z->arena, sizeof(*s));
		if (s == NULL)
			return MX_ENOMEM;
		memset(s, 0, sizeof(*s));
		s->type = rr->type;
		s->rclass = rr->rclass;
		s->ttl = rr->ttl;
		s->next = n->rrsets;
		n->rrsets = s;
		n->flags |= ZONE_NODE_HAS_DATA;
		n->types |= (uint16_t)zone_type_bit(rr->type);
		if (rr->type == DNS_TYPE_NS && n != z->apex &&
		    !(n->flags & ZONE_NODE_CUT)) {
			n->flags |= ZONE_NODE_CUT;
			z->ncuts++;
		}
		if ((n->types & (ZONE_T_NS | ZONE_T_CNAME | ZONE_T_SOA |
		    ZONE_T_MX | ZONE_T_PTR | ZONE_T_DNAME)) != 0 &&
		    !(n->flags & ZONE_NODE_MARKED)) {
			if (z->nmarked == z->marked_cap) {
				size_t cap = z->marked_cap ?
				    z->marked_cap * 2 : 64;

				struct zone_node **v = grow_vec(z, z->marked,
				    z->nmarked, cap, sizeof(*v));

				if (v == NULL)
					return MX_ENOMEM;
				z->marked = v;
				z->marked_cap = cap;
			}
			n->flags |= ZONE_NODE_MARKED;
			z->marked[z->nmarked++] = n;
		}
	}
	rd = arena_alloc(&z->arena, sizeof(*rd) + rr->rdlen);
	if (rd == NULL)
		return MX_ENOMEM;
	rd->line = w != NULL ? w->line : 0;
	rd->col = (uint16_t)(w != NULL && w->col < 65535 ? w->col : 0);
	rd->file = 0;
	if (w != NULL && w->file != NULL) {
		/* The common case: the same pointer as the record before
		 * (see zone.h: a new string comes with a new pointer). */
		if (w->file != z->last_wfile) {
			int fi = zone_store_file(z, w->file);

			if (fi < 0)
				return fi;
			z->last_wfile = w->file;
			z->last_widx = (uint16_t)fi;
		}
		rd->file = z->last_widx;
	}
	rd->len = (uint16_t)rr->rdlen;
	if (rr->rdlen > 0)
		memcpy(rd->data, rr->rdata, rr->rdlen);
	/* Keep the TTL of the first record; finish reports differences. */
	if (s->count > 0 && rr->ttl != s->ttl) {
		char on[DNS_NAME_TEXT_MAX], tn[16];

		dns_name_to_text(rr->owner, rr->owner_len, on, sizeof(on));
		mx_diag(d, MX_DIAG_WARN, w, "TTL-MISMATCH",
		    "TTL %u of this %s record differs from %u of the others at "
		    "%s; all get the lowest (RFC 2181 5.2)", (unsigned)rr->ttl,
		    dns_type_to_text(rr->type, tn), (unsigned)s->ttl, on);
		if (rr->ttl < s->ttl)
			s->ttl = rr->ttl;
	}
	if (s->count == 1) {
		/* The second record: put the pair in canonical order now (a
		 * third one makes finish sort the RRset), or drop it when it
		 * repeats the first. Most multi-record RRsets are pairs. */
		int c = dns_rdata_cmp(s->type, rd->data, rd->len,
		    s->rdata->data, s->rdata->len);

		if (c == 0) {
			dup_report(z, n, s, rd, s->rdata, d);
			return 0;
		}
		if (c < 0) {
			rd->next = s->rdata;
			s->rdata = rd;
		} else {
			rd->next = NULL;
			s->rdata->next = rd;
		}
		s->count = 2;
		z->nrecords++;
		return 0;
	}
	rd->next = s->rdata;
	s->rdata = rd;
	if (++s->count == 3) {
		if (z->nmulti == z->multi_cap) {
			size_t cap = z->multi_cap ? z->multi_cap * 2 : 64;
			struct multi *v = grow_vec(z, z->multi, z->nmulti,
			    cap, sizeof(*v));

			if (v == NULL)
				return MX_ENOMEM;
			z->multi = v;
			z->multi_cap = cap;
		}
		z->multi[z->nmulti].n = n;
		z->multi[z->nmulti].s = s;
		z->nmulti++;
	}
	z->nrecords++;
	return 0;
}

/* qsort_r (glibc) passes the RR type, so there is no global sort state. */
static int
cmp_rdata(const void *a, const void *b, void *arg)
{
	const struct zone_rdata *x = *(const struct zone_rdata *const *)a;
	const struct zone_rdata *y = *(const struct zone_rdata *const *)b;
	uint16_t type = *(const uint16_t *)arg;
	int r = dns_rdata_cmp(type, x->data, x->len, y->data, y->len);

	/* Duplicates: the one written first comes first, whatever qsort's
	 * own order among equals, so the same one is kept and reported. */
	if (r != 0)
		return r;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

/*
 * Puts the rdata of s into canonical order and drops duplicates. tmp holds
 * at least s->count pointers.
 */
static void
sort_rrset(struct zone_store *z, const struct zone_node *n,
    struct zone_rrset *s, struct zone_rdata **tmp, struct mx_diag *d)
{
	struct zone_rdata *rd, **tail;
	uint32_t i, k = 0;

	for (rd = s->rdata; rd != NULL; rd = rd->next)
		tmp[k++] = rd;
	/* Equal records sort by where they were written (cmp_rdata), so
	 * the first written is kept whatever the order here. */
	if (k > 1)
		qsort_r(tmp, k, sizeof(*tmp), cmp_rdata, &s->type);
	tail = &s->rdata;
	s->count = 0;
	for (i = 0; i < k; i++) {
		if (i > 0 && dns_rdata_cmp(s->type, tmp[i]->data, tmp[i]->len,
		    tmp[i - 1]->data, tmp[i - 1]->len) == 0) {
			dup_report(z, n, s, tmp[i], tmp[i - 1], d);
			z->nrecords--;
			continue;
		}
		*tail = tmp[i];
		tail = &tmp[i]->next;
		s->count++;
	}
	*tail = NULL;
}

int
zone_store_finish(struct zone_store *z, struct mx_diag *d)
{
	struct zone_rdata **tmp = NULL;
	size_t tmpcap = 0, i;
	struct zone_node *n, *p;

	for (i = 0; i < z->nmulti; i++) {
		struct zone_rrset *s = z->multi[i].s;

		if (s->count > tmpcap) {
			al_free(z, tmp);
			tmpcap = s->count;
			tmp = al_alloc(z, tmpcap * sizeof(*tmp));
			if (tmp == NULL)
				return MX_ENOMEM;
		}
		sort_rrset(z, z->multi[i].n, s, tmp, d);
	}
	al_free(z, tmp);
	/* Occluded: strictly below a cut (cuts are marked as NS records
	 * arrive). A zone without delegations needs no walk at all. */
	for (i = 0; i < z->nnodes && z->ncuts > 0; i++) {
		n = z->nodes[i];
		for (p = n->parent; p != NULL; p = p->parent) {
			if (p->flags & ZONE_NODE_CUT) {
				n->flags |= ZONE_NODE_OCCLUDED;
				break;
			}
		}
	}
	return 0;
}

const uint8_t *
zone_store_origin(const struct zone_store *z, size_t *len)
{
	*len = z->apex->name_len;
	return z->apex->name;
}

const char *
zone_store_file_name(const struct zone_store *z, unsigned i)
{
	return i < z->nfiles ? z->files[i] : "-";
}

size_t
zone_store_count(const struct zone_store *z)
{
	return z->nrecords;
}

size_t
zone_store_names(const struct zone_store *z)
{
	return z->nnodes;
}

size_t
zone_store_bytes(const struct zone_store *z)
{
	return z->arena.total + z->nslots * sizeof(*z->slot) +
	    z->nodes_cap * sizeof(*z->nodes);
}

const struct zone_node *
zone_store_find(const struct zone_store *z, const uint8_t *name, size_t len)
{
	return lookup(z, name, len, dns_name_hash(name, len));
}

const struct zone_node *
zone_store_apex(const struct zone_store *z)
{
	return z->apex;
}

const struct zone_node *
zone_store_encloser(const struct zone_store *z, const uint8_t *name,
    size_t len)
{
	const struct zone_node *n;

	if (!dns_name_is_sub(name, len, z->apex->name, z->apex->name_len))
		return NULL;
	for (;;) {
		size_t off;

		n = zone_store_find(z, name, len);
		if (n != NULL)
			return n;
		off = dns_name_parent(name, len);
		name += off;
		len -= off;
	}
}

const struct zone_rrset *
zone_node_rrset(const struct zone_node *n, uint16_t type)
{
	const struct zone_rrset *s;
	unsigned bit = zone_type_bit(type);

	if ((n->types & bit) == 0)
		return NULL;
	for (s = n->rrsets; s != NULL; s = s->next)
		if (s->type == type)
			return s;
	return NULL;
}

int
zone_store_walk(const struct zone_store *z, zone_walk_fn *fn, void *ud)
{
	const struct zone_node *n;
	size_t i;
	int r;

	for (i = 0; i < z->nnodes; i++)
		if ((n = z->nodes[i]) != NULL && (r = fn(ud, n)) != 0)
			return r;
	return 0;
}

const struct zone_node *const *
zone_store_nodes(const struct zone_store *z, size_t *n)
{
	*n = z->nnodes;
	return (const struct zone_node *const *)z->nodes;
}

const struct zone_node *const *
zone_store_marked(const struct zone_store *z, size_t *n)
{
	*n = z->nmarked;
	return (const struct zone_node *const *)z->marked;
}

size_t
zone_store_cuts(const struct zone_store *z)
{
	return z->ncuts;
}

int
zone_store_walk_range(const struct zone_store *z, size_t from, size_t to,
    zone_walk_fn *fn, void *ud)
{
	size_t i;
	int r;

	if (to > z->nnodes)
		to = z->nnodes;
	for (i = from; i < to; i++)
		if ((r = fn(ud, z->nodes[i])) != 0)
			return r;
	return 0;
}

static int
cmp_node(const void *a, const void *b)
{
	const struct zone_node *x = *(const struct zone_node *const *)a;
	const struct zone_node *y = *(const struct zone_node *const *)b;

	return dns_name_cmp(x->name, x->name_len, y->name, y->name_len);
}

int
zone_store_walk_sorted(const struct zone_store *z, zone_walk_fn *fn,
    void *ud)
{
	const struct zone_node **v;
	struct zone_store *mz = (struct zone_store *)z;
	size_t i, k = 0;
	int r = 0;

	v = al_alloc(mz, (z->nnodes ? z->nnodes : 1) * sizeof(*v));
	if (v == NULL)
		return MX_ENOMEM;
	for (i = 0; i < z->nnodes; i++)
		v[k++] = z->nodes[i];
	qsort(v, k, sizeof(*v), cmp_node);
	for (i = 0; i < k && r == 0; i++)
		r = fn(ud, v[i]);
	al_free(mz, v);
	return r;
}
