// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl sync: the node agent.  It lists and watches the API server's
 * Services, EndpointSlices and this node's Node, and keeps the kernel's
 * tables in step:
 *
 *   list (paged) -> store (store.c) -> first sync: full convergence
 *   watch events -> store marks changed Services dirty
 *   after --min-sync-period: the dirty Services through the parser, one
 *     transaction (O(change): no dump, no other Service read)
 *   a full convergence (dump, plan, prune) after a relist, when the
 *     tables moved under the agent (another writer), when an incremental
 *     commit is refused, and every --full-sync-period
 *
 * The API server is sometimes away: the tables are kept, each watch is
 * retried with a backoff (1 s doubling to 30 s), 410 Gone relists.  A
 * watch that sends nothing for --watch-timeout (a live API server sends a
 * bookmark about every minute) is treated as broken.  One thread: lists
 * and watches share a curl multi handle (kube.c), polled with the HTTP
 * servers' sockets, so no request to the API server holds the health
 * checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan.h"
#include "sync.h"
#include "xalloc.h"
#include "cmd.h"

/* kube-proxy skips these (pkg/proxy/config, its informers' selector). */
#define PROXY_SELECTOR \
	"labelSelector=%21service.kubernetes.io%2Fservice-proxy-name%2C%21service.kubernetes.io%2Fheadless"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void slog(const char *fmt, ...)
{
	struct timespec ts;
	char t[32];
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ sync: ", t, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_errors(const struct ks_errors *e, const char *what)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		slog("%s: skipped: %s", what, e->msgs[i]);
	if (e->n > e->n_msgs)
		slog("%s: ... and %zu more errors", what, e->n - e->n_msgs);
}

/* ---- the command ---- */

static int parse_count(const char *s, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	return end == s || *end || *v < 0 ? -1 : 0;
}

static int parse_secs(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	if (end == s || *v < 0)
		return -1;
	if (!strcmp(end, "ms"))
		*v /= 1000;
	else if (!strcmp(end, "m"))
		*v *= 60;
	else if (!strcmp(end, "h"))
		*v *= 3600;
	else if (*end && strcmp(end, "s"))
		return -1;
	return 0;
}

/* kube-proxy's buckets: exponential from 1 ms for syncs... */
static const double exp_buckets[15] = {
	0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512,
	1.024, 2.048, 4.096, 8.192, 16.384,
};
/* ...and 0, 0.25, 0.5, 1..59, 60..115 by 5, 120..300 by 30 for programming. */
static double npl_buckets[81];

static void hists_init(struct sync *sy)
{
	size_t n = 0;
	int i;

	npl_buckets[n++] = 0;
	npl_buckets[n++] = 0.25;
	npl_buckets[n++] = 0.5;
	for (i = 1; i <= 59; i++)
		npl_buckets[n++] = i;
	for (i = 60; i <= 115; i += 5)
		npl_buckets[n++] = i;
	for (i = 120; i <= 300; i += 30)
		npl_buckets[n++] = i;
	sy->netprog.le = npl_buckets;
	sy->netprog.n = n;
	sy->sync_all.le = sy->sync_full.le = sy->sync_partial.le = exp_buckets;
	sy->sync_all.n = sy->sync_full.n = sy->sync_partial.n = 15;
}

/* What the command line says (kube-proxy's defaults otherwise). */
struct sync_args {
	const char *kcpath, *apiserver, *sa_dir, *node;
	const char *healthz, *metrics;
	struct ks_conntrack ct;
	char hn[256];
};

/* Options into args and sy's settings; 0, or the usage error's exit code. */
static int sync_options(int argc, char **argv, struct sync_args *a,
			struct sync *sy)
{
	double d;
	int c;

	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'k':
			a->kcpath = optarg;
			break;
		case 'I':
			a->sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
			break;
		case 'S':
			a->sa_dir = optarg;
			break;
		case 'A':
			a->apiserver = optarg;
			break;
		case 'N':
			a->node = optarg;
			break;
		case 'm':
			if (parse_secs(optarg, &sy->min_sync))
				return usage_error("--min-sync-period: '%s' is not a duration", optarg);
			break;
		case 'F':
			if (parse_secs(optarg, &sy->full_period) || sy->full_period < 1)
				return usage_error("--full-sync-period: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'W':
			if (parse_secs(optarg, &sy->idle) || sy->idle < 1)
				return usage_error("--watch-timeout: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'H':
			a->healthz = optarg;
			break;
		case 'M':
			a->metrics = optarg;
			break;
		case 'c':
		case 'n':
			if (parse_count(optarg, c == 'c' ? &a->ct.max_per_core : &a->ct.min))
				return usage_error("--conntrack-max-per-core and --conntrack-min take a count, not '%s'",
						   optarg);
			break;
		case 'e':
		case 'w':
		case 'u':
		case 's':
			if (parse_secs(optarg, &d))
				return usage_error("a conntrack timeout takes a duration, not '%s'", optarg);
			*(c == 'e' ? &a->ct.tcp_established : c == 'w' ? &a->ct.tcp_close_wait :
			  c == 'u' ? &a->ct.udp : &a->ct.udp_stream) = (long)d;
			break;
		case 'L':
			a->ct.tcp_be_liberal = 1;
			break;
		case 'T':
			if (parse_secs(optarg, &sy->health_timeout) || sy->health_timeout < 1)
				return usage_error("--health-timeout: '%s' is not a duration of 1s or more", optarg);
			break;
		case 'D':
			if (!strcmp(optarg, "NodeCIDR"))
				sy->detect_node_cidr = 1;
			else if (!strcmp(optarg, "None"))
				sy->detect_node_cidr = 0;
			else
				return usage_error("--detect-local-mode takes NodeCIDR or None, not '%s'", optarg);
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return 0;
}

/* As kube-proxy: --hostname-override, else NODE_NAME, else the host name. */
static int sync_node_name(struct sync_args *a, struct sync *sy)
{
	const char *node = a->node;

	if (!node)
		node = getenv("NODE_NAME");
	if (!node || !*node) {
		if (gethostname(a->hn, sizeof(a->hn)))
			return usage_error("%s", "no node name: give --node-name");
		a->hn[sizeof(a->hn) - 1] = 0;
		node = a->hn;
	}
	if (strlen(node) > KSVC_NODE_NAME_MAX)
		return usage_error("node name '%s' is too long", node);
	snprintf(sy->node_name, sizeof(sy->node_name), "%s", node);
	sy->po.node_name = sy->node_name;
	sy->po.skip_invalid = 1;
	return 0;
}

/*
 * The module (same protocol, this node's name set) and the API server's
 * client; server: its URL, for the log.  0 or an exit code, nothing left
 * open.
 */
static int sync_connect(const struct sync_args *a, struct sync *sy,
			char *server, size_t len)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1, .np_primary = -1,
				 .set_node_name = 1 };
	struct ks_kubeconfig kc;
	struct ks_info info;
	char err[600];
	int ret;

	if (a->sa_dir ? ks_kubeconfig_incluster(a->sa_dir, a->apiserver, &kc, err, sizeof(err)) :
			ks_kubeconfig_load(a->kcpath, &kc, err, sizeof(err))) {
		fprintf(stderr, "ksvcctl: sync: %s\n", err);
		return KS_EXIT_USAGE;
	}
	if (a->apiserver && !a->sa_dir) {
		free(kc.server);
		kc.server = xstrdup(a->apiserver);
	}
	ret = open_nl(&sy->nl, "sync");
	if (ret)
		goto out;
	/* An agent and a module of different protocols must not talk. */
	ret = ks_nl_info(sy->nl, &info);
	if (ret || info.proto_version != KSVC_GENL_VERSION) {
		if (ret)
			ks_nl_report(sy->nl, "sync: info", ret);
		else
			fprintf(stderr, "ksvcctl: sync: protocol mismatch: tool %d, module %u (upgrade both)\n",
				KSVC_GENL_VERSION, info.proto_version);
		ret = KS_EXIT_ERROR;
		goto out_nl;
	}
	snprintf(server, len, "%s", kc.server);
	sy->kube = ks_kube_new(&kc, err, sizeof(err));
	if (!sy->kube) {
		fprintf(stderr, "ksvcctl: sync: %s\n", err);
		ret = KS_EXIT_ERROR;
		goto out_nl;
	}
	snprintf(cfg.node_name, sizeof(cfg.node_name), "%s", sy->node_name);
	ret = ks_nl_config_set(sy->nl, &cfg);
	if (!ret)
		return 0;
	ret = ks_nl_report(sy->nl, "sync: node name", ret);
	ks_kube_free(sy->kube);
	sy->kube = NULL;
out_nl:
	ks_nl_close(sy->nl);
	sy->nl = NULL;
out:
	if (ret)
		ks_kubeconfig_free(&kc);
	return ret;
}

/*
 * What is listed and watched: Services, EndpointSlices, this node's Node,
 * the ServiceCIDRs.
 */
static void sync_resources(struct sync *sy)
{
	int r;

	sy->res[R_SERVICES] = (struct res){ .name = "services", .path = "/api/v1/services" };
	sy->res[R_SLICES] = (struct res){ .name = "endpointslices",
					  .path = "/apis/discovery.k8s.io/v1/endpointslices" };
	sy->res[R_NODE] = (struct res){ .name = "node", .path = "/api/v1/nodes" };
	sy->res[R_SVC_CIDRS] = (struct res){ .name = "servicecidrs",
					     .path = "/apis/networking.k8s.io/v1/servicecidrs" };
	snprintf(sy->res[R_SERVICES].query, sizeof(sy->res[0].query), "%s", PROXY_SELECTOR);
	snprintf(sy->res[R_SLICES].query, sizeof(sy->res[0].query), "%s", PROXY_SELECTOR);
	snprintf(sy->res[R_NODE].query, sizeof(sy->res[0].query),
		 "fieldSelector=metadata.name%%3D%s", sy->node_name);
	for (r = 0; r < R_N; r++) {
		sy->res[r].sy = sy;
		sy->res[r].backoff = 1;
		sy->res[r].relist = 1;
	}
}

/* Wait for the API server's answers and the HTTP servers' clients. */
static void sync_poll(struct sync *sy, double wait)
{
	/* Each server: one epoll descriptor. */
	size_t max = sync_http_servers(sy), nfd;
	int *fds = xcalloc(max, sizeof(*fds));
	short *ev = xcalloc(max, sizeof(*ev));
	long ms = sync_http_timeout(sy, wait > 0 ? (long)(wait * 1000) : 0);

	nfd = sync_http_fds(sy, fds, ev, max);
	ks_kube_poll(sy->kube, (int)ms, fds, ev, nfd);
	free(fds);
	free(ev);
}

/*
 * Every resource is listed, then watched (sync_run_res); the first sync,
 * once every list is complete, is a full convergence.  Health is served
 * meanwhile, whatever the API server does.  Until SIGTERM or SIGINT.
 */
static void sync_loop(struct sync *sy)
{
	int r;

	sy->need_full = 1;
	while (!stop) {
		double t = now(), wait = 1.0;

		/* Changes wait for the lists: nothing is synced before. */
		if (sy->dirty_since && sync_listed(sy)) {
			double due = sy->dirty_since + sy->min_sync - t;

			wait = due < wait ? due : wait;
		}
		sync_poll(sy, wait);
		sync_http_run(sy);
		for (r = 0; r < R_N; r++)
			sync_run_res(sy, &sy->res[r]);
		if (!sync_listed(sy))
			continue;
		t = now();
		if ((sy->need_full && t >= sy->full_retry_at) ||
		    t - sy->last_full >= sy->full_period)
			sync_full(sy);
		else if (sy->dirty_since && t - sy->dirty_since >= sy->min_sync)
			sync_dirty(sy);
	}
}

static int cmd_sync(int argc, char **argv)
{
	struct sync_args a = {
		.healthz = "0.0.0.0:10256", .metrics = "127.0.0.1:10249",
		/* kube-proxy's defaults. */
		.ct = { .max_per_core = 32768, .min = 131072,
			.tcp_established = 86400, .tcp_close_wait = 3600 },
	};
	struct sync sy = {
		.min_sync = 1, .full_period = 3600, .idle = 150,
		.detect_node_cidr = 1, .health_timeout = 60,
	};
	char server[300];
	struct sigaction sa;
	int ret, r;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	ret = sync_options(argc, argv, &a, &sy);
	if (!ret)
		ret = sync_node_name(&a, &sy);
	if (!ret)
		ret = sync_connect(&a, &sy, server, sizeof(server));
	if (ret)
		return ret;
	ks_store_init(&sy.store);
	sy.programmed = json_object_new_object();
	sy.triggers = json_object_new_object();
	sy.nolocal = json_object_new_object();
	hists_init(&sy);
	sync_conntrack(&a.ct);
	/* Serving health before the first sync: "not updated yet" is healthy. */
	if (sync_http_start(&sy, a.healthz, a.metrics)) {
		ret = KS_EXIT_USAGE;
		goto out;
	}
	sync_resources(&sy);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	slog("node %s, API server %s", sy.node_name, server);
	sync_loop(&sy);
	slog("stopping: the tables stay as they are");
	ret = KS_EXIT_OK;
	for (r = 0; r < R_N; r++) {
		ks_req_stop(sy.res[r].w);
		json_object_put(sy.res[r].items);
	}
out:
	sync_http_stop(&sy);
	json_object_put(sy.programmed);
	json_object_put(sy.svc_cidrs);
	json_object_put(sy.triggers);
	json_object_put(sy.nolocal);
	ks_store_free(&sy.store);
	ks_kube_free(sy.kube);
	ks_nl_close(sy.nl);
	return ret;
}

static const struct ks_opt sync_opts[] = {
	{ "kubeconfig", 'k', 0, "FILE", "@files" },
	{ "in-cluster", 'I', 0, NULL, NULL },
	{ "service-account-dir", 'S', 0, "DIR", "@files" },
	{ "apiserver", 'A', 0, "URL", NULL },
	OPT_NODE,
	{ "min-sync-period", 'm', 0, "DURATION", NULL },
	{ "full-sync-period", 'F', 0, "DURATION", NULL },
	{ "watch-timeout", 'W', 0, "DURATION", NULL },
	{ "detect-local-mode", 'D', 0, "NodeCIDR|None", "NodeCIDR None" },
	{ "healthz-bind-address", 'H', 0, "ADDR:PORT", NULL },
	{ "metrics-bind-address", 'M', 0, "ADDR:PORT", NULL },
	{ "health-timeout", 'T', 0, "DURATION", NULL },
	{ "conntrack-max-per-core", 'c', 0, "N", NULL },
	{ "conntrack-min", 'n', 0, "N", NULL },
	{ "conntrack-tcp-timeout-established", 'e', 0, "DURATION", NULL },
	{ "conntrack-tcp-timeout-close-wait", 'w', 0, "DURATION", NULL },
	{ "conntrack-udp-timeout", 'u', 0, "DURATION", NULL },
	{ "conntrack-udp-timeout-stream", 's', 0, "DURATION", NULL },
	{ "conntrack-tcp-be-liberal", 'L', 0, NULL, NULL },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_sync = {
	.name = "sync",
	.fn = cmd_sync,
	.args = "",
	.opts = sync_opts,
	.help = "The node agent: list and watch the API server's Services, EndpointSlices\n"
		"and this node's Node (--kubeconfig FILE or $KUBECONFIG; or --in-cluster,\n"
		"the service account, or that in --service-account-dir, with --apiserver\n"
		"URL), and keep this namespace's\n"
		"tables in step.  Changes are gathered for --min-sync-period (1s) and\n"
		"sent in one transaction, the changed Services only; a full convergence\n"
		"(prune) runs at start, after a relist, when another writer changed the\n"
		"tables, and every --full-sync-period (1h).  A watch silent for\n"
		"--watch-timeout (150s) is restarted.  The node name: --node-name, else\n"
		"$NODE_NAME, else the host name.  The Node's first InternalIP (else\n"
		"ExternalIP) of each family become the node IPs; its podCIDRs the pod\n"
		"CIDRs (--detect-local-mode NodeCIDR, the default; None leaves them).\n"
		"Objects ksvc refuses are logged and skipped.  SIGTERM stops it, the\n"
		"tables left as they are.  Serves /healthz and /livez on\n"
		"--healthz-bind-address (0.0.0.0:10256; 503 once a change waited longer\n"
		"than --health-timeout, 60s; /healthz also while the Node is deleted or\n"
		"drained), /metrics on --metrics-bind-address (127.0.0.1:10249), and\n"
		"each healthCheckNodePort; \"\" turns a server off.  Sets conntrack as\n"
		"kube-proxy's flags do (nf_conntrack_max: --conntrack-max-per-core 32768\n"
		"x CPUs, at least --conntrack-min 131072; TCP established 24h, close-wait\n"
		"1h; UDP timeouts when given; 0 leaves one).",
};
