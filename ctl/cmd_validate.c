// SPDX-License-Identifier: GPL-2.0
/* ksvcctl validate: apply's checks and verdict without the module. */
#include <getopt.h>

#include "validate.h"
#include "cmd.h"

/*
 * apply's checks without the kernel: no netlink socket is opened, so it
 * runs where the module is not loaded (or cannot be).
 */
static int cmd_validate(int argc, char **argv)
{
	struct ks_validate_opts vo = { 0 };
	struct cmd_input ci;
	int c, ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	if (cmd_input_init(&ci))
		return KS_EXIT_ERROR;
	while ((c = ks_getopt(argc, argv)) != -1) {
		if (cmd_input_opt(&ci, c, optarg))
			continue;
		if (c != 'q') {
			ret = usage_error("%s", "bad option");
			goto out;
		}
		vo.quiet = 1;
	}
	ret = cmd_input_check_args(&ci, argc);
	if (ret)
		goto out;
	vo.parse = ci.po;
	vo.allow_empty = ci.allow_empty;
	ret = ks_validate(ci.in, &vo, &ci.errs, stdout, stderr);
out:
	cmd_input_free(&ci);
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
