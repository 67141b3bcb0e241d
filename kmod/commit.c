// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions and their commit: the changes a socket staged, applied to
 * the namespace's table so that nothing can fail once the live table is
 * touched (see below).  table.c is the table itself; this file only
 * changes it, under kn->lock.
 */
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/rculist.h>
#include <linux/mm.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include "commit.h"
#include "addr.h"
#include "ct.h"
#include "maglev.h"
#include "select.h"
#include "stats.h"
#include "table.h"

/*
 * Keep the counters of endpoints that survive a change of their service,
 * and the round-robin cursors of ports whose usable endpoints are the
 * same (so that an unrelated change does not restart the turn).
 */
static void ksvc_carry_counters(struct ksvc_svc *new, const struct ksvc_svc *old)
{
	u32 i, j;
	int f, l;

	for (i = 0; i < new->n_ports && i < old->n_ports; i++) {
		struct ksvc_port *np = &new->ports[i];
		const struct ksvc_port *op = &old->ports[i];

		if (np->port != op->port || np->proto != op->proto)
			continue;
		for (f = 0; f < 2; f++) {
			if (!ksvc_same_usable(new, i, old, f))
				continue;
			for (l = 0; l < 2; l++)
				atomic_set(&np->rr[f][l], atomic_read(&op->rr[f][l]));
		}
	}

	ksvc_ctr_carry(new->ctrs, KSVC_CTR_CONNS, old->ctrs, KSVC_CTR_CONNS);
	ksvc_ctr_carry(new->ctrs, KSVC_CTR_REJECTS, old->ctrs, KSVC_CTR_REJECTS);
	/* Both arrays are sorted the same way: walk them together. */
	for (i = 0, j = 0; i < new->n_eps && j < old->n_eps;) {
		int r = ksvc_ep_cmp(&new->eps[i], &old->eps[j]);

		if (r == 0) {
			ksvc_ctr_carry(new->ctrs, KSVC_CTR_EP(i),
				       old->ctrs, KSVC_CTR_EP(j));
			i++;
			j++;
		} else if (r < 0) {
			i++;
		} else {
			j++;
		}
	}
}

static const char *ksvc_proto_name(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

void ksvc_tx_free(struct ksvc_tx *tx)
{
	struct ksvc_change *c, *tmp;

	if (!tx)
		return;
	list_for_each_entry_safe(c, tmp, &tx->changes, list) {
		list_del(&c->list);
		ksvc_svc_free(c->svc);
		kfree(c);
	}
	if (tx->sk)
		sock_put(tx->sk);
	kfree(tx);
}

/*
 * Committing a batch of changes, the way nf_tables commits: everything
 * that can fail happens first, while the live table is still as it was
 * (prepare), and what follows cannot fail (publish).
 *
 * Prepare reduces the batch to one final change per service name (the
 * last one given), checks deletes, the limits and every claim of a
 * frontend or node port against the table as the whole batch leaves it,
 * then makes room: each key a new entry will take gets a placeholder
 * entry (no service: packets ignore it, as they ignored the missing key),
 * and each new name its node in the name table.  Undoing that only
 * removes what it added, which cannot fail either.
 *
 * Publish then only swaps: each claimed key's entry is replaced by the new
 * one (rhashtable_replace_fast, which cannot fail for an entry that is
 * there), keys nobody claims any more are removed, names are swapped or
 * removed.  A packet sees each frontend change in one step.
 */

/* A frontend (kind 0), node port (1) or cluster IP (2) entry a new service takes. */
struct ksvc_claim {
	void *entry;
	struct ksvc_change *c;
};

/* Placeholders: entries without a service, freed after a grace period. */
struct ksvc_spare {
	struct rcu_head rcu;
	u32 n, inserted;
	char entries[];
};

static void ksvc_spare_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct ksvc_spare, rcu));
}

struct ksvc_batch {
	struct ksvc_table *tbl;
	struct mutex *lock;		/* the namespace's, held throughout */
	bool private;			/* tbl is not published (replace) */
	struct ksvc_change **fin;	/* final change per name, by name */
	u32 n_fin;
	struct ksvc_claim *claims[KSVC_KINDS];
	u32 n_claims[KSVC_KINDS];
	struct ksvc_spare *spare[KSVC_KINDS];
	u32 n_names;			/* new names inserted by prepare */
	s64 d_svcs, d_eps;
};

static int ksvc_change_cmp(const void *a, const void *b)
{
	const struct ksvc_change *x = *(const struct ksvc_change * const *)a;
	const struct ksvc_change *y = *(const struct ksvc_change * const *)b;
	int r = memcmp(&x->key, &y->key, sizeof(x->key));

	if (r)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int ksvc_claim_cmp(const void *a, const void *b, const void *priv)
{
	const struct ksvc_kind *kd = priv;
	const struct ksvc_claim *x = a, *y = b;

	return memcmp(ksvc_entry_key(kd, x->entry), ksvc_entry_key(kd, y->entry),
		      kd->key_len);
}

/* Is the service of this name changed or deleted by the batch? */
static bool ksvc_batch_changes(const struct ksvc_batch *b,
			       const struct ksvc_name *key)
{
	u32 lo = 0, hi = b->n_fin;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int r = memcmp(key, &b->fin[mid]->key, sizeof(*key));

		if (!r)
			return true;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static void ksvc_claim_error(int k, const void *e, const struct ksvc_name *owner,
			     struct netlink_ext_ack *extack)
{
	char addr[48];

	if (k == 2) {
		const struct ksvc_cip *cip = e;

		ksvc_format_addr(addr, sizeof(addr), cip->key.family,
				 &cip->key.addr);
		KSVC_ERR_FMT(extack, "cluster IP belongs to another service",
			     "cluster IP %s belongs to %s/%s",
			     addr, owner->ns, owner->name);
	} else if (k) {
		const struct ksvc_np *np = e;

		KSVC_ERR_FMT(extack, "node port belongs to another service",
			     "node port %u/%s belongs to %s/%s",
			     ntohs(np->key.port), ksvc_proto_name(np->key.proto),
			     owner->ns, owner->name);
	} else {
		const struct ksvc_fe *fe = e;

		ksvc_format_addr(addr, sizeof(addr), fe->key.family,
				 &fe->key.addr);
		KSVC_ERR_FMT(extack, "frontend belongs to another service",
			     "frontend %s port %u/%s belongs to %s/%s",
			     addr, ntohs(fe->key.port),
			     ksvc_proto_name(fe->key.proto),
			     owner->ns, owner->name);
	}
}

/* Reduce the batch to its final change per name; check the deletes. */
static int ksvc_batch_reduce(struct ksvc_batch *b, struct list_head *changes,
			     struct netlink_ext_ack *extack)
{
	struct ksvc_change *c, **v;
	u32 n = 0, i, j;

	list_for_each_entry(c, changes, list) {
		c->seq = n++;
		c->old = NULL;
	}
	if (!n)
		return 0;
	v = kvmalloc_array(n, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	b->fin = v;
	i = 0;
	list_for_each_entry(c, changes, list)
		v[i++] = c;
	sort(v, n, sizeof(*v), ksvc_change_cmp, NULL);

	for (i = 0; i < n; i = j) {
		struct ksvc_svc *live = ksvc_table_find(b->tbl, &v[i]->key);
		bool exists = live;

		for (j = i; j < n && !memcmp(&v[j]->key, &v[i]->key,
					     sizeof(v[i]->key)); j++) {
			c = v[j];
			if (b->private && !c->svc) {
				NL_SET_ERR_MSG_MOD(extack, "a replace transaction cannot delete services");
				return -EINVAL;
			}
			if (b->private && j > i) {
				KSVC_ERR_FMT(extack, "a service given twice",
					     "service %s/%s given twice",
					     c->key.ns, c->key.name);
				return -EEXIST;
			}
			if (!c->svc && !exists) {
				KSVC_ERR_FMT(extack, "service does not exist",
					     "service %s/%s does not exist",
					     c->key.ns, c->key.name);
				return -ENOENT;
			}
			exists = c->svc;
		}
		c = v[j - 1];
		/* A service added and deleted within the batch: nothing. */
		if (!c->svc && !live)
			continue;
		c->old = live;
		v[b->n_fin++] = c;	/* b->n_fin <= i: read already */
	}
	return 0;
}

static int ksvc_batch_limits(struct ksvc_batch *b, const struct ksvc_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	s64 svcs, eps;
	int err;
	u32 i;

	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_change *c = b->fin[i];

		if (c->svc) {
			ksvc_svc_finalize(c->svc);
			err = ksvc_maglev_build(c->svc, cfg->maglev_size,
						cfg->maglev_seed);
			if (err)
				return err;
			b->d_eps += c->svc->n_eps;
			b->d_svcs += !c->old;
		}
		if (c->old) {
			b->d_eps -= c->old->n_eps;
			b->d_svcs -= !c->svc;
		}
	}
	/* A batch that does not grow a table over its limit may pass. */
	svcs = (s64)b->tbl->n_svcs + b->d_svcs;
	eps = (s64)b->tbl->n_eps + b->d_eps;
	if (b->d_svcs > 0 && svcs > cfg->max_services) {
		KSVC_ERR_FMT(extack, "too many services (ksvcctl config --max-services)",
			     "too many services: limit %u (ksvcctl config --max-services)",
			     cfg->max_services);
		return -ENOSPC;
	}
	if (b->d_eps > 0 && eps > cfg->max_endpoints) {
		KSVC_ERR_FMT(extack, "too many endpoints (ksvcctl config --max-endpoints)",
			     "too many endpoints: limit %u (ksvcctl config --max-endpoints)",
			     cfg->max_endpoints);
		return -ENOSPC;
	}
	return 0;
}

/*
 * Every key the new services take, sorted; each must be free, the
 * service's own, or given up by another service of the batch.  Counts the
 * keys that are not in the table yet in *absent.
 */
static int ksvc_batch_claims(struct ksvc_batch *b, int k, u32 *absent,
			     struct netlink_ext_ack *extack)
{
	const struct ksvc_kind *kd = &ksvc_kinds[k];
	struct ksvc_claim *cl;
	size_t n = 0;
	u32 i, j, m = 0;

	*absent = 0;
	for (i = 0; i < b->n_fin; i++)
		if (b->fin[i]->svc)
			n += kd->count(b->fin[i]->svc);
	if (!n)
		return 0;
	if (n > U32_MAX / 2)
		return -E2BIG;
	cl = kvmalloc_array(n, sizeof(*cl), GFP_KERNEL_ACCOUNT);
	if (!cl)
		return -ENOMEM;
	b->claims[k] = cl;
	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_svc *svc = b->fin[i]->svc;

		for (j = 0; svc && j < kd->count(svc); j++) {
			cl[m].entry = kd->entry(svc, j);
			cl[m].c = b->fin[i];
			m++;
		}
	}
	b->n_claims[k] = m;
	sort_r(cl, m, sizeof(*cl), ksvc_claim_cmp, NULL, kd);

	for (i = 0; i < m; i++) {
		void *cur;

		if (i && !ksvc_claim_cmp(&cl[i - 1], &cl[i], kd)) {
			ksvc_claim_error(k, cl[i].entry, &cl[i - 1].c->key, extack);
			return -EEXIST;
		}
		cur = ksvc_entry_lookup(b->tbl, k, ksvc_entry_key(kd, cl[i].entry));
		if (!cur) {
			(*absent)++;
			continue;
		}
		/* Between commits every entry has its service. */
		if (WARN_ON_ONCE(!*ksvc_entry_svc(kd, cur)))
			return -EINVAL;
		if (*ksvc_entry_svc(kd, cur) == cl[i].c->old ||
		    ksvc_batch_changes(b, &(*ksvc_entry_svc(kd, cur))->key))
			continue;
		ksvc_claim_error(k, cl[i].entry, &(*ksvc_entry_svc(kd, cur))->key,
				 extack);
		return -EEXIST;
	}
	return 0;
}

/*
 * Room for the keys not in the table yet: a placeholder each, or in a
 * table no packet sees the new entry itself.
 */
static int ksvc_batch_make_room(struct ksvc_batch *b, int k, u32 absent)
{
	const struct ksvc_kind *kd = &ksvc_kinds[k];
	struct ksvc_spare *sp = NULL;
	u32 i;
	int err;

	if (!absent)
		return 0;
	if (!b->private) {
		sp = kvzalloc(struct_size(sp, entries, (size_t)absent * kd->size),
			      GFP_KERNEL_ACCOUNT);
		if (!sp)
			return -ENOMEM;
		sp->n = absent;
		b->spare[k] = sp;
	}
	for (i = 0; i < b->n_claims[k]; i++) {
		void *e = b->claims[k][i].entry;
		const void *key = ksvc_entry_key(kd, e);

		if (ksvc_entry_lookup(b->tbl, k, key))
			continue;
		if (sp) {
			void *ph = sp->entries + (size_t)sp->inserted * kd->size;

			memcpy(ph + kd->key_off, key, kd->key_len);
			e = ph;
		} else {
			*ksvc_entry_svc(kd, e) = b->claims[k][i].c->svc;
		}
		err = ksvc_entry_insert(b->tbl, k, e, b->lock);
		if (err)
			return err;
		if (sp)
			sp->inserted++;
	}
	return 0;
}

static int ksvc_batch_names(struct ksvc_batch *b)
{
	u32 i;
	int err;

	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_change *c = b->fin[i];

		if (!c->svc || c->old)
			continue;
		err = ksvc_name_insert(b->tbl, c->svc, b->lock);
		if (err)
			return err;
		b->n_names++;
	}
	return 0;
}

/* Take back what prepare put in the table: removals only. */
static void ksvc_batch_undo(struct ksvc_batch *b)
{
	u32 i, k, done;

	for (i = 0, done = 0; done < b->n_names; i++) {
		struct ksvc_change *c = b->fin[i];

		if (!c->svc || c->old)
			continue;
		ksvc_name_remove(b->tbl, c->svc, b->lock);
		done++;
	}
	for (k = 0; k < KSVC_KINDS; k++) {
		const struct ksvc_kind *kd = &ksvc_kinds[k];

		if (b->spare[k]) {
			char *ph = b->spare[k]->entries;

			for (i = 0; i < b->spare[k]->inserted; i++, ph += kd->size)
				ksvc_entry_remove(b->tbl, k, ph, b->lock);
			continue;
		}
		if (!b->private)
			continue;
		/* A private table: the new entries themselves went in. */
		for (i = 0; i < b->n_claims[k]; i++) {
			void *e = b->claims[k][i].entry;

			if (ksvc_entry_lookup(b->tbl, k, ksvc_entry_key(kd, e)) == e)
				ksvc_entry_remove(b->tbl, k, e, b->lock);
		}
	}
}

static int ksvc_batch_prepare(struct ksvc_batch *b, struct list_head *changes,
			      const struct ksvc_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	u32 absent[KSVC_KINDS];
	int err, k;

	err = ksvc_batch_reduce(b, changes, extack);
	if (!err)
		err = ksvc_batch_limits(b, cfg, extack);
	for (k = 0; !err && k < KSVC_KINDS; k++)
		err = ksvc_batch_claims(b, k, &absent[k], extack);
	for (k = 0; !err && k < KSVC_KINDS; k++)
		err = ksvc_batch_make_room(b, k, absent[k]);
	if (!err)
		err = ksvc_batch_names(b);
	if (err) {
		if (err == -ENOMEM || err == -EBUSY || err == -E2BIG)
			NL_SET_ERR_MSG_MOD(extack, "no memory for the change; the tables are as they were");
		ksvc_batch_undo(b);
	}
	return err;
}

/* From here on nothing can fail. */
static void ksvc_batch_publish(struct ksvc_batch *b)
{
	struct ksvc_table *tbl = b->tbl;
	u32 i, j, k;

	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_change *c = b->fin[i];
		struct ksvc_svc *svc = c->svc;

		if (!svc)
			continue;
		for (j = 0; j < svc->n_fes; j++)
			svc->fes[j].svc = svc;
		for (j = 0; j < svc->n_nps; j++)
			svc->nps[j].svc = svc;
		for (j = 0; j < svc->n_cips; j++)
			svc->cips[j].svc = svc;
		if (c->old)
			ksvc_carry_counters(svc, c->old);
		svc->published = true;
	}
	/* Every claimed key has an entry now: swap the new one in. */
	for (k = 0; k < KSVC_KINDS; k++) {
		const struct ksvc_kind *kd = &ksvc_kinds[k];

		for (i = 0; i < b->n_claims[k]; i++) {
			void *e = b->claims[k][i].entry;
			void *cur = ksvc_entry_lookup(tbl, k, ksvc_entry_key(kd, e));

			if (WARN_ON_ONCE(!cur) || cur == e)
				continue;
			ksvc_entry_replace(tbl, k, cur, e, b->lock);
		}
	}
	/* What the old services had and nobody took: remove it. */
	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_svc *old = b->fin[i]->old;

		for (k = 0; old && k < KSVC_KINDS; k++) {
			const struct ksvc_kind *kd = &ksvc_kinds[k];

			for (j = 0; j < kd->count(old); j++) {
				void *e = kd->entry(old, j);

				if (ksvc_entry_lookup(tbl, k, ksvc_entry_key(kd, e)) == e)
					ksvc_entry_remove(tbl, k, e, b->lock);
			}
		}
	}
	for (i = 0; i < b->n_fin; i++) {
		struct ksvc_change *c = b->fin[i];

		if (c->svc && c->old)
			ksvc_table_swap(tbl, c->old, c->svc, b->lock);
		else if (c->svc)
			ksvc_table_link(tbl, c->svc, b->lock);
		else
			ksvc_table_unlink(tbl, c->old, b->lock);
		c->svc = NULL;	/* the table owns it now */
	}
	ksvc_table_count(tbl, b->d_svcs, b->d_eps, b->lock);
	/* Every placeholder was replaced by the entry it held room for. */
	for (k = 0; k < KSVC_KINDS; k++)
		if (b->spare[k]) {
			call_rcu(&b->spare[k]->rcu, ksvc_spare_free_rcu);
			b->spare[k] = NULL;
		}
}

static void ksvc_batch_release(struct ksvc_batch *b, bool published)
{
	u32 i;
	int k;

	for (i = 0; published && i < b->n_fin; i++) {
		ksvc_svc_free(b->fin[i]->old);	/* after a grace period */
		b->fin[i]->old = NULL;
	}
	for (k = 0; k < KSVC_KINDS; k++) {
		kvfree(b->claims[k]);
		/* Placeholders a packet may have seen: after a grace period. */
		if (b->spare[k])
			call_rcu(&b->spare[k]->rcu, ksvc_spare_free_rcu);
	}
	kvfree(b->fin);
}

/*
 * Apply a batch of changes (each with a staged service, or NULL to delete)
 * under kn->lock: to the live table, or with replace to a new table that
 * then takes the live one's place.  On success the final changes'
 * services belong to the table, and the services they replaced are freed
 * after a grace period; on failure the tables are as they were.  Either
 * way the caller frees the changes (and the services still on them).
 */
int ksvc_commit(struct ksvc_net *kn, struct list_head *changes, bool replace,
		struct netlink_ext_ack *extack)
{
	struct ksvc_batch b = { .private = replace, .lock = &kn->lock };
	struct ksvc_ct_job *job = NULL;
	struct ksvc_table *live;
	struct ksvc_change *c;
	struct ksvc_svc *svc;
	u32 i;
	int err;

	lockdep_assert_held(&kn->lock);
	live = rcu_dereference_protected(kn->tbl, lockdep_is_held(&kn->lock));
	if (replace) {
		u32 n = 0;

		list_for_each_entry(c, changes, list)
			n++;
		b.tbl = ksvc_table_new(n);
		if (!b.tbl) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for a new table; the old one stays");
			return -ENOMEM;
		}
	} else {
		if (WARN_ON_ONCE(!live))
			return -EINVAL;
		b.tbl = live;
	}
	err = ksvc_batch_prepare(&b, changes, ksvc_cfg(kn), extack);
	if (!err && !replace)
		for (i = 0; i < b.n_fin; i++)
			ksvc_ct_note(kn, &job, b.fin[i]->old, b.fin[i]->svc);
	if (!err)
		ksvc_batch_publish(&b);
	ksvc_batch_release(&b, !err);
	if (replace) {
		if (err) {
			/* Never published to readers: no grace period needed. */
			ksvc_table_free(b.tbl);
			return err;
		}
		/* What each Service was in the table replaced, if anywhere. */
		list_for_each_entry(svc, &b.tbl->list, list)
			ksvc_ct_note(kn, &job, live ? ksvc_table_find(live, &svc->key) : NULL,
				     svc);
		if (live)
			list_for_each_entry(svc, &live->list, list)
				if (!ksvc_table_find(b.tbl, &svc->key))
					ksvc_ct_note(kn, &job, svc, NULL);
		rcu_assign_pointer(kn->tbl, b.tbl);
		synchronize_net();
		ksvc_table_free(live);
	}
	if (err)
		return err;
	kn->generation++;
	ksvc_ct_queue(kn, job);
	return 0;
}

/* An empty table swapped in: it is allocated, so it can fail (-ENOMEM). */
int ksvc_net_flush(struct ksvc_net *kn, struct netlink_ext_ack *extack)
{
	LIST_HEAD(none);

	lockdep_assert_held(&kn->lock);
	return ksvc_commit(kn, &none, true, extack);
}
