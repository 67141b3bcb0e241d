// SPDX-License-Identifier: GPL-2.0
/* The agent's HTTP servers on libmicrohttpd (httpd.h). */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "httpd.h"
#include "xalloc.h"

struct ks_httpd {
	struct MHD_Daemon *d;
	ks_http_fn fn;
	void *arg;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload, size_t *upload_len, void **state)
{
	struct ks_httpd *h = cls;
	struct ks_reply r = { .status = 404, .ctype = "text/plain; charset=utf-8" };
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int i;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		r.status = 405;
		r.body = xstrdup("method not allowed\n");
	} else {
		h->fn(h->arg, url, &r);
		if (!r.body)
			r.body = xstrdup(r.status == 404 ? "404 page not found\n" : "");
	}
	resp = MHD_create_response_from_buffer(strlen(r.body), r.body,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(r.body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r.ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (i = 0; i < 2; i++) {
		char *colon = strchr(r.header[i], ':');

		if (!r.header[i][0] || !colon)
			continue;
		*colon = 0;
		MHD_add_response_header(resp, r.header[i], colon + 1 + (colon[1] == ' '));
	}
	ret = MHD_queue_response(c, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct ks_httpd *ks_httpd_start(const char *addr, ks_http_fn fn, void *arg,
				char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct ks_httpd *h;
	char host[64];
	const char *colon = strrchr(addr, ':');
	/* epoll: no select() set, so no limit of 1,024 descriptors. */
	unsigned int flags = MHD_USE_ERROR_LOG | MHD_USE_EPOLL;
	long port;
	char *end;

	memset(&ss, 0, sizeof(ss));
	if (!colon || (size_t)(colon - addr) >= sizeof(host))
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 1 || port > 65535)
		goto bad;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	if (!host[0]) {
		/* Every address, both families. */
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = in6addr_any;
		flags |= MHD_USE_DUAL_STACK;
	} else if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto bad;
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
	}
	h = xcalloc(1, sizeof(*h));
	h->fn = fn;
	h->arg = arg;
	h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, answer, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_TIMEOUT, 10U,
				MHD_OPTION_CONNECTION_LIMIT, 64U,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errlen, "cannot listen on %s", addr);
		free(h);
		return NULL;
	}
	return h;
bad:
	snprintf(err, errlen, "'%s' is not ADDRESS:PORT", addr);
	return NULL;
}

void ks_httpd_stop(struct ks_httpd *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}

size_t ks_httpd_fds(struct ks_httpd *h, int *fds, short *events, size_t max)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);

	/* One epoll descriptor stands for the listening socket and every connection. */
	if (!i || !max)
		return 0;
	fds[0] = i->epoll_fd;
	events[0] = POLLIN;
	return 1;
}

long ks_httpd_timeout(struct ks_httpd *h)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (MHD_get_timeout(h->d, &t) != MHD_YES)
		return -1;
	return t > 60000 ? 60000 : (long)t;
}

void ks_httpd_run(struct ks_httpd *h)
{
	MHD_run(h->d);
}
