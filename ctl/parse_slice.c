// SPDX-License-Identifier: GPL-2.0
/*
 * kind: EndpointSlice (discovery.k8s.io/v1) into its record.
 */
#include <netinet/in.h>

#include "parse_int.h"

static void slice_port(struct obj *o, const struct node *n, size_t i,
		       struct in_sport *sp)
{
	const struct node *v;
	char path[64];

	if (!want(o, n, N_MAP, PATH(path, "ports[%zu]", i)))
		return;
	v = get(n, "name");
	if (v && want_str(o, v, PATH(path, "ports[%zu].name", i),
			  KSVC_NAME_MAX))
		memcpy(sp->name, v->u.s, v->n + 1);
	sp->proto = want_proto(o, n, PATH(path, "ports[%zu].protocol", i));
	/* No port: "not restricted", nothing a proxy can use. */
	sp->port = want_port(o, n, "port", PATH(path, "ports[%zu].port", i), 0);
}

/* The first address is the endpoint's (the API lets clients use only it). */
static void slice_endpoint(struct obj *o, const struct node *n, size_t i,
			   int family, struct in_sep *ep)
{
	struct ks_input *in = o->p->in;
	const struct node *l, *c, *v;
	char path[96];
	int ready = 1, serving, terminating = 0;
	size_t j;

	if (!want(o, n, N_MAP, PATH(path, "endpoints[%zu]", i)))
		return;
	l = get(n, "addresses");
	PATH(path, "endpoints[%zu].addresses", i);
	if (!l || (l->type == N_SEQ && !l->n)) {
		oerr(o, l ? l : n, path, "missing");
		return;
	}
	if (!want(o, l, N_SEQ, path))
		return;
	for (j = 0; j < l->n; j++) {
		struct ks_addr a;

		PATH(path, "endpoints[%zu].addresses[%zu]", i, j);
		if (want_addr(o, item(l, j), path, &a))
			continue;
		if (a.family != family)
			oerr(o, item(l, j), path,
			     "%s is not an %s address (addressType)",
			     item(l, j)->u.s,
			     family == AF_INET ? "IPv4" : "IPv6");
		else if (!j)
			ep->addr = a;
	}
	/* Absent conditions: ready and serving, not terminating (the API). */
	c = want(o, get(n, "conditions"), N_MAP,
		 PATH(path, "endpoints[%zu].conditions", i));
	v = get(c, "ready");
	if (v)
		want_bool(o, v, PATH(path, "endpoints[%zu].conditions.ready", i),
			  &ready);
	serving = ready;
	v = get(c, "serving");
	if (v)
		want_bool(o, v,
			  PATH(path, "endpoints[%zu].conditions.serving", i),
			  &serving);
	v = get(c, "terminating");
	if (v)
		want_bool(o, v,
			  PATH(path, "endpoints[%zu].conditions.terminating", i),
			  &terminating);
	ep->flags = (ready ? KSVC_EP_F_READY : 0) |
		    (serving ? KSVC_EP_F_SERVING : 0) |
		    (terminating ? KSVC_EP_F_TERMINATING : 0);
	v = get(n, "nodeName");
	if (v && want_str(o, v, PATH(path, "endpoints[%zu].nodeName", i),
			  KSVC_NODE_NAME_MAX))
		ep->node = arena_strndup(&in->rec, v->u.s, v->n);
}

/* addressType: AF_INET, AF_INET6, 0 for FQDN, -1 when wrong. */
static int slice_family(struct obj *o)
{
	static const char *const types[] = { "IPv4", "IPv6", "FQDN", NULL };
	static const int fams[] = { AF_INET, AF_INET6, 0 };
	int t = want_enum(o, o->node, "addressType", "addressType", types,
			  "IPv4, IPv6 or FQDN");

	if (t == -1)
		oerr(o, NULL, "addressType", "missing");
	return t < 0 ? -1 : fams[t];
}

static void slice_skip(struct obj *o, const char *why)
{
	note(o->p->in, 0, "%s:%d:%d: EndpointSlice %s/%s: skipped: %s",
	     o->p->file, o->node->line, o->node->col, o->ns, o->name, why);
}

void parse_slice(struct obj *o, const struct node *meta)
{
	struct ks_input *in = o->p->in;
	const struct node *svc, *ports, *eps;
	struct in_slice *sl;
	int family;
	size_t i;

	if (label(meta, LABEL_PROXY)) {
		slice_skip(o, "label " LABEL_PROXY " is set");
		return;
	}
	svc = label(meta, LABEL_SVC_NAME);
	if (!svc || is_null(svc)) {
		slice_skip(o, "no label " LABEL_SVC_NAME);
		return;
	}
	if (check_label(o, svc, "metadata.labels[" LABEL_SVC_NAME "]"))
		return;
	family = slice_family(o);
	if (!family) {
		slice_skip(o, "addressType FQDN");
		return;
	}
	sl = arena_zalloc(&in->rec, sizeof(*sl));
	sl->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
	sl->name = arena_strndup(&in->rec, o->name, strlen(o->name));
	sl->svc = arena_strndup(&in->rec, svc->u.s, svc->n);
	sl->file = o->p->file_idx;
	sl->pos = npos(o->node);

	ports = want(o, get(o->node, "ports"), N_SEQ, "ports");
	if (ports) {
		sl->n_ports = ports->n;
		sl->ports = arena_zalloc(&in->rec,
					 ports->n * sizeof(*sl->ports));
		for (i = 0; i < ports->n; i++)
			slice_port(o, item(ports, i), i, &sl->ports[i]);
	}
	eps = want(o, get(o->node, "endpoints"), N_SEQ, "endpoints");
	if (eps && family > 0) {
		sl->n_eps = eps->n;
		sl->eps = arena_zalloc(&in->rec, eps->n * sizeof(*sl->eps));
		for (i = 0; i < eps->n; i++)
			slice_endpoint(o, item(eps, i), i, family, &sl->eps[i]);
	}
	if (o->errors)
		return;
	sl->seq = in->seq++;
	sl->doc = in->doc;
	grow(&in->slices, &in->cap_slices, in->n_slices + 1,
	     sizeof(*in->slices));
	in->slices[in->n_slices++] = sl;
}
