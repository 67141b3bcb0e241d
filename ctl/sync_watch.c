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
	if (c == 410)
		r->relist = 1;
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

/* A full list of r, page by page, into the store: 0 or -1. */
int sync_list(struct sync *sy, struct res *r)
{
	json_object *items = json_object_new_array();
	char path[1200], err[400], cont[1024] = "";
	const char *c, *rv = NULL;
	long status;
	char *body;

	for (;;) {
		json_object *page, *its;
		size_t i;

		snprintf(path, sizeof(path), "%s?%s&limit=500%s%s", r->path, r->query,
			 cont[0] ? "&continue=" : "", cont);
		if (ks_kube_get(sy->kube, path, 30, &body, &status, err, sizeof(err))) {
			slog("%s: list: %s", r->name, err);
			goto fail;
		}
		if (status != 200) {
			page = json_tokener_parse(body);
			slog("%s: list: HTTP %ld: %s", r->name, status,
			     ks_json_str(page, "message", NULL) ?: "");
			json_object_put(page);
			free(body);
			goto fail;
		}
		page = json_tokener_parse(body);
		free(body);
		if (!page || !json_object_object_get_ex(page, "items", &its)) {
			slog("%s: list: not a list", r->name);
			json_object_put(page);
			goto fail;
		}
		for (i = 0; i < json_object_array_length(its); i++)
			json_object_array_add(items, json_object_get(json_object_array_get_idx(its, i)));
		rv = ks_json_str(page, "metadata", "resourceVersion", NULL);
		if (rv)
			snprintf(r->rv, sizeof(r->rv), "%s", rv);
		c = ks_json_str(page, "metadata", "continue", NULL);
		snprintf(cont, sizeof(cont), "%s", c ? c : "");
		json_object_put(page);
		if (!cont[0])
			break;
	}
	if (r - sy->res == R_NODE) {
		if (json_object_array_length(items))
			sync_node_apply(sy, json_object_array_get_idx(items, 0));
		else
			slog("node %s: no such Node (yet)", sy->node_name);
		json_object_put(items);
	} else {
		ks_store_replace(&sy->store, res_kind((int)(r - sy->res)), items);
		slog("%s: listed %zu at resourceVersion %s", r->name,
		     ks_store_count(&sy->store, res_kind((int)(r - sy->res))), r->rv);
	}
	r->relist = 0;
	return 0;
fail:
	json_object_put(items);
	return -1;
}

void sync_watch(struct sync *sy, struct res *r)
{
	char path[1200];

	snprintf(path, sizeof(path),
		 "%s?%s&watch=1&allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d",
		 r->path, r->query, r->rv, 240 + rand() % 120);
	r->w = ks_watch_start(sy->kube, path, (long)sy->idle, on_line, r);
}

/* A watch ended: why, and when to try again. */
static void watch_ended(struct sync *sy, struct res *r)
{
	const char *msg;
	long status;

	ks_watch_done(r->w, &status, &msg);
	ks_watch_stop(r->w);
	r->w = NULL;
	if (status == 410)
		r->relist = 1;
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

void sync_run_res(struct sync *sy, struct res *r)
{
	if (r->w) {
		long st;
		const char *m;

		if (ks_watch_done(r->w, &st, &m))
			watch_ended(sy, r);
		return;
	}
	if (r->retry_at > now())
		return;
	if (r->relist) {
		if (sync_list(sy, r)) {
			r->retry_at = now() + r->backoff;
			r->backoff = r->backoff * 2 > 30 ? 30 : r->backoff * 2;
			return;
		}
		sy->relists++;
		/* What happened while away is only in a full comparison. */
		if (r - sy->res != R_NODE)
			sy->need_full = 1;
	}
	sync_watch(sy, r);
}
