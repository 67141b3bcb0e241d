/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tables of `ksvcctl get services|endpoints` (and the summary of
 * `ksvcctl validate`): kubectl's columns, -o wide adds each endpoint.
 */
#ifndef KSVC_TABLE_H
#define KSVC_TABLE_H

#include <stdio.h>
#include "model.h"

/* wide: 0, or each endpoint on a line of its own, with its counter or not */
enum {
	KS_TABLE_WIDE = 1,
	KS_TABLE_WIDE_NO_COUNTERS = 2,	/* a state that never was in a kernel */
};

/* get's filters: namespace (all: every one) and name (NULL: any). */
int ks_table_selected(const struct ks_service *svc, const char *ns, int all,
		      const char *name);
void ks_table_services(FILE *f, const struct ks_state *st, const char *ns,
		       int all, const char *name, int headers, int wide);
void ks_table_endpoints(FILE *f, const struct ks_state *st, const char *ns,
			int all, const char *name, int headers, int wide);

#endif
