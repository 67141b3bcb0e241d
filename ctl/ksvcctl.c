// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl: feeds Kubernetes Services and their endpoints to the ksvc
 * kernel module and shows what it holds.  This file is the table of its
 * commands and main(); each command is in cmd_<name>.c, their shared
 * helpers in cmd.c.  Parsing lives in parse_*.c (parse.h), planning in
 * plan.c, the kernel interface in nl.c.
 */
#include <string.h>

#include "cmd.h"

static int cmd_help(int argc, char **argv);
static int cmd_complete(int argc, char **argv);

static const struct ks_cmd ks_cmd_help = {
	.name = "help",
	.fn = cmd_help,
	.args = "[COMMAND]",
	.help = "Show this help, or a command's.",
};

/* The commands, in the order help lists them. */
static const struct ks_cmd *const ks_cmds[] = {
	&ks_cmd_apply,
	&ks_cmd_diff,
	&ks_cmd_validate,
	&ks_cmd_get,
	&ks_cmd_stats,
	&ks_cmd_delete,
	&ks_cmd_flush,
	&ks_cmd_config,
	&ks_cmd_sync,
	&ks_cmd_version,
	&ks_cmd_help,
};

#define N_CMDS (sizeof(ks_cmds) / sizeof(ks_cmds[0]))

static int cmd_help(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < N_CMDS; i++)
		if (!strcmp(argv[1], ks_cmds[i]->name)) {
			printf("Usage: ksvcctl %s ", ks_cmds[i]->name);
			usage_line(stdout, ks_cmds[i]);
			printf("\n\n%s\n", ks_cmds[i]->help);
			return KS_EXIT_OK;
		}
	if (argc > 1) {
		fprintf(stderr, "ksvcctl: help: unknown command '%s'\n", argv[1]);
		return KS_EXIT_USAGE;
	}
	printf("Usage: ksvcctl COMMAND [ARGS]   (ksvcctl COMMAND --help for more)\n\nCommands:\n");
	for (i = 0; i < N_CMDS; i++) {
		printf("  %-8s ", ks_cmds[i]->name);
		usage_line(stdout, ks_cmds[i]);
		putchar('\n');
	}
	printf("\nExit status: 0 ok, 1 error, 2 usage, 3 module not loaded, 4 permission denied,\n"
	       "5 some invalid objects skipped (--skip-invalid).\n");
	return KS_EXIT_OK;
}

/*
 * ksvcctl __complete [COMMAND [OPTION]]: what bash completion offers,
 * from the tables: the commands; a command's options; the values of an
 * option ("@files" for file names, "@free" for anything, nothing and exit
 * 1 when it is no option of the command or takes no argument).
 */
static int cmd_complete(int argc, char **argv)
{
	const struct ks_cmd *c = NULL;
	const struct ks_opt *o;
	size_t i;

	if (argc < 2) {
		for (i = 0; i < N_CMDS; i++)
			printf("%s\n", ks_cmds[i]->name);
		return KS_EXIT_OK;
	}
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], ks_cmds[i]->name))
			c = ks_cmds[i];
	if (!c)
		return KS_EXIT_ERROR;
	for (o = c->opts; argc == 2 && o && o->name; o++) {
		if (o->flags & KS_OPT_SHORT)
			printf("-%c\n", o->val);
		printf("--%s\n", o->name);
	}
	if (argc == 2) {
		printf("--help\n");
		return KS_EXIT_OK;
	}
	for (o = c->opts; o && o->name; o++) {
		char s[3] = { '-', (char)o->val, 0 };
		int is_long = !strncmp(argv[2], "--", 2) &&
			      !strcmp(argv[2] + 2, o->name);
		int is_short = (o->flags & KS_OPT_SHORT) && !strcmp(argv[2], s);

		if (!o->arg || !(is_long || is_short))
			continue;
		printf("%s\n", o->values ? o->values : "@free");
		return KS_EXIT_OK;
	}
	return KS_EXIT_ERROR;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cmd_help(0, NULL);
		return KS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	if (!strcmp(argv[1], "__complete"))
		return cmd_complete(argc - 1, argv + 1);
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], ks_cmds[i]->name)) {
			ks_current = ks_cmds[i];
			return ks_cmds[i]->fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "ksvcctl: unknown command '%s' (try ksvcctl help)\n",
		argv[1]);
	return KS_EXIT_USAGE;
}
