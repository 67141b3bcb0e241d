/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels ksvc supports (6.1 to 6.12), in one place.
 * Probe for features by version here; the rest of the code stays free of
 * version checks.
 */
#ifndef _KSVC_COMPAT_H
#define _KSVC_COMPAT_H

#include <linux/version.h>
#include <net/netns/generic.h>

#endif /* _KSVC_COMPAT_H */
