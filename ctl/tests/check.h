/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every host unit test of ctl/ shares: CHECK(cond) prints the failed
 * condition with its place and marks the current test failed; one TAP
 * runner.
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

/*
 * The TAP runner: ks_plan(N) first; each case is run by ks_run (a table)
 * or by the caller, then ks_report(name) numbers its result; ks_done()
 * prints the summary and gives the exit status.
 */
struct ks_test {
	const char *name;
	void (*fn)(void);
};

static int ks_n_done, ks_n_failed;

static inline void ks_plan(size_t n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%zu\n", n);
}

static inline void ks_report(const char *name)
{
	printf("%s %d - %s\n", failed ? "not ok" : "ok", ++ks_n_done, name);
	ks_n_failed += failed;
	failed = 0;
}

static inline void ks_run(const struct ks_test *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		failed = 0;
		t[i].fn();
		ks_report(t[i].name);
	}
}

static inline int ks_done(void)
{
	printf("# %d passed, %d failed\n", ks_n_done - ks_n_failed, ks_n_failed);
	return ks_n_failed ? 1 : 0;
}

#endif
