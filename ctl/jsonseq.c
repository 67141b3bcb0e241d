// SPDX-License-Identifier: GPL-2.0
/*
 * A stream of JSON values as YAML documents (see jsonseq.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonseq.h"

#define SEP "\n--- "		/* a new document, on a line of its own */
#define SEP_COL 4		/* where the value then begins */

void ks_jsonseq_init_file(struct ks_jsonseq *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

void ks_jsonseq_init_buffer(struct ks_jsonseq *j, const char *buf, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->buf = (const unsigned char *)buf;
	j->len = len;
}

void ks_jsonseq_free(struct ks_jsonseq *j)
{
	free(j->splits);
	j->splits = NULL;
	j->n_splits = j->cap_splits = 0;
}

static int next_byte(struct ks_jsonseq *j)
{
	if (j->f)
		return getc(j->f);
	return j->pos < j->len ? j->buf[j->pos++] : EOF;
}

static int blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A new document before the byte at (line, col): record where. */
static int split(struct ks_jsonseq *j)
{
	if (j->n_splits == j->cap_splits) {
		size_t cap = j->cap_splits ? 2 * j->cap_splits : 16;
		void *v = realloc(j->splits, cap * sizeof(*j->splits));

		if (!v)
			return -1;
		j->splits = v;
		j->cap_splits = cap;
	}
	j->splits[j->n_splits].line = j->line + j->n_splits + 1;
	j->splits[j->n_splits].col = j->col;
	j->n_splits++;
	memcpy(j->out, SEP, strlen(SEP));
	j->n_out = strlen(SEP);
	j->i_out = 0;
	return 0;
}

/* The JSON structure outside strings: where a top-level value ends. */
static void track(struct ks_jsonseq *j, int c)
{
	if (j->in_str) {
		if (j->esc)
			j->esc = 0;
		else if (c == '\\')
			j->esc = 1;
		else if (c == '"')
			j->in_str = 0;
	} else if (j->in_sq) {
		/* YAML's single quotes ('' inside is two toggles) */
		j->in_sq = c != '\'';
	} else if (c == '\'') {
		j->in_sq = 1;
	} else if (c == '"') {
		j->in_str = 1;
	} else if (c == '{' || c == '[') {
		j->depth++;
	} else if ((c == '}' || c == ']') && j->depth > 0 && !--j->depth) {
		j->closed = 1;
	}
	if (c == '\n') {
		j->line++;
		j->col = 0;
	} else if ((c & 0xc0) != 0x80) {
		j->col++;	/* libyaml counts characters, not bytes */
	}
}

int ks_jsonseq_read(void *data, unsigned char *buffer, size_t size,
		    size_t *size_read)
{
	struct ks_jsonseq *j = data;
	size_t n = 0;
	int c;

	while (n < size) {
		if (j->i_out < j->n_out) {
			buffer[n++] = j->out[j->i_out++];
			continue;
		}
		c = next_byte(j);
		if (c == EOF)
			break;
		/* A UTF-8 byte order mark decides nothing (libyaml skips it). */
		if (!j->mode && j->bom < 3 && c == (unsigned char)"\xef\xbb\xbf"[j->bom] &&
		    j->line == 0 && j->col == 0) {
			j->bom++;
			buffer[n++] = (unsigned char)c;
			continue;
		}
		if (!j->mode && !blank(c))
			j->mode = c == '{' || c == '[' ? 1 : 2;
		if (j->mode == 1 && j->closed && !j->in_str && !blank(c) &&
		    c != '{' && c != '[')
			j->mode = 2;	/* JSON, then YAML ("---"): as it is */
		if (j->mode == 1 && j->closed && !j->in_str && !blank(c)) {
			j->closed = 0;
			if (split(j))
				return 0;	/* out of memory: a reader error */
			j->out[j->n_out++] = (unsigned char)c;
			track(j, c);
			continue;
		}
		/* Positions count from the start, blanks before the JSON too. */
		if (j->mode != 2)
			track(j, c);
		buffer[n++] = (unsigned char)c;
	}
	if (j->f && ferror(j->f))
		return 0;
	*size_read = n;
	return 1;
}

void ks_jsonseq_mark(const struct ks_jsonseq *j, size_t *line, size_t *col)
{
	size_t lo = 0, hi = j->n_splits;

	/* The last split at or before the line: k splits, k lines added. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (j->splits[mid].line <= *line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return;
	if (j->splits[lo - 1].line == *line)
		*col = *col >= SEP_COL ? *col - SEP_COL + j->splits[lo - 1].col : 0;
	*line -= lo;
}
