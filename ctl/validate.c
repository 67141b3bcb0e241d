// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl validate: apply's verdict on an input, without the kernel.
 */
#include <stdio.h>

#include "nl.h"
#include "table.h"
#include "validate.h"

int ks_input_check(struct ks_input *in, const struct ks_parse_opts *po,
		   struct ks_state *want, struct ks_errors *errs, FILE *err,
		   const char *cmd, const char *nothing, int err_status,
		   const char *empty, int *n_invalid)
{
	int n = ks_input_build(in, po, want, errs);

	*n_invalid = n > 0 ? n : 0;
	ks_errors_print(errs, err);
	if (n < 0) {
		fprintf(err, "ksvcctl: %s: out of memory\n", cmd);
		return KS_EXIT_ERROR;
	}
	if (n > 0 && !po->skip_invalid) {
		fprintf(err, "ksvcctl: %s: %d error%s: %s\n", cmd, n,
			n == 1 ? "" : "s", nothing);
		return err_status;
	}
	if (!want->n_svcs && empty) {
		char why[256];

		ks_input_why_empty(in, why, sizeof(why));
		fprintf(err, "ksvcctl: %s: %s; %s\n", cmd, why, empty);
		return KS_EXIT_ERROR;
	}
	return KS_EXIT_OK;
}

int ks_validate(struct ks_input *in, const struct ks_validate_opts *o,
		struct ks_errors *errs, FILE *out, FILE *err)
{
	struct ks_state want;
	size_t i, eps = 0;
	int n, ret;

	ks_state_init(&want);
	ret = ks_input_check(in, &o->parse, &want, errs, err, "validate",
			     "apply would apply nothing", KS_EXIT_ERROR,
			     o->allow_empty ? NULL :
			     "apply would refuse to delete every service (--allow-empty to mean it)",
			     &n);
	if (ret)
		goto out;
	for (i = 0; i < want.n_svcs; i++)
		eps += want.svcs[i].n_eps;
	if (!o->quiet) {
		ks_table_services(out, &want, NULL, 1, NULL, 1,
				  KS_TABLE_WIDE_NO_COUNTERS);
		fprintf(out, "%zu service%s, %zu endpoint%s: valid\n",
			want.n_svcs, want.n_svcs == 1 ? "" : "s",
			eps, eps == 1 ? "" : "s");
	}
	if (n > 0) {
		fprintf(err, "ksvcctl: validate: %d invalid object%s would be skipped\n",
			n, n == 1 ? "" : "s");
		ret = KS_EXIT_PARTIAL;
	}
out:
	ks_state_free(&want);
	return ret;
}
