// SPDX-License-Identifier: GPL-2.0
/* Reading a kubeconfig, or the in-cluster service account (kubeconfig.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "kubeconfig.h"
#include "xalloc.h"

/* The value of key in mapping node m, or NULL. */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The entry of list named name (clusters, users, contexts): its key. */
static yaml_node_t *named(yaml_document_t *doc, yaml_node_t *root,
			  const char *list, const char *name, const char *key)
{
	yaml_node_t *l = map_get(doc, root, list);
	yaml_node_item_t *i;

	if (!l || l->type != YAML_SEQUENCE_NODE || !name)
		return NULL;
	for (i = l->data.sequence.items.start; i < l->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(doc, *i);
		const char *n = scalar(map_get(doc, e, "name"));

		if (n && !strcmp(n, name))
			return map_get(doc, e, key);
	}
	return NULL;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 (blanks ignored, '=' ends it); -1 if it is not. */
static int b64decode(const char *s, struct ks_blob *out)
{
	size_t n = strlen(s), o = 0;
	unsigned int acc = 0;
	int bits = 0, v;

	out->data = xmalloc(n / 4 * 3 + 4);
	for (; *s && *s != '='; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			continue;
		v = b64val((unsigned char)*s);
		if (v < 0) {
			free(out->data);
			out->data = NULL;
			return -1;
		}
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->data[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->data[o] = 0;
	out->len = o;
	return 0;
}

/* A path relative to the kubeconfig's directory, as kubectl reads it. */
static char *rel_path(const char *kcpath, const char *p)
{
	const char *slash = strrchr(kcpath, '/');
	char *r;

	if (p[0] == '/' || !slash)
		return xstrdup(p);
	r = xmalloc((size_t)(slash - kcpath) + strlen(p) + 2);
	sprintf(r, "%.*s/%s", (int)(slash - kcpath), kcpath, p);
	return r;
}

/* field-data (base64) or field (a file): into blob or file. */
static int pem(yaml_document_t *doc, yaml_node_t *m, const char *field,
	       const char *kcpath, struct ks_blob *blob, char **file,
	       char *err, size_t errlen)
{
	char key[64];
	const char *v;

	snprintf(key, sizeof(key), "%s-data", field);
	v = scalar(map_get(doc, m, key));
	if (v) {
		if (b64decode(v, blob)) {
			snprintf(err, errlen, "%s: %s is not base64", kcpath, key);
			return -1;
		}
		return 0;
	}
	v = scalar(map_get(doc, m, field));
	if (v)
		*file = rel_path(kcpath, v);
	return 0;
}

/* The current context's cluster and user from a loaded kubeconfig. */
static int kubeconfig_read(yaml_document_t *doc, const char *path,
			   struct ks_kubeconfig *kc, char *err, size_t errlen)
{
	yaml_node_t *root, *ctx, *cluster, *user;
	const char *cur, *v;

	root = yaml_document_get_root_node(doc);
	cur = scalar(map_get(doc, root, "current-context"));
	ctx = named(doc, root, "contexts", cur, "context");
	if (!ctx) {
		snprintf(err, errlen, "%s: no current-context, or no context named '%s'",
			 path, cur ? cur : "");
		return -1;
	}
	cluster = named(doc, root, "clusters", scalar(map_get(doc, ctx, "cluster")), "cluster");
	user = named(doc, root, "users", scalar(map_get(doc, ctx, "user")), "user");
	v = scalar(map_get(doc, cluster, "server"));
	if (!v || strncmp(v, "https://", 8)) {
		snprintf(err, errlen, "%s: the context's cluster has no https:// server", path);
		return -1;
	}
	kc->server = xstrdup(v);
	if (kc->server[strlen(kc->server) - 1] == '/')
		kc->server[strlen(kc->server) - 1] = 0;
	v = scalar(map_get(doc, cluster, "insecure-skip-tls-verify"));
	if (v && !strcmp(v, "true")) {
		snprintf(err, errlen, "%s: insecure-skip-tls-verify: the API server's certificate is always verified",
			 path);
		return -1;
	}
	if (pem(doc, cluster, "certificate-authority", path, &kc->ca, &kc->ca_file, err, errlen) ||
	    pem(doc, user, "client-certificate", path, &kc->cert, &kc->cert_file, err, errlen) ||
	    pem(doc, user, "client-key", path, &kc->key, &kc->key_file, err, errlen))
		return -1;
	v = scalar(map_get(doc, user, "token"));
	if (v)
		kc->token = xstrdup(v);
	v = scalar(map_get(doc, user, "tokenFile"));
	if (v)
		kc->token_file = rel_path(path, v);
	if (!!(kc->cert.data || kc->cert_file) != !!(kc->key.data || kc->key_file)) {
		snprintf(err, errlen, "%s: a client certificate needs its key, and a key its certificate",
			 path);
		return -1;
	}
	if (map_get(doc, user, "exec") || map_get(doc, user, "auth-provider")) {
		snprintf(err, errlen, "%s: exec and auth-provider credentials are not supported: use a token, a token file or a client certificate",
			 path);
		return -1;
	}
	return 0;
}

int ks_kubeconfig_load(const char *path, struct ks_kubeconfig *kc,
		       char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret;
	FILE *f;

	memset(kc, 0, sizeof(*kc));
	if (!path)
		path = getenv("KUBECONFIG");
	if (!path || !*path) {
		snprintf(err, errlen, "no kubeconfig: give --kubeconfig, set KUBECONFIG, or --in-cluster");
		return -1;
	}
	if (strchr(path, ':')) {
		snprintf(err, errlen, "%s: one kubeconfig file, not a list", path);
		return -1;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", path,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	ret = kubeconfig_read(&doc, path, kc, err, errlen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	if (ret)
		ks_kubeconfig_free(kc);
	return ret;
}

int ks_kubeconfig_incluster(const char *dir, const char *server,
			    struct ks_kubeconfig *kc, char *err, size_t errlen)
{
	memset(kc, 0, sizeof(*kc));
	if (!server || strncmp(server, "https://", 8)) {
		snprintf(err, errlen, "--in-cluster needs --apiserver https://HOST:PORT (the kubernetes Service is what ksvc routes)");
		return -1;
	}
	kc->server = xstrdup(server);
	if (kc->server[strlen(kc->server) - 1] == '/')
		kc->server[strlen(kc->server) - 1] = 0;
	kc->ca_file = xmalloc(strlen(dir) + 16);
	sprintf(kc->ca_file, "%s/ca.crt", dir);
	kc->token_file = xmalloc(strlen(dir) + 16);
	sprintf(kc->token_file, "%s/token", dir);
	return 0;
}

void ks_kubeconfig_free(struct ks_kubeconfig *kc)
{
	free(kc->server);
	free(kc->ca.data);
	free(kc->cert.data);
	free(kc->key.data);
	free(kc->ca_file);
	free(kc->cert_file);
	free(kc->key_file);
	free(kc->token);
	free(kc->token_file);
	memset(kc, 0, sizeof(*kc));
}
