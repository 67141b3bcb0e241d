/* SPDX-License-Identifier: GPL-2.0 */
/* ksvcctl's only door to the kernel: the ksvc generic netlink family. */
#ifndef KSVC_NL_H
#define KSVC_NL_H

#include <stdint.h>
#include "model.h"

/* Exit codes, documented in ksvcctl(8). */
enum {
	KS_EXIT_OK = 0,
	KS_EXIT_ERROR = 1,	/* bad input, kernel refused, ... */
	KS_EXIT_USAGE = 2,
	KS_EXIT_NOMODULE = 3,	/* the ksvc module is not loaded */
	KS_EXIT_PERM = 4,	/* not allowed (CAP_NET_ADMIN needed) */
	KS_EXIT_PARTIAL = 5,	/* --skip-invalid skipped some objects */
};

struct ks_nl;

struct ks_info {
	char version[64];
	uint32_t proto_version;
	uint64_t generation;
	uint32_t n_services, n_endpoints;
	int tx_open;
};

/*
 * Every function returns 0 or a negative errno; the kernel's extack message
 * (if any) is kept and can be read with ks_nl_errmsg().
 */
int ks_nl_open(struct ks_nl **nlp);
void ks_nl_close(struct ks_nl *nl);
const char *ks_nl_errmsg(const struct ks_nl *nl);
int ks_nl_info(struct ks_nl *nl, struct ks_info *info);
struct ks_config {
	char node_name[KSVC_NODE_NAME_MAX + 1];
	char zone[KSVC_NAME_MAX + 1];	/* topology.kubernetes.io/zone */
	int set_zone;
	int external_ips;		/* get: 1 unless the module says 0 */
	int set_external_ips;		/* set: send external_ips */
	uint32_t maglev_size;		/* 0: leave as is (get: not reported) */
	uint32_t maglev_seed;
	int set_maglev_seed;		/* set: send maglev_seed; get: reported */
	/* Node-port address prefixes (an address: full length). */
	struct ks_cidr np_cidrs[KSVC_MAX_NODEPORT_ADDRS];
	size_t n_np_cidrs;
	int set_np_cidrs;	/* for ks_nl_config_set: replace the list */
	int drop_invalid;	/* -1: leave as is */
	uint32_t max_services, max_endpoints;	/* 0: leave as is */
	int set_node_name;
	struct ks_cidr local_cidrs[KSVC_MAX_LOCAL_CIDRS];	/* pod CIDRs */
	size_t n_local_cidrs;
	int set_local_cidrs;
	struct ks_cidr svc_cidrs[KSVC_MAX_LOCAL_CIDRS];	/* Service CIDRs */
	size_t n_svc_cidrs;
	int set_svc_cidrs;
	uint32_t max_affinity;		/* 0: leave as is (get: not reported) */
	int64_t max_resets;		/* a second, 0: no limit; -1: leave as is */
	int64_t affinity_entries;	/* get only; -1: not reported */
	/* Local-traffic detectors by interface name; set_*: send it. */
	char local_prefix[16], local_bridge[16];
	int set_local_prefix, set_local_bridge;
	int masquerade_all;		/* -1: leave as is (get: not reported) */
	/* The node's primary IPs, one a family at most; set_*: send them. */
	struct ks_addr node_ips[2];
	size_t n_node_ips;
	int set_node_ips;
	int np_primary;			/* -1: leave as is (get: not reported) */
};

/*
 * The whole table, sorted (ks_state_sort), and the generation it was read
 * at; retried until consistent.
 */
int ks_nl_dump(struct ks_nl *nl, struct ks_state *out, uint64_t *generation);
/* Transactions: gen 0 means "do not check the generation". */
int ks_nl_tx_begin(struct ks_nl *nl, uint32_t flags, uint64_t gen);
int ks_nl_tx_commit(struct ks_nl *nl, uint64_t gen);
int ks_nl_tx_abort(struct ks_nl *nl);
/*
 * Add or replace one service.  Endpoints beyond one message's worth go in
 * follow-up messages, which needs an open transaction (in_tx).
 */
int ks_nl_svc_new(struct ks_nl *nl, const struct ks_service *svc, int in_tx);
int ks_nl_svc_del(struct ks_nl *nl, const char *ns, const char *name);
int ks_nl_flush(struct ks_nl *nl);
int ks_nl_config_get(struct ks_nl *nl, struct ks_config *cfg);
int ks_nl_config_set(struct ks_nl *nl, const struct ks_config *cfg);

/* Endpoints per message: well under the 64 KiB of one attribute. */
#define KS_NL_EPS_PER_MSG 400

/* Print a one-line diagnostic for err and map it to an exit code. */
int ks_nl_report(const struct ks_nl *nl, const char *what, int err);

/*
 * The raw door, for front ends that send what ksvcctl never would (the
 * selftests' kstool and fuzzer): a request for cmd, written by the caller
 * (for a service, ks_nl_put_svc), then ks_nl_send: msg is consumed, the
 * replies with the request's sequence number go to parse (may be NULL),
 * and the answer is 0 when it is acknowledged (or its dump done), or
 * -errno with the extack message in ks_nl_errmsg.
 */
struct nl_msg;
struct nl_sock;
struct nlattr;
typedef int (*ks_nl_parse_fn)(struct nl_msg *msg, void *arg);
struct nl_msg *ks_nl_msg_new(struct ks_nl *nl, int cmd, int flags);
int ks_nl_send(struct ks_nl *nl, struct nl_msg *msg, ks_nl_parse_fn parse,
	       void *arg);
/*
 * svc's KSVC_A_SERVICE nest, with its endpoints from..to (append: the
 * name and those endpoints only), left open for the caller to add to and
 * end (nla_nest_end); NULL when it does not fit.
 */
struct nlattr *ks_nl_put_svc(struct nl_msg *msg, const struct ks_service *svc,
			     int append, size_t from, size_t to);
/* The socket, for reads a test abandons half-way. */
struct nl_sock *ks_nl_sock(struct ks_nl *nl);

#endif
