/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation that cannot fail: out of memory ends ksvcctl, as in most
 * command-line tools (every caller would only print a message and exit,
 * and the error paths would outnumber the code).
 */
#ifndef KS_XALLOC_H
#define KS_XALLOC_H

#include <stddef.h>

/* "out of memory" and exit(1), for what other libraries failed to allocate. */
void xalloc_die(void) __attribute__((noreturn));
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *old, size_t size);
char *xstrdup(const char *s);
/* Grow *v (of elem-sized items, capacity *cap) to hold at least need. */
void grow(void *v, size_t *cap, size_t need, size_t elem);

#endif
