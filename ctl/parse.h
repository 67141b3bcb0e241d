/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl's parser: Kubernetes Services and EndpointSlices, as kubectl
 * prints them (-o yaml or -o json, kind: List) or as plain manifests
 * (multi-document YAML), into the desired state of model.h.
 *
 * Usage: ks_input_new(), ks_input_add_*() once per file, ks_input_build()
 * to join every Service with its EndpointSlices, ks_input_free().
 *
 * Every problem is reported as one line in a struct ks_errors:
 *   FILE:LINE:COL: KIND NAMESPACE/NAME: FIELD.PATH: message
 * or, for YAML syntax errors and documents that are no object at all:
 *   FILE:LINE:COL: message
 * LINE:COL (1-based) is where the offending value starts, or the object
 * (for a few list entries, the entry) when a field is missing.
 *
 * What is read (everything else is ignored):
 *   Service (v1): metadata.name/namespace/labels, spec.type, clusterIP(s),
 *     ipFamilies, externalIPs, ports[] (name, protocol, port, targetPort,
 *     nodePort), externalName, external/internalTrafficPolicy,
 *     sessionAffinity, selector, publishNotReadyAddresses,
 *     trafficDistribution;
 *     status.loadBalancer.ingress[].ip (type LoadBalancer,
 *     not ipMode Proxy).  Label service.kubernetes.io/service-proxy-name:
 *     not ours, skipped (as kube-proxy does).
 *   EndpointSlice (discovery.k8s.io/v1): the kubernetes.io/service-name
 *     label, addressType (FQDN slices skipped), ports[], endpoints[]
 *     (addresses[0], as kube-proxy, all of them checked; conditions;
 *     nodeName; hints.forZones/forNodes[].name, for topology-aware
 *     routing as kube-proxy's topology.go, with node_name and zone).
 *   Endpoints (v1): subsets[] (addresses[] ready and serving,
 *     notReadyAddresses[] neither; ip, nodeName; ports[]), used for a
 *     Service that has no EndpointSlice.
 *   Pod (v1): labels, deletionTimestamp, spec.nodeName,
 *     spec.containers[].ports[] (name, containerPort, protocol),
 *     status.podIP(s), phase, the Ready condition; used for a Service with
 *     a selector and neither slices nor Endpoints, as the EndpointSlice
 *     controller would: equality selector, named targetPorts resolved per
 *     Pod, serving = Ready, terminating = deletionTimestamp set, ready =
 *     publishNotReadyAddresses or (serving and not terminating); Pods
 *     without IP, Succeeded or Failed are skipped; with trafficDistribution,
 *     the hints the controller would write (the zone of the Pod's Node,
 *     its node too for PreferSameNode).
 *   Node (v1): name, the topology.kubernetes.io/zone label.
 *   List, ServiceList, EndpointSliceList (any kind ending in List): items.
 *   Other kinds: skipped (a note with verbose).
 * Duplicate mapping keys are refused (the API server does too).
 * YAML aliases are refused (kubectl never writes them; expanding them is a
 * denial of service), nesting is limited to 64 levels.
 *
 * Out of memory is fatal: the process exits with a message, as most
 * command-line tools do.
 */
#ifndef KSVC_PARSE_H
#define KSVC_PARSE_H

#include <stddef.h>
#include <stdio.h>
#include "model.h"

struct ks_errors {
	char **msgs;		/* the first KS_ERRORS_KEEP messages */
	size_t n_msgs, cap;
	size_t n;		/* every error, kept or not */
};
#define KS_ERRORS_KEEP	10000	/* a broken 100k-object input stays cheap */

void ks_errors_init(struct ks_errors *e);
void ks_errors_free(struct ks_errors *e);
void ks_errors_add(struct ks_errors *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* One line per error, then "... and N more errors" if some were not kept. */
void ks_errors_print(const struct ks_errors *e, FILE *f);

struct ks_parse_opts {
	const char *node_name;	/* endpoints on this node get KSVC_EP_F_LOCAL */
	const char *zone;	/* this node's, for topology hints; NULL: none */
	int no_external_ips;	/* program no externalIPs (config --external-ips no) */
	int skip_invalid;	/* build every valid object despite errors */
	int verbose;		/* say which objects were skipped, and why */
	FILE *log;		/* where verbose notes go; NULL: stderr */
};

struct ks_input;

struct ks_input *ks_input_new(void);
void ks_input_free(struct ks_input *in);
/*
 * For the test that the kernel is the authority on its rules (those
 * uapi/linux/ksvc.h writes beside their attributes): this input does not
 * check them, so that what they refuse reaches the kernel.  Call before
 * adding files.  The rules ksvcctl alone keeps are checked as ever.
 */
void ks_input_defer_kernel_rules(struct ks_input *in);

/*
 * Read one file ("-" is stdin, named "<stdin>" in messages).  Objects are
 * validated as they are read; invalid ones are reported in errs and
 * dropped.  A YAML syntax error drops the document it is in and ends the
 * file; earlier documents are kept.  Returns the number of errors this
 * call added (0: clean).
 */
int ks_input_add_file(struct ks_input *in, const char *path,
		      struct ks_errors *errs);
/*
 * A file, "-", or a directory: its *.yaml, *.yml and *.json files in name
 * order (not recursive, like kubectl apply -f DIR).
 */
int ks_input_add_path(struct ks_input *in, const char *path,
		      struct ks_errors *errs);
/* The same from memory; name is used in messages.  For tests and fuzzing. */
int ks_input_add_buffer(struct ks_input *in, const char *name,
			const char *buf, size_t len, struct ks_errors *errs);

/*
 * Join every Service with its EndpointSlices into out (initialized with
 * ks_state_init, and empty), sorted (ks_state_sort), so ks_state_find is
 * a binary search.  Checks what needs every object at once: duplicate
 * Services and two Services on one address:port/protocol or node
 * port/protocol (the first in input order keeps it).  Prints the verbose
 * notes.  o may be NULL (defaults).  Call it once per ks_input.
 *
 * A Service port's endpoints are every (endpoint, slice port) of its
 * slices whose port has the same name and protocol; an endpoint listed by
 * two slices is kept once, with its best conditions.  Headless and
 * ExternalName Services get no frontends and no endpoints.
 *
 * Returns the number of errors of the whole input (those of the add calls
 * included): 0 means out is exactly the input.  With errors and without
 * o->skip_invalid, out is left empty, because a partial state must not be
 * applied by accident; with o->skip_invalid, out holds every valid object.
 */
int ks_input_build(struct ks_input *in, const struct ks_parse_opts *o,
		   struct ks_state *out, struct ks_errors *errs);

/*
 * How many Services were skipped as another proxy's (their label
 * service.kubernetes.io/service-proxy-name is set), so that an input of
 * only those is not called one that "holds no Service".
 */
size_t ks_input_foreign(const struct ks_input *in);

/*
 * Why an input that gave no Service gives none, for apply's and
 * validate's refusal: "holds no Service", or that its N Services all
 * belong to another proxy.
 */
void ks_input_why_empty(const struct ks_input *in, char *buf, size_t len);

#endif
