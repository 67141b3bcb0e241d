// SPDX-License-Identifier: GPL-2.0
/* Allocation that cannot fail (xalloc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void xalloc_die(void)
{
	fputs("ksvcctl: out of memory\n", stderr);
	exit(1);
}

static void *check(void *p)
{
	if (!p)
		xalloc_die();
	return p;
}

void *xmalloc(size_t size)
{
	return check(malloc(size ? size : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *old, size_t size)
{
	return check(realloc(old, size ? size : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

void grow(void *v, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*(void **)v = xrealloc(*(void **)v, c * elem);
	*cap = c;
}
