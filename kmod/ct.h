/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conntrack cleanup of UDP flows (ct.c), off the namespace lock.
 */
#ifndef _KSVC_CT_H
#define _KSVC_CT_H

#include "ksvc.h"

struct ksvc_ct_job;
void ksvc_ct_note(struct ksvc_net *kn, struct ksvc_ct_job **jobp,
		  const struct ksvc_svc *old, const struct ksvc_svc *new);
void ksvc_ct_queue(struct ksvc_net *kn, struct ksvc_ct_job *job);
void ksvc_ct_wait(struct ksvc_net *kn);
void ksvc_ct_init(struct ksvc_net *kn);
void ksvc_ct_exit(struct ksvc_net *kn);

#endif /* _KSVC_CT_H */
