// SPDX-License-Identifier: GPL-2.0
/* What ksvcctl sync knows of the cluster (store.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "xalloc.h"

#define SVC_LABEL "kubernetes.io/service-name"

static const char *const kinds[2][2] = {
	[KS_KIND_SERVICE] = { "Service", "v1" },
	[KS_KIND_SLICE] = { "EndpointSlice", "discovery.k8s.io/v1" },
};

void ks_store_init(struct ks_store *s)
{
	s->objs[0] = json_object_new_object();
	s->objs[1] = json_object_new_object();
	s->by_svc = json_object_new_object();
	s->dirty = json_object_new_object();
	if (!s->objs[0] || !s->objs[1] || !s->by_svc || !s->dirty)
		xalloc_die();
}

void ks_store_free(struct ks_store *s)
{
	json_object_put(s->objs[0]);
	json_object_put(s->objs[1]);
	json_object_put(s->by_svc);
	json_object_put(s->dirty);
	memset(s, 0, sizeof(*s));
}

const char *ks_json_str(json_object *o, ...)
{
	const char *k;
	va_list ap;

	va_start(ap, o);
	while (o && (k = va_arg(ap, const char *)))
		if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	va_end(ap);
	return o && json_object_is_type(o, json_type_string) ?
	       json_object_get_string(o) : NULL;
}

const char *ks_obj_key(json_object *obj, char *buf, size_t len)
{
	const char *ns = ks_json_str(obj, "metadata", "namespace", NULL);
	const char *name = ks_json_str(obj, "metadata", "name", NULL);

	if (!name)
		return NULL;
	snprintf(buf, len, "%s/%s", ns ? ns : "", name);
	return buf;
}

/* The key of the Service a slice belongs to, or NULL. */
static const char *slice_svc(json_object *slice, char *buf, size_t len)
{
	const char *ns = ks_json_str(slice, "metadata", "namespace", NULL);
	const char *svc = ks_json_str(slice, "metadata", "labels", SVC_LABEL, NULL);

	if (!svc)
		return NULL;
	snprintf(buf, len, "%s/%s", ns ? ns : "", svc);
	return buf;
}

static void mark(struct ks_store *s, const char *svc)
{
	if (svc && !json_object_object_get_ex(s->dirty, svc, NULL))
		json_object_object_add(s->dirty, svc, NULL);
}

/* Forget slice key from its Service's set. */
static void unlink_slice(struct ks_store *s, const char *svc, const char *key)
{
	json_object *set;

	if (!svc || !json_object_object_get_ex(s->by_svc, svc, &set))
		return;
	json_object_object_del(set, key);
	if (!json_object_object_length(set))
		json_object_object_del(s->by_svc, svc);
}

void ks_store_trim(json_object *obj)
{
	json_object *md, *ann;

	if (!json_object_object_get_ex(obj, "metadata", &md) ||
	    !json_object_is_type(md, json_type_object))
		return;
	json_object_object_del(md, "managedFields");
	if (json_object_object_get_ex(md, "annotations", &ann) &&
	    json_object_is_type(ann, json_type_object))
		json_object_object_del(ann, "kubectl.kubernetes.io/last-applied-configuration");
}

int ks_store_put(struct ks_store *s, enum ks_kind kind, json_object *obj)
{
	char key[600], svc[600], osvc[600];
	const char *k, *sv = NULL, *osv = NULL, *rv, *orv;
	json_object *old, *set;

	k = ks_obj_key(obj, key, sizeof(key));
	if (!k) {
		json_object_put(obj);
		return -1;
	}
	ks_store_trim(obj);
	/* The items of a list carry neither; the parser wants both. */
	json_object_object_add(obj, "kind", json_object_new_string(kinds[kind][0]));
	json_object_object_add(obj, "apiVersion", json_object_new_string(kinds[kind][1]));
	if (json_object_object_get_ex(s->objs[kind], k, &old)) {
		rv = ks_json_str(obj, "metadata", "resourceVersion", NULL);
		orv = ks_json_str(old, "metadata", "resourceVersion", NULL);
		if (rv && orv && !strcmp(rv, orv)) {
			json_object_put(obj);
			return 0;
		}
		if (kind == KS_KIND_SLICE)
			osv = slice_svc(old, osvc, sizeof(osvc));
	}
	if (kind == KS_KIND_SERVICE) {
		mark(s, k);
	} else {
		sv = slice_svc(obj, svc, sizeof(svc));
		if (osv && (!sv || strcmp(osv, sv))) {
			unlink_slice(s, osv, k);
			mark(s, osv);
		}
		if (sv) {
			if (!json_object_object_get_ex(s->by_svc, sv, &set)) {
				set = json_object_new_object();
				json_object_object_add(s->by_svc, sv, set);
			}
			json_object_object_add(set, k, NULL);
			mark(s, sv);
		}
	}
	json_object_object_add(s->objs[kind], k, obj);
	return 0;
}

void ks_store_del(struct ks_store *s, enum ks_kind kind, const char *key)
{
	char svc[600];
	const char *sv;
	json_object *old;

	if (!json_object_object_get_ex(s->objs[kind], key, &old))
		return;
	if (kind == KS_KIND_SERVICE) {
		mark(s, key);
	} else {
		sv = slice_svc(old, svc, sizeof(svc));
		unlink_slice(s, sv, key);
		mark(s, sv);
	}
	json_object_object_del(s->objs[kind], key);
}

void ks_store_replace(struct ks_store *s, enum ks_kind kind, json_object *items)
{
	json_object *seen = json_object_new_object(), *gone;
	size_t i, n = json_object_array_length(items);
	char key[600];

	/* Put every item (what did not change marks nothing)... */
	for (i = 0; i < n; i++) {
		json_object *o = json_object_get(json_object_array_get_idx(items, i));

		if (ks_obj_key(o, key, sizeof(key)))
			json_object_object_add(seen, key, NULL);
		ks_store_put(s, kind, o);
	}
	/* ...then delete what the list no longer has. */
	gone = json_object_new_array();
	json_object_object_foreach(s->objs[kind], k, v) {
		(void)v;
		if (!json_object_object_get_ex(seen, k, NULL))
			json_object_array_add(gone, json_object_new_string(k));
	}
	for (i = 0; i < json_object_array_length(gone); i++)
		ks_store_del(s, kind, json_object_get_string(json_object_array_get_idx(gone, i)));
	json_object_put(gone);
	json_object_put(seen);
	json_object_put(items);
}

size_t ks_store_count(const struct ks_store *s, enum ks_kind kind)
{
	return (size_t)json_object_object_length(s->objs[kind]);
}

json_object *ks_store_take_dirty(struct ks_store *s)
{
	json_object *keys = json_object_new_array();

	json_object_object_foreach(s->dirty, k, v) {
		(void)v;
		json_object_array_add(keys, json_object_new_string(k));
	}
	json_object_put(s->dirty);
	s->dirty = json_object_new_object();
	return keys;
}

/* Service key's object and slices, or every object, into items. */
static void gather(const struct ks_store *s, const char *key, json_object *items)
{
	json_object *o, *set;

	if (!key) {
		json_object_object_foreach(s->objs[KS_KIND_SERVICE], k1, v1) {
			(void)k1;
			json_object_array_add(items, json_object_get(v1));
		}
		json_object_object_foreach(s->objs[KS_KIND_SLICE], k2, v2) {
			(void)k2;
			json_object_array_add(items, json_object_get(v2));
		}
		return;
	}
	if (json_object_object_get_ex(s->objs[KS_KIND_SERVICE], key, &o))
		json_object_array_add(items, json_object_get(o));
	if (!json_object_object_get_ex(s->by_svc, key, &set))
		return;
	json_object_object_foreach(set, k, v) {
		(void)v;
		if (json_object_object_get_ex(s->objs[KS_KIND_SLICE], k, &o))
			json_object_array_add(items, json_object_get(o));
	}
}

int ks_store_build(const struct ks_store *s, const char *key,
		   const struct ks_parse_opts *o, struct ks_state *out,
		   struct ks_errors *errs)
{
	json_object *list = json_object_new_object(), *items = json_object_new_array();
	struct ks_input *in;
	const char *text;
	size_t len;
	int n;

	json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(list, "kind", json_object_new_string("List"));
	json_object_object_add(list, "items", items);
	gather(s, key, items);
	text = json_object_to_json_string_length(list, JSON_C_TO_STRING_PLAIN, &len);
	in = ks_input_new();
	ks_input_add_buffer(in, "apiserver", text, len, errs);
	n = ks_input_build(in, o, out, errs);
	ks_input_free(in);
	json_object_put(list);
	return n;
}
