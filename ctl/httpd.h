/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's small HTTP servers (health, metrics, healthCheckNodePorts),
 * on libmicrohttpd in its external-select mode: no thread of its own, the
 * agent's one loop waits on their sockets beside the watches', so the
 * handlers read the agent's state without locks.
 */
#ifndef KS_HTTPD_H
#define KS_HTTPD_H

#include <stddef.h>

struct ks_reply {
	unsigned int status;
	char *body;		/* malloc'ed; sent and freed */
	const char *ctype;	/* Content-Type */
	char header[2][128];	/* extra "Name: value" headers, "" none */
};

/* Answer a GET (or HEAD) of url: fill r. */
typedef void (*ks_http_fn)(void *arg, const char *url, struct ks_reply *r);

struct ks_httpd;

/*
 * Listen on addr ("IP:PORT", "[IPv6]:PORT", or ":PORT" for every address
 * of both families).  NULL with a message in err.
 */
struct ks_httpd *ks_httpd_start(const char *addr, ks_http_fn fn, void *arg,
				char *err, size_t errlen);
void ks_httpd_stop(struct ks_httpd *h);
/* Its sockets to wait on (readable or writable as it asks): how many. */
size_t ks_httpd_fds(struct ks_httpd *h, int *fds, short *events, size_t max);
/* Serve what is ready; never blocks. */
void ks_httpd_run(struct ks_httpd *h);

#endif
