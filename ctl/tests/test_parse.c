// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of ksvcctl's parser and model: TAP output, one test per
 * behaviour, every error message checked word for word, line:col included.
 *
 *   test_parse [DATA_DIR]          run the tests (DATA_DIR: tests/data)
 *   test_parse --dump FILE...      print what FILE... parse into
 *
 * KS_TEST_QUICK=1 shrinks the scale test (for valgrind).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <dirent.h>

#include "model.h"
#include "parse.h"
#include "plan.h"
#include "out.h"
#include "tests/check.h"

static const char *data_dir = "tests/data";
static const char *corpus_dir = "corpus";

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!_a || strcmp(_a, _b)) {				\
			printf("#   %s:%d: got      \"%s\"\n"		\
			       "#   %*s  expected \"%s\"\n",		\
			       __FILE__, __LINE__, _a ? _a : "(null)",	\
			       (int)strlen(__FILE__) + 4, "", _b);	\
			failed = 1;					\
		}							\
	} while (0)

/* ---- helpers ----------------------------------------------------------- */

struct result {
	struct ks_state st;
	struct ks_errors errs;
	int ret;
};

static void result_free(struct result *r)
{
	ks_state_free(&r->st);
	ks_errors_free(&r->errs);
}

static void show_errors(const struct result *r)
{
	size_t i;

	for (i = 0; i < r->errs.n_msgs; i++)
		printf("#   error: %s\n", r->errs.msgs[i]);
}

/* Parse NULL-terminated (name, text) pairs. */
static void parse_bufs(struct result *r, const struct ks_parse_opts *o, ...)
{
	struct ks_input *in = ks_input_new();
	const char *name, *text;
	va_list ap;

	ks_state_init(&r->st);
	ks_errors_init(&r->errs);
	va_start(ap, o);
	while ((name = va_arg(ap, const char *))) {
		text = va_arg(ap, const char *);
		ks_input_add_buffer(in, name, text, strlen(text), &r->errs);
	}
	va_end(ap);
	r->ret = ks_input_build(in, o, &r->st, &r->errs);
	ks_input_free(in);
}

static void parse_str(struct result *r, const char *name, const char *text)
{
	parse_bufs(r, NULL, name, text, NULL);
}

static void parse_files(struct result *r, const struct ks_parse_opts *o,
			const char *const *files)
{
	struct ks_input *in = ks_input_new();
	char path[4096];

	ks_state_init(&r->st);
	ks_errors_init(&r->errs);
	for (; *files; files++) {
		snprintf(path, sizeof(path), "%s/%s", data_dir, *files);
		ks_input_add_path(in, path, &r->errs);
	}
	r->ret = ks_input_build(in, o, &r->st, &r->errs);
	ks_input_free(in);
}

static void addr(struct ks_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, s, a->a) != 1)
		abort();
}

static const struct ks_service *svc(const struct result *r, const char *ns,
				    const char *name)
{
	const struct ks_service *s = ks_state_find(&r->st, ns, name);

	if (!s)
		printf("#   no Service %s/%s\n", ns, name);
	return s;
}

static int has_fe(const struct ks_service *s, int kind, const char *ip)
{
	struct ks_addr a;
	size_t i;

	addr(&a, ip);
	for (i = 0; s && i < s->n_fes; i++)
		if (s->fes[i].kind == kind && !ks_addr_cmp(&s->fes[i].addr, &a))
			return 1;
	return 0;
}

/* The flags of endpoint ip:port of port pi, or -1 when absent. */
static long ep_flags(const struct ks_service *s, int pi, const char *ip,
		     int port)
{
	struct ks_addr a;
	size_t i;

	addr(&a, ip);
	for (i = 0; s && i < s->n_eps; i++)
		if (s->eps[i].port_index == pi && s->eps[i].port == port &&
		    !ks_addr_cmp(&s->eps[i].addr, &a))
			return s->eps[i].flags;
	return -1;
}

static void dump_state(const struct ks_state *st, FILE *f)
{
	static const char *const types[] = {
		"ClusterIP", "NodePort", "LoadBalancer", "ExternalName",
		"Headless",
	};
	static const char *const kinds[] = { "cluster", "external", "lb" };
	char buf[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < st->n_svcs; i++) {
		const struct ks_service *s = &st->svcs[i];

		fprintf(f, "%s/%s %s flags %#x %s (%s:%d:%d)\n", s->ns, s->name,
			types[s->type], s->flags, s->external_name,
			s->pos.file, s->pos.line, s->pos.col);
		for (j = 0; j < s->n_ports; j++)
			fprintf(f, "  port %zu \"%s\" %u/%u node %u\n", j,
				s->ports[j].name, s->ports[j].port,
				s->ports[j].proto, s->ports[j].node_port);
		for (j = 0; j < s->n_fes; j++)
			fprintf(f, "  fe %s %s\n", kinds[s->fes[j].kind],
				inet_ntop(s->fes[j].addr.family,
					  s->fes[j].addr.a, buf, sizeof(buf)));
		for (j = 0; j < s->n_eps; j++)
			fprintf(f, "  ep [%u] %s:%u flags %#x\n",
				s->eps[j].port_index,
				inet_ntop(s->eps[j].addr.family,
					  s->eps[j].addr.a, buf, sizeof(buf)),
				s->eps[j].port, s->eps[j].flags);
	}
}

/* ---- fixtures ------------------------------------------------------- */

#define RDY	KSVC_EP_F_READY
#define SRV	KSVC_EP_F_SERVING
#define TRM	KSVC_EP_F_TERMINATING
#define LOC	KSVC_EP_F_LOCAL

/* list.yaml and list.json hold the same objects. */
static void check_list_fixture(const struct result *r)
{
	const struct ks_service *s;

	CHECK(r->ret == 0);
	show_errors(r);
	CHECK(r->st.n_svcs == 8);	/* 9 Services, one for another proxy */

	s = svc(r, "default", "kubernetes");
	CHECK(s && s->type == KSVC_SVC_CLUSTER_IP && s->flags == 0);
	CHECK(s && s->n_ports == 1 && s->n_fes == 1 && s->n_eps == 1);
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "10.96.0.1"));
	CHECK(ep_flags(s, 0, "192.168.49.2", 8443) == (RDY | SRV));

	s = svc(r, "shop", "frontend");
	CHECK(s && s->type == KSVC_SVC_NODE_PORT);
	CHECK(s && s->flags == KSVC_SVC_F_EXT_LOCAL);
	CHECK(s && s->n_ports == 1 && s->ports[0].node_port == 30080 &&
	      s->ports[0].port == 80 && s->ports[0].proto == IPPROTO_TCP &&
	      !strcmp(s->ports[0].name, ""));
	CHECK(s && s->n_fes == 2);
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "10.96.30.3"));
	CHECK(has_fe(s, KSVC_FE_EXTERNAL_IP, "203.0.113.10"));
	/* No conditions at all: ready and serving. */
	CHECK(ep_flags(s, 0, "10.244.3.20", 8080) == (RDY | SRV));

	s = svc(r, "default", "external-db");
	CHECK(s && s->n_eps == 2);
	CHECK(ep_flags(s, 0, "192.0.2.50", 5432) == (RDY | SRV));
	CHECK(ep_flags(s, 0, "192.0.2.51", 5432) == (RDY | SRV));

	CHECK(!ks_state_find(&r->st, "default", "not-mine"));
	CHECK(!ks_state_find(&r->st, "default", "gone"));
}

static void test_list_yaml(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	struct result r;

	parse_files(&r, NULL, f);
	check_list_fixture(&r);
	/* Positions point at the item in the List. */
	CHECK(r.st.n_svcs && !strcmp(r.st.svcs[0].ns, "default"));
	CHECK_STR(r.st.svcs[0].name, "db-headless");
	CHECK(r.st.svcs[0].pos.line == 214 && r.st.svcs[0].pos.col == 3);
	CHECK(strstr(r.st.svcs[0].pos.file, "list.yaml") != NULL);
	result_free(&r);
}

static void test_list_json(void)
{
	static const char *const f[] = { "list.json", NULL };
	struct result r;

	parse_files(&r, NULL, f);
	check_list_fixture(&r);
	result_free(&r);
}

/* JSON and YAML of the same objects program the kernel identically. */
static void test_json_equals_yaml(void)
{
	static const char *const fy[] = { "list.yaml", NULL };
	static const char *const fj[] = { "list.json", NULL };
	struct result y, j;
	size_t i;

	parse_files(&y, NULL, fy);
	parse_files(&j, NULL, fj);
	CHECK(y.st.n_svcs == j.st.n_svcs && y.st.n_svcs > 0);
	for (i = 0; i < y.st.n_svcs && i < j.st.n_svcs; i++) {
		CHECK(!strcmp(y.st.svcs[i].ns, j.st.svcs[i].ns));
		CHECK(!strcmp(y.st.svcs[i].name, j.st.svcs[i].name));
		CHECK(!ks_service_cmp(&y.st.svcs[i], &j.st.svcs[i]));
	}
	result_free(&y);
	result_free(&j);
}

static void test_multi_doc(void)
{
	static const char *const f[] = { "multi.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(r.st.n_svcs == 2);
	s = svc(&r, "demo", "numbers-api");
	CHECK(s && s->n_ports == 1 && s->ports[0].port == 80);
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "10.96.50.1"));
	CHECK(s && s->n_eps == 1);
	CHECK(ep_flags(s, 0, "10.244.7.10", 8080) == (RDY | SRV));
	CHECK(s && s->pos.line == 3 && s->pos.col == 1);
	result_free(&r);
}

/* A Service without selector and the slice somebody wrote for it. */
static void test_selectorless(void)
{
	static const char *const f[] = { "multi.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "demo", "legacy-db");
	CHECK(s && s->n_ports == 2 && s->n_eps == 4);
	CHECK(ep_flags(s, 0, "192.0.2.10", 15432) == (RDY | SRV));
	CHECK(ep_flags(s, 0, "192.0.2.11", 15432) == 0);
	CHECK(ep_flags(s, 1, "192.0.2.10", 15432) == (RDY | SRV));
	CHECK(s && s->ports[1].proto == IPPROTO_UDP);
	result_free(&r);
}

/* Slice ports are matched by name, not by position. */
static void test_port_match_by_name(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "default", "web");
	/* web-abc12 lists https before http. */
	CHECK(s && !strcmp(s->ports[0].name, "http") &&
	      !strcmp(s->ports[1].name, "https"));
	CHECK(ep_flags(s, 0, "10.244.2.9", 8080) >= 0);
	CHECK(ep_flags(s, 1, "10.244.2.9", 8443) >= 0);
	CHECK(ep_flags(s, 0, "10.244.2.9", 8443) == -1);
	CHECK(ep_flags(s, 1, "10.244.2.9", 8080) == -1);
	result_free(&r);
}

static void test_multi_port(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "default", "web");
	CHECK(s && s->type == KSVC_SVC_CLUSTER_IP);
	CHECK(s && s->flags == (KSVC_SVC_F_INT_LOCAL | KSVC_SVC_F_AFFINITY));
	CHECK(s && s->n_ports == 2 && s->ports[0].port == 80 &&
	      s->ports[1].port == 443);
	/* Dual stack: both cluster IPs. */
	CHECK(s && s->n_fes == 2);
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "10.96.10.10"));
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "fd00:10:96::a"));
	/* 4 IPv4 + 1 IPv6 addresses, one of them in two slices, x 2 ports. */
	CHECK(s && s->n_eps == 10);
	CHECK(ep_flags(s, 1, "fd00:10:244:1::5", 8443) == (RDY | SRV));
	result_free(&r);
}

static void test_tcp_udp_same_port(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "kube-system", "kube-dns");
	CHECK(s && s->n_ports == 3);
	CHECK(s && s->ports[0].port == 53 && s->ports[0].proto == IPPROTO_UDP);
	CHECK(s && s->ports[1].port == 53 && s->ports[1].proto == IPPROTO_TCP);
	CHECK(s && s->n_eps == 6);
	CHECK(ep_flags(s, 0, "10.244.0.3", 53) == (RDY | SRV));
	CHECK(ep_flags(s, 1, "10.244.0.4", 53) == (RDY | SRV));
	CHECK(ep_flags(s, 2, "10.244.0.4", 9153) == (RDY | SRV));
	result_free(&r);
}

/* A Service port without name matches slice ports named "" or unnamed. */
static void test_empty_port_names(void)
{
	struct result r;
	const struct ks_service *s;

	parse_str(&r, "e.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\n"
		  "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: a-1, labels: {kubernetes.io/service-name: a}}\n"
		  "addressType: IPv4\n"
		  "ports: [{port: 81}, {name: \"\", port: 82}, {name: x, port: 83},"
		  " {name: \"\", port: 84, protocol: UDP}, {name: \"\"}]\n"
		  "endpoints: [{addresses: [10.1.0.1]}]\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "default", "a");
	CHECK(s && s->n_eps == 2);
	CHECK(ep_flags(s, 0, "10.1.0.1", 81) == (RDY | SRV));
	CHECK(ep_flags(s, 0, "10.1.0.1", 82) == (RDY | SRV));
	result_free(&r);
}

/* Absent ready: true; absent serving: as ready; absent terminating: false. */
static void test_condition_defaults(void)
{
	struct result r;
	const struct ks_service *s;

	parse_str(&r, "c.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\n"
		  "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: a-1, labels: {kubernetes.io/service-name: a}}\n"
		  "addressType: IPv4\nports: [{port: 8080}]\n"
		  "endpoints:\n"
		  "- addresses: [10.1.0.1]\n"
		  "- {addresses: [10.1.0.2], conditions: {ready: false}}\n"
		  "- {addresses: [10.1.0.3], conditions: {ready: false, serving: true}}\n"
		  "- {addresses: [10.1.0.4], conditions: {terminating: true}}\n"
		  "- {addresses: [10.1.0.5], conditions: {serving: false}}\n"
		  "- {addresses: [10.1.0.6], conditions: {ready: null}}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "default", "a");
	CHECK(ep_flags(s, 0, "10.1.0.1", 8080) == (RDY | SRV));
	CHECK(ep_flags(s, 0, "10.1.0.2", 8080) == 0);
	CHECK(ep_flags(s, 0, "10.1.0.3", 8080) == SRV);
	CHECK(ep_flags(s, 0, "10.1.0.4", 8080) == (RDY | SRV | TRM));
	CHECK(ep_flags(s, 0, "10.1.0.5", 8080) == RDY);
	CHECK(ep_flags(s, 0, "10.1.0.6", 8080) == (RDY | SRV));
	result_free(&r);
}

static void test_fixture_conditions(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "default", "web");
	CHECK(ep_flags(s, 0, "10.244.2.9", 8080) == 0);
	CHECK(ep_flags(s, 0, "10.244.2.11", 8080) == (SRV | TRM));
	CHECK(ep_flags(s, 0, "10.244.1.6", 8080) == (RDY | SRV));
	result_free(&r);
}

/* The same endpoint in two slices is kept once, with its best state. */
static void test_dedup(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;
	size_t i, n = 0;
	struct ks_addr a;

	parse_files(&r, NULL, f);
	s = svc(&r, "default", "web");
	addr(&a, "10.244.1.5");
	for (i = 0; s && i < s->n_eps; i++)
		n += !ks_addr_cmp(&s->eps[i].addr, &a);
	CHECK(n == 2);	/* once per port */
	CHECK(ep_flags(s, 0, "10.244.1.5", 8080) == (RDY | SRV));
	result_free(&r);
}

static void test_node_local(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	struct ks_parse_opts o = { .node_name = "node-1" };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, &o, f);
	CHECK(r.ret == 0);
	s = svc(&r, "default", "web");
	CHECK(ep_flags(s, 0, "10.244.1.5", 8080) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 0, "10.244.2.9", 8080) == 0);
	CHECK(ep_flags(s, 1, "fd00:10:244:1::5", 8443) == (RDY | SRV | LOC));
	s = svc(&r, "default", "kubernetes");
	CHECK(ep_flags(s, 0, "192.168.49.2", 8443) == (RDY | SRV));
	result_free(&r);
}

/*
 * Topology hints, for node-1 in zone a: the ready endpoints hinted away
 * from it are marked for the kernel's Cluster set to skip, exactly when
 * kube-proxy would use the hints.
 */
#define ELS	KSVC_EP_F_ELSEWHERE
#define TOPO_SVC							\
	"apiVersion: v1\nkind: Service\nmetadata: {name: t}\n"		\
	"spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n---\n"		\
	"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"		\
	"metadata: {name: t-1, labels: {kubernetes.io/service-name: t}}\n" \
	"addressType: IPv4\nports: [{port: 80}]\nendpoints:\n"
#define TOPO_EP(ip, more) "- {addresses: [" ip "]" more "}\n"

static void topo(struct result *r, const char *zone, const char *eps)
{
	struct ks_parse_opts o = { .node_name = "node-1", .zone = zone };
	char buf[2048];

	snprintf(buf, sizeof(buf), "%s%s", TOPO_SVC, eps);
	parse_bufs(r, &o, "t.yaml", buf, NULL);
	show_errors(r);
}

static long topo_flags(const struct result *r, const char *ip)
{
	return ep_flags(ks_state_find(&r->st, "default", "t"), 0, ip, 80);
}

static void test_topology_hints(void)
{
	static const char zones[] =
		TOPO_EP("10.1.0.1", ", hints: {forZones: [{name: a}]}")
		TOPO_EP("10.1.0.2", ", hints: {forZones: [{name: b}, {name: c}]}")
		TOPO_EP("10.1.0.3", ", conditions: {ready: false}");
	static const char nodes[] =
		TOPO_EP("10.1.0.1", ", hints: {forZones: [{name: a}], forNodes: [{name: node-2}]}")
		TOPO_EP("10.1.0.2", ", hints: {forZones: [{name: b}], forNodes: [{name: node-1}]}");
	static const char partial[] =
		TOPO_EP("10.1.0.1", ", hints: {forZones: [{name: a}]}")
		TOPO_EP("10.1.0.2", "");
	struct result r;

	topo(&r, "a", zones);
	CHECK(r.ret == 0 && topo_flags(&r, "10.1.0.1") == (RDY | SRV) &&
	      topo_flags(&r, "10.1.0.2") == (RDY | SRV | ELS) &&
	      topo_flags(&r, "10.1.0.3") == 0);
	result_free(&r);
	/* Another zone has hints, not this one's: none used. */
	topo(&r, "c", zones);
	CHECK(topo_flags(&r, "10.1.0.1") == (RDY | SRV | ELS) &&
	      topo_flags(&r, "10.1.0.2") == (RDY | SRV));
	result_free(&r);
	topo(&r, "d", zones);
	CHECK(topo_flags(&r, "10.1.0.1") == (RDY | SRV) &&
	      topo_flags(&r, "10.1.0.2") == (RDY | SRV));
	result_free(&r);
	topo(&r, NULL, zones);
	CHECK(topo_flags(&r, "10.1.0.1") == (RDY | SRV));
	result_free(&r);
	/* Node hints first (PreferSameNode), then zones. */
	topo(&r, "a", nodes);
	CHECK(topo_flags(&r, "10.1.0.1") == (RDY | SRV | ELS) &&
	      topo_flags(&r, "10.1.0.2") == (RDY | SRV));
	result_free(&r);
	/* A ready endpoint without hints: no hints used. */
	topo(&r, "a", partial);
	CHECK(topo_flags(&r, "10.1.0.1") == (RDY | SRV) &&
	      topo_flags(&r, "10.1.0.2") == (RDY | SRV));
	result_free(&r);
	/* Broken hints: an error at the field. */
	topo(&r, "a", TOPO_EP("10.1.0.1", ", hints: {forZones: [{zone: a}]}")
		 TOPO_EP("10.1.0.2", ", hints: {forNodes: x}"));
	CHECK(r.ret == 2 && r.errs.n_msgs == 2 &&
	      strstr(r.errs.msgs[0], "endpoints[0].hints.forZones[0].name: missing") &&
	      strstr(r.errs.msgs[1], "endpoints[1].hints.forNodes: expected a list"));
	result_free(&r);
}

/* config --external-ips no: externalIPs neither programmed nor claimed. */
static void test_no_external_ips(void)
{
	static const char two[] =
		"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		"spec: {clusterIP: 10.0.0.1, externalIPs: [192.0.2.1], ports: [{port: 80}]}\n---\n"
		"apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
		"spec: {clusterIP: 10.0.0.2, externalIPs: [192.0.2.1, 10.0.0.2], ports: [{port: 80}]}\n";
	struct ks_parse_opts o = { .no_external_ips = 1 };
	const struct ks_service *s;
	struct result r;

	parse_bufs(&r, NULL, "e.yaml", two, NULL);
	CHECK(r.ret == 1 && r.errs.n_msgs == 1 &&
	      strstr(r.errs.msgs[0], "192.0.2.1"));
	result_free(&r);
	parse_bufs(&r, &o, "e.yaml", two, NULL);
	show_errors(&r);
	CHECK(r.ret == 0);
	s = svc(&r, "default", "a");
	CHECK(s && s->n_fes == 1 && !has_fe(s, KSVC_FE_EXTERNAL_IP, "192.0.2.1"));
	/* The cluster IP listed as an external IP too stays, as itself. */
	s = svc(&r, "default", "b");
	CHECK(s && s->n_fes == 1 && has_fe(s, KSVC_FE_CLUSTER_IP, "10.0.0.2") &&
	      !(s->fes[0].also & (1U << KSVC_FE_EXTERNAL_IP)));
	result_free(&r);
}

static void test_headless_external_name(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "default", "db-headless");
	CHECK(s && s->type == KSVC_SVC_HEADLESS && !s->n_fes && !s->n_eps);
	CHECK(s && s->n_ports == 1);
	s = svc(&r, "default", "numbers-api");
	CHECK(s && s->type == KSVC_SVC_EXTERNAL_NAME && !s->n_fes &&
	      !s->n_eps);
	CHECK(s && !strcmp(s->external_name, "raw.githubusercontent.com"));
	result_free(&r);
}

/* The seed manifests: an ExternalName needs no cluster IP. */
static void test_external_name_manifest(void)
{
	struct result r;

	parse_str(&r, "numbers-api-externalname.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata:\n  name: numbers-api\n"
		  "spec:\n  type: ExternalName\n"
		  "  externalName: raw.githubusercontent.com\n");
	CHECK(r.ret == 0 && r.st.n_svcs == 1);
	show_errors(&r);
	result_free(&r);
	/* One trailing dot is allowed (a fully qualified name), as are digits. */
	parse_str(&r, "fqdn.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n"
		  "spec:\n  type: ExternalName\n"
		  "  externalName: db-1.eu-west-1.rds.amazonaws.com.\n");
	CHECK(r.ret == 0 && r.st.n_svcs == 1);
	show_errors(&r);
	result_free(&r);
}

static void test_lb_ingress(void)
{
	static const char *const f[] = { "list.yaml", NULL };
	const struct ks_service *s;
	struct result r;

	parse_files(&r, NULL, f);
	s = svc(&r, "shop", "numbers-web");
	CHECK(s && s->type == KSVC_SVC_LOAD_BALANCER);
	CHECK(s && s->n_fes == 2);
	CHECK(has_fe(s, KSVC_FE_CLUSTER_IP, "10.96.30.7"));
	CHECK(has_fe(s, KSVC_FE_LOAD_BALANCER, "198.51.100.7"));
	CHECK(!has_fe(s, KSVC_FE_LOAD_BALANCER, "198.51.100.8"));
	CHECK(s && s->ports[0].node_port == 31234);
	CHECK(ep_flags(s, 0, "10.244.3.30", 80) == (RDY | SRV));
	result_free(&r);
}

/* Blanks around a source range are trimmed (kube-proxy's regression test). */
static void test_source_range_blanks(void)
{
	const struct ks_service *s;
	struct result r;
	char a[INET6_ADDRSTRLEN];

	parse_str(&r, "sr.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: x}\n"
		  "spec:\n  type: LoadBalancer\n  clusterIP: 10.0.0.1\n"
		  "  loadBalancerSourceRanges: [\" 203.0.113.0/25\", \"\\t2001:db8::/32 \"]\n"
		  "  ports: [{port: 80}]\n");
	show_errors(&r);
	CHECK(r.ret == 0);
	s = svc(&r, "x", "lb");
	CHECK(s && s->n_ranges == 2);
	if (s && s->n_ranges == 2) {
		inet_ntop(s->ranges[0].addr.family, s->ranges[0].addr.a, a, sizeof(a));
		CHECK_STR(a, "203.0.113.0");
		CHECK(s->ranges[0].prefix == 25);
		CHECK(s->ranges[1].addr.family == AF_INET6 && s->ranges[1].prefix == 32);
	}
	result_free(&r);

	/* What is not a prefix once trimmed is still refused, with its place. */
	parse_str(&r, "sr.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: x}\n"
		  "spec:\n  type: LoadBalancer\n  clusterIP: 10.0.0.1\n"
		  "  loadBalancerSourceRanges: [\" 203.0.113.0/25 x\"]\n"
		  "  ports: [{port: 80}]\n");
	CHECK(r.ret != 0 && r.errs.n_msgs == 1);
	if (r.errs.n_msgs)
		CHECK(strstr(r.errs.msgs[0], "sr.yaml:7:30:") &&
		      strstr(r.errs.msgs[0], "spec.loadBalancerSourceRanges[0]") &&
		      strstr(r.errs.msgs[0], "'203.0.113.0/25 x' is not an address prefix"));
	show_errors(&r);
	result_free(&r);
}

static char *read_all(FILE *f)
{
	static char buf[4096];
	size_t n;

	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	return buf;
}

/* Skipped objects are silent, or one line each with verbose. */
static void test_skips_verbose(void)
{
	static const char *const f[] = { "list.yaml", "multi.yaml", NULL };
	struct ks_parse_opts o = { .verbose = 1 };
	struct result r;
	char *log;

	o.log = tmpfile();
	parse_files(&r, &o, f);
	CHECK(r.ret == 0);
	log = read_all(o.log);
	CHECK(strstr(log, "list.yaml:279:3: Service default/not-mine: skipped: label service.kubernetes.io/service-proxy-name is set\n") != NULL);
	CHECK(strstr(log, "list.yaml:575:3: EndpointSlice default/gone-abcde: skipped: no Service default/gone\n") != NULL);
	CHECK(strstr(log, "list.yaml:590:3: EndpointSlice default/external-db-fqdn: skipped: addressType FQDN\n") != NULL);
	CHECK(strstr(log, "multi.yaml:51:1: ConfigMap demo/settings: skipped: not a Service, EndpointSlice, Endpoints, Pod or Node\n") != NULL);
	/* Nodes are read, for the zones of endpoints made from Pods. */
	CHECK(!strstr(log, "Node node-1"));
	if (failed)
		printf("# log:\n%s", log);
	fclose(o.log);
	result_free(&r);

	o.verbose = 0;
	o.log = tmpfile();
	parse_files(&r, &o, f);
	CHECK(!*read_all(o.log));
	fclose(o.log);
	result_free(&r);
}

static void test_proxy_name_label(void)
{
	struct result r;

	parse_str(&r, "p.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n"
		  "  labels: {service.kubernetes.io/service-proxy-name: \"\"}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\n"
		  "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n");
	/* Not ours, so its cluster IP does not clash with b's. */
	CHECK(r.ret == 0 && r.st.n_svcs == 1);
	CHECK(ks_state_find(&r.st, "default", "b") != NULL);
	show_errors(&r);
	result_free(&r);
}

static void test_typed_lists(void)
{
	struct result r;

	parse_str(&r, "l.json",
		  "{\"apiVersion\": \"v1\", \"kind\": \"ServiceList\", \"items\": [\n"
		  " {\"metadata\": {\"name\": \"a\", \"namespace\": \"x\"},\n"
		  "  \"kind\": \"Service\", \"apiVersion\": \"v1\",\n"
		  "  \"spec\": {\"clusterIP\": \"10.0.0.1\", \"ports\": [{\"port\": 80}]}}]}\n"
		  "---\n"
		  "kind: EndpointSliceList\napiVersion: discovery.k8s.io/v1\nitems:\n"
		  "- kind: EndpointSlice\n  apiVersion: discovery.k8s.io/v1\n"
		  "  metadata: {name: a-1, namespace: x, labels: {kubernetes.io/service-name: a}}\n"
		  "  addressType: IPv4\n  ports: [{port: 8080}]\n"
		  "  endpoints: [{addresses: [10.2.0.1]}]\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(ep_flags(svc(&r, "x", "a"), 0, "10.2.0.1", 8080) == (RDY | SRV));
	result_free(&r);
}

/* A document with "items" but not a List: the items are not objects. */
/*
 * The API server's list responses (GET /api/v1/services, client
 * libraries) name kind and apiVersion on the list only.
 */
static void test_typed_list_bare_items(void)
{
	struct result r;

	parse_str(&r, "services.json",
		  "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"812\"},\n"
		  "\"items\":[{\"metadata\":{\"name\":\"a\",\"namespace\":\"x\"},\n"
		  " \"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}}]}\n"
		  "{\"kind\":\"EndpointSliceList\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{},\n"
		  "\"items\":[{\"metadata\":{\"name\":\"a-1\",\"namespace\":\"x\",\"labels\":{\"kubernetes.io/service-name\":\"a\"}},\n"
		  " \"addressType\":\"IPv4\",\"ports\":[{\"port\":8080}],\"endpoints\":[{\"addresses\":[\"10.2.0.1\"]}]}]}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(ep_flags(svc(&r, "x", "a"), 0, "10.2.0.1", 8080) == (RDY | SRV));
	result_free(&r);

	/* YAML sorted as kubectl sorts keys: the list's kind after its items. */
	parse_str(&r, "pods.yaml",
		  "apiVersion: v1\nitems:\n"
		  "- metadata: {name: a, namespace: x}\n"
		  "  spec: {clusterIP: 10.0.0.1, selector: {app: a}, ports: [{port: 80, targetPort: 8080}]}\n"
		  "kind: ServiceList\nmetadata: {}\n"
		  "---\n"
		  "apiVersion: v1\nitems:\n"
		  "- kind: Pod\n  metadata: {name: a-0, namespace: x, labels: {app: a}}\n"
		  "  status: {podIP: 10.2.0.7, phase: Running, conditions: [{type: Ready, status: \"True\"}]}\n"
		  "- metadata: {name: a-1, namespace: x, labels: {app: a}}\n"
		  "  status: {podIP: 10.2.0.8, phase: Running, conditions: [{type: Ready, status: \"True\"}]}\n"
		  "kind: PodList\nmetadata: {}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(ep_flags(svc(&r, "x", "a"), 0, "10.2.0.7", 8080) == (RDY | SRV));
	CHECK(ep_flags(svc(&r, "x", "a"), 0, "10.2.0.8", 8080) == (RDY | SRV));
	result_free(&r);

	/* A plain List names no kind for its items: each must. */
	parse_str(&r, "list.yaml",
		  "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n");
	CHECK(r.ret == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL, "list.yaml:4:3: items[0].kind: missing");
	result_free(&r);

	/* An item of another kind in a typed List keeps its own apiVersion check. */
	parse_str(&r, "wrong.yaml",
		  "apiVersion: v1\nkind: ServiceList\nitems:\n"
		  "- kind: EndpointSlice\n  metadata: {name: a-1, labels: {kubernetes.io/service-name: a}}\n"
		  "  addressType: IPv4\n  endpoints: []\n");
	CHECK(r.ret == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL, "wrong.yaml:4:3: EndpointSlice default/a-1: apiVersion: missing");
	result_free(&r);
}

/* Concatenated JSON objects, as kubectl accepts them. */
static void test_json_stream(void)
{
	struct result r;

	parse_str(&r, "stream.json",
		  "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"},"
		  "\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"port\":80}]}}"
		  "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\"},"
		  "\"spec\":{\"clusterIP\":\"10.0.0.2\",\"ports\":[{\"port\":80}]}}\n"
		  "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\",\"annotations\":{\"x\":\"}{\\\"\"}},\n"
		  "  \"spec\":{\"clusterIP\":\"10.0.0.3\",\"ports\":[{\"port\":80}]}}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(r.st.n_svcs == 3);
	CHECK(svc(&r, "default", "c") != NULL);
	result_free(&r);

	/* Positions are those of the input, not of the documents made of it. */
	parse_str(&r, "stream.json",
		  "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"},"
		  "\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"port\":80}]}}"
		  "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\"},"
		  "\"spec\":{\"clusterIP\":\"10.0.0.2\",\"ports\":[{\"port\":0}]}}\n"
		  "  {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\"},\n"
		  "   \"spec\":{\"clusterIP\":\"10.0.0.3\",\"ports\":[{\"port\":70000}]}}\n"
		  "  {\"kind\": [1,\n");
	CHECK(r.ret == 3);
	CHECK_STR(r.errs.n_msgs > 0 ? r.errs.msgs[0] : NULL,
		  "stream.json:1:223: Service default/b: spec.ports[0].port: 0 is not a port number (1-65535)");
	CHECK_STR(r.errs.n_msgs > 1 ? r.errs.msgs[1] : NULL,
		  "stream.json:3:52: Service default/c: spec.ports[0].port: 70000 is not a port number (1-65535)");
	CHECK_STR(r.errs.n_msgs > 2 ? r.errs.msgs[2] : NULL,
		  "stream.json:5:1: did not find expected node content while parsing a flow node");
	result_free(&r);

	/* Blank lines and a byte order mark before the JSON count. */
	parse_str(&r, "blank.json",
		  "\xef\xbb\xbf\n\n\n{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"a\"},\n"
		  "\"spec\":{\"clusterIP\":\"bad\"}}\n{\"kind\":\"Service\"}");
	CHECK(r.ret == 2);
	CHECK_STR(r.errs.n_msgs > 0 ? r.errs.msgs[0] : NULL,
		  "blank.json:5:21: Service default/a: spec.clusterIP: bad is not an IP address");
	CHECK_STR(r.errs.n_msgs > 1 ? r.errs.msgs[1] : NULL,
		  "blank.json:6:1: Service default/<none>: metadata.name: missing");
	result_free(&r);

	/* A missing ',' in pretty JSON: right after the value before it. */
	parse_str(&r, "comma.json",
		  "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Service\",\n"
		  "  \"spec\": {\n    \"type\": \"ClusterIP\"\n    \"clusterIP\": \"10.0.0.1\"\n  }\n}\n");
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "comma.json:5:24: did not find expected ',' or '}' while parsing a flow mapping: \"type\": \"ClusterIP\"");
	result_free(&r);

	/* Flow-style YAML: braces in single quotes are text, not structure. */
	parse_str(&r, "flow.yaml",
		  "{apiVersion: v1, kind: Service, metadata: {name: a, annotations: {x: '}}}{''z'}},\n"
		  " spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	result_free(&r);

	/* YAML is not touched: a second mapping is still no document. */
	parse_str(&r, "two.yaml", "a: 1\nb: 2\n{c: 3}\n");
	CHECK(r.ret == 1);
	result_free(&r);
}

/*
 * A load-balancer IP equal to the cluster IP: one frontend, served as the
 * cluster IP (kube-proxy's rules for it come first), shown as both.
 */
static void test_lb_ip_is_cluster_ip(void)
{
	struct ks_out_opts oo = { .what = KS_OUT_SERVICES };
	const struct ks_service *s;
	struct result r, back;
	char *buf = NULL;
	size_t len;
	FILE *f;

	parse_str(&r, "lb.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {type: LoadBalancer, clusterIP: 10.0.0.1, externalIPs: [192.0.2.7],\n"
		  "  ports: [{port: 80, nodePort: 30080}]}\n"
		  "status: {loadBalancer: {ingress: [{ip: 10.0.0.1}, {ip: 192.0.2.7}]}}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "default", "web");
	CHECK(s && s->n_fes == 2);
	CHECK(s && s->fes[0].kind == KSVC_FE_CLUSTER_IP &&
	      s->fes[0].also == 1 << KSVC_FE_LOAD_BALANCER);
	CHECK(s && s->fes[1].kind == KSVC_FE_EXTERNAL_IP &&
	      s->fes[1].also == 1 << KSVC_FE_LOAD_BALANCER);
	f = open_memstream(&buf, &len);
	ks_out_list(f, &r.st, &oo);
	fclose(f);
	CHECK(strstr(buf, "- ip: \"10.0.0.1\"\n") != NULL);
	CHECK(strstr(buf, "- ip: \"192.0.2.7\"\n") != NULL);
	/* ... and reads back the same */
	parse_str(&back, "back.yaml", buf);
	CHECK(back.ret == 0 && back.st.n_svcs == 1 &&
	      !ks_service_cmp(&back.st.svcs[0], s));
	free(buf);
	result_free(&back);
	result_free(&r);
}

static void test_items_not_list(void)
{
	struct result r;

	parse_str(&r, "n.yaml",
		  "apiVersion: v1\nitems:\n- kind: Service\n  bogus: 1\n"
		  "kind: Service\nmetadata: {name: a}\n"
		  "spec: {clusterIP: 10.0.0.1}\n");
	CHECK(r.ret == 0 && r.st.n_svcs == 1);
	show_errors(&r);
	result_free(&r);
}

/*
 * Items read as a List's while the document's kind is not known yet, then
 * dropped by their document's number: every kind of record (Services,
 * Pods, a Service of another proxy, an error) when the document is no
 * List; the records but not the errors when the document breaks after
 * them; the documents around it untouched.
 */
#define SVC_ITEM(name, extra, port)					\
	"- {apiVersion: v1, kind: Service, metadata: {name: " name extra "},"	\
	" spec: {clusterIP: 10.0.0.1, ports: [{port: " port "}]}}\n"
static const char keep_doc[] =
	"apiVersion: v1\nkind: Service\nmetadata: {name: keep}\n"
	"spec: {clusterIP: 10.0.0.9, ports: [{port: 80}]}\n";

static void test_items_dropped_by_document(void)
{
	struct ks_parse_opts o = { .verbose = 1, .skip_invalid = 1 };
	struct result r;
	char *log;

	o.log = tmpfile();
	parse_bufs(&r, &o, "t.yaml",
		   "apiVersion: v1\nitems:\n"
		   SVC_ITEM("a", "", "80")
		   SVC_ITEM("b", "", "99999")
		   SVC_ITEM("c", ", labels: {service.kubernetes.io/service-proxy-name: x}", "80")
		   "- {apiVersion: v1, kind: Pod, metadata: {name: p}, status: {podIP: 10.1.0.1}}\n"
		   "kind: ConfigMap\nmetadata: {name: not-a-list}\n"
		   "---\n", "u.yaml", keep_doc, NULL);
	log = read_all(o.log);
	CHECK(r.ret == 0 && r.errs.n == 0);
	CHECK(r.st.n_svcs == 1 && !strcmp(r.st.svcs[0].name, "keep"));
	CHECK(strstr(log, "t.yaml:1:1: ConfigMap not-a-list: skipped") != NULL);
	CHECK(!strstr(log, "Service default/c"));
	if (failed)
		printf("# log:\n%s", log);
	show_errors(&r);
	fclose(o.log);
	result_free(&r);

	/* Broken after its items: their errors stand, their records go. */
	o.verbose = 0;
	o.log = NULL;
	parse_bufs(&r, &o, "u.yaml", keep_doc, "t.yaml",
		   "apiVersion: v1\nitems:\n"
		   SVC_ITEM("d", "", "80")
		   SVC_ITEM("e", "", "0")
		   "kind: List\nmetadata: {a: 1, a: 2}\n", NULL);
	CHECK(r.errs.n == 2 && r.errs.n_msgs == 2);
	CHECK(r.errs.n_msgs == 2 && strstr(r.errs.msgs[0], "t.yaml:4:") &&
	      strstr(r.errs.msgs[0], "Service default/e: spec.ports[0].port") &&
	      strstr(r.errs.msgs[1], "t.yaml:6:18: duplicate key \"a\""));
	CHECK(r.st.n_svcs == 1 && !strcmp(r.st.svcs[0].name, "keep"));
	show_errors(&r);
	result_free(&r);
}

static void test_empty_inputs(void)
{
	struct result r;

	parse_bufs(&r, NULL, "a.yaml", "", "b.yaml", "---\n---\n# nothing\n",
		   "c.json", "{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": []}",
		   NULL);
	CHECK(r.ret == 0 && r.st.n_svcs == 0 && r.errs.n == 0);
	result_free(&r);
}

static void test_missing_file(void)
{
	static const char *const f[] = { "no-such-file.yaml", NULL };
	char want[4200];
	struct result r;

	parse_files(&r, NULL, f);
	snprintf(want, sizeof(want), "%s/no-such-file.yaml: No such file or directory",
		 data_dir);
	CHECK(r.ret == 1 && r.errs.n == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL, want);
	result_free(&r);
}

/* A directory: its YAML and JSON files, in name order. */
static void test_directory(void)
{
	static const char *const f[] = { ".", NULL };
	struct result r;

	parse_files(&r, NULL, f);
	/* list.json and list.yaml define the same Services. */
	CHECK(r.ret == 8);
	CHECK(r.st.n_svcs == 0);
	CHECK(r.errs.n_msgs && strstr(r.errs.msgs[0], "list.yaml:") &&
	      strstr(r.errs.msgs[0], "duplicate Service (first defined at ") &&
	      strstr(r.errs.msgs[0], "list.json:"));
	result_free(&r);
}

static void test_model(void)
{
	struct ks_state st;
	struct ks_service *s;
	struct ks_service a, b;
	char name[16];
	int i;

	ks_state_init(&st);
	for (i = 999; i >= 0; i--) {
		s = ks_state_add(&st);
		snprintf(s->ns, sizeof(s->ns), "ns%d", i % 7);
		snprintf(s->name, sizeof(s->name), "svc%d", i);
		s->eps = calloc(2, sizeof(*s->eps));
		s->n_eps = 2;
		addr(&s->eps[0].addr, "10.0.0.2");
		addr(&s->eps[1].addr, "10.0.0.1");
	}
	CHECK(ks_state_find(&st, "ns3", "svc10") != NULL);	/* unsorted */
	ks_state_sort(&st);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "svc%d", i);
		s = ks_state_find(&st, (char[]){ 'n', 's', '0' + i % 7, 0 },
				  name);
		CHECK(s && !strcmp(s->name, name));
	}
	CHECK(!ks_state_find(&st, "ns1", "svc0"));
	CHECK(!strcmp(st.svcs[0].ns, "ns0") && !strcmp(st.svcs[0].name, "svc0"));
	CHECK(st.svcs[0].eps[0].addr.a[3] == 1);
	CHECK(ks_state_strdup(&st, "file.yaml") != NULL);

	/* pos and counters do not count, everything programmed does. */
	a = st.svcs[0];
	b = a;
	b.pos.line = 42;
	b.conns = 7;
	CHECK(!ks_service_cmp(&a, &b));
	b.flags = KSVC_SVC_F_AFFINITY;
	CHECK(ks_service_cmp(&a, &b) < 0 && ks_service_cmp(&b, &a) > 0);
	b = a;
	b.n_eps = 1;
	CHECK(ks_service_cmp(&a, &b) > 0);
	b = a;
	strcpy(b.external_name, "x");
	CHECK(ks_service_cmp(&a, &b) != 0);
	ks_state_free(&st);
}

/* ---- errors: every message, word for word ------------------------------- */

struct err_case {
	const char *name, *text, *want;
};

#define SVC(spec) "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n" spec
#define SLICE(rest)							\
	"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"	\
	"  name: web-1\n  labels: {kubernetes.io/service-name: web}\n" rest

#define EPS(subsets)							\
	"apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\nsubsets:\n" subsets
#define PODE(rest)							\
	"apiVersion: v1\nkind: Pod\nmetadata: {name: web-0}\n" rest

static const struct err_case err_cases[] = {
	{ "missing clusterIP",
	  "---\n# seed/numbers-api-service.yaml\n"
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
	  "  ports:\n  - port: 80\n",
	  "svc.yaml:3:1: Service default/web: spec.clusterIP: missing (a manifest no API server has seen has no cluster IP; use kubectl get -o yaml output or set it)" },
	{ "port out of range",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - name: http\n    protocol: TCP\n"
	      "    targetPort: 8080\n    port: 70000\n"),
	  "svc.yaml:11:11: Service default/web: spec.ports[0].port: 70000 is not a port number (1-65535)" },
	{ "port zero",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 0}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: 0 is not a port number (1-65535)" },
	{ "port negative",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: -80}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: -80 is not a port number (1-65535)" },
	{ "port missing",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{name: a}]\n"),
	  "svc.yaml:1:1: Service default/web: spec.ports[0].port: missing" },
	{ "port float",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 80.5}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: 80.5 is not an integer" },
	{ "port word",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: abc}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: abc is not an integer" },
	{ "port quoted",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: \"80\"}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: expected a number" },
	{ "port huge",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 99999999999999999999999999}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: 99999999999999999999999999 is not a port number (1-65535)" },
	{ "port hex",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 0x50}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: 0x50 is not an integer" },
	{ "port octal-looking",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 080}]\n"),
	  "svc.yaml:7:18: Service default/web: spec.ports[0].port: 080 is not an integer" },
	{ "port is a mapping",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - port:\n      value: 80\n"),
	  "svc.yaml:9:7: Service default/web: spec.ports[0].port: expected a number" },
	{ "nodePort out of range",
	  SVC("  type: NodePort\n  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n    nodePort: 65536\n"),
	  "svc.yaml:10:15: Service default/web: spec.ports[0].nodePort: 65536 is not a port number (1-65535)" },
	{ "targetPort out of range",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n    targetPort: 0\n"),
	  "svc.yaml:9:17: Service default/web: spec.ports[0].targetPort: 0 is not a port number (1-65535)" },
	{ "protocol",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n    protocol: ICMP\n"),
	  "svc.yaml:9:15: Service default/web: spec.ports[0].protocol: ICMP is not a protocol (TCP, UDP, SCTP)" },
	{ "protocol lower case",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n    protocol: tcp\n"),
	  "svc.yaml:9:15: Service default/web: spec.ports[0].protocol: tcp is not a protocol (TCP, UDP, SCTP)" },
	{ "duplicate port name",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - {name: a, port: 80}\n  - {name: a, port: 81}\n"),
	  "svc.yaml:9:12: Service default/web: spec.ports[1].name: \"a\" is also the name of spec.ports[0]" },
	{ "duplicate port",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - {name: a, port: 80}\n  - {name: b, port: 80}\n"),
	  "svc.yaml:9:21: Service default/web: spec.ports[1].port: 80/TCP is also spec.ports[0]" },
	{ "duplicate node port in one Service",
	  SVC("  type: NodePort\n  clusterIP: 10.0.0.1\n  ports:\n"
	      "  - {name: a, port: 80, nodePort: 30000}\n"
	      "  - {name: b, port: 81, nodePort: 30000}\n"),
	  "svc.yaml:10:35: Service default/web: spec.ports[1].nodePort: 30000/TCP is also the node port of spec.ports[0]" },
	{ "port name too long",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n  - port: 80\n"
	      "    name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"),
	  "svc.yaml:9:11: Service default/web: spec.ports[0].name: longer than 63 characters" },
	{ "bad cluster IP",
	  SVC("  clusterIP: 10.0.0.300\n"),
	  "svc.yaml:6:14: Service default/web: spec.clusterIP: 10.0.0.300 is not an IP address" },
	{ "loopback cluster IP",
	  SVC("  clusterIP: 127.0.0.1\n"),
	  "svc.yaml:6:14: Service default/web: spec.clusterIP: 127.0.0.1 is a loopback address" },
	{ "link-local external IP",
	  SVC("  clusterIP: 10.0.0.1\n  externalIPs: [\"fe80::1\"]\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalIPs[0]: fe80::1 is a link-local address" },
	{ "multicast external IP",
	  SVC("  clusterIP: 10.0.0.1\n  externalIPs: [224.0.0.1]\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalIPs[0]: 224.0.0.1 is not a unicast address" },
	{ "link-local endpoint",
	  SLICE("addressType: IPv4\nendpoints:\n- addresses: [169.254.1.1]\n"),
	  "svc.yaml:8:15: EndpointSlice default/web-1: endpoints[0].addresses[0]: 169.254.1.1 is a link-local address" },
	{ "loopback endpoint",
	  SLICE("addressType: IPv6\nendpoints:\n- addresses: [\"::1\"]\n"),
	  "svc.yaml:8:15: EndpointSlice default/web-1: endpoints[0].addresses[0]: ::1 is a loopback address" },
	{ "bad cluster IPs entry",
	  SVC("  clusterIP: 10.0.0.1\n  clusterIPs: [10.0.0.1, \"fd00::g\"]\n"),
	  "svc.yaml:7:26: Service default/web: spec.clusterIPs[1]: fd00::g is not an IP address" },
	{ "clusterIP is not clusterIPs[0]",
	  SVC("  clusterIP: 10.0.0.2\n  clusterIPs: [10.0.0.1]\n"),
	  "svc.yaml:6:14: Service default/web: spec.clusterIP: 10.0.0.2 is not spec.clusterIPs[0]" },
	{ "cluster IP family",
	  SVC("  clusterIP: 10.0.0.1\n  ipFamilies: [IPv6]\n"),
	  "svc.yaml:6:14: Service default/web: spec.clusterIP: 10.0.0.1 is not an IPv6 address (spec.ipFamilies[0] is IPv6)" },
	{ "cluster IPs family",
	  SVC("  clusterIPs: [10.0.0.1, \"fd00::1\"]\n  ipFamilies: [IPv4, IPv4]\n"),
	  "svc.yaml:6:26: Service default/web: spec.clusterIPs[1]: fd00::1 is not an IPv4 address (spec.ipFamilies[1] is IPv4)" },
	{ "ip family word",
	  SVC("  clusterIP: 10.0.0.1\n  ipFamilies: [IPv5]\n"),
	  "svc.yaml:7:16: Service default/web: spec.ipFamilies[0]: IPv5 is not IPv4 or IPv6" },
	{ "bad external IP",
	  SVC("  clusterIP: 10.0.0.1\n  externalIPs:\n  - 203.0.113.1\n  - 203.0.113\n"),
	  "svc.yaml:9:5: Service default/web: spec.externalIPs[1]: 203.0.113 is not an IP address" },
	{ "bad load-balancer IP",
	  SVC("  type: LoadBalancer\n  clusterIP: 10.0.0.1\nstatus:\n  loadBalancer:\n"
	      "    ingress:\n    - ip: lb.example.com\n"),
	  "svc.yaml:11:11: Service default/web: status.loadBalancer.ingress[0].ip: lb.example.com is not an IP address" },
	{ "ipMode",
	  SVC("  type: LoadBalancer\n  clusterIP: 10.0.0.1\nstatus:\n  loadBalancer:\n"
	      "    ingress:\n    - {ip: 192.0.2.1, ipMode: Direct}\n"),
	  "svc.yaml:11:31: Service default/web: status.loadBalancer.ingress[0].ipMode: Direct is not VIP or Proxy" },
	{ "type",
	  SVC("  type: Ingress\n  clusterIP: 10.0.0.1\n"),
	  "svc.yaml:6:9: Service default/web: spec.type: Ingress is not a Service type (ClusterIP, NodePort, LoadBalancer, ExternalName)" },
	{ "externalTrafficPolicy",
	  SVC("  clusterIP: 10.0.0.1\n  externalTrafficPolicy: Global\n"),
	  "svc.yaml:7:26: Service default/web: spec.externalTrafficPolicy: Global is not Cluster or Local" },
	{ "internalTrafficPolicy",
	  SVC("  clusterIP: 10.0.0.1\n  internalTrafficPolicy: local\n"),
	  "svc.yaml:7:26: Service default/web: spec.internalTrafficPolicy: local is not Cluster or Local" },
	{ "sessionAffinity",
	  SVC("  clusterIP: 10.0.0.1\n  sessionAffinity: Cookie\n"),
	  "svc.yaml:7:20: Service default/web: spec.sessionAffinity: Cookie is not None or ClientIP" },
	{ "externalName missing",
	  SVC("  type: ExternalName\n"),
	  "svc.yaml:1:1: Service default/web: spec.externalName: missing" },
	{ "externalName too long",
	  SVC("  type: ExternalName\n  externalName: "
	      "a234567890123456789012345678901234567890123456789012345678901234567890"
	      "1234567890123456789012345678901234567890123456789012345678901234567890"
	      "1234567890123456789012345678901234567890123456789012345678901234567890"
	      "12345678901234567890123456789012345678901234\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: longer than 253 characters" },
	/* A placeholder left in a copied manifest: the API server refuses it. */
	{ "externalName placeholder",
	  SVC("  type: ExternalName\n  externalName: <RDS-Endpoint>\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: <RDS-Endpoint> is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)" },
	{ "externalName upper case",
	  SVC("  type: ExternalName\n  externalName: DB.example.com\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: DB.example.com is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)" },
	{ "externalName empty label",
	  SVC("  type: ExternalName\n  externalName: db..example.com\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: db..example.com is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)" },
	{ "externalName label ends in a dash",
	  SVC("  type: ExternalName\n  externalName: db-.example.com\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: db-.example.com is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)" },
	{ "externalName two trailing dots",
	  SVC("  type: ExternalName\n  externalName: db.example.com..\n"),
	  "svc.yaml:7:17: Service default/web: spec.externalName: db.example.com.. is not a DNS name (lower-case labels of a-z, 0-9 and '-', joined by '.', as the API server requires)" },
	{ "missing name",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  namespace: shop\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:1:1: Service shop/<none>: metadata.name: missing" },
	{ "missing metadata",
	  "apiVersion: v1\nkind: Service\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:1:1: Service default/<none>: metadata.name: missing" },
	{ "name is a mapping",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: {first: web}\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:4:9: Service default/<none>: metadata.name: expected a string, got a mapping" },
	{ "name too long",
	  "apiVersion: v1\nkind: Service\nmetadata:\n"
	  "  name: a234567890123456789012345678901234567890123456789012345678901234\n"
	  "spec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:4:9: Service default/a234567890123456789012345678901234567890123456789012345678901234: metadata.name: longer than 63 characters" },
	{ "name not a DNS label",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: Web_1\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:4:9: Service default/Web_1: metadata.name: Web_1 is not a DNS label (a-z, 0-9 and '-' inside)" },
	{ "namespace too long",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
	  "  namespace: a234567890123456789012345678901234567890123456789012345678901234\n"
	  "spec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:5:14: Service a234567890123456789012345678901234567890123456789012345678901234/web: metadata.namespace: longer than 63 characters" },
	{ "name with a NUL",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"we\\0b\"\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:4:9: Service default/<none>: metadata.name: contains a NUL character" },
	{ "spec is a list",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n- clusterIP: 10.0.0.1\n",
	  "svc.yaml:6:1: Service default/web: spec: expected a mapping, got a list" },
	{ "ports is a mapping",
	  SVC("  clusterIP: 10.0.0.1\n  ports:\n    port: 80\n"),
	  "svc.yaml:8:5: Service default/web: spec.ports: expected a list, got a mapping" },
	{ "labels is a list",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: [a]\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:5:11: Service default/web: metadata.labels: expected a mapping, got a list" },
	{ "apiVersion",
	  "apiVersion: v2\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:1:13: Service default/web: apiVersion: v2 is not supported (use v1)" },
	{ "apiVersion missing",
	  "kind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: 10.0.0.1\n",
	  "svc.yaml:1:1: Service default/web: apiVersion: missing" },
	{ "kind missing",
	  "apiVersion: v1\nmetadata:\n  name: web\n",
	  "svc.yaml:1:1: kind: missing" },
	{ "kind missing in a List item",
	  "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: web}\n",
	  "svc.yaml:4:3: items[0].kind: missing" },
	{ "not an object",
	  "- a\n- b\n",
	  "svc.yaml:1:1: expected a mapping (a Kubernetes object)" },
	{ "List item not an object",
	  "apiVersion: v1\nkind: List\nitems:\n- 42\n",
	  "svc.yaml:4:3: items[0]: expected a mapping (a Kubernetes object)" },
	{ "too many ports",
	  SVC("  clusterIP: 10.0.0.1\n  ports: [{port: 1}, {port: 2}, {port: 3}, {port: 4}, "
	      "{port: 5}, {port: 6}, {port: 7}, {port: 8}, {port: 9}, {port: 10}, {port: 11}, "
	      "{port: 12}, {port: 13}, {port: 14}, {port: 15}, {port: 16}, {port: 17}, "
	      "{port: 18}, {port: 19}, {port: 20}, {port: 21}, {port: 22}, {port: 23}, "
	      "{port: 24}, {port: 25}, {port: 26}, {port: 27}, {port: 28}, {port: 29}, "
	      "{port: 30}, {port: 31}, {port: 32}, {port: 33}, {port: 34}, {port: 35}, "
	      "{port: 36}, {port: 37}, {port: 38}, {port: 39}, {port: 40}, {port: 41}, "
	      "{port: 42}, {port: 43}, {port: 44}, {port: 45}, {port: 46}, {port: 47}, "
	      "{port: 48}, {port: 49}, {port: 50}, {port: 51}, {port: 52}, {port: 53}, "
	      "{port: 54}, {port: 55}, {port: 56}, {port: 57}, {port: 58}, {port: 59}, "
	      "{port: 60}, {port: 61}, {port: 62}, {port: 63}, {port: 64}, {port: 65}]\n"),
	  "svc.yaml:7:10: Service default/web: spec.ports: 65 ports, at most 64 are supported" },
	{ "too many frontends",
	  SVC("  clusterIP: 10.0.0.1\n  externalIPs: [10.1.0.1, 10.1.0.2, 10.1.0.3, 10.1.0.4, "
	      "10.1.0.5, 10.1.0.6, 10.1.0.7, 10.1.0.8, 10.1.0.9, 10.1.0.10, 10.1.0.11, "
	      "10.1.0.12, 10.1.0.13, 10.1.0.14, 10.1.0.15, 10.1.0.16, 10.1.0.17, 10.1.0.18, "
	      "10.1.0.19, 10.1.0.20, 10.1.0.21, 10.1.0.22, 10.1.0.23, 10.1.0.24, 10.1.0.25, "
	      "10.1.0.26, 10.1.0.27, 10.1.0.28, 10.1.0.29, 10.1.0.30, 10.1.0.31, 10.1.0.32, "
	      "10.1.0.33, 10.1.0.34, 10.1.0.35, 10.1.0.36, 10.1.0.37, 10.1.0.38, 10.1.0.39, "
	      "10.1.0.40, 10.1.0.41, 10.1.0.42, 10.1.0.43, 10.1.0.44, 10.1.0.45, 10.1.0.46, "
	      "10.1.0.47, 10.1.0.48, 10.1.0.49, 10.1.0.50, 10.1.0.51, 10.1.0.52, 10.1.0.53, "
	      "10.1.0.54, 10.1.0.55, 10.1.0.56, 10.1.0.57, 10.1.0.58, 10.1.0.59, 10.1.0.60, "
	      "10.1.0.61, 10.1.0.62, 10.1.0.63, 10.1.0.64]\n"),
	  "svc.yaml:7:701: Service default/web: spec.externalIPs[63]: more than 64 frontends (cluster, external and load-balancer IPs)" },
	{ "slice address family",
	  SLICE("addressType: IPv4\nports: [{name: http, port: 8080}]\n"
		"endpoints:\n- addresses:\n  - 10.1.0.1\n- addresses:\n  - \"fd00::1\"\n"),
	  "svc.yaml:12:5: EndpointSlice default/web-1: endpoints[1].addresses[0]: fd00::1 is not an IPv4 address (addressType)" },
	{ "slice address family v6",
	  SLICE("addressType: IPv6\nendpoints:\n- addresses: [10.1.0.1]\n"),
	  "svc.yaml:8:15: EndpointSlice default/web-1: endpoints[0].addresses[0]: 10.1.0.1 is not an IPv6 address (addressType)" },
	{ "slice bad address",
	  SLICE("addressType: IPv4\nendpoints:\n- addresses: [10.1.0.256]\n"),
	  "svc.yaml:8:15: EndpointSlice default/web-1: endpoints[0].addresses[0]: 10.1.0.256 is not an IP address" },
	{ "slice addresses missing",
	  SLICE("addressType: IPv4\nendpoints:\n- conditions: {ready: true}\n"),
	  "svc.yaml:8:3: EndpointSlice default/web-1: endpoints[0].addresses: missing" },
	{ "slice addresses empty",
	  SLICE("addressType: IPv4\nendpoints:\n- addresses: []\n"),
	  "svc.yaml:8:14: EndpointSlice default/web-1: endpoints[0].addresses: missing" },
	{ "slice addressType missing",
	  SLICE("endpoints: []\n"),
	  "svc.yaml:1:1: EndpointSlice default/web-1: addressType: missing" },
	{ "slice addressType",
	  SLICE("addressType: IP\n"),
	  "svc.yaml:6:14: EndpointSlice default/web-1: addressType: IP is not IPv4, IPv6 or FQDN" },
	{ "slice port",
	  SLICE("addressType: IPv4\nports:\n- name: http\n  port: 65536\n"),
	  "svc.yaml:9:9: EndpointSlice default/web-1: ports[0].port: 65536 is not a port number (1-65535)" },
	{ "slice protocol",
	  SLICE("addressType: IPv4\nports:\n- {port: 80, protocol: QUIC}\n"),
	  "svc.yaml:8:24: EndpointSlice default/web-1: ports[0].protocol: QUIC is not a protocol (TCP, UDP, SCTP)" },
	{ "slice condition",
	  SLICE("addressType: IPv4\nendpoints:\n- addresses: [10.1.0.1]\n  conditions:\n    ready: yes\n"),
	  "svc.yaml:10:12: EndpointSlice default/web-1: endpoints[0].conditions.ready: expected true or false" },
	{ "slice condition quoted",
	  SLICE("addressType: IPv4\nendpoints:\n- addresses: [10.1.0.1]\n  conditions:\n    terminating: \"false\"\n"),
	  "svc.yaml:10:18: EndpointSlice default/web-1: endpoints[0].conditions.terminating: expected true or false" },
	{ "slice service-name label",
	  "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"
	  "  name: web-1\n  labels: {kubernetes.io/service-name: Web}\naddressType: IPv4\n",
	  "svc.yaml:5:40: EndpointSlice default/web-1: metadata.labels[kubernetes.io/service-name]: Web is not a DNS label (a-z, 0-9 and '-' inside)" },
	{ "slice apiVersion",
	  "apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata:\n  name: web-1\n",
	  "svc.yaml:1:13: EndpointSlice default/web-1: apiVersion: discovery.k8s.io/v1beta1 is not supported (use discovery.k8s.io/v1)" },
	{ "selector value",
	  SVC("  clusterIP: 10.0.0.1\n  selector:\n    app: {name: web}\n"),
	  "svc.yaml:8:10: Service default/web: spec.selector[app]: expected a string, got a mapping" },
	{ "selector is a list",
	  SVC("  clusterIP: 10.0.0.1\n  selector: [app]\n"),
	  "svc.yaml:7:13: Service default/web: spec.selector: expected a mapping, got a list" },
	{ "publishNotReadyAddresses",
	  SVC("  clusterIP: 10.0.0.1\n  publishNotReadyAddresses: 1\n"),
	  "svc.yaml:7:29: Service default/web: spec.publishNotReadyAddresses: expected true or false" },
	{ "Endpoints bad ip",
	  EPS("- addresses:\n  - ip: 10.1.0.1\n  - ip: 10.1.0.x\n  ports: [{port: 80}]\n"),
	  "svc.yaml:8:9: Endpoints default/web: subsets[0].addresses[1].ip: 10.1.0.x is not an IP address" },
	{ "Endpoints ip missing",
	  EPS("- notReadyAddresses:\n  - nodeName: n1\n"),
	  "svc.yaml:7:5: Endpoints default/web: subsets[0].notReadyAddresses[0].ip: missing" },
	{ "Endpoints port missing",
	  EPS("- addresses: [{ip: 10.1.0.1}]\n  ports: [{name: http}]\n"),
	  "svc.yaml:1:1: Endpoints default/web: subsets[0].ports[0].port: missing" },
	{ "Endpoints port protocol",
	  EPS("- ports: [{port: 80, protocol: tcp}]\n"),
	  "svc.yaml:6:32: Endpoints default/web: subsets[0].ports[0].protocol: tcp is not a protocol (TCP, UDP, SCTP)" },
	{ "Endpoints subsets not a list",
	  EPS("  addresses: []\n"),
	  "svc.yaml:6:3: Endpoints default/web: subsets: expected a list, got a mapping" },
	{ "Endpoints name not a DNS label",
	  "apiVersion: v1\nkind: Endpoints\nmetadata: {name: Web}\n",
	  "svc.yaml:3:18: Endpoints default/Web: metadata.name: Web is not a DNS label (a-z, 0-9 and '-' inside)" },
	{ "Endpoints apiVersion",
	  "apiVersion: v2\nkind: Endpoints\nmetadata: {name: web}\n",
	  "svc.yaml:1:13: Endpoints default/web: apiVersion: v2 is not supported (use v1)" },
	{ "Pod bad podIP",
	  PODE("status: {podIP: 10.1.0.256}\n"),
	  "svc.yaml:4:17: Pod default/web-0: status.podIP: 10.1.0.256 is not an IP address" },
	{ "Pod bad podIPs",
	  PODE("status:\n  podIPs:\n  - ip: 10.1.0.1\n  - ip: \"fd00::zz\"\n"),
	  "svc.yaml:7:9: Pod default/web-0: status.podIPs[1].ip: fd00::zz is not an IP address" },
	{ "Pod too many podIPs",
	  PODE("status: {podIPs: [{ip: 10.1.0.1}, {ip: \"fd00::1\"}, {ip: 10.1.0.2}]}\n"),
	  "svc.yaml:4:57: Pod default/web-0: status.podIPs[2].ip: more than 2 pod IPs" },
	{ "Pod condition status",
	  PODE("status:\n  podIP: 10.1.0.1\n  conditions:\n  - type: Ready\n    status: Yes\n"),
	  "svc.yaml:8:13: Pod default/web-0: status.conditions[0].status: Yes is not True, False or Unknown" },
	{ "Pod condition status missing",
	  PODE("status:\n  podIP: 10.1.0.1\n  conditions:\n  - type: Ready\n"),
	  "svc.yaml:7:5: Pod default/web-0: status.conditions[0].status: missing" },
	{ "Pod containerPort",
	  PODE("spec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: 65536}\n"),
	  "svc.yaml:8:35: Pod default/web-0: spec.containers[0].ports[0].containerPort: 65536 is not a port number (1-65535)" },
	{ "Pod containerPort missing",
	  PODE("spec:\n  containers:\n  - ports: [{name: http}]\n"),
	  "svc.yaml:1:1: Pod default/web-0: spec.containers[0].ports[0].containerPort: missing" },
	{ "Pod phase",
	  PODE("status: {phase: Done, podIP: 10.1.0.1}\n"),
	  "svc.yaml:4:17: Pod default/web-0: status.phase: Done is not a Pod phase (Pending, Running, Succeeded, Failed, Unknown)" },
	{ "Pod label value",
	  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  labels: {app: [web]}\n",
	  "svc.yaml:5:17: Pod default/web-0: metadata.labels[app]: expected a string, got a list" },
	{ "Pod deletionTimestamp",
	  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  deletionTimestamp: {}\n",
	  "svc.yaml:5:22: Pod default/web-0: metadata.deletionTimestamp: expected a string, got a mapping" },
	{ "Node zone label",
	  "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  labels: {topology.kubernetes.io/zone: [a]}\n",
	  "svc.yaml:5:41: Node default/n1: metadata.labels[topology.kubernetes.io/zone]: expected a string, got a list" },
	{ "Service trafficDistribution",
	  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
	  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}], trafficDistribution: 1}\n",
	  "svc.yaml:4:71: Service default/a: spec.trafficDistribution: 1 is not PreferClose, PreferSameZone or PreferSameNode" },
	{ "Pod namespace",
	  "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: Shop}\n",
	  "svc.yaml:3:36: Pod Shop/web-0: metadata.namespace: Shop is not a DNS label (a-z, 0-9 and '-' inside)" },
	{ "duplicate key",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  name: web2\nspec: {clusterIP: 10.0.0.1}\n",
	  "svc.yaml:5:3: duplicate key \"name\"" },
	{ "duplicate key in JSON",
	  "{\"kind\": \"Service\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"a\"}, \"kind\": \"Pod\"}\n",
	  "svc.yaml:1:68: duplicate key \"kind\"" },
	{ "duplicate key in a List item",
	  "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  apiVersion: v1\n  metadata: {name: a}\n"
	  "  spec: {clusterIP: 10.0.0.1, clusterIP: 10.0.0.2}\n",
	  "svc.yaml:7:31: duplicate key \"clusterIP\"" },
	{ "syntax error",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n   namespace: x\n",
	  "svc.yaml:5:13: mapping values are not allowed in this context: namespace: x" },
	{ "syntax error in flow",
	  "{\"kind\": \"Service\", \"metadata\": {\"name\": \"web\"}\n",
	  "svc.yaml:1:1: did not find expected ',' or '}' while parsing a flow mapping: {\"kind\": \"Service\", \"metadata\": {\"name\": \"web\"}" },
	{ "tab indentation",
	  "apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n",
	  "svc.yaml:4:1: found character that cannot start any token while scanning for the next token: name: web" },
	{ "invalid UTF-8",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: \xff\n",
	  "svc.yaml: byte 47: invalid leading UTF-8 octet" },
	{ "alias",
	  "apiVersion: v1\nkind: Service\nmetadata:\n  name: &n web\n  namespace: *n\n",
	  "svc.yaml:5:14: YAML aliases are not supported" },
	{ "complex key",
	  "apiVersion: v1\nkind: Service\n? [a, b]\n: c\n",
	  "svc.yaml:3:3: mapping keys must be strings" },
};

static void run_err_case(const struct err_case *c)
{
	struct result r;

	parse_str(&r, "svc.yaml", c->text);
	CHECK(r.ret == 1 && r.errs.n == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL, c->want);
	if (r.errs.n != 1)
		show_errors(&r);
	/* Without skip_invalid nothing is built. */
	CHECK(r.st.n_svcs == 0);
	result_free(&r);
}

static void test_deep_nesting(void)
{
	size_t depth = 100000, i;
	char *buf = malloc(2 * depth + 64), *p = buf;
	struct result r;

	if (!buf)
		abort();
	p += sprintf(p, "kind: Service\nx: ");
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	*p = 0;
	parse_str(&r, "deep.yaml", buf);
	CHECK(r.ret == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "deep.yaml:2:67: nested deeper than 64 levels");
	result_free(&r);
	free(buf);
}

/* Two Services on one address:port/protocol: the second is refused. */
static void test_frontend_clash(void)
{
	struct result r;

	parse_str(&r, "svc.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{name: a, port: 80}, {name: b, port: 53, protocol: UDP}]}\n"
		  "---\n"
		  "apiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: x}\n"
		  "spec:\n  clusterIP: 10.0.0.2\n  externalIPs: [192.0.2.1, 10.0.0.1]\n"
		  "  ports: [{name: a, port: 53, protocol: TCP}, {name: b, port: 53, protocol: UDP}]\n");
	CHECK(r.ret == 1 && r.errs.n == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "svc.yaml:11:28: Service x/b: spec.externalIPs[1]: 10.0.0.1 port 53/UDP is already used by Service default/a");
	result_free(&r);

	/* Same address, other port or protocol: fine. */
	parse_str(&r, "svc.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {clusterIP: 10.0.0.1, externalIPs: [192.0.2.1], ports: [{port: 80}]}\n"
		  "---\n"
		  "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
		  "spec: {clusterIP: 10.0.0.2, externalIPs: [192.0.2.1], ports: [{name: a, port: 80, protocol: UDP}, {name: b, port: 81}]}\n");
	CHECK(r.ret == 0 && r.st.n_svcs == 2);
	show_errors(&r);
	result_free(&r);
}

static void test_cluster_ip_clash(void)
{
	struct result r;

	parse_bufs(&r, NULL, "a.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		   "spec: {clusterIP: \"fd00::1\", ports: [{port: 80}]}\n",
		   "b.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
		   "spec:\n  clusterIPs: [10.0.0.9, \"fd00::1\"]\n  ports: [{port: 80}]\n",
		   NULL);
	CHECK(r.ret == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "b.yaml:5:26: Service default/b: spec.clusterIPs[1]: fd00::1 port 80/TCP is already used by Service default/a");
	result_free(&r);
}

static void test_node_port_clash(void)
{
	struct result r;

	parse_str(&r, "svc.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {type: NodePort, clusterIP: 10.0.0.1, ports: [{port: 80, nodePort: 30080}]}\n"
		  "---\n"
		  "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
		  "spec:\n  type: LoadBalancer\n  clusterIP: 10.0.0.2\n"
		  "  ports:\n  - port: 8080\n    nodePort: 30080\n");
	CHECK(r.ret == 1 && r.errs.n == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "svc.yaml:14:15: Service default/b: spec.ports[0].nodePort: node port 30080/TCP is already used by Service default/a");
	result_free(&r);

	/* A ClusterIP Service opens no node port, whatever it says. */
	parse_str(&r, "svc.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		  "spec: {type: NodePort, clusterIP: 10.0.0.1, ports: [{port: 80, nodePort: 30080}]}\n"
		  "---\n"
		  "apiVersion: v1\nkind: Service\nmetadata: {name: b}\n"
		  "spec: {clusterIP: 10.0.0.2, ports: [{port: 80, nodePort: 30080}]}\n");
	CHECK(r.ret == 0);
	CHECK(svc(&r, "default", "b") && svc(&r, "default", "b")->ports[0].node_port == 0);
	result_free(&r);
}

static void test_duplicate_service(void)
{
	struct result r;

	parse_bufs(&r, NULL, "a.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: x}\n"
		   "spec: {clusterIP: 10.0.0.1}\n",
		   "b.yaml",
		   "# again\napiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n  name: web\n"
		   "spec: {clusterIP: 10.0.0.2}\n"
		   "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		   "spec: {clusterIP: 10.0.0.3}\n",
		   NULL);
	CHECK(r.ret == 1 && r.errs.n == 1);
	CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL,
		  "b.yaml:6:9: Service x/web: metadata.name: duplicate Service (first defined at a.yaml:1:1)");
	result_free(&r);
}

/* skip_invalid: report the bad objects, build the rest. */
static void test_skip_invalid(void)
{
	const char *text =
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: good}\n"
		"  spec: {clusterIP: 10.0.0.1, ports: [{name: http, port: 80}]}\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: bad}\n"
		"  spec: {clusterIP: 10.0.0.2, ports: [{port: 0}]}\n"
		"- apiVersion: discovery.k8s.io/v1\n  kind: EndpointSlice\n"
		"  metadata: {name: good-1, labels: {kubernetes.io/service-name: good}}\n"
		"  addressType: IPv4\n  ports: [{name: http, port: 8080}]\n"
		"  endpoints: [{addresses: [10.1.0.1]}]\n"
		"- apiVersion: discovery.k8s.io/v1\n  kind: EndpointSlice\n"
		"  metadata: {name: good-2, labels: {kubernetes.io/service-name: good}}\n"
		"  addressType: IPv4\n  ports: [{name: http, port: 8080}]\n"
		"  endpoints: [{addresses: [10.1.0.2], conditions: {ready: maybe}}]\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: clash}\n"
		"  spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n";
	struct ks_parse_opts o = { .skip_invalid = 1 };
	const struct ks_service *s;
	struct result r;

	parse_bufs(&r, &o, "skip.yaml", text, NULL);
	CHECK(r.ret == 3 && r.errs.n == 3);
	CHECK_STR(r.errs.n_msgs > 0 ? r.errs.msgs[0] : NULL,
		  "skip.yaml:11:46: Service default/bad: spec.ports[0].port: 0 is not a port number (1-65535)");
	CHECK_STR(r.errs.n_msgs > 1 ? r.errs.msgs[1] : NULL,
		  "skip.yaml:23:59: EndpointSlice default/good-2: endpoints[0].conditions.ready: expected true or false");
	CHECK_STR(r.errs.n_msgs > 2 ? r.errs.msgs[2] : NULL,
		  "skip.yaml:27:21: Service default/clash: spec.clusterIP: 10.0.0.1 port 80/TCP is already used by Service default/good");
	CHECK(r.st.n_svcs == 1);
	s = svc(&r, "default", "good");
	CHECK(s && s->n_eps == 1);
	CHECK(ep_flags(s, 0, "10.1.0.1", 8080) == (RDY | SRV));
	result_free(&r);

	parse_bufs(&r, NULL, "skip.yaml", text, NULL);
	CHECK(r.ret == 3 && r.st.n_svcs == 0);
	result_free(&r);
}

/* A broken document loses its own objects, not the earlier ones. */
static void test_syntax_error_keeps_earlier(void)
{
	struct ks_parse_opts o = { .skip_invalid = 1 };
	struct result r;

	parse_bufs(&r, &o, "s.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
		   "spec: {clusterIP: 10.0.0.1}\n"
		   "---\n"
		   "apiVersion: v1\nkind: List\nitems:\n"
		   "- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n"
		   "  spec: {clusterIP: 10.0.0.2}\n"
		   "- [unclosed\n",
		   NULL);
	CHECK(r.ret == 1 && r.st.n_svcs == 1);
	CHECK(ks_state_find(&r.st, "default", "a") != NULL);
	result_free(&r);
}

static void test_errors_one_line(void)
{
	struct ks_errors e;
	size_t i;

	ks_errors_init(&e);
	ks_errors_add(&e, "a\nb\tc");
	CHECK_STR(e.msgs[0], "a?b?c");
	for (i = 0; i < KS_ERRORS_KEEP + 5; i++)
		ks_errors_add(&e, "x");
	CHECK(e.n == KS_ERRORS_KEEP + 6 && e.n_msgs == KS_ERRORS_KEEP);
	ks_errors_free(&e);
}

/* n Services with 10 endpoints each, in one kubectl-style JSON List. */
static char *gen_scale(size_t n, size_t *lenp)
{
	size_t i, j, len;
	char *buf;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "{\"apiVersion\": \"v1\", \"items\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f,
			"{\"apiVersion\": \"v1\", \"kind\": \"Service\", "
			"\"metadata\": {\"name\": \"s%zu\", \"namespace\": \"ns%zu\"}, "
			"\"spec\": {\"clusterIP\": \"10.%zu.%zu.%zu\", \"ports\": "
			"[{\"name\": \"http\", \"port\": 80, \"protocol\": \"TCP\"}]}},\n",
			i, i % 100, 64 + (i >> 16), (i >> 8) & 255, i & 255);
		fprintf(f,
			"{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", "
			"\"metadata\": {\"name\": \"s%zu-x\", \"namespace\": \"ns%zu\", "
			"\"labels\": {\"kubernetes.io/service-name\": \"s%zu\"}}, "
			"\"addressType\": \"IPv4\", \"ports\": [{\"name\": \"http\", \"port\": 8080}], "
			"\"endpoints\": [", i, i % 100, i);
		for (j = 0; j < 10; j++)
			fprintf(f,
				"%s{\"addresses\": [\"172.%zu.%zu.%zu\"], \"nodeName\": \"n%zu\"}",
				j ? ", " : "", 16 + (i >> 16), (i >> 8) & 255,
				(i + j) & 255, j);
		fprintf(f, "]}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "], \"kind\": \"List\"}\n");
	fclose(f);
	*lenp = len;
	return buf;
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return t1.tv_sec - t0->tv_sec + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 100,000 Services with 10 endpoints each, in one kubectl-style List. */
static void test_scale(void)
{
	int quick = getenv("KS_TEST_QUICK") != NULL;
	size_t n = quick ? 2000 : 100000, len;
	struct timespec t0, t1;
	struct result r;
	double secs;
	char *buf = gen_scale(n, &len);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	{
		struct ks_parse_opts o = { .node_name = "n3" };

		parse_bufs(&r, &o, "scale.json", buf, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %zu Services, %zu endpoints, %.1f MB: %.2f s\n", n, n * 10,
	       len / 1e6, secs);
	CHECK(r.ret == 0 && r.st.n_svcs == n);
	show_errors(&r);
	CHECK(ep_flags(svc(&r, "ns42", "s142"), 0, "172.16.0.145", 8080) ==
	      (RDY | SRV | LOC));
	CHECK(!quick ? secs < 60 : 1);
	result_free(&r);
	free(buf);
}


/* ---- Endpoints (v1) ------------------------------------------------------ */

#define EPSVC(name, ports)						\
	"apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: x}\n" \
	"spec:\n  clusterIP: 10.0.0.1\n  ports: " ports "\n"

static void test_endpoints(void)
{
	struct ks_parse_opts o = { .node_name = "node-a" };
	const struct ks_service *s;
	struct result r;

	parse_bufs(&r, &o, "e.yaml",
		   EPSVC("db", "[{name: pg, port: 5432}, {name: probe, port: 5432, protocol: UDP}]")
		   "---\n"
		   "apiVersion: v1\nkind: Endpoints\nmetadata: {name: db, namespace: x}\n"
		   "subsets:\n"
		   "- addresses:\n  - {ip: 10.1.0.1, nodeName: node-a}\n  - ip: 10.1.0.2\n"
		   "  notReadyAddresses:\n  - ip: 10.1.0.3\n"
		   "  ports:\n  - {name: pg, port: 15432, protocol: TCP}\n"
		   "  - {name: probe, port: 9, protocol: UDP}\n"
		   "- addresses: [{ip: \"fd00::7\"}]\n"
		   "  ports: [{name: pg, port: 5433}]\n",
		   NULL);
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "x", "db");
	CHECK(s && s->n_eps == 7);
	CHECK(ep_flags(s, 0, "10.1.0.1", 15432) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 0, "10.1.0.2", 15432) == (RDY | SRV));
	CHECK(ep_flags(s, 0, "10.1.0.3", 15432) == 0);
	CHECK(ep_flags(s, 1, "10.1.0.1", 9) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 1, "10.1.0.3", 9) == 0);
	CHECK(ep_flags(s, 0, "fd00::7", 5433) == (RDY | SRV));
	result_free(&r);
}

/* Slices win over Endpoints, Endpoints over Pods; -v says so. */
static void test_endpoints_precedence(void)
{
	struct ks_parse_opts o = { .verbose = 1 };
	const struct ks_service *s;
	struct result r;
	char *log;

	o.log = tmpfile();
	parse_bufs(&r, &o, "p.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		   "spec: {clusterIP: 10.0.0.1, selector: {app: web}, ports: [{port: 80}]}\n"
		   "---\n"
		   "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		   "metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}\n"
		   "addressType: IPv4\nports: [{port: 8080}]\nendpoints: [{addresses: [10.1.0.1]}]\n"
		   "---\n"
		   "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n"
		   "subsets: [{addresses: [{ip: 10.1.0.2}], ports: [{port: 8080}]}]\n"
		   "---\n"
		   "apiVersion: v1\nkind: Pod\nmetadata: {name: web-a, labels: {app: web}}\n"
		   "status: {podIP: 10.1.0.3, conditions: [{type: Ready, status: \"True\"}]}\n"
		   "---\n"
		   "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n"
		   "spec: {clusterIP: 10.0.0.2, selector: {app: web}, ports: [{port: 80}]}\n"
		   "---\n"
		   "apiVersion: v1\nkind: Endpoints\nmetadata: {name: api}\n"
		   "subsets: [{addresses: [{ip: 10.1.0.4}], ports: [{port: 8080}]}]\n"
		   "---\n"
		   "apiVersion: v1\nkind: Endpoints\nmetadata: {name: nobody}\n"
		   "subsets: [{addresses: [{ip: 10.1.0.5}], ports: [{port: 8080}]}]\n"
		   "---\n"
		   "apiVersion: v1\nkind: Service\nmetadata: {name: pods}\n"
		   "spec: {clusterIP: 10.0.0.3, selector: {app: web}, ports: [{port: 80}]}\n",
		   NULL);
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "default", "web");
	CHECK(s && s->n_eps == 1 && ep_flags(s, 0, "10.1.0.1", 8080) == (RDY | SRV));
	s = svc(&r, "default", "api");
	CHECK(s && s->n_eps == 1 && ep_flags(s, 0, "10.1.0.4", 8080) == (RDY | SRV));
	s = svc(&r, "default", "pods");
	CHECK(s && s->n_eps == 1 && ep_flags(s, 0, "10.1.0.3", 80) == (RDY | SRV));
	log = read_all(o.log);
	CHECK(strstr(log, "p.yaml:13:1: Endpoints default/web: skipped: the Service has EndpointSlices\n") != NULL);
	CHECK(strstr(log, "p.yaml:33:1: Endpoints default/nobody: skipped: no Service default/nobody\n") != NULL);
	if (failed)
		printf("# log:\n%s", log);
	fclose(o.log);
	result_free(&r);
}

/* ---- Pods: the EndpointSlice controller's rules ------------------------ */

#define PODM(name, ns, labels, meta, rest)				\
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " name		\
	"\n  namespace: " ns "\n  labels: " labels "\n" meta rest
#define POD(name, ns, labels, rest) PODM(name, ns, labels, "", rest)
#define READY(ip) "status:\n  podIP: " ip "\n  conditions:\n  - {type: Ready, status: \"True\"}\n"
#define HTTP_PORT "spec:\n  nodeName: node-a\n  containers:\n  - name: c\n    ports:\n" \
	"    - {name: http, containerPort: 8080}\n    - {name: dns, containerPort: 53, protocol: UDP}\n"

/*
 * trafficDistribution on endpoints made from Pods: the hints the
 * EndpointSlice controller would write (the Pod's Node's zone; its node
 * too for PreferSameNode), then topology as for slices.
 */
#define TD_NODE_OBJ(name, zone) "---\napiVersion: v1\nkind: Node\nmetadata:\n" \
	"  name: " name "\n  labels: {topology.kubernetes.io/zone: " zone "}\n"
#define TD_POD(name, node, ip) POD(name, "default", "{app: td}",		\
	"spec: {nodeName: " node "}\n" READY(ip))

static void td(struct result *r, const char *node, const char *zone,
	       const char *dist, int stray)
{
	struct ks_parse_opts o = { .node_name = node, .zone = zone };
	char buf[2048];

	snprintf(buf, sizeof(buf),
		 "apiVersion: v1\nkind: Service\nmetadata: {name: td}\n"
		 "spec: {clusterIP: 10.0.0.1, selector: {app: td}, ports: [{port: 80}]%s%s}\n"
		 TD_NODE_OBJ("n1", "a") TD_NODE_OBJ("n2", "b")
		 TD_POD("p1", "n1", "10.1.0.1") TD_POD("p2", "n2", "10.1.0.2") "%s",
		 dist ? ", trafficDistribution: " : "", dist ? dist : "",
		 stray ? TD_POD("p3", "n3", "10.1.0.3") : "");
	parse_bufs(r, &o, "td.yaml", buf, NULL);
	show_errors(r);
}

static long td_flags(const struct result *r, const char *ip)
{
	return ep_flags(ks_state_find(&r->st, "default", "td"), 0, ip, 80) &
	       ~(long)(RDY | SRV | LOC);
}

static void test_pods_traffic_distribution(void)
{
	struct result r;

	/* Zone a keeps to its pod. */
	td(&r, "n1", "a", "PreferSameZone", 0);
	CHECK(r.ret == 0 && td_flags(&r, "10.1.0.1") == 0 &&
	      td_flags(&r, "10.1.0.2") == ELS);
	result_free(&r);
	td(&r, "n1", "a", "PreferClose", 0);
	CHECK(td_flags(&r, "10.1.0.1") == 0 && td_flags(&r, "10.1.0.2") == ELS);
	result_free(&r);
	/* A Pod on a Node the input lacks has no zone: no hints used. */
	td(&r, "n1", "a", "PreferClose", 1);
	CHECK(td_flags(&r, "10.1.0.1") == 0 && td_flags(&r, "10.1.0.2") == 0 &&
	      td_flags(&r, "10.1.0.3") == 0);
	result_free(&r);
	/* PreferSameNode: node hints before zones (n2 is in zone a here). */
	td(&r, "n2", "a", "PreferSameNode", 0);
	CHECK(td_flags(&r, "10.1.0.1") == ELS && td_flags(&r, "10.1.0.2") == 0);
	result_free(&r);
	/* None: no hints. */
	td(&r, "n1", "a", NULL, 0);
	CHECK(td_flags(&r, "10.1.0.1") == 0 && td_flags(&r, "10.1.0.2") == 0);
	result_free(&r);
	td(&r, "n1", "a", "PreferFar", 0);
	CHECK(r.ret == 1 && r.errs.n_msgs == 1 &&
	      strstr(r.errs.msgs[0], "spec.trafficDistribution: PreferFar is not PreferClose, PreferSameZone or PreferSameNode"));
	result_free(&r);
}

static void test_pods(void)
{
	struct ks_parse_opts o = { .node_name = "node-a", .verbose = 1 };
	const struct ks_service *s;
	struct result r;
	char *log;

	o.log = tmpfile();
	parse_bufs(&r, &o, "pods.yaml",
		   "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
		   "spec:\n  clusterIP: 10.0.0.1\n  selector: {app: web, tier: fe}\n"
		   "  ports:\n  - {name: named, port: 80, targetPort: http}\n"
		   "  - {name: num, port: 81, targetPort: 9090}\n"
		   "  - {name: same, port: 82}\n"
		   "  - {name: udp, port: 53, protocol: UDP, targetPort: dns}\n"
		   "  - {name: wrongproto, port: 54, protocol: UDP, targetPort: http}\n"
		   POD("a", "shop", "{app: web, tier: fe, extra: x}", HTTP_PORT READY("10.1.0.1"))
		   /* no port names: named targetPorts skip it */
		   POD("b", "shop", "{app: web, tier: fe}", READY("10.1.0.2"))
		   /* a label missing, a value different, another namespace */
		   POD("c", "shop", "{app: web}", READY("10.1.0.3"))
		   POD("d", "shop", "{app: web, tier: be}", READY("10.1.0.4"))
		   POD("e", "other", "{app: web, tier: fe}", READY("10.1.0.5"))
		   /* not ready */
		   POD("f", "shop", "{app: web, tier: fe}",
		       "status:\n  podIP: 10.1.0.6\n  conditions:\n  - {type: Ready, status: \"False\"}\n")
		   /* terminating, ready and not */
		   PODM("g", "shop", "{app: web, tier: fe}",
			"  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n",
			READY("10.1.0.7"))
		   PODM("h", "shop", "{app: web, tier: fe}",
			"  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n",
			"status: {podIP: 10.1.0.8, conditions: [{type: Ready, status: Unknown}]}\n")
		   /* no IP yet; finished */
		   POD("i", "shop", "{app: web, tier: fe}", "status: {phase: Pending}\n")
		   POD("j", "shop", "{app: web, tier: fe}",
		       "status: {phase: Succeeded, podIP: 10.1.0.10}\n")
		   /* dual-stack Pod, single-stack Service: IPv4 only */
		   POD("k", "shop", "{app: web, tier: fe}",
		       "status:\n  podIPs: [{ip: 10.1.0.11}, {ip: \"fd00::11\"}]\n"
		       "  conditions: [{type: Ready, status: \"True\"}]\n"),
		   NULL);
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "shop", "web");
	CHECK(s && s->n_ports == 5);
	/* a: every port; named ones resolved against its container ports */
	CHECK(ep_flags(s, 0, "10.1.0.1", 8080) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 1, "10.1.0.1", 9090) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 2, "10.1.0.1", 82) == (RDY | SRV | LOC));
	CHECK(ep_flags(s, 3, "10.1.0.1", 53) == (RDY | SRV | LOC));
	/* http is a TCP port: no UDP port of that name */
	CHECK(ep_flags(s, 4, "10.1.0.1", 8080) == -1);
	/* b: numeric and default only */
	CHECK(ep_flags(s, 0, "10.1.0.2", 8080) == -1);
	CHECK(ep_flags(s, 1, "10.1.0.2", 9090) == (RDY | SRV));
	CHECK(ep_flags(s, 2, "10.1.0.2", 82) == (RDY | SRV));
	CHECK(ep_flags(s, 1, "10.1.0.3", 9090) == -1);
	CHECK(ep_flags(s, 1, "10.1.0.4", 9090) == -1);
	CHECK(ep_flags(s, 1, "10.1.0.5", 9090) == -1);
	CHECK(ep_flags(s, 1, "10.1.0.6", 9090) == 0);
	CHECK(ep_flags(s, 1, "10.1.0.7", 9090) == (SRV | TRM));
	CHECK(ep_flags(s, 1, "10.1.0.8", 9090) == TRM);
	CHECK(ep_flags(s, 1, "10.1.0.10", 9090) == -1);
	CHECK(ep_flags(s, 1, "10.1.0.11", 9090) == (RDY | SRV));
	CHECK(ep_flags(s, 1, "fd00::11", 9090) == -1);
	/* a: 4, b: 2, f, g, h, k: 2 each */
	CHECK(s && s->n_eps == 14);
	log = read_all(o.log);
	CHECK(strstr(log, "pods.yaml:108:1: Pod shop/i: skipped: no IP\n") != NULL);
	CHECK(strstr(log, "pods.yaml:116:1: Pod shop/j: skipped: phase Succeeded\n") != NULL);
	if (failed)
		printf("# log:\n%s", log);
	fclose(o.log);
	result_free(&r);
}

/* publishNotReadyAddresses; no selector, empty selector: no Pod matches. */
static void test_pods_publish_not_ready(void)
{
	const struct ks_service *s;
	struct result r;

	parse_str(&r, "p.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: sts}\n"
		  "spec: {clusterIP: 10.0.0.1, publishNotReadyAddresses: true, selector: {app: db}, ports: [{port: 5432}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: nosel}\n"
		  "spec: {clusterIP: 10.0.0.2, ports: [{port: 5432}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: emptysel}\n"
		  "spec: {clusterIP: 10.0.0.3, selector: {}, ports: [{port: 5432}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: v6}\n"
		  "spec: {clusterIPs: [\"fd00::1\"], selector: {app: db}, ports: [{port: 5432}]}\n"
		  POD("db-0", "default", "{app: db}", "status: {podIPs: [{ip: 10.1.0.1}, {ip: \"fd00::2\"}]}\n"));
	CHECK(r.ret == 0);
	show_errors(&r);
	s = svc(&r, "default", "sts");
	CHECK(s && s->n_eps == 1 && ep_flags(s, 0, "10.1.0.1", 5432) == RDY);
	s = svc(&r, "default", "nosel");
	CHECK(s && s->n_eps == 0);
	s = svc(&r, "default", "emptysel");
	CHECK(s && s->n_eps == 0);
	s = svc(&r, "default", "v6");
	CHECK(s && s->n_eps == 1 && ep_flags(s, 0, "fd00::2", 5432) == 0);
	result_free(&r);
}

/* Many Services, many Pods: selector lookups go through the index. */
static void test_pods_scale(void)
{
	size_t n = getenv("KS_TEST_QUICK") ? 500 : 20000, i, len;
	struct timespec t0, t1;
	struct result r;
	char *buf;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	fprintf(f, "apiVersion: v1\nkind: List\nitems:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "- {apiVersion: v1, kind: Service, metadata: {name: s%zu, namespace: ns}, "
			"spec: {clusterIP: 10.%zu.%zu.%zu, selector: {app: s%zu, env: prod}, "
			"ports: [{port: 80, targetPort: http}]}}\n"
			"- {apiVersion: v1, kind: Pod, metadata: {name: p%zu, namespace: ns, "
			"labels: {app: s%zu, env: prod}}, spec: {containers: [{ports: [{name: http, containerPort: 8080}]}]}, "
			"status: {podIP: 10.%zu.%zu.%zu, conditions: [{type: Ready, status: \"True\"}]}}\n",
			i, 64 + (i >> 16), (i >> 8) & 255, i & 255, i, i, i,
			128 + (i >> 16), (i >> 8) & 255, i & 255);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	parse_str(&r, "pods.yaml", buf);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %zu Services selecting among %zu Pods: %.2f s\n", n, n,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	CHECK(r.ret == 0 && r.st.n_svcs == n);
	CHECK(ep_flags(svc(&r, "ns", "s300"), 0, "10.128.1.44", 8080) == (RDY | SRV));
	CHECK(svc(&r, "ns", "s300") && svc(&r, "ns", "s300")->n_eps == 1);
	result_free(&r);
	free(buf);
}

/* ---- the planner --------------------------------------------------------- */

static void test_plan(void)
{
	struct result want, have;
	struct ks_plan plan;

	parse_str(&want, "want.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: same}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: changed}\n"
		  "spec: {clusterIP: 10.0.0.2, ports: [{port: 80}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: new}\n"
		  "spec: {clusterIP: 10.0.0.3, ports: [{port: 80}]}\n");
	parse_str(&have, "have.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: same}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: changed}\n"
		  "spec: {clusterIP: 10.0.0.2, ports: [{port: 81}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: old}\n"
		  "spec: {clusterIP: 10.0.0.4, ports: [{port: 80}]}\n");
	CHECK(want.ret == 0 && have.ret == 0);
	CHECK(!ks_plan_make(&want.st, &have.st, 1, &plan));
	CHECK(plan.n_add == 1 && plan.n_change == 1 && plan.n_del == 1 &&
	      plan.n_same == 1 && ks_plan_size(&plan) == 3);
	CHECK(plan.n_add && !strcmp(plan.add[0]->name, "new"));
	CHECK(plan.n_change && !strcmp(plan.change[0]->name, "changed"));
	CHECK(plan.n_del && !strcmp(plan.del[0]->name, "old"));
	ks_plan_free(&plan);
	/* prune off: nothing deleted */
	CHECK(!ks_plan_make(&want.st, &have.st, 0, &plan));
	CHECK(plan.n_add == 1 && plan.n_change == 1 && plan.n_del == 0 &&
	      plan.n_same == 1);
	ks_plan_free(&plan);
	/* against itself: nothing */
	CHECK(!ks_plan_make(&want.st, &want.st, 1, &plan));
	CHECK(ks_plan_size(&plan) == 0 && plan.n_same == 3);
	ks_plan_free(&plan);
	/* against nothing: delete all, or with prune off nothing */
	{
		struct ks_state empty;

		ks_state_init(&empty);
		CHECK(!ks_plan_make(&empty, &have.st, 1, &plan));
		CHECK(plan.n_del == 3 && plan.n_add == 0);
		ks_plan_free(&plan);
		CHECK(!ks_plan_make(&empty, &have.st, 0, &plan));
		CHECK(ks_plan_size(&plan) == 0);
		ks_plan_free(&plan);
	}
	result_free(&want);
	result_free(&have);
}

/* Endpoint order and source do not matter, endpoint flags do. */
static void test_plan_endpoints(void)
{
	struct result a, b, c;
	struct ks_plan plan;

	parse_str(&a, "a.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n"
		  "subsets: [{addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.2}], ports: [{port: 8080}]}]\n");
	parse_str(&b, "b.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}\n"
		  "addressType: IPv4\nports: [{port: 8080}]\n"
		  "endpoints: [{addresses: [10.1.0.2]}, {addresses: [10.1.0.1]}]\n");
	parse_str(&c, "c.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n"
		  "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
		  "metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}\n"
		  "addressType: IPv4\nports: [{port: 8080}]\n"
		  "endpoints: [{addresses: [10.1.0.2]}, {addresses: [10.1.0.1], conditions: {ready: false}}]\n");
	CHECK(!ks_plan_make(&a.st, &b.st, 1, &plan));
	CHECK(ks_plan_size(&plan) == 0 && plan.n_same == 1);
	ks_plan_free(&plan);
	CHECK(!ks_plan_make(&a.st, &c.st, 1, &plan));
	CHECK(plan.n_change == 1 && ks_plan_size(&plan) == 1);
	ks_plan_free(&plan);
	result_free(&a);
	result_free(&b);
	result_free(&c);
}

/* diff's text: what changes inside a changed service. */
static void test_plan_diff_text(void)
{
	struct result a, b;
	struct ks_plan plan;
	char *buf;
	size_t len;
	FILE *f;

	parse_str(&a, "a.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {clusterIP: 10.0.0.1, externalIPs: [192.0.2.1], ports: [{name: h, port: 80}]}\n"
		  "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n"
		  "subsets: [{addresses: [{ip: 10.1.0.1}], ports: [{name: h, port: 8080}]}]\n");
	parse_str(&b, "b.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
		  "spec: {clusterIP: 10.0.0.1, ports: [{name: h, port: 81}]}\n"
		  "---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\n"
		  "subsets: [{addresses: [{ip: 10.1.0.2}], ports: [{name: h, port: 8080}]}]\n");
	CHECK(!ks_plan_make(&a.st, &b.st, 1, &plan));
	f = open_memstream(&buf, &len);
	ks_plan_print_diff(&plan, &b.st, f);
	fclose(f);
	CHECK_STR(buf,
		  "~ service default/web\n"
		  "    - port[0] h 81/TCP\n"
		  "    + port[0] h 80/TCP\n"
		  "    + external IP 192.0.2.1\n"
		  "    + endpoint 10.1.0.1:8080 port[0] ready serving\n"
		  "    - endpoint 10.1.0.2:8080 port[0] ready serving\n"
		  "0 to add, 1 to change, 0 to delete, 0 unchanged\n");
	free(buf);
	ks_plan_free(&plan);
	result_free(&b);

	/* A new service shows what it brings, a deleted one what goes. */
	parse_str(&b, "b.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n"
		  "spec: {type: NodePort, clusterIP: 10.0.0.2, ports: [{port: 5432, nodePort: 30432}]}\n");
	CHECK(!ks_plan_make(&a.st, &b.st, 1, &plan));
	f = open_memstream(&buf, &len);
	ks_plan_print_diff(&plan, &b.st, f);
	fclose(f);
	CHECK_STR(buf,
		  "- service default/db\n"
		  "    - type NodePort\n"
		  "    - port[0] 5432/TCP nodePort 30432\n"
		  "    - cluster IP 10.0.0.2\n"
		  "+ service default/web\n"
		  "    + type ClusterIP\n"
		  "    + port[0] h 80/TCP\n"
		  "    + cluster IP 10.0.0.1\n"
		  "    + external IP 192.0.2.1\n"
		  "    + endpoint 10.1.0.1:8080 port[0] ready serving\n"
		  "1 to add, 0 to change, 1 to delete, 0 unchanged\n");
	free(buf);
	ks_plan_free(&plan);
	result_free(&a);

	/* An ExternalName: its name once, nothing more. */
	parse_str(&a, "a.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n"
		  "spec: {type: ExternalName, externalName: db.example.com}\n");
	CHECK(!ks_plan_make(&a.st, &b.st, 1, &plan));
	f = open_memstream(&buf, &len);
	ks_plan_print_diff(&plan, &b.st, f);
	fclose(f);
	CHECK_STR(buf,
		  "~ service default/db\n"
		  "    type NodePort -> ExternalName\n"
		  "    externalName  -> db.example.com\n"
		  "    - port[0] 5432/TCP nodePort 30432\n"
		  "    - cluster IP 10.0.0.2\n"
		  "0 to add, 1 to change, 0 to delete, 0 unchanged\n");
	free(buf);
	ks_plan_free(&plan);
	result_free(&a);
	result_free(&b);
	ks_state_init(&b.st);
	parse_str(&a, "a.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: db}\n"
		  "spec: {type: ExternalName, externalName: db.example.com}\n");
	CHECK(!ks_plan_make(&a.st, &b.st, 1, &plan));
	f = open_memstream(&buf, &len);
	ks_plan_print_diff(&plan, &b.st, f);
	fclose(f);
	CHECK_STR(buf,
		  "+ service default/db\n"
		  "    + type ExternalName externalName db.example.com\n"
		  "1 to add, 0 to change, 0 to delete, 0 unchanged\n");
	free(buf);
	ks_plan_free(&plan);
	result_free(&a);
	ks_state_free(&b.st);
}

/* ---- output: get -o yaml|json reads back into the same state ---------- */

static void round_trip(const struct ks_state *st, int json, const char *node)
{
	struct ks_out_opts oo = { .json = json, .node_name = node,
				  .what = KS_OUT_SERVICES | KS_OUT_SLICES };
	struct ks_parse_opts po = { .node_name = node };
	struct result r;
	struct ks_plan plan;
	size_t len;
	char *buf;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	ks_out_list(f, st, &oo);
	fclose(f);
	parse_bufs(&r, &po, json ? "out.json" : "out.yaml", buf, NULL);
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(r.st.n_svcs == st->n_svcs);
	CHECK(!ks_plan_make(&r.st, st, 1, &plan));
	CHECK(ks_plan_size(&plan) == 0 && plan.n_same == st->n_svcs);
	if (ks_plan_size(&plan)) {
		printf("# output:\n%s", buf);
		ks_plan_print(&plan, stdout);
	}
	ks_plan_free(&plan);
	result_free(&r);
	free(buf);
}

static void test_round_trip(void)
{
	static const char *const f[] = { "list.yaml", "multi.yaml", NULL };
	struct ks_parse_opts o = { .node_name = "node-2" };
	struct result r;

	parse_files(&r, &o, f);
	CHECK(r.ret == 0 && r.st.n_svcs > 5);
	round_trip(&r.st, 0, "node-2");
	round_trip(&r.st, 1, "node-2");
	result_free(&r);

	/* Every shape: dual stack, LB, headless, ExternalName, flags, Pods. */
	parse_str(&r, "all.yaml",
		  "apiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: x, annotations: {ksvc.io/algorithm: round-robin}}\n"
		  "spec:\n  type: LoadBalancer\n  clusterIPs: [\"fd00::1\", 10.0.0.1]\n"
		  "  externalIPs: [192.0.2.1]\n  externalTrafficPolicy: Local\n"
		  "  internalTrafficPolicy: Local\n  sessionAffinity: ClientIP\n"
		  "  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}\n"
		  "  loadBalancerSourceRanges: [192.0.2.0/24, \"2001:db8::/32\"]\n"
		  "  selector: {app: a}\n"
		  "  ports:\n  - {name: http, port: 80, nodePort: 30080, targetPort: web}\n"
		  "  - {name: dns, port: 53, protocol: UDP, nodePort: 30053}\n"
		  "  - {name: s, port: 9, protocol: SCTP}\n"
		  "status: {loadBalancer: {ingress: [{ip: 198.51.100.1}, {ip: \"2001:db8::1\"}]}}\n"
		  POD("a1", "x", "{app: a}",
		      "spec:\n  nodeName: n1\n  containers: [{ports: [{name: web, containerPort: 8080}]}]\n"
		      "status:\n  podIPs: [{ip: 10.1.0.1}, {ip: \"fd00::a1\"}]\n"
		      "  conditions: [{type: Ready, status: \"True\"}]\n")
		  PODM("a2", "x", "{app: a}", "  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n",
		       "spec:\n  nodeName: n2\n  containers: [{ports: [{name: web, containerPort: 8081}]}]\n"
		       "status:\n  podIPs: [{ip: 10.1.0.2}]\n"
		       "  conditions: [{type: Ready, status: \"True\"}]\n")
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: hl, namespace: x}\n"
		  "spec: {clusterIP: None, ports: [{port: 5432}]}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: x}\n"
		  "spec: {type: ExternalName, externalName: db.example.com}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: none, namespace: \"true\"}\n"
		  "spec: {clusterIP: 10.0.0.9}\n"
		  "---\napiVersion: v1\nkind: Service\nmetadata: {name: mag, namespace: x, annotations: {ksvc.io/algorithm: maglev}}\n"
		  "spec: {clusterIP: 10.0.0.8, ports: [{port: 80}]}\n");
	CHECK(r.ret == 0);
	show_errors(&r);
	CHECK(svc(&r, "x", "mag") && svc(&r, "x", "mag")->algo == KSVC_ALGO_MAGLEV &&
	      svc(&r, "x", "lb")->algo == KSVC_ALGO_ROUND_ROBIN);
	round_trip(&r.st, 0, "n1");
	round_trip(&r.st, 1, "n1");
	result_free(&r);
}

/* ---- runner ----------------------------------------------------------- */

static const struct ks_test tests[] = {
	{ "kubectl -o yaml List", test_list_yaml },
	{ "kubectl -o json List", test_list_json },
	{ "JSON and YAML build the same state", test_json_equals_yaml },
	{ "multi-document YAML", test_multi_doc },
	{ "selector-less Service with a hand-written slice", test_selectorless },
	{ "slice ports matched by name", test_port_match_by_name },
	{ "multi-port dual-stack Service", test_multi_port },
	{ "TCP and UDP on the same port", test_tcp_udp_same_port },
	{ "empty and absent port names", test_empty_port_names },
	{ "condition defaults", test_condition_defaults },
	{ "conditions from kubectl output", test_fixture_conditions },
	{ "endpoints deduplicated across slices", test_dedup },
	{ "node-local endpoints", test_node_local },
	{ "topology hints", test_topology_hints },
	{ "externalIPs switched off", test_no_external_ips },
	{ "Pods: trafficDistribution hints", test_pods_traffic_distribution },
	{ "headless and ExternalName", test_headless_external_name },
	{ "ExternalName manifest", test_external_name_manifest },
	{ "LoadBalancer ingress, ipMode Proxy skipped", test_lb_ingress },
	{ "source ranges: blanks trimmed, the rest still refused", test_source_range_blanks },
	{ "skipped objects, verbose notes", test_skips_verbose },
	{ "service-proxy-name label", test_proxy_name_label },
	{ "ServiceList and EndpointSliceList", test_typed_lists },
	{ "typed Lists name their items' kind and apiVersion", test_typed_list_bare_items },
	{ "a stream of JSON objects", test_json_stream },
	{ "a load-balancer IP that is the cluster IP", test_lb_ip_is_cluster_ip },
	{ "items in a document that is no List", test_items_not_list },
	{ "items dropped by their document", test_items_dropped_by_document },
	{ "empty inputs", test_empty_inputs },
	{ "missing file", test_missing_file },
	{ "directory input", test_directory },
	{ "model: sort, find, compare", test_model },
	{ "error: nesting depth", test_deep_nesting },
	{ "error: frontend claimed twice", test_frontend_clash },
	{ "error: cluster IP claimed twice", test_cluster_ip_clash },
	{ "error: node port claimed twice", test_node_port_clash },
	{ "error: duplicate Service", test_duplicate_service },
	{ "skip_invalid", test_skip_invalid },
	{ "syntax error keeps earlier documents", test_syntax_error_keeps_earlier },
	{ "errors are single lines, capped", test_errors_one_line },
	{ "100,000 Services", test_scale },
	{ "Endpoints: subsets, not-ready addresses", test_endpoints },
	{ "slices over Endpoints over Pods", test_endpoints_precedence },
	{ "Pods: selector, named ports, conditions", test_pods },
	{ "Pods: publishNotReadyAddresses, no selector, families", test_pods_publish_not_ready },
	{ "Pods: selector index at scale", test_pods_scale },
	{ "plan: add, change, delete, unchanged, prune", test_plan },
	{ "plan: endpoint order and source", test_plan_endpoints },
	{ "plan: diff text", test_plan_diff_text },
	{ "output: YAML and JSON read back into the same state", test_round_trip },
};

/* ---- the corpus: hostile inputs, each with its expected first error ------ */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

static int corpus_input(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' &&
	       ((n > 5 && !strcmp(de->d_name + n - 5, ".yaml")) ||
		(n > 5 && !strcmp(de->d_name + n - 5, ".json")));
}

/*
 * NAME.yaml must give exactly the first error line in NAME.err and build
 * nothing; with skip_invalid, it must not crash or leak either.
 */
static void run_corpus_case(const char *file)
{
	char path[4096], want[4096];
	struct ks_parse_opts o = { .skip_invalid = 1 };
	struct result r;
	size_t len, wl;
	char *text, *err, *nl;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, file);
	text = slurp(path, &len);
	CHECK(text != NULL);
	if (!text)
		return;
	snprintf(want, sizeof(want), "%s/%.*s.err", corpus_dir,
		 (int)(strlen(file) - 5), file);
	err = slurp(want, &wl);
	if (err && (nl = strchr(err, '\n')))
		*nl = 0;
	parse_bufs(&r, NULL, file, text, NULL);
	/* parse_bufs uses strlen: a NUL inside is part of the test, keep len */
	result_free(&r);
	{
		struct ks_input *in = ks_input_new();

		ks_state_init(&r.st);
		ks_errors_init(&r.errs);
		ks_input_add_buffer(in, file, text, len, &r.errs);
		r.ret = ks_input_build(in, NULL, &r.st, &r.errs);
		ks_input_free(in);
	}
	CHECK(r.ret >= 1);
	CHECK(r.st.n_svcs == 0);
	if (!err)
		printf("#   %s: no .err file; first error: %s\n", file,
		       r.errs.n_msgs ? r.errs.msgs[0] : "(none)");
	CHECK(err != NULL);
	if (err)
		CHECK_STR(r.errs.n_msgs ? r.errs.msgs[0] : NULL, err);
	result_free(&r);
	{
		struct ks_input *in = ks_input_new();

		ks_state_init(&r.st);
		ks_errors_init(&r.errs);
		ks_input_add_buffer(in, file, text, len, &r.errs);
		r.ret = ks_input_build(in, &o, &r.st, &r.errs);
		ks_input_free(in);
		CHECK(r.ret >= 1);
		result_free(&r);
	}
	free(text);
	free(err);
}

/*
 * make bench: parse (libyaml, build, join, sort), plan against an equal
 * table (every service compared: the worst case of a no-op apply), plan
 * with one changed service, and print back as YAML.
 */
static int bench(int argc, char **argv)
{
	int i;

	printf("# services  endpoints  input-MB  parse-s  plan-s  plan1-s  yaml-out-s\n");
	for (i = 0; i < argc; i++) {
		size_t n = strtoul(argv[i], NULL, 10), len;
		struct ks_out_opts oo = { .what = KS_OUT_SERVICES | KS_OUT_SLICES };
		struct ks_parse_opts o = { .node_name = "n3" };
		struct result r, h;
		struct ks_plan plan;
		struct timespec t0;
		double tp, tpl, tpl1, to;
		char *buf = gen_scale(n, &len);
		FILE *null = fopen("/dev/null", "w");

		clock_gettime(CLOCK_MONOTONIC, &t0);
		parse_bufs(&r, &o, "bench.json", buf, NULL);
		tp = since(&t0);
		parse_bufs(&h, &o, "bench.json", buf, NULL);
		if (r.ret || h.ret || !null)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ks_plan_make(&r.st, &h.st, 1, &plan);
		tpl = since(&t0);
		ks_plan_free(&plan);
		h.st.svcs[n / 2].eps[0].flags ^= KSVC_EP_F_READY;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ks_plan_make(&r.st, &h.st, 1, &plan);
		tpl1 = since(&t0);
		if (plan.n_change != 1)
			return 1;
		ks_plan_free(&plan);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ks_out_list(null, &r.st, &oo);
		to = since(&t0);
		printf("%10zu %10zu %9.1f %8.3f %7.3f %8.3f %11.3f\n", n, n * 10,
		       len / 1e6, tp, tpl, tpl1, to);
		fclose(null);
		result_free(&r);
		result_free(&h);
		free(buf);
	}
	return 0;
}

static int dump(int argc, char **argv)
{
	struct ks_parse_opts o = { .verbose = 1, .skip_invalid = 1 };
	struct ks_input *in = ks_input_new();
	struct ks_errors errs;
	struct ks_state st;
	int i, r;

	ks_errors_init(&errs);
	ks_state_init(&st);
	for (i = 0; i < argc; i++)
		ks_input_add_path(in, argv[i], &errs);
	r = ks_input_build(in, &o, &st, &errs);
	dump_state(&st, stdout);
	ks_errors_print(&errs, stdout);
	ks_state_free(&st);
	ks_errors_free(&errs);
	ks_input_free(in);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	size_t n_err = sizeof(err_cases) / sizeof(err_cases[0]);
	size_t n_tests = sizeof(tests) / sizeof(tests[0]), i;
	struct dirent **corpus = NULL;
	int n_corpus;

	if (argc > 1 && !strcmp(argv[1], "--dump"))
		return dump(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return bench(argc - 2, argv + 2);
	if (argc > 1)
		data_dir = argv[1];
	if (argc > 2)
		corpus_dir = argv[2];
	n_corpus = scandir(corpus_dir, &corpus, corpus_input, alphasort);
	if (n_corpus < 0) {
		printf("# %s: no corpus\n", corpus_dir);
		n_corpus = 0;
	}
	ks_plan(n_tests + n_err + (size_t)n_corpus);
	ks_run(tests, n_tests);
	for (i = 0; i < n_err; i++) {
		char name[128];

		run_err_case(&err_cases[i]);
		snprintf(name, sizeof(name), "error: %s", err_cases[i].name);
		ks_report(name);
	}
	for (i = 0; i < (size_t)n_corpus; i++) {
		char name[300];

		run_corpus_case(corpus[i]->d_name);
		snprintf(name, sizeof(name), "corpus: %s", corpus[i]->d_name);
		ks_report(name);
		free(corpus[i]);
	}
	free(corpus);
	return ks_done();
}
