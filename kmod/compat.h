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
 * Formatted extack messages: NL_SET_ERR_MSG_FMT_MOD arrived after 6.1 and
 * truncates at 80 bytes.  ksvc formats into one of a ring of static
 * buffers instead, on every kernel: the ACK that carries the message is
 * built before the request returns to netlink_rcv_skb, long before the
 * ring comes round again, and the last byte of each buffer is never
 * written, so a reader always finds the end of the string.
 */
#define KSVC_ERRBUF_LEN 256
char *ksvc_errbuf(void);
#define KSVC_ERR_FMT(extack, fmt, args...) do {				\
	struct netlink_ext_ack *__ext = (extack);			\
	if (__ext) {							\
		char *__buf = ksvc_errbuf();				\
		snprintf(__buf, KSVC_ERRBUF_LEN - 1,			\
			 KBUILD_MODNAME ": " fmt, ##args);		\
		__ext->_msg = __buf;					\
	}								\
} while (0)

#endif /* _KSVC_COMPAT_H */
