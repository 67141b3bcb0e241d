/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API server client of ksvcctl sync, on libcurl: GETs (list pages)
 * and watches (streams of one JSON event per line), all on one curl multi
 * handle, so the agent's single thread waits on every request, its HTTP
 * servers and its timers at once, and no request holds it.  TLS is always
 * verified.
 */
#ifndef KS_KUBE_H
#define KS_KUBE_H

#include <stddef.h>

#include "kubeconfig.h"

struct ks_kube;
struct ks_req;

/* Takes kc over.  NULL, with a message in err, if libcurl cannot start. */
struct ks_kube *ks_kube_new(struct ks_kubeconfig *kc, char *err, size_t errlen);
void ks_kube_free(struct ks_kube *k);

/*
 * A request on the multi handle: nothing here blocks, ks_kube_poll drives
 * them all.  GET path (from the root, e.g. "/api/v1/services?limit=500"),
 * its body kept whole (a list page), for at most timeout_s seconds.
 */
struct ks_req *ks_req_get(struct ks_kube *k, const char *path, long timeout_s);
/*
 * A watch on path: each complete line of the body goes to fn.  When no
 * byte comes for idle_s seconds (a hung API server sends nothing; a live
 * one sends bookmarks), the watch ends as failed.
 */
typedef void (*ks_line_fn)(void *arg, char *line, size_t len);
struct ks_req *ks_req_watch(struct ks_kube *k, const char *path, long idle_s,
			    ks_line_fn fn, void *arg);
/*
 * Wait at most timeout_ms for data on every request or for one of the n
 * other sockets fds (poll(2) events); runs the watches' callbacks.
 */
void ks_kube_poll(struct ks_kube *k, int timeout_ms, const int *fds,
		  const short *events, size_t n);
/*
 * Has q ended?  Then its HTTP status (0: no answer) and, if the transfer
 * failed, a message.
 */
int ks_req_done(const struct ks_req *q, long *status, const char **msg);
/* An ended GET's body, NUL-terminated ("" if none): the caller's now. */
char *ks_req_body(struct ks_req *q);
/* Ends q if it runs, and frees it.  NULL is fine. */
void ks_req_stop(struct ks_req *q);

/* Requests by HTTP status class, for the metrics: [0] none, [2] 2xx, ... */
extern unsigned long ks_kube_requests[6];

#endif
