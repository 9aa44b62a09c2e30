/* arena.h -- region allocator: many small allocations, freed all at once */
#pragma once

#include <stddef.h>

#include "mxkit/alloc.h"

/*
 * An arena hands out memory from big blocks obtained from its allocator and
 * frees them all together (NSD's regions, Knot's mm). Objects in an arena
 * have no individual free. The allocator is a pair of function pointers so
 * that tests can inject failures (SQLite's faultsim); NULL means malloc/free.
 */
struct arena_block;

struct arena {
	struct arena_block *head;	/* current block, chained to older ones */
	char *pos, *end;		/* free room in the current block */
	size_t block_size;		/* size of the next ordinary block */
	size_t total;			/* bytes obtained from the allocator */
	struct mx_allocator al;
};

/* Prepares an empty arena; allocates nothing yet. al NULL: malloc/free. */
void arena_init(struct arena *a, const struct mx_allocator *al);
/* Frees every block; the arena is empty and reusable afterwards. */
void arena_fini(struct arena *a);
/*
 * Returns size bytes aligned for any object, or NULL when the allocator
 * fails (the arena stays valid). size 0 returns a valid unique pointer.
 */
void *arena_alloc(struct arena *a, size_t size);
/* As arena_alloc with alignment 1: for byte strings. */
void *arena_alloc_bytes(struct arena *a, size_t size);
/* The size an arena asks its allocator for once its blocks are full size,
 * so that an allocator can keep such blocks ready. */
size_t arena_max_request(void);
/* Copies n bytes into the arena; NULL on failure. */
void *arena_dup(struct arena *a, const void *p, size_t n);
