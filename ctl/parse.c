// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl's parser: Kubernetes Services and EndpointSlices into the plain
 * structs of model.h.
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
 * processed tentatively and their records dropped again if the document
 * turns out not to be a List.
 *
 * ks_input_build() then joins Services and EndpointSlices through sorted
 * arrays (never a scan per service), and checks what needs every object
 * at once: duplicate Services, frontends and node ports claimed twice.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <yaml.h>

#include "jsonseq.h"
#include "parse.h"

#define MAX_DEPTH	64	/* kubectl's output nests about 15 deep */
#define ARENA_CHUNK	(64 * 1024)
#define SHOW		64	/* at most this much of a value in a message */

#define LABEL_SVC_NAME	"kubernetes.io/service-name"
#define LABEL_PROXY	"service.kubernetes.io/service-proxy-name"

/*
 * Out of memory is fatal, as in most command-line tools: every caller
 * would only print a message and exit anyway, and the error paths would
 * outnumber the parsing code.
 */
static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void *xrealloc(void *old, size_t size)
{
	void *p = realloc(old, size ? size : 1);

	if (!p) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* Grow *v (of elem-sized items) to hold at least need items. */
static void grow(void *v, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*(void **)v = xrealloc(*(void **)v, c * elem);
	*cap = c;
}

/* ---- errors ---------------------------------------------------------- */

void ks_errors_init(struct ks_errors *e)
{
	memset(e, 0, sizeof(*e));
}

void ks_errors_free(struct ks_errors *e)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		free(e->msgs[i]);
	free(e->msgs);
	ks_errors_init(e);
}

void ks_errors_add(struct ks_errors *e, const char *fmt, ...)
{
	char buf[1024], *c;
	va_list ap;

	e->n++;
	if (e->n_msgs >= KS_ERRORS_KEEP)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Values come from the input: keep every error on one line. */
	for (c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	grow(&e->msgs, &e->cap, e->n_msgs + 1, sizeof(*e->msgs));
	e->msgs[e->n_msgs++] = xstrdup(buf);
}

/* Forget the errors after the first n (of a document that was dropped). */
static void errors_truncate(struct ks_errors *e, size_t n)
{
	while (e->n_msgs > n)
		free(e->msgs[--e->n_msgs]);
	if (e->n > n)
		e->n = n;
}

void ks_errors_print(const struct ks_errors *e, FILE *f)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		fprintf(f, "%s\n", e->msgs[i]);
	if (e->n > e->n_msgs)
		fprintf(f, "... and %zu more errors\n", e->n - e->n_msgs);
}

/* ---- arena ----------------------------------------------------------- */

struct arena_chunk {
	struct arena_chunk *prev;
	size_t size, used;
	char data[];
};

struct arena {
	struct arena_chunk *top;
};

struct arena_mark {
	struct arena_chunk *chunk;
	size_t used;
};

static void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->top;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (!c || c->size - c->used < size) {
		size_t cs = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + cs);
		c->prev = a->top;
		c->size = cs;
		c->used = 0;
		a->top = c;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

static void *arena_zalloc(struct arena *a, size_t size)
{
	return memset(arena_alloc(a, size), 0, size);
}

static char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

static struct arena_mark arena_mark(const struct arena *a)
{
	struct arena_mark m = { a->top, a->top ? a->top->used : 0 };

	return m;
}

/* Free everything allocated after m. */
static void arena_release(struct arena *a, struct arena_mark m)
{
	while (a->top != m.chunk) {
		struct arena_chunk *c = a->top;

		a->top = c->prev;
		free(c);
	}
	if (a->top)
		a->top->used = m.used;
}

static void arena_free(struct arena *a)
{
	struct arena_mark none = { NULL, 0 };

	arena_release(a, none);
}

/* ---- the node tree --------------------------------------------------- */

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

static int scalar_is(const struct node *n, const char *s)
{
	size_t len = strlen(s);

	return n->type == N_SCALAR && n->n == len && !memcmp(n->u.s, s, len);
}

/* null, ~ and an empty plain scalar mean "absent", as in JSON. */
static int is_null(const struct node *n)
{
	return n->type == N_SCALAR && n->plain &&
	       (!n->n || scalar_is(n, "null") || scalar_is(n, "Null") ||
		scalar_is(n, "NULL") || scalar_is(n, "~"));
}

/* The value of key in a mapping; NULL when absent or null. */
static const struct node *get(const struct node *map, const char *key)
{
	size_t i;

	if (!map || map->type != N_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		const struct node *v = map->u.kids[2 * i + 1];

		if (scalar_is(map->u.kids[2 * i], key))
			return is_null(v) ? NULL : v;
	}
	return NULL;
}

static const struct node *item(const struct node *seq, size_t i)
{
	return seq->u.kids[i];
}

/* ---- the input and its records ---------------------------------------- */

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
	int dropped;
};

struct in_sport {
	char name[KSVC_NAME_MAX + 1];
	uint8_t proto;
	uint16_t port;		/* 0: none given, the port is not usable */
};

struct in_sep {
	struct ks_addr addr;
	uint32_t flags;
	const char *node;	/* nodeName or NULL */
};

/*
 * An EndpointSlice, or one subset of an Endpoints object (same shape:
 * ports times addresses).
 */
struct in_slice {
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
	const char *ns, *name, *node;
	struct in_kv *labels;
	size_t n_labels;
	struct ks_addr addrs[2];
	size_t n_addrs;
	struct in_cport *ports;	/* every container's ports */
	size_t n_ports;
	uint8_t ready, terminating;
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
	char **notes;			/* objects skipped, for -v */
	size_t n_notes, cap_notes;
	size_t n_foreign;		/* Services of another proxy, skipped */
	uint32_t seq;
	size_t n_errors;		/* errors of every add call */
};

struct ks_input *ks_input_new(void)
{
	struct ks_input *in = xmalloc(sizeof(*in));

	memset(in, 0, sizeof(*in));
	return in;
}

static void notes_truncate(struct ks_input *in, size_t n)
{
	while (in->n_notes > n)
		free(in->notes[--in->n_notes]);
}

void ks_input_free(struct ks_input *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->n_files; i++)
		free(in->files[i]);
	free(in->files);
	free(in->svcs);
	free(in->slices);
	free(in->eps);
	free(in->pods);
	notes_truncate(in, 0);
	free(in->notes);
	arena_free(&in->rec);
	free(in);
}

/* ---- per-file parsing state ------------------------------------------ */

struct frame {
	struct node *node;
	size_t base;		/* its children start at pend[base] */
	int items;		/* the root List's items: stream them */
	size_t n_items;
	struct arena_mark mark;	/* release each item back to here */
};

struct pctx {
	struct ks_input *in;
	struct ks_errors *errs;
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
	/* What the document had added when it began, to undo it. */
	size_t errs0, svcs0, slices0, eps0, pods0, notes0, foreign0;
	size_t streamed;	/* items of the root List processed already */
	const struct ks_jsonseq *js;	/* maps libyaml's marks to the input */
	/* The input, to quote a line in a syntax error. */
	const char *buf;	/* a buffer's text, or NULL: a file */
	size_t len;
	int is_stdin;
};

static void perr(struct pctx *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void perr(struct pctx *p, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ks_errors_add(p->errs, "%s:%d:%d: %s", p->file, line, col, msg);
}

static void note(struct ks_input *in, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct ks_input *in, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	grow(&in->notes, &in->cap_notes, in->n_notes + 1, sizeof(*in->notes));
	in->notes[in->n_notes++] = xstrdup(buf);
}

/* ---- one object: context, typed accessors ----------------------------- */

struct obj {
	struct pctx *p;
	const struct node *node;
	const char *kind;
	const char *ns, *name;	/* for messages: never NULL */
	int errors;
	const struct node *list_av;	/* a typed List's apiVersion */
};

static void oerr(struct obj *o, const struct node *at, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* FILE:LINE:COL: KIND NS/NAME: PATH: message; at NULL: the object. */
static void oerr(struct obj *o, const struct node *at, const char *path,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!at)
		at = o->node;
	ks_errors_add(o->p->errs, "%s:%d:%d: %s %.*s/%.*s: %s: %s",
		      o->p->file, at->line, at->col, o->kind,
		      KSVC_NODE_NAME_MAX, o->ns, KSVC_NODE_NAME_MAX, o->name,
		      path, msg);
	o->errors++;
}

/* A value for a message: at most SHOW characters of it. */
#define SHOWN(x) ((x)->n > SHOW ? SHOW : (int)(x)->n), (x)->u.s

static const char *pathf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

#define PATH(buf, ...) pathf(buf, sizeof(buf), __VA_ARGS__)

static const char *const type_names[] = {
	[N_SCALAR] = "string", [N_SEQ] = "list", [N_MAP] = "mapping",
};

/* n itself if it has the type, else NULL after an error. */
static const struct node *want(struct obj *o, const struct node *n, int type,
			       const char *path)
{
	if (!n)
		return NULL;
	if (n->type != type) {
		oerr(o, n, path, "expected a %s, got a %s%s",
		     type_names[type], is_null(n) ? "null" : type_names[n->type],
		     is_null(n) ? " value" : "");
		return NULL;
	}
	return n;
}

/* A string value, at most max bytes; NULL when wrong (reported). */
static const char *want_str(struct obj *o, const struct node *n,
			    const char *path, size_t max)
{
	if (!want(o, n, N_SCALAR, path))
		return NULL;
	if (strlen(n->u.s) != n->n) {
		oerr(o, n, path, "contains a NUL character");
		return NULL;
	}
	if (n->n > max) {
		oerr(o, n, path, "longer than %zu characters", max);
		return NULL;
	}
	return n->u.s;
}

/*
 * Plain decimal integers only.  YAML 1.1 would read 0x50 or 010 otherwise
 * than a reader expects; a quoted "80" is a string to the API server.
 * Huge values saturate instead of overflowing: callers range-check.
 */
static int want_int(struct obj *o, const struct node *n, const char *path,
		    long long *v)
{
	size_t i = 0;
	long long x = 0;

	if (n->type != N_SCALAR || !n->plain) {
		oerr(o, n, path, "expected a number");
		return -1;
	}
	if (n->n && n->u.s[0] == '-')
		i = 1;
	if (i == n->n || (n->u.s[i] == '0' && n->n - i > 1))
		goto bad;
	for (; i < n->n; i++) {
		char c = n->u.s[i];

		if (c < '0' || c > '9')
			goto bad;
		if (x < 1000000000000000LL)
			x = x * 10 + (c - '0');
	}
	*v = n->u.s[0] == '-' ? -x : x;
	return 0;
bad:
	oerr(o, n, path, "%.*s is not an integer", SHOWN(n));
	return -1;
}

/* A port number; 0 when absent (and not required) or wrong (reported). */
static uint16_t want_port(struct obj *o, const struct node *map,
			  const char *key, const char *path, int required)
{
	const struct node *n = get(map, key);
	long long v;

	if (!n) {
		if (required)
			oerr(o, NULL, path, "missing");
		return 0;
	}
	if (want_int(o, n, path, &v))
		return 0;
	if (v < 1 || v > 65535) {
		oerr(o, n, path, "%.*s is not a port number (1-65535)",
		     SHOWN(n));
		return 0;
	}
	return v;
}

static int want_bool(struct obj *o, const struct node *n, const char *path,
		     int *v)
{
	if (n->type == N_SCALAR && n->plain) {
		if (scalar_is(n, "true") || scalar_is(n, "True") ||
		    scalar_is(n, "TRUE")) {
			*v = 1;
			return 0;
		}
		if (scalar_is(n, "false") || scalar_is(n, "False") ||
		    scalar_is(n, "FALSE")) {
			*v = 0;
			return 0;
		}
	}
	oerr(o, n, path, "expected true or false");
	return -1;
}

static int parse_addr(const char *s, struct ks_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(a->family, s, a->a) == 1 ? 0 : -1;
}

/*
 * What the kernel refuses as a Service's or a pod's address (and the API
 * server's validation before it): NULL for a routable unicast address.
 */
static const char *addr_special(const struct ks_addr *a)
{
	static const uint8_t zero[16], loop6[16] = { [15] = 1 };
	const uint8_t *b = a->a;

	if (a->family == AF_INET) {
		if (!memcmp(b, zero, 4) || b[0] >= 224)
			return "not a unicast address";
		if (b[0] == 127)
			return "a loopback address";
		if (b[0] == 169 && b[1] == 254)
			return "a link-local address";
		return NULL;
	}
	if (!memcmp(b, zero, 16) || b[0] == 0xff)
		return "not a unicast address";
	if (!memcmp(b, loop6, 16))
		return "a loopback address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address";
	return NULL;
}

static int want_addr(struct obj *o, const struct node *n, const char *path,
		     struct ks_addr *a)
{
	const char *s = want_str(o, n, path, 64);
	const char *why;

	if (!s)
		return -1;
	if (parse_addr(s, a)) {
		oerr(o, n, path, "%.*s is not an IP address", SHOWN(n));
		return -1;
	}
	why = addr_special(a);
	if (why) {
		oerr(o, n, path, "%.*s is %s", SHOWN(n), why);
		return -1;
	}
	return 0;
}

static uint8_t want_proto(struct obj *o, const struct node *map,
			  const char *path)
{
	const struct node *n = get(map, "protocol");
	const char *s;

	if (!n)
		return IPPROTO_TCP;
	s = want_str(o, n, path, SHOW);
	if (!s)
		return 0;
	if (!strcmp(s, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(s, "UDP"))
		return IPPROTO_UDP;
	if (!strcmp(s, "SCTP"))
		return IPPROTO_SCTP;
	oerr(o, n, path, "%s is not a protocol (TCP, UDP, SCTP)", s);
	return 0;
}

/*
 * One of a few words; returns its index, -1 when absent, -2 when wrong
 * (reported with what, e.g. "Cluster or Local").
 */
static int want_enum(struct obj *o, const struct node *map, const char *key,
		     const char *path, const char *const *words,
		     const char *what)
{
	const struct node *n = get(map, key);
	const char *s;
	int i;

	if (!n)
		return -1;
	s = want_str(o, n, path, SHOW);
	if (!s)
		return -2;
	for (i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return i;
	oerr(o, n, path, "%s is not %s", s, what);
	return -2;
}

/*
 * The label's value node, or NULL.  A label with an empty value exists
 * all the same (kube-proxy tests existence), hence no null filtering.
 */
static const struct node *label(const struct node *meta, const char *key)
{
	const struct node *labels = get(meta, "labels");
	size_t i;

	if (!labels || labels->type != N_MAP)
		return NULL;
	for (i = 0; i < labels->n; i++)
		if (scalar_is(labels->u.kids[2 * i], key))
			return labels->u.kids[2 * i + 1];
	return NULL;
}

/* Kubernetes object names here are DNS labels: [a-z0-9-], 1..63. */
static int check_label(struct obj *o, const struct node *n, const char *path)
{
	size_t i;

	if (!want_str(o, n, path, KSVC_NAME_MAX))
		return -1;
	if (!n->n) {
		oerr(o, n, path, "must not be empty");
		return -1;
	}
	for (i = 0; i < n->n; i++) {
		char c = n->u.s[i];

		if ((c < 'a' || c > 'z') && (c < '0' || c > '9') &&
		    (c != '-' || !i || i == n->n - 1)) {
			oerr(o, n, path,
			     "%.*s is not a DNS label (a-z, 0-9 and '-' inside)",
			     SHOWN(n));
			return -1;
		}
	}
	return 0;
}

static struct in_pos npos(const struct node *n)
{
	struct in_pos pos = { n->line, n->col };

	return pos;
}

/* ---- Service ---------------------------------------------------------- */

/* A Service while it is read: fixed arrays, copied out when valid. */
struct svc_tmp {
	struct in_svc *sv;
	struct ks_port ports[KSVC_MAX_PORTS];
	struct in_pos np_pos[KSVC_MAX_PORTS];
	struct in_target targets[KSVC_MAX_PORTS];
	struct ks_frontend fes[KSVC_MAX_FRONTENDS];
	struct in_fe_src fe_src[KSVC_MAX_FRONTENDS];
	size_t n_ports, n_fes;
	const struct node *cip_nodes[2];	/* the cluster IPs' nodes */
	size_t n_cips;
};

/*
 * The same address listed twice (say an externalIP that is also the
 * load-balancer IP) is one frontend: the kernel keys frontends by address.
 * The first kind (cluster IPs come first) is the one whose rules apply,
 * as in kube-proxy, whose rules for the cluster IP come before those for
 * external and load-balancer IPs; the others are kept in "also", to show
 * what the Service says.
 */
static void add_fe(struct obj *o, struct svc_tmp *t, uint8_t kind,
		   const struct ks_addr *a, const struct node *n,
		   const char *path, uint8_t src, size_t idx)
{
	size_t i;

	for (i = 0; i < t->n_fes; i++)
		if (!ks_addr_cmp(&t->fes[i].addr, a)) {
			if (t->fes[i].kind != kind)
				t->fes[i].also |= 1u << kind;
			return;
		}
	if (t->n_fes == KSVC_MAX_FRONTENDS) {
		oerr(o, n, path,
		     "more than %d frontends (cluster, external and load-balancer IPs)",
		     KSVC_MAX_FRONTENDS);
		return;
	}
	t->fes[t->n_fes].kind = kind;
	t->fes[t->n_fes].addr = *a;
	t->fe_src[t->n_fes].pos = npos(n);
	t->fe_src[t->n_fes].src = src;
	t->fe_src[t->n_fes].idx = idx > 255 ? 255 : idx;
	t->n_fes++;
}

/* "None" in clusterIP(s): headless.  Returns 1 headless, 0 or -1. */
static int svc_cluster_ip(struct obj *o, struct svc_tmp *t,
			  const struct node *n, const char *path,
			  uint8_t src, size_t idx)
{
	struct ks_addr a;

	if (!want_str(o, n, path, SHOW))
		return -1;
	if (scalar_is(n, "None"))
		return 1;
	if (want_addr(o, n, path, &a))
		return -1;
	if (t->n_cips < 2)
		t->cip_nodes[t->n_cips] = n;
	t->sv->fams |= a.family == AF_INET ? 1 : 2;
	t->n_cips++;
	add_fe(o, t, KSVC_FE_CLUSTER_IP, &a, n, path, src, idx);
	return 0;
}

/*
 * spec.clusterIPs (dual-stack, kubectl prints both) wins over
 * spec.clusterIP, which must then be its first entry.  Returns 1 when
 * headless, 0 with cluster IPs, -1 on errors or when there are none.
 */
static int svc_cluster_ips(struct obj *o, const struct node *spec,
			   struct svc_tmp *t)
{
	const struct node *cip = get(spec, "clusterIP");
	const struct node *cips = get(spec, "clusterIPs");
	int headless = 0, r;
	char path[64];
	size_t i;

	if (cip && !want_str(o, cip, "spec.clusterIP", SHOW))
		return -1;
	if (cips && want(o, cips, N_SEQ, "spec.clusterIPs") && cips->n) {
		if (cip && cip->n && !scalar_is(item(cips, 0), cip->u.s)) {
			oerr(o, cip, "spec.clusterIP",
			     "%.*s is not spec.clusterIPs[0]", SHOWN(cip));
			return -1;
		}
		for (i = 0; i < cips->n; i++) {
			r = svc_cluster_ip(o, t, item(cips, i),
					   PATH(path, "spec.clusterIPs[%zu]", i),
					   FE_SRC_CIPS, i);
			if (r < 0)
				return -1;
			headless |= r;
		}
		return headless;
	}
	if (cips && cips->type != N_SEQ)
		return -1;
	if (!cip || !cip->n) {
		oerr(o, NULL, "spec.clusterIP",
		     "missing (a manifest no API server has seen has no cluster IP; use kubectl get -o yaml output or set it)");
		return -1;
	}
	return svc_cluster_ip(o, t, cip, "spec.clusterIP", FE_SRC_CIP, 0);
}

/* spec.ipFamilies[i] must be the family of the i-th cluster IP. */
static void svc_ip_families(struct obj *o, const struct node *spec,
			    struct svc_tmp *t)
{
	static const char *const fams[] = { "IPv4", "IPv6", NULL };
	const struct node *l = get(spec, "ipFamilies");
	char path[64], cpath[64];
	size_t i;
	int f;

	if (!want(o, l, N_SEQ, "spec.ipFamilies"))
		return;
	for (i = 0; i < l->n; i++) {
		const struct node *n = item(l, i), *c;
		const char *s;
		struct ks_addr a;

		PATH(path, "spec.ipFamilies[%zu]", i);
		s = want_str(o, n, path, SHOW);
		if (!s)
			continue;
		for (f = 0; fams[f] && strcmp(s, fams[f]); f++)
			;
		if (!fams[f]) {
			oerr(o, n, path, "%s is not IPv4 or IPv6", s);
			continue;
		}
		if (i >= t->n_cips || i >= 2)
			continue;
		c = t->cip_nodes[i];
		parse_addr(c->u.s, &a);
		if ((a.family == AF_INET6) == f)
			continue;
		if (get(spec, "clusterIPs"))
			PATH(cpath, "spec.clusterIPs[%zu]", i);
		else
			PATH(cpath, "spec.clusterIP");
		oerr(o, c, cpath, "%s is not an %s address (%s is %s)",
		     c->u.s, fams[f], path, fams[f]);
	}
}

static int svc_port(struct obj *o, struct svc_tmp *t, const struct node *n,
		    size_t i)
{
	struct ks_port *p = &t->ports[i];
	const struct node *v;
	char path[64];
	long long tp;
	size_t j;

	PATH(path, "spec.ports[%zu]", i);
	if (!want(o, n, N_MAP, path))
		return -1;
	v = get(n, "name");
	if (v && want_str(o, v, PATH(path, "spec.ports[%zu].name", i),
			  KSVC_NAME_MAX))
		memcpy(p->name, v->u.s, v->n + 1);
	p->proto = want_proto(o, n, PATH(path, "spec.ports[%zu].protocol", i));
	p->port = want_port(o, n, "port", PATH(path, "spec.ports[%zu].port", i),
			    1);
	p->node_port = want_port(o, n, "nodePort",
				 PATH(path, "spec.ports[%zu].nodePort", i), 0);
	v = get(n, "nodePort");
	if (v)
		t->np_pos[i] = npos(v);
	/*
	 * targetPort: a number, or the name of a container port.  Slices
	 * carry the resolved number, so it is only checked here.
	 */
	v = get(n, "targetPort");
	PATH(path, "spec.ports[%zu].targetPort", i);
	if (v && v->type == N_SCALAR && v->plain && v->n &&
	    (v->u.s[0] == '-' || (v->u.s[0] >= '0' && v->u.s[0] <= '9'))) {
		if (!want_int(o, v, path, &tp) && (tp < 1 || tp > 65535))
			oerr(o, v, path, "%.*s is not a port number (1-65535)",
			     SHOWN(v));
		else if (tp >= 1 && tp <= 65535)
			t->targets[i].num = tp;
	} else if (v && want_str(o, v, path, KSVC_NAME_MAX) && v->n) {
		/* A container port name, resolved per Pod. */
		t->targets[i].name = arena_strndup(&o->p->in->rec, v->u.s, v->n);
	}
	/* Endpoints are matched by name, the kernel keys by port/protocol. */
	for (j = 0; j < i; j++) {
		if (!strcmp(t->ports[j].name, p->name)) {
			oerr(o, get(n, "name") ? get(n, "name") : n,
			     PATH(path, "spec.ports[%zu].name", i),
			     "\"%s\" is also the name of spec.ports[%zu]",
			     p->name, j);
			break;
		}
		if (p->port && t->ports[j].port == p->port &&
		    t->ports[j].proto == p->proto) {
			oerr(o, get(n, "port"),
			     PATH(path, "spec.ports[%zu].port", i),
			     "%u/%s is also spec.ports[%zu]", p->port,
			     ks_proto_name(p->proto), j);
			break;
		}
		if (p->node_port && t->ports[j].node_port == p->node_port &&
		    t->ports[j].proto == p->proto) {
			oerr(o, get(n, "nodePort"),
			     PATH(path, "spec.ports[%zu].nodePort", i),
			     "%u/%s is also the node port of spec.ports[%zu]",
			     p->node_port, ks_proto_name(p->proto), j);
			break;
		}
	}
	return 0;
}

static void svc_ports(struct obj *o, const struct node *spec,
		      struct svc_tmp *t)
{
	const struct node *l = want(o, get(spec, "ports"), N_SEQ, "spec.ports");
	size_t i;

	if (!l)
		return;
	if (l->n > KSVC_MAX_PORTS) {
		oerr(o, l, "spec.ports", "%zu ports, at most %d are supported",
		     l->n, KSVC_MAX_PORTS);
		return;
	}
	for (i = 0; i < l->n; i++)
		svc_port(o, t, item(l, i), i);
	t->n_ports = l->n;
}

static void svc_external_ips(struct obj *o, const struct node *spec,
			     struct svc_tmp *t)
{
	const struct node *l = want(o, get(spec, "externalIPs"), N_SEQ,
				    "spec.externalIPs");
	struct ks_addr a;
	char path[64];
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		PATH(path, "spec.externalIPs[%zu]", i);
		if (!want_addr(o, item(l, i), path, &a))
			add_fe(o, t, KSVC_FE_EXTERNAL_IP, &a, item(l, i), path,
			       FE_SRC_EIPS, i);
	}
}

/*
 * status.loadBalancer.ingress[].ip.  ipMode Proxy means the load balancer
 * does not preserve the destination: traffic arrives for the node, so the
 * IP must not be captured here (KEP-1860).  Hostname-only entries are
 * for DNS.
 */
static void svc_lb_ingress(struct obj *o, const struct node *root,
			   struct svc_tmp *t)
{
	static const char *const modes[] = { "VIP", "Proxy", NULL };
	const struct node *lb = get(get(root, "status"), "loadBalancer");
	const struct node *l = want(o, get(lb, "ingress"), N_SEQ,
				    "status.loadBalancer.ingress");
	char path[64];
	size_t i;

	for (i = 0; l && i < l->n; i++) {
		const struct node *e = item(l, i), *ip;
		struct ks_addr a;

		if (!want(o, e, N_MAP, PATH(path,
				"status.loadBalancer.ingress[%zu]", i)))
			continue;
		if (want_enum(o, e, "ipMode",
			      PATH(path, "status.loadBalancer.ingress[%zu].ipMode", i),
			      modes, "VIP or Proxy") == 1)
			continue;
		ip = get(e, "ip");
		PATH(path, "status.loadBalancer.ingress[%zu].ip", i);
		if (ip && !want_addr(o, ip, path, &a))
			add_fe(o, t, KSVC_FE_LOAD_BALANCER, &a, ip, path,
			       FE_SRC_LB, i);
	}
}

static void svc_flags(struct obj *o, const struct node *spec,
		      struct ks_service *s)
{
	static const char *const policies[] = { "Cluster", "Local", NULL };
	static const char *const affinity[] = { "None", "ClientIP", NULL };

	if (want_enum(o, spec, "externalTrafficPolicy",
		      "spec.externalTrafficPolicy", policies,
		      "Cluster or Local") == 1)
		s->flags |= KSVC_SVC_F_EXT_LOCAL;
	if (want_enum(o, spec, "internalTrafficPolicy",
		      "spec.internalTrafficPolicy", policies,
		      "Cluster or Local") == 1)
		s->flags |= KSVC_SVC_F_INT_LOCAL;
	if (want_enum(o, spec, "sessionAffinity", "spec.sessionAffinity",
		      affinity, "None or ClientIP") == 1)
		s->flags |= KSVC_SVC_F_AFFINITY;
}

/*
 * What ksvc adds to kube-proxy's feature list, and the settings of some
 * features: sessionAffinityConfig's timeout, loadBalancerSourceRanges
 * (LoadBalancer only), and the endpoint-choice algorithm, chosen per
 * Service with the annotation ksvc.io/algorithm (random, round-robin).
 */
static void svc_extras(struct obj *o, const struct node *spec,
		       struct ks_service *s)
{
	static const char *const algos[] = { "random", "round-robin", NULL };
	static const char *const tpath =
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds";
	const struct node *meta = get(o->node, "metadata");
	const struct node *n, *l;
	char path[64];
	long long v;
	size_t i;

	if (s->flags & KSVC_SVC_F_AFFINITY) {
		s->affinity_timeout = KSVC_DEFAULT_AFFINITY_TIMEOUT;
		n = get(get(get(spec, "sessionAffinityConfig"), "clientIP"),
			"timeoutSeconds");
		if (n && !want_int(o, n, tpath, &v)) {
			if (v < 1 || v > KSVC_MAX_AFFINITY_TIMEOUT)
				oerr(o, n, tpath, "%lld is not between 1 and %d seconds",
				     v, KSVC_MAX_AFFINITY_TIMEOUT);
			else
				s->affinity_timeout = (uint32_t)v;
		}
	}
	if (want_enum(o, get(meta, "annotations"), "ksvc.io/algorithm",
		      "metadata.annotations[ksvc.io/algorithm]", algos,
		      "random or round-robin") == 1)
		s->algo = KSVC_ALGO_ROUND_ROBIN;
	l = get(spec, "loadBalancerSourceRanges");
	if (!l || s->type != KSVC_SVC_LOAD_BALANCER ||
	    !want(o, l, N_SEQ, "spec.loadBalancerSourceRanges") || !l->n)
		return;
	if (l->n > KSVC_MAX_SOURCE_RANGES) {
		oerr(o, l, "spec.loadBalancerSourceRanges",
		     "more than %d ranges", KSVC_MAX_SOURCE_RANGES);
		return;
	}
	s->ranges = arena_zalloc(&o->p->in->rec, l->n * sizeof(*s->ranges));
	for (i = 0; i < l->n; i++) {
		const char *str;
		char buf[65];
		size_t len;

		PATH(path, "spec.loadBalancerSourceRanges[%zu]", i);
		str = want_str(o, item(l, i), path, 64);
		if (!str)
			continue;
		/* Blanks around a range are trimmed, as kube-proxy does. */
		while (isspace((unsigned char)*str))
			str++;
		len = strlen(str);
		while (len && isspace((unsigned char)str[len - 1]))
			len--;
		snprintf(buf, sizeof(buf), "%.*s", (int)len, str);
		if (ks_cidr_parse(buf, &s->ranges[s->n_ranges]))
			oerr(o, item(l, i), path, "'%s' is not an address prefix (CIDR)", buf);
		else
			s->n_ranges++;
	}
}

/*
 * String to string pairs (labels, selectors) into the records; NULL pairs
 * on errors (reported).  path is the map's, e.g. "spec.selector".
 */
static struct in_kv *want_kv(struct obj *o, const struct node *map,
			     const char *path, size_t *n_out)
{
	struct ks_input *in = o->p->in;
	struct in_kv *v;
	char kpath[400];
	size_t i, n = 0;

	*n_out = 0;
	if (!want(o, map, N_MAP, path) || !map->n)
		return NULL;
	v = arena_alloc(&in->rec, map->n * sizeof(*v));
	for (i = 0; i < map->n; i++) {
		const struct node *k = map->u.kids[2 * i];
		const struct node *val = map->u.kids[2 * i + 1];

		if (!want_str(o, k, path, KSVC_NODE_NAME_MAX))
			continue;
		snprintf(kpath, sizeof(kpath), "%s[%s]", path, k->u.s);
		/* null: the empty value */
		if (is_null(val)) {
			v[n].k = arena_strndup(&in->rec, k->u.s, k->n);
			v[n++].v = "";
			continue;
		}
		if (!want_str(o, val, kpath, KSVC_NAME_MAX))
			continue;
		v[n].k = arena_strndup(&in->rec, k->u.s, k->n);
		v[n++].v = arena_strndup(&in->rec, val->u.s, val->n);
	}
	*n_out = n;
	return v;
}

/*
 * spec.selector (equality only, as the EndpointSlice controller) and
 * spec.publishNotReadyAddresses: used only when endpoints come from Pods.
 */
static void svc_selector(struct obj *o, const struct node *spec,
			 struct in_svc *sv)
{
	const struct node *n = get(spec, "publishNotReadyAddresses");
	int b = 0;

	sv->sel = want_kv(o, get(spec, "selector"), "spec.selector",
			  &sv->n_sel);
	if (n && !want_bool(o, n, "spec.publishNotReadyAddresses", &b))
		sv->publish_not_ready = b;
}

/* Copy a valid Service into the input's records. */
static void svc_keep(struct obj *o, struct svc_tmp *t)
{
	struct ks_input *in = o->p->in;
	struct in_svc *sv = t->sv;
	size_t i;

	if (sv->s.type == KSVC_SVC_HEADLESS ||
	    sv->s.type == KSVC_SVC_EXTERNAL_NAME)
		t->n_fes = 0;
	/* Only these types open node ports; ignore stray nodePort fields. */
	if (sv->s.type != KSVC_SVC_NODE_PORT &&
	    sv->s.type != KSVC_SVC_LOAD_BALANCER)
		for (i = 0; i < t->n_ports; i++)
			t->ports[i].node_port = 0;
	sv->s.n_ports = t->n_ports;
	sv->s.ports = arena_alloc(&in->rec, t->n_ports * sizeof(*t->ports));
	memcpy(sv->s.ports, t->ports, t->n_ports * sizeof(*t->ports));
	sv->np_pos = arena_alloc(&in->rec, t->n_ports * sizeof(*t->np_pos));
	memcpy(sv->np_pos, t->np_pos, t->n_ports * sizeof(*t->np_pos));
	sv->s.n_fes = t->n_fes;
	sv->s.fes = arena_alloc(&in->rec, t->n_fes * sizeof(*t->fes));
	memcpy(sv->s.fes, t->fes, t->n_fes * sizeof(*t->fes));
	sv->fe_src = arena_alloc(&in->rec, t->n_fes * sizeof(*t->fe_src));
	memcpy(sv->fe_src, t->fe_src, t->n_fes * sizeof(*t->fe_src));
	sv->targets = arena_alloc(&in->rec, t->n_ports * sizeof(*t->targets));
	memcpy(sv->targets, t->targets, t->n_ports * sizeof(*t->targets));
	sv->seq = in->seq++;
	grow(&in->svcs, &in->cap_svcs, in->n_svcs + 1, sizeof(*in->svcs));
	in->svcs[in->n_svcs++] = sv;
}

static const char *const svc_types[] = {
	"ClusterIP", "NodePort", "LoadBalancer", "ExternalName", NULL
};
static const uint8_t svc_type_map[] = {
	KSVC_SVC_CLUSTER_IP, KSVC_SVC_NODE_PORT, KSVC_SVC_LOAD_BALANCER,
	KSVC_SVC_EXTERNAL_NAME,
};

/*
 * A DNS-1123 subdomain, as the API server checks spec.externalName (after
 * taking off one trailing dot, IsDNS1123Subdomain): labels of a-z, 0-9
 * and '-' inside, none empty, joined by '.', 253 characters in all (no
 * limit per label there).
 */
static int dns_subdomain(const char *s, size_t n)
{
	size_t i, label = 0;

	if (!n || n > KSVC_NODE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (c == '-') {
			if (!label)
				return 0;
		} else if ((c < 'a' || c > 'z') && (c < '0' || c > '9')) {
			return 0;
		}
		label++;
	}
	return label && s[n - 1] != '-';
}

static void svc_external_name(struct obj *o, const struct node *spec,
			      struct ks_service *s)
{
	const struct node *n = get(spec, "externalName");

	if (!n || (n->type == N_SCALAR && !n->n)) {
		oerr(o, NULL, "spec.externalName", "missing");
		return;
	}
	if (!want_str(o, n, "spec.externalName", KSVC_NODE_NAME_MAX))
		return;
	if (!dns_subdomain(n->u.s, n->n - (n->n > 1 && n->u.s[n->n - 1] == '.'))) {
		oerr(o, n, "spec.externalName",
		     "%.*s is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)",
		     SHOWN(n));
		return;
	}
	memcpy(s->external_name, n->u.s, n->n + 1);
}

static void parse_service(struct obj *o, const struct node *meta,
			  const struct node *name)
{
	const struct node *spec;
	struct svc_tmp *t;
	struct in_svc *sv;
	int type, headless = 0;

	if (label(meta, LABEL_PROXY)) {
		note(o->p->in, "%s:%d:%d: Service %s/%s: skipped: label %s is set",
		     o->p->file, o->node->line, o->node->col, o->ns, o->name,
		     LABEL_PROXY);
		o->p->in->n_foreign++;
		return;
	}
	/* Large: keep it off the stack. */
	t = xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	sv = t->sv = arena_zalloc(&o->p->in->rec, sizeof(*sv));
	sv->file = o->p->file_idx;
	sv->pos = npos(o->node);
	sv->name_pos = npos(name);
	snprintf(sv->s.ns, sizeof(sv->s.ns), "%s", o->ns);
	snprintf(sv->s.name, sizeof(sv->s.name), "%s", o->name);

	spec = get(o->node, "spec");
	/* Nothing below means anything without a spec mapping. */
	if (spec && !want(o, spec, N_MAP, "spec"))
		goto out;
	type = want_enum(o, spec, "type", "spec.type", svc_types,
			 "a Service type (ClusterIP, NodePort, LoadBalancer, ExternalName)");
	sv->s.type = svc_type_map[type < 0 ? 0 : type];
	if (sv->s.type == KSVC_SVC_EXTERNAL_NAME) {
		svc_external_name(o, spec, &sv->s);
	} else {
		headless = svc_cluster_ips(o, spec, t);
		if (headless == 1)
			sv->s.type = KSVC_SVC_HEADLESS;
		svc_ip_families(o, spec, t);
		svc_external_ips(o, spec, t);
		if (sv->s.type == KSVC_SVC_LOAD_BALANCER)
			svc_lb_ingress(o, o->node, t);
	}
	svc_ports(o, spec, t);
	svc_flags(o, spec, &sv->s);
	svc_extras(o, spec, &sv->s);
	svc_selector(o, spec, sv);
	if (!o->errors)
		svc_keep(o, t);
out:
	free(t);
}

/* ---- EndpointSlice ---------------------------------------------------- */

static void slice_port(struct obj *o, const struct node *n, size_t i,
		       struct in_sport *sp)
{
	const struct node *v;
	char path[64];

	if (!want(o, n, N_MAP, PATH(path, "ports[%zu]", i)))
		return;
	v = get(n, "name");
	if (v && want_str(o, v, PATH(path, "ports[%zu].name", i),
			  KSVC_NAME_MAX))
		memcpy(sp->name, v->u.s, v->n + 1);
	sp->proto = want_proto(o, n, PATH(path, "ports[%zu].protocol", i));
	/* No port: "not restricted", nothing a proxy can use. */
	sp->port = want_port(o, n, "port", PATH(path, "ports[%zu].port", i), 0);
}

/* The first address is the endpoint's (the API lets clients use only it). */
static void slice_endpoint(struct obj *o, const struct node *n, size_t i,
			   int family, struct in_sep *ep)
{
	struct ks_input *in = o->p->in;
	const struct node *l, *c, *v;
	char path[96];
	int ready = 1, serving, terminating = 0;
	size_t j;

	if (!want(o, n, N_MAP, PATH(path, "endpoints[%zu]", i)))
		return;
	l = get(n, "addresses");
	PATH(path, "endpoints[%zu].addresses", i);
	if (!l || (l->type == N_SEQ && !l->n)) {
		oerr(o, l ? l : n, path, "missing");
		return;
	}
	if (!want(o, l, N_SEQ, path))
		return;
	for (j = 0; j < l->n; j++) {
		struct ks_addr a;

		PATH(path, "endpoints[%zu].addresses[%zu]", i, j);
		if (want_addr(o, item(l, j), path, &a))
			continue;
		if (a.family != family)
			oerr(o, item(l, j), path,
			     "%s is not an %s address (addressType)",
			     item(l, j)->u.s,
			     family == AF_INET ? "IPv4" : "IPv6");
		else if (!j)
			ep->addr = a;
	}
	/* Absent conditions: ready and serving, not terminating (the API). */
	c = want(o, get(n, "conditions"), N_MAP,
		 PATH(path, "endpoints[%zu].conditions", i));
	v = get(c, "ready");
	if (v)
		want_bool(o, v, PATH(path, "endpoints[%zu].conditions.ready", i),
			  &ready);
	serving = ready;
	v = get(c, "serving");
	if (v)
		want_bool(o, v,
			  PATH(path, "endpoints[%zu].conditions.serving", i),
			  &serving);
	v = get(c, "terminating");
	if (v)
		want_bool(o, v,
			  PATH(path, "endpoints[%zu].conditions.terminating", i),
			  &terminating);
	ep->flags = (ready ? KSVC_EP_F_READY : 0) |
		    (serving ? KSVC_EP_F_SERVING : 0) |
		    (terminating ? KSVC_EP_F_TERMINATING : 0);
	v = get(n, "nodeName");
	if (v && want_str(o, v, PATH(path, "endpoints[%zu].nodeName", i),
			  KSVC_NODE_NAME_MAX))
		ep->node = arena_strndup(&in->rec, v->u.s, v->n);
}

/* addressType: AF_INET, AF_INET6, 0 for FQDN, -1 when wrong. */
static int slice_family(struct obj *o)
{
	static const char *const types[] = { "IPv4", "IPv6", "FQDN", NULL };
	static const int fams[] = { AF_INET, AF_INET6, 0 };
	int t = want_enum(o, o->node, "addressType", "addressType", types,
			  "IPv4, IPv6 or FQDN");

	if (t == -1)
		oerr(o, NULL, "addressType", "missing");
	return t < 0 ? -1 : fams[t];
}

static void slice_skip(struct obj *o, const char *why)
{
	note(o->p->in, "%s:%d:%d: EndpointSlice %s/%s: skipped: %s",
	     o->p->file, o->node->line, o->node->col, o->ns, o->name, why);
}

static void parse_slice(struct obj *o, const struct node *meta)
{
	struct ks_input *in = o->p->in;
	const struct node *svc, *ports, *eps;
	struct in_slice *sl;
	int family;
	size_t i;

	if (label(meta, LABEL_PROXY)) {
		slice_skip(o, "label " LABEL_PROXY " is set");
		return;
	}
	svc = label(meta, LABEL_SVC_NAME);
	if (!svc || is_null(svc)) {
		slice_skip(o, "no label " LABEL_SVC_NAME);
		return;
	}
	if (check_label(o, svc, "metadata.labels[" LABEL_SVC_NAME "]"))
		return;
	family = slice_family(o);
	if (!family) {
		slice_skip(o, "addressType FQDN");
		return;
	}
	sl = arena_zalloc(&in->rec, sizeof(*sl));
	sl->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
	sl->name = arena_strndup(&in->rec, o->name, strlen(o->name));
	sl->svc = arena_strndup(&in->rec, svc->u.s, svc->n);
	sl->file = o->p->file_idx;
	sl->pos = npos(o->node);

	ports = want(o, get(o->node, "ports"), N_SEQ, "ports");
	if (ports) {
		sl->n_ports = ports->n;
		sl->ports = arena_zalloc(&in->rec,
					 ports->n * sizeof(*sl->ports));
		for (i = 0; i < ports->n; i++)
			slice_port(o, item(ports, i), i, &sl->ports[i]);
	}
	eps = want(o, get(o->node, "endpoints"), N_SEQ, "endpoints");
	if (eps && family > 0) {
		sl->n_eps = eps->n;
		sl->eps = arena_zalloc(&in->rec, eps->n * sizeof(*sl->eps));
		for (i = 0; i < eps->n; i++)
			slice_endpoint(o, item(eps, i), i, family, &sl->eps[i]);
	}
	if (o->errors)
		return;
	sl->seq = in->seq++;
	grow(&in->slices, &in->cap_slices, in->n_slices + 1,
	     sizeof(*in->slices));
	in->slices[in->n_slices++] = sl;
}

/* ---- Endpoints (v1) --------------------------------------------------- */

/*
 * subsets[i].addresses[j] or .notReadyAddresses[j]: {ip, nodeName, ...}.
 * The EndpointSlice mirroring controller's reading: ready addresses are
 * ready and serving, not-ready ones neither; nothing is terminating.
 */
static void endpoints_addrs(struct obj *o, const struct node *sub, size_t i,
			    const char *key, uint32_t flags,
			    struct in_slice *sl)
{
	struct ks_input *in = o->p->in;
	const struct node *l, *e, *v;
	char path[128];
	size_t j;

	l = want(o, get(sub, key), N_SEQ,
		 PATH(path, "subsets[%zu].%s", i, key));
	for (j = 0; l && j < l->n; j++) {
		struct in_sep *ep = &sl->eps[sl->n_eps];

		e = item(l, j);
		if (!want(o, e, N_MAP, PATH(path, "subsets[%zu].%s[%zu]", i,
					    key, j)))
			continue;
		v = get(e, "ip");
		PATH(path, "subsets[%zu].%s[%zu].ip", i, key, j);
		if (!v) {
			oerr(o, e, path, "missing");
			continue;
		}
		if (want_addr(o, v, path, &ep->addr))
			continue;
		ep->flags = flags;
		v = get(e, "nodeName");
		if (v && want_str(o, v, PATH(path, "subsets[%zu].%s[%zu].nodeName",
					     i, key, j), KSVC_NODE_NAME_MAX))
			ep->node = arena_strndup(&in->rec, v->u.s, v->n);
		sl->n_eps++;
	}
}

static void parse_endpoints(struct obj *o, const struct node *meta)
{
	struct ks_input *in = o->p->in;
	const struct node *subs, *sub, *ports, *a, *na;
	struct in_slice *sl;
	char path[64];
	size_t i, j, n0 = in->n_eps;

	if (label(meta, LABEL_PROXY)) {
		note(in, "%s:%d:%d: Endpoints %s/%s: skipped: label %s is set",
		     o->p->file, o->node->line, o->node->col, o->ns, o->name,
		     LABEL_PROXY);
		return;
	}
	subs = want(o, get(o->node, "subsets"), N_SEQ, "subsets");
	for (i = 0; subs && i < subs->n; i++) {
		sub = item(subs, i);
		if (!want(o, sub, N_MAP, PATH(path, "subsets[%zu]", i)))
			continue;
		sl = arena_zalloc(&in->rec, sizeof(*sl));
		sl->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
		sl->name = sl->svc = arena_strndup(&in->rec, o->name,
						   strlen(o->name));
		sl->file = o->p->file_idx;
		sl->pos = npos(o->node);
		ports = want(o, get(sub, "ports"), N_SEQ,
			     PATH(path, "subsets[%zu].ports", i));
		if (ports) {
			sl->n_ports = ports->n;
			sl->ports = arena_zalloc(&in->rec,
						 ports->n * sizeof(*sl->ports));
			for (j = 0; j < ports->n; j++) {
				const struct node *n = item(ports, j), *v;
				struct in_sport *sp = &sl->ports[j];

				if (!want(o, n, N_MAP, PATH(path,
						"subsets[%zu].ports[%zu]", i, j)))
					continue;
				v = get(n, "name");
				if (v && want_str(o, v, PATH(path,
						"subsets[%zu].ports[%zu].name", i, j),
						  KSVC_NAME_MAX))
					memcpy(sp->name, v->u.s, v->n + 1);
				sp->proto = want_proto(o, n, PATH(path,
						"subsets[%zu].ports[%zu].protocol", i, j));
				sp->port = want_port(o, n, "port", PATH(path,
						"subsets[%zu].ports[%zu].port", i, j), 1);
			}
		}
		a = get(sub, "addresses");
		na = get(sub, "notReadyAddresses");
		j = (a && a->type == N_SEQ ? a->n : 0) +
		    (na && na->type == N_SEQ ? na->n : 0);
		sl->eps = arena_zalloc(&in->rec, j * sizeof(*sl->eps));
		endpoints_addrs(o, sub, i, "addresses",
				KSVC_EP_F_READY | KSVC_EP_F_SERVING, sl);
		endpoints_addrs(o, sub, i, "notReadyAddresses", 0, sl);
		grow(&in->eps, &in->cap_eps, in->n_eps + 1, sizeof(*in->eps));
		in->eps[in->n_eps++] = sl;
	}
	if (o->errors) {
		in->n_eps = n0;
		return;
	}
	for (i = n0; i < in->n_eps; i++)
		in->eps[i]->seq = in->seq++;
}

/* ---- Pod (v1) ---------------------------------------------------------- */

static void pod_skip(struct obj *o, const char *why)
{
	note(o->p->in, "%s:%d:%d: Pod %s/%s: skipped: %s", o->p->file,
	     o->node->line, o->node->col, o->ns, o->name, why);
}

/* status.podIPs[].ip, or else status.podIP. */
static void pod_ips(struct obj *o, const struct node *status,
		    struct in_pod *pod)
{
	const struct node *l = get(status, "podIPs"), *ip;
	char path[64];
	size_t i;

	if (l && want(o, l, N_SEQ, "status.podIPs") && l->n) {
		for (i = 0; i < l->n; i++) {
			const struct node *e = item(l, i);

			if (!want(o, e, N_MAP, PATH(path, "status.podIPs[%zu]", i)))
				continue;
			ip = get(e, "ip");
			PATH(path, "status.podIPs[%zu].ip", i);
			if (!ip) {
				oerr(o, e, path, "missing");
				continue;
			}
			if (pod->n_addrs == 2) {
				oerr(o, ip, path, "more than 2 pod IPs");
				continue;
			}
			if (!want_addr(o, ip, path, &pod->addrs[pod->n_addrs]))
				pod->n_addrs++;
		}
		return;
	}
	ip = get(status, "podIP");
	if (ip && !(ip->type == N_SCALAR && !ip->n) &&
	    !want_addr(o, ip, "status.podIP", &pod->addrs[0]))
		pod->n_addrs = 1;
}

/* The Ready condition: status.conditions[type=Ready].status == "True". */
static int pod_ready(struct obj *o, const struct node *status)
{
	const struct node *l = want(o, get(status, "conditions"), N_SEQ,
				    "status.conditions");
	char path[64];
	size_t i;
	int ready = 0;

	for (i = 0; l && i < l->n; i++) {
		const struct node *c = item(l, i), *t, *st;

		if (!want(o, c, N_MAP, PATH(path, "status.conditions[%zu]", i)))
			continue;
		t = get(c, "type");
		if (!t || !want_str(o, t, PATH(path, "status.conditions[%zu].type",
						 i), SHOW) ||
		    !scalar_is(t, "Ready"))
			continue;
		st = get(c, "status");
		PATH(path, "status.conditions[%zu].status", i);
		if (!st) {
			oerr(o, c, path, "missing");
			continue;
		}
		if (!want_str(o, st, path, SHOW))
			continue;
		if (scalar_is(st, "True"))
			ready = 1;
		else if (!scalar_is(st, "False") && !scalar_is(st, "Unknown"))
			oerr(o, st, path, "%s is not True, False or Unknown",
			     st->u.s);
	}
	return ready;
}

/* spec.containers[].ports[]: the names a targetPort may refer to. */
static void pod_ports(struct obj *o, const struct node *spec,
		      struct in_pod *pod)
{
	struct ks_input *in = o->p->in;
	const struct node *cs = want(o, get(spec, "containers"), N_SEQ,
				     "spec.containers");
	char path[96];
	size_t i, j, n = 0;

	for (i = 0; cs && i < cs->n; i++) {
		const struct node *l = get(item(cs, i), "ports");

		if (item(cs, i)->type == N_MAP && l && l->type == N_SEQ)
			n += l->n;
	}
	pod->ports = arena_zalloc(&in->rec, n * sizeof(*pod->ports));
	for (i = 0; cs && i < cs->n; i++) {
		const struct node *c = item(cs, i), *l;

		if (!want(o, c, N_MAP, PATH(path, "spec.containers[%zu]", i)))
			continue;
		l = want(o, get(c, "ports"), N_SEQ,
			 PATH(path, "spec.containers[%zu].ports", i));
		for (j = 0; l && j < l->n; j++) {
			const struct node *e = item(l, j), *v;
			struct in_cport *cp = &pod->ports[pod->n_ports];

			if (!want(o, e, N_MAP, PATH(path,
					"spec.containers[%zu].ports[%zu]", i, j)))
				continue;
			v = get(e, "name");
			if (v && want_str(o, v, PATH(path,
					"spec.containers[%zu].ports[%zu].name", i, j),
					  KSVC_NAME_MAX))
				cp->name = arena_strndup(&in->rec, v->u.s, v->n);
			cp->proto = want_proto(o, e, PATH(path,
					"spec.containers[%zu].ports[%zu].protocol", i, j));
			cp->port = want_port(o, e, "containerPort", PATH(path,
					"spec.containers[%zu].ports[%zu].containerPort",
					i, j), 1);
			pod->n_ports++;
		}
	}
}

static void parse_pod(struct obj *o, const struct node *meta)
{
	static const char *const phases[] = {
		"Pending", "Running", "Succeeded", "Failed", "Unknown", NULL
	};
	struct ks_input *in = o->p->in;
	const struct node *spec, *status, *v;
	struct in_pod *pod;
	int phase;

	pod = arena_zalloc(&in->rec, sizeof(*pod));
	pod->ns = arena_strndup(&in->rec, o->ns, strlen(o->ns));
	pod->name = arena_strndup(&in->rec, o->name, strlen(o->name));
	pod->labels = want_kv(o, get(meta, "labels"), "metadata.labels",
			      &pod->n_labels);
	v = get(meta, "deletionTimestamp");
	if (v && want_str(o, v, "metadata.deletionTimestamp", SHOW))
		pod->terminating = 1;
	spec = want(o, get(o->node, "spec"), N_MAP, "spec");
	status = want(o, get(o->node, "status"), N_MAP, "status");
	v = get(spec, "nodeName");
	if (v && want_str(o, v, "spec.nodeName", KSVC_NODE_NAME_MAX))
		pod->node = arena_strndup(&in->rec, v->u.s, v->n);
	pod_ports(o, spec, pod);
	pod_ips(o, status, pod);
	pod->ready = pod_ready(o, status);
	phase = want_enum(o, status, "phase", "status.phase", phases,
			  "a Pod phase (Pending, Running, Succeeded, Failed, Unknown)");
	if (o->errors)
		return;
	/* The EndpointSlice controller leaves these out. */
	if (phase == 2 || phase == 3) {
		pod_skip(o, phase == 2 ? "phase Succeeded" : "phase Failed");
		return;
	}
	if (!pod->n_addrs) {
		pod_skip(o, "no IP");
		return;
	}
	grow(&in->pods, &in->cap_pods, in->n_pods + 1, sizeof(*in->pods));
	in->pods[in->n_pods++] = pod;
}

/* ---- objects and Lists ------------------------------------------------ */

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

static void process_object(struct pctx *p, const struct node *n,
			   const char *where, const struct list_ctx *lc);

static int is_list_kind(const struct node *kind)
{
	return kind && kind->type == N_SCALAR && kind->n >= 4 &&
	       !strcmp(kind->u.s + kind->n - 4, "List");
}

/* What a List of this kind and apiVersion implies for its items. */
static void list_ctx_of(struct list_ctx *lc, const struct node *kind,
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
	if (!strcmp(o->kind, "EndpointSlice") || !strcmp(o->kind, "Pod")) {
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
	else
		parse_slice(o, meta);
}

static void process_object(struct pctx *p, const struct node *n,
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
	if (!strcmp(o.kind, "Endpoints") || !strcmp(o.kind, "Pod")) {
		process_typed(&o, "v1");
		return;
	}
	meta = get(n, "metadata");
	if (get(meta, "name") && get(meta, "name")->type == N_SCALAR)
		o.name = get(meta, "name")->u.s;
	if (get(meta, "namespace") && get(meta, "namespace")->type == N_SCALAR)
		o.ns = get(meta, "namespace")->u.s;
	/* No namespace: cluster-scoped (a Node), or the default one. */
	note(p->in, "%s:%d:%d: %.*s %.*s%s%.*s: skipped: not a Service, EndpointSlice, Endpoints or Pod",
	     p->file, n->line, n->col, SHOW, o.kind,
	     SHOW, get(meta, "namespace") ? o.ns : "",
	     get(meta, "namespace") ? "/" : "", SHOW, o.name);
}

/* ---- from libyaml events to trees ------------------------------------- */

static void doc_begin(struct pctx *p)
{
	p->root = NULL;
	p->bad = 0;
	p->depth = 0;
	p->n_pend = 0;
	p->errs0 = p->errs->n;
	p->svcs0 = p->in->n_svcs;
	p->slices0 = p->in->n_slices;
	p->eps0 = p->in->n_eps;
	p->pods0 = p->in->n_pods;
	p->notes0 = p->in->n_notes;
	p->foreign0 = p->in->n_foreign;
	p->streamed = 0;
}

/* Undo what the document's streamed items added (errors optional). */
static void doc_undo(struct pctx *p, int errors)
{
	p->in->n_svcs = p->svcs0;
	p->in->n_slices = p->slices0;
	p->in->n_eps = p->eps0;
	p->in->n_pods = p->pods0;
	notes_truncate(p->in, p->notes0);
	p->in->n_foreign = p->foreign0;
	if (errors)
		errors_truncate(p->errs, p->errs0);
}

static void doc_end(struct pctx *p)
{
	if (p->bad) {
		doc_undo(p, 0);
	} else if (p->root && !is_list_kind(get(p->root, "kind"))) {
		/* Items streamed from a document that is no List. */
		doc_undo(p, 1);
		p->streamed = 0;
		process_object(p, p->root, "", NULL);
	} else if (p->root) {
		process_object(p, p->root, "", NULL);
	}
	arena_free(&p->doc);
	/* A syntax error between documents must not undo this one. */
	doc_begin(p);
}

static void doc_fail(struct pctx *p, const struct node *at, const char *msg)
{
	perr(p, at->line, at->col, "%s", msg);
	p->bad = 1;
}

/* A field of the root mapping, among those read so far. */
static const struct node *root_field(const struct pctx *p, const char *key)
{
	size_t i, end = p->depth > 1 ? p->frames[1].base : p->n_pend;

	for (i = p->frames[0].base; i + 1 < end; i += 2)
		if (scalar_is(p->pend[i], key))
			return p->pend[i + 1];
	return NULL;
}

/*
 * An item without kind or apiVersion needs the List's, which YAML may
 * give after the items (kubectl sorts the keys: "items" before "kind").
 * Until the List's are known, such an item and the rest of the items stay
 * in the tree, to be processed at the end of the document.
 */
static int stream_stops(struct pctx *p, const struct node *n)
{
	const struct node *kind = root_field(p, "kind");
	struct frame *f = &p->frames[p->depth - 1];

	if (n->type != N_MAP || (get(n, "kind") && get(n, "apiVersion")))
		return 0;
	if (kind && (!is_list_kind(kind) || kind->n == 4 ||
		     root_field(p, "apiVersion")))
		return 0;
	f->items = 0;
	p->streamed = f->n_items;
	return 1;
}

/* A complete node: into its parent, or processed at once (List items). */
static void add_node(struct pctx *p, struct node *n)
{
	struct frame *f;

	if (!p->depth) {
		p->root = n;
		return;
	}
	f = &p->frames[p->depth - 1];
	if (f->node->type == N_MAP && !((p->n_pend - f->base) & 1) &&
	    n->type != N_SCALAR) {
		doc_fail(p, n, "mapping keys must be strings");
		return;
	}
	if (f->items && !stream_stops(p, n)) {
		char where[32];
		struct list_ctx lc;

		list_ctx_of(&lc, root_field(p, "kind"), root_field(p, "apiVersion"));
		snprintf(where, sizeof(where), "items[%zu]", f->n_items++);
		process_object(p, n, where, &lc);
		arena_release(&p->doc, f->mark);
		return;
	}
	grow(&p->pend, &p->cap_pend, p->n_pend + 1, sizeof(*p->pend));
	p->pend[p->n_pend++] = n;
}

/* A libyaml mark as 1-based line and column of the input. */
static void input_pos(const struct pctx *p, const yaml_mark_t *m, int *line,
		      int *col)
{
	size_t l = m->line, c = m->column;

	if (p->js)
		ks_jsonseq_mark(p->js, &l, &c);
	*line = (int)l + 1;
	*col = (int)c + 1;
}

static struct node *new_node(struct pctx *p, int type, const yaml_mark_t *m)
{
	struct node *n = arena_zalloc(&p->doc, sizeof(*n));

	n->type = type;
	input_pos(p, m, &n->line, &n->col);
	return n;
}

static void open_collection(struct pctx *p, int type, const yaml_mark_t *m)
{
	struct node *n = new_node(p, type, m);
	struct frame *f;

	/*
	 * Stop reading the file: libyaml's own work per token grows with
	 * the nesting depth, so 100,000 "[" would cost it minutes.
	 */
	if (p->depth == MAX_DEPTH) {
		doc_fail(p, n, "nested deeper than 64 levels");
		p->stop = 1;
		return;
	}
	f = &p->frames[p->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->base = p->n_pend;
	/* The root mapping's "items" list: its items are streamed. */
	if (type == N_SEQ && p->depth == 2 &&
	    p->frames[0].node->type == N_MAP &&
	    ((p->n_pend - p->frames[0].base) & 1) &&
	    scalar_is(p->pend[p->n_pend - 1], "items")) {
		f->items = 1;
		f->mark = arena_mark(&p->doc);
	}
}

static int key_qsort_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->u.s, y->u.s, n);

	if (!r && x->n != y->n)
		r = x->n < y->n ? -1 : 1;
	if (!r)
		r = x->line != y->line ? (x->line < y->line ? -1 : 1) :
		    (x->col < y->col ? -1 : x->col > y->col);
	return r;
}

/*
 * Two equal keys in a mapping: YAML forbids it, JSON leaves it undefined,
 * and the API server rejects it, so the reader of the file cannot know
 * which one we would use.  The second one (in input order) is reported.
 */
static const struct node *dup_key(struct pctx *p, struct node *const *kids,
				  size_t n)
{
	const struct node *found = NULL, **v;
	size_t i, j;

	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (kids[2 * i]->n == kids[2 * j]->n &&
				    !memcmp(kids[2 * i]->u.s, kids[2 * j]->u.s,
					    kids[2 * i]->n))
					return kids[2 * i];
		return NULL;
	}
	/* Sorted, so a hostile mapping of 100,000 keys stays cheap. */
	v = arena_alloc(&p->doc, n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = kids[2 * i];
	qsort(v, n, sizeof(*v), key_qsort_cmp);
	for (i = 1; i < n; i++)
		if (v[i]->n == v[i - 1]->n &&
		    !memcmp(v[i]->u.s, v[i - 1]->u.s, v[i]->n) &&
		    (!found || v[i]->line < found->line ||
		     (v[i]->line == found->line && v[i]->col < found->col)))
			found = v[i];
	return found;
}

static void close_collection(struct pctx *p)
{
	struct frame *f = &p->frames[--p->depth];
	struct node *n = f->node;
	size_t cnt = p->n_pend - f->base;

	if (cnt) {
		n->u.kids = arena_alloc(&p->doc, cnt * sizeof(*n->u.kids));
		memcpy(n->u.kids, p->pend + f->base, cnt * sizeof(*n->u.kids));
	}
	p->n_pend = f->base;
	n->n = n->type == N_MAP ? cnt / 2 : cnt;
	if (n->type == N_MAP && n->n > 1) {
		const struct node *d = dup_key(p, n->u.kids, n->n);

		if (d) {
			char msg[128];

			snprintf(msg, sizeof(msg), "duplicate key \"%.*s\"",
				 SHOWN(d));
			doc_fail(p, d, msg);
			return;
		}
	}
	add_node(p, n);
}

static void on_scalar(struct pctx *p, const yaml_event_t *ev)
{
	struct node *n = new_node(p, N_SCALAR, &ev->start_mark);

	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->n = ev->data.scalar.length;
	n->u.s = arena_strndup(&p->doc, (const char *)ev->data.scalar.value,
			       n->n);
	add_node(p, n);
}

static void on_event(struct pctx *p, const yaml_event_t *ev)
{
	if (ev->type == YAML_DOCUMENT_START_EVENT)
		doc_begin(p);
	else if (ev->type == YAML_DOCUMENT_END_EVENT)
		doc_end(p);
	if (p->bad)
		return;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		on_scalar(p, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		open_collection(p, N_SEQ, &ev->start_mark);
		break;
	case YAML_MAPPING_START_EVENT:
		open_collection(p, N_MAP, &ev->start_mark);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(p);
		break;
	case YAML_ALIAS_EVENT:
		/*
		 * kubectl never writes aliases, and expanding them is how a
		 * small document becomes a huge one ("billion laughs").
		 */
		doc_fail(p, new_node(p, N_SCALAR, &ev->start_mark),
			 "YAML aliases are not supported");
		break;
	default:
		break;
	}
}

/*
 * The input's text, for a syntax error: the buffer, or a regular file
 * read again (never stdin or a pipe: they cannot be read twice, and
 * opening a FIFO again would wait for a writer).  NULL when there is none;
 * *own is what to free.
 */
static const char *source_text(const struct pctx *p, size_t *len, char **own)
{
	struct stat st;
	size_t n;
	FILE *f;

	*own = NULL;
	if (p->buf) {
		*len = p->len;
		return p->buf;
	}
	if (p->is_stdin || stat(p->file, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > (1 << 30))
		return NULL;
	f = fopen(p->file, "rb");
	if (!f)
		return NULL;
	*own = xmalloc((size_t)st.st_size + 1);
	n = fread(*own, 1, (size_t)st.st_size, f);
	fclose(f);
	*len = n;
	return *own;
}

/* Byte offset of LINE:COL (1-based; columns count characters); len past the end. */
static size_t text_offset(const char *s, size_t len, int line, int col)
{
	size_t i = 0;
	int l = 1, c = 1;

	for (; i < len && l < line; i++)
		l += s[i] == '\n';
	if (l < line)
		return len;
	for (; i < len && c < col && s[i] != '\n'; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* LINE:COL of byte offset off. */
static void text_pos(const char *s, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

/* LINE of the text, trimmed, at most len-1 bytes; "" past the end. */
static void source_line(const char *s, size_t n, int line, char *buf, size_t len)
{
	size_t off = text_offset(s, n, line, 1), end;
	int l, c;

	buf[0] = 0;
	if (off >= n)
		return;
	text_pos(s, off, &l, &c);
	if (l != line)
		return;
	end = off;
	while (end < n && s[end] != '\n')
		end++;
	while (off < end && (s[off] == ' ' || s[off] == '\t'))
		off++;
	while (end > off && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
			     s[end - 1] == '\r'))
		end--;
	snprintf(buf, len, "%.*s%s", (int)(end - off > 60 ? 60 : end - off),
		 s + off, end - off > 60 ? "..." : "");
	/* Only printable text goes into a one-line message. */
	for (; *buf; buf++)
		if ((unsigned char)*buf < 0x20 || *buf == 0x7f)
			*buf = '?';
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * libyaml's problem mark is where it noticed, often past the mistake.
 * An unclosed quote is noticed at the end of the stream: its context mark
 * (where the scalar began) is the place to fix, and so is an unclosed
 * YAML flow collection's.  In JSON, a flow error where a token was found
 * is a missing ',' (or ':'): it belongs right after the token before;
 * one at the end of the input is an unclosed '{' or '[', at its context
 * mark.  A block collection's context is where the collection began, far
 * from the mistake: there the problem mark is the better place.
 */
static void syntax_error(struct pctx *p, const yaml_parser_t *yp)
{
	const char *problem = yp->problem ? yp->problem : "cannot parse";
	const char *ctx = yp->context, *s;
	yaml_mark_t at = yp->problem_mark;
	int line, col, flow, json;
	size_t n = 0, off;
	char text[80], *own;

	if (yp->error == YAML_READER_ERROR) {
		ks_errors_add(p->errs, "%s: byte %zu: %s", p->file,
			      yp->problem_offset, problem);
		return;
	}
	flow = ctx && (strstr(ctx, "flow mapping") || strstr(ctx, "flow sequence"));
	json = p->js && p->js->mode == 1;
	if (ctx && (strstr(ctx, "quoted scalar") || strstr(ctx, "simple key") ||
		    (flow && !json)))
		at = yp->context_mark;
	input_pos(p, &at, &line, &col);
	s = source_text(p, &n, &own);
	if (s && flow && json) {
		off = text_offset(s, n, line, col);
		while (off < n && blank(s[off]))
			off++;
		if (off < n) {
			/* a token where a ',' belongs: just after the one before */
			while (off > 0 && blank(s[off - 1]))
				off--;
			text_pos(s, off, &line, &col);
		} else {
			at = yp->context_mark;
			input_pos(p, &at, &line, &col);
		}
	}
	if (s)
		source_line(s, n, line, text, sizeof(text));
	else
		text[0] = 0;
	free(own);
	perr(p, line, col, "%s%s%s%s%s", problem,
	     ctx ? " " : "", ctx ? ctx : "", text[0] ? ": " : "", text);
}

static int parse_stream(struct ks_input *in, yaml_parser_t *yp,
			const struct ks_jsonseq *js, const char *name,
			const char *buf, size_t len, int is_stdin,
			struct ks_errors *errs)
{
	struct pctx p;
	size_t n0 = errs->n;

	memset(&p, 0, sizeof(p));
	p.in = in;
	p.errs = errs;
	p.js = js;
	p.buf = buf;
	p.len = len;
	p.is_stdin = is_stdin;
	grow(&in->files, &in->cap_files, in->n_files + 1, sizeof(*in->files));
	in->files[in->n_files] = xstrdup(name);
	p.file = in->files[in->n_files];
	p.file_idx = in->n_files++;
	doc_begin(&p);
	for (;;) {
		yaml_event_t ev;
		int done;

		if (!yaml_parser_parse(yp, &ev)) {
			syntax_error(&p, yp);
			/* A broken document's objects are not trusted. */
			doc_undo(&p, 0);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(&p, &ev);
		yaml_event_delete(&ev);
		if (p.stop)
			doc_undo(&p, 0);
		if (done || p.stop)
			break;
	}
	arena_free(&p.doc);
	free(p.pend);
	in->n_errors += errs->n - n0;
	return errs->n - n0;
}

int ks_input_add_buffer(struct ks_input *in, const char *name,
			const char *buf, size_t len, struct ks_errors *errs)
{
	struct ks_jsonseq js;
	yaml_parser_t yp;
	int r;

	if (!yaml_parser_initialize(&yp)) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	ks_jsonseq_init_buffer(&js, buf, len);
	yaml_parser_set_input(&yp, ks_jsonseq_read, &js);
	r = parse_stream(in, &yp, &js, name, buf, len, 0, errs);
	yaml_parser_delete(&yp);
	ks_jsonseq_free(&js);
	return r;
}

int ks_input_add_file(struct ks_input *in, const char *path,
		      struct ks_errors *errs)
{
	int is_stdin = !strcmp(path, "-");
	struct ks_jsonseq js;
	yaml_parser_t yp;
	FILE *f;
	int r;

	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		ks_errors_add(errs, "%s: %s", path, strerror(errno));
		in->n_errors++;
		return 1;
	}
	if (!yaml_parser_initialize(&yp)) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	ks_jsonseq_init_file(&js, f);
	yaml_parser_set_input(&yp, ks_jsonseq_read, &js);
	r = parse_stream(in, &yp, &js, is_stdin ? "<stdin>" : path, NULL, 0,
			 is_stdin, errs);
	yaml_parser_delete(&yp);
	ks_jsonseq_free(&js);
	if (ferror(f)) {
		ks_errors_add(errs, "%s: read error", path);
		in->n_errors++;
		r++;
	}
	if (!is_stdin)
		fclose(f);
	return r;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix);
}

static int str_qsort_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ks_input_add_path(struct ks_input *in, const char *path,
		      struct ks_errors *errs)
{
	char **names = NULL, full[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int r = 0;
	DIR *d;

	if (!strcmp(path, "-") || !(d = opendir(path))) {
		if (errno == ENOTDIR || errno == ENOENT || !strcmp(path, "-"))
			return ks_input_add_file(in, path, errs);
		ks_errors_add(errs, "%s: %s", path, strerror(errno));
		in->n_errors++;
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    !(has_suffix(de->d_name, ".yaml") ||
		      has_suffix(de->d_name, ".yml") ||
		      has_suffix(de->d_name, ".json")))
			continue;
		grow(&names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), str_qsort_cmp);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		r += ks_input_add_file(in, full, errs);
		free(names[i]);
	}
	free(names);
	return r;
}

/* ---- build: join and cross-object checks ------------------------------ */

static void serr(struct ks_input *in, struct ks_errors *errs,
		 struct in_svc *sv, struct in_pos pos, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void serr(struct ks_input *in, struct ks_errors *errs,
		 struct in_svc *sv, struct in_pos pos, const char *path,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ks_errors_add(errs, "%s:%d:%d: Service %s/%s: %s: %s",
		      in->files[sv->file], pos.line, pos.col, sv->s.ns,
		      sv->s.name, path, msg);
	sv->dropped = 1;
}

static int svc_key_cmp(const void *a, const void *b)
{
	const struct in_svc *x = *(struct in_svc *const *)a;
	const struct in_svc *y = *(struct in_svc *const *)b;
	int r = strcmp(x->s.ns, y->s.ns);

	if (!r)
		r = strcmp(x->s.name, y->s.name);
	if (!r)
		r = x->seq < y->seq ? -1 : 1;
	return r;
}

/* svcs sorted by name: the first of equal names wins. */
static void check_duplicates(struct ks_input *in, struct in_svc **svcs,
			     size_t n, struct ks_errors *errs)
{
	size_t i, first = 0;

	for (i = 1; i < n; i++) {
		struct in_svc *a = svcs[first], *b = svcs[i];

		if (strcmp(a->s.ns, b->s.ns) || strcmp(a->s.name, b->s.name)) {
			first = i;
			continue;
		}
		serr(in, errs, b, b->name_pos, "metadata.name",
		     "duplicate Service (first defined at %s:%d:%d)",
		     in->files[a->file], a->pos.line, a->pos.col);
	}
}

/* An address:port/protocol (or node port/protocol) some Service claims. */
struct claim {
	struct ks_addr addr;	/* family 0: a node port */
	uint16_t port;
	uint8_t proto, port_idx, fe_idx;
	struct in_svc *sv;
};

static int claim_cmp_key(const struct claim *x, const struct claim *y)
{
	int r = ks_addr_cmp(&x->addr, &y->addr);

	if (r)
		return r;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return 0;
}

static int claim_qsort_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int r = claim_cmp_key(x, y);

	if (!r && x->sv->seq != y->sv->seq)
		r = x->sv->seq < y->sv->seq ? -1 : 1;
	return r;
}

static struct claim *collect_claims(struct ks_input *in, size_t *np)
{
	struct claim *v = NULL, c;
	size_t n = 0, cap = 0, i, j, k;

	for (i = 0; i < in->n_svcs; i++) {
		struct in_svc *sv = in->svcs[i];

		if (sv->dropped)
			continue;
		for (j = 0; j < sv->s.n_ports; j++) {
			const struct ks_port *p = &sv->s.ports[j];

			memset(&c, 0, sizeof(c));
			c.sv = sv;
			c.port_idx = j;
			c.proto = p->proto;
			c.port = p->port;
			for (k = 0; k < sv->s.n_fes; k++) {
				c.addr = sv->s.fes[k].addr;
				c.fe_idx = k;
				grow(&v, &cap, n + 1, sizeof(*v));
				v[n++] = c;
			}
			if (!p->node_port)
				continue;
			memset(&c.addr, 0, sizeof(c.addr));
			c.port = p->node_port;
			grow(&v, &cap, n + 1, sizeof(*v));
			v[n++] = c;
		}
	}
	*np = n;
	return v;
}

static void claim_error(struct ks_input *in, struct ks_errors *errs,
			const struct claim *c, const struct in_svc *owner)
{
	const struct in_fe_src *src;
	char path[64], addr[INET6_ADDRSTRLEN];

	if (!c->addr.family) {
		snprintf(path, sizeof(path), "spec.ports[%u].nodePort",
			 c->port_idx);
		serr(in, errs, c->sv, c->sv->np_pos[c->port_idx], path,
		     "node port %u/%s is already used by Service %s/%s",
		     c->port, ks_proto_name(c->proto), owner->s.ns,
		     owner->s.name);
		return;
	}
	src = &c->sv->fe_src[c->fe_idx];
	switch (src->src) {
	case FE_SRC_CIP:
		snprintf(path, sizeof(path), "spec.clusterIP");
		break;
	case FE_SRC_CIPS:
		snprintf(path, sizeof(path), "spec.clusterIPs[%u]", src->idx);
		break;
	case FE_SRC_EIPS:
		snprintf(path, sizeof(path), "spec.externalIPs[%u]", src->idx);
		break;
	default:
		snprintf(path, sizeof(path),
			 "status.loadBalancer.ingress[%u].ip", src->idx);
		break;
	}
	inet_ntop(c->addr.family, c->addr.a, addr, sizeof(addr));
	serr(in, errs, c->sv, src->pos, path,
	     "%s port %u/%s is already used by Service %s/%s", addr, c->port,
	     ks_proto_name(c->proto), owner->s.ns, owner->s.name);
}

/*
 * The kernel maps each address:port/protocol and each node port to one
 * Service: of two claims, the first in input order wins.
 */
static void check_claims(struct ks_input *in, struct ks_errors *errs)
{
	struct claim *v;
	size_t n, i, first = 0;

	v = collect_claims(in, &n);
	if (n > 1)
		qsort(v, n, sizeof(*v), claim_qsort_cmp);
	for (i = 1; i < n; i++) {
		if (claim_cmp_key(&v[first], &v[i])) {
			first = i;
			continue;
		}
		/* The winner may have been dropped by an earlier group. */
		if (v[first].sv->dropped) {
			first = i;
			continue;
		}
		if (v[i].sv != v[first].sv && !v[i].sv->dropped)
			claim_error(in, errs, &v[i], v[first].sv);
	}
	free(v);
}

static int slice_cmp2(const struct in_slice *s, const char *ns,
		      const char *name)
{
	int r = strcmp(s->ns, ns);

	return r ? r : strcmp(s->svc, name);
}

static int slice_qsort_cmp(const void *a, const void *b)
{
	const struct in_slice *x = *(struct in_slice *const *)a;
	const struct in_slice *y = *(struct in_slice *const *)b;
	int r = slice_cmp2(x, y->ns, y->svc);

	if (!r)
		r = x->seq < y->seq ? -1 : 1;
	return r;
}

/* Best first among duplicates: ready, then serving, then not terminating. */
static int ep_rank(uint32_t f)
{
	return (f & KSVC_EP_F_READY ? 4 : 0) + (f & KSVC_EP_F_SERVING ? 2 : 0) +
	       (f & KSVC_EP_F_TERMINATING ? 0 : 1);
}

static int ep_dedup_cmp(const void *a, const void *b)
{
	const struct ks_endpoint *x = a, *y = b;
	int r;

	if (x->port_index != y->port_index)
		return x->port_index < y->port_index ? -1 : 1;
	r = ks_addr_cmp(&x->addr, &y->addr);
	if (r)
		return r;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (ep_rank(x->flags) != ep_rank(y->flags))
		return ep_rank(x->flags) > ep_rank(y->flags) ? -1 : 1;
	return x->flags < y->flags ? -1 : x->flags > y->flags;
}

static int match_port(const struct ks_service *s, const struct in_sport *sp)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++)
		if (s->ports[i].proto == sp->proto &&
		    !strcmp(s->ports[i].name, sp->name))
			return i;
	return -1;
}

/* Sort v[0..n), keep one of each (port, address, target port), the best. */
static void finish_endpoints(struct ks_service *out, struct ks_endpoint *v,
			     size_t n)
{
	size_t i, j;

	if (n > 1)
		qsort(v, n, sizeof(*v), ep_dedup_cmp);
	for (i = j = 0; i < n; i++) {
		if (j && v[j - 1].port_index == v[i].port_index &&
		    v[j - 1].port == v[i].port &&
		    !ks_addr_cmp(&v[j - 1].addr, &v[i].addr))
			continue;
		v[j++] = v[i];
	}
	out->eps = v;
	out->n_eps = j;
}

static int is_local(const char *node, const char *node_name)
{
	return node_name && *node_name && node && !strcmp(node, node_name);
}

/*
 * Every (endpoint, slice port) of the slices whose port name and protocol
 * match a Service port; the same endpoint from two slices (a handover
 * between slices) is kept once, with its best conditions.  Subsets of
 * Endpoints objects are joined the same way.
 */
static void join_endpoints(struct ks_service *out, struct in_slice **sl,
			   size_t n_sl, const char *node_name)
{
	size_t i, j, k, n = 0, cap = 0;
	struct ks_endpoint *v = NULL;

	for (i = 0; i < n_sl; i++) {
		for (j = 0; j < sl[i]->n_ports; j++) {
			const struct in_sport *sp = &sl[i]->ports[j];
			int pi = match_port(out, sp);

			if (pi < 0 || !sp->port)
				continue;
			grow(&v, &cap, n + sl[i]->n_eps, sizeof(*v));
			for (k = 0; k < sl[i]->n_eps; k++) {
				const struct in_sep *e = &sl[i]->eps[k];

				memset(&v[n], 0, sizeof(v[n]));
				v[n].addr = e->addr;
				v[n].port_index = pi;
				v[n].port = sp->port;
				v[n].flags = e->flags;
				if (is_local(e->node, node_name))
					v[n].flags |= KSVC_EP_F_LOCAL;
				n++;
			}
		}
	}
	finish_endpoints(out, v, n);
}

/* ---- Pods: what the EndpointSlice controller would compute ----------- */

/* One (namespace, label) of one Pod: the index selectors are looked up in. */
struct pod_label {
	const char *ns, *k, *v;
	const struct in_pod *pod;
};

static int pl_key_cmp(const struct pod_label *x, const char *ns,
		      const char *k, const char *v)
{
	int r = strcmp(x->ns, ns);

	if (!r)
		r = strcmp(x->k, k);
	if (!r)
		r = strcmp(x->v, v);
	return r;
}

static int pl_qsort_cmp(const void *a, const void *b)
{
	const struct pod_label *x = a, *y = b;

	return pl_key_cmp(x, y->ns, y->k, y->v);
}

static struct pod_label *pod_index(const struct ks_input *in, size_t *np)
{
	struct pod_label *v;
	size_t i, j, n = 0;

	for (i = 0; i < in->n_pods; i++)
		n += in->pods[i]->n_labels;
	v = xmalloc(n * sizeof(*v));
	for (i = 0, n = 0; i < in->n_pods; i++) {
		const struct in_pod *p = in->pods[i];

		for (j = 0; j < p->n_labels; j++) {
			v[n].ns = p->ns;
			v[n].k = p->labels[j].k;
			v[n].v = p->labels[j].v;
			v[n++].pod = p;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), pl_qsort_cmp);
	*np = n;
	return v;
}

/* First index whose key is >= (ns, k, v), or > when upper. */
static size_t pl_bound(const struct pod_label *idx, size_t n, const char *ns,
		       const char *k, const char *v, int upper)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = pl_key_cmp(&idx[mid], ns, k, v);

		if (r < 0 || (upper && !r))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *pod_label(const struct in_pod *p, const char *k)
{
	size_t i;

	for (i = 0; i < p->n_labels; i++)
		if (!strcmp(p->labels[i].k, k))
			return p->labels[i].v;
	return NULL;
}

/*
 * The target port of service port p on this Pod: a number as is, absent
 * the service port, a name the Pod's container port of that name and
 * protocol (0: the Pod has none, it serves nothing on this port).
 */
static uint16_t pod_target(const struct in_pod *pod, const struct ks_port *p,
			   const struct in_target *t)
{
	size_t i;

	if (!t->name)
		return t->num ? t->num : p->port;
	for (i = 0; i < pod->n_ports; i++)
		if (pod->ports[i].name && pod->ports[i].proto == p->proto &&
		    !strcmp(pod->ports[i].name, t->name))
			return pod->ports[i].port;
	return 0;
}

/*
 * The Pods in the Service's namespace whose labels hold every pair of its
 * selector.  Candidates come from the index range of the rarest pair, so
 * the cost is that range, not every Pod.  Conditions as the controller
 * sets them: serving = Ready, terminating = deletionTimestamp set, ready =
 * publishNotReadyAddresses or (serving and not terminating).
 */
static void pod_endpoints(struct ks_service *out, const struct in_svc *sv,
			  const struct pod_label *idx, size_t n_idx,
			  const char *node_name)
{
	size_t i, j, k, a, lo = 0, hi = 0, n = 0, cap = 0;
	struct ks_endpoint *v = NULL;

	if (!sv->n_sel || !n_idx)
		return;
	for (i = 0; i < sv->n_sel; i++) {
		const struct in_kv *kv = &sv->sel[i];
		size_t l = pl_bound(idx, n_idx, sv->s.ns, kv->k, kv->v, 0);
		size_t h = pl_bound(idx + l, n_idx - l, sv->s.ns, kv->k,
				    kv->v, 1) + l;

		if (!i || h - l < hi - lo) {
			lo = l;
			hi = h;
		}
	}
	for (i = lo; i < hi; i++) {
		const struct in_pod *pod = idx[i].pod;
		uint32_t flags;

		for (j = 0; j < sv->n_sel; j++) {
			const char *pv = pod_label(pod, sv->sel[j].k);

			if (!pv || strcmp(pv, sv->sel[j].v))
				break;
		}
		if (j < sv->n_sel)
			continue;
		flags = pod->ready ? KSVC_EP_F_SERVING : 0;
		if (pod->terminating)
			flags |= KSVC_EP_F_TERMINATING;
		if (sv->publish_not_ready || (pod->ready && !pod->terminating))
			flags |= KSVC_EP_F_READY;
		if (is_local(pod->node, node_name))
			flags |= KSVC_EP_F_LOCAL;
		for (a = 0; a < pod->n_addrs; a++) {
			int fam = pod->addrs[a].family == AF_INET ? 1 : 2;

			/* One slice per family of the Service. */
			if (sv->fams && !(sv->fams & fam))
				continue;
			for (k = 0; k < out->n_ports; k++) {
				uint16_t port = pod_target(pod, &out->ports[k],
							   &sv->targets[k]);

				if (!port)
					continue;
				grow(&v, &cap, n + 1, sizeof(*v));
				memset(&v[n], 0, sizeof(v[n]));
				v[n].addr = pod->addrs[a];
				v[n].port_index = k;
				v[n].port = port;
				v[n].flags = flags;
				n++;
			}
		}
	}
	finish_endpoints(out, v, n);
}

static void *memdup(const void *p, size_t size)
{
	return size ? memcpy(xmalloc(size), p, size) : NULL;
}

/* Where a Service's endpoints come from, in order of preference. */
struct ep_sources {
	struct in_slice **sl;		/* its EndpointSlices */
	size_t n_sl;
	struct in_slice **eps;		/* else its Endpoints' subsets */
	size_t n_eps;
	const struct pod_label *idx;	/* else the Pods its selector picks */
	size_t n_idx;
};

static void emit(struct ks_state *out, const char *const *files,
		 const struct in_svc *sv, const struct ep_sources *src,
		 const char *node_name)
{
	struct ks_service *s = ks_state_add(out);

	if (!s) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	*s = sv->s;
	s->ports = memdup(sv->s.ports, sv->s.n_ports * sizeof(*s->ports));
	s->fes = memdup(sv->s.fes, sv->s.n_fes * sizeof(*s->fes));
	s->ranges = sv->s.n_ranges ?
		memdup(sv->s.ranges, sv->s.n_ranges * sizeof(*s->ranges)) : NULL;
	s->pos.file = files[sv->file];
	s->pos.line = sv->pos.line;
	s->pos.col = sv->pos.col;
	s->eps = NULL;
	s->n_eps = 0;
	/* DNS-only Services route nothing. */
	if (s->type == KSVC_SVC_HEADLESS || s->type == KSVC_SVC_EXTERNAL_NAME)
		return;
	if (src->n_sl)
		join_endpoints(s, src->sl, src->n_sl, node_name);
	else if (src->n_eps)
		join_endpoints(s, src->eps, src->n_eps, node_name);
	else
		pod_endpoints(s, sv, src->idx, src->n_idx, node_name);
}

static void log_unmatched(FILE *log, struct ks_input *in,
			  const struct in_slice *sl, const char *kind,
			  const char *why)
{
	fprintf(log, "%s:%d:%d: %s %s/%s: skipped: ", in->files[sl->file],
		sl->pos.line, sl->pos.col, kind, sl->ns, sl->name);
	if (why)
		fprintf(log, "%s\n", why);
	else
		fprintf(log, "no Service %s/%s\n", sl->ns, sl->svc);
}

/* [*j, *k): the records of ns/name in a sorted array; *j moves past less. */
static void range_of(struct ks_input *in, struct in_slice **v, size_t n,
		     size_t *j, size_t *k, const char *ns, const char *name,
		     FILE *log, const char *kind)
{
	while (*j < n && slice_cmp2(v[*j], ns, name) < 0) {
		if (log)
			log_unmatched(log, in, v[*j], kind, NULL);
		++*j;
	}
	for (*k = *j; *k < n && !slice_cmp2(v[*k], ns, name); ++*k)
		;
}

/*
 * Walk Services, slices and Endpoints, all sorted by namespace/name,
 * together; Pods are looked up through their label index.
 */
static void join(struct ks_input *in, struct in_svc **svcs,
		 struct in_slice **sl, struct in_slice **eps,
		 const struct ks_parse_opts *o, struct ks_state *out)
{
	const char **files = xmalloc(in->n_files * sizeof(*files));
	FILE *log = o->log ? o->log : stderr;
	FILE *vlog = o->verbose ? log : NULL;
	size_t i, j = 0, k, je = 0, ke, m;
	struct ep_sources src;

	memset(&src, 0, sizeof(src));
	src.idx = pod_index(in, &src.n_idx);
	for (i = 0; i < in->n_files; i++) {
		files[i] = ks_state_strdup(out, in->files[i]);
		if (!files[i]) {
			fputs("ksvcctl: out of memory\n", stderr);
			exit(1);
		}
	}
	for (i = 0; i < in->n_svcs; i++) {
		struct in_svc *sv = svcs[i];

		range_of(in, sl, in->n_slices, &j, &k, sv->s.ns, sv->s.name,
			 vlog, "EndpointSlice");
		range_of(in, eps, in->n_eps, &je, &ke, sv->s.ns, sv->s.name,
			 vlog, "Endpoints");
		if (sv->dropped)
			continue;
		/* No records: the arrays are NULL, and NULL + 0 is undefined. */
		src.sl = k > j ? sl + j : NULL;
		src.n_sl = k - j;
		src.eps = ke > je ? eps + je : NULL;
		src.n_eps = ke - je;
		emit(out, files, sv, &src, o->node_name);
		if (k > j)
			for (m = je; vlog && m < ke; m++)
				log_unmatched(vlog, in, eps[m], "Endpoints",
					      "the Service has EndpointSlices");
		/* Duplicates (dropped) sort after the winner. */
		j = k;
		je = ke;
	}
	for (; vlog && j < in->n_slices; j++)
		log_unmatched(vlog, in, sl[j], "EndpointSlice", NULL);
	for (; vlog && je < in->n_eps; je++)
		log_unmatched(vlog, in, eps[je], "Endpoints", NULL);
	free((void *)src.idx);
	free(files);
}

size_t ks_input_foreign(const struct ks_input *in)
{
	return in->n_foreign;
}

void ks_input_why_empty(const struct ks_input *in, char *buf, size_t len)
{
	if (in->n_foreign)
		snprintf(buf, len, "every Service of the input (%zu) belongs to another proxy (label %s), none to ksvc",
			 in->n_foreign, LABEL_PROXY);
	else
		snprintf(buf, len, "the input holds no Service");
}

int ks_input_build(struct ks_input *in, const struct ks_parse_opts *o,
		   struct ks_state *out, struct ks_errors *errs)
{
	static const struct ks_parse_opts defaults;
	struct in_svc **svcs;
	struct in_slice **sl, **eps;
	size_t n0 = errs->n, i, total;

	if (!o)
		o = &defaults;
	for (i = 0; o->verbose && i < in->n_notes; i++)
		fprintf(o->log ? o->log : stderr, "%s\n", in->notes[i]);
	svcs = memdup(in->svcs, in->n_svcs * sizeof(*svcs));
	if (in->n_svcs > 1)
		qsort(svcs, in->n_svcs, sizeof(*svcs), svc_key_cmp);
	check_duplicates(in, svcs, in->n_svcs, errs);
	check_claims(in, errs);
	total = in->n_errors + (errs->n - n0);
	if (!total || o->skip_invalid) {
		sl = memdup(in->slices, in->n_slices * sizeof(*sl));
		if (in->n_slices > 1)
			qsort(sl, in->n_slices, sizeof(*sl), slice_qsort_cmp);
		eps = memdup(in->eps, in->n_eps * sizeof(*eps));
		if (in->n_eps > 1)
			qsort(eps, in->n_eps, sizeof(*eps), slice_qsort_cmp);
		join(in, svcs, sl, eps, o, out);
		free(sl);
		free(eps);
		ks_state_sort(out);
	}
	free(svcs);
	return total;
}
