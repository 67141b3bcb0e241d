/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions applied (commit.c): a batch of changes checked and made
 * room for first, then published without a way to fail.
 */
#ifndef _KSVC_COMMIT_H
#define _KSVC_COMMIT_H

#include "ksvc.h"

int ksvc_commit(struct ksvc_net *kn, struct list_head *changes, bool replace,
		struct netlink_ext_ack *extack);
void ksvc_tx_free(struct ksvc_tx *tx);
int ksvc_net_flush(struct ksvc_net *kn, struct netlink_ext_ack *extack);

#endif /* _KSVC_COMMIT_H */
