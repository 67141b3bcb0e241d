// SPDX-License-Identifier: GPL-2.0
/*
 * kind: Endpoints (v1) into EndpointSlice records, as the API server's
 * mirroring controller would make them.
 */
#include "parse_int.h"

/*
 * subsets[i].addresses[j] or .notReadyAddresses[j]: {ip, nodeName, ...}.
 * The EndpointSlice mirroring controller's reading: ready addresses are
 * ready and serving, not-ready ones neither; nothing is terminating.
 */
static void endpoints_addrs(struct obj *o, const struct node *sub, size_t i,
			    const char *key, uint32_t flags,
			    struct in_slice *sl)
{
	struct ks_input *in = o->p->in;
	const struct node *l, *e, *v;
	char path[128];
	size_t j;

	l = want(o, get(sub, key), N_SEQ,
		 PATH(path, "subsets[%zu].%s", i, key));
	for (j = 0; l && j < l->n; j++) {
		struct in_sep *ep = &sl->eps[sl->n_eps];

		e = item(l, j);
		if (!want(o, e, N_MAP, PATH(path, "subsets[%zu].%s[%zu]", i,
					    key, j)))
			continue;
		v = get(e, "ip");
		PATH(path, "subsets[%zu].%s[%zu].ip", i, key, j);
		if (!v) {
			oerr(o, e, path, "missing");
			continue;
		}
		if (want_addr(o, v, path, &ep->addr))
			continue;
		ep->flags = flags;
		v = get(e, "nodeName");
		if (v && want_str(o, v, PATH(path, "subsets[%zu].%s[%zu].nodeName",
					     i, key, j), KSVC_NODE_NAME_MAX))
			ep->node = arena_strndup(&in->rec, v->u.s, v->n);
		sl->n_eps++;
	}
}

void parse_endpoints(struct obj *o, const struct node *meta)
{
	struct ks_input *in = o->p->in;
	const struct node *subs, *sub, *ports, *a, *na;
	struct in_slice *sl;
	char path[64];
	size_t i, j, n0 = in->n_eps;

	if (label(meta, LABEL_PROXY)) {
		note(in, 0, "%s:%d:%d: Endpoints %s/%s: skipped: label %s is set",
		     o->p->file, o->node->line, o->node->col, o->ns, o->name,
		     LABEL_PROXY);
		return;
	}
	subs = want(o, get(o->node, "subsets"), N_SEQ, "subsets");
	for (i = 0; subs && i < subs->n; i++) {
		sub = item(subs, i);
		if (!want(o, sub, N_MAP, PATH(path, "subsets[%zu]", i)))
			continue;
		sl = arena_zalloc(&in->rec, sizeof(*sl));
		sl->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
		sl->name = sl->svc = arena_strndup(&in->rec, o->name,
						   strlen(o->name));
		sl->file = o->p->file_idx;
		sl->pos = npos(o->node);
		ports = want(o, get(sub, "ports"), N_SEQ,
			     PATH(path, "subsets[%zu].ports", i));
		if (ports) {
			sl->n_ports = ports->n;
			sl->ports = arena_zalloc(&in->rec,
						 ports->n * sizeof(*sl->ports));
			for (j = 0; j < ports->n; j++) {
				const struct node *n = item(ports, j), *v;
				struct in_sport *sp = &sl->ports[j];

				if (!want(o, n, N_MAP, PATH(path,
						"subsets[%zu].ports[%zu]", i, j)))
					continue;
				v = get(n, "name");
				if (v && want_str(o, v, PATH(path,
						"subsets[%zu].ports[%zu].name", i, j),
						  KSVC_NAME_MAX))
					memcpy(sp->name, v->u.s, v->n + 1);
				sp->proto = want_proto(o, n, PATH(path,
						"subsets[%zu].ports[%zu].protocol", i, j));
				sp->port = want_port(o, n, "port", PATH(path,
						"subsets[%zu].ports[%zu].port", i, j), 1);
			}
		}
		a = get(sub, "addresses");
		na = get(sub, "notReadyAddresses");
		j = (a && a->type == N_SEQ ? a->n : 0) +
		    (na && na->type == N_SEQ ? na->n : 0);
		sl->eps = arena_zalloc(&in->rec, j * sizeof(*sl->eps));
		endpoints_addrs(o, sub, i, "addresses",
				KSVC_EP_F_READY | KSVC_EP_F_SERVING, sl);
		endpoints_addrs(o, sub, i, "notReadyAddresses", 0, sl);
		grow(&in->eps, &in->cap_eps, in->n_eps + 1, sizeof(*in->eps));
		in->eps[in->n_eps++] = sl;
	}
	if (o->errors) {
		in->n_eps = n0;
		return;
	}
	for (i = n0; i < in->n_eps; i++) {
		in->eps[i]->seq = in->seq++;
		in->eps[i]->doc = in->doc;
	}
}
