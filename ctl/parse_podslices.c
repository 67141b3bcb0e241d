// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints from Pods, for a Service with a selector and neither
 * EndpointSlices nor Endpoints: what the EndpointSlice controller would
 * write (selector, named ports, readiness, publishNotReadyAddresses,
 * families).
 */
#include <netinet/in.h>

#include "parse_int.h"

/* One (namespace, label) of one Pod: the index selectors are looked up in. */
struct pod_label {
	const char *ns, *k, *v;
	const struct in_pod *pod;
};

static int pl_key_cmp(const struct pod_label *x, const char *ns,
		      const char *k, const char *v)
{
	int r = strcmp(x->ns, ns);

	if (!r)
		r = strcmp(x->k, k);
	if (!r)
		r = strcmp(x->v, v);
	return r;
}

static int pl_qsort_cmp(const void *a, const void *b)
{
	const struct pod_label *x = a, *y = b;

	return pl_key_cmp(x, y->ns, y->k, y->v);
}

static struct pod_label *pod_index(const struct ks_input *in, size_t *np)
{
	struct pod_label *v;
	size_t i, j, n = 0;

	for (i = 0; i < in->n_pods; i++)
		n += in->pods[i]->n_labels;
	v = xmalloc(n * sizeof(*v));
	for (i = 0, n = 0; i < in->n_pods; i++) {
		const struct in_pod *p = in->pods[i];

		for (j = 0; j < p->n_labels; j++) {
			v[n].ns = p->ns;
			v[n].k = p->labels[j].k;
			v[n].v = p->labels[j].v;
			v[n++].pod = p;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), pl_qsort_cmp);
	*np = n;
	return v;
}

/* First index whose key is >= (ns, k, v), or > when upper. */
static size_t pl_bound(const struct pod_label *idx, size_t n, const char *ns,
		       const char *k, const char *v, int upper)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = pl_key_cmp(&idx[mid], ns, k, v);

		if (r < 0 || (upper && !r))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *pod_label(const struct in_pod *p, const char *k)
{
	size_t i;

	for (i = 0; i < p->n_labels; i++)
		if (!strcmp(p->labels[i].k, k))
			return p->labels[i].v;
	return NULL;
}

/*
 * The target port of service port p on this Pod: a number as is, absent
 * the service port, a name the Pod's container port of that name and
 * protocol (0: the Pod has none, it serves nothing on this port).
 */
static uint16_t pod_target(const struct in_pod *pod, const struct ks_port *p,
			   const struct in_target *t)
{
	size_t i;

	if (!t->name)
		return t->num ? t->num : p->port;
	for (i = 0; i < pod->n_ports; i++)
		if (pod->ports[i].name && pod->ports[i].proto == p->proto &&
		    !strcmp(pod->ports[i].name, t->name))
			return pod->ports[i].port;
	return 0;
}

/* Where a Service's endpoints come from, in order of preference. */
struct ep_sources {
	struct in_slice **sl;		/* its EndpointSlices */
	size_t n_sl;
	struct in_slice **eps;		/* else its Endpoints' subsets */
	size_t n_eps;
	const struct pod_label *idx;	/* else the Pods its selector picks */
	size_t n_idx;
	struct in_node **nodes;		/* ... on these Nodes, by name */
	size_t n_nodes;
};

static int node_qsort_cmp(const void *a, const void *b)
{
	const struct in_node *x = *(struct in_node *const *)a;
	const struct in_node *y = *(struct in_node *const *)b;

	return strcmp(x->name, y->name);
}

/* The zone of the Node named name, or NULL. */
static const char *node_zone(const struct ep_sources *src, const char *name)
{
	size_t lo = 0, hi = src->n_nodes;

	while (name && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(src->nodes[mid]->name, name);

		if (!r)
			return src->nodes[mid]->zone;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The hints the EndpointSlice controller writes on a Pod's ready
 * endpoints for the Service's trafficDistribution (trafficdist.go: its
 * Node's zone; its node too for PreferSameNode), as the marks of the
 * topology pass for this node.
 */
static uint32_t pod_hints(const struct in_svc *sv, const struct in_pod *pod,
			  const struct ep_sources *src,
			  const struct ks_parse_opts *o)
{
	const char *zone;
	uint32_t m = 0;

	if (sv->traffic_dist == TD_NONE)
		return 0;
	zone = node_zone(src, pod->node);
	if (zone)
		m |= EP_T_ZONE_HINTS |
		     (o->zone && !strcmp(zone, o->zone) ? EP_T_FOR_ZONE : 0);
	if (sv->traffic_dist == TD_NODE && pod->node)
		m |= EP_T_NODE_HINTS |
		     (is_local(pod->node, o->node_name) ? EP_T_FOR_NODE : 0);
	return m;
}

/*
 * The Pods in the Service's namespace whose labels hold every pair of its
 * selector.  Candidates come from the index range of the rarest pair, so
 * the cost is that range, not every Pod.  Conditions as the controller
 * sets them: serving = Ready, terminating = deletionTimestamp set, ready =
 * publishNotReadyAddresses or (serving and not terminating).
 */
static void pod_endpoints(struct ks_service *out, const struct in_svc *sv,
			  const struct ep_sources *src,
			  const struct ks_parse_opts *o)
{
	const struct pod_label *idx = src->idx;
	size_t i, j, k, a, lo = 0, hi = 0, n = 0, cap = 0, n_idx = src->n_idx;
	struct ks_endpoint *v = NULL;

	if (!sv->n_sel || !n_idx)
		return;
	for (i = 0; i < sv->n_sel; i++) {
		const struct in_kv *kv = &sv->sel[i];
		size_t l = pl_bound(idx, n_idx, sv->s.ns, kv->k, kv->v, 0);
		size_t h = pl_bound(idx + l, n_idx - l, sv->s.ns, kv->k,
				    kv->v, 1) + l;

		if (!i || h - l < hi - lo) {
			lo = l;
			hi = h;
		}
	}
	for (i = lo; i < hi; i++) {
		const struct in_pod *pod = idx[i].pod;
		uint32_t flags;

		for (j = 0; j < sv->n_sel; j++) {
			const char *pv = pod_label(pod, sv->sel[j].k);

			if (!pv || strcmp(pv, sv->sel[j].v))
				break;
		}
		if (j < sv->n_sel)
			continue;
		flags = pod->ready ? KSVC_EP_F_SERVING : 0;
		if (pod->terminating)
			flags |= KSVC_EP_F_TERMINATING;
		if (sv->publish_not_ready || (pod->ready && !pod->terminating))
			flags |= KSVC_EP_F_READY;
		if (is_local(pod->node, o->node_name))
			flags |= KSVC_EP_F_LOCAL;
		flags |= pod_hints(sv, pod, src, o);
		for (a = 0; a < pod->n_addrs; a++) {
			int fam = pod->addrs[a].family == AF_INET ? 1 : 2;

			/* One slice per family of the Service. */
			if (sv->fams && !(sv->fams & fam))
				continue;
			for (k = 0; k < out->n_ports; k++) {
				uint16_t port = pod_target(pod, &out->ports[k],
							   &sv->targets[k]);

				if (!port)
					continue;
				grow(&v, &cap, n + 1, sizeof(*v));
				memset(&v[n], 0, sizeof(v[n]));
				v[n].addr = pod->addrs[a];
				v[n].port_index = k;
				v[n].port = port;
				v[n].flags = flags;
				n++;
			}
		}
	}
	finish_endpoints(out, v, n);
	topology(out);
}

static void *memdup(const void *p, size_t size)
{
	return size ? memcpy(xmalloc(size), p, size) : NULL;
}

/* config --external-ips no: the Service's externalIPs are not its own. */
static void drop_external_ips(struct ks_service *s)
{
	size_t i, j;

	for (i = j = 0; i < s->n_fes; i++) {
		if (s->fes[i].kind == KSVC_FE_EXTERNAL_IP)
			continue;
		s->fes[i].also &= ~(1U << KSVC_FE_EXTERNAL_IP);
		s->fes[j++] = s->fes[i];
	}
	s->n_fes = j;
}

static void emit(struct ks_state *out, const char *const *files,
		 const struct in_svc *sv, const struct ep_sources *src,
		 const struct ks_parse_opts *o)
{
	struct ks_service *s = ks_state_add(out);

	if (!s) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	*s = sv->s;
	s->ports = memdup(sv->s.ports, sv->s.n_ports * sizeof(*s->ports));
	s->fes = memdup(sv->s.fes, sv->s.n_fes * sizeof(*s->fes));
	if (o->no_external_ips)
		drop_external_ips(s);
	s->ranges = sv->s.n_ranges ?
		memdup(sv->s.ranges, sv->s.n_ranges * sizeof(*s->ranges)) : NULL;
	s->pos.file = files[sv->file];
	s->pos.line = sv->pos.line;
	s->pos.col = sv->pos.col;
	s->eps = NULL;
	s->n_eps = 0;
	/* DNS-only Services route nothing. */
	if (s->type == KSVC_SVC_HEADLESS || s->type == KSVC_SVC_EXTERNAL_NAME)
		return;
	if (src->n_sl)
		join_endpoints(s, src->sl, src->n_sl, o);
	else if (src->n_eps)
		join_endpoints(s, src->eps, src->n_eps, o);
	else
		pod_endpoints(s, sv, src, o);
}

static void log_unmatched(FILE *log, struct ks_input *in,
			  const struct in_slice *sl, const char *kind,
			  const char *why)
{
	fprintf(log, "%s:%d:%d: %s %s/%s: skipped: ", in->files[sl->file],
		sl->pos.line, sl->pos.col, kind, sl->ns, sl->name);
	if (why)
		fprintf(log, "%s\n", why);
	else
		fprintf(log, "no Service %s/%s\n", sl->ns, sl->svc);
}

/* [*j, *k): the records of ns/name in a sorted array; *j moves past less. */
static void range_of(struct ks_input *in, struct in_slice **v, size_t n,
		     size_t *j, size_t *k, const char *ns, const char *name,
		     FILE *log, const char *kind)
{
	while (*j < n && slice_cmp2(v[*j], ns, name) < 0) {
		if (log)
			log_unmatched(log, in, v[*j], kind, NULL);
		++*j;
	}
	for (*k = *j; *k < n && !slice_cmp2(v[*k], ns, name); ++*k)
		;
}

/*
 * Walk Services, slices and Endpoints, all sorted by namespace/name,
 * together; Pods are looked up through their label index.
 */
void join(struct ks_input *in, struct in_svc **svcs,
		 struct in_slice **sl, struct in_slice **eps,
		 const struct ks_parse_opts *o, struct ks_state *out)
{
	const char **files = xmalloc(in->n_files * sizeof(*files));
	FILE *log = o->log ? o->log : stderr;
	FILE *vlog = o->verbose ? log : NULL;
	size_t i, j = 0, k, je = 0, ke, m;
	struct ep_sources src;

	memset(&src, 0, sizeof(src));
	src.idx = pod_index(in, &src.n_idx);
	src.nodes = in->n_nodes ? memdup(in->nodes, in->n_nodes * sizeof(*in->nodes)) : NULL;
	src.n_nodes = in->n_nodes;
	if (src.n_nodes > 1)
		qsort(src.nodes, src.n_nodes, sizeof(*src.nodes), node_qsort_cmp);
	for (i = 0; i < in->n_files; i++) {
		files[i] = ks_state_strdup(out, in->files[i]);
		if (!files[i]) {
			fputs("ksvcctl: out of memory\n", stderr);
			exit(1);
		}
	}
	for (i = 0; i < in->n_svcs; i++) {
		struct in_svc *sv = svcs[i];

		range_of(in, sl, in->n_slices, &j, &k, sv->s.ns, sv->s.name,
			 vlog, "EndpointSlice");
		range_of(in, eps, in->n_eps, &je, &ke, sv->s.ns, sv->s.name,
			 vlog, "Endpoints");
		if (sv->dropped)
			continue;
		/* No records: the arrays are NULL, and NULL + 0 is undefined. */
		src.sl = k > j ? sl + j : NULL;
		src.n_sl = k - j;
		src.eps = ke > je ? eps + je : NULL;
		src.n_eps = ke - je;
		emit(out, files, sv, &src, o);
		if (k > j)
			for (m = je; vlog && m < ke; m++)
				log_unmatched(vlog, in, eps[m], "Endpoints",
					      "the Service has EndpointSlices");
		/* Duplicates (dropped) sort after the winner. */
		j = k;
		je = ke;
	}
	for (; vlog && j < in->n_slices; j++)
		log_unmatched(vlog, in, sl[j], "EndpointSlice", NULL);
	for (; vlog && je < in->n_eps; je++)
		log_unmatched(vlog, in, eps[je], "Endpoints", NULL);
	free((void *)src.idx);
	free(src.nodes);
	free(files);
}

size_t ks_input_foreign(const struct ks_input *in)
{
	size_t i, n = 0;

	for (i = 0; i < in->n_notes; i++)
		n += in->notes[i].foreign;
	return n;
}

void ks_input_why_empty(const struct ks_input *in, char *buf, size_t len)
{
	size_t foreign = ks_input_foreign(in);

	if (foreign)
		snprintf(buf, len, "every Service of the input (%zu) belongs to another proxy (label %s), none to ksvc",
			 foreign, LABEL_PROXY);
	else
		snprintf(buf, len, "the input holds no Service");
}

int ks_input_build(struct ks_input *in, const struct ks_parse_opts *o,
		   struct ks_state *out, struct ks_errors *errs)
{
	static const struct ks_parse_opts defaults;
	struct in_svc **svcs;
	struct in_slice **sl, **eps;
	size_t n0 = errs->n, i, total;

	if (!o)
		o = &defaults;
	for (i = 0; o->verbose && i < in->n_notes; i++)
		fprintf(o->log ? o->log : stderr, "%s\n", in->notes[i].text);
	svcs = memdup(in->svcs, in->n_svcs * sizeof(*svcs));
	if (in->n_svcs > 1)
		qsort(svcs, in->n_svcs, sizeof(*svcs), svc_key_cmp);
	check_duplicates(in, svcs, in->n_svcs, errs);
	/* One owner per address and port: the kernel's rule at commit. */
	in->no_external_ips = o->no_external_ips;
	if (!in->defer_kernel_rules)
		check_claims(in, errs);
	total = in->n_errors + (errs->n - n0);
	if (!total || o->skip_invalid) {
		sl = memdup(in->slices, in->n_slices * sizeof(*sl));
		if (in->n_slices > 1)
			qsort(sl, in->n_slices, sizeof(*sl), slice_qsort_cmp);
		eps = memdup(in->eps, in->n_eps * sizeof(*eps));
		if (in->n_eps > 1)
			qsort(eps, in->n_eps, sizeof(*eps), slice_qsort_cmp);
		join(in, svcs, sl, eps, o, out);
		free(sl);
		free(eps);
		ks_state_sort(out);
	}
	free(svcs);
	return total;
}
