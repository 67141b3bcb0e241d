// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the agent's kubeconfig reader (kubeconfig.c): the
 * current context's server, CA and credentials, inline (base64) or as
 * files relative to the kubeconfig, and the refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kubeconfig.h"
#include "tests/check.h"


static char dir[] = "/tmp/ks-kubeconfig-XXXXXX";

/* Write text to dir/name; its path. */
static const char *file(const char *name, const char *text)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_inline(void)
{
	struct ks_kubeconfig kc;
	char err[300] = "";
	const char *p = file("a.conf",
		"apiVersion: v1\nkind: Config\n"
		"clusters:\n- name: other\n  cluster: {server: https://other:1}\n"
		"- name: c\n  cluster:\n    server: https://10.0.2.100:6443/\n"
		"    certificate-authority-data: LS0tLS1CRUdJTg==\n"
		"users:\n- name: u\n  user:\n    client-certificate-data: Y2VydA==\n"
		"    client-key-data: a2V5\n"
		"contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		"current-context: x\n");

	CHECK(!ks_kubeconfig_load(p, &kc, err, sizeof(err)));
	CHECK(kc.server && !strcmp(kc.server, "https://10.0.2.100:6443"));
	CHECK(kc.ca.data && !strcmp(kc.ca.data, "-----BEGIN"));
	CHECK(kc.cert.len == 4 && !memcmp(kc.cert.data, "cert", 4));
	CHECK(kc.key.len == 3 && !memcmp(kc.key.data, "key", 3));
	CHECK(!kc.token && !kc.token_file);
	ks_kubeconfig_free(&kc);
}

static void test_files(void)
{
	struct ks_kubeconfig kc;
	char err[300] = "", want[300];
	const char *p = file("b.conf",
		"clusters:\n- name: c\n  cluster: {server: 'https://api:6443', certificate-authority: ca.crt}\n"
		"users:\n- name: u\n  user: {tokenFile: /var/run/t}\n"
		"contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
		"current-context: x\n");

	CHECK(!ks_kubeconfig_load(p, &kc, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/ca.crt", dir);
	CHECK(kc.ca_file && !strcmp(kc.ca_file, want));
	CHECK(kc.token_file && !strcmp(kc.token_file, "/var/run/t"));
	ks_kubeconfig_free(&kc);
	CHECK(!ks_kubeconfig_incluster("/sa", "https://api:6443", &kc, err, sizeof(err)));
	CHECK(!strcmp(kc.ca_file, "/sa/ca.crt") && !strcmp(kc.token_file, "/sa/token"));
	ks_kubeconfig_free(&kc);
}

/* Each refused, with its reason in the message. */
static void test_refused(void)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "current-context: nope\n", "no context named 'nope'" },
		{ "clusters:\n- name: c\n  cluster: {server: 'http://api:8080'}\n"
		  "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
		  "no https:// server" },
		{ "clusters:\n- name: c\n  cluster: {server: 'https://a:1', insecure-skip-tls-verify: true}\n"
		  "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
		  "always verified" },
		{ "clusters:\n- name: c\n  cluster: {server: 'https://a:1'}\n"
		  "users:\n- name: u\n  user: {exec: {command: aws}}\n"
		  "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
		  "exec and auth-provider" },
		{ "clusters:\n- name: c\n  cluster: {server: 'https://a:1'}\n"
		  "users:\n- name: u\n  user: {client-certificate-data: Y2VydA==}\n"
		  "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
		  "needs its key" },
		{ "clusters:\n- name: c\n  cluster: {server: 'https://a:1', certificate-authority-data: '!!'}\n"
		  "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n",
		  "not base64" },
		{ "a: [\n", "c.conf:" },
	};
	struct ks_kubeconfig kc;
	char err[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		CHECK(ks_kubeconfig_load(file("c.conf", cases[i].text), &kc, err, sizeof(err)) == -1);
		if (!strstr(err, cases[i].why))
			printf("#   case %zu: '%s' does not say '%s'\n", i, err, cases[i].why);
		CHECK(strstr(err, cases[i].why));
		CHECK(!kc.server);
	}
	CHECK(ks_kubeconfig_load("/nonexistent/kc", &kc, err, sizeof(err)) == -1 &&
	      strstr(err, "No such file"));
	CHECK(ks_kubeconfig_incluster("/sa", NULL, &kc, err, sizeof(err)) == -1 &&
	      strstr(err, "--apiserver"));
}

int main(void)
{
	static const struct ks_test tests[] = {
		{ "kubeconfig: inline credentials of the current context", test_inline },
		{ "kubeconfig: files relative to it, and the in-cluster paths", test_files },
		{ "kubeconfig: what is refused, and why", test_refused },
	};
	size_t n = sizeof(tests) / sizeof(tests[0]);

	if (!mkdtemp(dir))
		return 1;
	ks_plan(n);
	ks_run(tests, n);
	unlink(file("a.conf", ""));
	unlink(file("b.conf", ""));
	unlink(file("c.conf", ""));
	rmdir(dir);
	return ks_done();
}
