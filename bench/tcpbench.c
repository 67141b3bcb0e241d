// SPDX-License-Identifier: GPL-2.0
/*
 * tcpbench: the data-plane load of bench/inside.sh.
 *
 *   tcpbench serve PORT [THREADS]       accept on 0.0.0.0:PORT; read each
 *                                       connection to its end, then close
 *   tcpbench rate ADDR PORT SECS [CONC] open and close connections for
 *                                       SECS seconds, CONC at a time; prints
 *                                       "rate <conn/s> ok <n> failed <n>"
 *   tcpbench stream ADDR PORT SECS      one connection, write for SECS
 *                                       seconds, until the peer has read it
 *                                       all; prints "bytes_per_s <n>"
 *
 * rate closes with a reset (SO_LINGER 0): neither side keeps TIME_WAIT, so
 * the client's ports last for any duration.  A connection counts when its
 * handshake completes (through the proxy's DNAT, to an endpoint).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in dst;
static double deadline;
static atomic_long n_ok, n_fail;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *server(void *arg)
{
	int lfd = *(int *)arg;
	static char buf[1 << 17];	/* shared: the data is thrown away */

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return NULL;
}

static int do_serve(int port, int threads)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, lfd, i;
	pthread_t t;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(lfd, 4096) < 0)
		die("listen");
	for (i = 1; i < threads; i++)
		pthread_create(&t, NULL, server, &lfd);
	server(&lfd);
	return 0;
}

static void *rate_worker(void *arg)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct timeval tmo = { .tv_sec = 2 };
	long ok = 0, fail = 0;

	(void)arg;
	while (now() < deadline) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0)
			ok++;
		else
			fail++;
		close(fd);
	}
	atomic_fetch_add(&n_ok, ok);
	atomic_fetch_add(&n_fail, fail);
	return NULL;
}

static int do_rate(double secs, int conc)
{
	pthread_t t[256];
	double start;
	int i;

	if (conc < 1 || conc > 256)
		conc = 1;
	start = now();
	deadline = start + secs;
	for (i = 0; i < conc; i++)
		pthread_create(&t[i], NULL, rate_worker, NULL);
	for (i = 0; i < conc; i++)
		pthread_join(t[i], NULL);
	printf("rate %.1f ok %ld failed %ld\n", n_ok / (now() - start),
	       (long)n_ok, (long)n_fail);
	return n_ok > 0 ? 0 : 1;
}

static int do_stream(double secs)
{
	static char buf[1 << 17];
	double start, end;
	long long total = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		die("connect");
	memset(buf, 'x', sizeof(buf));
	start = now();
	end = start + secs;
	while (now() < end) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n < 0)
			die("write");
		total += n;
	}
	/* Done when the server has read everything and closed. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	printf("bytes_per_s %.0f\n", total / (now() - start));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return do_serve(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 4);
	if (argc >= 5 && (!strcmp(argv[1], "rate") || !strcmp(argv[1], "stream"))) {
		dst.sin_family = AF_INET;
		dst.sin_port = htons(atoi(argv[3]));
		if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1) {
			fprintf(stderr, "tcpbench: bad address %s\n", argv[2]);
			return 2;
		}
		if (argv[1][0] == 'r')
			return do_rate(atof(argv[4]), argc > 5 ? atoi(argv[5]) : 2);
		return do_stream(atof(argv[4]));
	}
	fprintf(stderr, "usage: tcpbench serve PORT [THREADS] | rate ADDR PORT SECS [CONC] | stream ADDR PORT SECS\n");
	return 2;
}
