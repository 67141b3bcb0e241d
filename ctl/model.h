/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl's desired state: plain structs, produced by the parser (parse.h)
 * from Kubernetes objects and consumed by the planner and the netlink layer.
 * Parsing never talks to the kernel; the netlink layer never parses text.
 */
#ifndef KSVC_MODEL_H
#define KSVC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/ksvc.h>

struct ks_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network order; IPv4 in the first 4 bytes */
};

struct ks_port {
	char name[KSVC_NAME_MAX + 1];
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
	uint16_t port;
	uint16_t node_port;	/* 0: none */
};

struct ks_frontend {
	uint8_t kind;		/* enum ksvc_fe_kind: whose rules apply */
	uint8_t also;		/* bits 1 << kind of the other kinds it is */
	struct ks_addr addr;
};

struct ks_endpoint {
	struct ks_addr addr;
	uint8_t port_index;	/* index into ks_service.ports */
	uint16_t port;		/* target port */
	uint32_t flags;		/* KSVC_EP_F_* */
	uint64_t conns;		/* from the kernel's dump only */
};

/* Where an object came from, for error messages. */
struct ks_pos {
	const char *file;	/* owned by the state's string pool */
	int line, col;		/* 1-based; 0 when unknown */
};

/* An address prefix (loadBalancerSourceRanges, pod CIDRs). */
struct ks_cidr {
	struct ks_addr addr;	/* masked */
	uint8_t prefix;
};

struct ks_service {
	char ns[KSVC_NAME_MAX + 1];
	char name[KSVC_NAME_MAX + 1];
	uint8_t type;		/* enum ksvc_svc_type */
	uint32_t flags;		/* KSVC_SVC_F_* */
	uint8_t algo;		/* enum ksvc_algo */
	uint32_t affinity_timeout;	/* seconds; with KSVC_SVC_F_AFFINITY */
	struct ks_cidr *ranges;	/* loadBalancerSourceRanges */
	size_t n_ranges;
	char external_name[KSVC_NODE_NAME_MAX + 1];
	struct ks_port *ports;
	size_t n_ports;
	struct ks_frontend *fes;
	size_t n_fes;
	struct ks_endpoint *eps;
	size_t n_eps;
	struct ks_pos pos;
	/* Filled by the kernel dump only. */
	uint64_t conns, rejects;
};

struct ks_state {
	struct ks_service *svcs;
	size_t n_svcs;
	size_t cap_svcs;
	/* Strings that outlive their source, e.g. the file names in ks_pos. */
	char **strs;
	size_t n_strs, cap_strs;
	/* Set by ks_state_sort, cleared by ks_state_add: ks_state_find can
	 * binary-search only a sorted table. */
	int sorted;
};

void ks_state_init(struct ks_state *st);
void ks_state_free(struct ks_state *st);
/*
 * Append a zeroed service; NULL when out of memory.  The table may move:
 * pointers returned earlier are invalid after the next ks_state_add.
 */
struct ks_service *ks_state_add(struct ks_state *st);
void ks_service_free(struct ks_service *svc);
/* Copy s into the state's string pool; NULL when out of memory. */
const char *ks_state_strdup(struct ks_state *st, const char *s);
/*
 * Sort services by namespace/name and each one's contents canonically:
 * frontends by (kind, family, address), endpoints by (port index, family,
 * address, port).  Ports keep their order: endpoints refer to them by index.
 */
void ks_state_sort(struct ks_state *st);
/* O(log n) after ks_state_sort, a linear scan before. */
struct ks_service *ks_state_find(const struct ks_state *st, const char *ns,
				 const char *name);
/* Canonical orders, also used by the parser and the planner. */
int ks_addr_cmp(const struct ks_addr *a, const struct ks_addr *b);
int ks_frontend_cmp(const struct ks_frontend *a, const struct ks_frontend *b);
/* The frontend is of that kind, or also of it (what the Service says). */
int ks_frontend_is(const struct ks_frontend *fe, uint8_t kind);
int ks_endpoint_cmp(const struct ks_endpoint *a, const struct ks_endpoint *b);
/*
 * 0 when two services would program the kernel identically (both sorted):
 * compares type, flags, external name, ports, frontends and endpoints, not
 * pos or the counters.  Otherwise <0 or >0, a total order.
 */
int ks_service_cmp(const struct ks_service *a, const struct ks_service *b);
int ks_cidr_cmp(const struct ks_cidr *a, const struct ks_cidr *b);
/* Is a inside c (same family, the first c->prefix bits equal)? */
int ks_cidr_contains(const struct ks_cidr *c, const struct ks_addr *a);
/* "10.0.0.0/8" or "fd00::/64" into c, masked; -1 when it is none. */
int ks_cidr_parse(const char *s, struct ks_cidr *c);
/*
 * The names ksvcctl reads and prints, in one place:
 * "TCP", "UDP", "SCTP" ("?" for anything else), and back (-1: none);
 */
const char *ks_proto_name(uint8_t proto);
int ks_proto_parse(const char *s);
/* spec.type as Kubernetes writes it (a headless Service is a ClusterIP one); */
const char *ks_svc_type_name(uint8_t type);
/* "10.0.0.1:80", "[fd00::1]:80" into buf, returned. */
#define KS_ADDR_PORT_LEN	(INET6_ADDRSTRLEN + 8)
char *ks_addr_port(char *buf, size_t len, const struct ks_addr *a, uint16_t port);

#endif
