// SPDX-License-Identifier: GPL-2.0
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016) as an endpoint
 * choice (the annotation ksvc.io/algorithm: maglev): the endpoint of a new
 * connection is a function of its 5-tuple, the namespace's seed and the
 * port's usable endpoints only.  Every node with the same endpoints and
 * seed (ksvcctl config --maglev-seed) picks the same one for a flow, so a
 * flow that an ECMP router moves to another node meets the same endpoint
 * there; an endpoint that goes moves only the flows it had, and about
 * 1/N of them when one comes.
 *
 * Each endpoint has a preference list over the table's M slots (M prime:
 * ksvcctl config --maglev-table-size), an offset and a skip from a keyed
 * hash of its address and port; the endpoints take turns, in the order of
 * their addresses (the same on every node, whatever the node-local order
 * of the array), each claiming the next free slot of its list until every
 * slot is taken.  Turns make the slot counts differ by one at most.  The
 * tables are built at commit, under the namespace's lock, before anything
 * is published (a failure refuses the batch); the packet path only reads
 * one slot.  The Cluster set of each port and family gets a table; traffic
 * under a Local policy, and a set larger than M, picks at random.
 */
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "maglev.h"
#include "select.h"

/* Domain tags of the two hashes, keyed by the seed. */
#define KSVC_MAG_EP_TAG		0x6b7376636d616701ULL
#define KSVC_MAG_FLOW_TAG	0x6b7376636d616702ULL

bool ksvc_maglev_size_ok(u32 m)
{
	u32 d;

	if (m < KSVC_MAGLEV_MIN || m > KSVC_MAGLEV_MAX)
		return false;
	for (d = 2; d * d <= m; d++)
		if (!(m % d))
			return false;
	return true;
}

struct ksvc_mag_ep {
	u8 buf[20];	/* family, port, address: what the hash reads */
	u32 index;	/* in the usable set */
	u32 next;	/* its next candidate slot */
	u32 skip;
};

static int ksvc_mag_cmp(const void *a, const void *b, const void *priv)
{
	const struct ksvc_mag_ep *x = a, *y = b;

	return memcmp(x->buf, y->buf, sizeof(x->buf));
}

/* Fill tab[0..m) with indices into eps[0..n) (n <= m). */
static int ksvc_mag_fill(u16 *tab, u32 m, const struct ksvc_ep *eps, u32 n,
			 const siphash_key_t *key)
{
	struct ksvc_mag_ep *e;
	u32 i, filled = 0;

	e = kvmalloc_array(n, sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		u64 h;

		memset(e[i].buf, 0, sizeof(e[i].buf));
		e[i].buf[0] = eps[i].family;
		memcpy(&e[i].buf[2], &eps[i].port, sizeof(eps[i].port));
		memcpy(&e[i].buf[4], &eps[i].addr, sizeof(eps[i].addr));
		h = siphash(e[i].buf, sizeof(e[i].buf), key);
		e[i].index = i;
		e[i].next = (u32)h % m;
		e[i].skip = (u32)(h >> 32) % (m - 1) + 1;
	}
	sort_r(e, n, sizeof(*e), ksvc_mag_cmp, NULL, NULL);
	memset(tab, 0xff, m * sizeof(*tab));
	for (;;) {
		for (i = 0; i < n; i++) {
			u32 c = e[i].next;

			while (tab[c] != U16_MAX) {
				c += e[i].skip;
				if (c >= m)
					c -= m;
			}
			tab[c] = e[i].index;
			c += e[i].skip;
			e[i].next = c >= m ? c - m : c;
			if (++filled == m)
				goto out;
		}
	}
out:
	kvfree(e);
	return 0;
}

/*
 * The tables of a finalized service: one per port and family with usable
 * endpoints, in one allocation.  Called at commit, before publishing.
 */
int ksvc_maglev_build(struct ksvc_svc *svc, u32 m, u32 seed)
{
	siphash_key_t key = { .key = { seed, KSVC_MAG_EP_TAG } };
	u32 p, f, first, n, count = 0;
	u16 *tab;
	int err;

	kvfree(svc->mag);
	svc->mag = NULL;
	if (svc->algo != KSVC_ALGO_MAGLEV)
		return 0;
	svc->mag_m = m;
	svc->mag_key = (siphash_key_t){ .key = { seed, KSVC_MAG_FLOW_TAG } };
	for (p = 0; p < svc->n_ports; p++)
		for (f = 0; f < 2; f++) {
			n = ksvc_usable(svc, p, f ? AF_INET6 : AF_INET, false, &first);
			count += n && n <= m;
		}
	if (!count)
		return 0;
	svc->mag = kvmalloc_array(count, m * sizeof(u16), GFP_KERNEL_ACCOUNT);
	if (!svc->mag)
		return -ENOMEM;
	tab = svc->mag;
	for (p = 0; p < svc->n_ports; p++)
		for (f = 0; f < 2; f++) {
			svc->ports[p].mag[f] = NULL;
			n = ksvc_usable(svc, p, f ? AF_INET6 : AF_INET, false, &first);
			if (!n || n > m)
				continue;
			err = ksvc_mag_fill(tab, m, &svc->eps[first], n, &key);
			if (err) {
				kvfree(svc->mag);
				svc->mag = NULL;
				return err;
			}
			svc->ports[p].mag[f] = tab;
			tab += m;
		}
	return 0;
}

/*
 * The endpoint of a new connection of the Cluster set, whose usable slice
 * starts at first (ksvc_usable), or NULL: no table.
 */
const struct ksvc_ep *ksvc_maglev_pick(const struct ksvc_svc *svc, u8 port_index,
				       u8 family, u32 first,
				       const struct nf_conntrack_tuple *t)
{
	const u16 *tab = svc->ports[port_index].mag[ksvc_fam(family)];
	struct {
		union nf_inet_addr src, dst;
		__be16 sport, dport;
		u8 proto, family;
	} __packed flow;

	if (!svc->mag || !tab)
		return NULL;
	memset(&flow, 0, sizeof(flow));
	flow.src = t->src.u3;
	flow.dst = t->dst.u3;
	flow.sport = t->src.u.all;
	flow.dport = t->dst.u.all;
	flow.proto = t->dst.protonum;
	flow.family = family;
	return &svc->eps[first + tab[reciprocal_scale((u32)siphash(&flow, sizeof(flow),
								  &svc->mag_key),
						    svc->mag_m)]];
}
