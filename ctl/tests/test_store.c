// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of ksvcctl sync's store (store.c): which Services an
 * API event makes dirty, what a relist changes, and that a Service built
 * from the store is what the parser makes of the same objects in a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "store.h"
#include "tests/check.h"


static json_object *svc(const char *name, const char *rv, const char *ip)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"resourceVersion\":\"%s\"},"
		 "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"%s\",\"clusterIPs\":[\"%s\"],"
		 "\"ports\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":8080}]}}",
		 name, rv, ip, ip);
	return json_tokener_parse(text);
}

static json_object *slice(const char *name, const char *svcname, const char *rv,
			  const char *addr)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\",\"resourceVersion\":\"%s\","
		 "\"labels\":{\"kubernetes.io/service-name\":\"%s\"}},\"addressType\":\"IPv4\","
		 "\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}],"
		 "\"endpoints\":[{\"addresses\":[\"%s\"],\"conditions\":{\"ready\":true}}]}",
		 name, rv, svcname, addr);
	return json_tokener_parse(text);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The dirty keys, sorted, joined with spaces. */
static char *dirty(struct ks_store *s)
{
	json_object *keys = ks_store_take_dirty(s);
	static char buf[1024];
	size_t i, n = json_object_array_length(keys);
	const char *k[32];

	for (i = 0; i < n && i < 32; i++)
		k[i] = json_object_get_string(json_object_array_get_idx(keys, i));
	qsort(k, n, sizeof(k[0]), cmpstr);
	buf[0] = 0;
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "", k[i]);
	json_object_put(keys);
	return buf;
}

/* Build key; how many services, and the first one's endpoint count. */
static size_t build(struct ks_store *s, const char *key, size_t *n_eps, int *n_err)
{
	struct ks_parse_opts o = { .skip_invalid = 1, .log = stdout };
	struct ks_errors errs;
	struct ks_state st;
	size_t n;

	ks_state_init(&st);
	ks_errors_init(&errs);
	*n_err = ks_store_build(s, key, &o, &st, &errs);
	n = st.n_svcs;
	*n_eps = n ? st.svcs[0].n_eps : 0;
	ks_state_free(&st);
	ks_errors_free(&errs);
	return n;
}

static void test_events(void)
{
	struct ks_store s;
	size_t eps;
	int err;

	ks_store_init(&s);
	ks_store_put(&s, KS_KIND_SERVICE, svc("a", "1", "10.96.0.10"));
	ks_store_put(&s, KS_KIND_SLICE, slice("a-1", "a", "2", "10.244.0.11"));
	CHECK(!strcmp(dirty(&s), "default/a"));
	CHECK(build(&s, "default/a", &eps, &err) == 1 && eps == 1 && !err);

	/* The same resourceVersion again (a relist, a replayed event): nothing. */
	ks_store_put(&s, KS_KIND_SLICE, slice("a-1", "a", "2", "10.244.0.11"));
	CHECK(!strcmp(dirty(&s), ""));

	/* A second slice: both endpoints. */
	ks_store_put(&s, KS_KIND_SLICE, slice("a-2", "a", "3", "10.244.0.12"));
	CHECK(!strcmp(dirty(&s), "default/a"));
	CHECK(build(&s, "default/a", &eps, &err) == 1 && eps == 2);

	/* A slice relabelled to another Service dirties both. */
	ks_store_put(&s, KS_KIND_SERVICE, svc("b", "4", "10.96.0.11"));
	dirty(&s);
	ks_store_put(&s, KS_KIND_SLICE, slice("a-2", "b", "5", "10.244.0.12"));
	CHECK(!strcmp(dirty(&s), "default/a default/b"));
	CHECK(build(&s, "default/a", &eps, &err) == 1 && eps == 1);
	CHECK(build(&s, "default/b", &eps, &err) == 1 && eps == 1);

	/* Deleting the Service: its key builds to nothing. */
	ks_store_del(&s, KS_KIND_SERVICE, "default/a");
	CHECK(!strcmp(dirty(&s), "default/a"));
	CHECK(build(&s, "default/a", &eps, &err) == 0 && !err);
	ks_store_del(&s, KS_KIND_SLICE, "default/a-1");
	CHECK(!strcmp(dirty(&s), "default/a"));
	CHECK(ks_store_count(&s, KS_KIND_SLICE) == 1);

	/* An object ksvc refuses: counted as an error, not built. */
	ks_store_put(&s, KS_KIND_SERVICE, svc("bad", "6", "10.96.0.300"));
	CHECK(!strcmp(dirty(&s), "default/bad"));
	CHECK(build(&s, "default/bad", &eps, &err) == 0 && err == 1);
	/* The rest still builds. */
	CHECK(build(&s, NULL, &eps, &err) == 1 && err == 1);
	ks_store_free(&s);
}

static void test_relist(void)
{
	json_object *items = json_object_new_array();
	struct ks_store s;
	size_t eps;
	int err;

	ks_store_init(&s);
	ks_store_put(&s, KS_KIND_SERVICE, svc("a", "1", "10.96.0.10"));
	ks_store_put(&s, KS_KIND_SERVICE, svc("b", "2", "10.96.0.11"));
	ks_store_put(&s, KS_KIND_SERVICE, svc("c", "3", "10.96.0.12"));
	dirty(&s);
	/* The list: a unchanged, b changed, c gone, d new. */
	json_object_array_add(items, svc("a", "1", "10.96.0.10"));
	json_object_array_add(items, svc("b", "7", "10.96.0.11"));
	json_object_array_add(items, svc("d", "8", "10.96.0.13"));
	ks_store_replace(&s, KS_KIND_SERVICE, items);
	CHECK(!strcmp(dirty(&s), "default/b default/c default/d"));
	CHECK(ks_store_count(&s, KS_KIND_SERVICE) == 3);
	CHECK(build(&s, NULL, &eps, &err) == 3 && !err);
	ks_store_free(&s);
}

static void test_trim(void)
{
	json_object *o = json_tokener_parse(
		"{\"metadata\":{\"name\":\"t\",\"namespace\":\"default\",\"resourceVersion\":\"5\","
		"\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{...}\","
		"\"ksvc.io/algorithm\":\"round-robin\"},"
		"\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Update\"}]},"
		"\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"10.96.0.20\",\"clusterIPs\":[\"10.96.0.20\"],"
		"\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}}");
	json_object *got, *md, *ann;
	struct ks_store s;
	size_t eps;
	int err;

	ks_store_init(&s);
	CHECK(!ks_store_put(&s, KS_KIND_SERVICE, o));
	CHECK(json_object_object_get_ex(s.objs[KS_KIND_SERVICE], "default/t", &got));
	CHECK(json_object_object_get_ex(got, "metadata", &md));
	CHECK(!json_object_object_get_ex(md, "managedFields", NULL));
	CHECK(json_object_object_get_ex(md, "annotations", &ann));
	CHECK(!json_object_object_get_ex(ann, "kubectl.kubernetes.io/last-applied-configuration", NULL));
	CHECK(!strcmp(ks_json_str(got, "metadata", "annotations", "ksvc.io/algorithm", NULL) ?: "",
		      "round-robin"));
	CHECK(build(&s, "default/t", &eps, &err) == 1 && !err);
	ks_store_free(&s);
}

static void test_cidr_contains(void)
{
	struct ks_cidr c;
	struct ks_addr a = { .family = AF_INET };

	inet_pton(AF_INET, "192.168.50.1", a.a);
	CHECK(!ks_cidr_parse("192.168.50.0/24", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("192.168.48.0/20", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("192.168.64.0/20", &c) && !ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("192.168.50.1/32", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("192.168.50.2/32", &c) && !ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("0.0.0.0/0", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("::/0", &c) && !ks_cidr_contains(&c, &a));
	a.family = AF_INET6;
	memset(a.a, 0, sizeof(a.a));
	inet_pton(AF_INET6, "fd00:50::1", a.a);
	CHECK(!ks_cidr_parse("fd00:50::/64", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("fd00:50::1/128", &c) && ks_cidr_contains(&c, &a));
	CHECK(!ks_cidr_parse("fd00:51::/33", &c) && !ks_cidr_contains(&c, &a));
}

static const struct ks_test tests[] = {
	{ "model: ks_cidr_contains at /0, /20, /24, /32, /33, /64, /128", test_cidr_contains },
	{ "store: managedFields and last-applied are dropped, other annotations kept", test_trim },
	{ "store: events mark the Services they change dirty", test_events },
	{ "store: a relist marks what changed, was added or went", test_relist },
};

int main(void)
{
	size_t n = sizeof(tests) / sizeof(tests[0]);

	ks_plan(n);
	ks_run(tests, n);
	return ks_done();
}
