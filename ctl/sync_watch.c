// SPDX-License-Identifier: GPL-2.0
/* ksvcctl sync: lists and watches of the API server (sync.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"

/* ---- lists and watches ---- */

static enum ks_kind res_kind(int r)
{
	return r == R_SERVICES ? KS_KIND_SERVICE : KS_KIND_SLICE;
}

/*
 * The EndpointSlice controller's endpoints.kubernetes.io/last-change-
 * trigger-time: when the change that made this slice happened, for the
 * network programming latency.
 */
static void note_trigger(struct sync *sy, json_object *slice)
{
	const char *t = ks_json_str(slice, "metadata", "annotations",
				    "endpoints.kubernetes.io/last-change-trigger-time", NULL);
	const char *svc = ks_json_str(slice, "metadata", "labels",
				      "kubernetes.io/service-name", NULL);
	const char *ns = ks_json_str(slice, "metadata", "namespace", NULL);
	struct tm tm = { 0 };
	json_object *old;
	char key[600], *end;
	double v;

	if (!t || !svc || !ns)
		return;
	end = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return;
	v = (double)timegm(&tm);
	if (*end == '.')
		v += strtod(end, NULL);
	snprintf(key, sizeof(key), "%s/%s", ns, svc);
	if (json_object_object_get_ex(sy->triggers, key, &old) &&
	    json_object_get_double(old) <= v)
		return;
	json_object_object_add(sy->triggers, key, json_object_new_double(v));
}

/* A Status the API server sent on a watch: logged; 410 Gone relists. */
static void watch_status(struct res *r, const char *what, json_object *status)
{
	json_object *code = json_object_object_get(status, "code");
	int c = code ? json_object_get_int(code) : 0;

	slog("%s: %s %d: %s", r->name, what, c, ks_json_str(status, "message", NULL) ?: "");
	if (c == 410) {
		/* The server is there, and says what to do: list at once. */
		r->relist = 1;
		r->backoff = 1;
	}
}

static void on_line(void *arg, char *line, size_t len)
{
	struct res *r = arg;
	struct sync *sy = r->sy;
	json_object *ev = json_tokener_parse(line), *obj;
	const char *type, *rv;
	char key[600];

	(void)len;
	/* A refused watch request: its body is a Status, not events. */
	if (ev && (type = ks_json_str(ev, "kind", NULL)) && !strcmp(type, "Status")) {
		watch_status(r, "watch refused: HTTP", ev);
		json_object_put(ev);
		return;
	}
	if (!ev || !(type = ks_json_str(ev, "type", NULL)) ||
	    !json_object_object_get_ex(ev, "object", &obj)) {
		slog("%s: a watch event that is not one; ignored", r->name);
		json_object_put(ev);
		return;
	}
	if (!strcmp(type, "ERROR")) {
		watch_status(r, "watch error", obj);
		json_object_put(ev);
		return;
	}
	rv = ks_json_str(obj, "metadata", "resourceVersion", NULL);
	if (rv)
		snprintf(r->rv, sizeof(r->rv), "%s", rv);
	/* The watch works: the next failure starts the backoff afresh. */
	r->backoff = 1;
	if (!strcmp(type, "BOOKMARK")) {
		json_object_put(ev);
		return;
	}
	if (r - sy->res == R_NODE) {
		sync_node_event(sy, type, obj);
		json_object_put(ev);
		return;
	}
	if (r - sy->res == R_SVC_CIDRS) {
		sync_cidrs_event(sy, type, obj);
		json_object_put(ev);
		return;
	}
	if (r - sy->res == R_SERVICES)
		sy->svc_changes++;
	else
		sy->ep_changes++;
	note_trigger(sy, r - sy->res == R_SLICES ? obj : NULL);
	if (!strcmp(type, "DELETED")) {
		if (ks_obj_key(obj, key, sizeof(key)))
			ks_store_del(&sy->store, res_kind((int)(r - sy->res)), key);
	} else {
		ks_store_put(&sy->store, res_kind((int)(r - sy->res)), json_object_get(obj));
	}
	if (!sy->dirty_since && json_object_object_length(sy->store.dirty))
		sy->dirty_since = now();
	/* kube-proxy's QueuedUpdate: the health clock starts. */
	if (!sy->oldest_queued && sy->dirty_since)
		sy->oldest_queued = sy->dirty_since;
	sy->last_queued_wall = wall();
	json_object_put(ev);
}

/* Ask for the next page of r's list (the first when r->cont is empty). */
static void list_request(struct sync *sy, struct res *r)
{
	char path[sizeof(r->query) + sizeof(r->cont) + 200];

	snprintf(path, sizeof(path), "%s?%s&limit=500%s%s", r->path, r->query,
		 r->cont[0] ? "&continue=" : "", r->cont);
	r->w = ks_req_get(sy->kube, path, 30);
}

/* r's list is whole: into the store, and watch from its resourceVersion. */
static void list_done(struct sync *sy, struct res *r)
{
	json_object *items = r->items;

	r->items = NULL;
	if (r - sy->res == R_NODE) {
		if (json_object_array_length(items))
			sync_node_apply(sy, json_object_array_get_idx(items, 0));
		else
			slog("node %s: no such Node (yet)", sy->node_name);
		json_object_put(items);
	} else if (r - sy->res == R_SVC_CIDRS) {
		/* None served: the Service CIDRs stay as configured. */
		if (!r->absent)
			sync_cidrs_list(sy, items);
		json_object_put(items);
	} else {
		ks_store_replace(&sy->store, res_kind((int)(r - sy->res)), items);
		slog("%s: listed %zu at resourceVersion %s", r->name,
		     ks_store_count(&sy->store, res_kind((int)(r - sy->res))), r->rv);
	}
	r->relist = 0;
	r->backoff = 1;
	if (r->lists++) {
		sy->relists++;
		/* What happened while away is only in a full comparison. */
		if (r - sy->res == R_SERVICES || r - sy->res == R_SLICES)
			sy->need_full = 1;
	}
	if (!r->absent)
		sync_watch(sy, r);
}

/* A page of r's list has come (or not): keep it, ask for the next. */
static void list_page(struct sync *sy, struct res *r)
{
	json_object *page = NULL, *its;
	const char *msg, *c, *rv;
	char *body;
	long status;
	size_t i;

	ks_req_done(r->w, &status, &msg);
	body = ks_req_body(r->w);
	ks_req_stop(r->w);
	r->w = NULL;
	if ((status == 404 || status == 403) && r - sy->res == R_SVC_CIDRS) {
		/*
		 * A cluster without ServiceCIDRs (before 1.33), or a role
		 * without them: the Service CIDRs stay as configured.
		 */
		slog("%s: %s (HTTP %ld); not watched", r->name,
		     status == 404 ? "the API server has none" : "not allowed", status);
		free(body);
		r->absent = 1;
		list_done(sy, r);
		return;
	}
	if (msg || status != 200) {
		page = status ? json_tokener_parse(body) : NULL;
		slog("%s: list: %s%s%ld%s%s; again in %.0f s", r->name, msg ? msg : "",
		     msg ? ", HTTP " : "HTTP ", status, page ? ": " : "",
		     page ? ks_json_str(page, "message", NULL) ?: "" : "", r->backoff);
		goto fail;
	}
	page = json_tokener_parse(body);
	if (!page || !json_object_object_get_ex(page, "items", &its) ||
	    !json_object_is_type(its, json_type_array)) {
		slog("%s: list: not a list; again in %.0f s", r->name, r->backoff);
		goto fail;
	}
	for (i = 0; i < json_object_array_length(its); i++) {
		json_object *o = json_object_array_get_idx(its, i);

		/* Trimmed now: a whole list is held until its last page. */
		ks_store_trim(o);
		json_object_array_add(r->items, json_object_get(o));
	}
	rv = ks_json_str(page, "metadata", "resourceVersion", NULL);
	if (rv)
		snprintf(r->rv, sizeof(r->rv), "%s", rv);
	c = ks_json_str(page, "metadata", "continue", NULL);
	snprintf(r->cont, sizeof(r->cont), "%s", c ? c : "");
	json_object_put(page);
	free(body);
	if (r->cont[0])
		list_request(sy, r);
	else
		list_done(sy, r);
	return;
fail:
	/* From the first page again (a continue token expires too). */
	json_object_put(page);
	free(body);
	json_object_put(r->items);
	r->items = NULL;
	r->retry_at = now() + r->backoff;
	r->backoff = r->backoff * 2 > 30 ? 30 : r->backoff * 2;
}

void sync_watch(struct sync *sy, struct res *r)
{
	char path[1200];

	snprintf(path, sizeof(path),
		 "%s?%s&watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d",
		 r->path, r->query, r->rv, 240 + rand() % 120);
	r->w = ks_req_watch(sy->kube, path, (long)sy->idle, on_line, r);
}

/* A watch ended: why, and when to try again. */
static void watch_ended(struct sync *sy, struct res *r)
{
	const char *msg;
	long status;

	ks_req_done(r->w, &status, &msg);
	ks_req_stop(r->w);
	r->w = NULL;
	if (status == 410) {
		/* As for a 410 event: list at once. */
		r->relist = 1;
		r->backoff = 1;
	}
	if (status == 200 && !msg && !r->relist) {
		/* The server's timeoutSeconds: watch on at once. */
		r->retry_at = 0;
		r->backoff = 1;
		return;
	}
	sy->watch_restarts++;
	slog("%s: watch ended (%s%s%ld); %s in %.0f s", r->name, msg ? msg : "",
	     msg ? ", HTTP " : "HTTP ", status, r->relist ? "relist" : "retry", r->backoff);
	r->retry_at = now() + r->backoff;
	r->backoff = r->backoff * 2 > 30 ? 30 : r->backoff * 2;
}

/*
 * Drive r: a request that ended is dealt with; else, when its time has
 * come, a list (at start, after 410 Gone) or a watch.  Nothing blocks.
 */
void sync_run_res(struct sync *sy, struct res *r)
{
	if (r->w) {
		long st;
		const char *m;

		if (!ks_req_done(r->w, &st, &m))
			return;
		if (r->items)
			list_page(sy, r);
		else
			watch_ended(sy, r);
		return;
	}
	if (r->retry_at > now() || r->absent)
		return;
	if (r->relist) {
		r->items = json_object_new_array();
		r->cont[0] = 0;
		list_request(sy, r);
		return;
	}
	sync_watch(sy, r);
}

int sync_listed(const struct sync *sy)
{
	int r;

	for (r = 0; r < R_N; r++)
		if (!sy->res[r].lists)
			return 0;
	return 1;
}
