// SPDX-License-Identifier: GPL-2.0
/*
 * Kubernetes-shaped output of ksvcctl (see out.h).  Each object is built
 * as a small tree, printed in YAML (block style, as kubectl prints it) or
 * JSON (indented by 4, as kubectl prints it), and freed, so the memory
 * used is one object's, whatever the table's size.  Reading stays with
 * libyaml (parse_reader.c); this file only writes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "out.h"
#include "xalloc.h"

enum { O_STR, O_INT, O_BOOL, O_MAP, O_SEQ };

struct onode {
	int type;
	char *key;		/* in a mapping */
	char *s;
	long long i;
	struct onode **kids;
	size_t n, cap;
};

static struct onode *onew(int type)
{
	struct onode *n = xcalloc(1, sizeof(*n));

	n->type = type;
	return n;
}

static void ofree(struct onode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		ofree(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->s);
	free(n);
}

/* Append kid to a mapping (under key) or a list (key NULL); returns kid. */
static struct onode *oadd(struct onode *parent, const char *key,
			  struct onode *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct onode **v = realloc(parent->kids, cap * sizeof(*v));

		if (!v) {
			fputs("ksvcctl: out of memory\n", stderr);
			exit(1);
		}
		parent->kids = v;
		parent->cap = cap;
	}
	if (key)
		kid->key = xstrdup(key);
	parent->kids[parent->n++] = kid;
	return kid;
}

static struct onode *ostr(struct onode *parent, const char *key,
			  const char *s)
{
	struct onode *n = onew(O_STR);

	n->s = xstrdup(s);
	return oadd(parent, key, n);
}

static struct onode *oint(struct onode *parent, const char *key,
			  long long v)
{
	struct onode *n = onew(O_INT);

	n->i = v;
	return oadd(parent, key, n);
}

static struct onode *obool(struct onode *parent, const char *key, int v)
{
	struct onode *n = onew(O_BOOL);

	n->i = !!v;
	return oadd(parent, key, n);
}

static struct onode *omap(struct onode *parent, const char *key)
{
	return oadd(parent, key, onew(O_MAP));
}

static struct onode *oseq(struct onode *parent, const char *key)
{
	return oadd(parent, key, onew(O_SEQ));
}

/* ---- printing --------------------------------------------------------- */

/* A double-quoted string, valid in both YAML and JSON. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Plain YAML only where no reader could take it for anything else. */
static int yaml_plain_ok(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "true", "false", "on", "off", "null",
		NULL,
	};
	size_t i, len = strlen(s);

	if (!len || s[0] == '-' || s[0] == '.' ||
	    strspn(s, "0123456789.") == len)
		return 0;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") != len)
		return 0;
	for (i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return 0;
	return 1;
}

static void put_scalar(FILE *f, const struct onode *n, int json)
{
	if (n->type == O_INT)
		fprintf(f, "%lld", n->i);
	else if (n->type == O_BOOL)
		fputs(n->i ? "true" : "false", f);
	else if (!json && yaml_plain_ok(n->s))
		fputs(n->s, f);
	else
		put_quoted(f, n->s);
}

static void y_seq(FILE *f, const struct onode *n, int ind);

static void y_key(FILE *f, const char *key)
{
	if (yaml_plain_ok(key))
		fputs(key, f);
	else
		put_quoted(f, key);
	fputc(':', f);
}

/* A mapping's entries; the first one goes on the current line if inline. */
static void y_map(FILE *f, const struct onode *n, int ind, int first_inline)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		const struct onode *v = n->kids[i];

		if (i || !first_inline)
			fprintf(f, "%*s", ind, "");
		y_key(f, v->key);
		if (v->type == O_MAP) {
			if (!v->n) {
				fputs(" {}\n", f);
				continue;
			}
			fputc('\n', f);
			y_map(f, v, ind + 2, 0);
		} else if (v->type == O_SEQ) {
			if (!v->n) {
				fputs(" []\n", f);
				continue;
			}
			fputc('\n', f);
			y_seq(f, v, ind);
		} else {
			fputc(' ', f);
			put_scalar(f, v, 0);
			fputc('\n', f);
		}
	}
}

static void y_seq(FILE *f, const struct onode *n, int ind)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		const struct onode *v = n->kids[i];

		fprintf(f, "%*s- ", ind, "");
		if (v->type == O_MAP && v->n) {
			y_map(f, v, ind + 2, 1);
		} else if (v->type == O_MAP) {
			fputs("{}\n", f);
		} else if (v->type == O_SEQ) {
			fputs("[]\n", f);	/* never nested here */
		} else {
			put_scalar(f, v, 0);
			fputc('\n', f);
		}
	}
}

static void j_node(FILE *f, const struct onode *n, int ind)
{
	size_t i;

	if (n->type != O_MAP && n->type != O_SEQ) {
		put_scalar(f, n, 1);
		return;
	}
	if (!n->n) {
		fputs(n->type == O_MAP ? "{}" : "[]", f);
		return;
	}
	fputs(n->type == O_MAP ? "{\n" : "[\n", f);
	for (i = 0; i < n->n; i++) {
		fprintf(f, "%*s", ind + 4, "");
		if (n->type == O_MAP) {
			put_quoted(f, n->kids[i]->key);
			fputs(": ", f);
		}
		j_node(f, n->kids[i], ind + 4);
		fputs(i + 1 < n->n ? ",\n" : "\n", f);
	}
	fprintf(f, "%*s%c", ind, "", n->type == O_MAP ? '}' : ']');
}

/* ---- objects ---------------------------------------------------------- */

static const char *addr_str(const struct ks_addr *a, char *buf)
{
	return inet_ntop(a->family, a->a, buf, INET6_ADDRSTRLEN);
}

static void meta(struct onode *obj, const char *name, const char *ns)
{
	struct onode *m = omap(obj, "metadata");

	ostr(m, "name", name);
	ostr(m, "namespace", ns);
}

/* The target port of service port pi if every endpoint agrees; else 0. */
static uint16_t uniform_target(const struct ks_service *svc, size_t pi)
{
	uint16_t t = 0;
	size_t i;

	for (i = 0; i < svc->n_eps; i++) {
		if (svc->eps[i].port_index != pi)
			continue;
		if (t && svc->eps[i].port != t)
			return 0;
		t = svc->eps[i].port;
	}
	return t;
}

/* spec's addresses: cluster IPs (and their families), external IPs. */
static void spec_addrs(struct onode *spec, const struct ks_service *svc)
{
	char a[INET6_ADDRSTRLEN];
	struct onode *l;
	size_t i, n_cip = 0;

	if (svc->type == KSVC_SVC_EXTERNAL_NAME) {
		ostr(spec, "externalName", svc->external_name);
		return;
	}
	if (svc->type == KSVC_SVC_HEADLESS) {
		ostr(spec, "clusterIP", "None");
		oseq(spec, "clusterIPs");
		ostr(spec->kids[spec->n - 1], NULL, "None");
		return;
	}
	for (i = 0; i < svc->n_fes; i++)
		if (svc->fes[i].kind == KSVC_FE_CLUSTER_IP && !n_cip++)
			ostr(spec, "clusterIP", addr_str(&svc->fes[i].addr, a));
	l = oseq(spec, "clusterIPs");
	for (i = 0; i < svc->n_fes; i++)
		if (svc->fes[i].kind == KSVC_FE_CLUSTER_IP)
			ostr(l, NULL, addr_str(&svc->fes[i].addr, a));
	l = oseq(spec, "ipFamilies");
	for (i = 0; i < svc->n_fes; i++)
		if (svc->fes[i].kind == KSVC_FE_CLUSTER_IP)
			ostr(l, NULL, svc->fes[i].addr.family == AF_INET ?
			     "IPv4" : "IPv6");
	l = NULL;
	for (i = 0; i < svc->n_fes; i++) {
		if (!ks_frontend_is(&svc->fes[i], KSVC_FE_EXTERNAL_IP))
			continue;
		if (!l)
			l = oseq(spec, "externalIPs");
		ostr(l, NULL, addr_str(&svc->fes[i].addr, a));
	}
}

static void spec_ports(struct onode *spec, const struct ks_service *svc)
{
	struct onode *l = oseq(spec, "ports"), *p;
	uint16_t t;
	size_t i;

	for (i = 0; i < svc->n_ports; i++) {
		const struct ks_port *port = &svc->ports[i];

		p = omap(l, NULL);
		if (port->name[0])
			ostr(p, "name", port->name);
		ostr(p, "protocol", ks_proto_name(port->proto));
		oint(p, "port", port->port);
		t = uniform_target(svc, i);
		if (t)
			oint(p, "targetPort", t);
		if (port->node_port)
			oint(p, "nodePort", port->node_port);
	}
}

/* Traffic policies, affinity and source ranges. */
static void spec_policies(struct onode *spec, const struct ks_service *svc)
{
	char a[INET6_ADDRSTRLEN], cidr[INET6_ADDRSTRLEN + 8];
	struct onode *l;
	size_t i;

	if (svc->type == KSVC_SVC_NODE_PORT ||
	    svc->type == KSVC_SVC_LOAD_BALANCER ||
	    (svc->flags & KSVC_SVC_F_EXT_LOCAL))
		ostr(spec, "externalTrafficPolicy",
		     svc->flags & KSVC_SVC_F_EXT_LOCAL ? "Local" : "Cluster");
	ostr(spec, "internalTrafficPolicy",
	     svc->flags & KSVC_SVC_F_INT_LOCAL ? "Local" : "Cluster");
	ostr(spec, "sessionAffinity",
	     svc->flags & KSVC_SVC_F_AFFINITY ? "ClientIP" : "None");
	if (svc->flags & KSVC_SVC_F_AFFINITY)
		oint(omap(omap(spec, "sessionAffinityConfig"), "clientIP"),
		     "timeoutSeconds", svc->affinity_timeout);
	if (!svc->n_ranges)
		return;
	l = oseq(spec, "loadBalancerSourceRanges");
	for (i = 0; i < svc->n_ranges; i++) {
		snprintf(cidr, sizeof(cidr), "%s/%u",
			 addr_str(&svc->ranges[i].addr, a), svc->ranges[i].prefix);
		ostr(l, NULL, cidr);
	}
}

static struct onode *service_obj(const struct ks_service *svc)
{
	struct onode *obj = onew(O_MAP), *spec, *lb = NULL;
	char a[INET6_ADDRSTRLEN];
	size_t i;

	ostr(obj, "apiVersion", "v1");
	ostr(obj, "kind", "Service");
	meta(obj, svc->name, svc->ns);
	if (svc->algo == KSVC_ALGO_ROUND_ROBIN || svc->algo == KSVC_ALGO_MAGLEV)
		ostr(omap(obj->kids[obj->n - 1], "annotations"),
		     "ksvc.io/algorithm",
		     svc->algo == KSVC_ALGO_MAGLEV ? "maglev" : "round-robin");
	spec = omap(obj, "spec");
	ostr(spec, "type", ks_svc_type_name(svc->type));
	spec_addrs(spec, svc);
	spec_ports(spec, svc);
	spec_policies(spec, svc);
	for (i = 0; i < svc->n_fes; i++) {
		if (!ks_frontend_is(&svc->fes[i], KSVC_FE_LOAD_BALANCER))
			continue;
		if (!lb)
			lb = oseq(omap(omap(obj, "status"), "loadBalancer"),
				  "ingress");
		ostr(omap(lb, NULL), "ip", addr_str(&svc->fes[i].addr, a));
	}
	return obj;
}

/* Endpoint indices grouped by (port index, family, target port, address). */
static const struct ks_service *sort_svc;

static int group_cmp(const void *x, const void *y)
{
	const struct ks_endpoint *a = &sort_svc->eps[*(const size_t *)x];
	const struct ks_endpoint *b = &sort_svc->eps[*(const size_t *)y];

	if (a->port_index != b->port_index)
		return a->port_index < b->port_index ? -1 : 1;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return ks_addr_cmp(&a->addr, &b->addr);
}

static int same_group(const struct ks_endpoint *a, const struct ks_endpoint *b)
{
	return a->port_index == b->port_index &&
	       a->addr.family == b->addr.family && a->port == b->port;
}

static void print_obj(FILE *f, struct onode *obj, int json, int *first)
{
	if (json) {
		fputs(*first ? "        " : ",\n        ", f);
		j_node(f, obj, 8);
	} else {
		fputs("- ", f);
		y_map(f, obj, 2, 1);
	}
	*first = 0;
	ofree(obj);
}

static void slices_of(FILE *f, const struct ks_service *svc,
		      const struct ks_out_opts *o, int *first)
{
	char a[INET6_ADDRSTRLEN], name[KSVC_NAME_MAX + 24];
	size_t *idx, i, j, k = 0;

	if (!svc->n_eps)
		return;
	idx = xcalloc(svc->n_eps, sizeof(*idx));
	for (i = 0; i < svc->n_eps; i++)
		idx[i] = i;
	sort_svc = svc;
	qsort(idx, svc->n_eps, sizeof(*idx), group_cmp);
	for (i = 0; i < svc->n_eps; i = j) {
		const struct ks_endpoint *e0 = &svc->eps[idx[i]];
		const struct ks_port *port = &svc->ports[e0->port_index];
		struct onode *obj = onew(O_MAP), *m, *l, *p;

		ostr(obj, "apiVersion", "discovery.k8s.io/v1");
		ostr(obj, "kind", "EndpointSlice");
		m = omap(obj, "metadata");
		snprintf(name, sizeof(name), "%s-%zu", svc->name, k++);
		ostr(m, "name", name);
		ostr(m, "namespace", svc->ns);
		ostr(omap(m, "labels"), "kubernetes.io/service-name",
		     svc->name);
		ostr(obj, "addressType",
		     e0->addr.family == AF_INET ? "IPv4" : "IPv6");
		p = omap(oseq(obj, "ports"), NULL);
		ostr(p, "name", port->name);
		ostr(p, "protocol", ks_proto_name(port->proto));
		oint(p, "port", e0->port);
		l = oseq(obj, "endpoints");
		for (j = i; j < svc->n_eps && same_group(e0, &svc->eps[idx[j]]);
		     j++) {
			const struct ks_endpoint *e = &svc->eps[idx[j]];
			struct onode *ep = omap(l, NULL), *c;

			ostr(oseq(ep, "addresses"), NULL, addr_str(&e->addr, a));
			c = omap(ep, "conditions");
			obool(c, "ready", e->flags & KSVC_EP_F_READY);
			obool(c, "serving", e->flags & KSVC_EP_F_SERVING);
			obool(c, "terminating", e->flags & KSVC_EP_F_TERMINATING);
			if ((e->flags & KSVC_EP_F_LOCAL) && o->node_name &&
			    *o->node_name)
				ostr(ep, "nodeName", o->node_name);
		}
		print_obj(f, obj, o->json, first);
	}
	free(idx);
}

void ks_out_list(FILE *f, const struct ks_state *st,
		 const struct ks_out_opts *o)
{
	size_t i;
	int first = 1;

	if (o->json)
		fputs("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n", f);
	else
		fputs("apiVersion: v1\nitems:\n", f);
	for (i = 0; i < st->n_svcs; i++) {
		const struct ks_service *svc = &st->svcs[i];

		if ((o->ns && strcmp(svc->ns, o->ns)) ||
		    (o->name && strcmp(svc->name, o->name)))
			continue;
		if (o->what & KS_OUT_SERVICES)
			print_obj(f, service_obj(svc), o->json, &first);
		if ((o->what & KS_OUT_SLICES) &&
		    svc->type != KSVC_SVC_HEADLESS &&
		    svc->type != KSVC_SVC_EXTERNAL_NAME)
			slices_of(f, svc, o, &first);
	}
	if (o->json)
		fputs(first ? "    ],\n    \"kind\": \"List\"\n}\n" :
		      "\n    ],\n    \"kind\": \"List\"\n}\n", f);
	else
		fputs("kind: List\n", f);	/* no items: "items:" is null */
}

void ks_out_stats_json(FILE *f, const struct ks_state *st)
{
	char a[INET6_ADDRSTRLEN];
	struct onode *root = onew(O_MAP), *l;
	size_t i, j;

	l = oseq(root, "services");
	for (i = 0; i < st->n_svcs; i++) {
		const struct ks_service *svc = &st->svcs[i];
		struct onode *s = omap(l, NULL), *el;

		ostr(s, "namespace", svc->ns);
		ostr(s, "name", svc->name);
		oint(s, "connections", (long long)svc->conns);
		oint(s, "rejects", (long long)svc->rejects);
		el = oseq(s, "endpoints");
		for (j = 0; j < svc->n_eps; j++) {
			const struct ks_endpoint *ep = &svc->eps[j];
			struct onode *e = omap(el, NULL);

			ostr(e, "address", addr_str(&ep->addr, a));
			oint(e, "port", ep->port);
			ostr(e, "protocol",
			     ks_proto_name(svc->ports[ep->port_index].proto));
			if (svc->ports[ep->port_index].name[0])
				ostr(e, "portName",
				     svc->ports[ep->port_index].name);
			oint(e, "connections", (long long)ep->conns);
		}
	}
	j_node(f, root, 0);
	fputc('\n', f);
	ofree(root);
}
