// SPDX-License-Identifier: GPL-2.0
/*
 * The planner.  Both states are sorted by namespace/name, so one merge
 * walk finds what to add, change and delete: O(n), whatever n is.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan.h"

static int push(const struct ks_service ***v, size_t *n, size_t *cap,
		const struct ks_service *svc)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		const struct ks_service **nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = svc;
	return 0;
}

int ks_plan_make(const struct ks_state *want, const struct ks_state *have,
		 int prune, struct ks_plan *plan)
{
	size_t i = 0, j = 0, ca = 0, cc = 0, cd = 0;
	int err = 0;

	memset(plan, 0, sizeof(*plan));
	while (!err && (i < want->n_svcs || j < have->n_svcs)) {
		const struct ks_service *w = i < want->n_svcs ? &want->svcs[i] : NULL;
		const struct ks_service *h = j < have->n_svcs ? &have->svcs[j] : NULL;
		int r;

		if (!w)
			r = 1;
		else if (!h)
			r = -1;
		else {
			r = strcmp(w->ns, h->ns);
			if (!r)
				r = strcmp(w->name, h->name);
		}
		if (r < 0) {
			err = push(&plan->add, &plan->n_add, &ca, w);
			i++;
		} else if (r > 0) {
			if (prune)
				err = push(&plan->del, &plan->n_del, &cd, h);
			j++;
		} else {
			if (ks_service_cmp(w, h))
				err = push(&plan->change, &plan->n_change, &cc, w);
			else
				plan->n_same++;
			i++;
			j++;
		}
	}
	if (err) {
		ks_plan_free(plan);
		return -1;
	}
	return 0;
}

void ks_plan_free(struct ks_plan *plan)
{
	free(plan->add);
	free(plan->change);
	free(plan->del);
	memset(plan, 0, sizeof(*plan));
}

void ks_plan_print(const struct ks_plan *plan, FILE *f)
{
	size_t i;

	for (i = 0; i < plan->n_del; i++)
		fprintf(f, "- service %s/%s\n", plan->del[i]->ns, plan->del[i]->name);
	for (i = 0; i < plan->n_change; i++)
		fprintf(f, "~ service %s/%s\n", plan->change[i]->ns,
			plan->change[i]->name);
	for (i = 0; i < plan->n_add; i++)
		fprintf(f, "+ service %s/%s\n", plan->add[i]->ns, plan->add[i]->name);
	fprintf(f, "%zu to add, %zu to change, %zu to delete, %zu unchanged\n",
		plan->n_add, plan->n_change, plan->n_del, plan->n_same);
}

/* In a diff a headless Service says so: ClusterIP to headless is a change. */
static const char *type_str(uint8_t t)
{
	return t == KSVC_SVC_HEADLESS ? "ClusterIP (headless)" : ks_svc_type_name(t);
}

static void port_line(FILE *f, char sign, size_t i, const struct ks_port *p)
{
	fprintf(f, "    %c port[%zu] %s%s%u/%s", sign, i, p->name,
		p->name[0] ? " " : "", p->port, ks_proto_name(p->proto));
	if (p->node_port)
		fprintf(f, " nodePort %u", p->node_port);
	fputc('\n', f);
}

static void fe_line(FILE *f, char sign, const struct ks_frontend *fe)
{
	static const char *const kinds[] = {
		"cluster IP", "external IP", "load-balancer IP",
	};
	char a[INET6_ADDRSTRLEN];

	uint8_t k;

	inet_ntop(fe->addr.family, fe->addr.a, a, sizeof(a));
	fprintf(f, "    %c %s %s", sign,
		fe->kind <= KSVC_FE_KIND_MAX ? kinds[fe->kind] : "frontend", a);
	for (k = 0; k <= KSVC_FE_KIND_MAX; k++)
		if (k != fe->kind && ks_frontend_is(fe, k))
			fprintf(f, " (also %s)", kinds[k]);
	fputc('\n', f);
}

static void ep_line(FILE *f, char sign, const struct ks_service *svc,
		    const struct ks_endpoint *ep)
{
	char a[KS_ADDR_PORT_LEN];

	fprintf(f, "    %c endpoint %s port[%u]%s%s%s%s%s\n", sign,
		ks_addr_port(a, sizeof(a), &ep->addr, ep->port), ep->port_index,
		ep->flags & KSVC_EP_F_READY ? " ready" : " not-ready",
		ep->flags & KSVC_EP_F_SERVING ? " serving" : "",
		ep->flags & KSVC_EP_F_TERMINATING ? " terminating" : "",
		ep->flags & KSVC_EP_F_LOCAL ? " local" : "",
		ep->flags & KSVC_EP_F_ELSEWHERE ? " hinted-elsewhere" : "");
	(void)svc;
}

/* What differs between two versions of one service (both sorted). */
static void svc_diff(FILE *f, const struct ks_service *w,
		     const struct ks_service *h)
{
	size_t i, j;

	if (w->type != h->type)
		fprintf(f, "    type %s -> %s\n", type_str(h->type),
			type_str(w->type));
	if (w->flags != h->flags)
		fprintf(f, "    flags %#x -> %#x\n", h->flags, w->flags);
	if (strcmp(w->external_name, h->external_name))
		fprintf(f, "    externalName %s -> %s\n", h->external_name,
			w->external_name);
	for (i = 0; i < w->n_ports || i < h->n_ports; i++) {
		const struct ks_port *a = i < h->n_ports ? &h->ports[i] : NULL;
		const struct ks_port *b = i < w->n_ports ? &w->ports[i] : NULL;

		if (a && b && !strcmp(a->name, b->name) &&
		    a->proto == b->proto && a->port == b->port &&
		    a->node_port == b->node_port)
			continue;
		if (a)
			port_line(f, '-', i, a);
		if (b)
			port_line(f, '+', i, b);
	}
	for (i = j = 0; i < w->n_fes || j < h->n_fes;) {
		int r = i == w->n_fes ? 1 : j == h->n_fes ? -1 :
			ks_frontend_cmp(&w->fes[i], &h->fes[j]);

		if (r < 0)
			fe_line(f, '+', &w->fes[i++]);
		else if (r > 0)
			fe_line(f, '-', &h->fes[j++]);
		else
			i++, j++;
	}
	for (i = j = 0; i < w->n_eps || j < h->n_eps;) {
		int r = i == w->n_eps ? 1 : j == h->n_eps ? -1 :
			ks_endpoint_cmp(&w->eps[i], &h->eps[j]);

		if (r < 0)
			ep_line(f, '+', w, &w->eps[i++]);
		else if (r > 0)
			ep_line(f, '-', h, &h->eps[j++]);
		else
			i++, j++;
	}
}

/*
 * A service that is added or deleted, whole: its type and everything in
 * it, as a difference from (or to) an empty service of the same type.
 */
static void svc_whole(FILE *f, char sign, const struct ks_service *s)
{
	struct ks_service none;

	memset(&none, 0, sizeof(none));
	none.type = s->type;
	none.flags = s->flags;
	memcpy(none.external_name, s->external_name, sizeof(none.external_name));
	fprintf(f, "%c service %s/%s\n", sign, s->ns, s->name);
	fprintf(f, "    %c type %s", sign, type_str(s->type));
	if (s->flags)
		fprintf(f, " flags %#x", s->flags);
	if (s->external_name[0])
		fprintf(f, " externalName %s", s->external_name);
	fputc('\n', f);
	if (sign == '+')
		svc_diff(f, s, &none);
	else
		svc_diff(f, &none, s);
}

void ks_plan_print_diff(const struct ks_plan *plan, const struct ks_state *have,
			FILE *f)
{
	size_t i;

	for (i = 0; i < plan->n_del; i++)
		svc_whole(f, '-', plan->del[i]);
	for (i = 0; i < plan->n_change; i++) {
		const struct ks_service *w = plan->change[i];
		const struct ks_service *h = ks_state_find(have, w->ns, w->name);

		fprintf(f, "~ service %s/%s\n", w->ns, w->name);
		if (h)
			svc_diff(f, w, h);
	}
	for (i = 0; i < plan->n_add; i++)
		svc_whole(f, '+', plan->add[i]);
	fprintf(f, "%zu to add, %zu to change, %zu to delete, %zu unchanged\n",
		plan->n_add, plan->n_change, plan->n_del, plan->n_same);
}
