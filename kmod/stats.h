/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Service's connection counters, per CPU (stats.c).
 */
#ifndef _KSVC_STATS_H
#define _KSVC_STATS_H

#include "ksvc.h"

#define KSVC_CTR_CHUNK		512
#define KSVC_CTR_CONNS		0
#define KSVC_CTR_REJECTS	1
#define KSVC_CTR_EP(i)		(2 + (i))
struct ksvc_ctrs {
	u32 n;
	u64 __percpu *chunk[];	/* DIV_ROUND_UP(n, KSVC_CTR_CHUNK) */
};

/* Count one in counter i; packet path, any context. */
static inline void ksvc_ctr_inc(struct ksvc_ctrs *c, u32 i)
{
	this_cpu_inc(*(c->chunk[i / KSVC_CTR_CHUNK] + i % KSVC_CTR_CHUNK));
}

struct ksvc_ctrs *ksvc_ctrs_alloc(u32 n_eps);
struct ksvc_ctrs *ksvc_ctrs_grow(struct ksvc_ctrs *c, u32 n_eps);
void ksvc_ctrs_free(struct ksvc_ctrs *c);
u64 ksvc_ctr_read(const struct ksvc_ctrs *c, u32 i);
void ksvc_ctr_carry(struct ksvc_ctrs *to, u32 di,
		    const struct ksvc_ctrs *from, u32 si);

#endif /* _KSVC_STATS_H */
