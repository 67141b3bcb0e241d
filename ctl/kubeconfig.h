/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the API server is and who we are to it: a kubeconfig file (what
 * kubeadm's admin.conf and a kubelet-style kubeconfig hold) or the
 * in-cluster service account.  Only what a Service proxy needs is read:
 * the current context's cluster (server, certificate authority) and user
 * (client certificate and key, bearer token or token file).
 */
#ifndef KS_KUBECONFIG_H
#define KS_KUBECONFIG_H

#include <stddef.h>

struct ks_blob {
	char *data;		/* PEM, as a kubeconfig's *-data decodes */
	size_t len;
};

struct ks_kubeconfig {
	char *server;		/* https://host:port, no trailing slash */
	/* Each either inline (blob) or a file (path): */
	struct ks_blob ca, cert, key;
	char *ca_file, *cert_file, *key_file;
	char *token;		/* a bearer token given inline */
	char *token_file;	/* re-read for every request: bound tokens rotate */
	int insecure;		/* insecure-skip-tls-verify: refused */
};

/*
 * Load path (or, when path is NULL, $KUBECONFIG).  0, or -1 with a message
 * in err ("FILE: what is wrong").
 */
int ks_kubeconfig_load(const char *path, struct ks_kubeconfig *kc,
		       char *err, size_t errlen);
/*
 * The in-cluster identity: the service account's token and ca.crt under
 * dir (the pod's /var/run/secrets/kubernetes.io/serviceaccount), and the
 * API server's URL, given, since the kubernetes Service's cluster IP is
 * what ksvc itself routes.
 */
int ks_kubeconfig_incluster(const char *dir, const char *server,
			    struct ks_kubeconfig *kc, char *err, size_t errlen);
void ks_kubeconfig_free(struct ks_kubeconfig *kc);

#endif
