// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl: feeds Kubernetes Services and their endpoints to the ksvc
 * kernel module and shows what it holds.  A table of subcommands; parsing
 * lives in parse.c, the kernel interface in nl.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

#ifndef KSVCCTL_VERSION
#define KSVCCTL_VERSION "0.1.0"
#endif

struct ks_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static int cmd_version(int argc, char **argv)
{
	struct ks_info info;
	struct ks_nl *nl = NULL;
	int ret;

	(void)argc;
	(void)argv;
	printf("ksvcctl %s (protocol %d)\n", KSVCCTL_VERSION, KSVC_GENL_VERSION);
	ret = ks_nl_open(&nl);
	if (ret)
		return ks_nl_report(NULL, "version", ret);
	ret = ks_nl_info(nl, &info);
	if (ret) {
		ret = ks_nl_report(nl, "version", ret);
		ks_nl_close(nl);
		return ret;
	}
	printf("module %s (protocol %u), table generation %llu\n",
	       info.version, info.proto_version,
	       (unsigned long long)info.generation);
	ks_nl_close(nl);
	if (info.proto_version != KSVC_GENL_VERSION) {
		fprintf(stderr, "ksvcctl: protocol mismatch: tool %d, module %u\n",
			KSVC_GENL_VERSION, info.proto_version);
		return KS_EXIT_ERROR;
	}
	return KS_EXIT_OK;
}

static int cmd_help(int argc, char **argv);

static const struct ks_cmd ks_cmds[] = {
	{ "version", cmd_version, "show tool, module and protocol versions" },
	{ "help", cmd_help, "show this help" },
};

static int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	printf("Usage: ksvcctl COMMAND [ARGS]\n\nCommands:\n");
	for (i = 0; i < sizeof(ks_cmds) / sizeof(ks_cmds[0]); i++)
		printf("  %-10s %s\n", ks_cmds[i].name, ks_cmds[i].help);
	return KS_EXIT_OK;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cmd_help(0, NULL);
		return KS_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(ks_cmds) / sizeof(ks_cmds[0]); i++)
		if (!strcmp(argv[1], ks_cmds[i].name))
			return ks_cmds[i].fn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	fprintf(stderr, "ksvcctl: unknown command '%s' (try ksvcctl help)\n",
		argv[1]);
	return KS_EXIT_USAGE;
}
