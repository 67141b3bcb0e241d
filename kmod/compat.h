/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels ksvc supports (6.1 to 6.12), in one place.
 * Probe for features here; the rest of the code stays free of version
 * checks.
 */
#ifndef _KSVC_COMPAT_H
#define _KSVC_COMPAT_H

#include <linux/version.h>
#include <linux/netlink.h>
#include <net/netns/generic.h>

/*
 * Formatted extack messages live in the request's own extack
 * (NL_SET_ERR_MSG_FMT_MOD, after 6.1), never in memory shared between
 * requests: the ACK that carries a message is built after the handler
 * returns, while other requests run in parallel (parallel_ops, one lock
 * per namespace).  NETLINK_MAX_FMTMSG_LEN is 80 with the "ksvc: "
 * prefix and the NUL, so formats leave out what the requester knows.
 * Without it, the constant text.  Call sites give both, e.g.
 *
 *	KSVC_ERR_FMT(extack, "service does not exist",
 *		     "service %s/%s does not exist", ns, name);
 *
 * (no_printk keeps the format and its arguments checked on every kernel,
 * BUILD_BUG_ON the constant text.)
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define KSVC_ERR_FMT(extack, msg, fmt, args...) do {			\
	BUILD_BUG_ON(sizeof(msg) <= 1);	/* the other kernels' text */	\
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##args);			\
} while (0)
#else
#define KSVC_ERR_FMT(extack, msg, fmt, args...) do {			\
	NL_SET_ERR_MSG_MOD(extack, msg);				\
	no_printk(fmt, ##args);						\
} while (0)
#endif

#endif /* _KSVC_COMPAT_H */
