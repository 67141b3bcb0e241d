// SPDX-License-Identifier: GPL-2.0
/* The API server client of ksvcctl sync (kube.h), on libcurl. */
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "kube.h"
#include "xalloc.h"

unsigned long ks_kube_requests[6];

struct ks_kube {
	struct ks_kubeconfig kc;
	CURLM *multi;
};

struct ks_buf {
	char *data;
	size_t len, cap;
};

struct ks_req {
	struct ks_kube *k;
	CURL *easy;
	struct curl_slist *hdrs;
	struct ks_buf line;	/* a watch's partial line; a GET's body */
	ks_line_fn fn;		/* NULL: a GET */
	void *arg;
	int done;
	long status;
	char errbuf[CURL_ERROR_SIZE];
};

static void buf_add(struct ks_buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

struct ks_kube *ks_kube_new(struct ks_kubeconfig *kc, char *err, size_t errlen)
{
	struct ks_kube *k;

	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "libcurl: cannot initialize");
		return NULL;
	}
	k = xcalloc(1, sizeof(*k));
	k->kc = *kc;
	memset(kc, 0, sizeof(*kc));
	k->multi = curl_multi_init();
	if (!k->multi) {
		snprintf(err, errlen, "libcurl: no multi handle");
		ks_kubeconfig_free(&k->kc);
		free(k);
		return NULL;
	}
	return k;
}

void ks_kube_free(struct ks_kube *k)
{
	if (!k)
		return;
	curl_multi_cleanup(k->multi);
	ks_kubeconfig_free(&k->kc);
	free(k);
	curl_global_cleanup();
}

/* The bearer token: read again each time from a file (bound tokens rotate). */
static char *token(const struct ks_kube *k)
{
	char buf[8192];
	size_t n;
	FILE *f;

	if (!k->kc.token_file)
		return k->kc.token ? xstrdup(k->kc.token) : NULL;
	f = fopen(k->kc.token_file, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = 0;
	return n ? xstrdup(buf) : NULL;
}

static void blob(CURL *c, CURLoption opt, const struct ks_blob *b)
{
	struct curl_blob cb = { .data = b->data, .len = b->len,
				.flags = CURL_BLOB_COPY };

	curl_easy_setopt(c, opt, &cb);
}

/* An easy handle for GET path with the credentials and TLS settings. */
static CURL *request(struct ks_kube *k, const char *path, struct curl_slist **hdrs,
		     char *errbuf)
{
	size_t n = strlen(k->kc.server) + strlen(path) + 1;
	char *url = xmalloc(n), *tok;
	CURL *c = curl_easy_init();

	if (!c) {
		free(url);
		return NULL;
	}
	snprintf(url, n, "%s%s", k->kc.server, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = 0;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ksvcctl-sync");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (k->kc.ca.data)
		blob(c, CURLOPT_CAINFO_BLOB, &k->kc.ca);
	else if (k->kc.ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, k->kc.ca_file);
	if (k->kc.cert.data)
		blob(c, CURLOPT_SSLCERT_BLOB, &k->kc.cert);
	else if (k->kc.cert_file)
		curl_easy_setopt(c, CURLOPT_SSLCERT, k->kc.cert_file);
	if (k->kc.key.data)
		blob(c, CURLOPT_SSLKEY_BLOB, &k->kc.key);
	else if (k->kc.key_file)
		curl_easy_setopt(c, CURLOPT_SSLKEY, k->kc.key_file);
	*hdrs = curl_slist_append(NULL, "Accept: application/json");
	tok = token(k);
	if (tok) {
		char *h = xmalloc(strlen(tok) + 32);

		sprintf(h, "Authorization: Bearer %s", tok);
		*hdrs = curl_slist_append(*hdrs, h);
		memset(h, 0, strlen(h));
		free(h);
		memset(tok, 0, strlen(tok));
		free(tok);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
	return c;
}

static void count(long status)
{
	ks_kube_requests[status >= 100 && status < 600 ? status / 100 : 0]++;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct ks_req *w = arg;
	char *nl, *start;

	buf_add(&w->line, p, size * n);
	if (!w->fn)
		return size * n;
	start = w->line.data;
	while ((nl = memchr(start, '\n', w->line.len - (size_t)(start - w->line.data)))) {
		*nl = 0;
		if (nl > start)
			w->fn(w->arg, start, (size_t)(nl - start));
		start = nl + 1;
	}
	w->line.len -= (size_t)(start - w->line.data);
	memmove(w->line.data, start, w->line.len);
	w->line.data[w->line.len] = 0;
	return size * n;
}

static struct ks_req *req_start(struct ks_kube *k, const char *path,
				ks_line_fn fn, void *arg)
{
	struct ks_req *w = xcalloc(1, sizeof(*w));

	w->k = k;
	w->fn = fn;
	w->arg = arg;
	w->easy = request(k, path, &w->hdrs, w->errbuf);
	if (!w->easy) {
		w->done = 1;
		snprintf(w->errbuf, sizeof(w->errbuf), "libcurl: no handle");
		return w;
	}
	curl_easy_setopt(w->easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(w->easy, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->easy, CURLOPT_PRIVATE, w);
	curl_easy_setopt(w->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	return w;
}

/* Hand w to the multi handle; if it will not take it, w has ended. */
static struct ks_req *req_add(struct ks_req *w)
{
	CURLMcode rc = curl_multi_add_handle(w->k->multi, w->easy);

	if (rc != CURLM_OK) {
		snprintf(w->errbuf, sizeof(w->errbuf), "libcurl: %s", curl_multi_strerror(rc));
		curl_easy_cleanup(w->easy);
		w->easy = NULL;
		w->done = 1;
	}
	return w;
}

struct ks_req *ks_req_get(struct ks_kube *k, const char *path, long timeout_s)
{
	struct ks_req *w = req_start(k, path, NULL, NULL);

	if (w->easy) {
		curl_easy_setopt(w->easy, CURLOPT_TIMEOUT, timeout_s);
		req_add(w);
	}
	return w;
}

struct ks_req *ks_req_watch(struct ks_kube *k, const char *path, long idle_s,
			    ks_line_fn fn, void *arg)
{
	struct ks_req *w = req_start(k, path, fn, arg);

	if (w->easy) {
		/* Silence for idle_s seconds: the API server is hung, or the path to it. */
		curl_easy_setopt(w->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(w->easy, CURLOPT_LOW_SPEED_TIME, idle_s);
		req_add(w);
	}
	return w;
}

void ks_kube_poll(struct ks_kube *k, int timeout_ms, const int *fds,
		  const short *events, size_t n)
{
	struct curl_waitfd *wfd = xcalloc(n ? n : 1, sizeof(*wfd));
	struct CURLMsg *m;
	int running, left;
	size_t i;

	for (i = 0; i < n; i++) {
		wfd[i].fd = fds[i];
		wfd[i].events = (short)(((events[i] & POLLIN) ? CURL_WAIT_POLLIN : 0) |
					((events[i] & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		wfd[i].revents = 0;
	}
	curl_multi_perform(k->multi, &running);
	curl_multi_poll(k->multi, wfd, (unsigned int)n, timeout_ms, NULL);
	free(wfd);
	curl_multi_perform(k->multi, &running);
	while ((m = curl_multi_info_read(k->multi, &left))) {
		struct ks_req *w;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&w);
		w->done = 1;
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &w->status);
		if (m->data.result != CURLE_OK && !w->errbuf[0])
			snprintf(w->errbuf, sizeof(w->errbuf), "%s",
				 curl_easy_strerror(m->data.result));
		count(w->status);
	}
}

int ks_req_done(const struct ks_req *q, long *status, const char **msg)
{
	if (!q->done)
		return 0;
	*status = q->status;
	*msg = q->errbuf[0] ? q->errbuf : NULL;
	return 1;
}

char *ks_req_body(struct ks_req *q)
{
	char *b;

	if (!q->line.data)
		buf_add(&q->line, "", 0);
	b = q->line.data;
	q->line = (struct ks_buf){ 0 };
	return b;
}

void ks_req_stop(struct ks_req *q)
{
	if (!q)
		return;
	if (q->easy) {
		curl_multi_remove_handle(q->k->multi, q->easy);
		curl_easy_cleanup(q->easy);
	}
	curl_slist_free_all(q->hdrs);
	free(q->line.data);
	free(q);
}
