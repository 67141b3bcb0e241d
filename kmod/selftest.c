// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of ksvc's pure functions, run at load when ksvc.selftest=1
 * (the debug kernel's VM runs set it on the kernel command line), as
 * WireGuard tests its allowed-IPs trie at load: the order of a Service's
 * endpoints and its per-port, per-family ranges; the usable set with its
 * fallback to serving-and-terminating endpoints, the local subset and
 * topology hints; Maglev's tables and picks; the
 * picks of both algorithms; CIDR matching; the per-CPU counter chunks; the
 * masquerade hint DNAT leaves for POSTROUTING.  A
 * failure says which check, and refuses the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet.h>
#include <linux/module.h>
#include "selftest.h"
#include "addr.h"
#include "maglev.h"
#include "nat.h"
#include "select.h"
#include "stats.h"
#include "table.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the self-tests at load; a failure refuses it");

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			pr_err("self-test failed: %s (%s:%d)\n", #cond,	\
			       __FILE__, __LINE__);			\
			ok = false;					\
		}							\
	} while (0)

static void ep4(struct ksvc_ep *ep, const char *a, u8 port_index, u32 flags)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = AF_INET;
	ep->addr.ip = in_aton(a);
	ep->port = htons(8080);
	ep->port_index = port_index;
	ep->flags = flags;
}

static bool ep_is(const struct ksvc_ep *ep, const char *a)
{
	return ep && ep->family == AF_INET && ep->addr.ip == in_aton(a);
}

#define RDY	(KSVC_EP_F_READY | KSVC_EP_F_SERVING)
#define TRM	(KSVC_EP_F_SERVING | KSVC_EP_F_TERMINATING)
#define LOC	KSVC_EP_F_LOCAL

/*
 * Port 0, IPv4: two ready (one local), two serving and terminating (one
 * local), one neither; port 0, IPv6: one ready local; port 1: one ready.
 */
static struct ksvc_svc *ksvc_test_svc(u8 algo)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(2, 1, 7);
	struct ksvc_ep *e;

	if (!svc)
		return NULL;
	e = svc->eps;
	ep4(&e[0], "10.0.0.5", 0, RDY);
	ep4(&e[1], "10.0.0.1", 0, 0);
	ep4(&e[2], "10.0.1.1", 1, RDY);
	ep4(&e[3], "10.0.0.2", 0, TRM);
	ep4(&e[4], "10.0.0.3", 0, RDY | LOC);
	ep4(&e[5], "10.0.0.4", 0, TRM | LOC);
	memset(&e[6], 0, sizeof(e[6]));
	e[6].family = AF_INET6;
	e[6].addr.in6.s6_addr[0] = 0xfd;
	e[6].addr.in6.s6_addr[15] = 1;
	e[6].port = htons(8080);
	e[6].flags = RDY | LOC;
	svc->n_eps = 7;
	svc->algo = algo;
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = htons(80);
	svc->ports[1].proto = IPPROTO_TCP;
	svc->ports[1].port = htons(81);
	ksvc_svc_finalize(svc);
	return svc;
}

static bool ksvc_test_order(void)
{
	struct ksvc_svc *svc = ksvc_test_svc(KSVC_ALGO_RANDOM);
	const struct ksvc_range *r;
	const struct ksvc_ep *ep;
	bool ok = true;
	u32 first, n, i;

	if (!svc)
		return false;
	/* Ready first, this node's first; then the fallback; then the rest. */
	CHECK(ep_is(&svc->eps[0], "10.0.0.3"));
	CHECK(ep_is(&svc->eps[1], "10.0.0.5"));
	CHECK(ep_is(&svc->eps[2], "10.0.0.4"));
	CHECK(ep_is(&svc->eps[3], "10.0.0.2"));
	CHECK(ep_is(&svc->eps[4], "10.0.0.1"));
	CHECK(svc->eps[5].family == AF_INET6);
	CHECK(ep_is(&svc->eps[6], "10.0.1.1"));
	r = &svc->ports[0].fam[0];
	CHECK(r->start == 0 && r->n_ready == 2 && r->n_ready_local == 1 &&
	      r->n_fallback == 2 && r->n_fallback_local == 1);
	r = &svc->ports[0].fam[1];
	CHECK(r->start == 5 && r->n_ready == 1 && r->n_ready_local == 1 &&
	      !r->n_fallback);
	r = &svc->ports[1].fam[0];
	CHECK(r->start == 6 && r->n_ready == 1 && !r->n_ready_local);
	CHECK(!svc->ports[1].fam[1].n_ready);

	/* The usable set: the ready ones, or the local ready ones. */
	n = ksvc_usable(svc, 0, AF_INET, false, &first);
	CHECK(n == 2 && first == 0);
	n = ksvc_usable(svc, 0, AF_INET, true, &first);
	CHECK(n == 1 && first == 0);
	n = ksvc_usable(svc, 1, AF_INET6, false, &first);
	CHECK(n == 0);
	for (i = 0; i < 64; i++) {
		ep = ksvc_pick(svc, 0, AF_INET, false, NULL);
		CHECK(ep_is(ep, "10.0.0.3") || ep_is(ep, "10.0.0.5"));
		CHECK(ep_is(ksvc_pick(svc, 0, AF_INET, true, NULL), "10.0.0.3"));
	}
	CHECK(!ksvc_pick(svc, 1, AF_INET6, false, NULL));
	CHECK(ep_is(ksvc_find_usable(svc, 0, AF_INET, false, &svc->eps[1].addr,
				     htons(8080)), "10.0.0.5"));
	CHECK(!ksvc_find_usable(svc, 0, AF_INET, false, &svc->eps[2].addr,
				htons(8080)));
	CHECK(!ksvc_find_usable(svc, 0, AF_INET, false, &svc->eps[1].addr,
				htons(8081)));

	/* None ready: the serving and terminating ones, this node's first. */
	svc->eps[0].flags = TRM | LOC;
	svc->eps[1].flags = 0;
	ksvc_svc_finalize(svc);
	n = ksvc_usable(svc, 0, AF_INET, false, &first);
	CHECK(n == 3 && ep_is(&svc->eps[first], "10.0.0.3"));
	n = ksvc_usable(svc, 0, AF_INET, true, &first);
	CHECK(n == 2);
	for (i = 0; i < 64; i++) {
		ep = ksvc_pick(svc, 0, AF_INET, true, NULL);
		CHECK(ep_is(ep, "10.0.0.3") || ep_is(ep, "10.0.0.4"));
	}
	ksvc_svc_free(svc);
	return ok;
}

/*
 * Topology hints: the Cluster set skips the ready endpoints hinted
 * elsewhere, the Local set and the fallback do not, and hints on every
 * ready endpoint are ignored.
 */
static bool ksvc_test_topology(void)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1, 1, 5);
	const struct ksvc_ep *ep;
	struct ksvc_ep *e;
	bool ok = true;
	u32 first, n, i;

	if (!svc)
		return false;
	e = svc->eps;
	ep4(&e[0], "10.0.0.5", 0, RDY | KSVC_EP_F_ELSEWHERE);
	ep4(&e[1], "10.0.0.4", 0, RDY);
	ep4(&e[2], "10.0.0.3", 0, RDY | LOC);
	ep4(&e[3], "10.0.0.2", 0, RDY | LOC | KSVC_EP_F_ELSEWHERE);
	ep4(&e[4], "10.0.0.1", 0, TRM | KSVC_EP_F_ELSEWHERE);
	svc->n_eps = 5;
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = htons(80);
	ksvc_svc_finalize(svc);
	CHECK(ep_is(&svc->eps[0], "10.0.0.2") && ep_is(&svc->eps[1], "10.0.0.3") &&
	      ep_is(&svc->eps[2], "10.0.0.4") && ep_is(&svc->eps[3], "10.0.0.5") &&
	      ep_is(&svc->eps[4], "10.0.0.1"));
	n = ksvc_usable(svc, 0, AF_INET, false, &first);
	CHECK(n == 2 && first == 1);
	n = ksvc_usable(svc, 0, AF_INET, true, &first);
	CHECK(n == 2 && first == 0);
	for (i = 0; i < 64; i++) {
		ep = ksvc_pick(svc, 0, AF_INET, false, NULL);
		CHECK(ep_is(ep, "10.0.0.3") || ep_is(ep, "10.0.0.4"));
	}
	CHECK(!ksvc_find_usable(svc, 0, AF_INET, false, &svc->eps[0].addr,
				htons(8080)));
	CHECK(ksvc_find_usable(svc, 0, AF_INET, true, &svc->eps[0].addr,
			       htons(8080)));
	/* Every ready endpoint hinted elsewhere: all of them. */
	for (i = 0; i < 4; i++)
		svc->eps[i].flags |= KSVC_EP_F_ELSEWHERE;
	ksvc_svc_finalize(svc);
	n = ksvc_usable(svc, 0, AF_INET, false, &first);
	CHECK(n == 4 && first == 0);
	/* None ready: the fallback, hints or not. */
	for (i = 0; i < 4; i++)
		svc->eps[i].flags = 0;
	ksvc_svc_finalize(svc);
	n = ksvc_usable(svc, 0, AF_INET, false, &first);
	CHECK(n == 1 && ep_is(&svc->eps[first], "10.0.0.1"));
	ksvc_svc_free(svc);
	return ok;
}

/* A Maglev service of n endpoints 10.0.0.1.., skipping address skip. */
static struct ksvc_svc *ksvc_test_mag(u32 n, u32 skip, u32 local, u32 m)
{
	struct ksvc_svc *svc = ksvc_svc_alloc(1, 1, n);
	char a[16];
	u32 i, k = 0;

	if (!svc)
		return NULL;
	for (i = 1; i <= n; i++) {
		if (i == skip)
			continue;
		snprintf(a, sizeof(a), "10.0.0.%u", i);
		ep4(&svc->eps[k++], a, 0, RDY | (i == local ? LOC : 0));
	}
	svc->n_eps = k;
	svc->algo = KSVC_ALGO_MAGLEV;
	svc->ports[0].proto = IPPROTO_TCP;
	svc->ports[0].port = htons(80);
	ksvc_svc_finalize(svc);
	if (ksvc_maglev_build(svc, m, 7)) {
		ksvc_svc_free(svc);
		return NULL;
	}
	return svc;
}

static __be32 ksvc_test_slot(const struct ksvc_svc *svc, u32 slot)
{
	return svc->eps[svc->ports[0].mag[0][slot]].addr.ip;
}

/*
 * Maglev: every slot taken, the endpoints' shares within one slot of each
 * other; the same table whatever the node-local order of the endpoints;
 * one endpoint of ten gone moves at most 1/10 + 2% of the slots; a pick
 * is the slot of the flow's hash, the same for the same flow.
 */
static bool ksvc_test_maglev(void)
{
	const u32 m = 16381;
	struct ksvc_svc *a = ksvc_test_mag(10, 0, 0, m);
	struct ksvc_svc *b = ksvc_test_mag(10, 0, 7, m);
	struct ksvc_svc *c = ksvc_test_mag(10, 5, 0, m);
	struct nf_conntrack_tuple t;
	u32 share[10] = {}, i, lo = m, hi = 0, moved = 0, same = 0;
	bool ok = true;

	CHECK(ksvc_maglev_size_ok(4093) && ksvc_maglev_size_ok(65521) &&
	      !ksvc_maglev_size_ok(4095) && !ksvc_maglev_size_ok(241));
	if (!a || !b || !c) {
		ok = false;
		goto out;
	}
	for (i = 0; i < m; i++) {
		u16 e = a->ports[0].mag[0][i];

		CHECK(e < 10);
		if (e < 10)
			share[e]++;
		same += ksvc_test_slot(a, i) == ksvc_test_slot(b, i);
		moved += ksvc_test_slot(a, i) != ksvc_test_slot(c, i);
	}
	for (i = 0; i < 10; i++) {
		lo = min(lo, share[i]);
		hi = max(hi, share[i]);
	}
	CHECK(hi - lo <= 1);
	CHECK(same == m);
	CHECK(moved * 100 <= m * 12);
	if (moved * 100 > m * 12 || hi - lo > 1)
		pr_err("maglev: shares %u..%u, %u of %u slots moved\n", lo, hi, moved, m);
	memset(&t, 0, sizeof(t));
	t.src.l3num = AF_INET;
	t.src.u3.ip = in_aton("192.0.2.1");
	t.dst.u3.ip = in_aton("10.96.0.1");
	t.dst.protonum = IPPROTO_TCP;
	t.dst.u.all = htons(80);
	for (i = 0; i < 64; i++) {
		const struct ksvc_ep *x, *y;

		t.src.u.all = htons(40000 + i);
		x = ksvc_pick(a, 0, AF_INET, false, &t);
		y = ksvc_pick(b, 0, AF_INET, false, &t);
		CHECK(x && y && x == ksvc_pick(a, 0, AF_INET, false, &t) &&
		      x->addr.ip == y->addr.ip);
	}
out:
	ksvc_svc_free(a);
	ksvc_svc_free(b);
	ksvc_svc_free(c);
	return ok;
}

/* Round robin: each usable endpoint in turn, the turn kept per subset. */
static bool ksvc_test_round_robin(void)
{
	struct ksvc_svc *svc = ksvc_test_svc(KSVC_ALGO_ROUND_ROBIN);
	const struct ksvc_ep *a, *b;
	bool ok = true;
	int i;

	if (!svc)
		return false;
	for (i = 0; i < 8; i++) {
		a = ksvc_pick(svc, 0, AF_INET, false, NULL);
		b = ksvc_pick(svc, 0, AF_INET, false, NULL);
		CHECK(a && b && a != b);
		CHECK(ep_is(ksvc_pick(svc, 0, AF_INET, true, NULL), "10.0.0.3"));
	}
	ksvc_svc_free(svc);
	return ok;
}

static bool ksvc_test_cidr(void)
{
	struct ksvc_cidr c = { .family = AF_INET, .prefix = 24 };
	union nf_inet_addr a = {};
	bool ok = true;

	c.addr.ip = in_aton("10.1.2.0");
	a.ip = in_aton("10.1.2.255");
	CHECK(ksvc_cidr_match(&c, AF_INET, &a));
	a.ip = in_aton("10.1.3.0");
	CHECK(!ksvc_cidr_match(&c, AF_INET, &a));
	CHECK(!ksvc_cidr_match(&c, AF_INET6, &a));
	c.prefix = 0;
	CHECK(ksvc_cidr_match(&c, AF_INET, &a));
	c.prefix = 32;
	c.addr.ip = in_aton("10.1.3.0");
	CHECK(ksvc_cidr_match(&c, AF_INET, &a));
	a.ip = in_aton("10.1.3.1");
	CHECK(!ksvc_cidr_match(&c, AF_INET, &a));

	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	c.family = AF_INET6;
	c.prefix = 8;
	c.addr.in6.s6_addr[0] = 0xfd;
	a.in6.s6_addr[0] = 0xfd;
	a.in6.s6_addr[1] = 0xff;
	a.in6.s6_addr[15] = 1;
	CHECK(ksvc_cidr_match(&c, AF_INET6, &a));
	CHECK(!ksvc_cidr_match(&c, AF_INET, &a));
	c.prefix = 9;
	CHECK(!ksvc_cidr_match(&c, AF_INET6, &a));
	c.prefix = 128;
	c.addr = a;
	CHECK(ksvc_cidr_match(&c, AF_INET6, &a));
	a.in6.s6_addr[15] = 2;
	CHECK(!ksvc_cidr_match(&c, AF_INET6, &a));
	return ok;
}

/* Counters over chunks: counted, grown without loss, carried. */
static bool ksvc_test_ctrs(void)
{
	struct ksvc_ctrs *c = ksvc_ctrs_alloc(1), *g, *d;
	bool ok = true;
	int i;

	if (!c)
		return false;
	CHECK(c->n == KSVC_CTR_EP(1));
	ksvc_ctr_inc(c, KSVC_CTR_CONNS);
	ksvc_ctr_inc(c, KSVC_CTR_EP(0));
	/* A short last chunk grows into a longer copy, then into full ones. */
	g = ksvc_ctrs_grow(c, 5);
	if (IS_ERR(g)) {
		ksvc_ctrs_free(c);
		return false;
	}
	c = g;
	CHECK(c->n == KSVC_CTR_EP(5));
	CHECK(ksvc_ctr_read(c, KSVC_CTR_EP(0)) == 1);
	ksvc_ctr_inc(c, KSVC_CTR_EP(4));
	g = ksvc_ctrs_grow(c, 2 * KSVC_CTR_CHUNK);
	if (IS_ERR(g)) {
		ksvc_ctrs_free(c);
		return false;
	}
	CHECK(g->n == KSVC_CTR_EP(2 * KSVC_CTR_CHUNK));
	for (i = 0; i < 3; i++)
		ksvc_ctr_inc(g, KSVC_CTR_EP(KSVC_CTR_CHUNK + 7));
	CHECK(ksvc_ctr_read(g, KSVC_CTR_CONNS) == 1);
	CHECK(ksvc_ctr_read(g, KSVC_CTR_EP(0)) == 1);
	CHECK(ksvc_ctr_read(g, KSVC_CTR_EP(4)) == 1);
	CHECK(ksvc_ctr_read(g, KSVC_CTR_EP(KSVC_CTR_CHUNK + 7)) == 3);
	CHECK(ksvc_ctr_read(g, KSVC_CTR_EP(2 * KSVC_CTR_CHUNK - 1)) == 0);
	d = ksvc_ctrs_alloc(8);
	if (d) {
		ksvc_ctr_carry(d, KSVC_CTR_EP(5), g, KSVC_CTR_EP(KSVC_CTR_CHUNK + 7));
		CHECK(ksvc_ctr_read(d, KSVC_CTR_EP(5)) == 3);
		ksvc_ctrs_free(d);
	} else {
		ok = false;
	}
	ksvc_ctrs_free(g);
	return ok;
}

/*
 * The hint holds one packet's decision, taken once, and only by that
 * packet with that entry (stand-ins: any aligned objects will do).
 */
static bool ksvc_test_hint(void)
{
	static struct { u64 a[2]; } skbs[2], cts[2];
	const struct sk_buff *a = (void *)&skbs[0], *b = (void *)&skbs[1];
	const struct nf_conn *x = (void *)&cts[0], *y = (void *)&cts[1];
	bool ok = true;

	preempt_disable();	/* one CPU's hint throughout */
	ksvc_hint_set(a, x, true);
	CHECK(ksvc_hint_take(a, x) == 1);
	CHECK(ksvc_hint_take(a, x) == -1);
	ksvc_hint_set(a, x, false);
	CHECK(ksvc_hint_take(b, x) == -1);
	CHECK(ksvc_hint_take(a, y) == -1);
	CHECK(ksvc_hint_take(a, x) == 0);
	ksvc_hint_set(a, x, true);
	ksvc_hint_set(b, y, false);
	CHECK(ksvc_hint_take(a, x) == -1);
	CHECK(ksvc_hint_take(b, y) == 0);
	preempt_enable();
	return ok;
}

int ksvc_selftest(void)
{
	bool ok;

	if (!selftest)
		return 0;
	ok = ksvc_test_order();
	ok &= ksvc_test_topology();
	ok &= ksvc_test_round_robin();
	ok &= ksvc_test_maglev();
	ok &= ksvc_test_cidr();
	ok &= ksvc_test_ctrs();
	ok &= ksvc_test_hint();
	if (!ok)
		return -EINVAL;
	pr_info("self-tests passed\n");
	return 0;
}
