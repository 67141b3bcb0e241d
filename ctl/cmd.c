// SPDX-License-Identifier: GPL-2.0
/* What every ksvcctl command uses: its options, its usage, the module. */
#include <getopt.h>
#include <string.h>

#include "cmd.h"

const struct ks_cmd *ks_current;

/* The usage line of a command, from its table. */
void usage_line(FILE *f, const struct ks_cmd *c)
{
	const struct ks_opt *o;
	char flag[64];

	fputs(c->args, f);
	for (o = c->opts; o && o->name; o++) {
		if (o->flags & KS_OPT_HIDDEN)
			continue;
		if (o->flags & KS_OPT_SHORT)
			snprintf(flag, sizeof(flag), "-%c", o->val);
		else
			snprintf(flag, sizeof(flag), "--%s", o->name);
		fprintf(f, "%s%s%s%s%s%s", *c->args || o != c->opts ? " " : "",
			o->flags & KS_OPT_REQUIRED ? "" : "[", flag,
			o->arg ? " " : "", o->arg ? o->arg : "",
			o->flags & KS_OPT_REQUIRED ? "" : "]");
		if (o->flags & KS_OPT_REPEAT)
			fprintf(f, " [%s ...]", flag);
	}
}

/* getopt_long over the current command's table. */
int ks_getopt(int argc, char **argv)
{
	static struct option lo[32];
	static char so[64];
	static int built;
	const struct ks_opt *o;
	size_t n = 0, k = 0;

	if (!built) {
		for (o = ks_current->opts; o && o->name && n + 1 < 32; o++, n++) {
			lo[n].name = o->name;
			lo[n].has_arg = o->arg ? required_argument : no_argument;
			lo[n].val = o->val;
			if ((o->flags & KS_OPT_SHORT) && k + 3 < sizeof(so)) {
				so[k++] = (char)o->val;
				if (o->arg)
					so[k++] = ':';
			}
		}
		built = 1;
	}
	return getopt_long(argc, argv, so, lo, NULL);
}

int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ksvcctl %s: ", ks_current->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nUsage: ksvcctl %s ", ks_current->name);
	usage_line(stderr, ks_current);
	fputc('\n', stderr);
	return KS_EXIT_USAGE;
}

int want_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("Usage: ksvcctl %s ", ks_current->name);
			usage_line(stdout, ks_current);
			printf("\n\n%s\n", ks_current->help);
			return 1;
		}
	return 0;
}

int open_nl(struct ks_nl **nl, const char *what)
{
	int err = ks_nl_open(nl);

	if (err)
		return ks_nl_report(NULL, what, err);
	return 0;
}

int cmd_input_init(struct cmd_input *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->in = ks_input_new();
	if (!ci->in)
		return -1;
	ks_errors_init(&ci->errs);
	return 0;
}

int cmd_input_opt(struct cmd_input *ci, int c, const char *arg)
{
	switch (c) {
	case 'f':
		ks_input_add_path(ci->in, arg, &ci->errs);
		ci->nfiles++;
		return 1;
	case 's':
		ci->po.skip_invalid = 1;
		return 1;
	case 'E':
		ci->allow_empty = 1;
		return 1;
	case 'N':
		ci->po.node_name = arg;
		return 1;
	case 'v':
		ci->po.verbose = 1;
		return 1;
	}
	return 0;
}

int cmd_input_check_args(const struct cmd_input *ci, int argc)
{
	if (!ci->nfiles || optind < argc)
		return usage_error("%s", ci->nfiles ? "unexpected argument" :
				   "-f FILE|DIR|- is required");
	return 0;
}

void cmd_input_free(struct cmd_input *ci)
{
	ks_errors_free(&ci->errs);
	ks_input_free(ci->in);
}
