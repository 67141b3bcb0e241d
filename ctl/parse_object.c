// SPDX-License-Identifier: GPL-2.0
/*
 * One document or List item: its kind, the API versions taken, Lists
 * (typed or not) and their items.
 */
#include "parse_int.h"

void process_object(struct pctx *p, const struct node *n,
			   const char *where, const struct list_ctx *lc);

int is_list_kind(const struct node *kind)
{
	return kind && kind->type == N_SCALAR && kind->n >= 4 &&
	       !strcmp(kind->u.s + kind->n - 4, "List");
}

/* What a List of this kind and apiVersion implies for its items. */
void list_ctx_of(struct list_ctx *lc, const struct node *kind,
			const struct node *av)
{
	memset(lc, 0, sizeof(*lc));
	if (is_list_kind(kind) && kind->n > 4 && kind->n - 4 < sizeof(lc->kind) &&
	    strlen(kind->u.s) == kind->n)
		snprintf(lc->kind, sizeof(lc->kind), "%.*s", (int)kind->n - 4,
			 kind->u.s);
	if (lc->kind[0] && av && av->type == N_SCALAR)
		lc->api_version = av;
}

/*
 * The items of a List.  first: the index of items[0] of this node (items
 * before it were streamed already, see add_node).
 */
static void process_items(struct pctx *p, const struct node *n,
			  const char *where, size_t first)
{
	const struct node *items = get(n, "items");
	struct list_ctx lc;
	char path[64];
	size_t i;

	if (!items)
		return;
	if (items->type != N_SEQ) {
		perr(p, items->line, items->col, "%s%sitems: expected a list",
		     where, *where ? "." : "");
		return;
	}
	list_ctx_of(&lc, get(n, "kind"), get(n, "apiVersion"));
	for (i = 0; i < items->n; i++) {
		snprintf(path, sizeof(path), "%s%sitems[%zu]", where,
			 *where ? "." : "", first + i);
		process_object(p, item(items, i), path, &lc);
	}
}

static void process_typed(struct obj *o, const char *api_version)
{
	const struct node *meta, *name, *ns, *av;

	meta = want(o, get(o->node, "metadata"), N_MAP, "metadata");
	name = get(meta, "name");
	if (name && name->type == N_SCALAR && strlen(name->u.s) == name->n)
		o->name = name->u.s;
	ns = get(meta, "namespace");
	if (ns && ns->type == N_SCALAR && strlen(ns->u.s) == ns->n)
		o->ns = ns->u.s;
	if (!name) {
		oerr(o, NULL, "metadata.name", "missing");
		return;
	}
	want(o, get(meta, "labels"), N_MAP, "metadata.labels");
	av = get(o->node, "apiVersion");
	if (!av)
		av = o->list_av;
	if (!av)
		oerr(o, NULL, "apiVersion", "missing");
	else if (want_str(o, av, "apiVersion", SHOW) &&
		 strcmp(av->u.s, api_version))
		oerr(o, av, "apiVersion", "%s is not supported (use %s)",
		     av->u.s, api_version);
	if (!strcmp(o->kind, "EndpointSlice") || !strcmp(o->kind, "Pod") ||
	    !strcmp(o->kind, "Node")) {
		/* A DNS subdomain, only used in messages. */
		want_str(o, name, "metadata.name", KSVC_NODE_NAME_MAX);
	} else {
		check_label(o, name, "metadata.name");
	}
	if (ns)
		check_label(o, ns, "metadata.namespace");
	if (o->errors)
		return;
	if (!strcmp(o->kind, "Service"))
		parse_service(o, meta, name);
	else if (!strcmp(o->kind, "Endpoints"))
		parse_endpoints(o, meta);
	else if (!strcmp(o->kind, "Pod"))
		parse_pod(o, meta);
	else if (!strcmp(o->kind, "Node"))
		parse_node(o, meta);
	else
		parse_slice(o, meta);
}

void process_object(struct pctx *p, const struct node *n,
			   const char *where, const struct list_ctx *lc)
{
	const char *sep = *where ? "." : "";
	struct obj o = { p, n, NULL, "default", "<none>", 0, NULL };
	const struct node *kind, *meta;

	if (n->type != N_MAP) {
		if (!is_null(n))
			perr(p, n->line, n->col,
			     "%s%sexpected a mapping (a Kubernetes object)",
			     where, *where ? ": " : "");
		return;
	}
	kind = get(n, "kind");
	if (!kind && lc && lc->kind[0]) {
		/* An item of a typed List: the list names its kind. */
		o.kind = lc->kind;
		o.list_av = lc->api_version;
		goto typed;
	}
	if (!kind || kind->type != N_SCALAR) {
		perr(p, (kind ? kind : n)->line, (kind ? kind : n)->col,
		     "%s%skind: %s", where, sep,
		     kind ? "expected a string" : "missing");
		return;
	}
	if (is_list_kind(kind)) {
		process_items(p, n, where, *where ? 0 : p->streamed);
		return;
	}
	o.kind = kind->u.s;
	/* The list's apiVersion for an item that has none. */
	if (lc && !strcmp(o.kind, lc->kind))
		o.list_av = lc->api_version;
typed:
	if (!strcmp(o.kind, "Service")) {
		process_typed(&o, "v1");
		return;
	}
	if (!strcmp(o.kind, "EndpointSlice")) {
		process_typed(&o, "discovery.k8s.io/v1");
		return;
	}
	if (!strcmp(o.kind, "Endpoints") || !strcmp(o.kind, "Pod") ||
	    !strcmp(o.kind, "Node")) {
		process_typed(&o, "v1");
		return;
	}
	meta = get(n, "metadata");
	if (get(meta, "name") && get(meta, "name")->type == N_SCALAR)
		o.name = get(meta, "name")->u.s;
	if (get(meta, "namespace") && get(meta, "namespace")->type == N_SCALAR)
		o.ns = get(meta, "namespace")->u.s;
	/* No namespace: cluster-scoped, or the default one. */
	note(p->in, 0, "%s:%d:%d: %.*s %.*s%s%.*s: skipped: not a Service, EndpointSlice, Endpoints, Pod or Node",
	     p->file, n->line, n->col, SHOW, o.kind,
	     SHOW, get(meta, "namespace") ? o.ns : "",
	     get(meta, "namespace") ? "/" : "", SHOW, o.name);
}
