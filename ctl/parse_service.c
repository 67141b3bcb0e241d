// SPDX-License-Identifier: GPL-2.0
/*
 * kind: Service (v1) into its record.
 */
#include <ctype.h>
#include <netinet/in.h>

#include "parse_int.h"

/* A Service while it is read: fixed arrays, copied out when valid. */
struct svc_tmp {
	struct in_svc *sv;
	struct ks_port ports[KSVC_MAX_PORTS];
	struct in_pos np_pos[KSVC_MAX_PORTS];
	struct in_target targets[KSVC_MAX_PORTS];
	struct ks_frontend fes[KSVC_MAX_FRONTENDS];
	struct in_fe_src fe_src[KSVC_MAX_FRONTENDS];
	size_t n_ports, n_fes;
	const struct node *cip_nodes[2];	/* the cluster IPs' nodes */
	size_t n_cips;
};

/*
 * The same address listed twice (say an externalIP that is also the
 * load-balancer IP) is one frontend: the kernel keys frontends by address.
 * The first kind (cluster IPs come first) is the one whose rules apply,
 * as in kube-proxy, whose rules for the cluster IP come before those for
 * external and load-balancer IPs; the others are kept in "also", to show
 * what the Service says.
 */
static void add_fe(struct obj *o, struct svc_tmp *t, uint8_t kind,
		   const struct ks_addr *a, const struct node *n,
		   const char *path, uint8_t src, size_t idx)
{
	size_t i;

	for (i = 0; i < t->n_fes; i++)
		if (!ks_addr_cmp(&t->fes[i].addr, a)) {
			if (t->fes[i].kind != kind)
				t->fes[i].also |= 1u << kind;
			return;
		}
	if (t->n_fes == KSVC_MAX_FRONTENDS) {
		oerr(o, n, path,
		     "more than %d frontends (cluster, external and load-balancer IPs)",
		     KSVC_MAX_FRONTENDS);
		return;
	}
	t->fes[t->n_fes].kind = kind;
	t->fes[t->n_fes].addr = *a;
	t->fe_src[t->n_fes].pos = npos(n);
	t->fe_src[t->n_fes].src = src;
	t->fe_src[t->n_fes].idx = idx > 255 ? 255 : idx;
	t->n_fes++;
}

/* "None" in clusterIP(s): headless.  Returns 1 headless, 0 or -1. */
static int svc_cluster_ip(struct obj *o, struct svc_tmp *t,
			  const struct node *n, const char *path,
			  uint8_t src, size_t idx)
{
	struct ks_addr a;

	if (!want_str(o, n, path, SHOW))
		return -1;
	if (scalar_is(n, "None"))
		return 1;
	if (want_addr(o, n, path, &a))
		return -1;
	if (t->n_cips < 2)
		t->cip_nodes[t->n_cips] = n;
	t->sv->fams |= a.family == AF_INET ? 1 : 2;
	t->n_cips++;
	add_fe(o, t, KSVC_FE_CLUSTER_IP, &a, n, path, src, idx);
	return 0;
}

/*
 * spec.clusterIPs (dual-stack, kubectl prints both) wins over
 * spec.clusterIP, which must then be its first entry.  Returns 1 when
 * headless, 0 with cluster IPs, -1 on errors or when there are none.
 */
static int svc_cluster_ips(struct obj *o, const struct node *spec,
			   struct svc_tmp *t)
{
	const struct node *cip = get(spec, "clusterIP");
	const struct node *cips = get(spec, "clusterIPs");
	int headless = 0, r;
	char path[64];
	size_t i;

	if (cip && !want_str(o, cip, "spec.clusterIP", SHOW))
		return -1;
	if (cips && want(o, cips, N_SEQ, "spec.clusterIPs") && cips->n) {
		if (cip && cip->n && !scalar_is(item(cips, 0), cip->u.s)) {
			oerr(o, cip, "spec.clusterIP",
			     "%.*s is not spec.clusterIPs[0]", SHOWN(cip));
			return -1;
		}
		for (i = 0; i < cips->n; i++) {
			r = svc_cluster_ip(o, t, item(cips, i),
					   PATH(path, "spec.clusterIPs[%zu]", i),
					   FE_SRC_CIPS, i);
			if (r < 0)
				return -1;
			headless |= r;
		}
		return headless;
	}
	if (cips && cips->type != N_SEQ)
		return -1;
	if (!cip || !cip->n) {
		oerr(o, NULL, "spec.clusterIP",
		     "missing (a manifest no API server has seen has no cluster IP; use kubectl get -o yaml output or set it)");
		return -1;
	}
	return svc_cluster_ip(o, t, cip, "spec.clusterIP", FE_SRC_CIP, 0);
}

/* spec.ipFamilies[i] must be the family of the i-th cluster IP. */
static void svc_ip_families(struct obj *o, const struct node *spec,
			    struct svc_tmp *t)
{
	static const char *const fams[] = { "IPv4", "IPv6", NULL };
	const struct node *l = get(spec, "ipFamilies");
	char path[64], cpath[64];
	size_t i;
	int f;

	if (!want(o, l, N_SEQ, "spec.ipFamilies"))
		return;
	for (i = 0; i < l->n; i++) {
		const struct node *n = item(l, i), *c;
		const char *s;
		struct ks_addr a;

		PATH(path, "spec.ipFamilies[%zu]", i);
		s = want_str(o, n, path, SHOW);
		if (!s)
			continue;
		for (f = 0; fams[f] && strcmp(s, fams[f]); f++)
			;
		if (!fams[f]) {
			oerr(o, n, path, "%s is not IPv4 or IPv6", s);
			continue;
		}
		if (i >= t->n_cips || i >= 2)
			continue;
		c = t->cip_nodes[i];
		parse_addr(c->u.s, &a);
		if ((a.family == AF_INET6) == f)
			continue;
		if (get(spec, "clusterIPs"))
			PATH(cpath, "spec.clusterIPs[%zu]", i);
		else
			PATH(cpath, "spec.clusterIP");
		oerr(o, c, cpath, "%s is not an %s address (%s is %s)",
		     c->u.s, fams[f], path, fams[f]);
	}
}

static int svc_port(struct obj *o, struct svc_tmp *t, const struct node *n,
		    size_t i)
{
	struct ks_port *p = &t->ports[i];
	const struct node *v;
	char path[64];
	long long tp;
	size_t j;

	PATH(path, "spec.ports[%zu]", i);
	if (!want(o, n, N_MAP, path))
		return -1;
	v = get(n, "name");
	if (v && want_str(o, v, PATH(path, "spec.ports[%zu].name", i),
			  KSVC_NAME_MAX))
		memcpy(p->name, v->u.s, v->n + 1);
	p->proto = want_proto(o, n, PATH(path, "spec.ports[%zu].protocol", i));
	p->port = want_port(o, n, "port", PATH(path, "spec.ports[%zu].port", i),
			    1);
	p->node_port = want_port(o, n, "nodePort",
				 PATH(path, "spec.ports[%zu].nodePort", i), 0);
	v = get(n, "nodePort");
	if (v)
		t->np_pos[i] = npos(v);
	/*
	 * targetPort: a number, or the name of a container port.  Slices
	 * carry the resolved number, so it is only checked here.
	 */
	v = get(n, "targetPort");
	PATH(path, "spec.ports[%zu].targetPort", i);
	if (v && v->type == N_SCALAR && v->plain && v->n &&
	    (v->u.s[0] == '-' || (v->u.s[0] >= '0' && v->u.s[0] <= '9'))) {
		if (!want_int(o, v, path, &tp) && (tp < 1 || tp > 65535))
			oerr(o, v, path, "%.*s is not a port number (1-65535)",
			     SHOWN(v));
		else if (tp >= 1 && tp <= 65535)
			t->targets[i].num = tp;
	} else if (v && want_str(o, v, path, KSVC_NAME_MAX) && v->n) {
		/* A container port name, resolved per Pod. */
		t->targets[i].name = arena_strndup(&o->p->in->rec, v->u.s, v->n);
	}
	/* Endpoints are matched by name, the kernel keys by port/protocol. */
	for (j = 0; j < i; j++) {
		if (!strcmp(t->ports[j].name, p->name)) {
			oerr(o, get(n, "name") ? get(n, "name") : n,
			     PATH(path, "spec.ports[%zu].name", i),
			     "\"%s\" is also the name of spec.ports[%zu]",
			     p->name, j);
			break;
		}
		if (p->port && t->ports[j].port == p->port &&
		    t->ports[j].proto == p->proto &&
		    krule(o, get(n, "port"),
			  PATH(path, "spec.ports[%zu].port", i),
			  "%u/%s is also spec.ports[%zu]", p->port,
			  ks_proto_name(p->proto), j))
			break;
		if (p->node_port && t->ports[j].node_port == p->node_port &&
		    t->ports[j].proto == p->proto &&
		    krule(o, get(n, "nodePort"),
			  PATH(path, "spec.ports[%zu].nodePort", i),
			  "%u/%s is also the node port of spec.ports[%zu]",
			  p->node_port, ks_proto_name(p->proto), j))
			break;
	}
	return 0;
}

static void svc_ports(struct obj *o, const struct node *spec,
		      struct svc_tmp *t)
{
	const struct node *l = want(o, get(spec, "ports"), N_SEQ, "spec.ports");
	size_t i;

	if (!l)
		return;
	if (l->n > KSVC_MAX_PORTS) {
		oerr(o, l, "spec.ports", "%zu ports, at most %d are supported",
		     l->n, KSVC_MAX_PORTS);
		return;
	}
	for (i = 0; i < l->n; i++)
		svc_port(o, t, item(l, i), i);
	t->n_ports = l->n;
}

static void svc_external_ips(struct obj *o, const struct node *spec,
			     struct svc_tmp *t)
{
	const struct node *l = want(o, get(spec, "externalIPs"), N_SEQ,
				    "spec.externalIPs");
	struct ks_addr a;
	char path[64];
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		PATH(path, "spec.externalIPs[%zu]", i);
		if (!want_addr(o, item(l, i), path, &a))
			add_fe(o, t, KSVC_FE_EXTERNAL_IP, &a, item(l, i), path,
			       FE_SRC_EIPS, i);
	}
}

/*
 * status.loadBalancer.ingress[].ip.  ipMode Proxy means the load balancer
 * does not preserve the destination: traffic arrives for the node, so the
 * IP must not be captured here (KEP-1860).  Hostname-only entries are
 * for DNS.
 */
static void svc_lb_ingress(struct obj *o, const struct node *root,
			   struct svc_tmp *t)
{
	static const char *const modes[] = { "VIP", "Proxy", NULL };
	const struct node *lb = get(get(root, "status"), "loadBalancer");
	const struct node *l = want(o, get(lb, "ingress"), N_SEQ,
				    "status.loadBalancer.ingress");
	char path[64];
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		const struct node *e = item(l, i), *ip;
		struct ks_addr a;

		if (!want(o, e, N_MAP, PATH(path,
				"status.loadBalancer.ingress[%zu]", i)))
			continue;
		if (want_enum(o, e, "ipMode",
			      PATH(path, "status.loadBalancer.ingress[%zu].ipMode", i),
			      modes, "VIP or Proxy") == 1)
			continue;
		ip = get(e, "ip");
		PATH(path, "status.loadBalancer.ingress[%zu].ip", i);
		if (ip && !want_addr(o, ip, path, &a))
			add_fe(o, t, KSVC_FE_LOAD_BALANCER, &a, ip, path,
			       FE_SRC_LB, i);
	}
}

static void svc_flags(struct obj *o, const struct node *spec,
		      struct ks_service *s)
{
	static const char *const policies[] = { "Cluster", "Local", NULL };
	static const char *const affinity[] = { "None", "ClientIP", NULL };

	if (want_enum(o, spec, "externalTrafficPolicy",
		      "spec.externalTrafficPolicy", policies,
		      "Cluster or Local") == 1)
		s->flags |= KSVC_SVC_F_EXT_LOCAL;
	if (want_enum(o, spec, "internalTrafficPolicy",
		      "spec.internalTrafficPolicy", policies,
		      "Cluster or Local") == 1)
		s->flags |= KSVC_SVC_F_INT_LOCAL;
	if (want_enum(o, spec, "sessionAffinity", "spec.sessionAffinity",
		      affinity, "None or ClientIP") == 1)
		s->flags |= KSVC_SVC_F_AFFINITY;
}

/*
 * What ksvc adds to kube-proxy's feature list, and the settings of some
 * features: sessionAffinityConfig's timeout, loadBalancerSourceRanges
 * (LoadBalancer only), and the endpoint-choice algorithm, chosen per
 * Service with the annotation ksvc.io/algorithm (random, round-robin,
 * maglev).
 */
static void svc_extras(struct obj *o, const struct node *spec,
		       struct ks_service *s)
{
	static const char *const algos[] = {
		"random", "round-robin", "maglev", NULL
	};
	static const uint8_t algo_map[] = {
		KSVC_ALGO_RANDOM, KSVC_ALGO_ROUND_ROBIN, KSVC_ALGO_MAGLEV
	};
	int a;
	static const char *const tpath =
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds";
	const struct node *meta = get(o->node, "metadata");
	const struct node *n, *l;
	char path[64];
	long long v;
	size_t i;

	if (s->flags & KSVC_SVC_F_AFFINITY) {
		s->affinity_timeout = KSVC_DEFAULT_AFFINITY_TIMEOUT;
		n = get(get(get(spec, "sessionAffinityConfig"), "clientIP"),
			"timeoutSeconds");
		if (n && !want_int(o, n, tpath, &v)) {
			if (v < 1 || v > KSVC_MAX_AFFINITY_TIMEOUT)
				oerr(o, n, tpath, "%lld is not between 1 and %d seconds",
				     v, KSVC_MAX_AFFINITY_TIMEOUT);
			else
				s->affinity_timeout = (uint32_t)v;
		}
	}
	a = want_enum(o, get(meta, "annotations"), "ksvc.io/algorithm",
		      "metadata.annotations[ksvc.io/algorithm]", algos,
		      "random, round-robin or maglev");
	if (a >= 0)
		s->algo = algo_map[a];
	l = get(spec, "loadBalancerSourceRanges");
	if (!l || s->type != KSVC_SVC_LOAD_BALANCER ||
	    !want(o, l, N_SEQ, "spec.loadBalancerSourceRanges") || !l->n)
		return;
	if (l->n > KSVC_MAX_SOURCE_RANGES) {
		oerr(o, l, "spec.loadBalancerSourceRanges",
		     "more than %d ranges", KSVC_MAX_SOURCE_RANGES);
		return;
	}
	s->ranges = arena_zalloc(&o->p->in->rec, l->n * sizeof(*s->ranges));
	for (i = 0; i < l->n; i++) {
		const char *str;
		char buf[65];
		size_t len;

		PATH(path, "spec.loadBalancerSourceRanges[%zu]", i);
		str = want_str(o, item(l, i), path, 64);
		if (!str)
			continue;
		/* Blanks around a range are trimmed, as kube-proxy does. */
		while (isspace((unsigned char)*str))
			str++;
		len = strlen(str);
		while (len && isspace((unsigned char)str[len - 1]))
			len--;
		snprintf(buf, sizeof(buf), "%.*s", (int)len, str);
		if (ks_cidr_parse(buf, &s->ranges[s->n_ranges]))
			oerr(o, item(l, i), path, "'%s' is not an address prefix (CIDR)", buf);
		else
			s->n_ranges++;
	}
}

/*
 * String to string pairs (labels, selectors) into the records; NULL pairs
 * on errors (reported).  path is the map's, e.g. "spec.selector".
 */
struct in_kv *want_kv(struct obj *o, const struct node *map,
			     const char *path, size_t *n_out)
{
	struct ks_input *in = o->p->in;
	struct in_kv *v;
	char kpath[400];
	size_t i, n = 0;

	*n_out = 0;
	if (!want(o, map, N_MAP, path) || !map->n)
		return NULL;
	v = arena_alloc(&in->rec, map->n * sizeof(*v));
	for (i = 0; i < map->n; i++) {
		const struct node *k = map->u.kids[2 * i];
		const struct node *val = map->u.kids[2 * i + 1];

		if (!want_str(o, k, path, KSVC_NODE_NAME_MAX))
			continue;
		snprintf(kpath, sizeof(kpath), "%s[%s]", path, k->u.s);
		/* null: the empty value */
		if (is_null(val)) {
			v[n].k = arena_strndup(&in->rec, k->u.s, k->n);
			v[n++].v = "";
			continue;
		}
		if (!want_str(o, val, kpath, KSVC_NAME_MAX))
			continue;
		v[n].k = arena_strndup(&in->rec, k->u.s, k->n);
		v[n++].v = arena_strndup(&in->rec, val->u.s, val->n);
	}
	*n_out = n;
	return v;
}

/*
 * spec.selector (equality only, as the EndpointSlice controller),
 * spec.publishNotReadyAddresses and spec.trafficDistribution: used only
 * when endpoints come from Pods.
 */
static void svc_selector(struct obj *o, const struct node *spec,
			 struct in_svc *sv)
{
	static const char *const dists[] = {
		"PreferClose", "PreferSameZone", "PreferSameNode", NULL
	};
	const struct node *n = get(spec, "publishNotReadyAddresses");
	int b = 0, d;

	sv->sel = want_kv(o, get(spec, "selector"), "spec.selector",
			  &sv->n_sel);
	if (n && !want_bool(o, n, "spec.publishNotReadyAddresses", &b))
		sv->publish_not_ready = b;
	/* What hints the controller writes: zones, and nodes for SameNode. */
	d = want_enum(o, spec, "trafficDistribution", "spec.trafficDistribution",
		      dists, "PreferClose, PreferSameZone or PreferSameNode");
	sv->traffic_dist = d < 0 ? TD_NONE : d == 2 ? TD_NODE : TD_ZONE;
}

/* Copy a valid Service into the input's records. */
static void svc_keep(struct obj *o, struct svc_tmp *t)
{
	struct ks_input *in = o->p->in;
	struct in_svc *sv = t->sv;
	size_t i;

	if (sv->s.type == KSVC_SVC_HEADLESS ||
	    sv->s.type == KSVC_SVC_EXTERNAL_NAME)
		t->n_fes = 0;
	/* Only these types open node ports; ignore stray nodePort fields. */
	if (sv->s.type != KSVC_SVC_NODE_PORT &&
	    sv->s.type != KSVC_SVC_LOAD_BALANCER)
		for (i = 0; i < t->n_ports; i++)
			t->ports[i].node_port = 0;
	sv->s.n_ports = t->n_ports;
	sv->s.ports = arena_alloc(&in->rec, t->n_ports * sizeof(*t->ports));
	memcpy(sv->s.ports, t->ports, t->n_ports * sizeof(*t->ports));
	sv->np_pos = arena_alloc(&in->rec, t->n_ports * sizeof(*t->np_pos));
	memcpy(sv->np_pos, t->np_pos, t->n_ports * sizeof(*t->np_pos));
	sv->s.n_fes = t->n_fes;
	sv->s.fes = arena_alloc(&in->rec, t->n_fes * sizeof(*t->fes));
	memcpy(sv->s.fes, t->fes, t->n_fes * sizeof(*t->fes));
	sv->fe_src = arena_alloc(&in->rec, t->n_fes * sizeof(*t->fe_src));
	memcpy(sv->fe_src, t->fe_src, t->n_fes * sizeof(*t->fe_src));
	sv->targets = arena_alloc(&in->rec, t->n_ports * sizeof(*t->targets));
	memcpy(sv->targets, t->targets, t->n_ports * sizeof(*t->targets));
	sv->seq = in->seq++;
	sv->doc = in->doc;
	grow(&in->svcs, &in->cap_svcs, in->n_svcs + 1, sizeof(*in->svcs));
	in->svcs[in->n_svcs++] = sv;
}

static const char *const svc_types[] = {
	"ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL
};

static const uint8_t svc_type_map[] = {
	KSVC_SVC_CLUSTER_IP, KSVC_SVC_NODE_PORT, KSVC_SVC_LOAD_BALANCER,
	KSVC_SVC_EXTERNAL_NAME,
};

/*
 * A DNS-1123 subdomain, as the API server checks spec.externalName (after
 * taking off one trailing dot, IsDNS1123Subdomain): labels of a-z, 0-9
 * and '-' inside, none empty, joined by '.', 253 characters in all (no
 * limit per label there).
 */
static int dns_subdomain(const char *s, size_t n)
{
	size_t i, label = 0;

	if (!n || n > KSVC_NODE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (c == '-') {
			if (!label)
				return 0;
		} else if ((c < 'a' || c > 'z') && (c < '0' || c > '9')) {
			return 0;
		}
		label++;
	}
	return label && s[n - 1] != '-';
}

static void svc_external_name(struct obj *o, const struct node *spec,
			      struct ks_service *s)
{
	const struct node *n = get(spec, "externalName");

	if (!n || (n->type == N_SCALAR && !n->n)) {
		oerr(o, NULL, "spec.externalName", "missing");
		return;
	}
	if (!want_str(o, n, "spec.externalName", KSVC_NODE_NAME_MAX))
		return;
	if (!dns_subdomain(n->u.s, n->n - (n->n > 1 && n->u.s[n->n - 1] == '.'))) {
		oerr(o, n, "spec.externalName",
		     "%.*s is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)",
		     SHOWN(n));
		return;
	}
	memcpy(s->external_name, n->u.s, n->n + 1);
}

void parse_service(struct obj *o, const struct node *meta,
			  const struct node *name)
{
	const struct node *spec;
	struct svc_tmp *t;
	struct in_svc *sv;
	int type, headless = 0;

	if (label(meta, LABEL_PROXY)) {
		note(o->p->in, 1, "%s:%d:%d: Service %s/%s: skipped: label %s is set",
		     o->p->file, o->node->line, o->node->col, o->ns, o->name,
		     LABEL_PROXY);
		return;
	}
	/* Large: keep it off the stack. */
	t = xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	sv = t->sv = arena_zalloc(&o->p->in->rec, sizeof(*sv));
	sv->file = o->p->file_idx;
	sv->pos = npos(o->node);
	sv->name_pos = npos(name);
	snprintf(sv->s.ns, sizeof(sv->s.ns), "%s", o->ns);
	snprintf(sv->s.name, sizeof(sv->s.name), "%s", o->name);

	spec = get(o->node, "spec");
	/* Nothing below means anything without a spec mapping. */
	if (spec && !want(o, spec, N_MAP, "spec"))
		goto out;
	type = want_enum(o, spec, "type", "spec.type", svc_types,
			 "a Service type (ClusterIP, NodePort, LoadBalancer, ExternalName)");
	sv->s.type = svc_type_map[type < 0 ? 0 : type];
	if (sv->s.type == KSVC_SVC_EXTERNAL_NAME) {
		svc_external_name(o, spec, &sv->s);
	} else {
		headless = svc_cluster_ips(o, spec, t);
		if (headless == 1)
			sv->s.type = KSVC_SVC_HEADLESS;
		svc_ip_families(o, spec, t);
		svc_external_ips(o, spec, t);
		if (sv->s.type == KSVC_SVC_LOAD_BALANCER)
			svc_lb_ingress(o, o->node, t);
	}
	svc_ports(o, spec, t);
	svc_flags(o, spec, &sv->s);
	svc_extras(o, spec, &sv->s);
	svc_selector(o, spec, sv);
	if (!o->errors)
		svc_keep(o, t);
out:
	free(t);
}
