/* test_zone.c -- golden zone files: parse, store, check; the records and
 * the findings of data/NN_topic.zone against data/NN_topic.out */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

/*
 * Each data/NN_topic.zone starts with a comment naming its origin:
 *
 *	; origin: example.org.
 *
 * The test parses it with zone_parse_file, stores every record, finishes
 * the store and runs zone_check, then writes
 *   - every stored record in canonical order, as `mxkit zone print --sort`
 *     does: owner TAB TTL TAB class TAB type TAB rdata, the SOA first at
 *     its node and the other RRsets by type number;
 *   - every diagnostic as "file:line:col: CODE", file as its base name
 *     ("-" when a finding has no file), sorted by file, line, column and
 *     code as `mxkit zone check` sorts them;
 * and compares that with data/NN_topic.out, line by line. The same file
 * loaded with zone_load_file (parser and store on two threads) must give
 * the same text.
 *
 * The data directory is $MXKIT_SRCDIR/tests/unit/zone/data, MXKIT_SRCDIR
 * defaulting to "." (prove runs from the top of the tree). With
 * MXKIT_REGEN=1 the .out files are rewritten instead (see regen.sh); the
 * diff is then for a person to review.
 */
#define DATA_DIR	"tests/unit/zone/data"
#define LINE_MAX_TEXT	(65536 * 2 + 1024)	/* \# 65535 in hex, names */

struct finding {
	char *file;			/* base name */
	unsigned line, col;
	char *code;
};

struct out {
	char *buf;			/* the text produced */
	size_t len, cap;
	struct finding *f;
	size_t nf, fcap;
};

static void
out_add(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if ((size_t)n < o->cap - o->len)
			break;
		o->cap = (o->cap + (size_t)n + 1) * 2;
		o->buf = realloc(o->buf, o->cap);
		assert_non_null(o->buf);
	}
	o->len += (size_t)n;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The diagnostic sink: keeps where and what, not the message. */
static void
collect(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg)
{
	struct out *o = ud;
	struct finding *f;

	(void)level;
	(void)msg;
	if (o->nf == o->fcap) {
		o->fcap = o->fcap ? o->fcap * 2 : 32;
		o->f = realloc(o->f, o->fcap * sizeof(*o->f));
		assert_non_null(o->f);
	}
	f = &o->f[o->nf++];
	f->file = strdup(w != NULL && w->file != NULL ? base_name(w->file) :
	    "-");
	f->line = w != NULL ? w->line : 0;
	f->col = w != NULL ? w->col : 0;
	f->code = strdup(code);
	assert_non_null(f->file);
	assert_non_null(f->code);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int r = strcmp(x->file, y->file);

	if (r != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int
accept_rr(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	void **u = ud;
	int r = zone_store_add(u[0], rr, w, u[1]);

	/* Out-of-zone records are reported by the store and skipped. */
	return r == MX_EINVAL ? 0 : r;
}

static int
cmp_rrset(const void *a, const void *b)
{
	const struct zone_rrset *x = *(const struct zone_rrset *const *)a;
	const struct zone_rrset *y = *(const struct zone_rrset *const *)b;

	/* The SOA first, then by type number (mxkit zone print --sort). */
	if ((x->type == DNS_TYPE_SOA) != (y->type == DNS_TYPE_SOA))
		return x->type == DNS_TYPE_SOA ? -1 : 1;
	return (x->type > y->type) - (x->type < y->type);
}

static int
print_node(void *ud, const struct zone_node *n)
{
	struct out *o = ud;
	const struct zone_rrset *s, *v[256];
	const struct zone_rdata *rd;
	char on[DNS_NAME_TEXT_MAX], cn[16], tn[16];
	static char line[LINE_MAX_TEXT];
	size_t k = 0, i;

	for (s = n->rrsets; s != NULL; s = s->next) {
		assert_true(k < 256);
		v[k++] = s;
	}
	qsort(v, k, sizeof(*v), cmp_rrset);
	assert_true(dns_name_to_text(n->name, n->name_len, on, sizeof(on)) >
	    0);
	for (i = 0; i < k; i++) {
		for (rd = v[i]->rdata; rd != NULL; rd = rd->next) {
			assert_true(dns_rdata_to_text(v[i]->type, rd->data,
			    rd->len, line, sizeof(line), 0) >= 0);
			out_add(o, "%s\t%u\t%s\t%s\t%s\n", on,
			    (unsigned)v[i]->ttl,
			    dns_class_to_text(v[i]->rclass, cn),
			    dns_type_to_text(v[i]->type, tn), line);
		}
	}
	return 0;
}

/* Reads the origin from the first line, "; origin: NAME". */
static void
read_origin(const char *path, uint8_t origin[DNS_NAME_MAX], size_t *len)
{
	static const char tag[] = "; origin: ";
	char first[1024];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	if (fgets(first, sizeof(first), fp) == NULL)
		first[0] = '\0';
	fclose(fp);
	if (strncmp(first, tag, sizeof(tag) - 1) != 0)
		fail_msg("%s: the first line must be '%sNAME'", path, tag);
	n = strcspn(first + sizeof(tag) - 1, " \t\r\n");
	if (dns_name_from_text(first + sizeof(tag) - 1, n, NULL, 0, origin,
	    len, NULL) != 0)
		fail_msg("%s: bad origin on the first line", path);
}

/* How the records get into the store. */
enum load_mode {
	LOAD_PARSE,		/* zone_parse_file, zone_store_add per record */
	LOAD_THREADS,		/* zone_load_file: parser and store threads */
};

/* Parses, stores and checks one zone file; the result text in o->buf. */
static void
run_zone(const char *path, struct out *o, enum load_mode mode)
{
	uint8_t origin[DNS_NAME_MAX];
	size_t olen, i;
	struct mx_diag d = { collect, o, 0, 0, 0, ZONE_MAX_ERRORS };
	struct zone_parse_opts po;
	struct zone_store *z;
	void *u[2];
	int r;

	read_origin(path, origin, &olen);
	z = zone_store_new(origin, olen, NULL);
	assert_non_null(z);
	u[0] = z;
	u[1] = &d;
	memset(&po, 0, sizeof(po));
	po.file = path;
	po.origin = origin;
	po.origin_len = olen;
	po.diag = &d;
	po.accept = accept_rr;
	po.ud = u;
	r = mode == LOAD_PARSE ? zone_parse_file(&po) : zone_load_file(z, &po);
	if (r != 0 && r != MX_ESYNTAX)
		fail_msg("%s: %s: %s", path, mode == LOAD_PARSE ?
		    "zone_parse_file" : "zone_load_file", mx_errname(r));
	assert_int_equal(zone_store_finish(z, &d), 0);
	assert_int_equal(zone_check(z, &d), 0);
	assert_int_equal(zone_store_walk_sorted(z, print_node, o), 0);
	zone_store_free(z);
	qsort(o->f, o->nf, sizeof(*o->f), cmp_finding);
	for (i = 0; i < o->nf; i++)
		out_add(o, "%s:%u:%u: %s\n", o->f[i].file, o->f[i].line,
		    o->f[i].col, o->f[i].code);
}

static void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->nf; i++) {
		free(o->f[i].file);
		free(o->f[i].code);
	}
	free(o->f);
	free(o->buf);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Splits text into lines in place (NUL at each newline). */
static size_t
split_lines(char *s, size_t len, char ***lines)
{
	size_t n = 0, cap = 16, i, start = 0;
	char **v = malloc(cap * sizeof(*v));

	assert_non_null(v);
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n')
			continue;
		if (i == len && start == len)
			break;		/* no partial last line */
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		s[i] = '\0';
		v[n++] = s + start;
		start = i + 1;
	}
	*lines = v;
	return n;
}

/*
 * Prints the difference of two line lists as "-expected" / "+got" lines
 * (a longest common subsequence; golden files are small).
 */
static void
print_diff(char **a, size_t na, char **b, size_t nb)
{
	size_t i, j, *t = calloc((na + 1) * (nb + 1), sizeof(*t));

	assert_non_null(t);
#define T(i, j) t[(i) * (nb + 1) + (j)]
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			T(i, j) = strcmp(a[i], b[j]) == 0 ? T(i + 1, j + 1) + 1 :
			    (T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) :
			    T(i, j + 1));
	for (i = 0, j = 0; i < na || j < nb;) {
		if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
			i++;
			j++;
		} else if (i < na && (j == nb || T(i + 1, j) >= T(i, j + 1))) {
			print_message("# -%s\n", a[i++]);
		} else {
			print_message("# +%s\n", b[j++]);
		}
	}
#undef T
	free(t);
}

struct golden {
	char *name;			/* NN_topic, the test's name */
	char *zone, *expect;		/* paths */
};

static void
golden_run(void **state)
{
	const struct golden *g = *state;
	struct out o = { 0 }, t = { 0 };
	char *want, **wl, **gl;
	size_t wlen = 0, nw, ng;
	const char *regen = getenv("MXKIT_REGEN");

	run_zone(g->zone, &o, LOAD_PARSE);
	if (o.buf == NULL)
		out_add(&o, "%s", "");
	/* zone_load_file promises the store a single-threaded load makes,
	 * and the same findings (sorted, since the threads interleave). */
	run_zone(g->zone, &t, LOAD_THREADS);
	if (t.buf == NULL)
		out_add(&t, "%s", "");
	if (t.len != o.len || memcmp(t.buf, o.buf, o.len) != 0) {
		nw = split_lines(o.buf, o.len, &wl);
		ng = split_lines(t.buf, t.len, &gl);
		print_message("# zone_load_file differs from zone_parse_file "
		    "(-parse +load):\n");
		print_diff(wl, nw, gl, ng);
		free(wl);
		free(gl);
		out_free(&o);
		out_free(&t);
		fail_msg("%s: zone_load_file and zone_parse_file differ",
		    g->name);
	}
	out_free(&t);
	if (regen != NULL && strcmp(regen, "1") == 0) {
		FILE *fp = fopen(g->expect, "w");

		if (fp == NULL)
			fail_msg("cannot write %s: %s", g->expect,
			    strerror(errno));
		assert_int_equal(fwrite(o.buf, 1, o.len, fp), o.len);
		assert_int_equal(fclose(fp), 0);
		out_free(&o);
		return;
	}
	want = slurp(g->expect, &wlen);
	if (want == NULL) {
		ng = split_lines(o.buf, o.len, &gl);
		for (nw = 0; nw < ng; nw++)
			print_message("# %s\n", gl[nw]);
		free(gl);
		out_free(&o);
		fail_msg("no %s (regen.sh writes it from the output above)",
		    g->expect);
	}
	if (wlen == o.len && memcmp(want, o.buf, wlen) == 0) {
		free(want);
		out_free(&o);
		return;
	}
	nw = split_lines(want, wlen, &wl);
	ng = split_lines(o.buf, o.len, &gl);
	print_message("# %s differs (-expected +got):\n", g->expect);
	print_diff(wl, nw, gl, ng);
	free(wl);
	free(gl);
	free(want);
	out_free(&o);
	fail_msg("%s: output differs from %s", g->name, g->expect);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True for "NN_topic.zone": two digits, an underscore, ".zone". */
static int
golden_name(const char *s)
{
	size_t n = strlen(s);

	return n > 8 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
	    s[1] <= '9' && s[2] == '_' && strcmp(s + n - 5, ".zone") == 0;
}

int
main(void)
{
	const char *top = getenv("MXKIT_SRCDIR");
	char dir[4096], **names = NULL;
	struct CMUnitTest *tests;
	struct golden *g;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *dp;
	int r;

	if (top == NULL || top[0] == '\0')
		top = ".";
	snprintf(dir, sizeof(dir), "%s/%s", top, DATA_DIR);
	dp = opendir(dir);
	if (dp == NULL) {
		/* Say so in TAP rather than pass with no tests. */
		printf("1..1\nnot ok 1 - cannot open %s: %s (set MXKIT_SRCDIR "
		    "to the top of the source tree)\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!golden_name(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				return 1;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL)
			return 1;
		n++;
	}
	closedir(dp);
	if (n == 0) {
		printf("1..1\nnot ok 1 - no NN_topic.zone files in %s\n", dir);
		return 1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	tests = calloc(n > 0 ? n : 1, sizeof(*tests));
	g = calloc(n > 0 ? n : 1, sizeof(*g));
	if (tests == NULL || g == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]) - 5;	/* without .zone */

		g[i].name = strndup(names[i], len);
		if (g[i].name == NULL ||
		    asprintf(&g[i].zone, "%s/%s", dir, names[i]) < 0 ||
		    asprintf(&g[i].expect, "%s/%s.out", dir, g[i].name) < 0)
			return 1;
		tests[i].name = g[i].name;
		tests[i].test_func = golden_run;
		tests[i].initial_state = &g[i];
	}
	r = _cmocka_run_group_tests("zone_golden", tests, n, NULL, NULL);
	for (i = 0; i < n; i++) {
		free(g[i].name);
		free(g[i].zone);
		free(g[i].expect);
		free(names[i]);
	}
	free(g);
	free(tests);
	free(names);
	return r;
}
