// SPDX-License-Identifier: GPL-2.0
/* ksvcctl sync: programming the kernel, the changed Services or all (sync.h). */
#include <errno.h>
#include <string.h>

#include "plan.h"
#include "sync.h"
#include "cmd.h"

/* ---- programming the kernel ---- */

/*
 * What a built Service (NULL: none) means besides the kernel's table: its
 * healthCheckNodePort, and whether a Local traffic policy finds no local
 * endpoint (kube-proxy's no_local_endpoints gauge).
 */
static void after_build(struct sync *sy, const char *key, const struct ks_service *svc)
{
	int bits = 0, local = 0, any = 0;
	json_object *old;
	size_t i;

	sync_hc_update(sy, key, svc);
	for (i = 0; svc && i < svc->n_eps; i++) {
		any |= !!(svc->eps[i].flags & KSVC_EP_F_READY);
		local |= (svc->eps[i].flags & (KSVC_EP_F_READY | KSVC_EP_F_LOCAL)) ==
			 (KSVC_EP_F_READY | KSVC_EP_F_LOCAL);
	}
	if (svc && any && !local)
		bits = ((svc->flags & KSVC_SVC_F_INT_LOCAL) ? 1 : 0) |
		       ((svc->flags & KSVC_SVC_F_EXT_LOCAL) ? 2 : 0);
	/* The gauges follow the change: this Service's old bits out, new in. */
	if (json_object_object_get_ex(sy->nolocal, key, &old)) {
		sy->no_local[0] -= (unsigned int)(json_object_get_int(old) & 1);
		sy->no_local[1] -= (unsigned int)(json_object_get_int(old) >> 1);
	}
	sy->no_local[0] += (unsigned int)(bits & 1);
	sy->no_local[1] += (unsigned int)(bits >> 1);
	if (bits)
		json_object_object_add(sy->nolocal, key, json_object_new_int(bits));
	else
		json_object_object_del(sy->nolocal, key);
}

/* A sync went through: health, and the metrics of its duration. */
static void synced(struct sync *sy, double t0, int full, json_object *keys)
{
	double t = now(), w = wall();
	size_t i;

	sy->oldest_queued = 0;
	sy->last_updated = w;
	ks_hist_observe(&sy->sync_all, t - t0);
	ks_hist_observe(full ? &sy->sync_full : &sy->sync_partial, t - t0);
	/* From the EndpointSlice controller's trigger time to now. */
	for (i = 0; keys && i < json_object_array_length(keys); i++) {
		const char *k = json_object_get_string(json_object_array_get_idx(keys, i));
		json_object *trig;

		if (json_object_object_get_ex(sy->triggers, k, &trig)) {
			ks_hist_observe(&sy->netprog, w - json_object_get_double(trig));
			json_object_object_del(sy->triggers, k);
		}
	}
	if (full) {
		json_object_object_foreach(sy->triggers, k, v) {
			(void)k;
			ks_hist_observe(&sy->netprog, w - json_object_get_double(v));
		}
		json_object_put(sy->triggers);
		sy->triggers = json_object_new_object();
	}
}

static void note_gen(struct sync *sy)
{
	struct ks_info info;

	if (!ks_nl_info(sy->nl, &info))
		sy->gen = info.generation;
}

/*
 * A Service the API server has but ksvc refused is not deleted from the
 * kernel: what it had of it stays, as in an incremental sync.
 */
static void keep_refused(const struct sync *sy, struct ks_plan *plan,
			 json_object *kept)
{
	size_t i, n = 0;

	for (i = 0; i < plan->n_del; i++) {
		char key[600];

		snprintf(key, sizeof(key), "%s/%s", plan->del[i]->ns, plan->del[i]->name);
		if (!json_object_object_get_ex(sy->store.objs[KS_KIND_SERVICE], key, NULL))
			plan->del[n++] = plan->del[i];
		else
			json_object_array_add(kept, json_object_new_string(key));
	}
	plan->n_del = n;
}

/* Everything the store holds against the kernel's dump: 0 or -1. */
int sync_full(struct sync *sy)
{
	struct ks_state want, have;
	struct ks_config cfg;
	struct ks_errors errs;
	struct ks_plan plan;
	double t0 = now();
	uint64_t gen;
	json_object *kept = NULL;
	int n, ret = -1, tries;
	size_t i;

	/* Whether externalIPs are programmed: ksvcctl config's to say. */
	if (!ks_nl_config_get(sy->nl, &cfg))
		sy->po.no_external_ips = !cfg.external_ips;
	/* All of it is read below. */
	json_object_put(ks_store_take_dirty(&sy->store));
	sy->dirty_since = 0;
	ks_state_init(&want);
	ks_errors_init(&errs);
	n = ks_store_build(&sy->store, NULL, &sy->po, &want, &errs);
	if (n) {
		log_errors(&errs, "full sync");
		sy->skipped += (unsigned long)n;
	}
	for (tries = 0; tries < 3; tries++) {
		if (ks_nl_dump(sy->nl, &have, &gen)) {
			slog("full sync: dump failed: %s", ks_nl_errmsg(sy->nl) ?: "");
			break;
		}
		if (ks_plan_make(&want, &have, 1, &plan)) {
			ks_state_free(&have);
			break;
		}
		json_object_put(kept);
		kept = json_object_new_array();
		keep_refused(sy, &plan, kept);
		ret = ks_plan_size(&plan) ? ks_apply_plan(sy->nl, &want, &plan, 0, gen) : 0;
		if (!ret)
			slog("full sync: %zu services: %zu added, %zu changed, %zu deleted, %zu unchanged (%.0f ms)",
			     want.n_svcs, plan.n_add, plan.n_change, plan.n_del, plan.n_same,
			     (now() - t0) * 1000);
		ks_plan_free(&plan);
		ks_state_free(&have);
		if (ret != KS_STALE)
			break;
	}
	if (ret) {
		slog("full sync failed: the tables are left as they were; again in 5 s");
		sy->need_full = 1;
		sy->full_retry_at = now() + 5;
	} else {
		json_object_put(sy->programmed);
		sy->programmed = json_object_new_object();
		json_object_put(sy->nolocal);
		sy->nolocal = json_object_new_object();
		sy->no_local[0] = sy->no_local[1] = 0;
		sync_hc_begin(sy);
		for (i = 0; i < want.n_svcs; i++) {
			char key[600];

			snprintf(key, sizeof(key), "%s/%s", want.svcs[i].ns, want.svcs[i].name);
			json_object_object_add(sy->programmed, key, NULL);
			after_build(sy, key, &want.svcs[i]);
		}
		for (i = 0; kept && i < json_object_array_length(kept); i++) {
			const char *key = json_object_get_string(json_object_array_get_idx(kept, i));

			json_object_object_add(sy->programmed, key, NULL);
			sync_hc_keep(sy, key);
		}
		sync_hc_end(sy);
		sy->full_syncs++;
		sy->need_full = 0;
		sy->last_full = now();
		synced(sy, t0, 1, NULL);
	}
	note_gen(sy);
	json_object_put(kept);
	ks_state_free(&want);
	ks_errors_free(&errs);
	return ret ? -1 : 0;
}

/*
 * The dirty Services only, in one transaction checked against the
 * generation of our last write: anyone else's write in between asks for a
 * full sync instead.
 */
void sync_dirty(struct sync *sy)
{
	json_object *keys = ks_store_take_dirty(&sy->store);
	size_t i, n = json_object_array_length(keys), sent = 0, del = 0;
	double t0 = now();
	int err;

	sy->dirty_since = 0;
	err = ks_nl_tx_begin(sy->nl, 0, sy->gen);
	if (err) {
		slog("sync: %s: a full sync instead",
		     err == -ESTALE ? "the tables changed under the agent" : "begin refused");
		json_object_put(keys);
		sync_full(sy);
		return;
	}
	for (i = 0; !err && i < n; i++) {
		const char *key = json_object_get_string(json_object_array_get_idx(keys, i));
		struct ks_errors errs;
		struct ks_state st;
		int bad;

		ks_state_init(&st);
		ks_errors_init(&errs);
		bad = ks_store_build(&sy->store, key, &sy->po, &st, &errs);
		if (st.n_svcs || !bad)
			after_build(sy, key, st.n_svcs ? &st.svcs[0] : NULL);
		if (st.n_svcs) {
			err = ks_nl_svc_new(sy->nl, &st.svcs[0], 1);
			json_object_object_add(sy->programmed, key, NULL);
			sent++;
		} else if (bad) {
			/* Refused: what the kernel has of it stays. */
			log_errors(&errs, key);
			sy->skipped += (unsigned long)bad;
		} else if (json_object_object_get_ex(sy->programmed, key, NULL)) {
			const char *slash = strchr(key, '/');
			char ns[300];

			snprintf(ns, sizeof(ns), "%.*s", (int)(slash - key), key);
			err = ks_nl_svc_del(sy->nl, ns, slash + 1);
			json_object_object_del(sy->programmed, key);
			del++;
		}
		ks_state_free(&st);
		ks_errors_free(&errs);
	}
	if (!err)
		err = ks_nl_tx_commit(sy->nl, sy->gen);
	else
		ks_nl_tx_abort(sy->nl);
	if (err) {
		slog("sync: %zu services refused (%s): a full sync instead", n,
		     ks_nl_errmsg(sy->nl) ?: strerror(-err));
		json_object_put(keys);
		sync_full(sy);
		return;
	}
	note_gen(sy);
	synced(sy, t0, 0, keys);
	json_object_put(keys);
	sy->syncs++;
	slog("sync: %zu services changed: %zu sent, %zu deleted (%.1f ms)", n, sent, del,
	     (now() - t0) * 1000);
}
