// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl sync's HTTP side: /healthz and /livez (kube-proxy's semantics:
 * unhealthy only when an update has waited longer than the health timeout
 * to be programmed; an API server that is away queues nothing, so health
 * stays good), /metrics (Prometheus text, kube-proxy's names where they
 * mean the same), and one server per healthCheckNodePort.
 */
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"
#include "xalloc.h"

void ks_hist_observe(struct ks_hist *h, double v)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (v <= h->le[i])
			h->count[i]++;
	h->total++;
	h->sum += v;
}

int sync_healthy(const struct sync *sy)
{
	return !sy->oldest_queued || now() - sy->oldest_queued < sy->health_timeout;
}

/* A time as Go's encoding/json writes a time.Time (RFC 3339, nanoseconds). */
static void go_time(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	long ns = (long)((t - (double)s) * 1e9);
	char d[40], frac[16];
	struct tm tm;
	int i;

	gmtime_r(&s, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%09ld", ns < 0 ? 0 : ns > 999999999 ? 999999999 : ns);
	for (i = (int)strlen(frac) - 1; i > 0 && frac[i] == '0'; i--)
		frac[i] = 0;
	if (!frac[1])
		frac[0] = 0;
	snprintf(buf, len, "%s%sZ", d, frac);
}

/*
 * kube-proxy's (1.33 and later) body: lastUpdated (now, when healthy),
 * currentTime, nodeEligible (/healthz only), healthy (the proxy's own),
 * and the same per IP family (ksvc programs both in one table).
 */
static void health(void *arg, const char *url, struct ks_reply *r)
{
	struct sync *sy = arg;
	char last[64], cur[64], upd[64], body[600];
	int live = !strcmp(url, "/livez"), healthy, ok;
	double w = wall();

	if (!live && strcmp(url, "/healthz"))
		return;
	healthy = sync_healthy(sy);
	ok = healthy && (live || sy->node_eligible);
	go_time(sy->last_updated, upd, sizeof(upd));
	go_time(healthy ? w : sy->last_updated, last, sizeof(last));
	go_time(w, cur, sizeof(cur));
	snprintf(body, sizeof(body),
		 "{\"lastUpdated\":\"%s\",\"currentTime\":\"%s\",%s\"healthy\":%s,"
		 "\"status\":{\"IPv4\":{\"lastUpdated\":\"%s\",\"healthy\":%s},"
		 "\"IPv6\":{\"lastUpdated\":\"%s\",\"healthy\":%s}}}",
		 last, cur, live ? "" : sy->node_eligible ? "\"nodeEligible\":true," :
		 "\"nodeEligible\":false,", healthy ? "true" : "false",
		 upd, healthy ? "true" : "false", upd, healthy ? "true" : "false");
	r->status = ok ? 200 : 503;
	r->ctype = "application/json";
	r->body = xstrdup(body);
	(live ? sy->livez_total : sy->healthz_total)[!ok]++;
}

/* ---- /metrics ---- */

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->s + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < o->cap - o->len)
			break;
		o->cap = o->cap * 2 + (size_t)n + 1024;
		o->s = xrealloc(o->s, o->cap);
	}
	o->len += (size_t)n;
}

static void meta(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void hist(struct out *o, const char *name, const char *help,
		 const struct ks_hist *h)
{
	size_t i;

	meta(o, name, "histogram", help);
	for (i = 0; i < h->n; i++)
		put(o, "%s_bucket{le=\"%g\"} %lu\n", name, h->le[i], h->count[i]);
	put(o, "%s_bucket{le=\"+Inf\"} %lu\n%s_sum %.9f\n%s_count %lu\n", name,
	    h->total, name, h->sum, name, h->total);
}

static void counter(struct out *o, const char *name, const char *help,
		    unsigned long v)
{
	meta(o, name, "counter", help);
	put(o, "%s %lu\n", name, v);
}

static void gauge(struct out *o, const char *name, const char *help, double v)
{
	meta(o, name, "gauge", help);
	put(o, "%s %.3f\n", name, v);
}

static void metrics(void *arg, const char *url, struct ks_reply *r)
{
	static const char *const classes[6] = { "none", "1xx", "2xx", "3xx", "4xx", "5xx" };
	struct sync *sy = arg;
	struct out o = { 0 };
	struct ks_info info;
	int i;

	if (strcmp(url, "/metrics"))
		return;
	o.cap = 8192;
	o.s = xmalloc(o.cap);
	o.s[0] = 0;
	hist(&o, "kubeproxy_sync_proxy_rules_duration_seconds",
	     "SyncProxyRules latency in seconds", &sy->sync_all);
	hist(&o, "kubeproxy_sync_full_proxy_rules_duration_seconds",
	     "SyncProxyRules latency in seconds for full resyncs", &sy->sync_full);
	hist(&o, "kubeproxy_sync_partial_proxy_rules_duration_seconds",
	     "SyncProxyRules latency in seconds for partial resyncs", &sy->sync_partial);
	hist(&o, "kubeproxy_network_programming_duration_seconds",
	     "In Cluster Network Programming Latency in seconds", &sy->netprog);
	gauge(&o, "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
	      "The last time proxy rules were successfully synced", sy->last_updated);
	gauge(&o, "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
	      "The last time a sync of proxy rules was queued", sy->last_queued_wall);
	counter(&o, "kubeproxy_sync_proxy_rules_service_changes_total",
		"Cumulative proxy rules Service changes", sy->svc_changes);
	counter(&o, "kubeproxy_sync_proxy_rules_endpoint_changes_total",
		"Cumulative proxy rules Endpoint changes", sy->ep_changes);
	gauge(&o, "kubeproxy_sync_proxy_rules_service_changes_pending",
	      "Pending proxy rules Service changes",
	      (double)json_object_object_length(sy->store.dirty));
	meta(&o, "kubeproxy_sync_proxy_rules_no_local_endpoints_total", "gauge",
	     "Number of services with a Local traffic policy and no endpoints");
	put(&o, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\"} %u\n",
	    sy->no_local[0]);
	put(&o, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"external\"} %u\n",
	    sy->no_local[1]);
	meta(&o, "kubeproxy_proxy_healthz_total", "counter", "Cumulative proxy healthz HTTP status");
	put(&o, "kubeproxy_proxy_healthz_total{code=\"200\"} %lu\n", sy->healthz_total[0]);
	put(&o, "kubeproxy_proxy_healthz_total{code=\"503\"} %lu\n", sy->healthz_total[1]);
	meta(&o, "kubeproxy_proxy_livez_total", "counter", "Cumulative proxy livez HTTP status");
	put(&o, "kubeproxy_proxy_livez_total{code=\"200\"} %lu\n", sy->livez_total[0]);
	put(&o, "kubeproxy_proxy_livez_total{code=\"503\"} %lu\n", sy->livez_total[1]);
	/* ksvc's own. */
	counter(&o, "ksvc_sync_full_syncs_total", "Full convergences against the kernel's tables",
		sy->full_syncs);
	counter(&o, "ksvc_sync_partial_syncs_total", "Syncs of the changed Services only", sy->syncs);
	counter(&o, "ksvc_sync_skipped_objects_total",
		"Objects from the API server that ksvc refused (logged), skipped", sy->skipped);
	counter(&o, "ksvc_sync_relists_total", "Lists after a watch could not resume (410 Gone)",
		sy->relists);
	counter(&o, "ksvc_sync_watch_restarts_total", "Watches that ended in an error or went silent",
		sy->watch_restarts);
	meta(&o, "ksvc_sync_api_requests_total", "counter",
	     "Requests to the API server by HTTP status class (none: no answer)");
	for (i = 0; i < 6; i++)
		put(&o, "ksvc_sync_api_requests_total{code=\"%s\"} %lu\n", classes[i],
		    ks_kube_requests[i]);
	gauge(&o, "ksvc_sync_store_services", "Services held from the API server",
	      (double)ks_store_count(&sy->store, KS_KIND_SERVICE));
	gauge(&o, "ksvc_sync_store_endpointslices", "EndpointSlices held from the API server",
	      (double)ks_store_count(&sy->store, KS_KIND_SLICE));
	if (!ks_nl_info(sy->nl, &info)) {
		gauge(&o, "ksvc_table_services", "Services in the kernel's table",
		      (double)info.n_services);
		gauge(&o, "ksvc_table_endpoints", "Endpoints in the kernel's table",
		      (double)info.n_endpoints);
	}
	r->status = 200;
	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	r->body = o.s;
}

/* ---- healthCheckNodePort ---- */

static void hc_answer(void *arg, const char *url, struct ks_reply *r)
{
	struct hc *hc = arg;
	const char *slash = strchr(hc->key, '/');
	int healthy = sync_healthy(hc->sy);
	char body[800];

	(void)url;
	/* kube-proxy's body, as it indents it. */
	snprintf(body, sizeof(body),
		 "{\n\t\"service\": {\n\t\t\"namespace\": \"%.*s\",\n\t\t\"name\": \"%s\"\n\t},\n"
		 "\t\"localEndpoints\": %u,\n\t\"serviceProxyHealthy\": %s\n}",
		 (int)(slash - hc->key), hc->key, slash + 1, hc->local,
		 healthy ? "true" : "false");
	r->status = hc->local && healthy ? 200 : 503;
	r->ctype = "application/json";
	r->body = xstrdup(body);
	snprintf(r->header[0], sizeof(r->header[0]), "X-Load-Balancing-Endpoint-Weight: %u",
		 hc->local);
}

static void hc_free(struct hc *hc)
{
	size_t i;

	for (i = 0; i < hc->n_h; i++)
		ks_httpd_stop(hc->h[i]);
	free(hc);
}

static void hc_close(struct sync *sy, size_t i)
{
	slog("healthCheckNodePort %u of %s closed", sy->hcs[i]->port, sy->hcs[i]->key);
	hc_free(sy->hcs[i]);
	sy->hcs[i] = sy->hcs[--sy->n_hcs];
}

/* addr:port into out, unless there already: 1 if added. */
static size_t add_addr(char (*out)[64], size_t n, const char *s)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (!strcmp(out[j], s))
			return 0;
	snprintf(out[n], sizeof(out[0]), "%s", s);
	return 1;
}

/*
 * Where a healthCheckNodePort listens, as kube-proxy's and as the kernel
 * takes node ports, family by family: with `--nodeport-addresses primary`,
 * the node IP of the family; with prefixes of the family, each address of
 * this namespace's interfaces inside one (link-local IPv6 aside: it would
 * need its interface), none if none is; else every address of the family
 * (both families: one socket).  What does not fit in max is logged.
 */
static size_t hc_addrs(struct sync *sy, unsigned int port, char (*out)[64], size_t max)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	struct ifaddrs *ifs = NULL, *i;
	int any[2] = { 1, 1 }, f, have_cfg;
	struct ks_config cfg;
	char buf[64];
	struct ks_addr a;
	size_t n = 0, k;

	have_cfg = !ks_nl_config_get(sy->nl, &cfg);
	if (have_cfg && cfg.n_np_cidrs)
		getifaddrs(&ifs);
	for (f = 0; have_cfg && f < 2; f++) {
		if (cfg.np_primary > 0) {
			for (k = 0; k < cfg.n_node_ips; k++)
				if (cfg.node_ips[k].family == fams[f]) {
					any[f] = 0;
					ks_addr_port(buf, sizeof(buf), &cfg.node_ips[k], (uint16_t)port);
					if (n < max)
						n += add_addr(out, n, buf);
					else
						slog("healthCheckNodePort %u: not on %s (%zu addresses at most)",
						     port, buf, max);
				}
			continue;
		}
		for (k = 0; k < cfg.n_np_cidrs; k++)
			if (cfg.np_cidrs[k].addr.family == fams[f])
				any[f] = 0;
		for (i = ifs; !any[f] && i; i = i->ifa_next) {
			const struct sockaddr *sa = i->ifa_addr;

			if (!sa || sa->sa_family != fams[f])
				continue;
			memset(&a, 0, sizeof(a));
			a.family = sa->sa_family;
			if (a.family == AF_INET)
				memcpy(a.a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
			else
				memcpy(a.a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
			if (a.family == AF_INET6 && a.a[0] == 0xfe && (a.a[1] & 0xc0) == 0x80)
				continue;
			for (k = 0; k < cfg.n_np_cidrs; k++)
				if (ks_cidr_contains(&cfg.np_cidrs[k], &a))
					break;
			if (k == cfg.n_np_cidrs)
				continue;
			ks_addr_port(buf, sizeof(buf), &a, (uint16_t)port);
			if (n < max)
				n += add_addr(out, n, buf);
			else
				slog("healthCheckNodePort %u: not on %s (%zu addresses at most)",
				     port, buf, max);
		}
	}
	freeifaddrs(ifs);
	/* "0.0.0.0" is IPv4's every address, "[::]" IPv6's alone (httpd.h). */
	if (any[0] && any[1])
		snprintf(out[n++], sizeof(out[0]), ":%u", port);
	else if (any[0] && n < max)
		snprintf(out[n++], sizeof(out[0]), "0.0.0.0:%u", port);
	else if (any[1] && n < max)
		snprintf(out[n++], sizeof(out[0]), "[::]:%u", port);
	return n;
}

/* The Service's healthCheckNodePort, when it is to be served: 0 none. */
static unsigned int hc_port(const struct sync *sy, const char *key)
{
	json_object *o, *p;
	const char *type, *etp;

	if (!json_object_object_get_ex(sy->store.objs[KS_KIND_SERVICE], key, &o))
		return 0;
	type = ks_json_str(o, "spec", "type", NULL);
	etp = ks_json_str(o, "spec", "externalTrafficPolicy", NULL);
	if (!type || strcmp(type, "LoadBalancer") || !etp || strcmp(etp, "Local"))
		return 0;
	if (!json_object_object_get_ex(json_object_object_get(o, "spec"),
				       "healthCheckNodePort", &p))
		return 0;
	return (unsigned int)json_object_get_int(p);
}

void sync_hc_update(struct sync *sy, const char *key, const struct ks_service *svc)
{
	unsigned int port = svc ? hc_port(sy, key) : 0, local = 0;
	char err[200];
	struct hc *hc = NULL;
	size_t i, j;

	for (i = 0; i < sy->n_hcs; i++)
		if (!strcmp(sy->hcs[i]->key, key)) {
			hc = sy->hcs[i];
			break;
		}
	if (hc && hc->port != port) {
		hc_close(sy, i);
		hc = NULL;
	}
	if (!port || port > 65535)
		return;
	/* Ready endpoints on this node, each address once. */
	for (i = 0; i < svc->n_eps; i++) {
		const struct ks_endpoint *e = &svc->eps[i];

		if ((e->flags & (KSVC_EP_F_LOCAL | KSVC_EP_F_READY)) !=
		    (KSVC_EP_F_LOCAL | KSVC_EP_F_READY))
			continue;
		for (j = 0; j < i; j++)
			if ((svc->eps[j].flags & (KSVC_EP_F_LOCAL | KSVC_EP_F_READY)) ==
			    (KSVC_EP_F_LOCAL | KSVC_EP_F_READY) &&
			    !ks_addr_cmp(&svc->eps[j].addr, &e->addr))
				break;
		local += j == i;
	}
	if (!hc) {
		char addrs[KS_HC_ADDRS][64], list[KS_HC_ADDRS * 66] = "";
		size_t n = hc_addrs(sy, port, addrs, KS_HC_ADDRS);

		hc = xcalloc(1, sizeof(*hc));
		snprintf(hc->key, sizeof(hc->key), "%s", key);
		hc->port = port;
		hc->sy = sy;
		for (j = 0; j < n; j++) {
			hc->h[hc->n_h] = ks_httpd_start(addrs[j], hc_answer, hc, err, sizeof(err));
			if (!hc->h[hc->n_h]) {
				/* The others serve; this one at the Service's next change. */
				slog("healthCheckNodePort %u of %s: %s", port, key, err);
				continue;
			}
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 hc->n_h++ ? " " : "", addrs[j]);
		}
		if (!hc->n_h) {
			if (n)
				slog("healthCheckNodePort %u of %s: no address to listen on",
				     port, key);
			hc_free(hc);
			return;
		}
		sy->hcs = xrealloc(sy->hcs, (sy->n_hcs + 1) * sizeof(*sy->hcs));
		sy->hcs[sy->n_hcs++] = hc;
		slog("healthCheckNodePort %u of %s open on %s", port, key, list);
	}
	hc->local = local;
	hc->seen = 1;
}

void sync_hc_begin(struct sync *sy)
{
	size_t i;

	for (i = 0; i < sy->n_hcs; i++)
		sy->hcs[i]->seen = 0;
}

void sync_hc_keep(struct sync *sy, const char *key)
{
	size_t i;

	for (i = 0; i < sy->n_hcs; i++)
		if (!strcmp(sy->hcs[i]->key, key))
			sy->hcs[i]->seen = 1;
}

void sync_hc_end(struct sync *sy)
{
	size_t i = 0;

	while (i < sy->n_hcs)
		if (!sy->hcs[i]->seen)
			hc_close(sy, i);
		else
			i++;
}

/* ---- the servers ---- */

int sync_http_start(struct sync *sy, const char *healthz, const char *metrics_addr)
{
	char err[200];

	if (healthz && *healthz) {
		sy->healthz = ks_httpd_start(healthz, health, sy, err, sizeof(err));
		if (!sy->healthz) {
			fprintf(stderr, "ksvcctl: sync: --healthz-bind-address: %s\n", err);
			return -1;
		}
	}
	if (metrics_addr && *metrics_addr) {
		sy->metrics = ks_httpd_start(metrics_addr, metrics, sy, err, sizeof(err));
		if (!sy->metrics) {
			fprintf(stderr, "ksvcctl: sync: --metrics-bind-address: %s\n", err);
			return -1;
		}
	}
	return 0;
}

void sync_http_stop(struct sync *sy)
{
	ks_httpd_stop(sy->healthz);
	ks_httpd_stop(sy->metrics);
	while (sy->n_hcs)
		hc_close(sy, 0);
	free(sy->hcs);
	sy->hcs = NULL;
}

size_t sync_http_fds(struct sync *sy, int *fds, short *events, size_t max)
{
	size_t n = 0, i, j;

	if (sy->healthz)
		n += ks_httpd_fds(sy->healthz, fds + n, events + n, max - n);
	if (sy->metrics)
		n += ks_httpd_fds(sy->metrics, fds + n, events + n, max - n);
	for (i = 0; i < sy->n_hcs; i++)
		for (j = 0; j < sy->hcs[i]->n_h && n < max; j++)
			n += ks_httpd_fds(sy->hcs[i]->h[j], fds + n, events + n, max - n);
	return n;
}

/* The soonest any server wants to run again (ms), at most max_ms. */
long sync_http_timeout(struct sync *sy, long max_ms)
{
	long t, best = max_ms;
	size_t i, j;

	if (sy->healthz && (t = ks_httpd_timeout(sy->healthz)) >= 0 && t < best)
		best = t;
	if (sy->metrics && (t = ks_httpd_timeout(sy->metrics)) >= 0 && t < best)
		best = t;
	for (i = 0; i < sy->n_hcs; i++)
		for (j = 0; j < sy->hcs[i]->n_h; j++)
			if ((t = ks_httpd_timeout(sy->hcs[i]->h[j])) >= 0 && t < best)
				best = t;
	return best;
}

size_t sync_http_servers(const struct sync *sy)
{
	size_t n = 2, i;

	for (i = 0; i < sy->n_hcs; i++)
		n += sy->hcs[i]->n_h;
	return n;
}

void sync_http_run(struct sync *sy)
{
	size_t i, j;

	if (sy->healthz)
		ks_httpd_run(sy->healthz);
	if (sy->metrics)
		ks_httpd_run(sy->metrics);
	for (i = 0; i < sy->n_hcs; i++)
		for (j = 0; j < sy->hcs[i]->n_h; j++)
			ks_httpd_run(sy->hcs[i]->h[j]);
}
