/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvc's shared types: a service and its entries, the table, the node
 * configuration and the per-namespace state; each .c file's functions are
 * in its own header (table.h, commit.h, select.h, nat.h, ...).
 *
 * Lifetime in one paragraph: a service (struct ksvc_svc) is immutable once
 * published, except for its counters.  Its frontends, node ports and name
 * are entries in the namespace's table (struct ksvc_table, three
 * rhashtables).  A change builds a new service off to the side and swaps
 * its entries in (rhashtable_replace_fast), so a packet sees the old
 * service or the new one, never a mix; the old one is freed by call_rcu.
 * A whole-table replace builds a new table and swaps the table pointer.
 * Every change is made under ksvc_net.lock; the packet path only reads,
 * under RCU.
 */
#ifndef _KSVC_H
#define _KSVC_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include <linux/ksvc.h>

#include "compat.h"

#ifndef KSVC_VERSION
#define KSVC_VERSION "0.0.0"
#endif

#define KSVC_DEFAULT_MAX_SERVICES	BIT(20)
#define KSVC_DEFAULT_MAX_ENDPOINTS	BIT(24)
/* About 128 bytes each: 8 MiB per namespace at most. */
#define KSVC_DEFAULT_MAX_AFFINITY	BIT(16)
#define KSVC_DEFAULT_MAX_RESETS		1000	/* per second */

struct ksvc_name {
	char ns[KSVC_NAME_MAX + 1];
	char name[KSVC_NAME_MAX + 1];
};

/* (family, address, port, protocol) of a frontend; zero-padded. */
struct ksvc_fe_key {
	union nf_inet_addr addr;
	__be16 port;
	u8 proto;
	u8 family;
};

/* A cluster IP, whatever its ports (cluster-IP addresses, table.c). */
struct ksvc_cip_key {
	union nf_inet_addr addr;
	u8 family;
	u8 pad[3];
};

struct ksvc_np_key {
	__be16 port;
	u8 proto;
	u8 pad;
};

struct ksvc_svc;
struct ksvc_ctrs;

struct ksvc_fe {
	struct rhash_head node;
	struct ksvc_fe_key key;
	struct ksvc_svc *svc;
	u8 port_index;
	u8 kind;		/* enum ksvc_fe_kind */
	u8 also;		/* KSVC_FE_A_ALSO: shown, never routed on */
};

struct ksvc_np {
	struct rhash_head node;
	struct ksvc_np_key key;
	struct ksvc_svc *svc;
	u8 port_index;
};

struct ksvc_cip {
	struct rhash_head node;
	struct ksvc_cip_key key;
	struct ksvc_svc *svc;
};

struct ksvc_ep {
	union nf_inet_addr addr;
	__be16 port;
	u8 family;
	u8 port_index;
	u32 flags;		/* KSVC_EP_F_* */
};

/*
 * The endpoints of one service port in one address family: a slice of the
 * service's sorted endpoint array.  [start, start + n_ready) are ready:
 * this node's first (n_ready_local; of them, the n_ready_away ones hinted
 * elsewhere first), then the others (those hinted elsewhere last), so that
 * both the Local set and the Cluster set under topology hints
 * (n_ready_here, from start + n_ready_away) are one slice each; then
 * n_fallback serving-and-terminating ones (used only when none is ready),
 * this node's first; then the rest.
 */
struct ksvc_range {
	u32 start;
	u32 n_ready, n_ready_local;
	u32 n_ready_away, n_ready_here;
	u32 n_fallback, n_fallback_local;
};

struct ksvc_port {
	char name[KSVC_NAME_MAX + 1];
	u8 proto;
	__be16 port;
	__be16 node_port;	/* 0: none */
	struct ksvc_range fam[2];	/* [0] IPv4, [1] IPv6 */
	atomic_t rr[2][2];	/* round-robin cursors: [family][local only] */
	u16 *mag[2];		/* Maglev tables per family (in svc->mag) or NULL */
};

static inline int ksvc_fam(u8 family)
{
	return family == AF_INET6;
}

/* An address prefix, the address already masked. */
struct ksvc_cidr {
	union nf_inet_addr addr;
	u8 family;
	u8 prefix;
};

struct ksvc_svc {
	struct rhash_head node;		/* in ksvc_table.svcs, by name */
	struct list_head list;		/* ksvc_table.list, for dumps */
	struct ksvc_name key;
	u64 id;				/* a keyed hash of the name: the same across updates */
	u8 type;
	u8 algo;
	u8 np_families;			/* BIT(ksvc_fam()) of its cluster IPs */
	u32 flags;
	u32 affinity_timeout;		/* seconds */
	char *external_name;
	struct ksvc_cidr *ranges;	/* loadBalancerSourceRanges */
	u32 n_ranges;
	u32 n_ports, n_fes, n_nps, n_eps, cap_eps;
	struct ksvc_port *ports;
	struct ksvc_fe *fes;		/* n_addrs x n_ports */
	struct ksvc_np *nps;
	struct ksvc_cip *cips;		/* its cluster IPs (finalize), n_cips */
	u32 n_cips;
	struct ksvc_ep *eps;
	struct ksvc_ctrs *ctrs;		/* KSVC_CTR_EP(cap_eps) of them */
	u16 *mag;			/* Maglev: the ports' tables (maglev.c) */
	u32 mag_m;			/* ... of mag_m slots each */
	siphash_key_t mag_key;		/* the flows' hash key, from the seed */
	bool published;			/* entries are in a table */
	struct rcu_head rcu;
};

struct ksvc_table {
	struct rhashtable fes;
	struct rhashtable nps;
	struct rhashtable cips;		/* cluster IPs: a port none serves */
	struct rhashtable svcs;
	struct list_head list;
	u32 n_svcs;
	u32 n_eps;
	struct rcu_head rcu;
};

/* Node configuration; replaced whole, read under RCU. */
struct ksvc_cfg {
	char node_name[KSVC_NODE_NAME_MAX + 1];
	char zone[KSVC_NAME_MAX + 1];	/* for the sender; unused here */
	bool external_ips;		/* for the sender; unused here */
	u32 maglev_size, maglev_seed;
	u32 n_np_cidrs;			/* node-port address prefixes */
	struct ksvc_cidr np_cidrs[KSVC_MAX_NODEPORT_ADDRS];
	u8 np_cidr_fams;		/* BIT(ksvc_fam()) of np_cidrs' families */
	bool np_primary;		/* node ports on the node IPs only */
	u8 node_ip_fams;		/* BIT(ksvc_fam()) of the node IPs set */
	union nf_inet_addr node_ip[2];	/* the primary node IP per family */
	u32 n_local_cidrs;
	struct ksvc_cidr local_cidrs[KSVC_MAX_LOCAL_CIDRS];
	u32 n_svc_cidrs;		/* the Service CIDRs */
	struct ksvc_cidr svc_cidrs[KSVC_MAX_LOCAL_CIDRS];
	char local_prefix[IFNAMSIZ];	/* "": no interface-prefix detector */
	u8 local_prefix_len;		/* strlen(local_prefix), set with it */
	char local_bridge[IFNAMSIZ];	/* "": no bridge detector */
	bool masquerade_all;
	bool drop_invalid;
	u32 max_services;
	u32 max_endpoints;
	u32 max_affinity;		/* entries, >= 1 */
	u32 max_resets;			/* TCP resets a second, 0: no limit */
	struct rcu_head rcu;
};

/* A transaction: changes staged by one socket, applied at commit. */
struct ksvc_change {
	struct list_head list;
	struct ksvc_name key;
	struct ksvc_svc *svc;		/* NULL: delete */
	struct ksvc_svc *old;		/* what it replaces, while committing */
	u32 seq;			/* its place in the batch */
};

struct ksvc_tx {
	u32 portid;
	struct sock *sk;		/* its socket: a port id is reused */
	unsigned long last_used;	/* jiffies of its last request */
	u32 flags;			/* KSVC_TX_F_* */
	struct list_head changes;
	struct ksvc_change *last;	/* the one KSVC_SVC_A_APPEND extends */
	u32 n_changes;
};

/* Per network namespace state. */
struct ksvc_net {
	struct net *net;
	/*
	 * lock serialises every change to this namespace's state: the
	 * fields below up to ct_lock are written only with it held.  The
	 * packet path reads tbl and cfg under RCU; the netlink notifier
	 * peeks at tx with READ_ONCE before taking the lock.
	 */
	struct mutex lock;
	struct ksvc_table __rcu *tbl;	/* NULL until first configured */
	struct ksvc_cfg __rcu *cfg;	/* NULL: ksvc_cfg_defaults */
	struct ksvc_tx *tx;		/* the open transaction, if any */
	u64 generation;			/* bumped by every change; dumps check it */
	bool hooks_on;			/* nat.c's hooks registered here */
	/*
	 * ct_lock (_bh) guards ct_jobs and ct_all: commits queue UDP flows
	 * to clean, the work item (ct.c) takes them, off the main lock.
	 */
	spinlock_t ct_lock;
	struct list_head ct_jobs;
	bool ct_all;
	struct work_struct ct_work;
	/* ClientIP affinity: (service, port, client) -> endpoint. */
	struct rhashtable aff;
	/*
	 * aff_lock (_bh: LOCAL_OUT runs with softirqs on) guards every
	 * insertion into and removal from aff, with aff_lru and aff_count;
	 * lookups take no lock, they run under RCU.  aff_on: set up with
	 * the hooks (under lock), torn down after them.
	 */
	spinlock_t aff_lock;
	struct list_head aff_lru;	/* least recently used first */
	u32 aff_count;
	bool aff_on;
	struct delayed_work aff_gc;
	/*
	 * TCP resets: when the limit is back to a full second (ns; nat.c);
	 * lock-free, updated with cmpxchg from the packet path.
	 */
	atomic64_t reset_tat;
};

extern unsigned int ksvc_net_id;

static inline struct ksvc_net *ksvc_pernet(struct net *net)
{
	return net_generic(net, ksvc_net_id);
}

/* main.c */
extern const struct ksvc_cfg ksvc_cfg_defaults;
int ksvc_net_activate(struct ksvc_net *kn);

/* The configuration in force, on the packet path: under RCU. */
static inline const struct ksvc_cfg *ksvc_cfg_rcu(struct ksvc_net *kn)
{
	const struct ksvc_cfg *cfg = rcu_dereference(kn->cfg);

	return cfg ? cfg : &ksvc_cfg_defaults;
}

/* The configuration in force; call with kn->lock held. */
static inline const struct ksvc_cfg *ksvc_cfg(struct ksvc_net *kn)
{
	const struct ksvc_cfg *cfg;

	cfg = rcu_dereference_protected(kn->cfg, lockdep_is_held(&kn->lock));
	return cfg ? cfg : &ksvc_cfg_defaults;
}

#endif /* _KSVC_H */
