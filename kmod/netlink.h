/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the generic netlink family: what its files share.  netlink.c is
 * the family (operations, transactions); nl_attrs.c turns attributes into
 * ksvc structs and back (with every policy); nl_config.c the node
 * configuration and info; nl_dump.c the dump of services.
 */
#ifndef _KSVC_NETLINK_H
#define _KSVC_NETLINK_H

#include <net/genetlink.h>
#include <linux/siphash.h>
#include "ksvc.h"

/* For main.c: the family registered and gone. */
int ksvc_genl_init(void);
void ksvc_genl_exit(void);

extern struct genl_family ksvc_genl_family;
/* Keys the ids of services (kept across updates, for affinity). */
extern siphash_key_t ksvc_id_key;

extern const struct nla_policy ksvc_svc_policy[KSVC_SVC_A_MAX + 1];
extern const struct nla_policy ksvc_cfg_policy[KSVC_CFG_A_MAX + 1];
extern const struct nla_policy ksvc_none_policy[KSVC_A_MAX + 1];
extern const struct nla_policy ksvc_svc_op_policy[KSVC_A_MAX + 1];
extern const struct nla_policy ksvc_cfg_op_policy[KSVC_A_MAX + 1];
extern const struct nla_policy ksvc_tx_op_policy[KSVC_A_MAX + 1];
int ksvc_parse_addr(struct nlattr *a4, struct nlattr *a6, u8 *family,
		    union nf_inet_addr *addr,
		    struct netlink_ext_ack *extack, struct nlattr *nest);
int ksvc_parse_cidrs(struct nlattr *list, struct ksvc_cidr *out,
		     u32 max, u32 *n, struct netlink_ext_ack *extack);
int ksvc_parse_name(struct nlattr **tb, struct ksvc_name *key,
		    struct netlink_ext_ack *extack, struct nlattr *nest);
int ksvc_parse_eps(struct ksvc_svc *svc, struct nlattr *list,
		   struct netlink_ext_ack *extack);
u32 ksvc_count_nested(struct nlattr *list);
struct ksvc_svc *ksvc_parse_svc(struct nlattr **stb, struct nlattr *nest,
				u32 max_eps, struct netlink_ext_ack *extack);
int ksvc_put_addr(struct sk_buff *msg, int a4, int a6, u8 family,
		  const union nf_inet_addr *addr);
int ksvc_put_cidrs(struct sk_buff *msg, int list_type, int type,
		   const struct ksvc_cidr *c, u32 n);
int ksvc_nl_config_set(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_config_get(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_info_get(struct sk_buff *skb, struct genl_info *info);
int ksvc_nl_svc_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _KSVC_NETLINK_H */
