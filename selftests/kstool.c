// SPDX-License-Identifier: GPL-2.0
/*
 * kstool: what the selftests need that ksvcctl rightly does not do.
 *
 *   kstool tcp-ack ADDR PORT COUNT   send COUNT bare TCP ACKs (no connection:
 *                                    conntrack finds them INVALID when
 *                                    nf_conntrack_tcp_loose is 0)
 *   kstool tcp-syn ADDR PORT COUNT [FROM]
 *                                    send COUNT TCP SYNs, each from its own
 *                                    source port; with FROM, each also from
 *                                    its own source address, FROM, FROM+1,
 *                                    ... (spoofed: no handshake follows)
 *   kstool tx-abandon                open a transaction, stage a service,
 *                                    exit without committing
 *   kstool bad                       send malformed requests; print, for
 *                                    each, the errno and extack message
 *   kstool fail-nth N CMD [ARG...]   run CMD with its Nth fault-injection
 *                                    point failing (/proc/PID/fail-nth);
 *                                    exit with CMD's status and say on
 *                                    stderr whether the fault was reached;
 *                                    with KSTOOL_MAKE_IT_FAIL=1 in the
 *                                    environment, CMD's task is also one
 *                                    the global fault attributes (with
 *                                    task-filter) may fail: a second fault
 *   kstool serve tcp|udp|sctp PORT TEXT [-6] [-e]
 *                                    a pod's server: answer each connection
 *                                    (or datagram) with "TEXT PEER", PEER
 *                                    as socat prints it; TCP and SCTP
 *                                    read what the client sent before
 *                                    closing, so it never gets a reset;
 *                                    with -e (echo) they keep the
 *                                    connection open instead, sending back
 *                                    what comes, until the client closes
 *   kstool corpus FILE...            for each manifest ksvcctl refuses:
 *                                    parse it without the rules the kernel
 *                                    keeps (ctl's parser), and when that
 *                                    gives Services, send them straight to
 *                                    the kernel in one replace transaction;
 *                                    print "FILE: no model", "FILE:
 *                                    refused: MESSAGE" or "FILE: ACCEPTED"
 *                                    (then flushed)
 *   kstool netns N                   create N network namespaces, print
 *                                    "ready", and hold them until stdin
 *                                    closes; then exit, dropping them all
 *                                    at once (its pid names the last one)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/ksvc.h>
#include "nl.h"
#include "parse.h"

/* ---- raw TCP ---- */

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Bare TCP segments, one IPv4 packet each, written whole (IP_HDRINCL): ACKs
 * of no connection (ack) from source ports 45000.., or SYNs from 20000..;
 * from the address the kernel would pick, or from FROM, FROM+1, ...
 */
static int tcp_raw(const char *addr, int port, int count, const char *from, int ack)
{
	struct sockaddr_in dst = { .sin_family = AF_INET }, src;
	socklen_t slen = sizeof(src);
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
		struct tcphdr th;
	} pseudo;
	struct {
		struct iphdr ip;
		struct tcphdr th;
	} pkt;
	int fd, u, i, one = 1;

	if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1)
		return 2;
	dst.sin_port = htons(port);
	if (from) {
		if (inet_pton(AF_INET, from, &src.sin_addr) != 1)
			return 2;
	} else {
		/* The source address the kernel would pick. */
		u = socket(AF_INET, SOCK_DGRAM, 0);
		if (u < 0 || connect(u, (struct sockaddr *)&dst, sizeof(dst)) ||
		    getsockname(u, (struct sockaddr *)&src, &slen)) {
			perror("route");
			return 1;
		}
		close(u);
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("raw socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		memset(&pseudo, 0, sizeof(pseudo));
		pseudo.saddr = from ? htonl(ntohl(src.sin_addr.s_addr) + i) :
				      src.sin_addr.s_addr;
		pseudo.daddr = dst.sin_addr.s_addr;
		pseudo.proto = IPPROTO_TCP;
		pseudo.len = htons(sizeof(struct tcphdr));
		pseudo.th.source = htons((ack ? 45000 : 20000) + i);
		pseudo.th.dest = htons(port);
		pseudo.th.seq = htonl(1000 + i);
		pseudo.th.doff = 5;
		if (ack) {
			pseudo.th.ack_seq = htonl(5000 + i);
			pseudo.th.ack = 1;
		} else {
			pseudo.th.syn = 1;
		}
		pseudo.th.window = htons(1000);
		pseudo.th.check = htons(csum(&pseudo, sizeof(pseudo), 0));
		memset(&pkt.ip, 0, sizeof(pkt.ip));
		pkt.ip.version = 4;
		pkt.ip.ihl = 5;
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_TCP;
		pkt.ip.saddr = pseudo.saddr;
		pkt.ip.daddr = pseudo.daddr;	/* length, id, checksum: the kernel's */
		pkt.th = pseudo.th;
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
			   sizeof(dst)) < 0) {
			perror("sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}

/* ---- fault injection ---- */

/*
 * The child arms its own counter (fail-nth is per task and not inherited)
 * once the parent holds its /proc file, then execs CMD.  The parent waits
 * without reaping, so the finished task's counter can still be read: 0 if
 * the fault was injected, what is left of N if CMD never got that far.
 */
static int fail_nth(const char *n, char **cmd)
{
	char path[64], left[32];
	int go[2], fd, st;
	siginfo_t si;
	ssize_t len;
	pid_t pid;

	if (pipe(go))
		return perror("pipe"), 2;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 2;
	if (!pid) {
		close(go[1]);
		if (read(go[0], left, 1) != 0)
			_exit(126);
		fd = open("/proc/thread-self/fail-nth", O_WRONLY);
		if (fd < 0 || write(fd, n, strlen(n)) != (ssize_t)strlen(n)) {
			perror("fail-nth");
			_exit(126);
		}
		close(fd);
		if (getenv("KSTOOL_MAKE_IT_FAIL")) {
			fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
			if (fd < 0 || write(fd, "1", 1) != 1) {
				perror("make-it-fail");
				_exit(126);
			}
			close(fd);
		}
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	close(go[0]);
	snprintf(path, sizeof(path), "/proc/%d/fail-nth", (int)pid);
	fd = open(path, O_RDONLY);
	close(go[1]);
	if (fd < 0)
		return perror(path), 2;
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		return perror("waitid"), 2;
	len = pread(fd, left, sizeof(left) - 1, 0);
	if (len < 0)
		return perror(path), 2;
	left[len] = '\0';
	close(fd);
	if (waitpid(pid, &st, 0) < 0)
		return perror("waitpid"), 2;
	fprintf(stderr, "fail-nth: %s\n", atoi(left) ? "not reached" : "injected");
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* ---- netlink ---- */

static struct ks_nl *nl;

static int send_msg(struct nl_msg *m)
{
	return m ? ks_nl_send(nl, m, NULL, NULL) : -ENOMEM;
}

static const char *last_msg(void)
{
	return ks_nl_errmsg(nl);
}

static struct nlattr *nest(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type | NLA_F_NESTED);
}

static struct ks_addr addr4(uint32_t a)
{
	struct ks_addr r = { .family = AF_INET };

	memcpy(r.a, &a, 4);
	return r;
}

static struct ks_addr addr6(uint8_t first, uint8_t second, uint8_t last)
{
	struct ks_addr r = { .family = AF_INET6, .a = { first, second, [15] = last } };

	return r;
}

/* A well-formed service; "bad" cases break one thing in it. */
enum breakage {
	OK, NO_NAME, LONG_NAME, EP_PORT_INDEX, BAD_PROTO, EP_FLAGS, NO_NESTED_FLAG,
	UNKNOWN_ATTR, FE_TWO_ADDRS, FE_MULTICAST, SHORT_ADDR, STATS_SET,
	NODEPORT_DUP, APPEND_NO_TX, ZERO_PORT, FE_WITHOUT_PORTS, FE_ALSO_SELF,
	FE_ALSO_MASK, FE_LOOPBACK, FE_LINK_LOCAL6, EP_LOOPBACK6, EP_LINK_LOCAL,
};

/*
 * What a Service cannot say: a frontend list that replaces the service's
 * own (the kernel takes the last of an attribute, and validates them all),
 * with one frontend of two addresses, or of an IPv6 address 4 bytes long.
 */
static void broken_frontends(struct nl_msg *m, uint32_t vip, enum breakage b)
{
	struct nlattr *l = nest(m, KSVC_SVC_A_FRONTENDS);
	struct nlattr *e = nest(m, KSVC_SVC_A_FRONTEND);
	struct ks_addr fd = addr6(0xfd, 0, 1);

	nla_put_u8(m, KSVC_FE_A_KIND, KSVC_FE_CLUSTER_IP);
	if (b == SHORT_ADDR) {
		nla_put(m, KSVC_FE_A_ADDR6, 4, &vip);
	} else {
		nla_put_u32(m, KSVC_FE_A_ADDR4, vip);
		nla_put(m, KSVC_FE_A_ADDR6, 16, fd.a);
	}
	nla_nest_end(m, e);
	nla_nest_end(m, l);
}

/*
 * A service from ctl's model and encoder, one port, one frontend, one
 * endpoint (10.244.0.99), broken in the model where a Service can say it,
 * in the message where it cannot.
 */
static struct nl_msg *service(const char *name, uint32_t vip, enum breakage b)
{
	struct nl_msg *m = ks_nl_msg_new(nl, KSVC_CMD_SVC_NEW, 0);
	struct ks_port ports[2] = {
		{ .proto = b == BAD_PROTO ? 47 : IPPROTO_TCP,
		  .port = b == ZERO_PORT ? 0 : 80, .node_port = 30999 },
		{ .proto = IPPROTO_TCP, .port = 81, .node_port = 30999 },
	};
	struct ks_frontend fe = { .kind = KSVC_FE_CLUSTER_IP, .addr = addr4(vip) };
	struct ks_endpoint ep = {
		.addr = addr4(htonl(0x0af40063)),
		.port_index = b == EP_PORT_INDEX ? 3 : 0,
		.port = 80,
		.flags = b == EP_FLAGS ? 0x100 : KSVC_EP_F_READY,
	};
	struct ks_service svc = {
		.ns = "default",
		.ports = ports,
		.n_ports = b == FE_WITHOUT_PORTS ? 0 : b == NODEPORT_DUP ? 2 : 1,
		.fes = &fe, .n_fes = 1, .eps = &ep, .n_eps = 1,
	};
	struct nlattr *s, *e;

	if (!m)
		return NULL;
	if (b != NO_NAME)
		snprintf(svc.name, sizeof(svc.name), "%s", name);
	if (b == FE_MULTICAST)
		fe.addr = addr4(htonl(0xe0000001));
	if (b == FE_LOOPBACK)
		fe.addr = addr4(htonl(0x7f000001));
	if (b == FE_LINK_LOCAL6)
		fe.addr = addr6(0xfe, 0x80, 1);
	if (b == FE_ALSO_SELF)
		fe.also = 1 << KSVC_FE_CLUSTER_IP;
	if (b == FE_ALSO_MASK)
		fe.also = 0x80;
	if (b == EP_LOOPBACK6)
		ep.addr = addr6(0, 0, 1);
	if (b == EP_LINK_LOCAL)
		ep.addr = addr4(htonl(0xa9fe0101));
	s = ks_nl_put_svc(m, &svc, 0, 0, svc.n_eps);
	if (!s) {
		nlmsg_free(m);
		return NULL;
	}
	if (b == LONG_NAME)	/* the last of an attribute counts */
		nla_put_string(m, KSVC_SVC_A_NAME,
			       "a-name-that-is-much-longer-than-sixty-three-characters-which-is-the-limit");
	if (b == UNKNOWN_ATTR)
		nla_put_u32(m, KSVC_SVC_A_MAX + 5, 1);
	if (b == STATS_SET) {
		e = nest(m, KSVC_SVC_A_STATS);
		nla_put_u64(m, KSVC_STATS_A_CONNS, 5);
		nla_nest_end(m, e);
	}
	if (b == APPEND_NO_TX)
		nla_put_flag(m, KSVC_SVC_A_APPEND);
	if (b == FE_TWO_ADDRS || b == SHORT_ADDR)
		broken_frontends(m, vip, b);
	nla_nest_end(m, s);
	/* libnl flags every nest it starts: take the flag off by hand. */
	if (b == NO_NESTED_FLAG)
		s->nla_type &= ~NLA_F_NESTED;
	return m;
}

static int simple(int cmd, uint32_t txflags)
{
	struct nl_msg *m = ks_nl_msg_new(nl, cmd, 0);

	if (m && txflags)
		nla_put_u32(m, KSVC_A_TX_FLAGS, txflags);
	return send_msg(m);
}

static int tx_abandon(void)
{
	int err;

	err = simple(KSVC_CMD_TX_BEGIN, 0);
	if (!err)
		err = send_msg(service("abandoned", htonl(0x0a600909), OK));
	printf("staged: %d %s\n", err, last_msg());
	/* Exit without commit: closing the socket must drop the transaction. */
	return err ? 1 : 0;
}

/* An append of n endpoints 10.244.1.1.. to "app"; bad_at: one broken. */
static struct nl_msg *append(int n, int bad_at, int other_attr)
{
	struct nl_msg *m = ks_nl_msg_new(nl, KSVC_CMD_SVC_NEW, 0);
	struct ks_endpoint eps[8] = { 0 };
	struct ks_service svc = { .ns = "default", .name = "app", .eps = eps,
				  .n_eps = (size_t)n };
	struct nlattr *s;
	int i;

	for (i = 0; i < n; i++) {
		eps[i].addr = addr4(htonl(0x0af40101 + i));
		eps[i].port_index = i == bad_at ? 3 : 0;
		eps[i].port = 80;
	}
	s = m ? ks_nl_put_svc(m, &svc, 1, 0, svc.n_eps) : NULL;
	if (!s) {
		nlmsg_free(m);
		return NULL;
	}
	if (other_attr)
		nla_put_u8(m, KSVC_SVC_A_TYPE, 0);
	nla_nest_end(m, s);
	return m;
}

static void said(const char *what, int err)
{
	printf("%s: %s: %s\n", what, err ? strerror(-err) : "accepted", last_msg());
}

/*
 * Appends to a staged service that fail: one endpoint broken after a good
 * one, another attribute than endpoints, more endpoints than the limit
 * (the caller sets it to 3).  Each is refused and leaves the staged
 * service as it was; the commit then adds "app" with its one endpoint.
 */
static int append_checks(void)
{
	int err = simple(KSVC_CMD_TX_BEGIN, 0);

	said("begin", err);
	if (err)
		return 1;
	said("stage", send_msg(service("app", htonl(0x0a600a0b), OK)));
	said("append-bad-endpoint", send_msg(append(2, 1, 0)));
	said("append-other-attribute", send_msg(append(1, -1, 1)));
	said("append-over-limit", send_msg(append(3, -1, 0)));
	said("commit", simple(KSVC_CMD_TX_COMMIT, 0));
	return 0;
}

/*
 * A writer that stops half-way: a transaction with one staged service,
 * then nothing until a line on stdin, then the commit and what it got.
 */
static int tx_hold(void)
{
	char line[16];
	int err = simple(KSVC_CMD_TX_BEGIN, 0);

	if (!err)
		err = send_msg(service("held", htonl(0x0a600a0c), OK));
	said("staged", err);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	said("commit", simple(KSVC_CMD_TX_COMMIT, 0));
	return 0;
}

static int bad(void)
{
	static const struct {
		const char *name;
		enum breakage b;
	} cases[] = {
		{ "no-name", NO_NAME },
		{ "long-name", LONG_NAME },
		{ "endpoint-port-index", EP_PORT_INDEX },
		{ "bad-protocol", BAD_PROTO },
		{ "endpoint-flags", EP_FLAGS },
		{ "no-nested-flag", NO_NESTED_FLAG },
		{ "unknown-attribute", UNKNOWN_ATTR },
		{ "frontend-two-addresses", FE_TWO_ADDRS },
		{ "frontend-multicast", FE_MULTICAST },
		{ "short-address", SHORT_ADDR },
		{ "set-counters", STATS_SET },
		{ "duplicate-node-port", NODEPORT_DUP },
		{ "append-without-transaction", APPEND_NO_TX },
		{ "zero-port", ZERO_PORT },
		{ "frontend-without-ports", FE_WITHOUT_PORTS },
		{ "frontend-also-itself", FE_ALSO_SELF },
		{ "frontend-also-unknown-kind", FE_ALSO_MASK },
		{ "frontend-loopback", FE_LOOPBACK },
		{ "frontend-link-local6", FE_LINK_LOCAL6 },
		{ "endpoint-loopback6", EP_LOOPBACK6 },
		{ "endpoint-link-local", EP_LINK_LOCAL },
	};
	struct nl_msg *m;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = send_msg(service("bad", htonl(0x0a600a0a), cases[i].b));
		printf("%s: %s: %s\n", cases[i].name, err ? strerror(-err) : "accepted",
		       last_msg());
	}
	/* Flags a request must not carry, an attribute where none is taken. */
	m = ks_nl_msg_new(nl, KSVC_CMD_FLUSH, 0);
	if (m)
		nla_put_u32(m, KSVC_A_TX_FLAGS, 1);
	err = send_msg(m);
	printf("flush-with-attribute: %s: %s\n", err ? strerror(-err) : "accepted", last_msg());
	err = simple(KSVC_CMD_TX_BEGIN, 0x80);
	printf("tx-unknown-flag: %s: %s\n", err ? strerror(-err) : "accepted", last_msg());
	err = simple(KSVC_CMD_TX_COMMIT, 0);
	printf("commit-without-begin: %s: %s\n", err ? strerror(-err) : "accepted", last_msg());
	return 0;
}

/* ---- the kernel as the authority on its rules ---- */

/*
 * want, whole, in one replace transaction: 0, or -errno with the refusal's
 * message in msg (the abort's ACK that follows would clear ks_nl's).
 */
static int send_state(const struct ks_state *want, char *msg, size_t len)
{
	size_t i;
	int err = ks_nl_tx_begin(nl, KSVC_TX_F_REPLACE, 0);

	for (i = 0; !err && i < want->n_svcs; i++)
		err = ks_nl_svc_new(nl, &want->svcs[i], 1);
	if (!err)
		err = ks_nl_tx_commit(nl, 0);
	snprintf(msg, len, "%s", last_msg());
	/* A refused commit has ended the transaction already. */
	if (err) {
		int aerr = ks_nl_tx_abort(nl);

		if (aerr && aerr != -ENOENT)
			fprintf(stderr, "kstool: corpus: the transaction did not abort: %s\n",
				strerror(-aerr));
	}
	return err;
}

static int corpus(int n, char **files)
{
	struct ks_parse_opts po = { .node_name = "node-1" };
	char msg[256];
	int i, err;

	for (i = 0; i < n; i++) {
		struct ks_input *in = ks_input_new();
		struct ks_errors errs;
		struct ks_state want;

		ks_errors_init(&errs);
		ks_state_init(&want);
		ks_input_defer_kernel_rules(in);
		ks_input_add_file(in, files[i], &errs);
		if (ks_input_build(in, &po, &want, &errs) || !want.n_svcs) {
			printf("%s: no model\n", files[i]);
		} else {
			err = send_state(&want, msg, sizeof(msg));
			if (err)
				printf("%s: refused: %s (%s)\n", files[i], msg, strerror(-err));
			else
				printf("%s: ACCEPTED\n", files[i]);
			if (!err && ks_nl_flush(nl))
				return 1;
		}
		ks_state_free(&want);
		ks_errors_free(&errs);
		ks_input_free(in);
	}
	return 0;
}

/* ---- a pod's server ---- */

/* The peer as socat prints it: a.b.c.d, or [xxxx:...:xxxx] in full. */
static void peer_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const uint8_t *a;
	size_t n = 0;
	int i;

	if (ss->ss_family != AF_INET6) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, len);
		return;
	}
	a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
	n += snprintf(buf + n, len - n, "[");
	for (i = 0; i < 16; i += 2)
		n += snprintf(buf + n, len - n, "%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
	snprintf(buf + n, len - n, "]");
}

/*
 * One connection: the answer, our half closed, then whatever the client
 * sent read until it closes too (5 s at most).  Closing with unread data
 * would send a reset, and the client might lose the answer with it.
 */
/* -e: connections stay open, echoed, until the client closes. */
static int serve_echo;

static void serve_one(int c, const char *text, const struct sockaddr_storage *ss)
{
	char peer[64], line[512], buf[512];
	struct pollfd pfd = { .fd = c, .events = POLLIN };
	size_t off = 0;
	ssize_t n;
	int len;

	peer_str(ss, peer, sizeof(peer));
	len = snprintf(line, sizeof(line), "%s %s\n", text, peer);
	while (off < (size_t)len) {
		n = write(c, line + off, len - off);
		if (n <= 0)
			return;
		off += n;
	}
	while (serve_echo && (n = read(c, buf, sizeof(buf))) > 0)
		if (write(c, buf, n) != n)
			break;
	shutdown(c, SHUT_WR);
	while (poll(&pfd, 1, 5000) > 0 && read(c, buf, sizeof(buf)) > 0)
		;
	close(c);
}

/* UDP: each datagram answered from the address it was sent to. */
static int serve_udp(int fd, const char *text, int v6)
{
	int one = 1;

	if (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) :
		 setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))) {
		perror("kstool serve: pktinfo");
		return 1;
	}
	for (;;) {
		union {
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
			struct cmsghdr align;
		} cin, cout;
		char buf[2048], peer[64], line[512];
		struct sockaddr_storage ss;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &ss, .msg_namelen = sizeof(ss),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cin.buf, .msg_controllen = sizeof(cin.buf),
		};
		struct cmsghdr *cm, *out;
		size_t clen = 0;
		int len;

		if (recvmsg(fd, &mh, 0) < 0) {
			if (errno == EINTR)
				continue;
			perror("kstool serve: recvmsg");
			return 1;
		}
		peer_str(&ss, peer, sizeof(peer));
		len = snprintf(line, sizeof(line), "%s %s\n", text, peer);
		iov.iov_base = line;
		iov.iov_len = len;
		memset(&cout, 0, sizeof(cout));
		out = (struct cmsghdr *)cout.buf;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				pi.ipi_ifindex = 0;
				pi.ipi_spec_dst = pi.ipi_addr;
				out->cmsg_level = IPPROTO_IP;
				out->cmsg_type = IP_PKTINFO;
				out->cmsg_len = CMSG_LEN(sizeof(pi));
				memcpy(CMSG_DATA(out), &pi, sizeof(pi));
				clen = CMSG_SPACE(sizeof(pi));
			} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				pi.ipi6_ifindex = 0;
				out->cmsg_level = IPPROTO_IPV6;
				out->cmsg_type = IPV6_PKTINFO;
				out->cmsg_len = CMSG_LEN(sizeof(pi));
				memcpy(CMSG_DATA(out), &pi, sizeof(pi));
				clen = CMSG_SPACE(sizeof(pi));
			}
		}
		mh.msg_control = clen ? cout.buf : NULL;
		mh.msg_controllen = clen;
		mh.msg_namelen = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
							     sizeof(struct sockaddr_in);
		if (sendmsg(fd, &mh, 0) < 0)
			perror("kstool serve: sendmsg");
	}
}

static int serve(const char *proto, int port, const char *text, int v6)
{
	struct sockaddr_storage ss;
	int type = SOCK_STREAM, ipproto = 0, one = 1, fd, c;
	socklen_t sl;

	if (!strcmp(proto, "udp"))
		type = SOCK_DGRAM;
	else if (!strcmp(proto, "sctp"))
		ipproto = IPPROTO_SCTP;
	else if (strcmp(proto, "tcp")) {
		fprintf(stderr, "kstool serve: %s: not tcp, udp or sctp\n", proto);
		return 2;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, type, ipproto);
	if (fd < 0) {
		perror("kstool serve: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		sl = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		sl = sizeof(*a);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl)) {
		perror("kstool serve: bind");
		return 1;
	}
	if (type == SOCK_DGRAM)
		return serve_udp(fd, text, v6);
	if (listen(fd, 128)) {
		perror("kstool serve: listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);	/* children reaped by the kernel */
	for (;;) {
		sl = sizeof(ss);
		c = accept(fd, (struct sockaddr *)&ss, &sl);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("kstool serve: accept");
			return 1;
		}
		switch (fork()) {
		case 0:
			close(fd);
			serve_one(c, text, &ss);
			_exit(0);
		case -1:
			perror("kstool serve: fork");
			break;
		}
		close(c);
	}
}

/* ---- many network namespaces, cheaply ---- */

/*
 * One process, no mounts: unshare() makes each namespace, an open
 * /proc/self/ns/net keeps it.  `ip netns add` bind-mounts every one, and
 * a process per namespace costs a fork and an exec under emulation.
 */
static int netns_hold(int n)
{
	struct rlimit rl;
	char buf[64];
	int i;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)n + 16) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < n; i++) {
		if (unshare(CLONE_NEWNET)) {
			perror("kstool netns: unshare");
			return 1;
		}
		if (open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC) < 0) {
			perror("kstool netns: open");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && argc <= 7 && !strcmp(argv[1], "serve")) {
		int i, v6 = 0;

		for (i = 5; i < argc; i++) {
			if (!strcmp(argv[i], "-6"))
				v6 = 1;
			else if (!strcmp(argv[i], "-e"))
				serve_echo = 1;
			else
				goto usage;
		}
		return serve(argv[2], atoi(argv[3]), argv[4], v6);
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "tcp-syn"))
		return tcp_raw(argv[2], atoi(argv[3]), atoi(argv[4]), argc == 6 ? argv[5] : NULL, 0);
	if (argc == 5 && !strcmp(argv[1], "tcp-ack"))
		return tcp_raw(argv[2], atoi(argv[3]), atoi(argv[4]), NULL, 1);
	if (argc == 3 && !strcmp(argv[1], "netns"))
		return netns_hold(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "fail-nth"))
		return fail_nth(argv[2], argv + 3);
	if (argc >= 2 && ks_nl_open(&nl)) {
		fprintf(stderr, "kstool: no ksvc family\n");
		return 3;
	}
	if (argc == 2 && !strcmp(argv[1], "tx-abandon"))
		return tx_abandon();
	if (argc == 2 && !strcmp(argv[1], "bad"))
		return bad();
	if (argc == 2 && !strcmp(argv[1], "append-checks"))
		return append_checks();
	if (argc == 2 && !strcmp(argv[1], "tx-hold"))
		return tx_hold();
	if (argc >= 3 && !strcmp(argv[1], "corpus"))
		return corpus(argc - 2, argv + 2);
usage:
	fprintf(stderr, "usage: kstool tcp-ack ADDR PORT COUNT | tx-abandon | tx-hold | bad | append-checks | fail-nth N CMD...\n"
			"       kstool serve tcp|udp|sctp PORT TEXT [-6] [-e] | netns N | corpus FILE...\n");
	return 2;
}
