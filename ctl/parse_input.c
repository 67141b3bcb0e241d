// SPDX-License-Identifier: GPL-2.0
/*
 * The input: its sources and the compact records kept of the objects
 * (Services, EndpointSlices, Endpoints, Pods), which outlive the trees.
 */
#include "parse_int.h"

struct ks_input *ks_input_new(void)
{
	struct ks_input *in = xmalloc(sizeof(*in));

	memset(in, 0, sizeof(*in));
	return in;
}

void ks_input_defer_kernel_rules(struct ks_input *in)
{
	in->defer_kernel_rules = 1;
}

/* Drop the notes that document doc added (the last ones). */
void notes_drop(struct ks_input *in, uint32_t doc)
{
	while (in->n_notes && in->notes[in->n_notes - 1].doc == doc)
		free(in->notes[--in->n_notes].text);
}

void ks_input_free(struct ks_input *in)
{
	size_t i;

	if (!in)
		return;
	for (i = 0; i < in->n_files; i++)
		free(in->files[i]);
	free(in->files);
	free(in->svcs);
	free(in->slices);
	free(in->eps);
	free(in->pods);
	free(in->nodes);
	for (i = 0; i < in->n_notes; i++)
		free(in->notes[i].text);
	free(in->notes);
	arena_free(&in->rec);
	free(in);
}
