// SPDX-License-Identifier: GPL-2.0
/* ksvcctl get services|endpoints: what the kernel holds. */
#include <getopt.h>
#include <string.h>

#include "out.h"
#include "table.h"
#include "cmd.h"

struct get_args {
	const char *ns, *out, *name;
	int all, headers, eps;
};

/* The options and arguments into a; 0 or the usage error's exit code. */
static int get_options(int argc, char **argv, struct get_args *a)
{
	const char *what;
	int c, i;

	while ((c = ks_getopt(argc, argv)) != -1) {
		switch (c) {
		case 'n':
			a->ns = optarg;
			break;
		case 'A':
			a->all = 1;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'H':
			a->headers = 0;
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
		a->eps = 0;
	else if (!strcmp(what, "endpoints") || !strcmp(what, "endpoint") ||
		 !strcmp(what, "ep") || !strcmp(what, "endpointslices") ||
		 !strcmp(what, "endpointslice"))
		a->eps = 1;
	else
		return usage_error("cannot get '%s': services or endpoints", what);
	for (i = optind + 1; i < argc; i++) {
		if (a->name)
			return usage_error("unexpected argument '%s'", argv[i]);
		a->name = argv[i];
	}
	if (*a->out && strcmp(a->out, "wide") && strcmp(a->out, "json") &&
	    strcmp(a->out, "yaml"))
		return usage_error("output format '%s' is not supported (wide, json, yaml)", a->out);
	return 0;
}

/* st as a List of Services and EndpointSlices, with this node's name. */
static int get_list(struct ks_nl *nl, const struct get_args *a,
		    const struct ks_state *st)
{
	struct ks_out_opts oo = {
		.json = !strcmp(a->out, "json"),
		.what = a->eps ? KS_OUT_SLICES : KS_OUT_SERVICES | KS_OUT_SLICES,
		.ns = a->all ? NULL : a->ns,
		.name = a->name,
	};
	struct ks_config cfg;
	int ret;

	ret = ks_nl_config_get(nl, &cfg);
	if (ret)
		return ks_nl_report(nl, "get: config", ret);
	if (cfg.node_name[0])
		oo.node_name = cfg.node_name;
	ks_out_list(stdout, st, &oo);
	return KS_EXIT_OK;
}

static int cmd_get(int argc, char **argv)
{
	struct get_args a = { .ns = "default", .out = "", .headers = 1 };
	struct ks_nl *nl = NULL;
	struct ks_state st;
	int ret, found = 0;
	size_t j;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	ret = get_options(argc, argv, &a);
	if (ret)
		return ret;
	ret = open_nl(&nl, "get");
	if (ret)
		return ret;
	ret = ks_nl_dump(nl, &st, NULL);
	if (ret) {
		ret = ks_nl_report(nl, "get", ret);
		ks_nl_close(nl);
		return ret;
	}
	for (j = 0; a.name && j < st.n_svcs; j++)
		found |= ks_table_selected(&st.svcs[j], a.ns, a.all, a.name);
	if (a.name && !found) {
		fprintf(stderr, "ksvcctl: get: service %s%s%s not found\n",
			a.all ? "" : a.ns, a.all ? "" : "/", a.name);
		ret = KS_EXIT_ERROR;
	} else if (!strcmp(a.out, "json") || !strcmp(a.out, "yaml")) {
		ret = get_list(nl, &a, &st);
	} else if (a.eps) {
		ks_table_endpoints(stdout, &st, a.ns, a.all, a.name, a.headers,
				   !strcmp(a.out, "wide"));
	} else {
		ks_table_services(stdout, &st, a.ns, a.all, a.name, a.headers,
				  !strcmp(a.out, "wide"));
	}
	ks_state_free(&st);
	ks_nl_close(nl);
	return ret;
}

static const struct ks_opt get_opts[] = {
	{ "namespace", 'n', KS_OPT_SHORT, "NAMESPACE", NULL },
	{ "all-namespaces", 'A', KS_OPT_SHORT, NULL, NULL },
	{ "output", 'o', KS_OPT_SHORT, "wide|json|yaml", "wide json yaml" },
	{ "no-headers", 'H', 0, NULL, NULL },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_get = {
	.name = "get",
	.fn = cmd_get,
	.args = "services|endpoints [NAME]",
	.opts = get_opts,
	.help = "Show the services the kernel holds, or their ready endpoints (-A: in every\n"
		"namespace).  -o yaml|json prints a List of Services and EndpointSlices\n"
		"(endpoints: EndpointSlices only) that apply reads back into the same state.",
};
