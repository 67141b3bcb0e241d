// SPDX-License-Identifier: GPL-2.0
/*
 * Connection counters, per CPU.  The packet path counts every new
 * connection of a Service (and of the endpoint it chose) and every one it
 * refused; shared atomics there would bounce one cache line between every
 * CPU that opens connections to a busy Service.  Each CPU counts in its own
 * copy and a dump sums them, as x_tables and nf_tables count their rules.
 *
 * A Service's counters are one array: its connections, its refusals, then
 * one per endpoint.  The per-CPU allocator takes at most 32 KiB at a time,
 * so the array is made of chunks of KSVC_CTR_CHUNK counters (4 KiB), the
 * last one only as long as it needs to be: a Service with 10 endpoints
 * takes 96 bytes a CPU, not 4 KiB (on a node with 64 CPUs, 10,000 such
 * Services would otherwise hold 2.5 GiB).
 *
 * On a 32-bit kernel a sum can read a counter half-updated; ksvc's counters
 * are statistics, not limits, and Debian ships no 32-bit kernel that runs
 * it, so they go without u64_stats_sync's extra reads.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include "stats.h"

static u32 ksvc_ctrs_chunks(u32 n)
{
	return DIV_ROUND_UP(n, KSVC_CTR_CHUNK);
}

/* The length of chunk k of an array of n counters. */
static u32 ksvc_chunk_len(u32 n, u32 k)
{
	return min_t(u32, n - k * KSVC_CTR_CHUNK, KSVC_CTR_CHUNK);
}

static void ksvc_ctrs_put_chunks(struct ksvc_ctrs *c, u32 from)
{
	u32 k;

	for (k = from; k < ksvc_ctrs_chunks(c->n); k++)
		free_percpu(c->chunk[k]);
}

/* Counters for a Service with n_eps endpoints, all zero. */
struct ksvc_ctrs *ksvc_ctrs_alloc(u32 n_eps)
{
	struct ksvc_ctrs *c;

	c = ksvc_ctrs_grow(NULL, n_eps);
	return IS_ERR(c) ? NULL : c;
}

/*
 * Room for n_eps endpoints: c itself if it has it, else a new array that
 * takes over c's full chunks and a copy of its last one if that was short
 * (c is freed; the Service is not published yet, so no CPU counts in it).
 * On failure c is left as it was.
 */
struct ksvc_ctrs *ksvc_ctrs_grow(struct ksvc_ctrs *c, u32 n_eps)
{
	u32 n = KSVC_CTR_EP(n_eps), have = c ? ksvc_ctrs_chunks(c->n) : 0;
	u32 want = ksvc_ctrs_chunks(n), keep = have, k, i;
	struct ksvc_ctrs *nc;

	if (c && n <= c->n)
		return c;
	if (have && ksvc_chunk_len(c->n, have - 1) < KSVC_CTR_CHUNK)
		keep--;
	nc = kvzalloc(struct_size(nc, chunk, want), GFP_KERNEL_ACCOUNT);
	if (!nc)
		return ERR_PTR(-ENOMEM);
	nc->n = n;
	for (k = keep; k < want; k++) {
		nc->chunk[k] = __alloc_percpu_gfp(ksvc_chunk_len(n, k) * sizeof(u64),
						  sizeof(u64),
						  GFP_KERNEL_ACCOUNT);
		if (!nc->chunk[k]) {
			nc->n = k * KSVC_CTR_CHUNK;
			ksvc_ctrs_put_chunks(nc, keep);
			kvfree(nc);
			return ERR_PTR(-ENOMEM);
		}
	}
	if (!c)
		return nc;
	memcpy(nc->chunk, c->chunk, keep * sizeof(nc->chunk[0]));
	if (keep < have) {
		for (i = keep * KSVC_CTR_CHUNK; i < c->n; i++)
			ksvc_ctr_carry(nc, i, c, i);
		free_percpu(c->chunk[keep]);
	}
	kvfree(c);
	return nc;
}

/* Free counters no CPU counts in any more (after a grace period). */
void ksvc_ctrs_free(struct ksvc_ctrs *c)
{
	if (!c)
		return;
	ksvc_ctrs_put_chunks(c, 0);
	kvfree(c);
}

u64 ksvc_ctr_read(const struct ksvc_ctrs *c, u32 i)
{
	u64 __percpu *p = c->chunk[i / KSVC_CTR_CHUNK] + i % KSVC_CTR_CHUNK;
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(p, cpu));
	return sum;
}

/*
 * Carry counter si of from into counter di of to, CPU by CPU (to is not
 * published yet; what from counts meanwhile is lost, as before a swap).
 */
void ksvc_ctr_carry(struct ksvc_ctrs *to, u32 di,
		    const struct ksvc_ctrs *from, u32 si)
{
	u64 __percpu *d = to->chunk[di / KSVC_CTR_CHUNK] + di % KSVC_CTR_CHUNK;
	u64 __percpu *s = from->chunk[si / KSVC_CTR_CHUNK] + si % KSVC_CTR_CHUNK;
	int cpu;

	for_each_possible_cpu(cpu) {
		u64 v = READ_ONCE(*per_cpu_ptr(s, cpu));

		WRITE_ONCE(*per_cpu_ptr(d, cpu), v);
	}
}
