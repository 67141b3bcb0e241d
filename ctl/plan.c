// SPDX-License-Identifier: GPL-2.0
/*
 * The planner.  Both states are sorted by namespace/name, so one merge
 * walk finds what to add, change and delete: O(n), whatever n is.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static int push(const struct ks_service ***v, size_t *n, size_t *cap,
		const struct ks_service *svc)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		const struct ks_service **nv = realloc(*v, c * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = svc;
	return 0;
}

int ks_plan_make(const struct ks_state *want, const struct ks_state *have,
		 int prune, struct ks_plan *plan)
{
	size_t i = 0, j = 0, ca = 0, cc = 0, cd = 0;
	int err = 0;

	memset(plan, 0, sizeof(*plan));
	while (!err && (i < want->n_svcs || j < have->n_svcs)) {
		const struct ks_service *w = i < want->n_svcs ? &want->svcs[i] : NULL;
		const struct ks_service *h = j < have->n_svcs ? &have->svcs[j] : NULL;
		int r;

		if (!w)
			r = 1;
		else if (!h)
			r = -1;
		else {
			r = strcmp(w->ns, h->ns);
			if (!r)
				r = strcmp(w->name, h->name);
		}
		if (r < 0) {
			err = push(&plan->add, &plan->n_add, &ca, w);
			i++;
		} else if (r > 0) {
			if (prune)
				err = push(&plan->del, &plan->n_del, &cd, h);
			j++;
		} else {
			if (ks_service_cmp(w, h))
				err = push(&plan->change, &plan->n_change, &cc, w);
			else
				plan->n_same++;
			i++;
			j++;
		}
	}
	if (err) {
		ks_plan_free(plan);
		return -1;
	}
	return 0;
}

void ks_plan_free(struct ks_plan *plan)
{
	free(plan->add);
	free(plan->change);
	free(plan->del);
	memset(plan, 0, sizeof(*plan));
}

void ks_plan_print(const struct ks_plan *plan, FILE *f)
{
	size_t i;

	for (i = 0; i < plan->n_del; i++)
		fprintf(f, "- service %s/%s\n", plan->del[i]->ns, plan->del[i]->name);
	for (i = 0; i < plan->n_change; i++)
		fprintf(f, "~ service %s/%s\n", plan->change[i]->ns,
			plan->change[i]->name);
	for (i = 0; i < plan->n_add; i++)
		fprintf(f, "+ service %s/%s\n", plan->add[i]->ns, plan->add[i]->name);
	fprintf(f, "%zu to add, %zu to change, %zu to delete, %zu unchanged\n",
		plan->n_add, plan->n_change, plan->n_del, plan->n_same);
}
