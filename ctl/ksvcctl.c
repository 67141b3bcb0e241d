// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl: feeds Kubernetes Services and their endpoints to the ksvc
 * kernel module and shows what it holds.  A table of subcommands; parsing
 * lives in parse_*.c (parse.h), planning in plan.c, the kernel interface in nl.c.
 */
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

#ifndef KSVCCTL_VERSION
#define KSVCCTL_VERSION "0.1.0"
#endif

/*
 * One table of options per command: getopt's, the usage line, the bash
 * completion (ksvcctl __complete) and the man page check (make -C ctl
 * test) all come from it, so none of them can forget an option again.
 */
struct ks_opt {
	const char *name;	/* --name */
	int val;		/* getopt's value; a short option if 'short' */
	int flags;		/* KS_OPT_* */
	const char *arg;	/* the argument in the usage; NULL: none */
	const char *values;	/* completion: words, "@files", NULL: free */
};
enum {
	KS_OPT_SHORT = 1,	/* -c as well as --name */
	KS_OPT_REQUIRED = 2,	/* shown without brackets */
	KS_OPT_REPEAT = 4,	/* "[-f ...]" */
	KS_OPT_HIDDEN = 8,	/* accepted, not shown (a synonym) */
};

struct ks_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* positional arguments, before the options */
	const struct ks_opt *opts;	/* ends with a NULL name */
	const char *help;
};

static const struct ks_cmd *ks_current;

/* The usage line of a command, from its table. */
static void usage_line(FILE *f, const struct ks_cmd *c)
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
static int ks_getopt(int argc, char **argv)
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

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "ksvcctl %s: ", ks_current->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nUsage: ksvcctl %s ", ks_current->name);
	usage_line(stderr, ks_current);
	fputc('\n', stderr);
	return KS_EXIT_USAGE;
}

static int want_help(int argc, char **argv)
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

static int open_nl(struct ks_nl **nl, const char *what)
{
	int err = ks_nl_open(nl);

	if (err)
		return ks_nl_report(NULL, what, err);
	return 0;
}

/* ---- version ---- */

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

/* ---- apply ---- */

/*
 * What a refused commit is about: the kernel's message leaves out what the
 * tool knows (its 80 bytes name the other party), so with one change in
 * the transaction, name its service.
 */
static const char *commit_what(size_t n_changes, const struct ks_service *svc)
{
	static char what[200];

	if (n_changes != 1 || !svc)
		return "apply: commit";
	snprintf(what, sizeof(what), "apply: service %s/%s", svc->ns, svc->name);
	return what;
}

static int apply_changes(struct ks_nl *nl, const struct ks_state *want,
			 const struct ks_plan *plan, int replace, uint64_t gen)
{
	const struct ks_service *svc = NULL;
	size_t i;
	int err;

	err = ks_nl_tx_begin(nl, replace ? KSVC_TX_F_REPLACE : 0, gen);
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
	if (err) {
		ks_nl_report(nl, commit_what(replace ? want->n_svcs : ks_plan_size(plan),
					     svc), err);
		fprintf(stderr, "ksvcctl: apply: nothing was changed\n");
		return err == -EPERM ? KS_EXIT_PERM : KS_EXIT_ERROR;
	}
	return KS_EXIT_OK;
}

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
		snprintf(what, sizeof(what), "%s", commit_what(want->n_svcs, svc));
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
static int apply_or_diff(int argc, char **argv, int diff)
{
	struct ks_parse_opts po = { 0 };
	int dry = diff, replace = 0, prune = 1, allow_empty = 0, nfiles = 0;
	const char *cmd = diff ? "diff" : "apply";
	struct ks_state want, have;
	struct ks_config cfg;
	struct ks_errors errs;
	struct ks_nl *nl = NULL;
	struct ks_input *in;
	struct ks_plan plan;
	uint64_t gen = 0;
	int c, n, ret, tries;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	in = ks_input_new();
	if (!in)
		return KS_EXIT_ERROR;
	ks_errors_init(&errs);
	ks_state_init(&want);
	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'f':
			ks_input_add_path(in, optarg, &errs);
			nfiles++;
			break;
		case 'n':
			dry = 1;
			break;
		case 'R':
			replace = 1;
			break;
		case 'P':
			if (!strcmp(optarg, "false"))
				prune = 0;
			else if (strcmp(optarg, "true")) {
				ret = usage_error("--prune takes true or false, not '%s'", optarg);
				goto out_input;
			}
			break;
		case 's':
			po.skip_invalid = 1;
			break;
		case 'E':
			allow_empty = 1;
			break;
		case 'N':
			po.node_name = optarg;
			break;
		case 'v':
			po.verbose = 1;
			break;
		default:
			ret = usage_error("%s", "bad option");
			goto out_input;
		}
	}
	if (!nfiles || optind < argc) {
		ret = usage_error("%s", nfiles ? "unexpected argument" :
				  "-f FILE|DIR|- is required");
		goto out_input;
	}
	if (replace && !prune) {
		ret = usage_error("%s", "--replace swaps the whole table: it cannot go with --prune=false");
		goto out_input;
	}

	/* The node name marks this node's endpoints: ask the module. */
	ret = open_nl(&nl, cmd);
	if (ret)
		goto out_input;
	if (!po.node_name) {
		/* Without it, Local endpoints would be planned as remote. */
		ret = ks_nl_config_get(nl, &cfg);
		if (ret) {
			ret = ks_nl_report(nl, diff ? "diff: config" : "apply: config", ret);
			goto out;
		}
		if (cfg.node_name[0])
			po.node_name = cfg.node_name;
	}
	n = ks_input_build(in, &po, &want, &errs);
	ks_errors_print(&errs, stderr);
	if (n < 0) {
		fprintf(stderr, "ksvcctl: %s: out of memory\n", cmd);
		ret = KS_EXIT_ERROR;
		goto out;
	}
	if (n > 0 && !po.skip_invalid) {
		fprintf(stderr, "ksvcctl: %s: %d error%s: nothing was %s\n",
			cmd, n, n == 1 ? "" : "s", diff ? "compared" : "applied");
		ret = diff ? KS_EXIT_USAGE : KS_EXIT_ERROR;
		goto out;
	}
	if (!want.n_svcs && !allow_empty && prune && !diff) {
		char why[256];

		ks_input_why_empty(in, why, sizeof(why));
		fprintf(stderr, "ksvcctl: apply: %s; refusing to delete every service (--allow-empty to mean it)\n",
			why);
		ret = KS_EXIT_ERROR;
		goto out;
	}
	if (!prune && !dry) {
		ret = upsert_all(nl, &want);
		goto partial;
	}

	for (tries = 0; tries < 3; tries++) {
		ret = ks_nl_dump(nl, &have, &gen);
		if (ret) {
			ret = ks_nl_report(nl, diff ? "diff: dump" : "apply: dump", ret);
			goto out;
		}
		if (ks_plan_make(&want, &have, prune, &plan)) {
			ks_state_free(&have);
			ret = KS_EXIT_ERROR;
			goto out;
		}
		if (diff) {
			ks_plan_print_diff(&plan, &have, stdout);
			ret = ks_plan_size(&plan) ? KS_DIFFERS : KS_EXIT_OK;
		} else if (dry) {
			ks_plan_print(&plan, stdout);
			ret = KS_EXIT_OK;
		} else if (!ks_plan_size(&plan)) {
			printf("no changes (%zu services)\n", plan.n_same);
			ret = KS_EXIT_OK;
		} else {
			ret = apply_changes(nl, &want, &plan, replace, gen);
			if (ret == KS_EXIT_OK)
				printf("%zu added, %zu changed, %zu deleted, %zu unchanged\n",
				       plan.n_add, plan.n_change, plan.n_del,
				       plan.n_same);
		}
		ks_plan_free(&plan);
		ks_state_free(&have);
		/* Someone changed the tables since the dump: plan again. */
		if (diff || ret != KS_EXIT_ERROR ||
		    !strstr(ks_nl_errmsg(nl), "dump again"))
			break;
	}
partial:
	if (ret == KS_EXIT_OK && n > 0) {
		fprintf(stderr, "ksvcctl: %s: %d invalid object%s skipped\n",
			cmd, n, n == 1 ? "" : "s");
		ret = KS_EXIT_PARTIAL;
	}
out:
	ks_nl_close(nl);
	ks_state_free(&want);
out_input:
	ks_errors_free(&errs);
	ks_input_free(in);
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

/* ---- validate ---- */

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

/* ---- get ---- */

static int cmd_get(int argc, char **argv)
{
	const char *ns = "default", *out = "", *what, *name = NULL;
	int all = 0, headers = 1, c, ret, eps, i, found = 0;
	struct ks_config cfg;
	struct ks_nl *nl = NULL;
	struct ks_state st;
	size_t j;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'n':
			ns = optarg;
			break;
		case 'A':
			all = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'H':
			headers = 0;
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind >= argc)
		return usage_error("%s", "what to get: services or endpoints");
	what = argv[optind];
	if (!strcmp(what, "services") || !strcmp(what, "service") ||
	    !strcmp(what, "svc"))
		eps = 0;
	else if (!strcmp(what, "endpoints") || !strcmp(what, "endpoint") ||
		 !strcmp(what, "ep") || !strcmp(what, "endpointslices") ||
		 !strcmp(what, "endpointslice"))
		eps = 1;
	else
		return usage_error("cannot get '%s': services or endpoints", what);
	for (i = optind + 1; i < argc; i++) {
		if (name)
			return usage_error("unexpected argument '%s'", argv[i]);
		name = argv[i];
	}
	if (*out && strcmp(out, "wide") && strcmp(out, "json") &&
	    strcmp(out, "yaml"))
		return usage_error("output format '%s' is not supported (wide, json, yaml)", out);
	ret = open_nl(&nl, "get");
	if (ret)
		return ret;
	ret = ks_nl_dump(nl, &st, NULL);
	if (ret) {
		ret = ks_nl_report(nl, "get", ret);
		ks_nl_close(nl);
		return ret;
	}
	for (j = 0; name && j < st.n_svcs; j++)
		found |= ks_table_selected(&st.svcs[j], ns, all, name);
	if (name && !found) {
		fprintf(stderr, "ksvcctl: get: service %s%s%s not found\n",
			all ? "" : ns, all ? "" : "/", name);
		ret = KS_EXIT_ERROR;
	} else if (!strcmp(out, "json") || !strcmp(out, "yaml")) {
		struct ks_out_opts oo = {
			.json = !strcmp(out, "json"),
			.what = eps ? KS_OUT_SLICES :
				KS_OUT_SERVICES | KS_OUT_SLICES,
			.ns = all ? NULL : ns,
			.name = name,
		};

		ret = ks_nl_config_get(nl, &cfg);
		if (ret) {
			ret = ks_nl_report(nl, "get: config", ret);
			ks_state_free(&st);
			ks_nl_close(nl);
			return ret;
		}
		if (cfg.node_name[0])
			oo.node_name = cfg.node_name;
		ks_out_list(stdout, &st, &oo);
	} else if (eps) {
		ks_table_endpoints(stdout, &st, ns, all, name, headers,
				      !strcmp(out, "wide"));
	} else {
		ks_table_services(stdout, &st, ns, all, name, headers,
			       !strcmp(out, "wide"));
	}
	ks_state_free(&st);
	ks_nl_close(nl);
	return ret;
}

/* ---- stats ---- */

static int cmd_stats(int argc, char **argv)
{
	char a[INET6_ADDRSTRLEN];
	struct ks_nl *nl = NULL;
	const char *out = "";
	struct ks_state st;
	size_t i, j;
	int c, ret;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	while ((c = ks_getopt(argc, argv)) != -1) {
		if (c != 'o')
			return usage_error("%s", "bad option");
		out = optarg;
	}
	if (optind < argc)
		return usage_error("%s", "unexpected argument");
	if (*out && strcmp(out, "json"))
		return usage_error("output format '%s' is not supported (json)", out);
	ret = open_nl(&nl, "stats");
	if (ret)
		return ret;
	ret = ks_nl_dump(nl, &st, NULL);
	if (ret) {
		ret = ks_nl_report(nl, "stats", ret);
		ks_nl_close(nl);
		return ret;
	}
	if (*out) {
		ks_out_stats_json(stdout, &st);
		i = st.n_svcs;
	} else {
		i = 0;
	}
	for (; i < st.n_svcs; i++) {
		const struct ks_service *svc = &st.svcs[i];

		printf("service %s/%s connections=%llu rejects=%llu\n", svc->ns,
		       svc->name, (unsigned long long)svc->conns,
		       (unsigned long long)svc->rejects);
		for (j = 0; j < svc->n_eps; j++) {
			const struct ks_endpoint *ep = &svc->eps[j];

			inet_ntop(ep->addr.family, ep->addr.a, a, sizeof(a));
			printf("  endpoint %s%s%s:%u/%s connections=%llu\n",
			       ep->addr.family == AF_INET6 ? "[" : "", a,
			       ep->addr.family == AF_INET6 ? "]" : "", ep->port,
			       ks_proto_name(svc->ports[ep->port_index].proto),
			       (unsigned long long)ep->conns);
		}
	}
	ks_state_free(&st);
	ks_nl_close(nl);
	return KS_EXIT_OK;
}

/* ---- delete, flush ---- */

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

/* ---- config ---- */

/*
 * Node-port addresses: prefixes, or addresses (full-length prefixes), as
 * kube-proxy's --nodeport-addresses; "" empties the list.
 */
static int parse_np_list(char *list, struct ks_config *cfg)
{
	char *tok, *save = NULL, buf[64];

	cfg->set_np_cidrs = 1;
	cfg->n_np_cidrs = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct ks_cidr *c = &cfg->np_cidrs[cfg->n_np_cidrs];

		if (cfg->n_np_cidrs == KSVC_MAX_NODEPORT_ADDRS || strlen(tok) > 50)
			return -1;
		if (!strchr(tok, '/'))
			snprintf(buf, sizeof(buf), "%s/%d", tok, strchr(tok, ':') ? 128 : 32);
		else
			snprintf(buf, sizeof(buf), "%s", tok);
		if (ks_cidr_parse(buf, c))
			return -1;
		cfg->n_np_cidrs++;
	}
	return 0;
}

/* CIDR,... into at most KSVC_MAX_LOCAL_CIDRS prefixes; "" none. */
static int parse_cidr_list(char *list, struct ks_cidr *c, size_t *n)
{
	char *tok, *save = NULL;

	*n = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n == KSVC_MAX_LOCAL_CIDRS || ks_cidr_parse(tok, &c[*n]))
			return -1;
		(*n)++;
	}
	return 0;
}

/* yes/true 1, no/false 0, else -1. */
static int parse_yes_no(const char *s)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false"))
		return 0;
	return -1;
}

/* A count: digits only, 1..2^32-1 (0 too when zero_ok). */
static int parse_u32(const char *s, uint32_t *v, int zero_ok)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || end == s || *s < '0' || *s > '9' ||
	    (n == 0 && !zero_ok) || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int cmd_config(int argc, char **argv)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1 };
	uint32_t n;
	char a[INET6_ADDRSTRLEN];
	struct ks_nl *nl = NULL;
	int c, ret, set = 0;
	size_t i;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	while ((c = ks_getopt(argc, argv)) != -1) {
		set = 1;
		switch (c) {
		case 'N':
			if (strlen(optarg) > KSVC_NODE_NAME_MAX)
				return usage_error("node name '%s' is too long", optarg);
			snprintf(cfg.node_name, sizeof(cfg.node_name), "%s", optarg);
			cfg.set_node_name = 1;
			break;
		case 'a':
			if (parse_np_list(optarg, &cfg))
				return usage_error("--nodeport-addresses: bad address or prefix list '%s'",
						   optarg);
			break;
		case 'd':
			cfg.drop_invalid = parse_yes_no(optarg);
			if (cfg.drop_invalid < 0)
				return usage_error("--drop-invalid takes yes or no, not '%s'", optarg);
			break;
		case 'M':
			cfg.masquerade_all = parse_yes_no(optarg);
			if (cfg.masquerade_all < 0)
				return usage_error("--masquerade-all takes yes or no, not '%s'", optarg);
			break;
		case 'P':
		case 'B': {
			char *dst = c == 'P' ? cfg.local_prefix : cfg.local_bridge;

			if (strlen(optarg) >= sizeof(cfg.local_prefix) || strchr(optarg, '/'))
				return usage_error(c == 'P' ?
						   "--local-interface-prefix: '%s' is not an interface name" :
						   "--local-bridge: '%s' is not an interface name",
						   optarg);
			strcpy(dst, optarg);
			if (c == 'P')
				cfg.set_local_prefix = 1;
			else
				cfg.set_local_bridge = 1;
			break;
		}
		case 's':
			if (parse_u32(optarg, &cfg.max_services, 0))
				return usage_error("--max-services: '%s' is not a count", optarg);
			break;
		case 'e':
			if (parse_u32(optarg, &cfg.max_endpoints, 0))
				return usage_error("--max-endpoints: '%s' is not a count", optarg);
			break;
		case 'F':
			if (parse_u32(optarg, &cfg.max_affinity, 0))
				return usage_error("--max-affinity: '%s' is not a count", optarg);
			break;
		case 'r':
			if (parse_u32(optarg, &n, 1))
				return usage_error("--max-resets-per-sec: '%s' is not a rate (0: no limit)",
						   optarg);
			cfg.max_resets = n;
			break;
		case 'L':
			cfg.set_local_cidrs = 1;
			if (parse_cidr_list(optarg, cfg.local_cidrs, &cfg.n_local_cidrs))
				return usage_error("--local-cidrs: bad prefix list '%s'", optarg);
			break;
		case 'S':
			cfg.set_svc_cidrs = 1;
			if (parse_cidr_list(optarg, cfg.svc_cidrs, &cfg.n_svc_cidrs))
				return usage_error("--service-cidrs: bad prefix list '%s'", optarg);
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	ret = open_nl(&nl, "config");
	if (ret)
		return ret;
	if (set) {
		ret = ks_nl_config_set(nl, &cfg);
		if (ret) {
			ret = ks_nl_report(nl, "config", ret);
			ks_nl_close(nl);
			return ret;
		}
	}
	ret = ks_nl_config_get(nl, &cfg);
	if (ret) {
		/* The change, if any, holds: say so, or the caller retries. */
		ret = ks_nl_report(nl, set ? "config applied, but reading it back failed" :
				   "config", ret);
		ks_nl_close(nl);
		return ret;
	}
	printf("node-name: %s\n", cfg.node_name[0] ? cfg.node_name : "<none>");
	printf("nodeport-addresses:");
	if (!cfg.n_np_cidrs)
		printf(" <every local address but loopback and link-local>");
	for (i = 0; i < cfg.n_np_cidrs; i++) {
		const struct ks_cidr *c = &cfg.np_cidrs[i];

		inet_ntop(c->addr.family, c->addr.a, a, sizeof(a));
		/* An address as given: a full-length prefix without its length. */
		if (c->prefix == (c->addr.family == AF_INET ? 32 : 128))
			printf(" %s", a);
		else
			printf(" %s/%u", a, c->prefix);
	}
	printf("\nlocal-cidrs:");
	if (!cfg.n_local_cidrs)
		printf(" <none: only the node itself is local>");
	for (i = 0; i < cfg.n_local_cidrs; i++) {
		inet_ntop(cfg.local_cidrs[i].addr.family, cfg.local_cidrs[i].addr.a,
			  a, sizeof(a));
		printf(" %s/%u", a, cfg.local_cidrs[i].prefix);
	}
	printf("\nservice-cidrs:");
	if (!cfg.n_svc_cidrs)
		printf(" <none>");
	for (i = 0; i < cfg.n_svc_cidrs; i++) {
		inet_ntop(cfg.svc_cidrs[i].addr.family, cfg.svc_cidrs[i].addr.a,
			  a, sizeof(a));
		printf(" %s/%u", a, cfg.svc_cidrs[i].prefix);
	}
	printf("\nlocal-interface-prefix: %s\n", cfg.local_prefix[0] ? cfg.local_prefix : "<none>");
	printf("local-bridge: %s\n", cfg.local_bridge[0] ? cfg.local_bridge : "<none>");
	/* An older module does not report it. */
	if (cfg.masquerade_all >= 0)
		printf("masquerade-all: %s\n", cfg.masquerade_all ? "yes" : "no");
	printf("drop-invalid: %s\n", cfg.drop_invalid ? "yes" : "no");
	printf("max-services: %u\nmax-endpoints: %u\n", cfg.max_services,
	       cfg.max_endpoints);
	/* An older module reports neither. */
	if (cfg.max_affinity)
		printf("max-affinity: %u\n", cfg.max_affinity);
	if (cfg.affinity_entries >= 0)
		printf("affinity-entries: %lld\n", (long long)cfg.affinity_entries);
	if (cfg.max_resets > 0)
		printf("max-resets-per-sec: %lld\n", (long long)cfg.max_resets);
	else if (!cfg.max_resets)
		printf("max-resets-per-sec: <no limit>\n");
	ks_nl_close(nl);
	return KS_EXIT_OK;
}

static int cmd_help(int argc, char **argv);
static int cmd_complete(int argc, char **argv);

#define OPT_FILE { "filename", 'f', KS_OPT_SHORT | KS_OPT_REQUIRED | KS_OPT_REPEAT, \
		   "FILE|DIR|-", "@files" }
#define OPT_SKIP { "skip-invalid", 's', 0, NULL, NULL }
#define OPT_EMPTY { "allow-empty", 'E', 0, NULL, NULL }
#define OPT_NODE { "node-name", 'N', 0, "NAME", NULL }
#define OPT_VERBOSE { "verbose", 'v', KS_OPT_SHORT, NULL, NULL }
#define OPT_PRUNE { "prune", 'P', 0, "true|false", "true false" }

static const struct ks_opt apply_opts[] = {
	OPT_FILE,
	{ "dry-run", 'n', 0, NULL, NULL },
	{ "replace", 'R', 0, NULL, NULL },
	OPT_PRUNE, OPT_SKIP, OPT_EMPTY, OPT_NODE, OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt diff_opts[] = {
	OPT_FILE, OPT_PRUNE, OPT_SKIP, OPT_NODE, OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt validate_opts[] = {
	OPT_FILE, OPT_SKIP, OPT_EMPTY, OPT_NODE,
	{ "quiet", 'q', KS_OPT_SHORT, NULL, NULL },
	OPT_VERBOSE,
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt get_opts[] = {
	{ "namespace", 'n', KS_OPT_SHORT, "NAMESPACE", NULL },
	{ "all-namespaces", 'A', KS_OPT_SHORT, NULL, NULL },
	{ "output", 'o', KS_OPT_SHORT, "wide|json|yaml", "wide json yaml" },
	{ "no-headers", 'H', 0, NULL, NULL },
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt stats_opts[] = {
	{ "output", 'o', KS_OPT_SHORT, "json", "json" },
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt delete_opts[] = {
	{ "namespace", 'n', KS_OPT_SHORT, "NAMESPACE", NULL },
	{ NULL, 0, 0, NULL, NULL },
};
static const struct ks_opt config_opts[] = {
	OPT_NODE,
	{ "nodeport-addresses", 'a', 0, "CIDR|ADDR,...", NULL },
	{ "local-cidrs", 'L', 0, "CIDR,...", NULL },
	{ "service-cidrs", 'S', 0, "CIDR,...", NULL },
	{ "local-interface-prefix", 'P', 0, "PREFIX", NULL },
	{ "local-bridge", 'B', 0, "BRIDGE", NULL },
	{ "masquerade-all", 'M', 0, "yes|no", "yes no" },
	{ "drop-invalid", 'd', 0, "yes|no", "yes no" },
	{ "max-services", 's', 0, "N", NULL },
	{ "max-endpoints", 'e', 0, "N", NULL },
	{ "max-affinity", 'F', 0, "N", NULL },
	{ "max-resets-per-sec", 'r', 0, "N", NULL },
	{ NULL, 0, 0, NULL, NULL },
};

static const struct ks_cmd ks_cmds[] = {
	{ "apply", cmd_apply, "", apply_opts,
	  "Converge the kernel's tables to exactly the Services given, with their\n"
	  "endpoints from EndpointSlices, else Endpoints, else the Pods their selector\n"
	  "picks (kubectl get -o yaml|json output, a List, or manifests; -f repeatable;\n"
	  "a directory means its *.yaml, *.yml and *.json files).  Services absent\n"
	  "from the input are deleted unless --prune=false, which upserts the given\n"
	  "services without reading the table.  Changes go in one transaction: any\n"
	  "error leaves the tables as they were.  --replace swaps the whole table at\n"
	  "once.  --dry-run prints the plan.  --skip-invalid applies the valid objects\n"
	  "and exits 5.  -v says which objects were skipped and why." },
	{ "diff", cmd_diff, "", diff_opts,
	  "Show what apply would change, service by service (a new or deleted one\n"
	  "whole).  Exit status: 0 no difference, 1 differences, 2 or more an error\n"
	  "(as kubectl diff)." },
	{ "validate", cmd_validate, "", validate_opts,
	  "Check the input as apply would, without the module: every parse and\n"
	  "cross-object check, the same errors, then what apply would program (as\n"
	  "get services -A -o wide shows it; -q: only the verdict).  Exit status as\n"
	  "apply's: 0 valid, 1 invalid, 5 some objects would be skipped\n"
	  "(--skip-invalid).  Without --node-name no endpoint is marked local." },
	{ "get", cmd_get, "services|endpoints [NAME]", get_opts,
	  "Show the services the kernel holds, or their ready endpoints (-A: in every\n"
	  "namespace).  -o yaml|json prints a List of Services and EndpointSlices\n"
	  "(endpoints: EndpointSlices only) that apply reads back into the same state." },
	{ "stats", cmd_stats, "", stats_opts,
	  "Show the counters: new connections and rejects per service, new\n"
	  "connections per endpoint." },
	{ "delete", cmd_delete, "service NAME", delete_opts,
	  "Delete one service." },
	{ "flush", cmd_flush, "", NULL, "Delete every service." },
	{ "config", cmd_config, "", config_opts,
	  "Show or set the node configuration of this network namespace: the node\n"
	  "name, the node-port addresses, what traffic is from a pod (one local-\n"
	  "traffic detector: the pod CIDRs, an interface name prefix, or the pods'\n"
	  "bridge; traffic to a cluster IP from anything else is masqueraded), the\n"
	  "masquerade of all cluster IP traffic, the Service CIDRs (a new connection\n"
	  "to an address in them that no Service holds is dropped; one to a live\n"
	  "cluster IP on a port it does not serve is refused in any case), the drop of\n"
	  "forwarded INVALID packets, limits:\n"
	  "services, endpoints, sessionAffinity entries (the least recently used go\n"
	  "when full; affinity-entries: those in use), TCP resets a second for\n"
	  "services without endpoints (0: no limit)." },
	{ "version", cmd_version, "", NULL,
	  "Show tool, module and protocol versions." },
	{ "help", cmd_help, "[COMMAND]", NULL, "Show this help, or a command's." },
};

#define N_CMDS (sizeof(ks_cmds) / sizeof(ks_cmds[0]))

static int cmd_help(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc > 1 && i < N_CMDS; i++)
		if (!strcmp(argv[1], ks_cmds[i].name)) {
			printf("Usage: ksvcctl %s ", ks_cmds[i].name);
			usage_line(stdout, &ks_cmds[i]);
			printf("\n\n%s\n", ks_cmds[i].help);
			return KS_EXIT_OK;
		}
	if (argc > 1) {
		fprintf(stderr, "ksvcctl: help: unknown command '%s'\n", argv[1]);
		return KS_EXIT_USAGE;
	}
	printf("Usage: ksvcctl COMMAND [ARGS]   (ksvcctl COMMAND --help for more)\n\nCommands:\n");
	for (i = 0; i < N_CMDS; i++) {
		printf("  %-8s ", ks_cmds[i].name);
		usage_line(stdout, &ks_cmds[i]);
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
			printf("%s\n", ks_cmds[i].name);
		return KS_EXIT_OK;
	}
	for (i = 0; i < N_CMDS; i++)
		if (!strcmp(argv[1], ks_cmds[i].name))
			c = &ks_cmds[i];
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
		if (!strcmp(argv[1], ks_cmds[i].name)) {
			ks_current = &ks_cmds[i];
			return ks_cmds[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "ksvcctl: unknown command '%s' (try ksvcctl help)\n",
		argv[1]);
	return KS_EXIT_USAGE;
}
