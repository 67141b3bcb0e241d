// SPDX-License-Identifier: GPL-2.0
/* What every ksvcctl command uses: its options, its usage, the module. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "plan.h"
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

/*
 * What a refused commit is about: the kernel's message leaves out what the
 * tool knows (its 80 bytes name the other party), so with one change in
 * the transaction, name its service.
 */
const char *ks_commit_what(size_t n_changes, const struct ks_service *svc)
{
	static char what[200];

	if (n_changes != 1 || !svc)
		return "apply: commit";
	snprintf(what, sizeof(what), "apply: service %s/%s", svc->ns, svc->name);
	return what;
}

int ks_apply_plan(struct ks_nl *nl, const struct ks_state *want,
			 const struct ks_plan *plan, int replace, uint64_t gen)
{
	const struct ks_service *svc = NULL;
	size_t i;
	int err;

	err = ks_nl_tx_begin(nl, replace ? KSVC_TX_F_REPLACE : 0, gen);
	/* The tables changed since the dump: the caller plans again. */
	if (err == -ESTALE)
		return KS_STALE;
	if (err)
		return ks_nl_report(nl, "apply: begin", err);
	if (replace) {
		for (i = 0; !err && i < want->n_svcs; i++)
			err = ks_nl_svc_new(nl, svc = &want->svcs[i], 1);
	} else {
		for (i = 0; !err && i < plan->n_del; i++) {
			svc = plan->del[i];
			err = ks_nl_svc_del(nl, svc->ns, svc->name);
		}
		for (i = 0; !err && i < plan->n_change; i++)
			err = ks_nl_svc_new(nl, svc = plan->change[i], 1);
		for (i = 0; !err && i < plan->n_add; i++)
			err = ks_nl_svc_new(nl, svc = plan->add[i], 1);
	}
	if (err) {
		char what[200];

		snprintf(what, sizeof(what), "apply: service %s/%s", svc->ns,
			 svc->name);
		ks_nl_report(nl, what, err);
		ks_nl_tx_abort(nl);
		fprintf(stderr, "ksvcctl: apply: nothing was changed\n");
		return err == -EPERM ? KS_EXIT_PERM : KS_EXIT_ERROR;
	}
	err = ks_nl_tx_commit(nl, gen);
	if (err == -ESTALE)
		return KS_STALE;
	if (err) {
		ks_nl_report(nl, ks_commit_what(replace ? want->n_svcs : ks_plan_size(plan),
					     svc), err);
		fprintf(stderr, "ksvcctl: apply: nothing was changed\n");
		return err == -EPERM ? KS_EXIT_PERM : KS_EXIT_ERROR;
	}
	return KS_EXIT_OK;
}
