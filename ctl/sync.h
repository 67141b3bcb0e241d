/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl sync's state, shared by its loop (cmd_sync.c) and its HTTP side
 * (sync_http.c: /healthz, /livez, /metrics, the healthCheckNodePorts).
 * One thread owns all of it.
 */
#ifndef KS_SYNC_H
#define KS_SYNC_H

#include <stdint.h>
#include <json-c/json.h>

#include "httpd.h"
#include "kube.h"
#include "nl.h"
#include "store.h"

enum { R_SERVICES, R_SLICES, R_NODE, R_SVC_CIDRS, R_N };

struct sync;

struct res {
	const char *name;	/* in log lines */
	const char *path;	/* the collection */
	char query[300];	/* its selector */
	char rv[64];		/* resourceVersion to watch from */
	struct ks_req *w;	/* the list page or the watch under way */
	json_object *items;	/* a list's items so far; NULL: not listing */
	char cont[1024];	/* the list's continue token */
	double retry_at;	/* when to watch (or list) again; 0: now */
	double backoff;
	int relist;		/* at start, after 410 Gone: list, then watch */
	unsigned int lists;	/* lists completed */
	int absent;		/* the server has none (404): listed empty, not watched */
	struct sync *sy;
};

/* A Prometheus histogram. */
#define KS_HIST_MAX 96
struct ks_hist {
	const double *le;	/* upper bounds, ascending */
	size_t n;
	unsigned long count[KS_HIST_MAX];
	unsigned long total;
	double sum;
};
void ks_hist_observe(struct ks_hist *h, double v);

/* One healthCheckNodePort server. */
#define KS_HC_ADDRS 16
struct hc {
	char key[600];		/* its Service, "ns/name" */
	unsigned int port;
	unsigned int local;	/* ready endpoints on this node */
	struct ks_httpd *h[KS_HC_ADDRS];	/* one per node-port address */
	size_t n_h;
	struct sync *sy;
	int seen;		/* in the last full pass */
};

struct sync {
	struct ks_kube *kube;
	struct ks_nl *nl;
	struct ks_store store;
	struct res res[R_N];
	json_object *programmed;	/* keys of the Services the kernel has */
	struct ks_parse_opts po;
	char node_name[KSVC_NODE_NAME_MAX + 1];
	char node_facts[1024];		/* what the Node said last, applied */
	char zone[KSVC_NAME_MAX + 1];	/* its topology.kubernetes.io/zone */
	json_object *svc_cidrs;		/* ServiceCIDR name -> its spec.cidrs */
	char svc_cidrs_applied[1024];	/* what was set last */
	int svc_cidrs_set;
	int detect_node_cidr;
	uint64_t gen;			/* the table generation after our last write */
	int need_full;
	double full_retry_at;		/* after a failed full sync */
	double dirty_since;		/* 0: nothing dirty */
	double min_sync, full_period, last_full, idle;
	unsigned long syncs, full_syncs, skipped, relists, watch_restarts;

	/* Health, as kube-proxy's: unhealthy when an update queued at
	 * oldest_queued (monotonic; 0: none) is older than health_timeout. */
	double oldest_queued, health_timeout;
	double last_updated;		/* wall clock of the last good sync; 0 never */
	int node_eligible;		/* not being deleted, not drained */
	struct ks_httpd *healthz, *metrics;
	struct hc **hcs;
	size_t n_hcs;

	/* Metrics. */
	struct ks_hist sync_all, sync_full, sync_partial, netprog;
	double last_queued_wall;
	unsigned long svc_changes, ep_changes, healthz_total[2], livez_total[2];
	json_object *triggers;		/* "ns/svc" -> earliest trigger time */
	json_object *nolocal;		/* "ns/svc" -> bits: 1 internal, 2 external */
	unsigned int no_local[2];	/* [0] internal, [1] external traffic policy */
};

double now(void);
double wall(void);
/* One log line: UTC time, then the message. */
void slog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void log_errors(const struct ks_errors *e, const char *what);

/* sync_node.c: the Node's facts applied (node IPs, pod CIDRs, eligibility). */
void sync_node_apply(struct sync *sy, json_object *node);
void sync_node_event(struct sync *sy, const char *type, json_object *obj);
/* sync_cidrs.c: the ServiceCIDR objects, into the Service CIDRs. */
void sync_cidrs_list(struct sync *sy, json_object *items);
void sync_cidrs_event(struct sync *sy, const char *type, json_object *obj);

/* sync_program.c: a full convergence (0 or -1), or the dirty Services. */
int sync_full(struct sync *sy);
void sync_dirty(struct sync *sy);

/*
 * sync_watch.c: drive r's list (page by page) and watch, on the multi
 * handle; has every resource been listed once (nothing is programmed
 * before)?
 */
void sync_watch(struct sync *sy, struct res *r);
void sync_run_res(struct sync *sy, struct res *r);
int sync_listed(const struct sync *sy);

/* sync_conntrack.c: kube-proxy's conntrack flags; 0 leaves a setting. */
struct ks_conntrack {
	long max_per_core, min;		/* entries */
	long tcp_established, tcp_close_wait, udp, udp_stream;	/* seconds */
	int tcp_be_liberal;
};
void sync_conntrack(const struct ks_conntrack *c);

/* sync_http.c */
int sync_http_start(struct sync *sy, const char *healthz, const char *metrics);
void sync_http_stop(struct sync *sy);
size_t sync_http_fds(struct sync *sy, int *fds, short *events, size_t max);
/* How many servers (each gives one descriptor to wait on). */
size_t sync_http_servers(const struct sync *sy);
long sync_http_timeout(struct sync *sy, long max_ms);
void sync_http_run(struct sync *sy);
int sync_healthy(const struct sync *sy);
/*
 * After a sync: Service key's healthCheckNodePort (svc, its built form, or
 * NULL when it is gone or has none) is opened, updated or closed.
 */
void sync_hc_update(struct sync *sy, const char *key, const struct ks_service *svc);
/* A full pass: mark all unseen, update each, then close the unseen. */
void sync_hc_begin(struct sync *sy);
void sync_hc_keep(struct sync *sy, const char *key);	/* refused: as it was */
void sync_hc_end(struct sync *sy);

#endif
