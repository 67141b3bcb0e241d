// SPDX-License-Identifier: GPL-2.0
/* ksvcctl delete and flush. */
#include <getopt.h>
#include <string.h>

#include "cmd.h"

static int cmd_delete(int argc, char **argv)
{
	const char *ns = "default";
	struct ks_nl *nl = NULL;
	int c, ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	while ((c = ks_getopt(argc, argv)) != -1) {
		if (c != 'n')
			return usage_error("%s", "bad option");
		ns = optarg;
	}
	if (argc - optind != 2 || (strcmp(argv[optind], "service") &&
				   strcmp(argv[optind], "svc")))
		return usage_error("%s", "expected: service NAME");
	ret = open_nl(&nl, "delete");
	if (ret)
		return ret;
	ret = ks_nl_svc_del(nl, ns, argv[optind + 1]);
	if (ret)
		ret = ks_nl_report(nl, "delete", ret);
	else
		printf("service %s/%s deleted\n", ns, argv[optind + 1]);
	ks_nl_close(nl);
	return ret;
}

static int cmd_flush(int argc, char **argv)
{
	struct ks_nl *nl = NULL;
	int ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	/* Deleting everything must not be what a mistyped option does. */
	if (argc > 1)
		return usage_error("unexpected argument '%s'", argv[1]);
	ret = open_nl(&nl, "flush");
	if (ret)
		return ret;
	ret = ks_nl_flush(nl);
	if (ret)
		ret = ks_nl_report(nl, "flush", ret);
	ks_nl_close(nl);
	return ret;
}

static const struct ks_opt delete_opts[] = {
	{ "namespace", 'n', KS_OPT_SHORT, "NAMESPACE", NULL },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_delete = {
	.name = "delete",
	.fn = cmd_delete,
	.args = "service NAME",
	.opts = delete_opts,
	.help = "Delete one service.",
};

const struct ks_cmd ks_cmd_flush = {
	.name = "flush",
	.fn = cmd_flush,
	.args = "",
	.opts = NULL,
	.help = "Delete every service.",
};
