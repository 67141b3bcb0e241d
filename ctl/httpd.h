/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's small HTTP servers (health, metrics, healthCheckNodePorts),
 * on libmicrohttpd in its external-select mode with epoll: no thread of
 * its own, the agent's one loop waits on each server's epoll descriptor
 * beside the API server's sockets, so the handlers read the agent's state
 * without locks, and no select() set limits the descriptors.
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
 * of both families; "0.0.0.0:PORT" is every IPv4 address, "[::]:PORT"
 * every IPv6 address only).  NULL with a message in err.
 */
struct ks_httpd *ks_httpd_start(const char *addr, ks_http_fn fn, void *arg,
				char *err, size_t errlen);
void ks_httpd_stop(struct ks_httpd *h);
/*
 * What to wait on for it: one epoll descriptor (readable) standing for
 * its sockets; how many (1, or 0 when max is).
 */
size_t ks_httpd_fds(struct ks_httpd *h, int *fds, short *events, size_t max);
/* Wait no longer than this (ms) before ks_httpd_run; -1: no limit. */
long ks_httpd_timeout(struct ks_httpd *h);
/* Serve what is ready; never blocks. */
void ks_httpd_run(struct ks_httpd *h);

#endif
