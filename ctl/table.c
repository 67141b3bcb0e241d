// SPDX-License-Identifier: GPL-2.0
/*
 * The tables of `ksvcctl get` (and of `validate`'s summary): services and
 * endpoints as kubectl prints them, columns sized to their widest cell.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "table.h"

/* Append to a bounded buffer, comma-separated. */
static void cat(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? "," : "", s);
}

static void addrs_of(const struct ks_service *svc, int want_cluster, char *buf,
		     size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < svc->n_fes; i++) {
		const struct ks_frontend *fe = &svc->fes[i];
		int ext = ks_frontend_is(fe, KSVC_FE_EXTERNAL_IP) ||
			  ks_frontend_is(fe, KSVC_FE_LOAD_BALANCER);

		/* A load-balancer IP equal to the cluster IP is in both. */
		if (want_cluster ? fe->kind != KSVC_FE_CLUSTER_IP : !ext)
			continue;
		inet_ntop(svc->fes[i].addr.family, svc->fes[i].addr.a, a, sizeof(a));
		cat(buf, len, a);
	}
}

/* Columns sized to their widest cell, three spaces apart, as kubectl does. */
#define KS_COLS 7
struct ks_row {
	char cell[KS_COLS][512];
	const struct ks_service *svc;
};

static void row_of(const struct ks_service *svc, struct ks_row *r)
{
	char one[64];
	size_t j, ready;

	memset(r, 0, sizeof(*r));
	r->svc = svc;
	snprintf(r->cell[0], sizeof(r->cell[0]), "%s", svc->ns);
	snprintf(r->cell[1], sizeof(r->cell[1]), "%s", svc->name);
	snprintf(r->cell[2], sizeof(r->cell[2]), "%s", ks_svc_type_name(svc->type));
	addrs_of(svc, 1, r->cell[3], sizeof(r->cell[3]));
	addrs_of(svc, 0, r->cell[4], sizeof(r->cell[4]));
	if (svc->type == KSVC_SVC_HEADLESS)
		snprintf(r->cell[3], sizeof(r->cell[3]), "None");
	if (svc->type == KSVC_SVC_EXTERNAL_NAME) {
		snprintf(r->cell[3], sizeof(r->cell[3]), "<none>");
		snprintf(r->cell[4], sizeof(r->cell[4]), "%s", svc->external_name);
	}
	if (!r->cell[4][0])
		snprintf(r->cell[4], sizeof(r->cell[4]), "%s",
			 svc->type == KSVC_SVC_LOAD_BALANCER ? "<pending>" : "<none>");
	for (j = 0; j < svc->n_ports; j++) {
		const struct ks_port *p = &svc->ports[j];

		if (p->node_port)
			snprintf(one, sizeof(one), "%u:%u/%s", p->port,
				 p->node_port, ks_proto_name(p->proto));
		else
			snprintf(one, sizeof(one), "%u/%s", p->port,
				 ks_proto_name(p->proto));
		cat(r->cell[5], sizeof(r->cell[5]), one);
	}
	if (!r->cell[5][0])
		snprintf(r->cell[5], sizeof(r->cell[5]), "<none>");
	for (j = 0, ready = 0; j < svc->n_eps; j++)
		ready += !!(svc->eps[j].flags & KSVC_EP_F_READY);
	if (svc->type == KSVC_SVC_EXTERNAL_NAME || svc->type == KSVC_SVC_HEADLESS)
		snprintf(r->cell[6], sizeof(r->cell[6]), "<dns only>");
	else
		snprintf(r->cell[6], sizeof(r->cell[6]), "%zu", ready);
}

static void print_endpoints(FILE *f, const struct ks_service *svc, int wide)
{
	char a[INET6_ADDRSTRLEN];
	size_t j;

	for (j = 0; j < svc->n_eps; j++) {
		const struct ks_endpoint *ep = &svc->eps[j];
		const struct ks_port *p = &svc->ports[ep->port_index];

		inet_ntop(ep->addr.family, ep->addr.a, a, sizeof(a));
		fprintf(f, "    -> %s:%u/%s%s%s%s%s%s", a, ep->port,
			ks_proto_name(p->proto), p->name[0] ? " port " : "",
			p->name,
			ep->flags & KSVC_EP_F_READY ? " ready" : " not-ready",
			ep->flags & KSVC_EP_F_TERMINATING ? " terminating" : "",
			ep->flags & KSVC_EP_F_LOCAL ? " local" : "");
		if (wide == KS_TABLE_WIDE)
			fprintf(f, " conns=%llu", (unsigned long long)ep->conns);
		fputc('\n', f);
	}
}

int ks_table_selected(const struct ks_service *svc, const char *ns, int all,
		      const char *name)
{
	return (all || !strcmp(svc->ns, ns)) &&
	       (!name || !strcmp(svc->name, name));
}

static void print_table(FILE *f, struct ks_row *rows, size_t n, int ncols,
			const char *const *head, int all, int headers,
			int wide)
{
	size_t w[KS_COLS] = { 0 }, i;
	int c;

	for (c = all ? 0 : 1; c < ncols; c++) {
		w[c] = headers ? strlen(head[c]) : 0;
		for (i = 0; i < n; i++)
			if (strlen(rows[i].cell[c]) > w[c])
				w[c] = strlen(rows[i].cell[c]);
	}
	if (headers) {
		for (c = all ? 0 : 1; c < ncols; c++)
			fprintf(f, "%-*s%s", c + 1 < ncols ? (int)w[c] : 0,
				head[c], c + 1 < ncols ? "   " : "\n");
	}
	for (i = 0; i < n; i++) {
		for (c = all ? 0 : 1; c < ncols; c++)
			fprintf(f, "%-*s%s", c + 1 < ncols ? (int)w[c] : 0,
				rows[i].cell[c], c + 1 < ncols ? "   " : "\n");
		if (wide)
			print_endpoints(f, rows[i].svc, wide);
	}
}

void ks_table_services(FILE *f, const struct ks_state *st, const char *ns,
		       int all, const char *name, int headers, int wide)
{
	static const char *const head[KS_COLS] = {
		"NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP",
		"PORT(S)", "ENDPOINTS",
	};
	struct ks_row *rows;
	size_t i, n = 0;

	rows = calloc(st->n_svcs ? st->n_svcs : 1, sizeof(*rows));
	if (!rows)
		return;
	for (i = 0; i < st->n_svcs; i++)
		if (ks_table_selected(&st->svcs[i], ns, all, name))
			row_of(&st->svcs[i], &rows[n++]);
	print_table(f, rows, n, KS_COLS, head, all, headers, wide);
	free(rows);
}

/*
 * kubectl get endpoints: the ready addr:port pairs, at most three, then
 * "+ N more...".
 */
#define KS_EP_SHOWN 3
static void endpoints_cell(const struct ks_service *svc, char *buf,
			   size_t len)
{
	char one[KS_ADDR_PORT_LEN];
	size_t j, shown = 0, more = 0;

	buf[0] = '\0';
	for (j = 0; j < svc->n_eps; j++) {
		const struct ks_endpoint *ep = &svc->eps[j];

		if (!(ep->flags & KSVC_EP_F_READY))
			continue;
		if (shown == KS_EP_SHOWN) {
			more++;
			continue;
		}
		cat(buf, len, ks_addr_port(one, sizeof(one), &ep->addr, ep->port));
		shown++;
	}
	if (!shown)
		snprintf(buf, len, "<none>");
	else if (more)
		snprintf(buf + strlen(buf), len - strlen(buf),
			 " + %zu more...", more);
}

void ks_table_endpoints(FILE *f, const struct ks_state *st, const char *ns,
			int all, const char *name, int headers, int wide)
{
	static const char *const head[] = { "NAMESPACE", "NAME", "ENDPOINTS" };
	struct ks_row *rows;
	size_t i, n = 0;

	rows = calloc(st->n_svcs ? st->n_svcs : 1, sizeof(*rows));
	if (!rows)
		return;
	for (i = 0; i < st->n_svcs; i++) {
		const struct ks_service *svc = &st->svcs[i];
		struct ks_row *r = &rows[n];

		if (!ks_table_selected(svc, ns, all, name) ||
		    svc->type == KSVC_SVC_EXTERNAL_NAME)
			continue;
		r->svc = svc;
		snprintf(r->cell[0], sizeof(r->cell[0]), "%s", svc->ns);
		snprintf(r->cell[1], sizeof(r->cell[1]), "%s", svc->name);
		endpoints_cell(svc, r->cell[2], sizeof(r->cell[2]));
		n++;
	}
	print_table(f, rows, n, 3, head, all, headers, wide);
	free(rows);
}
