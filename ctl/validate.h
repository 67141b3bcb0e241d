/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl validate: every check of apply that does not need the kernel
 * (parsing, each object's fields, the checks across objects, the join of
 * Services with their endpoints), and a summary of what apply would
 * program, as `get services -A -o wide` shows it.  No netlink: it runs on
 * a machine without the module, in a CI pipeline or on a laptop.
 */
#ifndef KSVC_VALIDATE_H
#define KSVC_VALIDATE_H

#include <stdio.h>
#include "parse.h"

struct ks_validate_opts {
	struct ks_parse_opts parse;	/* node_name, skip_invalid, verbose */
	int allow_empty;		/* as apply --allow-empty */
	int quiet;			/* the verdict only, no summary */
};

/*
 * Build in into want as apply does, print the errors to err, then refuse
 * what apply refuses, each refusal said as "ksvcctl: CMD: ...": errors
 * without skip_invalid ("N errors: " then nothing, e.g. "nothing was
 * applied"; the status err_status), and, when empty is not NULL, an input
 * without any Service ("<why>; " then empty).  0 to go on, else the exit
 * status.  *n_invalid: the objects skipped.
 */
int ks_input_check(struct ks_input *in, const struct ks_parse_opts *po,
		   struct ks_state *want, struct ks_errors *errs, FILE *err,
		   const char *cmd, const char *nothing, int err_status,
		   const char *empty, int *n_invalid);

/*
 * Build in (every file already added, errors of reading them in errs) and
 * say what apply would: the errors on err, then the summary on out.
 * Returns apply's exit status for the same input: KS_EXIT_OK, or
 * KS_EXIT_ERROR (invalid input, or no Service without allow_empty), or
 * KS_EXIT_PARTIAL (skip_invalid skipped some objects).
 */
int ks_validate(struct ks_input *in, const struct ks_validate_opts *o,
		struct ks_errors *errs, FILE *out, FILE *err);

#endif
