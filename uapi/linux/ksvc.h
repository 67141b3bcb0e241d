/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * ksvc: Kubernetes Service proxy in the kernel -- generic netlink API.
 *
 * Shared by the kernel module (kmod/) and the control tool (ctl/).
 * Every attribute is described by a policy in kmod/netlink.c; nested
 * attributes carry NLA_F_NESTED; there are no C structs inside attributes.
 *
 * Object model: a service (namespace/name) owns
 *   - frontends: (family, address, port, protocol) -- ClusterIP, external IP
 *     or LoadBalancer ingress IP, each with the service port it belongs to;
 *   - node ports: (port, protocol), matched on the node's addresses;
 *   - endpoints: (family, address, port, flags), per service port.
 *
 * Changes are made either one message at a time (each KSVC_CMD_SVC_NEW or
 * KSVC_CMD_SVC_DEL is atomic for its service) or inside a transaction
 * (KSVC_CMD_TX_BEGIN ... KSVC_CMD_TX_COMMIT) owned by the netlink socket
 * that opened it and aborted when that socket closes.  A transaction opened
 * with KSVC_TX_F_REPLACE replaces the whole table atomically on commit.
 *
 * (admin): needs CAP_NET_ADMIN in the user namespace that owns the network
 * namespace, or fails with EPERM; reads of the tables included.
 */
#ifndef _UAPI_LINUX_KSVC_H
#define _UAPI_LINUX_KSVC_H

#define KSVC_GENL_NAME		"ksvc"
/* 2: KSVC_FE_A_ALSO (a module of protocol 1 refuses it, strict) */
#define KSVC_GENL_VERSION	2

enum ksvc_cmd {
	KSVC_CMD_UNSPEC,
	KSVC_CMD_INFO_GET,	/* versions, generation, counts (anyone) */
	KSVC_CMD_CONFIG_SET,	/* node configuration (admin) */
	KSVC_CMD_CONFIG_GET,	/* node configuration (admin) */
	KSVC_CMD_SVC_NEW,	/* add or replace one service (admin) */
	KSVC_CMD_SVC_DEL,	/* delete one service (admin) */
	KSVC_CMD_SVC_GET,	/* dump: services, frontends, endpoints (admin) */
	KSVC_CMD_FLUSH,		/* delete every service (admin) */
	KSVC_CMD_TX_BEGIN,	/* open a transaction (admin) */
	KSVC_CMD_TX_COMMIT,	/* apply it (admin) */
	KSVC_CMD_TX_ABORT,	/* drop it (admin) */

	__KSVC_CMD_MAX
};
#define KSVC_CMD_MAX (__KSVC_CMD_MAX - 1)

/* Top-level attributes. */
enum ksvc_attr {
	KSVC_A_UNSPEC,
	KSVC_A_PAD,
	KSVC_A_VERSION,		/* string: module version */
	KSVC_A_PROTO_VERSION,	/* u32: KSVC_GENL_VERSION */
	KSVC_A_GENERATION,	/* u64: table generation */
	KSVC_A_SERVICE,		/* nest: enum ksvc_svc_attr */
	KSVC_A_CONFIG,		/* nest: enum ksvc_cfg_attr */
	KSVC_A_TX_FLAGS,	/* u32: KSVC_TX_F_* */
	KSVC_A_NUM_SERVICES,	/* u32 */
	KSVC_A_NUM_ENDPOINTS,	/* u32 */
	KSVC_A_TX_OPEN,		/* flag: a transaction is open */

	__KSVC_A_MAX
};
#define KSVC_A_MAX (__KSVC_A_MAX - 1)

#define KSVC_TX_F_REPLACE	(1U << 0)	/* commit replaces the table */
#define KSVC_TX_F_ALL		(KSVC_TX_F_REPLACE)

/* Service types, for display; the datapath follows the frontends. */
enum ksvc_svc_type {
	KSVC_SVC_CLUSTER_IP,
	KSVC_SVC_NODE_PORT,
	KSVC_SVC_LOAD_BALANCER,
	KSVC_SVC_EXTERNAL_NAME,	/* DNS only, never routed */
	KSVC_SVC_HEADLESS,	/* DNS only, never routed */
	__KSVC_SVC_TYPE_MAX
};
#define KSVC_SVC_TYPE_MAX (__KSVC_SVC_TYPE_MAX - 1)

/*
 * The rules the kernel keeps, and is the authority on: a request that
 * breaks one is refused with an extack message.  ksvcctl checks the
 * Kubernetes-facing ones too, to point at the manifest's line and column
 * (ctl's krule()); the selftest ctl_kernel_rules.sh sends its corpus past
 * those checks and expects the kernel to refuse every case.  Each rule
 * stands beside its attribute below; across a whole table, at commit:
 *
 *   - one service per frontend (address, port, protocol), per node port
 *     and protocol, and per cluster IP whatever its ports;
 *   - --max-services and --max-endpoints (ksvcctl config);
 *   - a service named at most once in a transaction.
 */
enum ksvc_svc_attr {
	KSVC_SVC_A_UNSPEC,
	KSVC_SVC_A_PAD,
	/* Both required, each a DNS label: 1..63 of a-z, 0-9, '-' inside. */
	KSVC_SVC_A_NAMESPACE,	/* string, 1..63 */
	KSVC_SVC_A_NAME,	/* string, 1..63 */
	KSVC_SVC_A_TYPE,	/* u8: enum ksvc_svc_type */
	KSVC_SVC_A_FLAGS,	/* u32: KSVC_SVC_F_* */
	/*
	 * At most KSVC_MAX_PORTS; no two of one number and protocol, nor of
	 * one node port and protocol; at least one when there are frontends.
	 */
	KSVC_SVC_A_PORTS,	/* nest of KSVC_SVC_A_PORT */
	KSVC_SVC_A_PORT,	/* nest: enum ksvc_port_attr */
	/*
	 * At most KSVC_MAX_FRONTENDS, none given twice; none for ExternalName
	 * and headless services (nor endpoints).
	 */
	KSVC_SVC_A_FRONTENDS,	/* nest of KSVC_SVC_A_FRONTEND */
	KSVC_SVC_A_FRONTEND,	/* nest: enum ksvc_fe_attr */
	/* At most --max-endpoints (ksvcctl config). */
	KSVC_SVC_A_ENDPOINTS,	/* nest of KSVC_SVC_A_ENDPOINT */
	KSVC_SVC_A_ENDPOINT,	/* nest: enum ksvc_ep_attr */
	/*
	 * flag: add endpoints to the service staged by this transaction (a
	 * service whose endpoints span several messages)
	 */
	KSVC_SVC_A_APPEND,
	KSVC_SVC_A_EXTERNAL_NAME, /* string: for display */
	KSVC_SVC_A_STATS,	/* nest: enum ksvc_stats_attr (dump only) */
	KSVC_SVC_A_ALGO,	/* u8: enum ksvc_algo */
	KSVC_SVC_A_AFFINITY_TIMEOUT, /* u32: seconds, 1..86400 (ClientIP) */
	KSVC_SVC_A_SOURCE_RANGES, /* nest of KSVC_SVC_A_SOURCE_RANGE */
	KSVC_SVC_A_SOURCE_RANGE, /* nest: enum ksvc_cidr_attr */

	__KSVC_SVC_A_MAX
};
#define KSVC_SVC_A_MAX (__KSVC_SVC_A_MAX - 1)

#define KSVC_SVC_F_EXT_LOCAL	(1U << 0)	/* externalTrafficPolicy Local */
#define KSVC_SVC_F_INT_LOCAL	(1U << 1)	/* internalTrafficPolicy Local */
#define KSVC_SVC_F_AFFINITY	(1U << 2)	/* sessionAffinity ClientIP */
#define KSVC_DEFAULT_AFFINITY_TIMEOUT	10800
#define KSVC_MAX_AFFINITY_TIMEOUT	86400
#define KSVC_MAX_SOURCE_RANGES		64
#define KSVC_SVC_F_ALL		(KSVC_SVC_F_EXT_LOCAL | KSVC_SVC_F_INT_LOCAL | \
				 KSVC_SVC_F_AFFINITY)

enum ksvc_algo {
	KSVC_ALGO_RANDOM,
	KSVC_ALGO_ROUND_ROBIN,
	/*
	 * Maglev consistent hashing of the 5-tuple (the Cluster set; Local
	 * policies pick at random): the same choice on every node with the
	 * same endpoints and KSVC_CFG_A_MAGLEV_SEED
	 */
	KSVC_ALGO_MAGLEV,
	__KSVC_ALGO_MAX
};
#define KSVC_ALGO_MAX (__KSVC_ALGO_MAX - 1)

/*
 * A service port: the unit frontends and endpoints refer to (by index
 * 0..KSVC_MAX_PORTS-1, in the order the service lists them).
 */
enum ksvc_port_attr {
	KSVC_PORT_A_UNSPEC,
	KSVC_PORT_A_NAME,	/* string, 0..63 */
	KSVC_PORT_A_PROTO,	/* u8: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP */
	KSVC_PORT_A_PORT,	/* u16: service port, 1..65535 */
	KSVC_PORT_A_NODE_PORT,	/* u16: node port, 0 or absent: none */

	__KSVC_PORT_A_MAX
};
#define KSVC_PORT_A_MAX (__KSVC_PORT_A_MAX - 1)
#define KSVC_MAX_PORTS		64

/* Frontend: an address on which every port of the service is served. */
enum ksvc_fe_kind {
	KSVC_FE_CLUSTER_IP,
	KSVC_FE_EXTERNAL_IP,
	KSVC_FE_LOAD_BALANCER,
	__KSVC_FE_KIND_MAX
};
#define KSVC_FE_KIND_MAX (__KSVC_FE_KIND_MAX - 1)

enum ksvc_fe_attr {
	KSVC_FE_A_UNSPEC,
	KSVC_FE_A_KIND,		/* u8: enum ksvc_fe_kind */
	/*
	 * Exactly one of the two; unicast (not 0.0.0.0 or ::, multicast or
	 * broadcast), neither loopback nor link-local.
	 */
	KSVC_FE_A_ADDR4,	/* be32 */
	KSVC_FE_A_ADDR6,	/* 16 bytes */
	/*
	 * u8: a bit (1 << kind) for each other kind of frontend the Service
	 * gives this address, whose rules this frontend's kind overrides (a
	 * load-balancer IP equal to the cluster IP is served as the cluster
	 * IP, as kube-proxy's rule order does).  Kept and dumped, so that
	 * what the Service says is shown; the datapath does not read it.
	 */
	KSVC_FE_A_ALSO,

	__KSVC_FE_A_MAX
};
#define KSVC_FE_A_MAX (__KSVC_FE_A_MAX - 1)
#define KSVC_MAX_FRONTENDS	64

enum ksvc_ep_attr {
	KSVC_EP_A_UNSPEC,
	KSVC_EP_A_PAD,
	/* As a frontend's: one, unicast, neither loopback nor link-local. */
	KSVC_EP_A_ADDR4,	/* be32 */
	KSVC_EP_A_ADDR6,	/* 16 bytes */
	/* A port the service has (below n_ports). */
	KSVC_EP_A_PORT_INDEX,	/* u8: the service port it serves */
	KSVC_EP_A_PORT,		/* u16: target port */
	KSVC_EP_A_FLAGS,	/* u32: KSVC_EP_F_* */
	KSVC_EP_A_STATS,	/* nest: enum ksvc_stats_attr (dump only) */

	__KSVC_EP_A_MAX
};
#define KSVC_EP_A_MAX (__KSVC_EP_A_MAX - 1)

#define KSVC_EP_F_READY		(1U << 0)
#define KSVC_EP_F_SERVING	(1U << 1)
#define KSVC_EP_F_TERMINATING	(1U << 2)
#define KSVC_EP_F_LOCAL		(1U << 3)	/* on this node */
/*
 * Topology-aware routing (kube-proxy's topology.go, which the sender
 * applies): the EndpointSlice's hints give this ready endpoint to other
 * nodes or zones, so this node's traffic under the Cluster policy skips
 * it; Local policies and the terminating fallback ignore it.  The sender
 * sets it only where kube-proxy would use the hints (every ready
 * endpoint hinted, some of them for this node or its zone); on every
 * ready endpoint of a port and family, it is ignored.
 */
#define KSVC_EP_F_ELSEWHERE	(1U << 4)
#define KSVC_EP_F_ALL		(KSVC_EP_F_READY | KSVC_EP_F_SERVING | \
				 KSVC_EP_F_TERMINATING | KSVC_EP_F_LOCAL | \
				 KSVC_EP_F_ELSEWHERE)

enum ksvc_stats_attr {
	KSVC_STATS_A_UNSPEC,
	KSVC_STATS_A_PAD,
	KSVC_STATS_A_CONNS,	/* u64: new connections sent here */
	KSVC_STATS_A_REJECTS,	/* u64: new connections rejected */

	__KSVC_STATS_A_MAX
};
#define KSVC_STATS_A_MAX (__KSVC_STATS_A_MAX - 1)

enum ksvc_cfg_attr {
	KSVC_CFG_A_UNSPEC,
	KSVC_CFG_A_NODE_NAME,	/* string, 0..253 */
	/*
	 * nest of KSVC_CFG_A_ADDR4/6; empty: every local address but
	 * loopback and link-local
	 */
	KSVC_CFG_A_NODEPORT_ADDRS,
	KSVC_CFG_A_ADDR4,	/* be32 */
	KSVC_CFG_A_ADDR6,	/* 16 bytes */
	KSVC_CFG_A_DROP_INVALID, /* u8: drop forwarded ct-INVALID (default 1) */
	KSVC_CFG_A_MAX_SERVICES, /* u32 */
	KSVC_CFG_A_MAX_ENDPOINTS, /* u32 */
	/*
	 * nest of KSVC_CFG_A_CIDR: the pod CIDRs; traffic from them (or from
	 * the node itself) is in-cluster traffic (kube-proxy's detect-local)
	 */
	KSVC_CFG_A_LOCAL_CIDRS,
	KSVC_CFG_A_CIDR,	/* nest: enum ksvc_cidr_attr */
	/*
	 * u32: sessionAffinity entries (service, port, client) kept, at
	 * least 1; beyond it the least recently used entry goes
	 */
	KSVC_CFG_A_MAX_AFFINITY,
	KSVC_CFG_A_AFFINITY_ENTRIES, /* u32: entries in use (get only) */
	/*
	 * u32: TCP resets sent for services without endpoints, per second
	 * (a second's worth at once); 0: no limit
	 */
	KSVC_CFG_A_MAX_RESETS,
	/*
	 * string, 0..15: traffic arriving on an interface whose name starts
	 * with it is from a pod (kube-proxy's InterfaceNamePrefix mode); ""
	 * none.  One local-traffic detector at a time: pod CIDRs, this, or
	 * KSVC_CFG_A_LOCAL_BRIDGE.
	 */
	KSVC_CFG_A_LOCAL_IFACE_PREFIX,
	/* string, 0..15: the pods' bridge (BridgeInterface mode); "" none */
	KSVC_CFG_A_LOCAL_BRIDGE,
	/* u8: masquerade all traffic to cluster IPs (kube-proxy's masqueradeAll) */
	KSVC_CFG_A_MASQUERADE_ALL,
	/*
	 * nest of KSVC_CFG_A_CIDR: node ports answer on the node's addresses
	 * inside these prefixes (loopback aside), as kube-proxy's
	 * --nodeport-addresses; empty: every local address but loopback and
	 * link-local.  Replaces KSVC_CFG_A_NODEPORT_ADDRS, which is still
	 * taken (its addresses as full-length prefixes); get reports this.
	 */
	KSVC_CFG_A_NODEPORT_CIDRS,
	/*
	 * nest of KSVC_CFG_A_CIDR: the Service CIDRs; a new connection to an
	 * address in them that no Service holds is dropped (kube-proxy's
	 * "unallocated cluster IP"); empty: none
	 */
	KSVC_CFG_A_SERVICE_CIDRS,
	/*
	 * nest of KSVC_CFG_A_ADDR4/6, at most one of each family: the node's
	 * primary IPs (the Node object's first InternalIP, else ExternalIP,
	 * of each family, as kube-proxy's node IPs).  They decide
	 * allowFromNode for loadBalancerSourceRanges and, with
	 * KSVC_CFG_A_NODEPORT_PRIMARY, the node-port addresses; empty: none
	 */
	KSVC_CFG_A_NODE_IPS,
	/*
	 * u8: node ports answer on the node IPs only (kube-proxy's
	 * --nodeport-addresses primary); a family without a node IP keeps
	 * the default.  Not with KSVC_CFG_A_NODEPORT_CIDRS non-empty.
	 */
	KSVC_CFG_A_NODEPORT_PRIMARY,
	/*
	 * string, 0..63: the node's zone (its topology.kubernetes.io/zone
	 * label), kept for the sender, which decides topology-aware routing
	 * (KSVC_EP_F_ELSEWHERE) with it; "" none
	 */
	KSVC_CFG_A_ZONE,
	/*
	 * u8: Services' externalIPs are proxied (1, the default) or not (0:
	 * the field is deprecated, a tenant's way to capture others'
	 * traffic); kept for the sender, which then programs none
	 */
	KSVC_CFG_A_EXTERNAL_IPS,
	/*
	 * u32: the Maglev lookup table's size, a prime in 251..65521
	 * (default 16381: two bytes a slot, a table per service port and
	 * family); and u32: the seed of its hashes, the same on every node
	 * (default 0).  Neither changes while a Maglev service exists.
	 */
	KSVC_CFG_A_MAGLEV_SIZE,
	KSVC_CFG_A_MAGLEV_SEED,

	__KSVC_CFG_A_MAX
};
#define KSVC_CFG_A_MAX (__KSVC_CFG_A_MAX - 1)
#define KSVC_MAX_NODEPORT_ADDRS	64

/* An address prefix: source ranges, pod CIDRs. */
enum ksvc_cidr_attr {
	KSVC_CIDR_A_UNSPEC,
	KSVC_CIDR_A_ADDR4,	/* be32 */
	KSVC_CIDR_A_ADDR6,	/* 16 bytes */
	KSVC_CIDR_A_PREFIX,	/* u8: 0..32 or 0..128 */

	__KSVC_CIDR_A_MAX
};
#define KSVC_CIDR_A_MAX (__KSVC_CIDR_A_MAX - 1)
#define KSVC_MAX_LOCAL_CIDRS	16

#define KSVC_NAME_MAX		63	/* DNS label */
#define KSVC_NODE_NAME_MAX	253	/* DNS subdomain */

#endif /* _UAPI_LINUX_KSVC_H */
