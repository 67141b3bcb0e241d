/* SPDX-License-Identifier: GPL-2.0 */
/* ksvcctl's only door to the kernel: the ksvc generic netlink family. */
#ifndef KSVC_NL_H
#define KSVC_NL_H

#include <stdint.h>
#include "model.h"

/* Exit codes, documented in ksvcctl(8). */
enum {
	KS_EXIT_OK = 0,
	KS_EXIT_ERROR = 1,	/* bad input, kernel refused, ... */
	KS_EXIT_USAGE = 2,
	KS_EXIT_NOMODULE = 3,	/* the ksvc module is not loaded */
	KS_EXIT_PERM = 4,	/* not allowed (CAP_NET_ADMIN needed) */
	KS_EXIT_PARTIAL = 5,	/* --skip-invalid skipped some objects */
};

struct ks_nl;

struct ks_info {
	char version[64];
	uint32_t proto_version;
	uint64_t generation;
	uint32_t n_services, n_endpoints;
	int tx_open;
};

/*
 * Every function returns 0 or a negative errno; the kernel's extack message
 * (if any) is kept and can be read with ks_nl_errmsg().
 */
int ks_nl_open(struct ks_nl **nlp);
void ks_nl_close(struct ks_nl *nl);
const char *ks_nl_errmsg(const struct ks_nl *nl);
int ks_nl_info(struct ks_nl *nl, struct ks_info *info);
/* Print a one-line diagnostic for err and map it to an exit code. */
int ks_nl_report(const struct ks_nl *nl, const char *what, int err);

#endif
