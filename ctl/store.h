/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ksvcctl sync knows of the cluster: the API server's Services and
 * EndpointSlices as it last saw them (JSON objects, by namespace/name),
 * which slices belong to which Service (label kubernetes.io/service-name),
 * and which Services changed since the last sync (dirty).  The objects go
 * through the same parser as files (parse.h): one meaning of a Service.
 */
#ifndef KS_STORE_H
#define KS_STORE_H

#include <stddef.h>
#include <json-c/json.h>

#include "model.h"
#include "parse.h"

enum ks_kind { KS_KIND_SERVICE, KS_KIND_SLICE };

struct ks_store {
	json_object *objs[2];	/* by kind: "ns/name" -> object */
	json_object *by_svc;	/* "ns/svc" -> { "ns/slice": null } */
	json_object *dirty;	/* "ns/svc" -> null: changed since last taken */
};

void ks_store_init(struct ks_store *s);
void ks_store_free(struct ks_store *s);

/*
 * An object the API server sent (added or modified; takes obj).  Its
 * Service is marked dirty when it differs from what was held (its
 * resourceVersion); a slice that changed Service marks both.  -1 when it
 * has no metadata.name (it is dropped).
 */
/*
 * What no Service is built from, dropped as objects come in (kube-proxy's
 * informers drop managedFields too): metadata.managedFields and kubectl's
 * last-applied-configuration annotation, most of an object's size.
 */
void ks_store_trim(json_object *obj);
int ks_store_put(struct ks_store *s, enum ks_kind kind, json_object *obj);
/* Deleted: its key "ns/name".  Marks its Service dirty. */
void ks_store_del(struct ks_store *s, enum ks_kind kind, const char *key);
/*
 * A list's items replace every object of kind (takes items); what was
 * added, changed or removed marks its Service dirty.
 */
void ks_store_replace(struct ks_store *s, enum ks_kind kind, json_object *items);

size_t ks_store_count(const struct ks_store *s, enum ks_kind kind);
/* The dirty Services' keys (an array, the caller's), and none dirty after. */
json_object *ks_store_take_dirty(struct ks_store *s);

/*
 * Service key (NULL: every Service) with its slices through the parser
 * into out (ks_state_init'ed); errors, skipped objects, as ks_input_build.
 * Returns its error count.
 */
int ks_store_build(const struct ks_store *s, const char *key,
		   const struct ks_parse_opts *o, struct ks_state *out,
		   struct ks_errors *errs);

/* "ns/name" of an object, into buf; NULL without a name. */
const char *ks_obj_key(json_object *obj, char *buf, size_t len);
/* A string at a path of keys (NULL-terminated), or NULL. */
const char *ks_json_str(json_object *o, ...);

#endif
