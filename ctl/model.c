// SPDX-License-Identifier: GPL-2.0
/*
 * The desired-state model of ksvcctl: allocation, canonical ordering,
 * lookup and comparison.  Canonical order matters because the planner
 * compares the parsed state with the kernel's dump service by service:
 * two services that program the kernel identically must compare equal
 * whatever order their sources listed frontends and endpoints in.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

void ks_state_init(struct ks_state *st)
{
	memset(st, 0, sizeof(*st));
}

void ks_service_free(struct ks_service *svc)
{
	free(svc->ports);
	free(svc->fes);
	free(svc->eps);
	free(svc->ranges);
	svc->ranges = NULL;
	svc->n_ranges = 0;
	svc->ports = NULL;
	svc->fes = NULL;
	svc->eps = NULL;
	svc->n_ports = svc->n_fes = svc->n_eps = 0;
}

void ks_state_free(struct ks_state *st)
{
	size_t i;

	for (i = 0; i < st->n_svcs; i++)
		ks_service_free(&st->svcs[i]);
	free(st->svcs);
	for (i = 0; i < st->n_strs; i++)
		free(st->strs[i]);
	free(st->strs);
	ks_state_init(st);
}

struct ks_service *ks_state_add(struct ks_state *st)
{
	struct ks_service *svc;

	if (st->n_svcs == st->cap_svcs) {
		size_t cap = st->cap_svcs ? st->cap_svcs * 2 : 64;
		struct ks_service *v;

		v = realloc(st->svcs, cap * sizeof(*v));
		if (!v)
			return NULL;
		st->svcs = v;
		st->cap_svcs = cap;
	}
	svc = &st->svcs[st->n_svcs++];
	memset(svc, 0, sizeof(*svc));
	st->sorted = 0;
	return svc;
}

const char *ks_state_strdup(struct ks_state *st, const char *s)
{
	char *copy;

	if (st->n_strs == st->cap_strs) {
		size_t cap = st->cap_strs ? st->cap_strs * 2 : 16;
		char **v = realloc(st->strs, cap * sizeof(*v));

		if (!v)
			return NULL;
		st->strs = v;
		st->cap_strs = cap;
	}
	copy = strdup(s);
	if (!copy)
		return NULL;
	st->strs[st->n_strs++] = copy;
	return copy;
}

/* Only the bytes of the family count: the rest may be garbage. */
int ks_addr_cmp(const struct ks_addr *a, const struct ks_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16);
}

#define CMP_FIELD(a, b, f)					\
	do {							\
		if ((a)->f != (b)->f)				\
			return (a)->f < (b)->f ? -1 : 1;	\
	} while (0)

int ks_frontend_cmp(const struct ks_frontend *a, const struct ks_frontend *b)
{
	CMP_FIELD(a, b, kind);
	CMP_FIELD(a, b, also);
	return ks_addr_cmp(&a->addr, &b->addr);
}

int ks_frontend_is(const struct ks_frontend *fe, uint8_t kind)
{
	return fe->kind == kind || (kind < 8 && (fe->also & (1u << kind)));
}

int ks_endpoint_cmp(const struct ks_endpoint *a, const struct ks_endpoint *b)
{
	int r;

	CMP_FIELD(a, b, port_index);
	r = ks_addr_cmp(&a->addr, &b->addr);
	if (r)
		return r;
	CMP_FIELD(a, b, port);
	CMP_FIELD(a, b, flags);
	return 0;
}

static int port_cmp(const struct ks_port *a, const struct ks_port *b)
{
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	CMP_FIELD(a, b, proto);
	CMP_FIELD(a, b, port);
	CMP_FIELD(a, b, node_port);
	return 0;
}

static int fe_qsort_cmp(const void *a, const void *b)
{
	return ks_frontend_cmp(a, b);
}

static int ep_qsort_cmp(const void *a, const void *b)
{
	return ks_endpoint_cmp(a, b);
}

static int svc_key_cmp(const char *ns1, const char *name1,
		       const char *ns2, const char *name2)
{
	int r = strcmp(ns1, ns2);

	return r ? r : strcmp(name1, name2);
}

static int svc_qsort_cmp(const void *a, const void *b)
{
	const struct ks_service *x = a, *y = b;

	return svc_key_cmp(x->ns, x->name, y->ns, y->name);
}

void ks_state_sort(struct ks_state *st)
{
	size_t i;

	for (i = 0; i < st->n_svcs; i++) {
		struct ks_service *svc = &st->svcs[i];

		if (svc->n_fes > 1)
			qsort(svc->fes, svc->n_fes, sizeof(*svc->fes),
			      fe_qsort_cmp);
		if (svc->n_eps > 1)
			qsort(svc->eps, svc->n_eps, sizeof(*svc->eps),
			      ep_qsort_cmp);
	}
	if (st->n_svcs > 1)
		qsort(st->svcs, st->n_svcs, sizeof(*st->svcs), svc_qsort_cmp);
	st->sorted = 1;
}

struct ks_service *ks_state_find(const struct ks_state *st, const char *ns,
				 const char *name)
{
	size_t lo = 0, hi = st->n_svcs, i;

	if (!st->sorted) {
		for (i = 0; i < st->n_svcs; i++)
			if (!svc_key_cmp(ns, name, st->svcs[i].ns,
					 st->svcs[i].name))
				return &st->svcs[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = svc_key_cmp(ns, name, st->svcs[mid].ns,
				    st->svcs[mid].name);

		if (!r)
			return &st->svcs[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Lexicographic over the arrays, then shorter first. */
#define CMP_ARRAY(a, b, arr, n, cmp)					\
	do {								\
		size_t _i, _n = (a)->n < (b)->n ? (a)->n : (b)->n;	\
		int _r;							\
									\
		for (_i = 0; _i < _n; _i++) {				\
			_r = cmp(&(a)->arr[_i], &(b)->arr[_i]);		\
			if (_r)						\
				return _r;				\
		}							\
		CMP_FIELD(a, b, n);					\
	} while (0)

int ks_cidr_cmp(const struct ks_cidr *a, const struct ks_cidr *b)
{
	CMP_FIELD(a, b, prefix);
	return ks_addr_cmp(&a->addr, &b->addr);
}

int ks_cidr_contains(const struct ks_cidr *c, const struct ks_addr *a)
{
	unsigned int bits = c->prefix, i;

	if (a->family != c->addr.family)
		return 0;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a->a[i] != c->addr.a[i])
			return 0;
	return !bits || !((a->a[i] ^ c->addr.a[i]) & (0xff << (8 - bits)));
}

int ks_cidr_parse(const char *s, struct ks_cidr *c)
{
	char buf[64], *slash, *end;
	long len;
	int i, max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr.a) == 1) {
		c->addr.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr.a) == 1) {
		c->addr.family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	len = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || len < 0 || len > max)
		return -1;
	c->prefix = (uint8_t)len;
	for (i = 0; i < 16; i++) {
		int bits = (int)len - i * 8;

		if (bits <= 0)
			c->addr.a[i] = 0;
		else if (bits < 8)
			c->addr.a[i] &= (uint8_t)(0xff << (8 - bits));
	}
	return 0;
}

int ks_service_cmp(const struct ks_service *a, const struct ks_service *b)
{
	int r;

	CMP_FIELD(a, b, type);
	CMP_FIELD(a, b, flags);
	CMP_FIELD(a, b, algo);
	if (a->flags & KSVC_SVC_F_AFFINITY)
		CMP_FIELD(a, b, affinity_timeout);
	CMP_ARRAY(a, b, ranges, n_ranges, ks_cidr_cmp);
	r = strcmp(a->external_name, b->external_name);
	if (r)
		return r;
	CMP_ARRAY(a, b, ports, n_ports, port_cmp);
	CMP_ARRAY(a, b, fes, n_fes, ks_frontend_cmp);
	CMP_ARRAY(a, b, eps, n_eps, ks_endpoint_cmp);
	return 0;
}

/* The Kubernetes name of an IPPROTO_* value. */
const char *ks_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	return "?";
}

int ks_proto_parse(const char *s)
{
	if (!strcmp(s, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(s, "UDP"))
		return IPPROTO_UDP;
	if (!strcmp(s, "SCTP"))
		return IPPROTO_SCTP;
	return -1;
}

const char *ks_svc_type_name(uint8_t type)
{
	switch (type) {
	case KSVC_SVC_NODE_PORT:
		return "NodePort";
	case KSVC_SVC_LOAD_BALANCER:
		return "LoadBalancer";
	case KSVC_SVC_EXTERNAL_NAME:
		return "ExternalName";
	default:
		return "ClusterIP";	/* a headless Service is one too */
	}
}

char *ks_addr_port(char *buf, size_t len, const struct ks_addr *a, uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->a, s, sizeof(s));
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
	return buf;
}
