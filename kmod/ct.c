// SPDX-License-Identifier: GPL-2.0
/*
 * Stale UDP flows.  A UDP "connection" lives as long as datagrams keep
 * coming, so without help it stays on an endpoint that is gone, or on no
 * endpoint at all if it began before the Service had one (a flow without
 * NAT, never looked up again).  kube-proxy's rule (pkg/proxy/conntrack):
 * for a UDP Service port with serving endpoints, an entry whose original
 * destination is one of its addresses and ports, or its node port, and
 * whose reply source is not the address of a serving endpoint, goes; the
 * next datagram starts a new flow.  Traffic policies, topology and
 * terminating endpoints that still serve do not count: a change of those
 * leaves flows alone, as it leaves TCP connections alone.
 *
 * The walk over the conntrack table is the expensive part, so a commit
 * only notes which Services need one: those whose serving endpoints of a
 * UDP port lost an address, or gained their first, and new ones with
 * serving endpoints (their address may have had flows without NAT).  The
 * walk then runs from a work item, off the namespace's lock, for those
 * Services only; a commit that changes no serving UDP endpoint costs no
 * walk at all, however big the conntrack table.  The writer waits for it
 * after dropping the lock, so that when ksvcctl returns the flows are
 * gone.
 *
 * Unlike kube-proxy, ksvc also removes the flows of a deleted UDP Service
 * (and of a UDP port a Service no longer has), that it NATed: left alone
 * they keep reaching the pods of a Service that no longer exists, for as
 * long as the client keeps sending (a DNS client reusing its port would
 * keep talking to the old server).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/bsearch.h>
#include <linux/workqueue.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "ct.h"
#include "nat.h"

/* What one commit asks of the walk. */
struct ksvc_ct_job {
	struct list_head list;
	u32 n_ids, n_gone;
	u64 *ids;			/* Services to check */
	struct ksvc_fe_key *gone;	/* their former UDP keys (family 0: node port) */
};

struct ksvc_ct_walk {
	struct ksvc_net *kn;
	bool all;			/* a job was lost: every UDP Service */
	u32 n_ids, n_gone;
	u64 *ids;
	struct ksvc_fe_key *gone;
};

/* The serving endpoints (ready, or serving and terminating) of a port. */
static u32 ksvc_serving(const struct ksvc_svc *svc, u32 pi, int f, u32 *first)
{
	const struct ksvc_range *r = &svc->ports[pi].fam[f];

	*first = r->start;
	return r->n_ready + r->n_fallback;
}

static bool ksvc_serving_has(const struct ksvc_svc *svc, u32 pi, int f,
			     const union nf_inet_addr *addr)
{
	u32 first, n, i;

	n = ksvc_serving(svc, pi, f, &first);
	for (i = first; i < first + n; i++)
		if (nf_inet_addr_cmp(&svc->eps[i].addr, addr))
			return true;
	return false;
}

static int ksvc_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int ksvc_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ksvc_fe_key));
}

static int ksvc_ct_stale(struct nf_conn *ct, void *data)
{
	const struct ksvc_ct_walk *w = data;
	const struct nf_conntrack_tuple *orig, *reply;
	struct ksvc_fe_key key;
	struct ksvc_match m;
	int stale = 0;
	u32 first;

	orig = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	reply = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	if (orig->dst.protonum != IPPROTO_UDP)
		return 0;
	rcu_read_lock();
	if (ksvc_match(w->kn->net, w->kn, ksvc_cfg_rcu(w->kn), orig, &m)) {
		int f = ksvc_fam(orig->src.l3num);

		if ((w->all || bsearch(&m.svc->id, w->ids, w->n_ids,
				       sizeof(*w->ids), ksvc_u64_cmp)) &&
		    ksvc_serving(m.svc, m.port_index, f, &first))
			stale = !ksvc_serving_has(m.svc, m.port_index, f,
						  &reply->src.u3);
	} else if (ct->status & IPS_DST_NAT) {
		memset(&key, 0, sizeof(key));
		key.addr = orig->dst.u3;
		key.port = orig->dst.u.all;
		key.proto = IPPROTO_UDP;
		key.family = orig->src.l3num;
		stale = !!bsearch(&key, w->gone, w->n_gone, sizeof(key),
				  ksvc_key_cmp);
		if (!stale) {
			memset(&key, 0, sizeof(key));
			key.port = orig->dst.u.all;
			key.proto = IPPROTO_UDP;
			stale = !!bsearch(&key, w->gone, w->n_gone, sizeof(key),
					  ksvc_key_cmp);
		}
	}
	rcu_read_unlock();
	return stale;
}

static void ksvc_ct_job_free(struct ksvc_ct_job *job)
{
	if (!job)
		return;
	kvfree(job->ids);
	kvfree(job->gone);
	kfree(job);
}

static void ksvc_ct_work(struct work_struct *work)
{
	struct ksvc_net *kn = container_of(work, struct ksvc_net, ct_work);
	struct ksvc_ct_walk w = { .kn = kn };
	struct nf_ct_iter_data iter = { .net = kn->net, .data = &w };
	struct ksvc_ct_job *job, *tmp;
	LIST_HEAD(jobs);
	u32 ni = 0, ng = 0;

	spin_lock_bh(&kn->ct_lock);
	list_splice_init(&kn->ct_jobs, &jobs);
	w.all = kn->ct_all;
	kn->ct_all = false;
	spin_unlock_bh(&kn->ct_lock);
	if (list_empty(&jobs) && !w.all)
		return;
	list_for_each_entry(job, &jobs, list) {
		w.n_ids += job->n_ids;
		w.n_gone += job->n_gone;
	}
	w.ids = kvmalloc_array(w.n_ids ?: 1, sizeof(*w.ids), GFP_KERNEL);
	w.gone = kvmalloc_array(w.n_gone ?: 1, sizeof(*w.gone), GFP_KERNEL);
	if (!w.ids || !w.gone) {
		/* Without the lists: every UDP Service, no deleted one. */
		w.all = true;
		w.n_ids = 0;
		w.n_gone = 0;
	}
	list_for_each_entry_safe(job, tmp, &jobs, list) {
		if (w.ids && w.gone) {
			memcpy(w.ids + ni, job->ids, job->n_ids * sizeof(*w.ids));
			memcpy(w.gone + ng, job->gone, job->n_gone * sizeof(*w.gone));
			ni += job->n_ids;
			ng += job->n_gone;
		}
		list_del(&job->list);
		ksvc_ct_job_free(job);
	}
	sort(w.ids, w.n_ids, sizeof(*w.ids), ksvc_u64_cmp, NULL);
	sort(w.gone, w.n_gone, sizeof(*w.gone), ksvc_key_cmp, NULL);
	/* Packets must see the new endpoints before the old flows go. */
	synchronize_net();
	nf_ct_iterate_cleanup_net(ksvc_ct_stale, &iter);
	kvfree(w.ids);
	kvfree(w.gone);
}

/* ---- what a commit notes ---- */

static int ksvc_ct_port_of(const struct ksvc_svc *svc, const struct ksvc_port *p)
{
	u32 i;

	for (i = 0; svc && i < svc->n_ports; i++)
		if (svc->ports[i].port == p->port && svc->ports[i].proto == p->proto)
			return i;
	return -1;
}

/* Does old have this frontend key? */
static bool ksvc_ct_had_key(const struct ksvc_svc *old,
			    const struct ksvc_fe_key *key)
{
	u32 i;

	for (i = 0; i < old->n_fes; i++)
		if (!memcmp(&old->fes[i].key, key, sizeof(*key)))
			return true;
	return false;
}

/* Does port pi of new need a walk, given port oi of old (-1: none)? */
static bool ksvc_ct_port_dirty(const struct ksvc_svc *new, u32 pi,
			       const struct ksvc_svc *old, int oi)
{
	u32 first, n, i;
	int f;

	/*
	 * An address or node port the port did not have may have flows
	 * without NAT, from before: as good as a first endpoint.
	 */
	if (oi >= 0) {
		bool fresh = new->ports[pi].node_port &&
			     new->ports[pi].node_port != old->ports[oi].node_port;

		for (i = 0; !fresh && i < new->n_fes; i++)
			fresh = new->fes[i].port_index == pi &&
				!ksvc_ct_had_key(old, &new->fes[i].key);
		if (fresh)
			oi = -1;
	}
	for (f = 0; f < 2; f++) {
		if (!ksvc_serving(new, pi, f, &first))
			continue;	/* no serving endpoint: nothing to do */
		if (oi < 0 || !ksvc_serving(old, oi, f, &first))
			return true;	/* its first: flows without NAT */
		n = ksvc_serving(old, oi, f, &first);
		for (i = first; i < first + n; i++)
			if (!ksvc_serving_has(new, pi, f, &old->eps[i].addr))
				return true;	/* one stopped serving */
	}
	return false;
}

/* Arrays grow to 8, then double: full when n is 8 or a power of two over it. */
static int ksvc_ct_grow(void **arr, u32 n, size_t size)
{
	void *p;

	if (n && (n < 8 || (n & (n - 1))))
		return 0;
	p = kvmalloc_array(n ? 2 * (size_t)n : 8, size, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (n)
		memcpy(p, *arr, n * size);
	kvfree(*arr);
	*arr = p;
	return 0;
}

/*
 * Note a change of a Service: old (NULL: new) to new (NULL: deleted).
 * Called under kn->lock after a commit; it cannot fail the commit: without
 * memory the walk checks every UDP Service.
 */
void ksvc_ct_note(struct ksvc_net *kn, struct ksvc_ct_job **jobp,
		  const struct ksvc_svc *old, const struct ksvc_svc *new)
{
	struct ksvc_ct_job *job = *jobp;
	bool dirty = false;
	u32 i, j;

	if (!kn->hooks_on || kn->ct_all)
		return;
	for (i = 0; new && i < new->n_ports; i++)
		if (new->ports[i].proto == IPPROTO_UDP &&
		    ksvc_ct_port_dirty(new, i, old,
				       ksvc_ct_port_of(old, &new->ports[i])))
			dirty = true;
	if (!job) {
		job = kzalloc(sizeof(*job), GFP_KERNEL);
		if (!job)
			goto lost;
		*jobp = job;
	}
	if (dirty) {
		if (ksvc_ct_grow((void **)&job->ids, job->n_ids, sizeof(*job->ids)))
			goto lost;
		job->ids[job->n_ids++] = new->id;
	}
	/* The UDP keys old had on ports new does not have. */
	for (i = 0; old && i < old->n_ports; i++) {
		const struct ksvc_port *p = &old->ports[i];
		struct ksvc_fe_key k;

		if (p->proto != IPPROTO_UDP || ksvc_ct_port_of(new, p) >= 0)
			continue;
		for (j = 0; j < old->n_fes; j++) {
			if (old->fes[j].port_index != i)
				continue;
			if (ksvc_ct_grow((void **)&job->gone, job->n_gone,
					 sizeof(*job->gone)))
				goto lost;
			job->gone[job->n_gone++] = old->fes[j].key;
		}
		if (!p->node_port)
			continue;
		memset(&k, 0, sizeof(k));
		k.port = p->node_port;
		k.proto = IPPROTO_UDP;
		if (ksvc_ct_grow((void **)&job->gone, job->n_gone, sizeof(*job->gone)))
			goto lost;
		job->gone[job->n_gone++] = k;
	}
	return;
lost:
	spin_lock_bh(&kn->ct_lock);
	kn->ct_all = true;
	spin_unlock_bh(&kn->ct_lock);
}

/* Hand a commit's notes to the walk (which the writer then waits for). */
void ksvc_ct_queue(struct ksvc_net *kn, struct ksvc_ct_job *job)
{
	bool go;

	if (job && !job->n_ids && !job->n_gone) {
		ksvc_ct_job_free(job);
		job = NULL;
	}
	spin_lock_bh(&kn->ct_lock);
	if (job)
		list_add_tail(&job->list, &kn->ct_jobs);
	go = !list_empty(&kn->ct_jobs) || kn->ct_all;
	spin_unlock_bh(&kn->ct_lock);
	if (go)
		queue_work(system_unbound_wq, &kn->ct_work);
}

/* After dropping kn->lock: the walks queued so far are done. */
void ksvc_ct_wait(struct ksvc_net *kn)
{
	flush_work(&kn->ct_work);
}

void ksvc_ct_init(struct ksvc_net *kn)
{
	spin_lock_init(&kn->ct_lock);
	INIT_LIST_HEAD(&kn->ct_jobs);
	INIT_WORK(&kn->ct_work, ksvc_ct_work);
}

/* The namespace goes: no walk runs or is left. */
void ksvc_ct_exit(struct ksvc_net *kn)
{
	struct ksvc_ct_job *job, *tmp;

	cancel_work_sync(&kn->ct_work);
	list_for_each_entry_safe(job, tmp, &kn->ct_jobs, list) {
		list_del(&job->list);
		ksvc_ct_job_free(job);
	}
}
