/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl's Kubernetes-shaped output: the kernel's state as a kind: List of
 * Services and EndpointSlices, in YAML or JSON, that apply reads back into
 * the same state (get services -A -o yaml | apply -f - changes nothing).
 *
 * What a ks_service holds becomes:
 *   Service: type, clusterIP(s) and ipFamilies (or clusterIP: None when
 *     headless), externalIPs, status.loadBalancer.ingress[].ip, ports
 *     (name, protocol, port, nodePort, targetPort when every endpoint of
 *     the port has the same one), externalName, externalTrafficPolicy,
 *     internalTrafficPolicy, sessionAffinity and its timeout,
 *     loadBalancerSourceRanges, the ksvc.io/algorithm annotation.
 *   EndpointSlices: one per (service port, address family, target port),
 *     named NAME-N, with the port's name and protocol; endpoints with all
 *     three conditions, and nodeName = node_name for node-local ones (so
 *     apply marks them local again on this node; without a node name the
 *     local mark cannot be written down).
 */
#ifndef KSVC_OUT_H
#define KSVC_OUT_H

#include <stdio.h>
#include "model.h"

enum {
	KS_OUT_SERVICES = 1,	/* Service objects */
	KS_OUT_SLICES = 2,	/* EndpointSlice objects */
};

struct ks_out_opts {
	int json;		/* JSON, else YAML */
	int what;		/* KS_OUT_* */
	const char *ns;		/* only this namespace; NULL: all */
	const char *name;	/* only this Service; NULL: all */
	const char *node_name;	/* written as nodeName of local endpoints */
};

/* Every selected service of st as one kind: List document. */
void ks_out_list(FILE *f, const struct ks_state *st,
		 const struct ks_out_opts *o);

/* Counters of every service and endpoint, as one JSON object. */
void ks_out_stats_json(FILE *f, const struct ks_state *st);


#endif
