/* arena.c -- region allocator: many small allocations, freed all at once */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Blocks start at 16 KiB and double up to 4 MiB: small zones stay small,
 * a million-name zone makes a few hundred blocks, not millions of mallocs. */
#define ARENA_FIRST_BLOCK	(16u * 1024)
/* Just under 4 MiB, so that a block and the allocator's header fill
 * exactly two huge pages when the allocator asks for them. */
#define ARENA_MAX_BLOCK		(4u * 1024 * 1024 - 64)
/* 8 bytes suits every object mxkit stores (pointers, uint64_t); 16 would
 * waste a quarter of a small record. */
#define ARENA_ALIGN		8u

struct arena_block {
	struct arena_block *prev;
	size_t size;
	alignas(max_align_t) char data[];
};

static void *
default_alloc(void *ud, size_t size)
{
	(void)ud;
	return malloc(size);
}

static void
default_free(void *ud, void *p)
{
	(void)ud;
	free(p);
}

void
arena_init(struct arena *a, const struct mx_allocator *al)
{
	memset(a, 0, sizeof(*a));
	a->block_size = ARENA_FIRST_BLOCK;
	if (al != NULL && al->alloc != NULL && al->release != NULL) {
		a->al = *al;
	} else {
		a->al.alloc = default_alloc;
		a->al.release = default_free;
	}
}

void
arena_fini(struct arena *a)
{
	struct arena_block *b, *prev;

	for (b = a->head; b != NULL; b = prev) {
		prev = b->prev;
		a->al.release(a->al.ud, b);
	}
	a->head = NULL;
	a->pos = a->end = NULL;
	a->block_size = ARENA_FIRST_BLOCK;
	a->total = 0;
}

/* Gets a new block with at least need bytes of room and makes it current. */
static int
arena_grow(struct arena *a, size_t need)
{
	struct arena_block *b;
	size_t size = a->block_size;

	if (need > SIZE_MAX / 2 - sizeof(*b))
		return -1;
	if (size < need)
		size = need;
	b = a->al.alloc(a->al.ud, sizeof(*b) + size);
	if (b == NULL)
		return -1;
	b->prev = a->head;
	b->size = size;
	a->head = b;
	a->pos = b->data;
	a->end = b->data + size;
	a->total += sizeof(*b) + size;
	if (a->block_size < ARENA_MAX_BLOCK) {
		a->block_size *= 2;
		if (a->block_size > ARENA_MAX_BLOCK)
			a->block_size = ARENA_MAX_BLOCK;
	}
	return 0;
}

void *
arena_alloc_bytes(struct arena *a, size_t size)
{
	void *p;

	if (a->pos == NULL || size > (size_t)(a->end - a->pos)) {
		if (arena_grow(a, size) != 0)
			return NULL;
	}
	p = a->pos;
	a->pos += size;
	return p;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	uintptr_t mis;

	if (a->pos != NULL) {
		mis = (uintptr_t)a->pos & (ARENA_ALIGN - 1);
		if (mis != 0) {
			size_t pad = ARENA_ALIGN - mis;
			if (pad > (size_t)(a->end - a->pos))
				a->pos = a->end;
			else
				a->pos += pad;
		}
	}
	/* Round up so that the next aligned request wastes less. */
	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size = (size + 7) & ~(size_t)7;
	return arena_alloc_bytes(a, size);
}

size_t
arena_max_request(void)
{
	return sizeof(struct arena_block) + ARENA_MAX_BLOCK;
}

void *
arena_dup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc_bytes(a, n);

	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}
