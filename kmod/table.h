/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of one namespace (table.c): services by name, and the keyed
 * entries they claim (frontends, node ports, cluster IPs) in rhashtables
 * the packet path reads under RCU.
 */
#ifndef _KSVC_TABLE_H
#define _KSVC_TABLE_H

#include "ksvc.h"

extern const struct rhashtable_params ksvc_fe_params;
extern const struct rhashtable_params ksvc_np_params;
extern const struct rhashtable_params ksvc_cip_params;
extern const struct rhashtable_params ksvc_svc_params;
struct ksvc_table *ksvc_table_new(u32 n_svcs);
void ksvc_table_free(struct ksvc_table *tbl);
struct ksvc_svc *ksvc_svc_alloc(u32 n_ports, u32 n_addrs, u32 n_eps);
int ksvc_svc_grow_eps(struct ksvc_svc *svc, u32 more);
void ksvc_svc_free(struct ksvc_svc *svc);
void ksvc_svc_finalize(struct ksvc_svc *svc);
struct ksvc_svc *ksvc_table_find(struct ksvc_table *tbl,
				 const struct ksvc_name *key);

/*
 * The keyed entries a service claims (frontends, node ports, cluster IPs),
 * each kind described for code that treats them alike.
 */
#define KSVC_KINDS 3

struct ksvc_kind {
	const struct rhashtable_params *params;
	size_t size, key_off, key_len, svc_off;
	size_t (*count)(const struct ksvc_svc *svc);
	void *(*entry)(struct ksvc_svc *svc, u32 i);
};

extern const struct ksvc_kind ksvc_kinds[KSVC_KINDS];
const void *ksvc_entry_key(const struct ksvc_kind *kd, const void *e);
struct ksvc_svc **ksvc_entry_svc(const struct ksvc_kind *kd, void *e);
/* Under RCU, or with the lock held. */
void *ksvc_entry_lookup(struct ksvc_table *tbl, int k, const void *key);

/* Mutators: each asserts the namespace's lock (lock) is held. */
int ksvc_entry_insert(struct ksvc_table *tbl, int k, void *e, struct mutex *lock);
void ksvc_entry_remove(struct ksvc_table *tbl, int k, void *e, struct mutex *lock);
void ksvc_entry_replace(struct ksvc_table *tbl, int k, void *cur,
			void *e, struct mutex *lock);
int ksvc_name_insert(struct ksvc_table *tbl,
		     struct ksvc_svc *svc, struct mutex *lock);
void ksvc_name_remove(struct ksvc_table *tbl,
		      struct ksvc_svc *svc, struct mutex *lock);
void ksvc_table_link(struct ksvc_table *tbl,
		     struct ksvc_svc *svc, struct mutex *lock);
void ksvc_table_swap(struct ksvc_table *tbl, struct ksvc_svc *old,
		     struct ksvc_svc *new, struct mutex *lock);
void ksvc_table_unlink(struct ksvc_table *tbl,
		       struct ksvc_svc *old, struct mutex *lock);
void ksvc_table_count(struct ksvc_table *tbl, s64 d_svcs,
		      s64 d_eps, struct mutex *lock);

#endif /* _KSVC_TABLE_H */
