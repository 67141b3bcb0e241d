// SPDX-License-Identifier: GPL-2.0
/*
 * Error lists: every message of a run, one line each, capped.
 */
#include "parse_int.h"

void ks_errors_init(struct ks_errors *e)
{
	memset(e, 0, sizeof(*e));
}

void ks_errors_free(struct ks_errors *e)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		free(e->msgs[i]);
	free(e->msgs);
	ks_errors_init(e);
}

void ks_errors_add(struct ks_errors *e, const char *fmt, ...)
{
	char buf[1024], *c;
	va_list ap;

	e->n++;
	if (e->n_msgs >= KS_ERRORS_KEEP)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Values come from the input: keep every error on one line. */
	for (c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	grow(&e->msgs, &e->cap, e->n_msgs + 1, sizeof(*e->msgs));
	e->msgs[e->n_msgs++] = xstrdup(buf);
}

/* Append from's errors to to's (within its cap); from is left empty. */
void errors_move(struct ks_errors *to, struct ks_errors *from)
{
	size_t i;

	for (i = 0; i < from->n_msgs; i++) {
		if (to->n_msgs < KS_ERRORS_KEEP) {
			grow(&to->msgs, &to->cap, to->n_msgs + 1,
			     sizeof(*to->msgs));
			to->msgs[to->n_msgs++] = from->msgs[i];
		} else {
			free(from->msgs[i]);
		}
	}
	to->n += from->n;
	from->n_msgs = 0;
	ks_errors_free(from);
}

void ks_errors_print(const struct ks_errors *e, FILE *f)
{
	size_t i;

	for (i = 0; i < e->n_msgs; i++)
		fprintf(f, "%s\n", e->msgs[i]);
	if (e->n > e->n_msgs)
		fprintf(f, "... and %zu more errors\n", e->n - e->n_msgs);
}
