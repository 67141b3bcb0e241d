// SPDX-License-Identifier: GPL-2.0
/*
 * ksvc_fuzz: a netlink fuzzer for the ksvc family.
 *
 *   ksvc_fuzz [-t THREADS] [-s SECONDS] [-n MESSAGES] [-S SEED] [-u] [-c] [-e]
 *
 * Messages are built from the real attribute layout, then broken in one
 * place: a wrong type or length, a missing or duplicated attribute, a huge
 * nest, an out-of-range value, a random command or flag.  Threads mix
 * them with valid changes, transactions opened and abandoned, and dumps
 * read while others write.  -u also runs a child as an unprivileged user
 * whose every change and read must be refused with EPERM (all but
 * INFO_GET).  -c (one thread) checks at the end that a dump of the table
 * holds exactly the services the accepted messages built.  -e instead
 * checks that every refusal's extack message is its own request's, with
 * threads in network namespaces of their own (see extack_worker).  Exit 0
 * when every expectation held; the VM runner catches what the kernel
 * thinks of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/ksvc.h>
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static _Atomic double deadline;	/* set by one thread in -e */
static long max_msgs = -1;
static atomic_long sent, accepted, refused, dumps, txs, unexpected;
static int check_mode;
/* -e: the verdicts on the refusals' messages. */
static atomic_long msg_own, msg_plain, msg_foreign, msg_missing, msg_errno;
static int ns_fds[64];
static unsigned int base_seed;
static int extack_secs;
static pthread_barrier_t extack_ready;

#define NAMES 48	/* services named s0..s47: collisions are the point */

/* The model for -c: which names the table should hold, and their size. */
static struct {
	int present;
	int n_eps;
} model[NAMES];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245 + 12345;
	return n ? (*seed >> 8) % n : 0;
}

static struct ks_nl *sock_open(void)
{
	struct ks_nl *nl;

	if (ks_nl_open(&nl)) {
		fprintf(stderr, "ksvc_fuzz: no ksvc family\n");
		exit(2);
	}
	return nl;
}

static int last_err;

/*
 * Send and wait for the request's own answer (ctl's exchange matches it by
 * sequence number, so that what an abandoned dump or an earlier request
 * left on the socket never passes for this one's verdict): 0 or -errno.
 */
static int xact(struct ks_nl *nl, struct nl_msg *m)
{
	int err = m ? ks_nl_send(nl, m, NULL, NULL) : -ENOMEM;

	atomic_fetch_add(&sent, 1);
	if (err)
		atomic_fetch_add(&refused, 1);
	else
		atomic_fetch_add(&accepted, 1);
	last_err = err;
	return err;
}

static struct nlattr *nest(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type | NLA_F_NESTED);
}

enum { BREAK_NONE, BREAK_TYPE, BREAK_LEN, BREAK_MISSING, BREAK_DUP,
       BREAK_RANGE, BREAK_NEST, BREAK_JUNK, BREAK_MAX };

/*
 * A service message; with brk, one thing broken at a random place.
 * Returns the number of endpoints it carries (for the model).
 */
static int put_service(struct nl_msg *m, unsigned int *seed, int name,
		       int brk, int append)
{
	struct nlattr *s, *l, *e;
	int i, n_ports = 1 + rnd(seed, 3), n_fes = rnd(seed, 3), n_eps;
	int where = rnd(seed, 3);
	char nm[16];

	/* An append has no head to break: only its name or namespace. */
	if (append && brk != BREAK_TYPE && brk != BREAK_MISSING && brk != BREAK_JUNK)
		brk = BREAK_NONE;
	n_eps = brk == BREAK_NEST ? 2000 + rnd(seed, 2000) : rnd(seed, 40);
	snprintf(nm, sizeof(nm), "s%d", name);
	s = nest(m, KSVC_A_SERVICE);
	if (brk != BREAK_MISSING)
		nla_put_string(m, KSVC_SVC_A_NAMESPACE, "fuzz");
	if (brk == BREAK_TYPE)
		nla_put_u32(m, KSVC_SVC_A_NAME, 7);
	else
		nla_put_string(m, KSVC_SVC_A_NAME, nm);
	if (brk == BREAK_DUP)
		nla_put_string(m, KSVC_SVC_A_NAME, "other");
	if (append)
		nla_put_flag(m, KSVC_SVC_A_APPEND);
	if (!append) {
		nla_put_u8(m, KSVC_SVC_A_TYPE, brk == BREAK_RANGE && where == 0 ?
			   200 : rnd(seed, KSVC_SVC_TYPE_MAX + 1) % 3);
		nla_put_u32(m, KSVC_SVC_A_FLAGS, brk == BREAK_RANGE && where == 1 ?
			    0xffff : rnd(seed, KSVC_SVC_F_ALL + 1));
		nla_put_u8(m, KSVC_SVC_A_ALGO, rnd(seed, KSVC_ALGO_MAX + 1));
		nla_put_u32(m, KSVC_SVC_A_AFFINITY_TIMEOUT,
			    brk == BREAK_RANGE && where == 2 ? 0 : 1 + rnd(seed, 100));
		if (rnd(seed, 4) == 0) {
			l = nest(m, KSVC_SVC_A_SOURCE_RANGES);
			e = nest(m, KSVC_SVC_A_SOURCE_RANGE);
			nla_put_u32(m, KSVC_CIDR_A_ADDR4, htonl(0xc0a80000));
			nla_put_u8(m, KSVC_CIDR_A_PREFIX, 16);
			nla_nest_end(m, e);
			nla_nest_end(m, l);
		}
		l = nest(m, KSVC_SVC_A_PORTS);
		for (i = 0; i < n_ports; i++) {
			e = nest(m, KSVC_SVC_A_PORT);
			nla_put_u8(m, KSVC_PORT_A_PROTO,
				   (int[]){ IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP }[rnd(seed, 3)]);
			nla_put_u16(m, KSVC_PORT_A_PORT, 80 + i);
			if (rnd(seed, 2))
				nla_put_u16(m, KSVC_PORT_A_NODE_PORT,
					    30000 + name * 8 + i);
			if (brk == BREAK_LEN)
				nla_put(m, KSVC_PORT_A_PORT, 1, "x");
			nla_nest_end(m, e);
		}
		nla_nest_end(m, l);
		l = nest(m, KSVC_SVC_A_FRONTENDS);
		for (i = 0; i < n_fes; i++) {
			uint8_t a6[16] = { 0xfd, 0, 0, 0x96, [14] = (uint8_t)name,
					   [15] = (uint8_t)i };

			e = nest(m, KSVC_SVC_A_FRONTEND);
			nla_put_u8(m, KSVC_FE_A_KIND, rnd(seed, KSVC_FE_KIND_MAX + 1));
			if (rnd(seed, 2))
				nla_put_u32(m, KSVC_FE_A_ADDR4,
					    htonl(0x0a600000 | name << 8 | i));
			else
				nla_put(m, KSVC_FE_A_ADDR6, 16, a6);
			nla_nest_end(m, e);
		}
		nla_nest_end(m, l);
	}
	l = nest(m, KSVC_SVC_A_ENDPOINTS);
	for (i = 0; i < n_eps; i++) {
		e = nest(m, KSVC_SVC_A_ENDPOINT);
		nla_put_u32(m, KSVC_EP_A_ADDR4, htonl(0x0af40000 | i));
		nla_put_u8(m, KSVC_EP_A_PORT_INDEX, rnd(seed, n_ports));
		nla_put_u16(m, KSVC_EP_A_PORT, 8080);
		nla_put_u32(m, KSVC_EP_A_FLAGS, rnd(seed, KSVC_EP_F_ALL + 1));
		nla_nest_end(m, e);
	}
	nla_nest_end(m, l);
	if (brk == BREAK_JUNK)
		nla_put_u64(m, rnd(seed, 40), (uint64_t)rnd(seed, ~0U));
	nla_nest_end(m, s);
	return n_eps;
}

/* A service, broken now and then; the model follows what is accepted. */
static void step_new(struct ks_nl *nl, unsigned int *seed, int name, int in_tx)
{
	int brk, n, err, append;
	struct nl_msg *m;

	brk = rnd(seed, 3) ? BREAK_NONE : 1 + rnd(seed, BREAK_MAX - 1);
	/*
	 * Checking against the model: only breakages the kernel must
	 * refuse (a truncated huge nest, a duplicated name or junk
	 * may build some other well-formed service).
	 */
	if (check_mode && (brk == BREAK_NEST || brk == BREAK_DUP ||
			   brk == BREAK_JUNK))
		brk = BREAK_NONE;
	append = in_tx && rnd(seed, 5) == 0;
	/* The same rule as put_service's: an append has no head. */
	if (append && brk != BREAK_TYPE && brk != BREAK_MISSING &&
	    brk != BREAK_JUNK)
		brk = BREAK_NONE;
	m = ks_nl_msg_new(nl, KSVC_CMD_SVC_NEW, 0);
	n = put_service(m, seed, name, brk, append);
	err = xact(nl, m);
	if (check_mode && !in_tx && !err) {
		model[name].present = 1;
		model[name].n_eps = n;
	}
	/*
	 * What must be refused: wrong types and lengths, a missing
	 * name, values out of range.  (Duplicates take the last; junk
	 * may happen to be well-formed.)
	 */
	if (!err && (brk == BREAK_TYPE || brk == BREAK_LEN ||
		     brk == BREAK_MISSING || brk == BREAK_RANGE)) {
		fprintf(stderr, "ksvc_fuzz: broken message (%d) accepted\n", brk);
		atomic_fetch_add(&unexpected, 1);
	}
}

/* One random operation. */
static void step(struct ks_nl *nl, unsigned int *seed, int *in_tx)
{
	int op = rnd(seed, 100), name = rnd(seed, NAMES), err;
	struct nl_msg *m;

	if (op < 45) {
		step_new(nl, seed, name, *in_tx);
	} else if (op < 60) {
		m = ks_nl_msg_new(nl, KSVC_CMD_SVC_DEL, 0);
		put_service(m, seed, name, BREAK_NONE, 0);
		err = xact(nl, m);
		if (check_mode && !*in_tx && !err)
			model[name].present = 0;
	} else if (op < 68 && !check_mode) {
		m = ks_nl_msg_new(nl, *in_tx ? (rnd(seed, 2) ? KSVC_CMD_TX_COMMIT :
				      KSVC_CMD_TX_ABORT) : KSVC_CMD_TX_BEGIN, 0);
		if (!*in_tx && rnd(seed, 3) == 0)
			nla_put_u32(m, KSVC_A_TX_FLAGS, KSVC_TX_F_REPLACE);
		err = xact(nl, m);
		if (!*in_tx && !err)
			*in_tx = 1;
		else if (*in_tx)
			*in_tx = 0;	/* committed, aborted or refused: over */
		atomic_fetch_add(&txs, 1);
	} else if (op < 78) {
		/* A dump read while others write; sometimes abandoned early. */
		struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
		int reads = rnd(seed, 3) ? 1000 : 1;

		m = ks_nl_msg_new(nl, KSVC_CMD_SVC_GET, NLM_F_DUMP);
		nl_send_auto(ks_nl_sock(nl), m);
		nlmsg_free(m);
		while (reads-- > 0 && nl_recvmsgs(ks_nl_sock(nl), cb) > 0)
			;
		nl_cb_put(cb);
		atomic_fetch_add(&dumps, 1);
		if (reads >= 0)
			*in_tx = -1;	/* abandoned: the caller takes a fresh socket */
	} else if (op < 85 && !check_mode) {
		m = ks_nl_msg_new(nl, rnd(seed, 20), rnd(seed, 2) ? NLM_F_DUMP : 0);
		nla_put_u32(m, rnd(seed, 20), rnd(seed, ~0U));
		xact(nl, m);
	} else if (op < 90) {
		m = ks_nl_msg_new(nl, KSVC_CMD_CONFIG_SET, 0);
		{
			struct nlattr *c = nest(m, KSVC_A_CONFIG);

			nla_put_u8(m, KSVC_CFG_A_DROP_INVALID, rnd(seed, 3));
			if (rnd(seed, 2))
				nla_put_string(m, KSVC_CFG_A_NODE_NAME, "node-1");
			nla_nest_end(m, c);
		}
		xact(nl, m);
	} else {
		m = ks_nl_msg_new(nl, KSVC_CMD_INFO_GET, 0);
		xact(nl, m);
	}
}

static int more(void)
{
	if (max_msgs >= 0)
		return atomic_load(&sent) < max_msgs;
	return now() < deadline;
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	struct ks_nl *nl = sock_open();
	int in_tx = 0, i = 0;

	while (more()) {
		step(nl, &seed, &in_tx);
		/* Now and then drop the socket, open transaction and all. */
		if (in_tx < 0 || ++i % 500 == 0 ||
		    (in_tx && !check_mode && rnd(&seed, 200) == 0)) {
			ks_nl_close(nl);
			nl = sock_open();
			in_tx = 0;
		}
	}
	ks_nl_close(nl);
	return NULL;
}

/* As nobody: every change and read refused with EPERM, but INFO_GET. */
static int unprivileged(unsigned int seed)
{
	struct ks_nl *nl;
	int i, bad = 0;

	if (setgid(65534) || setuid(65534)) {
		perror("setuid");
		return 1;
	}
	nl = sock_open();
	for (i = 0; i < 2000; i++) {
		struct nl_msg *m = ks_nl_msg_new(nl, KSVC_CMD_SVC_NEW, 0);

		put_service(m, &seed, rnd(&seed, NAMES), BREAK_NONE, 0);
		if (xact(nl, m) != -EPERM)
			bad++;
		m = ks_nl_msg_new(nl, (int[]){ KSVC_CMD_FLUSH, KSVC_CMD_TX_BEGIN,
				     KSVC_CMD_SVC_DEL, KSVC_CMD_CONFIG_SET }[i % 4], 0);
		if (xact(nl, m) != -EPERM)
			bad++;
	}
	/* Reads of the tables too; only the versions and counts are open. */
	if (xact(nl, ks_nl_msg_new(nl, KSVC_CMD_SVC_GET, NLM_F_DUMP)) != -EPERM)
		bad++;
	if (xact(nl, ks_nl_msg_new(nl, KSVC_CMD_CONFIG_GET, 0)) != -EPERM)
		bad++;
	if (xact(nl, ks_nl_msg_new(nl, KSVC_CMD_INFO_GET, 0)))
		bad++;
	ks_nl_close(nl);
	printf("# unprivileged: 4000 changes and 2 reads, %d not refused with EPERM (or info refused)\n",
	       bad);
	fflush(stdout);		/* the caller leaves with _exit() */
	return bad ? 1 : 0;
}

/* -c: a dump (ctl's) compared with the model (one thread, no transactions kept). */
static int check_model(void)
{
	struct ks_nl *nl = sock_open();
	struct ks_state st;
	struct ks_service *svc;
	int i, bad = 0, err;

	err = ks_nl_dump(nl, &st, NULL);
	ks_nl_close(nl);
	if (err) {
		printf("# consistency: the dump failed: %s\n", strerror(-err));
		return 1;
	}
	for (i = 0; i < NAMES; i++) {
		char name[16];
		int n;

		snprintf(name, sizeof(name), "s%d", i);
		svc = ks_state_find(&st, "fuzz", name);
		n = svc ? (int)svc->n_eps : 0;
		if (!!svc != model[i].present || (svc && n != model[i].n_eps)) {
			printf("# model mismatch: s%d: kernel %d/%d eps, expected %d/%d\n",
			       i, !!svc, n, model[i].present, model[i].n_eps);
			bad++;
		}
	}
	ks_state_free(&st);
	printf("# consistency: %d of %d names differ from the accepted messages\n",
	       bad, NAMES);
	return bad;
}

/*
 * -e: whose message is it?  The text of an extack message must be its own
 * request's: a thread must never read another's, least of all one about
 * another namespace's services.  Every thread joins a network namespace
 * of its own (made by main, entered with setns) and deletes services that
 * do not exist there, named x<thread>/n<request>, so each refusal names
 * exactly one request.  The names' lengths vary, and odd threads leave
 * NETLINK_CAP_ACK off so the ACK echoes requests padded to random sizes:
 * a message swapped for a longer one between netlink_ack sizing the
 * reply and copying the text would overflow it (its WARN_ON).
 */
struct ext_reply {
	int err;
	char msg[256];
	int has_msg;
};

/* Send m (consumed): the verdict and its message, as ctl reads them. */
static void extack_xact(struct ks_nl *nl, struct nl_msg *m, struct ext_reply *r)
{
	r->err = m ? ks_nl_send(nl, m, NULL, NULL) : -ENOMEM;
	snprintf(r->msg, sizeof(r->msg), "%s", ks_nl_errmsg(nl));
	r->has_msg = r->msg[0] != '\0';
}

/* The request a message names (x<thread>/n<request>), or 0 if none. */
static int extack_names(const char *msg, long *t, long *req)
{
	const char *p;

	for (p = strstr(msg, " x"); p; p = strstr(p + 1, " x"))
		if (sscanf(p, " x%ld/n%ld", t, req) == 2)
			return 1;
	return 0;
}

static void extack_verdict(long t, long req, const struct ext_reply *r)
{
	long mt, mreq;

	atomic_fetch_add(&sent, 1);
	if (r->err != -ENOENT) {
		if (atomic_fetch_add(&msg_errno, 1) < 5)
			printf("# x%ld/n%ld: errno %d, wanted ENOENT\n", t, req, r->err);
		return;
	}
	if (!r->has_msg) {
		if (atomic_fetch_add(&msg_missing, 1) < 5)
			printf("# x%ld/n%ld: refused without a message\n", t, req);
		return;
	}
	if (!extack_names(r->msg, &mt, &mreq)) {
		atomic_fetch_add(&msg_plain, 1);
	} else if (mt == t && mreq == req) {
		atomic_fetch_add(&msg_own, 1);
	} else if (atomic_fetch_add(&msg_foreign, 1) < 5) {
		printf("# x%ld/n%ld got another request's message: \"%s\"\n",
		       t, req, r->msg);
	}
}

static void *extack_worker(void *arg)
{
	long t = (long)(uintptr_t)arg, req;
	unsigned int seed = base_seed + (unsigned int)t * 7919;
	struct ks_nl *nl;
	int zero = 0;

	if (setns(ns_fds[t], CLONE_NEWNET)) {
		perror("setns");
		exit(2);
	}
	nl = sock_open();
	if (t & 1)
		setsockopt(nl_socket_get_fd(ks_nl_sock(nl)), SOL_NETLINK, NETLINK_CAP_ACK,
			   &zero, sizeof(zero));
	/*
	 * The first request of a namespace sets it up (hooks, conntrack):
	 * slow on a debug kernel, so it comes before the clock starts.
	 */
	for (req = 0; req == 0 || more(); req++) {
		struct nl_msg *m = ks_nl_msg_new(nl, KSVC_CMD_SVC_DEL, 0);
		struct ext_reply r = { .err = 1 };
		char ns[16], name[KSVC_NAME_MAX + 1], pad[KSVC_NODE_NAME_MAX + 1];
		struct nlattr *s;
		int n = rnd(&seed, 30);

		/* Short enough for a kernel's 80-byte formatted messages. */
		snprintf(ns, sizeof(ns), "x%ld", t);
		snprintf(name, sizeof(name), "n%ld%s%.*s", req, n ? "-" : "", n,
			 "pppppppppppppppppppppppppppppp");
		memset(pad, 'q', sizeof(pad));
		pad[rnd(&seed, sizeof(pad))] = '\0';
		s = nest(m, KSVC_A_SERVICE);
		nla_put_string(m, KSVC_SVC_A_NAMESPACE, ns);
		nla_put_string(m, KSVC_SVC_A_NAME, name);
		/* Valid, and ignored by a delete: only the request's size. */
		if (t & 1)
			nla_put_string(m, KSVC_SVC_A_EXTERNAL_NAME, pad);
		nla_nest_end(m, s);
		extack_xact(nl, m, &r);
		extack_verdict(t, req, &r);
		if (req == 0 && pthread_barrier_wait(&extack_ready) ==
				PTHREAD_BARRIER_SERIAL_THREAD)
			deadline = now() + extack_secs;
	}
	ks_nl_close(nl);
	return NULL;
}

/* A network namespace per thread, made here and entered by the thread. */
static int extack_run(int threads)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY);
	pthread_t th[64];
	long own, plain, bad;
	int i;

	for (i = 0; i < threads; i++) {
		if (self < 0 || unshare(CLONE_NEWNET)) {
			perror("ksvc_fuzz: a network namespace");
			return 2;
		}
		ns_fds[i] = open("/proc/thread-self/ns/net", O_RDONLY);
		if (ns_fds[i] < 0 || setns(self, CLONE_NEWNET)) {
			perror("ksvc_fuzz: back to the first namespace");
			return 2;
		}
	}
	close(self);
	pthread_barrier_init(&extack_ready, NULL, threads);
	deadline = now() + 24 * 3600;	/* set once every thread is ready */
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, extack_worker, (void *)(uintptr_t)i);
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		close(ns_fds[i]);
	}
	own = atomic_load(&msg_own);
	plain = atomic_load(&msg_plain);
	bad = atomic_load(&msg_foreign) + atomic_load(&msg_missing) +
	      atomic_load(&msg_errno);
	printf("# extack: %ld refusals in %d namespaces: %ld named their own request, %ld named none, %ld another request's, %ld had no message, %ld a wrong errno\n",
	       atomic_load(&sent), threads, own, plain,
	       atomic_load(&msg_foreign), atomic_load(&msg_missing),
	       atomic_load(&msg_errno));
	/*
	 * A kernel formats every message or none (constant texts where it
	 * cannot format): a mix means some came from elsewhere.
	 */
	if (own && plain)
		printf("# extack: some messages named their request, %ld did not\n",
		       plain);
	return bad || (own && plain) || !(own + plain) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int threads = 4, secs = 30, unpriv = 0, extack = 0, c, i, rc = 0;
	unsigned int seed = (unsigned int)time(NULL);
	pthread_t th[64];
	struct ks_nl *nl;

	while ((c = getopt(argc, argv, "t:s:n:S:uce")) != -1) {
		switch (c) {
		case 't': threads = atoi(optarg); break;
		case 's': secs = atoi(optarg); break;
		case 'n': max_msgs = atol(optarg); break;
		case 'S': seed = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'u': unpriv = 1; break;
		case 'c': check_mode = 1; threads = 1; break;
		case 'e': extack = 1; break;
		default:
			fprintf(stderr, "usage: ksvc_fuzz [-t THREADS] [-s SECONDS] [-n MESSAGES] [-S SEED] [-u] [-c] [-e]\n");
			return 2;
		}
	}
	if (threads < 1 || threads > 64)
		threads = 4;
	ks_nl_close(sock_open());	/* exits without the family */
	printf("# seed %u, %d thread(s), %s\n", seed, threads,
	       max_msgs >= 0 ? "message budget" : "time budget");
	if (extack) {
		base_seed = seed;
		extack_secs = secs;
		return extack_run(threads);
	}
	if (check_mode) {
		/* The model starts empty: so must the table. */
		nl = sock_open();
		if (xact(nl, ks_nl_msg_new(nl, KSVC_CMD_FLUSH, 0))) {
			fprintf(stderr, "ksvc_fuzz: flush failed (%d)\n", last_err);
			return 2;
		}
		ks_nl_close(nl);
	}
	deadline = now() + secs;
	if (unpriv) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(unprivileged(seed));
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			rc = 1;
	}
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(seed + i * 7919));
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("# messages %ld: accepted %ld, refused %ld; dumps %ld, transaction steps %ld\n",
	       atomic_load(&sent), atomic_load(&accepted), atomic_load(&refused),
	       atomic_load(&dumps), atomic_load(&txs));
	if (atomic_load(&unexpected)) {
		printf("# %ld broken messages were accepted\n", atomic_load(&unexpected));
		rc = 1;
	}
	if (check_mode && check_model())
		rc = 1;
	return rc;
}
