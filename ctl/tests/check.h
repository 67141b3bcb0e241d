/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every host unit test of ctl/ shares: CHECK(cond) prints the failed
 * condition with its place and marks the current test failed.
 */
#ifndef KS_TESTS_CHECK_H
#define KS_TESTS_CHECK_H

#include <stdio.h>

static int failed;		/* the current test failed */

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("#   %s:%d: CHECK(%s) failed\n",		\
			       __FILE__, __LINE__, #cond);		\
			failed = 1;					\
		}							\
	} while (0)

#endif
