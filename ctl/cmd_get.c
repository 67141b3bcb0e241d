// SPDX-License-Identifier: GPL-2.0
/* ksvcctl get services|endpoints: what the kernel holds. */
#include <getopt.h>
#include <string.h>

#include "out.h"
#include "table.h"
#include "cmd.h"

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
