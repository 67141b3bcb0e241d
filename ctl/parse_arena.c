// SPDX-License-Identifier: GPL-2.0
/*
 * Arenas: bump allocation in chunks, released whole or back to a mark
 * (a document's tree, a List item's nodes).
 */
#include "parse_int.h"

struct arena_chunk {
	struct arena_chunk *prev;
	size_t size, used;
	char data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->top;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (!c || c->size - c->used < size) {
		size_t cs = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + cs);
		c->prev = a->top;
		c->size = cs;
		c->used = 0;
		a->top = c;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
	return memset(arena_alloc(a, size), 0, size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->top, a->top ? a->top->used : 0 };

	return m;
}

/* Free everything allocated after m. */
void arena_release(struct arena *a, struct arena_mark m)
{
	while (a->top != m.chunk) {
		struct arena_chunk *c = a->top;

		a->top = c->prev;
		free(c);
	}
	if (a->top)
		a->top->used = m.used;
}

void arena_free(struct arena *a)
{
	struct arena_mark none = { NULL, 0 };

	arena_release(a, none);
}
