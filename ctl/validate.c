// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl validate: apply's verdict on an input, without the kernel.
 */
#include <stdio.h>

#include "nl.h"
#include "table.h"
#include "validate.h"

int ks_validate(struct ks_input *in, const struct ks_validate_opts *o,
		struct ks_errors *errs, FILE *out, FILE *err)
{
	struct ks_state want;
	size_t i, eps = 0;
	int n, ret = KS_EXIT_OK;

	ks_state_init(&want);
	n = ks_input_build(in, &o->parse, &want, errs);
	ks_errors_print(errs, err);
	if (n < 0) {
		fprintf(err, "ksvcctl: validate: out of memory\n");
		return KS_EXIT_ERROR;
	}
	if (n > 0 && !o->parse.skip_invalid) {
		fprintf(err, "ksvcctl: validate: %d error%s: apply would apply nothing\n",
			n, n == 1 ? "" : "s");
		ret = KS_EXIT_ERROR;
		goto out;
	}
	if (!want.n_svcs && !o->allow_empty) {
		char why[256];

		ks_input_why_empty(in, why, sizeof(why));
		fprintf(err, "ksvcctl: validate: %s; apply would refuse to delete every service (--allow-empty to mean it)\n",
			why);
		ret = KS_EXIT_ERROR;
		goto out;
	}
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
