// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ksvcctl's parser: every input is read as one file,
 * built twice (all-or-nothing and --skip-invalid), and the state printed
 * back as YAML and read again, which must give no error (the output is
 * apply's input).  Built and run by `make -C ctl fuzz` (clang,
 * -fsanitize=fuzzer,address), seeded with ctl/corpus and ctl/tests/data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "out.h"
#include "parse.h"

static FILE *devnull;

static void build(const uint8_t *data, size_t size, int skip,
		  struct ks_state *st)
{
	struct ks_parse_opts o = { .node_name = "node-1", .skip_invalid = skip,
				   .verbose = 1, .log = devnull };
	struct ks_input *in = ks_input_new();
	struct ks_errors errs;

	ks_errors_init(&errs);
	ks_state_init(st);
	ks_input_add_buffer(in, "fuzz.yaml", (const char *)data, size, &errs);
	ks_input_build(in, &o, st, &errs);
	ks_errors_print(&errs, devnull);
	ks_errors_free(&errs);
	ks_input_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_out_opts oo = { .what = KS_OUT_SERVICES | KS_OUT_SLICES,
				  .node_name = "node-1" };
	struct ks_state st, back;
	char *buf;
	size_t len;
	FILE *f;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	build(data, size, 0, &st);
	ks_state_free(&st);
	build(data, size, 1, &st);
	/* What was accepted must print as input apply accepts. */
	f = open_memstream(&buf, &len);
	if (!f)
		abort();
	ks_out_list(f, &st, &oo);
	fclose(f);
	build((const uint8_t *)buf, len, 0, &back);
	if (back.n_svcs != st.n_svcs) {
		fprintf(stderr, "round trip: %zu services, then %zu\n%s",
			st.n_svcs, back.n_svcs, buf);
		abort();
	}
	free(buf);
	ks_state_free(&back);
	ks_state_free(&st);
	return 0;
}
