// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl sync: the cluster's ServiceCIDR objects (networking.k8s.io/v1)
 * become the module's Service CIDRs (a new connection to an address in
 * them that no Service holds is dropped), as kube-proxy takes them: the
 * spec.cidrs of every ServiceCIDR there is.  Applied when they change.
 */
#include <string.h>

#include "sync.h"

/* The union of every object's spec.cidrs into the module. */
static void cidrs_apply(struct sync *sy)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1, .np_primary = -1,
				 .set_svc_cidrs = 1 };
	char facts[sizeof(sy->svc_cidrs_applied)] = "";
	size_t i, n, k;
	int err;

	json_object_object_foreach(sy->svc_cidrs, name, list) {
		n = json_object_array_length(list);
		for (i = 0; i < n; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(list, i));
			struct ks_cidr c;

			if (!s || ks_cidr_parse(s, &c)) {
				slog("servicecidrs: %s: '%s' is not a prefix; ignored", name,
				     s ? s : "");
				continue;
			}
			for (k = 0; k < cfg.n_svc_cidrs; k++)
				if (!memcmp(&cfg.svc_cidrs[k], &c, sizeof(c)))
					break;
			if (k < cfg.n_svc_cidrs)
				continue;
			if (cfg.n_svc_cidrs == KSVC_MAX_LOCAL_CIDRS) {
				slog("servicecidrs: more than %d prefixes; %s left out",
				     KSVC_MAX_LOCAL_CIDRS, s);
				continue;
			}
			cfg.svc_cidrs[cfg.n_svc_cidrs++] = c;
			snprintf(facts + strlen(facts), sizeof(facts) - strlen(facts),
				 "%s%s", facts[0] ? "," : "", s);
		}
	}
	if (!strcmp(facts, sy->svc_cidrs_applied) && sy->svc_cidrs_set)
		return;
	err = ks_nl_config_set(sy->nl, &cfg);
	if (err) {
		slog("servicecidrs: setting %s refused: %s", facts[0] ? facts : "none",
		     ks_nl_errmsg(sy->nl) ? ks_nl_errmsg(sy->nl) : strerror(-err));
		return;
	}
	slog("servicecidrs: %s", facts[0] ? facts : "none");
	snprintf(sy->svc_cidrs_applied, sizeof(sy->svc_cidrs_applied), "%s", facts);
	sy->svc_cidrs_set = 1;
}

static void cidrs_put(struct sync *sy, json_object *obj)
{
	const char *name = ks_json_str(obj, "metadata", "name", NULL);
	json_object *spec = NULL, *cidrs = NULL;

	json_object_object_get_ex(obj, "spec", &spec);
	json_object_object_get_ex(spec, "cidrs", &cidrs);
	if (!name || !cidrs || !json_object_is_type(cidrs, json_type_array)) {
		slog("servicecidrs: %s without spec.cidrs; ignored", name ? name : "an object");
		return;
	}
	json_object_object_add(sy->svc_cidrs, name, json_object_get(cidrs));
}

/* A whole list: what the cluster has now. */
void sync_cidrs_list(struct sync *sy, json_object *items)
{
	size_t i;

	json_object_put(sy->svc_cidrs);
	sy->svc_cidrs = json_object_new_object();
	for (i = 0; i < json_object_array_length(items); i++)
		cidrs_put(sy, json_object_array_get_idx(items, i));
	cidrs_apply(sy);
}

void sync_cidrs_event(struct sync *sy, const char *type, json_object *obj)
{
	const char *name = ks_json_str(obj, "metadata", "name", NULL);

	if (!sy->svc_cidrs)
		sy->svc_cidrs = json_object_new_object();
	if (!strcmp(type, "DELETED")) {
		if (name)
			json_object_object_del(sy->svc_cidrs, name);
	} else {
		cidrs_put(sy, obj);
	}
	cidrs_apply(sy);
}
