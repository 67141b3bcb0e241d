/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-module self-tests (selftest.c), run at load with ksvc.selftest=1.
 */
#ifndef _KSVC_SELFTEST_H
#define _KSVC_SELFTEST_H

#include "ksvc.h"

int ksvc_selftest(void);

#endif /* _KSVC_SELFTEST_H */
