/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stream of JSON values, one after another ({...}{...}, or one per line,
 * as kubectl accepts and as `kubectl get -o json --watch` and many tools
 * write), read as YAML documents: libyaml takes one JSON object as a YAML
 * flow mapping, but a second one without a "---" is a syntax error to it.
 *
 * ks_jsonseq is a libyaml input handler that passes its input through and,
 * when the input is JSON (its first non-blank byte is '{' or '['), starts
 * a new document ("\n--- ") before each top-level value after the first
 * (until something that is no JSON value follows one: from there on,
 * say after a "---", the input is YAML and passes through as it is).
 * Each insertion adds a line, so ks_jsonseq_mark() maps libyaml's marks
 * back to the line and column of the input.  Any other input passes
 * through unchanged.
 */
#ifndef KSVC_JSONSEQ_H
#define KSVC_JSONSEQ_H

#include <stddef.h>
#include <stdio.h>

struct ks_jsonseq_split {
	size_t line;	/* the line of libyaml's input where a value begins */
	size_t col;	/* its column in the input (libyaml sees 4) */
};

struct ks_jsonseq {
	FILE *f;			/* the input: a file, or */
	const unsigned char *buf;	/* a buffer */
	size_t len, pos;
	int mode;			/* 0 undecided, 1 JSON, 2 other */
	int depth, in_str, esc, in_sq, closed;
	int bom;			/* bytes of a UTF-8 BOM seen */
	size_t line, col;		/* of the next input byte, 0-based */
	unsigned char out[8];		/* what is still to be handed out */
	size_t n_out, i_out;
	struct ks_jsonseq_split *splits;
	size_t n_splits, cap_splits;
};

void ks_jsonseq_init_file(struct ks_jsonseq *j, FILE *f);
void ks_jsonseq_init_buffer(struct ks_jsonseq *j, const char *buf, size_t len);
void ks_jsonseq_free(struct ks_jsonseq *j);

/* yaml_read_handler_t: data is the struct ks_jsonseq. */
int ks_jsonseq_read(void *data, unsigned char *buffer, size_t size,
		    size_t *size_read);

/* A libyaml mark (0-based line and column) to the input's, in place. */
void ks_jsonseq_mark(const struct ks_jsonseq *j, size_t *line, size_t *col);

#endif
