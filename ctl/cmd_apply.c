// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl apply and diff: converge the kernel's tables to the input, or
 * show what that would change.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "plan.h"
#include "validate.h"
#include "cmd.h"

/*
 * --prune=false: upsert the given services in one transaction, without a
 * dump or a plan, so one Service costs the same whatever the table holds.
 * The kernel replaces a service whole: sending an unchanged one is
 * harmless.
 */
static int upsert_all(struct ks_nl *nl, const struct ks_state *want)
{
	const struct ks_service *svc = NULL;
	char what[200];
	size_t i;
	int err;

	err = ks_nl_tx_begin(nl, 0, 0);
	if (err)
		return ks_nl_report(nl, "apply: begin", err);
	for (i = 0; !err && i < want->n_svcs; i++)
		err = ks_nl_svc_new(nl, svc = &want->svcs[i], 1);
	if (err) {
		snprintf(what, sizeof(what), "apply: service %s/%s", svc->ns,
			 svc->name);
		ks_nl_tx_abort(nl);
	} else {
		err = ks_nl_tx_commit(nl, 0);
		snprintf(what, sizeof(what), "%s", ks_commit_what(want->n_svcs, svc));
	}
	if (err) {
		ks_nl_report(nl, what, err);
		fprintf(stderr, "ksvcctl: apply: nothing was changed\n");
		return err == -EPERM ? KS_EXIT_PERM : KS_EXIT_ERROR;
	}
	printf("%zu applied (--prune=false: nothing deleted)\n", want->n_svcs);
	return KS_EXIT_OK;
}

/* apply and diff: the same input, the same plan. */
#define KS_DIFFERS 100	/* diff's result, not an exit code */

struct apply_args {
	int diff, dry, replace, prune;
	const char *cmd;
};

/* The options into ci and a; 0 or the usage error's exit code. */
static int apply_options(int argc, char **argv, struct cmd_input *ci,
			 struct apply_args *a)
{
	int c, ret;

	while ((c = ks_getopt(argc, argv)) != -1) {
		if (cmd_input_opt(ci, c, optarg))
			continue;
		switch (c) {
		case 'n':
			a->dry = 1;
			break;
		case 'R':
			a->replace = 1;
			break;
		case 'P':
			if (!strcmp(optarg, "false"))
				a->prune = 0;
			else if (strcmp(optarg, "true"))
				return usage_error("--prune takes true or false, not '%s'", optarg);
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	ret = cmd_input_check_args(ci, argc);
	if (!ret && a->replace && !a->prune)
		ret = usage_error("%s", "--replace swaps the whole table: it cannot go with --prune=false");
	return ret;
}

/*
 * One round: dump, plan, then show the plan (diff, --dry-run) or carry it
 * out.  KS_STALE when the tables changed since the dump.
 */
static int apply_round(struct ks_nl *nl, const struct apply_args *a,
		       const struct ks_state *want)
{
	struct ks_state have;
	struct ks_plan plan;
	uint64_t gen = 0;
	int ret;

	ret = ks_nl_dump(nl, &have, &gen);
	if (ret)
		return ks_nl_report(nl, a->diff ? "diff: dump" : "apply: dump", ret);
	if (ks_plan_make(want, &have, a->prune, &plan)) {
		ks_state_free(&have);
		return KS_EXIT_ERROR;
	}
	if (a->diff) {
		ks_plan_print_diff(&plan, &have, stdout);
		ret = ks_plan_size(&plan) ? KS_DIFFERS : KS_EXIT_OK;
	} else if (a->dry) {
		ks_plan_print(&plan, stdout);
		ret = KS_EXIT_OK;
	} else if (!ks_plan_size(&plan)) {
		printf("no changes (%zu services)\n", plan.n_same);
		ret = KS_EXIT_OK;
	} else {
		ret = ks_apply_plan(nl, want, &plan, a->replace, gen);
		if (ret == KS_EXIT_OK)
			printf("%zu added, %zu changed, %zu deleted, %zu unchanged\n",
			       plan.n_add, plan.n_change, plan.n_del, plan.n_same);
	}
	ks_plan_free(&plan);
	ks_state_free(&have);
	return ret;
}

/* Rounds until one is not overtaken by another writer (3 at most). */
static int apply_rounds(struct ks_nl *nl, const struct apply_args *a,
			const struct ks_state *want)
{
	int tries, ret = KS_STALE;

	for (tries = 0; tries < 3 && ret == KS_STALE; tries++)
		ret = apply_round(nl, a, want);
	if (ret == KS_STALE) {
		fprintf(stderr, "ksvcctl: apply: the tables kept changing under it (%d tries); nothing was changed\n",
			tries);
		ret = KS_EXIT_ERROR;
	}
	return ret;
}

static int apply_or_diff(int argc, char **argv, int diff)
{
	struct apply_args a = { .diff = diff, .dry = diff, .prune = 1,
				.cmd = diff ? "diff" : "apply" };
	struct ks_state want;
	struct ks_config cfg;
	struct cmd_input ci;
	struct ks_nl *nl = NULL;
	int n, ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	if (cmd_input_init(&ci))
		return KS_EXIT_ERROR;
	ks_state_init(&want);
	ret = apply_options(argc, argv, &ci, &a);
	if (ret)
		goto out_input;
	/*
	 * The module's node settings: without them, Local endpoints would be
	 * planned as remote, topology hints for this node's zone ignored,
	 * and disabled externalIPs programmed.
	 */
	ret = open_nl(&nl, a.cmd);
	if (ret)
		goto out_input;
	ret = ks_nl_config_get(nl, &cfg);
	if (ret) {
		ret = ks_nl_report(nl, diff ? "diff: config" : "apply: config", ret);
		goto out;
	}
	if (!ci.po.node_name && cfg.node_name[0])
		ci.po.node_name = cfg.node_name;
	if (cfg.zone[0])
		ci.po.zone = cfg.zone;
	ci.po.no_external_ips = !cfg.external_ips;
	ret = ks_input_check(ci.in, &ci.po, &want, &ci.errs, stderr, a.cmd,
			     diff ? "nothing was compared" : "nothing was applied",
			     diff ? KS_EXIT_USAGE : KS_EXIT_ERROR,
			     ci.allow_empty || !a.prune || diff ? NULL :
			     "refusing to delete every service (--allow-empty to mean it)",
			     &n);
	if (ret)
		goto out;
	if (!a.prune && !a.dry)
		ret = upsert_all(nl, &want);
	else
		ret = apply_rounds(nl, &a, &want);
	if (ret == KS_EXIT_OK && n > 0) {
		fprintf(stderr, "ksvcctl: %s: %d invalid object%s skipped\n",
			a.cmd, n, n == 1 ? "" : "s");
		ret = KS_EXIT_PARTIAL;
	}
out:
	ks_nl_close(nl);
	ks_state_free(&want);
out_input:
	cmd_input_free(&ci);
	return ret;
}

static int cmd_apply(int argc, char **argv)
{
	return apply_or_diff(argc, argv, 0);
}

/*
 * diff exits as kubectl diff does: 0 no difference, 1 differences, more
 * than 1 an error (2 bad input or usage, 3 no module, 4 permission).
 */
static int cmd_diff(int argc, char **argv)
{
	int ret = apply_or_diff(argc, argv, 1);

	if (ret == KS_DIFFERS)
		return 1;
	return ret == KS_EXIT_ERROR ? KS_EXIT_USAGE : ret;
}

static const struct ks_opt apply_opts[] = {
	OPT_FILE,
	{ "dry-run", 'n', 0, NULL, NULL },
	{ "replace", 'R', 0, NULL, NULL },
	OPT_PRUNE, OPT_SKIP, OPT_EMPTY, OPT_NODE, OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_apply = {
	.name = "apply",
	.fn = cmd_apply,
	.args = "",
	.opts = apply_opts,
	.help = "Converge the kernel's tables to exactly the Services given, with their\n"
		"endpoints from EndpointSlices, else Endpoints, else the Pods their selector\n"
		"picks (kubectl get -o yaml|json output, a List, or manifests; -f repeatable;\n"
		"a directory means its *.yaml, *.yml and *.json files).  Services absent\n"
		"from the input are deleted unless --prune=false, which upserts the given\n"
		"services without reading the table.  Changes go in one transaction: any\n"
		"error leaves the tables as they were.  --replace swaps the whole table at\n"
		"once.  --dry-run prints the plan.  --skip-invalid applies the valid objects\n"
		"and exits 5.  -v says which objects were skipped and why.",
};

static const struct ks_opt diff_opts[] = {
	OPT_FILE, OPT_PRUNE, OPT_SKIP, OPT_NODE, OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_diff = {
	.name = "diff",
	.fn = cmd_diff,
	.args = "",
	.opts = diff_opts,
	.help = "Show what apply would change, service by service (a new or deleted one\n"
		"whole).  Exit status: 0 no difference, 1 differences, 2 or more an error\n"
		"(as kubectl diff).",
};
