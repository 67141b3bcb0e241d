/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksvcctl's commands: each in its own cmd_<name>.c with its option table
 * and help; ksvcctl.c holds the table of them and main().  The helpers
 * every command uses are in cmd.c.
 */
#ifndef KS_CMD_H
#define KS_CMD_H

#include <stdio.h>

#include "nl.h"
#include "parse.h"

/*
 * One table of options per command: getopt's, the usage line, the bash
 * completion (ksvcctl __complete) and the man page check (make -C ctl
 * test) all come from it, so none of them can forget an option again.
 */
struct ks_opt {
	const char *name;	/* --name */
	int val;		/* getopt's value; a short option if 'short' */
	int flags;		/* KS_OPT_* */
	const char *arg;	/* the argument in the usage; NULL: none */
	const char *values;	/* completion: words, "@files", NULL: free */
};
enum {
	KS_OPT_SHORT = 1,	/* -c as well as --name */
	KS_OPT_REQUIRED = 2,	/* shown without brackets */
	KS_OPT_REPEAT = 4,	/* "[-f ...]" */
	KS_OPT_HIDDEN = 8,	/* accepted, not shown (a synonym) */
};

struct ks_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* positional arguments, before the options */
	const struct ks_opt *opts;	/* ends with a NULL name */
	const char *help;
};

#define OPT_FILE { "filename", 'f', KS_OPT_SHORT | KS_OPT_REQUIRED | KS_OPT_REPEAT, \
		   "FILE|DIR|-", "@files" }
#define OPT_SKIP { "skip-invalid", 's', 0, NULL, NULL }
#define OPT_EMPTY { "allow-empty", 'E', 0, NULL, NULL }
#define OPT_NODE { "node-name", 'N', 0, "NAME", NULL }
#define OPT_VERBOSE { "verbose", 'v', KS_OPT_SHORT, NULL, NULL }
#define OPT_PRUNE { "prune", 'P', 0, "true|false", "true false" }

/* The command running (main sets it): its options, its usage. */
extern const struct ks_cmd *ks_current;

void usage_line(FILE *f, const struct ks_cmd *c);
/* getopt_long over the current command's table. */
int ks_getopt(int argc, char **argv);
/* "ksvcctl CMD: <fmt with arg>" and the usage; returns KS_EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* --help or -h among the arguments: the command's help printed. */
int want_help(int argc, char **argv);
int open_nl(struct ks_nl **nl, const char *what);

/*
 * What apply, diff and validate read: the files of -f, and the options
 * that say how (--skip-invalid, --allow-empty, --node-name, -v).
 */
struct cmd_input {
	struct ks_input *in;
	struct ks_errors errs;
	struct ks_parse_opts po;
	int allow_empty, nfiles;
};
/* -1: out of memory. */
int cmd_input_init(struct cmd_input *ci);
/* Option c (with arg) if it is one of the input's: 1, else 0. */
int cmd_input_opt(struct cmd_input *ci, int c, const char *arg);
/* After the options: 0, or the usage error (no -f, a stray argument). */
int cmd_input_check_args(const struct cmd_input *ci, int argc);
void cmd_input_free(struct cmd_input *ci);

struct ks_plan;
/*
 * One transaction that carries plan out (or, with replace, swaps in the
 * whole of want), checked against the generation gen the plan was made
 * at.  KS_EXIT_OK, KS_STALE when the tables moved since (plan again), or
 * the exit status of the error, reported.
 */
#define KS_STALE 101	/* not an exit code */
int ks_apply_plan(struct ks_nl *nl, const struct ks_state *want,
		  const struct ks_plan *plan, int replace, uint64_t gen);
/* What a refused commit of n_changes is about: its service when one. */
const char *ks_commit_what(size_t n_changes, const struct ks_service *svc);

extern const struct ks_cmd ks_cmd_version;
extern const struct ks_cmd ks_cmd_apply;
extern const struct ks_cmd ks_cmd_diff;
extern const struct ks_cmd ks_cmd_validate;
extern const struct ks_cmd ks_cmd_get;
extern const struct ks_cmd ks_cmd_stats;
extern const struct ks_cmd ks_cmd_delete;
extern const struct ks_cmd ks_cmd_flush;
extern const struct ks_cmd ks_cmd_config;
extern const struct ks_cmd ks_cmd_sync;

#endif
