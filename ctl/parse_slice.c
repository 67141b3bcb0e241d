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

/* KEY[].name of endpoints[i].hints into names[*n...]; how many there are. */
static size_t hint_names(struct obj *o, const struct node *h, const char *key,
			 size_t i, const char **names, size_t *n)
{
	const struct node *l;
	char path[96];
	size_t j;

	l = want(o, get(h, key), N_SEQ,
		 PATH(path, "endpoints[%zu].hints.%s", i, key));
	if (!l)
		return 0;
	for (j = 0; j < l->n; j++) {
		const struct node *m, *name;

		PATH(path, "endpoints[%zu].hints.%s[%zu]", i, key, j);
		m = want(o, item(l, j), N_MAP, path);
		if (!m)
			continue;
		name = get(m, "name");
		PATH(path, "endpoints[%zu].hints.%s[%zu].name", i, key, j);
		if (!name)
			oerr(o, m, path, "missing");
		else if (want_str(o, name, path, KSVC_NODE_NAME_MAX) && names)
			names[(*n)++] = arena_strndup(&o->p->in->rec, name->u.s,
						      name->n);
	}
	return l->n;
}

/*
 * endpoints[i].hints (topology-aware routing: the zones or nodes whose
 * traffic this endpoint is for); NULL when absent or empty.
 */
static const struct in_hints *slice_hints(struct obj *o, const struct node *h,
					  size_t i)
{
	char path[64];
	struct in_hints *hs;
	size_t n, k = 0;

	if (!want(o, h, N_MAP, PATH(path, "endpoints[%zu].hints", i)))
		return NULL;
	/* Count (and check) first, then keep. */
	n = hint_names(o, h, "forZones", i, NULL, NULL) +
	    hint_names(o, h, "forNodes", i, NULL, NULL);
	if (!n || o->errors)
		return NULL;
	hs = arena_zalloc(&o->p->in->rec, sizeof(*hs));
	hs->names = arena_zalloc(&o->p->in->rec, n * sizeof(*hs->names));
	hint_names(o, h, "forZones", i, hs->names, &k);
	hs->n_zones = k;
	hint_names(o, h, "forNodes", i, hs->names, &k);
	hs->n_nodes = k - hs->n_zones;
	return hs;
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
	ep->hints = slice_hints(o, get(n, "hints"), i);
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
