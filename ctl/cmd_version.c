// SPDX-License-Identifier: GPL-2.0
/* ksvcctl version: the tool's, the module's and the protocol's. */

#include "cmd.h"

#ifndef KSVCCTL_VERSION
#define KSVCCTL_VERSION "0.1.0"
#endif

static int cmd_version(int argc, char **argv)
{
	struct ks_info info;
	struct ks_nl *nl = NULL;
	int ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	printf("ksvcctl %s (protocol %d)\n", KSVCCTL_VERSION, KSVC_GENL_VERSION);
	ret = open_nl(&nl, "version");
	if (ret)
		return ret;
	ret = ks_nl_info(nl, &info);
	if (ret) {
		ret = ks_nl_report(nl, "version", ret);
		ks_nl_close(nl);
		return ret;
	}
	printf("module %s (protocol %u), table generation %llu\n",
	       info.version, info.proto_version,
	       (unsigned long long)info.generation);
	printf("%u services, %u endpoints%s\n", info.n_services,
	       info.n_endpoints, info.tx_open ? ", a transaction is open" : "");
	ks_nl_close(nl);
	if (info.proto_version != KSVC_GENL_VERSION) {
		fprintf(stderr, "ksvcctl: protocol mismatch: tool %d, module %u\n",
			KSVC_GENL_VERSION, info.proto_version);
		return KS_EXIT_ERROR;
	}
	return KS_EXIT_OK;
}

const struct ks_cmd ks_cmd_version = {
	.name = "version",
	.fn = cmd_version,
	.args = "",
	.opts = NULL,
	.help = "Show tool, module and protocol versions.",
};
