/* zone.c -- mxkit zone print|check|init: master files for people */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

/* Longest record line: owner (1021) + rdata of 65535 octets in hex
 * (131070 + "\# 65535 ") + the rest. */
#define LINE_MAX_TEXT (DNS_NAME_TEXT_MAX + 2 * 65535 + 256)

static const char zone_usage[] =
    "usage: mxkit zone print FILE [--origin NAME] [--sort] [--no-include]\n"
    "       mxkit zone check FILE [--origin NAME] [--json] [--quiet]\n"
    "                             [--no-include] [--max-errors N]\n"
    "       mxkit zone init DOMAIN --mx HOST --ipv4 ADDR [--ipv6 ADDR]\n"
    "                             [--backup-mx HOST=ADDR[,ADDR]]...\n"
    "                             [--trap-mx HOST=ADDR[,ADDR]]...\n"
    "                             [--ns HOST[=ADDR[,ADDR]]]... [--dir DIR]\n"
    "                             [--ttl SECONDS] [--serial N]\n"
    "                             [--email ADDRESS]\n"
    "\n"
    "print  Reads FILE and prints every record on one line as\n"
    "       'owner TTL class type rdata', names fully qualified, in file\n"
    "       order (--sort: canonical order, duplicates removed).\n"
    "check  Reads FILE, reports syntax errors, zone structure problems and\n"
    "       the mail rules as 'file:line:col: level: message [CODE]'.\n"
    "       Exit 0 when clean, 1 when errors or warnings were found.\n"
    "init   Writes DIR/DOMAIN.zone and the reverse zones of every address\n"
    "       (in-addr.arpa per /24, ip6.arpa per /64) for a mail domain.\n"
    "       Refuses to overwrite existing files.\n"
    "\n"
    "--origin NAME      the zone's name; default: FILE's base name without\n"
    "                   a .zone or .db suffix (db.NAME also works)\n"
    "--no-include       refuse $INCLUDE (for zone text you do not trust)\n"
    "--max-errors N     stop after N errors (default 100, 0: no limit)\n"
    "--json             one JSON object with every finding\n"
    "--quiet            no summary line\n";

static void
name_err(const char *what, const char *s, int r)
{
	warnx_("bad %s '%s': %s", what, s, mx_strerror(r));
}

static int
parse_name(const char *s, uint8_t out[DNS_NAME_MAX], size_t *len)
{
	int r = dns_name_from_text(s, strlen(s), NULL, 0, out, len, NULL);

	if (r != 0)
		name_err("name", s, r);
	return r;
}

/* The origin from --origin, or from the file name. */
static int
get_origin(const char *file, const char *opt, uint8_t out[DNS_NAME_MAX],
    size_t *len)
{
	char buf[1024];
	const char *base;
	size_t n;

	if (opt != NULL)
		return parse_name(opt, out, len);
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	snprintf(buf, sizeof(buf), "%s", base);
	n = strlen(buf);
	if (n > 5 && strcmp(buf + n - 5, ".zone") == 0)
		buf[n - 5] = '\0';
	else if (n > 3 && strcmp(buf + n - 3, ".db") == 0)
		buf[n - 3] = '\0';
	else if (strncmp(buf, "db.", 3) == 0)
		memmove(buf, buf + 3, n - 2);
	else {
		warnx_("cannot tell the origin of %s from its name; use "
		    "--origin", file);
		return MX_EINVAL;
	}
	return parse_name(buf, out, len);
}

void
zone_opts(struct zone_parse_opts *o, const char *file, const uint8_t *origin,
    size_t olen, struct mx_diag *d, unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->file = file;
	o->origin = origin;
	o->origin_len = olen;
	o->diag = d;
	o->flags = flags;
}

/*
 * print
 */
struct printer {
	FILE *fp;
	char *line;
	int err;
};

static int
print_rr(FILE *fp, char *line, const uint8_t *owner, size_t olen,
    uint32_t ttl, uint16_t rclass, uint16_t type, const uint8_t *rd,
    size_t rdlen)
{
	char on[DNS_NAME_TEXT_MAX], cn[16], tn[16];
	int r;

	if (dns_name_to_text(owner, olen, on, sizeof(on)) < 0)
		return MX_EMALF;
	r = dns_rdata_to_text(type, rd, rdlen, line, LINE_MAX_TEXT, 0);
	if (r < 0)
		return r;
	fprintf(fp, "%s\t%u\t%s\t%s\t%s\n", on, (unsigned)ttl,
	    dns_class_to_text(rclass, cn), dns_type_to_text(type, tn), line);
	return 0;
}

static int
print_accept(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct printer *p = ud;

	(void)w;
	return print_rr(p->fp, p->line, rr->owner, rr->owner_len, rr->ttl,
	    rr->rclass, rr->type, rr->rdata, rr->rdlen);
}

static int
store_accept(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct zone_store *z = ud;
	int r = zone_store_add(z, rr, w, NULL);

	/* Out-of-zone records are reported by the store and skipped. */
	return r == MX_EINVAL ? 0 : r;
}

struct sorted_print {
	FILE *fp;
	char *line;
};

static int
cmp_u16(const void *a, const void *b)
{
	uint16_t x = **(const uint16_t *const *)a;
	uint16_t y = **(const uint16_t *const *)b;

	return (x > y) - (x < y);
}

static int
print_node(void *ud, const struct zone_node *n)
{
	struct sorted_print *sp = ud;
	const struct zone_rrset *s, *v[256];
	const struct zone_rdata *rd;
	size_t k = 0, i;
	int r;

	/* RRsets by type number; the SOA goes first at the apex anyway
	 * because the apex sorts first and SOA (6) precedes the others
	 * except A, NS and CNAME: put it first explicitly. */
	for (s = n->rrsets; s != NULL && k < 256; s = s->next)
		v[k++] = s;
	qsort(v, k, sizeof(*v), cmp_u16);
	for (i = 0; i < k; i++) {
		if (v[i]->type == DNS_TYPE_SOA && i > 0) {
			const struct zone_rrset *soa = v[i];

			memmove(v + 1, v, i * sizeof(*v));
			v[0] = soa;
		}
	}
	for (i = 0; i < k; i++) {
		for (rd = v[i]->rdata; rd != NULL; rd = rd->next) {
			r = print_rr(sp->fp, sp->line, n->name, n->name_len,
			    v[i]->ttl, v[i]->rclass, v[i]->type, rd->data,
			    rd->len);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

static int
zone_print(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "origin", required_argument, NULL, 'o' },
		{ "sort", no_argument, NULL, 's' },
		{ "no-include", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *origin_opt = NULL;
	uint8_t origin[DNS_NAME_MAX];
	size_t olen;
	struct findings f = { 0 };
	struct mx_diag d = { findings_collect, &f, 0, 0, 0, ZONE_MAX_ERRORS };
	struct zone_parse_opts o;
	struct printer pr;
	struct zone_store *z = NULL;
	int c, sort = 0, r, noinc = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': origin_opt = optarg; break;
		case 's': sort = 1; break;
		case 'I': noinc = 1; break;
		case 'h': fputs(zone_usage, stdout); return EXIT_CLEAN;
		default: fputs(zone_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(zone_usage, stderr);
		return EXIT_USAGE;
	}
	if (get_origin(argv[optind], origin_opt, origin, &olen) != 0)
		return EXIT_USAGE;
	pr.fp = stdout;
	pr.err = 0;
	pr.line = malloc(LINE_MAX_TEXT);
	if (pr.line == NULL)
		return EXIT_USAGE;
	zone_opts(&o, argv[optind], origin, olen, &d,
	    noinc ? ZONE_NO_INCLUDE : 0);
	if (sort) {
		z = zone_store_new(origin, olen, NULL);
		if (z == NULL) {
			free(pr.line);
			return EXIT_USAGE;
		}
		o.accept = store_accept;
		o.ud = z;
	} else {
		o.accept = print_accept;
		o.ud = &pr;
	}
	r = zone_parse_file(&o);
	if (r == MX_ENOENT || r == MX_EIO) {
		warnx_("cannot read %s: %s", o.file, mx_strerror(r));
	} else if (sort && r == 0) {
		struct sorted_print sp = { stdout, pr.line };

		zone_store_finish(z, NULL);
		r = zone_store_walk_sorted(z, print_node, &sp);
	}
	findings_sort(&f);
	findings_print(&f, stderr, 0);
	findings_free(&f);
	zone_store_free(z);
	free(pr.line);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnx_("write error: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (r == MX_ENOENT || r == MX_EIO)
		return EXIT_USAGE;
	return r == 0 ? EXIT_CLEAN : EXIT_FINDINGS;
}

/*
 * check
 */
struct check_ctx {
	struct zone_store *z;
	struct mx_diag *d;
};

static void
print_json(const char *file, const uint8_t *origin, size_t olen,
    const struct zone_store *z, const struct findings *f,
    const struct mx_diag *d, int status)
{
	char on[DNS_NAME_TEXT_MAX];
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	dns_name_to_text(origin, olen, on, sizeof(on));
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "origin", json_string(on));
	json_object_set_new(o, "records", json_integer((json_int_t)
	    (z ? zone_store_count(z) : 0)));
	json_object_set_new(o, "names", json_integer((json_int_t)
	    (z ? zone_store_names(z) : 0)));
	json_object_set_new(o, "errors", json_integer(d->nerr));
	json_object_set_new(o, "warnings", json_integer(d->nwarn));
	json_object_set_new(o, "status", json_string(status == 0 ? "clean" :
	    "problems"));
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];
		json_t *e = json_object();

		json_object_set_new(e, "file", json_string(x->file));
		json_object_set_new(e, "line", json_integer(x->line));
		json_object_set_new(e, "col", json_integer(x->col));
		json_object_set_new(e, "level",
		    json_string(mx_level_name(x->level)));
		json_object_set_new(e, "code", json_string(x->code));
		json_object_set_new(e, "message", json_string(x->msg));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "findings", arr);
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

static int
zone_checkcmd(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "origin", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-include", no_argument, NULL, 'I' },
		{ "max-errors", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *origin_opt = NULL;
	uint8_t origin[DNS_NAME_MAX];
	size_t olen;
	struct findings f = { 0 };
	struct mx_diag d = { findings_collect, &f, 0, 0, 0, ZONE_MAX_ERRORS };
	struct zone_parse_opts o;
	struct check_ctx cc;
	int c, json = 0, quiet = 0, noinc = 0, r, status;
	char *end;
	long v;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': origin_opt = optarg; break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'I': noinc = 1; break;
		case 'm':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 0 || v > 1000000 || errno) {
				warnx_("bad --max-errors '%s'", optarg);
				return EXIT_USAGE;
			}
			d.max_errors = (unsigned)v;
			break;
		case 'h': fputs(zone_usage, stdout); return EXIT_CLEAN;
		default: fputs(zone_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(zone_usage, stderr);
		return EXIT_USAGE;
	}
	if (get_origin(argv[optind], origin_opt, origin, &olen) != 0)
		return EXIT_USAGE;
	cc.z = zone_store_new(origin, olen, NULL);
	cc.d = &d;
	if (cc.z == NULL)
		return EXIT_USAGE;
	zone_opts(&o, argv[optind], origin, olen, &d,
	    noinc ? ZONE_NO_INCLUDE : 0);
	r = zone_load_file(cc.z, &o);
	if (r == MX_ENOENT || r == MX_EIO || r == MX_ENOMEM) {
		warnx_("cannot read %s: %s", o.file, mx_strerror(r));
		zone_store_free(cc.z);
		findings_free(&f);
		return EXIT_USAGE;
	}
	if (zone_store_finish(cc.z, &d) != 0 || zone_check(cc.z, &d) != 0) {
		warnx_("out of memory");
		zone_store_free(cc.z);
		findings_free(&f);
		return EXIT_USAGE;
	}
	findings_sort(&f);
	status = (d.nerr > 0 || d.nwarn > 0) ? EXIT_FINDINGS : EXIT_CLEAN;
	if (json) {
		print_json(o.file, origin, olen, cc.z, &f, &d, status);
	} else {
		findings_print(&f, stdout, 1);
		if (!quiet)
			printf("%s: %zu records, %zu names: %u error%s, "
			    "%u warning%s\n", o.file, zone_store_count(cc.z),
			    zone_store_names(cc.z), d.nerr,
			    d.nerr == 1 ? "" : "s", d.nwarn,
			    d.nwarn == 1 ? "" : "s");
	}
	zone_store_free(cc.z);
	findings_free(&f);
	if (fflush(stdout) != 0 || ferror(stdout))
		return EXIT_USAGE;
	return status;
}

int zone_init(int argc, char **argv);

int
cmd_zone(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(zone_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
	}
	if (strcmp(argv[1], "print") == 0)
		return zone_print(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return zone_checkcmd(argc - 1, argv + 1);
	if (strcmp(argv[1], "init") == 0)
		return zone_init(argc - 1, argv + 1);
	warnx_("unknown zone command '%s'", argv[1]);
	fputs(zone_usage, stderr);
	return EXIT_USAGE;
}
