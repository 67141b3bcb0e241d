// SPDX-License-Identifier: GPL-2.0
/* ksvcctl stats: the connection counters. */
#include <getopt.h>
#include <string.h>

#include "out.h"
#include "cmd.h"

static int cmd_stats(int argc, char **argv)
{
	char a[KS_ADDR_PORT_LEN];
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

			printf("  endpoint %s/%s connections=%llu\n",
			       ks_addr_port(a, sizeof(a), &ep->addr, ep->port),
			       ks_proto_name(svc->ports[ep->port_index].proto),
			       (unsigned long long)ep->conns);
		}
	}
	ks_state_free(&st);
	ks_nl_close(nl);
	return KS_EXIT_OK;
}

static const struct ks_opt stats_opts[] = {
	{ "output", 'o', KS_OPT_SHORT, "json", "json" },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_stats = {
	.name = "stats",
	.fn = cmd_stats,
	.args = "",
	.opts = stats_opts,
	.help = "Show the counters: new connections and rejects per service, new\n"
		"connections per endpoint.",
};
