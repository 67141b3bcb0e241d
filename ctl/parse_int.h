/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl's parser: Kubernetes Services and EndpointSlices into the plain
 * structs of model.h.  parse.h is its contract with the rest of ksvcctl;
 * this header holds its insides, shared by its files (parse_*.c): the
 * node tree, the records kept of each object, the parsing context, the
 * typed accessors.
 *
 * libyaml reads the text (YAML, and JSON, which is YAML flow syntax) and
 * hands us events; we build a small tree of nodes that remember their line
 * and column, walk it, and keep only compact records of the objects we
 * care about.  Two things keep memory proportional to what we keep rather
 * than to the input:
 *   - every document's tree lives in an arena that is reset at its end;
 *   - the items of a top-level List (kubectl get -o yaml prints one
 *     document holding every object) are processed as soon as each item
 *     is complete, and their nodes released at once, so managedFields and
 *     annotations of 100,000 objects are never held together.
 * Since "kind: List" comes after "items" in kubectl's output, items are
 * processed tentatively: every record carries the number of the document
 * that added it, and a document that turns out not to be a List drops its
 * records by that number (parse_reader.c, doc_end).
 *
 * ks_input_build() then joins Services and EndpointSlices through sorted
 * arrays (never a scan per service), and checks what needs every object
 * at once: duplicate Services, frontends and node ports claimed twice.
 *
 * The files, in the order data flows: parse_reader.c (text to trees),
 * parse_object.c (documents, Lists, kinds), parse_access.c (an object's
 * fields, checked), parse_service.c, parse_slice.c, parse_endpoints.c,
 * parse_pod.c (one kind each, into the records of parse_input.c),
 * parse_join.c (ks_input_build), parse_podslices.c (endpoints from Pods);
 * parse_arena.c and parse_errors.c under them all.
 */
#ifndef KS_PARSE_INT_H
#define KS_PARSE_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "parse.h"
#include "xalloc.h"

#define MAX_DEPTH	64	/* kubectl's output nests about 15 deep */
#define ARENA_CHUNK	(64 * 1024)
#define SHOW		64	/* at most this much of a value in a message */
#define LABEL_SVC_NAME	"kubernetes.io/service-name"
#define LABEL_PROXY	"service.kubernetes.io/service-proxy-name"


struct arena {
	struct arena_chunk *top;
};


struct arena_mark {
	struct arena_chunk *chunk;
	size_t used;
};



enum { N_SCALAR, N_SEQ, N_MAP };

struct node {
	uint8_t type;
	uint8_t plain;		/* scalar in plain style: maybe a number */
	int line, col;		/* 1-based */
	size_t n;		/* scalar: length; list: items; mapping: pairs */
	union {
		const char *s;		/* NUL-terminated (may hold NULs) */
		struct node **kids;	/* mapping: key, value, key, ... */
	} u;
};



struct in_pos {
	int line, col;
};


/* Where a frontend address came from, to name it in build's errors. */
enum { FE_SRC_CIP, FE_SRC_CIPS, FE_SRC_EIPS, FE_SRC_LB };

struct in_fe_src {
	struct in_pos pos;
	uint8_t src, idx;
};


/* A spec.ports[].targetPort: a number, a container port name, or absent. */
struct in_target {
	uint16_t num;		/* 0: the name, or (no name) the port itself */
	const char *name;	/* NULL: a number or absent */
};


/* A label or selector pair. */
struct in_kv {
	const char *k, *v;
};


struct in_svc {
	uint32_t doc;		/* the document that added it (ks_input.doc) */
	struct ks_service s;	/* ports and fes live in the input's arena */
	uint32_t file, seq;
	struct in_pos pos, name_pos;
	struct in_fe_src *fe_src;	/* one per frontend */
	struct in_pos *np_pos;		/* one per port: its nodePort */
	struct in_target *targets;	/* one per port */
	struct in_kv *sel;		/* spec.selector */
	size_t n_sel;
	uint8_t fams;			/* cluster IP families: 1 IPv4, 2 IPv6 */
	uint8_t publish_not_ready;	/* spec.publishNotReadyAddresses */
	uint8_t traffic_dist;		/* spec.trafficDistribution: TD_* */
	int dropped;
};


/* The hints the EndpointSlice controller writes for trafficDistribution. */
enum { TD_NONE, TD_ZONE, TD_NODE };

/* A Node: its zone, for the hints of endpoints derived from Pods. */
struct in_node {
	uint32_t doc;		/* the document that added it */
	const char *name;
	const char *zone;	/* topology.kubernetes.io/zone, or NULL */
};


struct in_sport {
	char name[KSVC_NAME_MAX + 1];
	uint8_t proto;
	uint16_t port;		/* 0: none given, the port is not usable */
};


/* An endpoint's hints.forZones[].name, then hints.forNodes[].name. */
struct in_hints {
	size_t n_zones, n_nodes;
	const char **names;
};

struct in_sep {
	struct ks_addr addr;
	uint32_t flags;
	const char *node;	/* nodeName or NULL */
	const struct in_hints *hints;	/* NULL: none */
};


/*
 * An EndpointSlice, or one subset of an Endpoints object (same shape:
 * ports times addresses).
 */
struct in_slice {
	uint32_t doc;		/* the document that added it */
	const char *ns, *svc, *name;
	struct in_sport *ports;
	size_t n_ports;
	struct in_sep *eps;
	size_t n_eps;
	uint32_t file, seq;
	struct in_pos pos;
};


struct in_cport {
	const char *name;	/* NULL: unnamed */
	uint8_t proto;
	uint16_t port;
};


/* A Pod with an IP: what the EndpointSlice controller looks at. */
struct in_pod {
	uint32_t doc;		/* the document that added it */
	const char *ns, *name, *node;
	struct in_kv *labels;
	size_t n_labels;
	struct ks_addr addrs[2];
	size_t n_addrs;
	struct in_cport *ports;	/* every container's ports */
	size_t n_ports;
	uint8_t ready, terminating;
};


/* An object skipped, for -v. */
struct in_note {
	uint32_t doc;		/* the document that added it */
	int foreign;		/* a Service of another proxy */
	char *text;
};


struct ks_input {
	struct arena rec;		/* records and their strings */
	char **files;
	size_t n_files, cap_files;
	struct in_svc **svcs;
	size_t n_svcs, cap_svcs;
	struct in_slice **slices;
	size_t n_slices, cap_slices;
	struct in_slice **eps;		/* Endpoints subsets */
	size_t n_eps, cap_eps;
	struct in_pod **pods;
	size_t n_pods, cap_pods;
	struct in_node **nodes;
	size_t n_nodes, cap_nodes;
	struct in_note *notes;
	size_t n_notes, cap_notes;
	uint32_t doc;			/* the document being read, from 1 */
	uint32_t seq;
	size_t n_errors;		/* errors of every add call */
	int defer_kernel_rules;		/* ks_input_defer_kernel_rules */
	int no_external_ips;		/* of the build's options, for claims */
};


/* A node being built: one per open mapping or sequence. */
struct frame {
	struct node *node;
	size_t base;		/* its children start at pend[base] */
	int items;		/* the root List's items: stream them */
	size_t n_items;
	struct arena_mark mark;	/* release each item back to here */
};

struct pctx {
	struct ks_input *in;
	struct ks_errors *errs;	/* the caller's */
	struct ks_errors held;	/* the document's errors, until it ends */
	const char *file;
	uint32_t file_idx;
	struct arena doc;	/* the current document's nodes */
	struct frame frames[MAX_DEPTH];
	int depth;
	struct node **pend;	/* children of the open collections */
	size_t n_pend, cap_pend;
	struct node *root;
	int bad;		/* the document is broken: ignore the rest */
	int stop;		/* ... or even stop reading the file */
	size_t streamed;	/* items of the root List processed already */
	const struct ks_jsonseq *js;	/* maps libyaml's marks to the input */
	/* The input, to quote a line in a syntax error. */
	const char *buf;	/* a buffer's text, or NULL: a file */
	size_t len;
	int is_stdin;
};



struct obj {
	struct pctx *p;
	const struct node *node;
	const char *kind;
	const char *ns, *name;	/* for messages: never NULL */
	int errors;
	const struct node *list_av;	/* a typed List's apiVersion */
};



/*
 * A typed List (ServiceList, EndpointSliceList, ... as the API server's
 * list responses and client libraries write them) carries kind and
 * apiVersion once, on the list: its items have neither.  NULL fields: a
 * plain List (kubectl's), whose items name themselves.
 */
struct list_ctx {
	char kind[64];			/* the items' kind, "" if unknown */
	const struct node *api_version;
};



/* A value for a message: at most SHOW characters of it. */
#define SHOWN(x) ((x)->n > SHOW ? SHOW : (int)(x)->n), (x)->u.s

const char *pathf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define PATH(buf, ...) pathf(buf, sizeof(buf), __VA_ARGS__)

void errors_move(struct ks_errors *to, struct ks_errors *from);
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
struct arena_mark arena_mark(const struct arena *a);
void arena_release(struct arena *a, struct arena_mark m);
void arena_free(struct arena *a);
int scalar_is(const struct node *n, const char *s);
int is_null(const struct node *n);
const struct node *get(const struct node *map, const char *key);
const struct node *item(const struct node *seq, size_t i);
void notes_drop(struct ks_input *in, uint32_t doc);
void perr(struct pctx *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void note(struct ks_input *in, int foreign, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void oerr(struct obj *o, const struct node *at, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * A rule the kernel enforces too (and is the authority on): an error as
 * oerr, 1; or, when the input defers them, nothing, 0.
 */
int krule(struct obj *o, const struct node *at, const char *path,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const struct node *want(struct obj *o, const struct node *n, int type,
			       const char *path);
const char *want_str(struct obj *o, const struct node *n,
			    const char *path, size_t max);
int want_int(struct obj *o, const struct node *n, const char *path,
		    long long *v);
uint16_t want_port(struct obj *o, const struct node *map,
			  const char *key, const char *path, int required);
int want_bool(struct obj *o, const struct node *n, const char *path,
		     int *v);
int parse_addr(const char *s, struct ks_addr *a);
int want_addr(struct obj *o, const struct node *n, const char *path,
		     struct ks_addr *a);
uint8_t want_proto(struct obj *o, const struct node *map,
			  const char *path);
int want_enum(struct obj *o, const struct node *map, const char *key,
		     const char *path, const char *const *words,
		     const char *what);
const struct node *label(const struct node *meta, const char *key);
int check_label(struct obj *o, const struct node *n, const char *path);
struct in_pos npos(const struct node *n);
struct in_kv *want_kv(struct obj *o, const struct node *map,
			     const char *path, size_t *n_out);
void parse_service(struct obj *o, const struct node *meta,
			  const struct node *name);
void parse_slice(struct obj *o, const struct node *meta);
void parse_endpoints(struct obj *o, const struct node *meta);
void parse_pod(struct obj *o, const struct node *meta);
void parse_node(struct obj *o, const struct node *meta);
void process_object(struct pctx *p, const struct node *n,
			   const char *where, const struct list_ctx *lc);
void list_ctx_of(struct list_ctx *lc, const struct node *kind,
			const struct node *av);
void process_object(struct pctx *p, const struct node *n,
			   const char *where, const struct list_ctx *lc);
void add_node(struct pctx *p, struct node *n);
int is_list_kind(const struct node *kind);
int svc_key_cmp(const void *a, const void *b);
void check_duplicates(struct ks_input *in, struct in_svc **svcs,
			     size_t n, struct ks_errors *errs);
void check_claims(struct ks_input *in, struct ks_errors *errs);
int slice_cmp2(const struct in_slice *s, const char *ns,
		      const char *name);
int slice_qsort_cmp(const void *a, const void *b);
void finish_endpoints(struct ks_service *out, struct ks_endpoint *v,
			     size_t n);
int is_local(const char *node, const char *node_name);
void join_endpoints(struct ks_service *out, struct in_slice **sl,
			   size_t n_sl, const struct ks_parse_opts *o);
/* Marks of the topology pass, above the uapi's flags, gone after it. */
#define EP_T_NODE_HINTS	(1U << 28)	/* hinted to some nodes */
#define EP_T_FOR_NODE	(1U << 29)	/* ... to this one among them */
#define EP_T_ZONE_HINTS	(1U << 30)	/* hinted to some zones */
#define EP_T_FOR_ZONE	(1U << 31)	/* ... to this node's among them */
#define EP_T_ALL	(EP_T_NODE_HINTS | EP_T_FOR_NODE | EP_T_ZONE_HINTS | \
			 EP_T_FOR_ZONE)
void topology(struct ks_service *s);
void join(struct ks_input *in, struct in_svc **svcs,
		 struct in_slice **sl, struct in_slice **eps,
		 const struct ks_parse_opts *o, struct ks_state *out);

#endif
