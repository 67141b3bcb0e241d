// SPDX-License-Identifier: GPL-2.0
/*
 * One object: its context for messages (file:line:column, kind, name,
 * the field's path) and the typed accessors that check a field and say
 * what is wrong with it.
 */
#include <arpa/inet.h>

#include "parse_int.h"

void oerr(struct obj *o, const struct node *at, const char *path,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* FILE:LINE:COL: KIND NS/NAME: PATH: message; at NULL: the object. */
static void voerr(struct obj *o, const struct node *at, const char *path,
		  const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!at)
		at = o->node;
	ks_errors_add(&o->p->held, "%s:%d:%d: %s %.*s/%.*s: %s: %s",
		      o->p->file, at->line, at->col, o->kind,
		      KSVC_NODE_NAME_MAX, o->ns, KSVC_NODE_NAME_MAX, o->name,
		      path, msg);
	o->errors++;
}

void oerr(struct obj *o, const struct node *at, const char *path,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	voerr(o, at, path, fmt, ap);
	va_end(ap);
}

/* oerr, 1: a rule ksvcctl alone keeps, beside krule. */
static int oerr_rc(struct obj *o, const struct node *at, const char *path,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	voerr(o, at, path, fmt, ap);
	va_end(ap);
	return 1;
}

int krule(struct obj *o, const struct node *at, const char *path,
	  const char *fmt, ...)
{
	va_list ap;

	if (o->p->in->defer_kernel_rules)
		return 0;
	va_start(ap, fmt);
	voerr(o, at, path, fmt, ap);
	va_end(ap);
	return 1;
}

const char *pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

static const char *const type_names[] = {
	[N_SCALAR] = "string", [N_SEQ] = "list", [N_MAP] = "mapping",
};

/* n itself if it has the type, else NULL after an error. */
const struct node *want(struct obj *o, const struct node *n, int type,
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
const char *want_str(struct obj *o, const struct node *n,
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
int want_int(struct obj *o, const struct node *n, const char *path,
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
uint16_t want_port(struct obj *o, const struct node *map,
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

int want_bool(struct obj *o, const struct node *n, const char *path,
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

int parse_addr(const char *s, struct ks_addr *a)
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

int want_addr(struct obj *o, const struct node *n, const char *path,
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
	if (!why)
		return 0;
	/* A Service's or an endpoint's address reaches the kernel; a Pod's may not. */
	if (strcmp(o->kind, "Pod")) {
		if (krule(o, n, path, "%.*s is %s", SHOWN(n), why))
			return -1;
		return 0;
	}
	oerr(o, n, path, "%.*s is %s", SHOWN(n), why);
	return -1;
}

uint8_t want_proto(struct obj *o, const struct node *map,
			  const char *path)
{
	const struct node *n = get(map, "protocol");
	const char *s;
	int proto;

	if (!n)
		return IPPROTO_TCP;
	s = want_str(o, n, path, SHOW);
	if (!s)
		return 0;
	proto = ks_proto_parse(s);
	if (proto > 0)
		return (uint8_t)proto;
	oerr(o, n, path, "%s is not a protocol (TCP, UDP, SCTP)", s);
	return 0;
}

/*
 * One of a few words; returns its index, -1 when absent, -2 when wrong
 * (reported with what, e.g. "Cluster or Local").
 */
int want_enum(struct obj *o, const struct node *map, const char *key,
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
const struct node *label(const struct node *meta, const char *key)
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

/*
 * Kubernetes object names here are DNS labels: [a-z0-9-], 1..63.  A
 * Service's name and namespace are the kernel's rule too (its name keys).
 */
int check_label(struct obj *o, const struct node *n, const char *path)
{
	int (*report)(struct obj *, const struct node *, const char *,
		      const char *, ...) = strcmp(o->kind, "Service") ? oerr_rc : krule;
	size_t i;

	if (!want_str(o, n, path, KSVC_NAME_MAX))
		return -1;
	if (!n->n)
		return report(o, n, path, "must not be empty") ? -1 : 0;
	for (i = 0; i < n->n; i++) {
		char c = n->u.s[i];

		if ((c < 'a' || c > 'z') && (c < '0' || c > '9') &&
		    (c != '-' || !i || i == n->n - 1))
			return report(o, n, path,
				      "%.*s is not a DNS label (a-z, 0-9 and '-' inside)",
				      SHOWN(n)) ? -1 : 0;
	}
	return 0;
}

struct in_pos npos(const struct node *n)
{
	struct in_pos pos = { n->line, n->col };

	return pos;
}
