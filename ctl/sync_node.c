// SPDX-License-Identifier: GPL-2.0
/* ksvcctl sync: what this node's Node object says (sync.h). */
#include <arpa/inet.h>
#include <string.h>

#include "sync.h"

/* ---- the Node ---- */

/*
 * The node IPs as kube-proxy takes them from the Node (GetNodeHostIPs):
 * per family the first InternalIP, else the first ExternalIP;
 * spec.podCIDRs, this node's pod network; its zone label, for
 * topology-aware routing.  Applied when they change (a new zone
 * re-plans every Service: their hints now mean something else).
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

/* Per family the first InternalIP, else the first ExternalIP. */
static void node_ips(json_object *node, struct ks_config *cfg)
{
	const char *types[2] = { "InternalIP", "ExternalIP" };
	json_object *addrs = NULL;
	int fam, t, found;
	size_t i, n;

	json_object_object_get_ex(json_object_object_get(node, "status"), "addresses", &addrs);
	n = addrs ? json_object_array_length(addrs) : 0;
	for (fam = 0; fam < 2; fam++) {
		for (t = 0, found = 0; t < 2 && !found; t++) {
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
				cfg->node_ips[cfg->n_node_ips++] = c.addr;
				found = 1;
			}
		}
	}
	cfg->set_node_ips = 1;
}

/* What cfg holds, in one line: to log, and to compare with the last. */
static void node_facts(const struct ks_config *cfg, char *facts, size_t len)
{
	size_t i;
	char a[64];

	facts[0] = 0;
	for (i = 0; i < cfg->n_node_ips; i++) {
		inet_ntop(cfg->node_ips[i].family, cfg->node_ips[i].a, a, sizeof(a));
		snprintf(facts + strlen(facts), len - strlen(facts), "%s%s",
			 i ? "," : "", a);
	}
	snprintf(facts + strlen(facts), len - strlen(facts), " pod-cidrs:");
	for (i = 0; i < cfg->n_local_cidrs; i++) {
		inet_ntop(cfg->local_cidrs[i].addr.family, cfg->local_cidrs[i].addr.a, a, sizeof(a));
		snprintf(facts + strlen(facts), len - strlen(facts), "%s%s/%u",
			 i ? "," : "", a, cfg->local_cidrs[i].prefix);
	}
	snprintf(facts + strlen(facts), len - strlen(facts), " zone:%s", cfg->zone);
}

void sync_node_apply(struct sync *sy, json_object *node)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1, .np_primary = -1 };
	json_object *cidrs = NULL;
	const char *zone;
	char facts[1024];
	int eligible, err;
	size_t i, n;

	eligible = node_eligible(node);
	if (eligible != sy->node_eligible)
		slog("node %s: %s", sy->node_name, eligible ? "eligible" :
		     "being deleted or drained: /healthz fails from now on");
	sy->node_eligible = eligible;
	node_ips(node, &cfg);
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
	zone = ks_json_str(node, "metadata", "labels", "topology.kubernetes.io/zone", NULL);
	if (zone && strlen(zone) <= KSVC_NAME_MAX)
		snprintf(cfg.zone, sizeof(cfg.zone), "%s", zone);
	else if (zone)
		slog("node %s: zone label longer than %d characters: ignored",
		     sy->node_name, KSVC_NAME_MAX);
	cfg.set_zone = 1;
	node_facts(&cfg, facts, sizeof(facts));
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
	if (strcmp(sy->zone, cfg.zone)) {
		snprintf(sy->zone, sizeof(sy->zone), "%s", cfg.zone);
		sy->po.zone = sy->zone[0] ? sy->zone : NULL;
		sy->need_full = 1;
	}
}

/* The Node object's events: only ours (field selector). */
void sync_node_event(struct sync *sy, const char *type, json_object *obj)
{
	if (!strcmp(type, "DELETED")) {
		slog("node %s: deleted", sy->node_name);
		sy->node_eligible = 0;
	} else {
		sync_node_apply(sy, obj);
	}
}
