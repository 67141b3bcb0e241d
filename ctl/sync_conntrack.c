// SPDX-License-Identifier: GPL-2.0
/*
 * ksvcctl sync: the conntrack settings a node loses when kube-proxy goes,
 * with kube-proxy's flags and defaults (its conntrack configuration):
 * nf_conntrack_max = max(--conntrack-max-per-core x CPUs,
 * --conntrack-min), the hash table a quarter of it when smaller, and the
 * TCP established and close-wait timeouts, the UDP timeouts when given.
 * Applied once at start, each only when it differs.  Outside the initial
 * network namespace nf_conntrack_max and the hash size cannot be set:
 * that is logged and the rest applied, as kube-proxy does with a
 * read-only sysfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync.h"

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Write v to path if it holds something else: 0, or -errno. */
static int write_long(const char *path, long v)
{
	FILE *f;
	int err = 0;

	if (read_long(path) == v)
		return 0;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", v) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err)
		slog("conntrack: %s = %ld", path, v);
	return err;
}

static void set(const char *name, long v)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	err = write_long(path, v);
	if (err)
		slog("conntrack: cannot set %s to %ld: %s", name, v, strerror(-err));
}

void sync_conntrack(const struct ks_conntrack *c)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN), max = 0, hash;
	int err;

	if (c->max_per_core > 0) {
		max = c->max_per_core * (cpus > 0 ? cpus : 1);
		if (max < c->min)
			max = c->min;
	}
	if (max > 0) {
		/* As kube-proxy: the hash table first, to a quarter of the max. */
		hash = read_long("/sys/module/nf_conntrack/parameters/hashsize");
		if (hash >= 0 && hash < max / 4) {
			err = write_long("/sys/module/nf_conntrack/parameters/hashsize", max / 4);
			if (err)
				slog("conntrack: cannot set the hash size to %ld: %s (left at %ld)",
				     max / 4, strerror(-err), hash);
		}
		set("nf_conntrack_max", max);
	}
	if (c->tcp_established > 0)
		set("nf_conntrack_tcp_timeout_established", c->tcp_established);
	if (c->tcp_close_wait > 0)
		set("nf_conntrack_tcp_timeout_close_wait", c->tcp_close_wait);
	if (c->udp > 0)
		set("nf_conntrack_udp_timeout", c->udp);
	if (c->udp_stream > 0)
		set("nf_conntrack_udp_timeout_stream", c->udp_stream);
	if (c->tcp_be_liberal)
		set("nf_conntrack_tcp_be_liberal", 1);
}
