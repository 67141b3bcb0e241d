/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KSVC_H
#define _KSVC_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>

#include <linux/ksvc.h>

#include "compat.h"

#ifndef KSVC_VERSION
#define KSVC_VERSION "0.0.0"
#endif

/* Per network namespace state. */
struct ksvc_net {
	struct net *net;
	/* Serialises every change to this namespace's tables. */
	struct mutex lock;
	u64 generation;
};

extern unsigned int ksvc_net_id;

static inline struct ksvc_net *ksvc_pernet(struct net *net)
{
	return net_generic(net, ksvc_net_id);
}

int ksvc_genl_init(void);
void ksvc_genl_exit(void);

#endif /* _KSVC_H */
