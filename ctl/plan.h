/* SPDX-License-Identifier: GPL-2.0 */
/* The planner: what to change so that the kernel holds the desired state. */
#ifndef KSVC_PLAN_H
#define KSVC_PLAN_H

#include <stdio.h>
#include "model.h"

struct ks_plan {
	const struct ks_service **add;		/* new services */
	size_t n_add;
	const struct ks_service **change;	/* differing services */
	size_t n_change;
	const struct ks_service **del;		/* in the kernel only */
	size_t n_del;
	size_t n_same;
};

/*
 * Compare want with have (both sorted, ks_state_sort) in one merge walk.
 * With prune == 0, services absent from want are kept.  -1: out of memory.
 * The plan points into want and have.
 */
int ks_plan_make(const struct ks_state *want, const struct ks_state *have,
		 int prune, struct ks_plan *plan);
void ks_plan_free(struct ks_plan *plan);
static inline size_t ks_plan_size(const struct ks_plan *p)
{
	return p->n_add + p->n_change + p->n_del;
}
/* "+ ns/name", "~ ns/name", "- ns/name", one per line, and a summary. */
void ks_plan_print(const struct ks_plan *plan, FILE *f);
/*
 * The same, with what differs in each changed service (have: the state
 * the plan was made against): type, flags, external name, ports,
 * frontends, endpoints ("+" what apply adds, "-" what it removes).
 */
void ks_plan_print_diff(const struct ks_plan *plan, const struct ks_state *have,
			FILE *f);

#endif
