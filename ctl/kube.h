/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API server client of ksvcctl sync, on libcurl: plain GETs (lists,
 * one page each) and watches, streams of one JSON event per line driven
 * by one curl multi handle, so the agent's single thread waits on every
 * watch and its timers at once.  TLS is always verified.
 */
#ifndef KS_KUBE_H
#define KS_KUBE_H

#include <stddef.h>

#include "kubeconfig.h"

struct ks_kube;
struct ks_watch;

/* Takes kc over.  NULL, with a message in err, if libcurl cannot start. */
struct ks_kube *ks_kube_new(struct ks_kubeconfig *kc, char *err, size_t errlen);
void ks_kube_free(struct ks_kube *k);

/*
 * GET path (from the root, e.g. "/api/v1/services?limit=500"): the body
 * (NUL-terminated, freed by the caller) and the HTTP status.  -1 when no
 * answer came (a message in err), else 0 whatever the status.
 */
int ks_kube_get(struct ks_kube *k, const char *path, long timeout_s,
		char **body, long *status, char *err, size_t errlen);

/*
 * A watch on path: each complete line of the body goes to fn.  When no
 * byte comes for idle_s seconds (a hung API server sends nothing; a live
 * one sends bookmarks), the watch ends as failed.
 */
typedef void (*ks_line_fn)(void *arg, char *line, size_t len);
struct ks_watch *ks_watch_start(struct ks_kube *k, const char *path,
				long idle_s, ks_line_fn fn, void *arg);
/*
 * Wait at most timeout_ms for data on every watch or for one of the n
 * other sockets fds (poll(2) events); runs the watches' callbacks.
 */
void ks_kube_poll(struct ks_kube *k, int timeout_ms, const int *fds,
		  const short *events, size_t n);
/*
 * Has w ended?  Then its HTTP status (0: none) and, if the transfer
 * failed, a message.
 */
int ks_watch_done(const struct ks_watch *w, long *status, const char **msg);
void ks_watch_stop(struct ks_watch *w);

/* Requests by HTTP status class, for the metrics: [0] none, [2] 2xx, ... */
extern unsigned long ks_kube_requests[6];

#endif
