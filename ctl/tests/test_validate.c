// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of ksvcctl validate (validate.c): apply's verdict and
 * errors without the kernel, and the summary of what would be programmed.
 * Arguments: the fixture directory and the corpus directory.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "validate.h"
#include "tests/check.h"

static const char *data_dir = "tests/data";
static const char *corpus_dir = "corpus";

struct run {
	int ret;
	char *out, *err;
	size_t out_len, err_len;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/*
 * Validate the NULL-terminated paths (under dir) and buffers: "@name" then
 * its text adds a buffer.
 */
static void validate(struct run *r, const struct ks_validate_opts *o,
		     const char *dir, ...)
{
	struct ks_input *in = ks_input_new();
	struct ks_errors errs;
	char path[4096];
	FILE *out, *err;
	const char *a;
	va_list ap;

	ks_errors_init(&errs);
	va_start(ap, dir);
	while ((a = va_arg(ap, const char *))) {
		if (a[0] == '@') {
			const char *text = va_arg(ap, const char *);

			ks_input_add_buffer(in, a + 1, text, strlen(text), &errs);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, a);
		ks_input_add_path(in, path, &errs);
	}
	va_end(ap);
	out = open_memstream(&r->out, &r->out_len);
	err = open_memstream(&r->err, &r->err_len);
	if (!out || !err)
		abort();
	r->ret = ks_validate(in, o, &errs, out, err);
	fclose(out);
	fclose(err);
	ks_errors_free(&errs);
	ks_input_free(in);
}

static void test_valid_list(void)
{
	struct ks_validate_opts o = { 0 };
	struct run r;

	validate(&r, &o, data_dir, "list.yaml", NULL);
	CHECK(r.ret == KS_EXIT_OK);
	CHECK(r.err_len == 0);
	CHECK(strstr(r.out, "NAMESPACE ") == r.out);
	CHECK(strstr(r.out, "\ndefault       kubernetes    ClusterIP      10.96.0.1 ") != NULL);
	CHECK(strstr(r.out, "conns=") == NULL);
	CHECK(strstr(r.out, " services, ") && strstr(r.out, " endpoints: valid\n"));
	if (failed)
		printf("# out:\n%s# err:\n%s", r.out, r.err);
	run_free(&r);
}

static const char svc_web[] =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
	"spec:\n  clusterIP: 10.96.0.10\n  ports:\n  - port: 80\n";
static const char slice_web[] =
	"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n"
	"  name: web-1\n  labels:\n    kubernetes.io/service-name: web\n"
	"addressType: IPv4\nports:\n- name: \"\"\n  port: 8080\n"
	"endpoints:\n- addresses: [10.244.0.11]\n  nodeName: node-a\n"
	"- addresses: [10.244.0.12]\n  nodeName: node-b\n";
static const char svc_bad[] =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n"
	"spec:\n  clusterIP: 10.96.0.11\n  ports:\n  - port: 70000\n";

static void test_summary_and_node(void)
{
	struct ks_validate_opts o = { .parse.node_name = "node-a" };
	struct run r;

	validate(&r, &o, NULL, "@web.yaml", svc_web, "@slice.yaml", slice_web,
		 NULL);
	CHECK(r.ret == KS_EXIT_OK);
	CHECK(strstr(r.out, "default     web    ClusterIP   10.96.0.10") != NULL);
	CHECK(strstr(r.out, "-> 10.244.0.11:8080/TCP ready local\n") != NULL);
	CHECK(strstr(r.out, "-> 10.244.0.12:8080/TCP ready\n") != NULL);
	CHECK(strstr(r.out, "1 service, 2 endpoints: valid\n") != NULL);
	if (failed)
		printf("# out:\n%s# err:\n%s", r.out, r.err);
	run_free(&r);
}

static void test_invalid_is_apply_error(void)
{
	struct ks_validate_opts o = { 0 };
	struct run r;

	validate(&r, &o, NULL, "@web.yaml", svc_web, "@bad.yaml", svc_bad,
		 NULL);
	CHECK(r.ret == KS_EXIT_ERROR);
	CHECK(r.out_len == 0);
	CHECK(strstr(r.err, "bad.yaml:8:11: Service default/bad: spec.ports[0].port: 70000 is not a port number (1-65535)\n") == r.err);
	CHECK(strstr(r.err, "ksvcctl: validate: 1 error: apply would apply nothing\n") != NULL);
	if (failed)
		printf("# out:\n%s# err:\n%s", r.out, r.err);
	run_free(&r);
}

static void test_skip_invalid_partial(void)
{
	struct ks_validate_opts o = { .parse.skip_invalid = 1 };
	struct run r;

	validate(&r, &o, NULL, "@web.yaml", svc_web, "@bad.yaml", svc_bad,
		 NULL);
	CHECK(r.ret == KS_EXIT_PARTIAL);
	CHECK(strstr(r.out, "default     web ") != NULL);
	CHECK(strstr(r.out, " bad ") == NULL);
	CHECK(strstr(r.err, "1 invalid object would be skipped") != NULL);
	run_free(&r);
}

static void test_empty(void)
{
	struct ks_validate_opts o = { 0 };
	struct run r;

	validate(&r, &o, NULL, "@empty.yaml", "", NULL);
	CHECK(r.ret == KS_EXIT_ERROR);
	CHECK(strstr(r.err, "holds no Service") != NULL);
	run_free(&r);
	o.allow_empty = 1;
	validate(&r, &o, NULL, "@empty.yaml", "", NULL);
	CHECK(r.ret == KS_EXIT_OK);
	CHECK(strstr(r.out, "0 services, 0 endpoints: valid\n") != NULL);
	run_free(&r);
	o.quiet = 1;
	validate(&r, &o, NULL, "@empty.yaml", "", NULL);
	CHECK(r.ret == KS_EXIT_OK && r.out_len == 0);
	run_free(&r);
}

/* An input whose only Service is another proxy's says so. */
static void test_only_foreign(void)
{
	struct ks_validate_opts o = { 0 };
	struct run r;

	validate(&r, &o, NULL, "@other.yaml",
		 "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
		 "  labels:\n    service.kubernetes.io/service-proxy-name: other\n"
		 "spec:\n  clusterIP: 10.96.0.10\n  ports:\n  - port: 80\n",
		 NULL);
	CHECK(r.ret == KS_EXIT_ERROR);
	CHECK(strstr(r.err, "ksvcctl: validate: every Service of the input (1) belongs to another proxy (label service.kubernetes.io/service-proxy-name), none to ksvc;") == r.err);
	CHECK(strstr(r.err, "holds no Service") == NULL);
	if (failed)
		printf("# err:\n%s", r.err);
	run_free(&r);

	/* Endpoints of another proxy are no Services of it. */
	validate(&r, &o, NULL, "@other.yaml",
		 "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\n"
		 "  labels:\n    service.kubernetes.io/service-proxy-name: other\n"
		 "subsets: []\n", NULL);
	CHECK(r.ret == KS_EXIT_ERROR);
	CHECK(strstr(r.err, "the input holds no Service;") != NULL);
	run_free(&r);
}

/* Every hostile input of the corpus: refused, first error as in its .err. */
static int corpus_input(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	       (!strcmp(de->d_name + n - 5, ".yaml") ||
		!strcmp(de->d_name + n - 5, ".json"));
}

/* Remove every "DIR/" from s, in place. */
static void strip_dir(char *s, const char *dir)
{
	size_t n = strlen(dir);
	char *p;

	while (s && (p = strstr(s, dir)) && p[n] == '/')
		memmove(p, p + n + 1, strlen(p + n + 1) + 1);
}

static void corpus_case(const char *file)
{
	struct ks_validate_opts o = { 0 };
	char want[4096], line[4096];
	struct run r;
	FILE *f;

	snprintf(want, sizeof(want), "%s/%.*s.err", corpus_dir,
		 (int)(strlen(file) - 5), file);
	f = fopen(want, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	validate(&r, &o, corpus_dir, file, NULL);
	CHECK(r.ret == KS_EXIT_ERROR);
	CHECK(r.out_len == 0);
	/* the .err files name the input NAME; here it is CORPUS/NAME */
	strip_dir(r.err, corpus_dir);
	CHECK(r.err && !strncmp(r.err, line, strlen(line)));
	if (failed)
		printf("#   expected: %s#   got:      %.300s\n", line, r.err ? r.err : "");
	run_free(&r);
}

static const struct ks_test tests[] = {
	{ "validate: a kubectl List is valid, with a summary", test_valid_list },
	{ "validate: the summary marks this node's endpoints", test_summary_and_node },
	{ "validate: an invalid object is apply's error", test_invalid_is_apply_error },
	{ "validate: --skip-invalid exits 5 and lists the rest", test_skip_invalid_partial },
	{ "validate: no Service is refused unless --allow-empty", test_empty },
	{ "validate: only another proxy's Services: said so", test_only_foreign },
};

int main(int argc, char **argv)
{
	size_t n_tests = sizeof(tests) / sizeof(tests[0]), i;
	struct dirent **corpus = NULL;
	int n_corpus;

	if (argc > 1)
		data_dir = argv[1];
	if (argc > 2)
		corpus_dir = argv[2];
	n_corpus = scandir(corpus_dir, &corpus, corpus_input, alphasort);
	if (n_corpus < 0)
		n_corpus = 0;
	ks_plan(n_tests + (size_t)n_corpus);
	ks_run(tests, n_tests);
	for (i = 0; i < (size_t)n_corpus; i++) {
		char name[300];

		corpus_case(corpus[i]->d_name);
		snprintf(name, sizeof(name), "validate corpus: %s", corpus[i]->d_name);
		ks_report(name);
		free(corpus[i]);
	}
	free(corpus);
	return ks_done();
}
