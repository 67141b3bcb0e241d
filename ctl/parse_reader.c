// SPDX-License-Identifier: GPL-2.0
/*
 * The reader: libyaml's events into trees of nodes that remember their
 * line and column (YAML, and JSON as YAML's flow syntax, and a stream of
 * JSON objects); duplicate keys, depth and aliases refused; the items of a
 * top-level List handed on one by one as they complete.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "jsonseq.h"
#include "parse_int.h"

int scalar_is(const struct node *n, const char *s)
{
	size_t len = strlen(s);

	return n->type == N_SCALAR && n->n == len && !memcmp(n->u.s, s, len);
}

/* null, ~ and an empty plain scalar mean "absent", as in JSON. */
int is_null(const struct node *n)
{
	return n->type == N_SCALAR && n->plain &&
	       (!n->n || scalar_is(n, "null") || scalar_is(n, "Null") ||
		scalar_is(n, "NULL") || scalar_is(n, "~"));
}

/* The value of key in a mapping; NULL when absent or null. */
const struct node *get(const struct node *map, const char *key)
{
	size_t i;

	if (!map || map->type != N_MAP)
		return NULL;
	for (i = 0; i < map->n; i++) {
		const struct node *v = map->u.kids[2 * i + 1];

		if (scalar_is(map->u.kids[2 * i], key))
			return is_null(v) ? NULL : v;
	}
	return NULL;
}

const struct node *item(const struct node *seq, size_t i)
{
	return seq->u.kids[i];
}


void perr(struct pctx *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void perr(struct pctx *p, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ks_errors_add(&p->held, "%s:%d:%d: %s", p->file, line, col, msg);
}

void note(struct ks_input *in, int foreign, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void note(struct ks_input *in, int foreign, const char *fmt, ...)
{
	struct in_note *n;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	grow(&in->notes, &in->cap_notes, in->n_notes + 1, sizeof(*in->notes));
	n = &in->notes[in->n_notes++];
	n->doc = in->doc;
	n->foreign = foreign;
	n->text = xstrdup(buf);
}

/*
 * Documents.  Each has a number (in->doc) that every record it adds
 * carries, and its errors wait in p->held until it ends.  A broken
 * document drops its records (its errors stand); one whose items were
 * read as a List's but that turns out to be no List drops its records and
 * errors, and is read again as one object.  What a document adds is the
 * tail of each array, so it drops by cutting the tails that carry its
 * number.
 */
static void doc_begin(struct pctx *p)
{
	p->root = NULL;
	p->bad = 0;
	p->depth = 0;
	p->n_pend = 0;
	p->streamed = 0;
	p->in->doc++;
}

#define DROP_TAIL(arr, n, d)						\
	do {								\
		while ((n) && (arr)[(n) - 1]->doc == (d))		\
			(n)--;						\
	} while (0)

static void doc_drop(struct pctx *p)
{
	struct ks_input *in = p->in;

	DROP_TAIL(in->svcs, in->n_svcs, in->doc);
	DROP_TAIL(in->slices, in->n_slices, in->doc);
	DROP_TAIL(in->eps, in->n_eps, in->doc);
	DROP_TAIL(in->pods, in->n_pods, in->doc);
	DROP_TAIL(in->nodes, in->n_nodes, in->doc);
	notes_drop(in, in->doc);
}

static void doc_end(struct pctx *p)
{
	if (p->bad) {
		doc_drop(p);
	} else if (p->root && !is_list_kind(get(p->root, "kind"))) {
		/* Items streamed from a document that is no List. */
		doc_drop(p);
		ks_errors_free(&p->held);
		p->streamed = 0;
		process_object(p, p->root, "", NULL);
	} else if (p->root) {
		process_object(p, p->root, "", NULL);
	}
	errors_move(p->errs, &p->held);
	arena_free(&p->doc);
	/* A syntax error between documents must not undo this one. */
	doc_begin(p);
}

static void doc_fail(struct pctx *p, const struct node *at, const char *msg)
{
	perr(p, at->line, at->col, "%s", msg);
	p->bad = 1;
}

/* A field of the root mapping, among those read so far. */
static const struct node *root_field(const struct pctx *p, const char *key)
{
	size_t i, end = p->depth > 1 ? p->frames[1].base : p->n_pend;

	for (i = p->frames[0].base; i + 1 < end; i += 2)
		if (scalar_is(p->pend[i], key))
			return p->pend[i + 1];
	return NULL;
}

/*
 * An item without kind or apiVersion needs the List's, which YAML may
 * give after the items (kubectl sorts the keys: "items" before "kind").
 * Until the List's are known, such an item and the rest of the items stay
 * in the tree, to be processed at the end of the document.
 */
static int stream_stops(struct pctx *p, const struct node *n)
{
	const struct node *kind = root_field(p, "kind");
	struct frame *f = &p->frames[p->depth - 1];

	if (n->type != N_MAP || (get(n, "kind") && get(n, "apiVersion")))
		return 0;
	if (kind && (!is_list_kind(kind) || kind->n == 4 ||
		     root_field(p, "apiVersion")))
		return 0;
	f->items = 0;
	p->streamed = f->n_items;
	return 1;
}

/* A complete node: into its parent, or processed at once (List items). */
void add_node(struct pctx *p, struct node *n)
{
	struct frame *f;

	if (!p->depth) {
		p->root = n;
		return;
	}
	f = &p->frames[p->depth - 1];
	if (f->node->type == N_MAP && !((p->n_pend - f->base) & 1) &&
	    n->type != N_SCALAR) {
		doc_fail(p, n, "mapping keys must be strings");
		return;
	}
	if (f->items && !stream_stops(p, n)) {
		char where[32];
		struct list_ctx lc;

		list_ctx_of(&lc, root_field(p, "kind"), root_field(p, "apiVersion"));
		snprintf(where, sizeof(where), "items[%zu]", f->n_items++);
		process_object(p, n, where, &lc);
		arena_release(&p->doc, f->mark);
		return;
	}
	grow(&p->pend, &p->cap_pend, p->n_pend + 1, sizeof(*p->pend));
	p->pend[p->n_pend++] = n;
}

/* A libyaml mark as 1-based line and column of the input. */
static void input_pos(const struct pctx *p, const yaml_mark_t *m, int *line,
		      int *col)
{
	size_t l = m->line, c = m->column;

	if (p->js)
		ks_jsonseq_mark(p->js, &l, &c);
	*line = (int)l + 1;
	*col = (int)c + 1;
}

static struct node *new_node(struct pctx *p, int type, const yaml_mark_t *m)
{
	struct node *n = arena_zalloc(&p->doc, sizeof(*n));

	n->type = type;
	input_pos(p, m, &n->line, &n->col);
	return n;
}

static void open_collection(struct pctx *p, int type, const yaml_mark_t *m)
{
	struct node *n = new_node(p, type, m);
	struct frame *f;

	/*
	 * Stop reading the file: libyaml's own work per token grows with
	 * the nesting depth, so 100,000 "[" would cost it minutes.
	 */
	if (p->depth == MAX_DEPTH) {
		doc_fail(p, n, "nested deeper than 64 levels");
		p->stop = 1;
		return;
	}
	f = &p->frames[p->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->base = p->n_pend;
	/* The root mapping's "items" list: its items are streamed. */
	if (type == N_SEQ && p->depth == 2 &&
	    p->frames[0].node->type == N_MAP &&
	    ((p->n_pend - p->frames[0].base) & 1) &&
	    scalar_is(p->pend[p->n_pend - 1], "items")) {
		f->items = 1;
		f->mark = arena_mark(&p->doc);
	}
}

static int key_qsort_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;
	size_t n = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->u.s, y->u.s, n);

	if (!r && x->n != y->n)
		r = x->n < y->n ? -1 : 1;
	if (!r)
		r = x->line != y->line ? (x->line < y->line ? -1 : 1) :
		    (x->col < y->col ? -1 : x->col > y->col);
	return r;
}

/*
 * Two equal keys in a mapping: YAML forbids it, JSON leaves it undefined,
 * and the API server rejects it, so the reader of the file cannot know
 * which one we would use.  The second one (in input order) is reported.
 */
static const struct node *dup_key(struct pctx *p, struct node *const *kids,
				  size_t n)
{
	const struct node *found = NULL, **v;
	size_t i, j;

	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (kids[2 * i]->n == kids[2 * j]->n &&
				    !memcmp(kids[2 * i]->u.s, kids[2 * j]->u.s,
					    kids[2 * i]->n))
					return kids[2 * i];
		return NULL;
	}
	/* Sorted, so a hostile mapping of 100,000 keys stays cheap. */
	v = arena_alloc(&p->doc, n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = kids[2 * i];
	qsort(v, n, sizeof(*v), key_qsort_cmp);
	for (i = 1; i < n; i++)
		if (v[i]->n == v[i - 1]->n &&
		    !memcmp(v[i]->u.s, v[i - 1]->u.s, v[i]->n) &&
		    (!found || v[i]->line < found->line ||
		     (v[i]->line == found->line && v[i]->col < found->col)))
			found = v[i];
	return found;
}

static void close_collection(struct pctx *p)
{
	struct frame *f = &p->frames[--p->depth];
	struct node *n = f->node;
	size_t cnt = p->n_pend - f->base;

	if (cnt) {
		n->u.kids = arena_alloc(&p->doc, cnt * sizeof(*n->u.kids));
		memcpy(n->u.kids, p->pend + f->base, cnt * sizeof(*n->u.kids));
	}
	p->n_pend = f->base;
	n->n = n->type == N_MAP ? cnt / 2 : cnt;
	if (n->type == N_MAP && n->n > 1) {
		const struct node *d = dup_key(p, n->u.kids, n->n);

		if (d) {
			char msg[128];

			snprintf(msg, sizeof(msg), "duplicate key \"%.*s\"",
				 SHOWN(d));
			doc_fail(p, d, msg);
			return;
		}
	}
	add_node(p, n);
}

static void on_scalar(struct pctx *p, const yaml_event_t *ev)
{
	struct node *n = new_node(p, N_SCALAR, &ev->start_mark);

	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->n = ev->data.scalar.length;
	n->u.s = arena_strndup(&p->doc, (const char *)ev->data.scalar.value,
			       n->n);
	add_node(p, n);
}

static void on_event(struct pctx *p, const yaml_event_t *ev)
{
	if (ev->type == YAML_DOCUMENT_END_EVENT)
		doc_end(p);
	if (p->bad)
		return;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		on_scalar(p, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		open_collection(p, N_SEQ, &ev->start_mark);
		break;
	case YAML_MAPPING_START_EVENT:
		open_collection(p, N_MAP, &ev->start_mark);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(p);
		break;
	case YAML_ALIAS_EVENT:
		/*
		 * kubectl never writes aliases, and expanding them is how a
		 * small document becomes a huge one ("billion laughs").
		 */
		doc_fail(p, new_node(p, N_SCALAR, &ev->start_mark),
			 "YAML aliases are not supported");
		break;
	default:
		break;
	}
}

/*
 * The input's text, for a syntax error: the buffer, or a regular file
 * read again (never stdin or a pipe: they cannot be read twice, and
 * opening a FIFO again would wait for a writer).  NULL when there is none;
 * *own is what to free.
 */
static const char *source_text(const struct pctx *p, size_t *len, char **own)
{
	struct stat st;
	size_t n;
	FILE *f;

	*own = NULL;
	if (p->buf) {
		*len = p->len;
		return p->buf;
	}
	if (p->is_stdin || stat(p->file, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > (1 << 30))
		return NULL;
	f = fopen(p->file, "rb");
	if (!f)
		return NULL;
	*own = xmalloc((size_t)st.st_size + 1);
	n = fread(*own, 1, (size_t)st.st_size, f);
	fclose(f);
	*len = n;
	return *own;
}

/* Byte offset of LINE:COL (1-based; columns count characters); len past the end. */
static size_t text_offset(const char *s, size_t len, int line, int col)
{
	size_t i = 0;
	int l = 1, c = 1;

	for (; i < len && l < line; i++)
		l += s[i] == '\n';
	if (l < line)
		return len;
	for (; i < len && c < col && s[i] != '\n'; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* LINE:COL of byte offset off. */
static void text_pos(const char *s, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

/* LINE of the text, trimmed, at most len-1 bytes; "" past the end. */
static void source_line(const char *s, size_t n, int line, char *buf, size_t len)
{
	size_t off = text_offset(s, n, line, 1), end;
	int l, c;

	buf[0] = 0;
	if (off >= n)
		return;
	text_pos(s, off, &l, &c);
	if (l != line)
		return;
	end = off;
	while (end < n && s[end] != '\n')
		end++;
	while (off < end && (s[off] == ' ' || s[off] == '\t'))
		off++;
	while (end > off && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
			     s[end - 1] == '\r'))
		end--;
	snprintf(buf, len, "%.*s%s", (int)(end - off > 60 ? 60 : end - off),
		 s + off, end - off > 60 ? "..." : "");
	/* Only printable text goes into a one-line message. */
	for (; *buf; buf++)
		if ((unsigned char)*buf < 0x20 || *buf == 0x7f)
			*buf = '?';
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * libyaml's problem mark is where it noticed, often past the mistake.
 * An unclosed quote is noticed at the end of the stream: its context mark
 * (where the scalar began) is the place to fix, and so is an unclosed
 * YAML flow collection's.  In JSON, a flow error where a token was found
 * is a missing ',' (or ':'): it belongs right after the token before;
 * one at the end of the input is an unclosed '{' or '[', at its context
 * mark.  A block collection's context is where the collection began, far
 * from the mistake: there the problem mark is the better place.
 */
static void syntax_error(struct pctx *p, const yaml_parser_t *yp)
{
	const char *problem = yp->problem ? yp->problem : "cannot parse";
	const char *ctx = yp->context, *s;
	yaml_mark_t at = yp->problem_mark;
	int line, col, flow, json;
	size_t n = 0, off;
	char text[80], *own;

	if (yp->error == YAML_READER_ERROR) {
		ks_errors_add(&p->held, "%s: byte %zu: %s", p->file,
			      yp->problem_offset, problem);
		return;
	}
	flow = ctx && (strstr(ctx, "flow mapping") || strstr(ctx, "flow sequence"));
	json = p->js && p->js->mode == 1;
	if (ctx && (strstr(ctx, "quoted scalar") || strstr(ctx, "simple key") ||
		    (flow && !json)))
		at = yp->context_mark;
	input_pos(p, &at, &line, &col);
	s = source_text(p, &n, &own);
	if (s && flow && json) {
		off = text_offset(s, n, line, col);
		while (off < n && blank(s[off]))
			off++;
		if (off < n) {
			/* a token where a ',' belongs: just after the one before */
			while (off > 0 && blank(s[off - 1]))
				off--;
			text_pos(s, off, &line, &col);
		} else {
			at = yp->context_mark;
			input_pos(p, &at, &line, &col);
		}
	}
	if (s)
		source_line(s, n, line, text, sizeof(text));
	else
		text[0] = 0;
	free(own);
	perr(p, line, col, "%s%s%s%s%s", problem,
	     ctx ? " " : "", ctx ? ctx : "", text[0] ? ": " : "", text);
}

static int parse_stream(struct ks_input *in, yaml_parser_t *yp,
			const struct ks_jsonseq *js, const char *name,
			const char *buf, size_t len, int is_stdin,
			struct ks_errors *errs)
{
	struct pctx p;
	size_t n0 = errs->n;

	memset(&p, 0, sizeof(p));
	p.in = in;
	p.errs = errs;
	p.js = js;
	p.buf = buf;
	p.len = len;
	p.is_stdin = is_stdin;
	grow(&in->files, &in->cap_files, in->n_files + 1, sizeof(*in->files));
	in->files[in->n_files] = xstrdup(name);
	p.file = in->files[in->n_files];
	p.file_idx = in->n_files++;
	doc_begin(&p);
	for (;;) {
		yaml_event_t ev;
		int done;

		if (!yaml_parser_parse(yp, &ev)) {
			syntax_error(&p, yp);
			/* A broken document's objects are not trusted. */
			doc_drop(&p);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(&p, &ev);
		yaml_event_delete(&ev);
		if (p.stop)
			doc_drop(&p);
		if (done || p.stop)
			break;
	}
	errors_move(errs, &p.held);
	arena_free(&p.doc);
	free(p.pend);
	in->n_errors += errs->n - n0;
	return errs->n - n0;
}

int ks_input_add_buffer(struct ks_input *in, const char *name,
			const char *buf, size_t len, struct ks_errors *errs)
{
	struct ks_jsonseq js;
	yaml_parser_t yp;
	int r;

	if (!yaml_parser_initialize(&yp)) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	ks_jsonseq_init_buffer(&js, buf, len);
	yaml_parser_set_input(&yp, ks_jsonseq_read, &js);
	r = parse_stream(in, &yp, &js, name, buf, len, 0, errs);
	yaml_parser_delete(&yp);
	ks_jsonseq_free(&js);
	return r;
}

int ks_input_add_file(struct ks_input *in, const char *path,
		      struct ks_errors *errs)
{
	int is_stdin = !strcmp(path, "-");
	struct ks_jsonseq js;
	yaml_parser_t yp;
	FILE *f;
	int r;

	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		ks_errors_add(errs, "%s: %s", path, strerror(errno));
		in->n_errors++;
		return 1;
	}
	if (!yaml_parser_initialize(&yp)) {
		fputs("ksvcctl: out of memory\n", stderr);
		exit(1);
	}
	ks_jsonseq_init_file(&js, f);
	yaml_parser_set_input(&yp, ks_jsonseq_read, &js);
	r = parse_stream(in, &yp, &js, is_stdin ? "<stdin>" : path, NULL, 0,
			 is_stdin, errs);
	yaml_parser_delete(&yp);
	ks_jsonseq_free(&js);
	if (ferror(f)) {
		ks_errors_add(errs, "%s: read error", path);
		in->n_errors++;
		r++;
	}
	if (!is_stdin)
		fclose(f);
	return r;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a > b && !strcmp(s + a - b, suffix);
}

static int str_qsort_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ks_input_add_path(struct ks_input *in, const char *path,
		      struct ks_errors *errs)
{
	char **names = NULL, full[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int r = 0;
	DIR *d;

	if (!strcmp(path, "-") || !(d = opendir(path))) {
		if (errno == ENOTDIR || errno == ENOENT || !strcmp(path, "-"))
			return ks_input_add_file(in, path, errs);
		ks_errors_add(errs, "%s: %s", path, strerror(errno));
		in->n_errors++;
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    !(has_suffix(de->d_name, ".yaml") ||
		      has_suffix(de->d_name, ".yml") ||
		      has_suffix(de->d_name, ".json")))
			continue;
		grow(&names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), str_qsort_cmp);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		r += ks_input_add_file(in, full, errs);
		free(names[i]);
	}
	free(names);
	return r;
}
