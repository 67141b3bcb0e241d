// SPDX-License-Identifier: GPL-2.0
/* ksvcctl config: the node configuration of this network namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/*
 * Node-port addresses: prefixes, or addresses (full-length prefixes), or
 * "primary" alone (the node IPs), as kube-proxy's --nodeport-addresses;
 * "" empties the list.
 */
static int parse_np_list(char *list, struct ks_config *cfg)
{
	char *tok, *save = NULL, buf[64];

	cfg->set_np_cidrs = 1;
	cfg->n_np_cidrs = 0;
	cfg->np_primary = !strcmp(list, "primary");
	if (cfg->np_primary)
		return 0;
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

/* ADDR[,ADDR]: the node IPs, at most one of each family; "" none. */
static int parse_node_ips(char *list, struct ks_config *cfg)
{
	char *tok, *save = NULL, buf[64];
	struct ks_cidr c;
	size_t i;

	cfg->set_node_ips = 1;
	cfg->n_node_ips = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strchr(tok, '/') || strlen(tok) > 50)
			return -1;
		snprintf(buf, sizeof(buf), "%s/%d", tok, strchr(tok, ':') ? 128 : 32);
		if (ks_cidr_parse(buf, &c))
			return -1;
		for (i = 0; i < cfg->n_node_ips; i++)
			if (cfg->node_ips[i].family == c.addr.family)
				return -1;
		if (cfg->n_node_ips == 2)
			return -1;
		cfg->node_ips[cfg->n_node_ips++] = c.addr;
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

/*
 * A string option (node name, zone, interface prefix, bridge) into cfg:
 * 0; 1 when c is none of them; or the usage error's code.
 */
static int config_string(int c, const char *arg, struct ks_config *cfg)
{
	const struct {
		int c;
		char *dst;
		size_t size;
		int *set;
		int ifname;
		const char *bad;
	} s[] = {
		{ 'N', cfg->node_name, sizeof(cfg->node_name), &cfg->set_node_name,
		  0, "--node-name: '%s' is too long" },
		{ 'z', cfg->zone, sizeof(cfg->zone), &cfg->set_zone,
		  0, "--zone: '%s' is too long" },
		{ 'P', cfg->local_prefix, sizeof(cfg->local_prefix), &cfg->set_local_prefix,
		  1, "--local-interface-prefix: '%s' is not an interface name" },
		{ 'B', cfg->local_bridge, sizeof(cfg->local_bridge), &cfg->set_local_bridge,
		  1, "--local-bridge: '%s' is not an interface name" },
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i].c != c)
			continue;
		if (strlen(arg) >= s[i].size || (s[i].ifname && strchr(arg, '/')))
			return usage_error(s[i].bad, arg);
		strcpy(s[i].dst, arg);
		*s[i].set = 1;
		return 0;
	}
	return 1;
}

/*
 * A yes/no or numeric option into cfg: 0; 1 when c is none of them; or
 * the usage error's code.  max_resets, the one signed field, goes
 * through n.
 */
static int config_value(int c, const char *arg, struct ks_config *cfg)
{
	const struct {
		int c;
		int *flag;		/* yes/no */
		uint32_t *num;		/* a number */
		int zero_ok;
		int *set;
		const char *bad;
	} v[] = {
		{ 'd', &cfg->drop_invalid, NULL, 0, NULL,
		  "--drop-invalid takes yes or no, not '%s'" },
		{ 'X', &cfg->external_ips, NULL, 0, &cfg->set_external_ips,
		  "--external-ips takes yes or no, not '%s'" },
		{ 'M', &cfg->masquerade_all, NULL, 0, NULL,
		  "--masquerade-all takes yes or no, not '%s'" },
		{ 's', NULL, &cfg->max_services, 0, NULL,
		  "--max-services: '%s' is not a count" },
		{ 'e', NULL, &cfg->max_endpoints, 0, NULL,
		  "--max-endpoints: '%s' is not a count" },
		{ 'F', NULL, &cfg->max_affinity, 0, NULL,
		  "--max-affinity: '%s' is not a count" },
		/* primality: the module's to check */
		{ 'T', NULL, &cfg->maglev_size, 0, NULL,
		  "--maglev-table-size: '%s' is not a size" },
		{ 'K', NULL, &cfg->maglev_seed, 1, &cfg->set_maglev_seed,
		  "--maglev-seed: '%s' is not a 32-bit number" },
	};
	size_t i;
	uint32_t n;

	if (c == 'r') {
		if (parse_u32(arg, &n, 1))
			return usage_error("--max-resets-per-sec: '%s' is not a rate (0: no limit)",
					   arg);
		cfg->max_resets = n;
		return 0;
	}
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i].c != c)
			continue;
		if (v[i].flag) {
			*v[i].flag = parse_yes_no(arg);
			if (*v[i].flag < 0)
				return usage_error(v[i].bad, arg);
		} else if (parse_u32(arg, v[i].num, v[i].zero_ok)) {
			return usage_error(v[i].bad, arg);
		}
		if (v[i].set)
			*v[i].set = 1;
		return 0;
	}
	return 1;
}

/* The options into cfg; *set: some were given.  0 or the usage error's code. */
static int config_options(int argc, char **argv, struct ks_config *cfg, int *set)
{
	int c, r;

	while ((c = ks_getopt(argc, argv)) != -1) {
		*set = 1;
		r = config_string(c, optarg, cfg);
		if (r == 1)
			r = config_value(c, optarg, cfg);
		if (r != 1) {
			if (r)
				return r;
			continue;
		}
		switch (c) {
		case 'a':
			if (parse_np_list(optarg, cfg))
				return usage_error("--nodeport-addresses: bad address or prefix list '%s'",
						   optarg);
			break;
		case 'I':
			if (parse_node_ips(optarg, cfg))
				return usage_error("--node-ips: '%s' is not one address of each family at most",
						   optarg);
			break;
		case 'L':
			cfg->set_local_cidrs = 1;
			if (parse_cidr_list(optarg, cfg->local_cidrs, &cfg->n_local_cidrs))
				return usage_error("--local-cidrs: bad prefix list '%s'", optarg);
			break;
		case 'S':
			cfg->set_svc_cidrs = 1;
			if (parse_cidr_list(optarg, cfg->svc_cidrs, &cfg->n_svc_cidrs))
				return usage_error("--service-cidrs: bad prefix list '%s'", optarg);
			break;
		default:
			return usage_error("%s", "bad option");
		}
	}
	return 0;
}

/*
 * A prefix list after its name and lead (if any), or none when it has
 * neither; full: full-length prefixes as addresses.
 */
static void print_cidrs(const char *name, const char *lead,
			const struct ks_cidr *c, size_t n, const char *none, int full)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	printf("%s:", name);
	if (lead)
		printf(" %s", lead);
	else if (!n)
		printf(" %s", none);
	for (i = 0; i < n; i++) {
		inet_ntop(c[i].addr.family, c[i].addr.a, a, sizeof(a));
		if (full && c[i].prefix == (c[i].addr.family == AF_INET ? 32 : 128))
			printf(" %s", a);
		else
			printf(" %s/%u", a, c[i].prefix);
	}
	printf("\n");
}

static void config_print(const struct ks_config *cfg)
{
	char a[INET6_ADDRSTRLEN];
	size_t i;

	printf("node-name: %s\n", cfg->node_name[0] ? cfg->node_name : "<none>");
	printf("zone: %s\n", cfg->zone[0] ? cfg->zone : "<none>");
	printf("node-ips:");
	if (!cfg->n_node_ips)
		printf(" <none>");
	for (i = 0; i < cfg->n_node_ips; i++) {
		inet_ntop(cfg->node_ips[i].family, cfg->node_ips[i].a, a, sizeof(a));
		printf(" %s", a);
	}
	printf("\n");
	/* An address as given: a full-length prefix without its length. */
	print_cidrs("nodeport-addresses", cfg->np_primary > 0 ? "primary" : NULL,
		    cfg->np_cidrs, cfg->n_np_cidrs,
		    "<every local address but loopback and link-local>", 1);
	print_cidrs("local-cidrs", NULL, cfg->local_cidrs, cfg->n_local_cidrs,
		    "<none: only the node itself is local>", 0);
	print_cidrs("service-cidrs", NULL, cfg->svc_cidrs, cfg->n_svc_cidrs,
		    "<none>", 0);
	printf("local-interface-prefix: %s\n", cfg->local_prefix[0] ? cfg->local_prefix : "<none>");
	printf("local-bridge: %s\n", cfg->local_bridge[0] ? cfg->local_bridge : "<none>");
	/* An older module does not report it. */
	if (cfg->masquerade_all >= 0)
		printf("masquerade-all: %s\n", cfg->masquerade_all ? "yes" : "no");
	printf("external-ips: %s\n", cfg->external_ips ? "yes" : "no");
	if (cfg->maglev_size)
		printf("maglev-table-size: %u\n", cfg->maglev_size);
	if (cfg->set_maglev_seed)
		printf("maglev-seed: %u\n", cfg->maglev_seed);
	printf("drop-invalid: %s\n", cfg->drop_invalid ? "yes" : "no");
	printf("max-services: %u\nmax-endpoints: %u\n", cfg->max_services,
	       cfg->max_endpoints);
	/* An older module reports neither. */
	if (cfg->max_affinity)
		printf("max-affinity: %u\n", cfg->max_affinity);
	if (cfg->affinity_entries >= 0)
		printf("affinity-entries: %lld\n", (long long)cfg->affinity_entries);
	if (cfg->max_resets > 0)
		printf("max-resets-per-sec: %lld\n", (long long)cfg->max_resets);
	else if (!cfg->max_resets)
		printf("max-resets-per-sec: <no limit>\n");
}

static int cmd_config(int argc, char **argv)
{
	struct ks_config cfg = { .drop_invalid = -1, .max_resets = -1,
				 .masquerade_all = -1, .np_primary = -1 };
	struct ks_nl *nl = NULL;
	int ret, set = 0;

	if (want_help(argc, argv))
		return KS_EXIT_OK;
	ret = config_options(argc, argv, &cfg, &set);
	if (ret)
		return ret;
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
	config_print(&cfg);
	ks_nl_close(nl);
	return KS_EXIT_OK;
}

static const struct ks_opt config_opts[] = {
	OPT_NODE,
	{ "zone", 'z', 0, "ZONE", NULL },
	{ "node-ips", 'I', 0, "ADDR[,ADDR]", NULL },
	{ "nodeport-addresses", 'a', 0, "CIDR|ADDR,...|primary", NULL },
	{ "local-cidrs", 'L', 0, "CIDR,...", NULL },
	{ "service-cidrs", 'S', 0, "CIDR,...", NULL },
	{ "local-interface-prefix", 'P', 0, "PREFIX", NULL },
	{ "local-bridge", 'B', 0, "BRIDGE", NULL },
	{ "masquerade-all", 'M', 0, "yes|no", "yes no" },
	{ "external-ips", 'X', 0, "yes|no", "yes no" },
	{ "drop-invalid", 'd', 0, "yes|no", "yes no" },
	{ "max-services", 's', 0, "N", NULL },
	{ "max-endpoints", 'e', 0, "N", NULL },
	{ "max-affinity", 'F', 0, "N", NULL },
	{ "max-resets-per-sec", 'r', 0, "N", NULL },
	{ "maglev-table-size", 'T', 0, "PRIME", NULL },
	{ "maglev-seed", 'K', 0, "N", NULL },
	{ NULL, 0, 0, NULL, NULL },
};

const struct ks_cmd ks_cmd_config = {
	.name = "config",
	.fn = cmd_config,
	.args = "",
	.opts = config_opts,
	.help = "Show or set the node configuration of this network namespace: the node\n"
		"name and zone (topology-aware routing), its primary IPs (one a family: kube-proxy's node IPs, for\n"
		"allowFromNode and node ports on \"primary\"), the node-port addresses\n"
		"(prefixes, or primary), what traffic is from a pod (one local-\n"
		"traffic detector: the pod CIDRs, an interface name prefix, or the pods'\n"
		"bridge; traffic to a cluster IP from anything else is masqueraded), the\n"
		"masquerade of all cluster IP traffic, whether Services' externalIPs are\n"
		"programmed, the Service CIDRs (a new connection\n"
		"to an address in them that no Service holds is dropped; one to a live\n"
		"cluster IP on a port it does not serve is refused in any case), the drop of\n"
		"forwarded INVALID packets, limits:\n"
		"services, endpoints, sessionAffinity entries (the least recently used go\n"
		"when full; affinity-entries: those in use), TCP resets a second for\n"
		"services without endpoints (0: no limit); the Maglev table size (a prime)\n"
		"and seed (the same on every node; neither changes while a Maglev Service\n"
		"exists).",
};
