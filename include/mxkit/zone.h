/* zone.h -- master files (RFC 1035 5), the zone store, zone checks */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/alloc.h"
#include "mxkit/diag.h"
#include "mxkit/dns.h"

/*
 * One resource record, the single representation that flows from zone text
 * to the store to the wire: owner and rdata in uncompressed wire form.
 * Pointers are borrowed; see each function for how long they live.
 */
struct zone_rr {
	const uint8_t *owner;
	size_t owner_len;
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *rdata;
	size_t rdlen;
};

/*
 * Receives each record as it is parsed, with where it was written (w->col is
 * the column of the first rdata token). The record is valid only during the
 * call; w->file stays valid until the parse returns, and one pointer names
 * one file for the whole parse (so comparing pointers is enough). Return 0 to go on, or a negative MX_E* code to stop the parse with
 * that code.
 */
typedef int zone_accept_fn(void *ud, const struct zone_rr *rr,
    const struct mx_where *w);

/* Parser flags. */
#define ZONE_NO_INCLUDE	0x1u	/* refuse $INCLUDE (untrusted zone text) */

/* $INCLUDE nesting limit by default; a file including itself stops here. */
#define ZONE_INCLUDE_DEPTH 8
/* Errors reported before the parser gives up by default. */
#define ZONE_MAX_ERRORS	100

struct zone_parse_opts {
	const char *file;		/* name for messages (and the file to read) */
	const uint8_t *origin;		/* initial $ORIGIN, wire form; NULL: root */
	size_t origin_len;
	uint32_t default_ttl;		/* TTL before any $TTL or SOA */
	int have_default_ttl;		/* 0: a record without TTL is an error
					   until $TTL or the SOA gives one */
	uint16_t rclass;		/* class of the zone; 0: IN */
	unsigned flags;			/* ZONE_NO_INCLUDE */
	unsigned include_depth;		/* 0: ZONE_INCLUDE_DEPTH */
	struct mx_diag *diag;		/* where errors go; max_errors applies */
	zone_accept_fn *accept;
	void *ud;
};

/*
 * Parses a master file. Every syntax error is reported through o->diag with
 * file:line:col and a stable code, and the parser goes on with the next
 * entry until o->diag's max_errors is reached. Returns 0 when the whole text
 * parsed cleanly, MX_ESYNTAX when errors were reported, MX_ETOOMANY when the
 * error limit stopped it, MX_EIO/MX_ENOENT when the file cannot be read, or
 * the code an accept callback returned.
 */
int zone_parse_file(const struct zone_parse_opts *o);
/* As zone_parse_file on text in memory; $INCLUDE paths are relative to the
 * current directory. */
int zone_parse_string(const struct zone_parse_opts *o, const char *text,
    size_t len);

/*
 * Parses the master file of o into z (o->accept and o->ud are not used),
 * with parsing and storing overlapped on two threads. The store ends up as
 * a single-threaded load would leave it; diagnostics of both threads reach
 * o->diag one at a time. Returns as zone_parse_file, or MX_ENOMEM.
 * zone_store_finish is still the caller's to call.
 */
struct zone_store;
int zone_load_file(struct zone_store *z, const struct zone_parse_opts *o);

/*
 * The zone store: the records of one zone, looked up by owner and type.
 *
 * A store is built by zone_store_add for each record, then
 * zone_store_finish, after which it is read-only and may be shared between
 * threads without locks. All its memory lives in its own arena and goes away
 * with zone_store_free.
 */
struct zone_store;
struct zone_node;
struct zone_rrset;

/* One rdata of an RRset, with where it came from. */
struct zone_rdata {
	struct zone_rdata *next;
	uint32_t line;
	uint16_t col;
	uint16_t file;		/* index into the store's file names */
	uint16_t len;
	uint8_t data[];
};

struct zone_rrset {
	struct zone_rrset *next;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint32_t count;
	struct zone_rdata *rdata;	/* canonical order after finish */
};

/* Node flags. */
#define ZONE_NODE_APEX	0x01u	/* the zone's origin */
#define ZONE_NODE_CUT	0x02u	/* delegation point: NS, not the apex */
#define ZONE_NODE_OCCLUDED 0x04u	/* below a cut (glue or occluded data) */
#define ZONE_NODE_WILDCARD_CHILD 0x08u	/* "*.<this>" exists */
#define ZONE_NODE_HAS_DATA 0x10u	/* owns at least one RRset */
#define ZONE_NODE_MARKED 0x20u	/* in zone_store_marked's list */

/* Bits of zone_node.types: which common RRsets a node owns, so that
 * lookups and checks over a million names need not walk the RRset lists. */
#define ZONE_T_A	0x001u
#define ZONE_T_NS	0x002u
#define ZONE_T_CNAME	0x004u
#define ZONE_T_SOA	0x008u
#define ZONE_T_PTR	0x010u
#define ZONE_T_MX	0x020u
#define ZONE_T_TXT	0x040u
#define ZONE_T_AAAA	0x080u
#define ZONE_T_DS	0x100u
#define ZONE_T_DNAME	0x200u
#define ZONE_T_OTHER	0x8000u	/* any type without a bit of its own */

struct zone_node {
	struct zone_node *parent;	/* NULL for the apex */
	struct zone_rrset *rrsets;
	uint16_t flags;
	uint16_t types;			/* ZONE_T_* */
	uint8_t name_len;
	uint8_t name[];			/* wire form, case as first written */
};

/* The ZONE_T_* bit of a type (ZONE_T_OTHER for the rest). */
unsigned zone_type_bit(uint16_t type);

/*
 * Creates an empty store for the zone at origin; all its memory comes from
 * al (NULL: malloc/free). Returns NULL when out of memory.
 */
struct zone_store *zone_store_new(const uint8_t *origin, size_t origin_len,
    const struct mx_allocator *al);
void zone_store_free(struct zone_store *z);

/*
 * Adds one record (copied into the store). Records outside the zone are
 * reported (OUT-OF-ZONE) and not stored. The file name of w is copied once
 * and remembered by pointer: a caller that changes the string behind
 * w->file must pass another pointer with the new name. Returns 0, MX_ENOMEM, or
 * MX_EINVAL for an out-of-zone record.
 */
int zone_store_add(struct zone_store *z, const struct zone_rr *rr,
    const struct mx_where *w, struct mx_diag *d);

/*
 * The same with the owner's hash already computed (dns_name_hash), for
 * loaders that hash on another thread; zone_store_prefetch asks the CPU to
 * bring the hash slot of a record that will be added soon into the cache.
 * Over a million names nearly every slot is a cache miss otherwise.
 */
int zone_store_add_hashed(struct zone_store *z, const struct zone_rr *rr,
    uint32_t hash, const struct mx_where *w, struct mx_diag *d);
void zone_store_prefetch(const struct zone_store *z, uint32_t hash);
/* The second step, once the slot is in the cache: fetches the node that
 * the slot names, so that a batch of lookups overlaps both misses. */
void zone_store_prefetch_node(const struct zone_store *z, uint32_t hash);

/*
 * Prepares one more block of memory for a store that uses the default
 * allocator, so that the thread adding records need not wait for the
 * kernel to provide it. Safe to call from another thread while records are
 * added. Returns 1 when it added a block, 0 when the store has enough (or
 * its own allocator).
 */
int zone_store_prefill(struct zone_store *z);

/*
 * Makes room for about names owner names at once, so that loading a big
 * zone does not rehash its table several times on the way. A hint: more
 * names still fit, fewer waste the room. Returns 0 or MX_ENOMEM.
 */
int zone_store_reserve(struct zone_store *z, size_t names);

/*
 * Registers a file name for the where of later records; returns its index
 * (at most 65535 files per zone) or a negative code.
 */
int zone_store_file(struct zone_store *z, const char *name);

/*
 * Ends loading: sorts each RRset into canonical order, removes duplicate
 * records (reported as DUPLICATE-RR warnings), unifies TTLs inside each
 * RRset to the lowest one (RFC 2181 5.2; TTL-MISMATCH warnings), marks zone
 * cuts and occluded names. Returns 0 or MX_ENOMEM.
 */
int zone_store_finish(struct zone_store *z, struct mx_diag *d);

/* The origin of the zone (wire form). */
const uint8_t *zone_store_origin(const struct zone_store *z, size_t *len);
/* The name of file index i, or "-". */
const char *zone_store_file_name(const struct zone_store *z, unsigned i);
/* Number of records and of owner names stored. */
size_t zone_store_count(const struct zone_store *z);
size_t zone_store_names(const struct zone_store *z);
/* Bytes the store holds (its arena plus its hash table). */
size_t zone_store_bytes(const struct zone_store *z);

/* The node for an exact name (case-insensitive), or NULL. Empty
 * non-terminals exist as nodes without RRsets. */
const struct zone_node *zone_store_find(const struct zone_store *z,
    const uint8_t *name, size_t len);
/* The apex node. */
const struct zone_node *zone_store_apex(const struct zone_store *z);
/*
 * The closest encloser of name: the deepest existing node that is name or
 * one of its ancestors (at worst the apex). NULL if name is not in the zone.
 */
const struct zone_node *zone_store_encloser(const struct zone_store *z,
    const uint8_t *name, size_t len);
/* The RRset of type at node, or NULL. */
const struct zone_rrset *zone_node_rrset(const struct zone_node *n,
    uint16_t type);

/*
 * Calls fn for every node in canonical order (RFC 4034 6.1), empty
 * non-terminals included. Returns 0, MX_ENOMEM, or what fn returned.
 */
typedef int zone_walk_fn(void *ud, const struct zone_node *n);
int zone_store_walk_sorted(const struct zone_store *z, zone_walk_fn *fn,
    void *ud);
/*
 * The nodes in creation order, and the nodes that own an NS, CNAME, SOA,
 * MX, PTR or DNAME RRset (the ones most checks are about), also in creation
 * order; *n is set to how many. Valid until the store changes. And the
 * number of delegation points (zone cuts).
 */
const struct zone_node *const *zone_store_nodes(const struct zone_store *z,
    size_t *n);
const struct zone_node *const *zone_store_marked(const struct zone_store *z,
    size_t *n);
size_t zone_store_cuts(const struct zone_store *z);

/* As zone_store_walk for the nodes numbered from..to-1 in that order
 * (0 <= from <= to <= zone_store_names), so that threads can share a walk. */
int zone_store_walk_range(const struct zone_store *z, size_t from, size_t to,
    zone_walk_fn *fn, void *ud);
/* As zone_store_walk_sorted, in the order the names were first seen
 * (fast: no sorting, memory order). */
int zone_store_walk(const struct zone_store *z, zone_walk_fn *fn, void *ud);

/*
 * Zone checks (mxkit zone check): the structural rules (SOA and NS at the
 * apex, one SOA, CNAME beside other data, data below a cut that is not glue)
 * and the mail rules one zone can show (MX target an IP address, an alias,
 * without address, null MX misuse, forgotten trailing dot, PTR target an IP
 * address). Each finding goes to d with its code and the place of the
 * record. Big zones are checked on two threads; the findings then arrive
 * in no particular order, one at a time. Returns 0 or MX_ENOMEM.
 */
int zone_check(const struct zone_store *z, struct mx_diag *d);
