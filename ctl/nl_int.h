/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside ctl's netlink layer: what nl.c, nl_svc.c and nl_config.c share.
 * Only they include it; everyone else uses nl.h.
 */
#ifndef KSVC_NL_INT_H
#define KSVC_NL_INT_H

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include "nl.h"

struct ks_nl {
	struct nl_sock *sk;
	int family;
	int err;		/* errno from the last NLMSG_ERROR */
	char errmsg[256];	/* its extack message */
};

/* Strict validation wants NLA_F_NESTED on every nest. */
struct nlattr *ks_nl_nest(struct nl_msg *msg, int type);
int ks_nl_put_addr(struct nl_msg *msg, int a4, int a6, const struct ks_addr *addr);
/* A list of prefixes; an empty one is kept (a setting: "none"). */
int ks_nl_put_cidrs(struct nl_msg *msg, int list_type, int type,
		    const struct ks_cidr *c, size_t n);
void ks_nl_get_addr(struct nlattr *a4, struct nlattr *a6, struct ks_addr *addr);
void ks_nl_get_cidr(struct nlattr *nest, struct ks_cidr *c);

#endif
