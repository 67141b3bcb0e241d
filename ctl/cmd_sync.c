// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl sync: the node agent.  It lists and watches the API server's
 * Services, EndpointSlices and this node's Node, and keeps the kernel's
 * tables in step:
 *
 *   list (paged) -> store (store.c) -> first sync: full convergence
 *   watch events -> store marks changed Services dirty
 *   after --min-sync-period: the dirty Services through the parser, one
 *     transaction (O(change): no dump, no other Service read)
 *   a full convergence (dump, plan, prune) after a relist, when the
 *     tables moved under the agent (another writer), when an incremental
 *     commit is refused, and every --full-sync-period
 *
 * The API server is sometimes away: the tables are kept, each watch is
 * retried with a backoff (1 s doubling to 30 s), 410 Gone relists.  A
 * watch that sends nothing for --watch-timeout (a live API server sends a
 * bookmark about every minute) is treated as broken.  One thread: the
 * watches share a curl multi handle (kube.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan.h"
#include "sync.h"
#include "xalloc.h"
#include "cmd.h"

/* kube-proxy skips these (pkg/proxy/config, its informers' selector). */
#define PROXY_SELECTOR \
	"labelSelector=%21service.kubernetes.io%2Fservice-proxy-name%2C%21service.kubernetes.io%2Fheadless"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void slog(const char *fmt, ...)
{
	struct timespec ts;
	char t[32];
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ sync: ", t, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void log_errors(const struct ks_errors *e, const char *what)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		slog("%s: skipped: %s", what, e->msgs[i]);
	if (e->n > e->n_msgs)
		slog("%s: ... and %zu more errors", what, e->n - e->n_msgs);
}

/* ---- the Node ---- */

/*
 * The node IPs as kube-proxy takes them from the Node (GetNodeHostIPs):
 * per family the first InternalIP, else the first ExternalIP; and
 * spec.podCIDRs, this node's pod network.  Applied when they change.
 */
/*
 * As kube-proxy: a Node being deleted, or tainted by the cluster
 * autoscaler for removal, fails /healthz, so load balancers drain it.
 */
static int node_eligible(json_object *node)
{
	json_object *taints = NULL;
	size_t i, n;

	if (ks_json_str(node, "metadata", "deletionTimestamp", NULL))
		return 0;
	json_object_object_get_ex(json_object_object_get(node, "spec"), "taints", &taints);
	n = taints ? json_object_array_length(taints) : 0;
	for (i = 0; i < n; i++) {
		const char *k = ks_json_str(json_object_array_get_idx(taints, i), "key", NULL);

		if (k && !strcmp(k, "ToBeDeletedByClusterAutoscaler"))
			return 0;
	}
	return 1;
}

static void node_apply(struct sync *sy, json_object *node)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1, .np_primary = -1 };
	json_object *addrs = NULL, *cidrs = NULL;
	const char *types[2] = { "InternalIP", "ExternalIP" };
	char facts[1024] = "";
	int fam, t, err;
	size_t i, n;

	n = (size_t)node_eligible(node);
	if ((int)n != sy->node_eligible)
		slog("node %s: %s", sy->node_name, n ? "eligible" :
		     "being deleted or drained: /healthz fails from now on");
	sy->node_eligible = (int)n;
	json_object_object_get_ex(json_object_object_get(node, "status"), "addresses", &addrs);
	for (fam = 0; fam < 2; fam++) {
		int found = 0;

		for (t = 0; t < 2 && !found; t++) {
			n = addrs ? json_object_array_length(addrs) : 0;
			for (i = 0; i < n && !found; i++) {
				json_object *a = json_object_array_get_idx(addrs, i);
				const char *ty = ks_json_str(a, "type", NULL);
				const char *ad = ks_json_str(a, "address", NULL);
				struct ks_cidr c;
				char buf[64];

				if (!ty || !ad || strcmp(ty, types[t]) ||
				    (!!strchr(ad, ':')) != fam)
					continue;
				snprintf(buf, sizeof(buf), "%s/%d", ad, fam ? 128 : 32);
				if (ks_cidr_parse(buf, &c))
					continue;
				cfg.node_ips[cfg.n_node_ips++] = c.addr;
				found = 1;
			}
		}
	}
	cfg.set_node_ips = 1;
	if (sy->detect_node_cidr) {
		json_object_object_get_ex(json_object_object_get(node, "spec"), "podCIDRs", &cidrs);
		n = cidrs ? json_object_array_length(cidrs) : 0;
		for (i = 0; i < n && cfg.n_local_cidrs < KSVC_MAX_LOCAL_CIDRS; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(cidrs, i));

			if (s && !ks_cidr_parse(s, &cfg.local_cidrs[cfg.n_local_cidrs]))
				cfg.n_local_cidrs++;
		}
		cfg.set_local_cidrs = 1;
	}
	for (i = 0; i < cfg.n_node_ips; i++) {
		char a[64];

		inet_ntop(cfg.node_ips[i].family, cfg.node_ips[i].a, a, sizeof(a));
		snprintf(facts + strlen(facts), sizeof(facts) - strlen(facts), "%s%s",
			 i ? "," : "", a);
	}
	snprintf(facts + strlen(facts), sizeof(facts) - strlen(facts), " pod-cidrs:");
	for (i = 0; i < cfg.n_local_cidrs; i++) {
		char a[64];

		inet_ntop(cfg.local_cidrs[i].addr.family, cfg.local_cidrs[i].addr.a, a, sizeof(a));
		snprintf(facts + strlen(facts), sizeof(facts) - strlen(facts), "%s%s/%u",
			 i ? "," : "", a, cfg.local_cidrs[i].prefix);
	}
	if (!strcmp(facts, sy->node_facts))
		return;
	err = ks_nl_config_set(sy->nl, &cfg);
	if (err) {
		slog("node %s: setting node IPs %s refused: %s", sy->node_name, facts,
		     ks_nl_errmsg(sy->nl) ? ks_nl_errmsg(sy->nl) : strerror(-err));
		return;
	}
	slog("node %s: node IPs %s", sy->node_name, facts);
	snprintf(sy->node_facts, sizeof(sy->node_facts), "%s", facts);
}

/* ---- programming the kernel ---- */

double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * What a built Service (NULL: none) means besides the kernel's table: its
 * healthCheckNodePort, and whether a Local traffic policy finds no local
 * endpoint (kube-proxy's no_local_endpoints gauge).
 */
static void after_build(struct sync *sy, const char *key, const struct ks_service *svc)
{
	int bits = 0, local = 0, any = 0;
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
	if (bits)
		json_object_object_add(sy->nolocal, key, json_object_new_int(bits));
	else
		json_object_object_del(sy->nolocal, key);
	sy->no_local[0] = sy->no_local[1] = 0;
	json_object_object_foreach(sy->nolocal, k, v) {
		(void)k;
		sy->no_local[0] += (unsigned int)(json_object_get_int(v) & 1);
		sy->no_local[1] += (unsigned int)(json_object_get_int(v) >> 1);
	}
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

/* Everything the store holds against the kernel's dump: 0 or -1. */
static int full_sync(struct sync *sy)
{
	struct ks_state want, have;
	struct ks_errors errs;
	struct ks_plan plan;
	double t0 = now();
	uint64_t gen;
	int n, ret = -1, tries;
	size_t i;

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
		sync_hc_begin(sy);
		for (i = 0; i < want.n_svcs; i++) {
			char key[600];

			snprintf(key, sizeof(key), "%s/%s", want.svcs[i].ns, want.svcs[i].name);
			json_object_object_add(sy->programmed, key, NULL);
			after_build(sy, key, &want.svcs[i]);
		}
		sync_hc_end(sy);
		sy->full_syncs++;
		sy->need_full = 0;
		sy->last_full = now();
		synced(sy, t0, 1, NULL);
	}
	note_gen(sy);
	ks_state_free(&want);
	ks_errors_free(&errs);
	return ret ? -1 : 0;
}

/*
 * The dirty Services only, in one transaction checked against the
 * generation of our last write: anyone else's write in between asks for a
 * full sync instead.
 */
static void dirty_sync(struct sync *sy)
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
		full_sync(sy);
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
		full_sync(sy);
		return;
	}
	note_gen(sy);
	synced(sy, t0, 0, keys);
	json_object_put(keys);
	sy->syncs++;
	slog("sync: %zu services changed: %zu sent, %zu deleted (%.1f ms)", n, sent, del,
	     (now() - t0) * 1000);
}

/* ---- lists and watches ---- */

static enum ks_kind res_kind(int r)
{
	return r == R_SERVICES ? KS_KIND_SERVICE : KS_KIND_SLICE;
}

/* The Node object's events: only ours (field selector). */
static void node_event(struct sync *sy, const char *type, json_object *obj)
{
	if (!strcmp(type, "DELETED")) {
		slog("node %s: deleted", sy->node_name);
		sy->node_eligible = 0;
	} else {
		node_apply(sy, obj);
	}
}

/*
 * The EndpointSlice controller's endpoints.kubernetes.io/last-change-
 * trigger-time: when the change that made this slice happened, for the
 * network programming latency.
 */
static void note_trigger(struct sync *sy, json_object *slice)
{
	const char *t = ks_json_str(slice, "metadata", "annotations",
				    "endpoints.kubernetes.io/last-change-trigger-time", NULL);
	const char *svc = ks_json_str(slice, "metadata", "labels",
				      "kubernetes.io/service-name", NULL);
	const char *ns = ks_json_str(slice, "metadata", "namespace", NULL);
	struct tm tm = { 0 };
	json_object *old;
	char key[600], *end;
	double v;

	if (!t || !svc || !ns)
		return;
	end = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return;
	v = (double)timegm(&tm);
	if (*end == '.')
		v += strtod(end, NULL);
	snprintf(key, sizeof(key), "%s/%s", ns, svc);
	if (json_object_object_get_ex(sy->triggers, key, &old) &&
	    json_object_get_double(old) <= v)
		return;
	json_object_object_add(sy->triggers, key, json_object_new_double(v));
}

static void on_line(void *arg, char *line, size_t len)
{
	struct res *r = arg;
	struct sync *sy = r->sy;
	json_object *ev = json_tokener_parse(line), *obj;
	const char *type, *rv;
	char key[600];

	(void)len;
	/* A refused watch request: its body is a Status, not events. */
	if (ev && (type = ks_json_str(ev, "kind", NULL)) && !strcmp(type, "Status")) {
		json_object *code = json_object_object_get(ev, "code");

		slog("%s: watch refused: HTTP %d: %s", r->name, code ? json_object_get_int(code) : 0,
		     ks_json_str(ev, "message", NULL) ?: "");
		if (code && json_object_get_int(code) == 410)
			r->relist = 1;
		json_object_put(ev);
		return;
	}
	if (!ev || !(type = ks_json_str(ev, "type", NULL)) ||
	    !json_object_object_get_ex(ev, "object", &obj)) {
		slog("%s: a watch event that is not one; ignored", r->name);
		json_object_put(ev);
		return;
	}
	if (!strcmp(type, "ERROR")) {
		json_object *code = json_object_object_get(obj, "code");

		slog("%s: watch error %d: %s", r->name, code ? json_object_get_int(code) : 0,
		     ks_json_str(obj, "message", NULL) ?: "");
		if (code && json_object_get_int(code) == 410)
			r->relist = 1;
		json_object_put(ev);
		return;
	}
	rv = ks_json_str(obj, "metadata", "resourceVersion", NULL);
	if (rv)
		snprintf(r->rv, sizeof(r->rv), "%s", rv);
	if (!strcmp(type, "BOOKMARK")) {
		json_object_put(ev);
		return;
	}
	if (r - sy->res == R_NODE) {
		node_event(sy, type, obj);
		json_object_put(ev);
		return;
	}
	if (r - sy->res == R_SERVICES)
		sy->svc_changes++;
	else
		sy->ep_changes++;
	note_trigger(sy, r - sy->res == R_SLICES ? obj : NULL);
	if (!strcmp(type, "DELETED")) {
		if (ks_obj_key(obj, key, sizeof(key)))
			ks_store_del(&sy->store, res_kind((int)(r - sy->res)), key);
	} else {
		ks_store_put(&sy->store, res_kind((int)(r - sy->res)), json_object_get(obj));
	}
	if (!sy->dirty_since && json_object_object_length(sy->store.dirty))
		sy->dirty_since = now();
	/* kube-proxy's QueuedUpdate: the health clock starts. */
	if (!sy->oldest_queued && sy->dirty_since)
		sy->oldest_queued = sy->dirty_since;
	sy->last_queued_wall = wall();
	json_object_put(ev);
}

/* A full list of r, page by page, into the store: 0 or -1. */
static int list(struct sync *sy, struct res *r)
{
	json_object *items = json_object_new_array();
	char path[1200], err[400], cont[1024] = "";
	const char *c, *rv = NULL;
	long status;
	char *body;

	for (;;) {
		json_object *page, *its;
		size_t i;

		snprintf(path, sizeof(path), "%s?%s&limit=500%s%s", r->path, r->query,
			 cont[0] ? "&continue=" : "", cont);
		if (ks_kube_get(sy->kube, path, 60, &body, &status, err, sizeof(err))) {
			slog("%s: list: %s", r->name, err);
			goto fail;
		}
		if (status != 200) {
			page = json_tokener_parse(body);
			slog("%s: list: HTTP %ld: %s", r->name, status,
			     ks_json_str(page, "message", NULL) ?: "");
			json_object_put(page);
			free(body);
			goto fail;
		}
		page = json_tokener_parse(body);
		free(body);
		if (!page || !json_object_object_get_ex(page, "items", &its)) {
			slog("%s: list: not a list", r->name);
			json_object_put(page);
			goto fail;
		}
		for (i = 0; i < json_object_array_length(its); i++)
			json_object_array_add(items, json_object_get(json_object_array_get_idx(its, i)));
		rv = ks_json_str(page, "metadata", "resourceVersion", NULL);
		if (rv)
			snprintf(r->rv, sizeof(r->rv), "%s", rv);
		c = ks_json_str(page, "metadata", "continue", NULL);
		snprintf(cont, sizeof(cont), "%s", c ? c : "");
		json_object_put(page);
		if (!cont[0])
			break;
	}
	if (r - sy->res == R_NODE) {
		if (json_object_array_length(items))
			node_apply(sy, json_object_array_get_idx(items, 0));
		else
			slog("node %s: no such Node (yet)", sy->node_name);
		json_object_put(items);
	} else {
		ks_store_replace(&sy->store, res_kind((int)(r - sy->res)), items);
		slog("%s: listed %zu at resourceVersion %s", r->name,
		     ks_store_count(&sy->store, res_kind((int)(r - sy->res))), r->rv);
	}
	r->relist = 0;
	return 0;
fail:
	json_object_put(items);
	return -1;
}

static void watch(struct sync *sy, struct res *r)
{
	char path[1200];

	snprintf(path, sizeof(path),
		 "%s?%s&watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d",
		 r->path, r->query, r->rv, 240 + rand() % 120);
	r->w = ks_watch_start(sy->kube, path, (long)sy->idle, on_line, r);
}

/* A watch ended: why, and when to try again. */
static void watch_ended(struct sync *sy, struct res *r)
{
	const char *msg;
	long status;

	ks_watch_done(r->w, &status, &msg);
	ks_watch_stop(r->w);
	r->w = NULL;
	if (status == 410)
		r->relist = 1;
	if (status == 200 && !msg && !r->relist) {
		/* The server's timeoutSeconds: watch on at once. */
		r->retry_at = 0;
		r->backoff = 1;
		return;
	}
	sy->watch_restarts++;
	slog("%s: watch ended (%s%s%ld); %s in %.0f s", r->name, msg ? msg : "",
	     msg ? ", HTTP " : "HTTP ", status, r->relist ? "relist" : "retry", r->backoff);
	r->retry_at = now() + r->backoff;
	r->backoff = r->backoff * 2 > 30 ? 30 : r->backoff * 2;
}

static void run_res(struct sync *sy, struct res *r)
{
	if (r->w) {
		long st;
		const char *m;

		if (ks_watch_done(r->w, &st, &m))
			watch_ended(sy, r);
		return;
	}
	if (r->retry_at > now())
		return;
	if (r->relist) {
		if (list(sy, r)) {
			r->retry_at = now() + r->backoff;
			r->backoff = r->backoff * 2 > 30 ? 30 : r->backoff * 2;
			return;
		}
		sy->relists++;
		/* What happened while away is only in a full comparison. */
		if (r - sy->res != R_NODE)
			sy->need_full = 1;
	}
	watch(sy, r);
}

/* ---- the command ---- */

static int parse_secs(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	if (end == s || *v < 0)
		return -1;
	if (!strcmp(end, "ms"))
		*v /= 1000;
	else if (!strcmp(end, "m"))
		*v *= 60;
	else if (!strcmp(end, "h"))
		*v *= 3600;
	else if (*end && strcmp(end, "s"))
		return -1;
	return 0;
}

/* kube-proxy's buckets: exponential from 1 ms for syncs... */
static const double exp_buckets[15] = {
	0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512,
	1.024, 2.048, 4.096, 8.192, 16.384,
};
/* ...and 0, 0.25, 0.5, 1..59, 60..115 by 5, 120..300 by 30 for programming. */
static double npl_buckets[81];

static void hists_init(struct sync *sy)
{
	size_t n = 0;
	int i;

	npl_buckets[n++] = 0;
	npl_buckets[n++] = 0.25;
	npl_buckets[n++] = 0.5;
	for (i = 1; i <= 59; i++)
		npl_buckets[n++] = i;
	for (i = 60; i <= 115; i += 5)
		npl_buckets[n++] = i;
	for (i = 120; i <= 300; i += 30)
		npl_buckets[n++] = i;
	sy->netprog.le = npl_buckets;
	sy->netprog.n = n;
	sy->sync_all.le = sy->sync_full.le = sy->sync_partial.le = exp_buckets;
	sy->sync_all.n = sy->sync_full.n = sy->sync_partial.n = 15;
}

static int cmd_sync(int argc, char **argv)
{
	const char *kcpath = NULL, *apiserver = NULL, *sa_dir = NULL, *node = NULL;
	const char *healthz = "0.0.0.0:10256", *metrics = "127.0.0.1:10249";
	struct ks_kubeconfig kc;
	struct sync sy = { 0 };
	struct ks_info info;
	char err[600], hn[256], server[300];
	struct sigaction sa;
	int c, ret, r, ok;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	sy.min_sync = 1;
	sy.full_period = 3600;
	sy.idle = 150;
	sy.detect_node_cidr = 1;
	sy.health_timeout = 60;
	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'k':
			kcpath = optarg;
			break;
		case 'I':
			sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
			break;
		case 'S':
			sa_dir = optarg;
			break;
		case 'A':
			apiserver = optarg;
			break;
		case 'N':
			node = optarg;
			break;
		case 'm':
			if (parse_secs(optarg, &sy.min_sync))
				return usage_error("--min-sync-period: '%s' is not a duration", optarg);
			break;
		case 'F':
			if (parse_secs(optarg, &sy.full_period) || sy.full_period < 1)
				return usage_error("--full-sync-period: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'W':
			if (parse_secs(optarg, &sy.idle) || sy.idle < 1)
				return usage_error("--watch-timeout: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'H':
			healthz = optarg;
			break;
		case 'M':
			metrics = optarg;
			break;
		case 'T':
			if (parse_secs(optarg, &sy.health_timeout) || sy.health_timeout < 1)
				return usage_error("--health-timeout: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'D':
			if (!strcmp(optarg, "NodeCIDR"))
				sy.detect_node_cidr = 1;
			else if (!strcmp(optarg, "None"))
				sy.detect_node_cidr = 0;
			else
				return usage_error("--detect-local-mode takes NodeCIDR or None, not '%s'", optarg);
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	/* As kube-proxy: --hostname-override, else NODE_NAME, else the host name. */
	if (!node)
		node = getenv("NODE_NAME");
	if (!node || !*node) {
		if (gethostname(hn, sizeof(hn)))
			return usage_error("%s", "no node name: give --node-name");
		hn[sizeof(hn) - 1] = 0;
		node = hn;
	}
	if (strlen(node) > KSVC_NODE_NAME_MAX)
		return usage_error("node name '%s' is too long", node);
	snprintf(sy.node_name, sizeof(sy.node_name), "%s", node);
	sy.po.node_name = sy.node_name;
	sy.po.skip_invalid = 1;

	if (sa_dir ? ks_kubeconfig_incluster(sa_dir, apiserver, &kc, err, sizeof(err)) :
		     ks_kubeconfig_load(kcpath, &kc, err, sizeof(err))) {
		fprintf(stderr, "ksvcctl: sync: %s\n", err);
		return KS_EXIT_USAGE;
	}
	if (apiserver && !sa_dir) {
		free(kc.server);
		kc.server = xstrdup(apiserver);
	}
	ret = open_nl(&sy.nl, "sync");
	if (ret) {
		ks_kubeconfig_free(&kc);
		return ret;
	}
	/* An agent and a module of different protocols must not talk. */
	ret = ks_nl_info(sy.nl, &info);
	if (ret || info.proto_version != KSVC_GENL_VERSION) {
		if (ret)
			ks_nl_report(sy.nl, "sync: info", ret);
		else
			fprintf(stderr, "ksvcctl: sync: protocol mismatch: tool %d, module %u (upgrade both)\n",
				KSVC_GENL_VERSION, info.proto_version);
		ks_nl_close(sy.nl);
		ks_kubeconfig_free(&kc);
		return KS_EXIT_ERROR;
	}
	snprintf(server, sizeof(server), "%s", kc.server);
	sy.kube = ks_kube_new(&kc, err, sizeof(err));
	if (!sy.kube) {
		fprintf(stderr, "ksvcctl: sync: %s\n", err);
		ks_nl_close(sy.nl);
		ks_kubeconfig_free(&kc);
		return KS_EXIT_ERROR;
	}
	{
		struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
					 .masquerade_all = -1, .np_primary = -1,
					 .set_node_name = 1 };

		snprintf(cfg.node_name, sizeof(cfg.node_name), "%s", sy.node_name);
		ret = ks_nl_config_set(sy.nl, &cfg);
		if (ret) {
			ret = ks_nl_report(sy.nl, "sync: node name", ret);
			goto out;
		}
	}
	ks_store_init(&sy.store);
	sy.programmed = json_object_new_object();
	sy.triggers = json_object_new_object();
	sy.nolocal = json_object_new_object();
	hists_init(&sy);
	/* Serving health before the first sync: "not updated yet" is healthy. */
	if (sync_http_start(&sy, healthz, metrics)) {
		ret = KS_EXIT_USAGE;
		goto out_store;
	}
	sy.res[R_SERVICES] = (struct res){ .name = "services", .path = "/api/v1/services" };
	sy.res[R_SLICES] = (struct res){ .name = "endpointslices",
					 .path = "/apis/discovery.k8s.io/v1/endpointslices" };
	sy.res[R_NODE] = (struct res){ .name = "node", .path = "/api/v1/nodes" };
	snprintf(sy.res[R_SERVICES].query, sizeof(sy.res[0].query), "%s", PROXY_SELECTOR);
	snprintf(sy.res[R_SLICES].query, sizeof(sy.res[0].query), "%s", PROXY_SELECTOR);
	snprintf(sy.res[R_NODE].query, sizeof(sy.res[0].query),
		 "fieldSelector=metadata.name%%3D%s", sy.node_name);
	for (r = 0; r < R_N; r++) {
		sy.res[r].sy = &sy;
		sy.res[r].backoff = 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	slog("node %s, API server %s", sy.node_name, server);

	/* Nothing is programmed before every list is complete. */
	for (r = 0; r < R_N && !stop;) {
		if (list(&sy, &sy.res[r])) {
			sleep((unsigned int)sy.res[r].backoff);
			sy.res[r].backoff = sy.res[r].backoff * 2 > 30 ? 30 : sy.res[r].backoff * 2;
			continue;
		}
		sy.res[r].backoff = 1;
		r++;
	}
	ok = !stop && !full_sync(&sy);
	if (!stop && !ok)
		sy.need_full = 1;
	for (r = 0; r < R_N && !stop; r++)
		watch(&sy, &sy.res[r]);

	while (!stop) {
		double t = now(), wait = 1.0;

		if (sy.dirty_since) {
			double due = sy.dirty_since + sy.min_sync - t;

			wait = due < wait ? due : wait;
		}
		{
			int fds[64];
			short ev[64];
			size_t nfd = sync_http_fds(&sy, fds, ev, 64);

			ks_kube_poll(sy.kube, wait > 0 ? (int)(wait * 1000) : 0, fds, ev, nfd);
		}
		sync_http_run(&sy);
		for (r = 0; r < R_N; r++)
			run_res(&sy, &sy.res[r]);
		t = now();
		if ((sy.need_full && t >= sy.full_retry_at) || t - sy.last_full >= sy.full_period)
			full_sync(&sy);
		else if (sy.dirty_since && t - sy.dirty_since >= sy.min_sync)
			dirty_sync(&sy);
	}
	slog("stopping: the tables stay as they are");
	ret = KS_EXIT_OK;
	for (r = 0; r < R_N; r++)
		ks_watch_stop(sy.res[r].w);
out_store:
	sync_http_stop(&sy);
	json_object_put(sy.programmed);
	json_object_put(sy.triggers);
	json_object_put(sy.nolocal);
	ks_store_free(&sy.store);
out:
	ks_kube_free(sy.kube);
	ks_nl_close(sy.nl);
	return ret;
}

static const struct ks_opt sync_opts[] = {
	{ "kubeconfig", 'k', 0, "FILE", "@files" },
	{ "in-cluster", 'I', 0, NULL, NULL },
	{ "service-account-dir", 'S', 0, "DIR", "@files" },
	{ "apiserver", 'A', 0, "URL", NULL },
	OPT_NODE,
	{ "min-sync-period", 'm', 0, "DURATION", NULL },
	{ "full-sync-period", 'F', 0, "DURATION", NULL },
	{ "watch-timeout", 'W', 0, "DURATION", NULL },
	{ "detect-local-mode", 'D', 0, "NodeCIDR|None", "NodeCIDR None" },
	{ "healthz-bind-address", 'H', 0, "ADDR:PORT", NULL },
	{ "metrics-bind-address", 'M', 0, "ADDR:PORT", NULL },
	{ "health-timeout", 'T', 0, "DURATION", NULL },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_sync = {
	.name = "sync",
	.fn = cmd_sync,
	.args = "",
	.opts = sync_opts,
	.help = "The node agent: list and watch the API server's Services, EndpointSlices\n"
		"and this node's Node (--kubeconfig FILE or $KUBECONFIG; or --in-cluster,\n"
		"the service account, or that in --service-account-dir, with --apiserver\n"
		"URL), and keep this namespace's\n"
		"tables in step.  Changes are gathered for --min-sync-period (1s) and\n"
		"sent in one transaction, the changed Services only; a full convergence\n"
		"(prune) runs at start, after a relist, when another writer changed the\n"
		"tables, and every --full-sync-period (1h).  A watch silent for\n"
		"--watch-timeout (150s) is restarted.  The node name: --node-name, else\n"
		"$NODE_NAME, else the host name.  The Node's first InternalIP (else\n"
		"ExternalIP) of each family become the node IPs; its podCIDRs the pod\n"
		"CIDRs (--detect-local-mode NodeCIDR, the default; None leaves them).\n"
		"Objects ksvc refuses are logged and skipped.  SIGTERM stops it, the\n"
		"tables left as they are.  Serves /healthz and /livez on\n"
		"--healthz-bind-address (0.0.0.0:10256; 503 once a change waited longer\n"
		"than --health-timeout, 60s; /healthz also while the Node is deleted or\n"
		"drained), /metrics on --metrics-bind-address (127.0.0.1:10249), and\n"
		"each healthCheckNodePort; \"\" turns a server off.",
};
