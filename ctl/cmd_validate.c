// SPDX-License-Identifier: GPL-2.0
/* ksvcctl validate: apply's checks and verdict without the module. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "nl.h"
#include "out.h"
#include "parse.h"
#include "plan.h"
#include "table.h"
#include "validate.h"

#include "cmd.h"

/*
 * apply's checks without the kernel: no netlink socket is opened, so it
 * runs where the module is not loaded (or cannot be).
 */
static int cmd_validate(int argc, char **argv)
{
	struct ks_validate_opts vo = { 0 };
	struct ks_errors errs;
	struct ks_input *in;
	int c, nfiles = 0, ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	in = ks_input_new();
	if (!in)
		return KS_EXIT_ERROR;
	ks_errors_init(&errs);
	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'f':
			ks_input_add_path(in, optarg, &errs);
			nfiles++;
			break;
		case 's':
			vo.parse.skip_invalid = 1;
			break;
		case 'E':
			vo.allow_empty = 1;
			break;
		case 'N':
			vo.parse.node_name = optarg;
			break;
		case 'q':
			vo.quiet = 1;
			break;
		case 'v':
			vo.parse.verbose = 1;
			break;
		default:
			ret = usage_error("%s", "bad option");
			goto out;
		}
	}
	if (!nfiles || optind < argc) {
		ret = usage_error("%s", nfiles ? "unexpected argument" :
				  "-f FILE|DIR|- is required");
		goto out;
	}
	ret = ks_validate(in, &vo, &errs, stdout, stderr);
out:
	ks_errors_free(&errs);
	ks_input_free(in);
	return ret;
}

static const struct ks_opt validate_opts[] = {
	OPT_FILE, OPT_SKIP, OPT_EMPTY, OPT_NODE,
	{ "quiet", 'q', KS_OPT_SHORT, NULL, NULL },
	OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_validate = {
	.name = "validate",
	.fn = cmd_validate,
	.args = "",
	.opts = validate_opts,
	.help = "Check the input as apply would, without the module: every parse and\n"
		"cross-object check, the same errors, then what apply would program (as\n"
		"get services -A -o wide shows it; -q: only the verdict).  Exit status as\n"
		"apply's: 0 valid, 1 invalid, 5 some objects would be skipped\n"
		"(--skip-invalid).  Without --node-name no endpoint is marked local.",
};
