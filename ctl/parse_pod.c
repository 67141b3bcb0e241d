// SPDX-License-Identifier: GPL-2.0
/*
 * kind: Pod (v1) into its record: what the EndpointSlice controller reads.
 */
#include "parse_int.h"

static void pod_skip(struct obj *o, const char *why)
{
	note(o->p->in, 0, "%s:%d:%d: Pod %s/%s: skipped: %s", o->p->file,
	     o->node->line, o->node->col, o->ns, o->name, why);
}

/* status.podIPs[].ip, or else status.podIP. */
static void pod_ips(struct obj *o, const struct node *status,
		    struct in_pod *pod)
{
	const struct node *l = get(status, "podIPs"), *ip;
	char path[64];
	size_t i;

	if (l && want(o, l, N_SEQ, "status.podIPs") && l->n) {
		for (i = 0; i < l->n; i++) {
			const struct node *e = item(l, i);

			if (!want(o, e, N_MAP, PATH(path, "status.podIPs[%zu]", i)))
				continue;
			ip = get(e, "ip");
			PATH(path, "status.podIPs[%zu].ip", i);
			if (!ip) {
				oerr(o, e, path, "missing");
				continue;
			}
			if (pod->n_addrs == 2) {
				oerr(o, ip, path, "more than 2 pod IPs");
				continue;
			}
			if (!want_addr(o, ip, path, &pod->addrs[pod->n_addrs]))
				pod->n_addrs++;
		}
		return;
	}
	ip = get(status, "podIP");
	if (ip && !(ip->type == N_SCALAR && !ip->n) &&
	    !want_addr(o, ip, "status.podIP", &pod->addrs[0]))
		pod->n_addrs = 1;
}

/* The Ready condition: status.conditions[type=Ready].status == "True". */
static int pod_ready(struct obj *o, const struct node *status)
{
	const struct node *l = want(o, get(status, "conditions"), N_SEQ,
				    "status.conditions");
	char path[64];
	size_t i;
	int ready = 0;

	for (i = 0; l && i < l->n; i++) {
		const struct node *c = item(l, i), *t, *st;

		if (!want(o, c, N_MAP, PATH(path, "status.conditions[%zu]", i)))
			continue;
		t = get(c, "type");
		if (!t || !want_str(o, t, PATH(path, "status.conditions[%zu].type",
						 i), SHOW) ||
		    !scalar_is(t, "Ready"))
			continue;
		st = get(c, "status");
		PATH(path, "status.conditions[%zu].status", i);
		if (!st) {
			oerr(o, c, path, "missing");
			continue;
		}
		if (!want_str(o, st, path, SHOW))
			continue;
		if (scalar_is(st, "True"))
			ready = 1;
		else if (!scalar_is(st, "False") && !scalar_is(st, "Unknown"))
			oerr(o, st, path, "%s is not True, False or Unknown",
			     st->u.s);
	}
	return ready;
}

/* spec.containers[].ports[]: the names a targetPort may refer to. */
static void pod_ports(struct obj *o, const struct node *spec,
		      struct in_pod *pod)
{
	struct ks_input *in = o->p->in;
	const struct node *cs = want(o, get(spec, "containers"), N_SEQ,
				     "spec.containers");
	char path[96];
	size_t i, j, n = 0;

	for (i = 0; cs && i < cs->n; i++) {
		const struct node *l = get(item(cs, i), "ports");

		if (item(cs, i)->type == N_MAP && l && l->type == N_SEQ)
			n += l->n;
	}
	pod->ports = arena_zalloc(&in->rec, n * sizeof(*pod->ports));
	for (i = 0; cs && i < cs->n; i++) {
		const struct node *c = item(cs, i), *l;

		if (!want(o, c, N_MAP, PATH(path, "spec.containers[%zu]", i)))
			continue;
		l = want(o, get(c, "ports"), N_SEQ,
			 PATH(path, "spec.containers[%zu].ports", i));
		for (j = 0; l && j < l->n; j++) {
			const struct node *e = item(l, j), *v;
			struct in_cport *cp = &pod->ports[pod->n_ports];

			if (!want(o, e, N_MAP, PATH(path,
					"spec.containers[%zu].ports[%zu]", i, j)))
				continue;
			v = get(e, "name");
			if (v && want_str(o, v, PATH(path,
					"spec.containers[%zu].ports[%zu].name", i, j),
					  KSVC_NAME_MAX))
				cp->name = arena_strndup(&in->rec, v->u.s, v->n);
			cp->proto = want_proto(o, e, PATH(path,
					"spec.containers[%zu].ports[%zu].protocol", i, j));
			cp->port = want_port(o, e, "containerPort", PATH(path,
					"spec.containers[%zu].ports[%zu].containerPort",
					i, j), 1);
			pod->n_ports++;
		}
	}
}

void parse_pod(struct obj *o, const struct node *meta)
{
	static const char *const phases[] = {
		"Pending", "Running", "Succeeded", "Failed", "Unknown", NULL
	};
	struct ks_input *in = o->p->in;
	const struct node *spec, *status, *v;
	struct in_pod *pod;
	int phase;

	pod = arena_zalloc(&in->rec, sizeof(*pod));
	pod->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
	pod->name = arena_strndup(&in->rec, o->name, strlen(o->name));
	pod->labels = want_kv(o, get(meta, "labels"), "metadata.labels",
			      &pod->n_labels);
	v = get(meta, "deletionTimestamp");
	if (v && want_str(o, v, "metadata.deletionTimestamp", SHOW))
		pod->terminating = 1;
	spec = want(o, get(o->node, "spec"), N_MAP, "spec");
	status = want(o, get(o->node, "status"), N_MAP, "status");
	v = get(spec, "nodeName");
	if (v && want_str(o, v, "spec.nodeName", KSVC_NODE_NAME_MAX))
		pod->node = arena_strndup(&in->rec, v->u.s, v->n);
	pod_ports(o, spec, pod);
	pod_ips(o, status, pod);
	pod->ready = pod_ready(o, status);
	phase = want_enum(o, status, "phase", "status.phase", phases,
			  "a Pod phase (Pending, Running, Succeeded, Failed, Unknown)");
	if (o->errors)
		return;
	/* The EndpointSlice controller leaves these out. */
	if (phase == 2 || phase == 3) {
		pod_skip(o, phase == 2 ? "phase Succeeded" : "phase Failed");
		return;
	}
	if (!pod->n_addrs) {
		pod_skip(o, "no IP");
		return;
	}
	pod->doc = in->doc;
	grow(&in->pods, &in->cap_pods, in->n_pods + 1, sizeof(*in->pods));
	in->pods[in->n_pods++] = pod;
}
