// SPDX-License-Identifier: GPL-2.0
/*
 * kind: Node (v1) into its record: its zone label, which the EndpointSlice
 * controller copies into the hints of the endpoints on it when a Service
 * sets trafficDistribution (used when ksvcctl derives endpoints from Pods).
 */
#include "parse_int.h"

#define LABEL_ZONE	"topology.kubernetes.io/zone"

void parse_node(struct obj *o, const struct node *meta)
{
	struct ks_input *in = o->p->in;
	const struct node *z = label(meta, LABEL_ZONE);
	struct in_node *nd;

	if (z && !want_str(o, z, "metadata.labels[" LABEL_ZONE "]",
			   KSVC_NAME_MAX))
		return;
	nd = arena_zalloc(&in->rec, sizeof(*nd));
	nd->doc = in->doc;
	nd->name = arena_strndup(&in->rec, o->name, strlen(o->name));
	nd->zone = z && z->n ? arena_strndup(&in->rec, z->u.s, z->n) : NULL;
	grow(&in->nodes, &in->cap_nodes, in->n_nodes + 1, sizeof(*in->nodes));
	in->nodes[in->n_nodes++] = nd;
}
