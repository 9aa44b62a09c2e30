/* alloc.h -- the allocator hook that long-lived objects are built with */
#pragma once

#include <stddef.h>

/*
 * Objects that own memory (arenas, zone stores) get it through this pair.
 * NULL where a struct mx_allocator * is taken means malloc/free. Tests pass
 * an allocator that fails the Nth call to prove every failure path is clean.
 */
typedef void *mx_alloc_fn(void *ud, size_t size);
typedef void mx_free_fn(void *ud, void *p);

struct mx_allocator {
	mx_alloc_fn *alloc;
	mx_free_fn *release;
	void *ud;
};
