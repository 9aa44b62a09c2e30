/* zone_init.c -- mxkit zone init: the forward and reverse zones a mail
 * domain needs (MX -> host -> A/AAAA -> PTR -> back to the host) */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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

#define MAX_HOSTS	32
#define MAX_ADDRS	4	/* per host */
#define MAX_ZONES	(MAX_HOSTS * MAX_ADDRS + 1)

enum role { R_MX, R_BACKUP, R_TRAP, R_NS };

struct addr {
	int af;
	uint8_t a[16];
};

struct host {
	char fqdn[DNS_NAME_TEXT_MAX];	/* with the final dot */
	uint8_t wire[DNS_NAME_MAX];
	size_t wlen;
	enum role role;
	unsigned pref;
	struct addr addr[MAX_ADDRS];
	int naddr;
};

struct init {
	char domain[DNS_NAME_TEXT_MAX];	/* with the final dot */
	uint8_t dwire[DNS_NAME_MAX];
	size_t dlen;
	struct host h[MAX_HOSTS];
	int nh;
	uint32_t ttl, serial;
	char rname[DNS_NAME_TEXT_MAX];
	const char *dir;
};

static int
parse_addr(const char *s, struct addr *a)
{
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = AF_INET6;
		return 0;
	}
	return -1;
}

/* A name without a dot is relative to the domain; with one, it is taken as
 * written (a final dot is optional). */
static int
host_name(struct init *in, const char *s, size_t n, struct host *h)
{
	int r;

	if (memchr(s, '.', n) == NULL)
		r = dns_name_from_text(s, n, in->dwire, in->dlen, h->wire,
		    &h->wlen, NULL);
	else
		r = dns_name_from_text(s, n, NULL, 0, h->wire, &h->wlen, NULL);
	if (r != 0) {
		warnx_("bad host name '%.*s': %s", (int)n, s, mx_strerror(r));
		return -1;
	}
	dns_name_to_text(h->wire, h->wlen, h->fqdn, sizeof(h->fqdn));
	return 0;
}

/* HOST[=ADDR[,ADDR...]] */
static int
add_host(struct init *in, const char *spec, enum role role, int need_addr)
{
	const char *eq = strchr(spec, '=');
	struct host *h;
	char buf[256], *tok, *save;

	if (in->nh == MAX_HOSTS) {
		warnx_("too many hosts (at most %d)", MAX_HOSTS);
		return -1;
	}
	h = &in->h[in->nh];
	memset(h, 0, sizeof(*h));
	h->role = role;
	if (host_name(in, spec, eq ? (size_t)(eq - spec) : strlen(spec), h))
		return -1;
	if (eq == NULL) {
		if (need_addr) {
			warnx_("'%s' needs an address: HOST=ADDR", spec);
			return -1;
		}
	} else {
		snprintf(buf, sizeof(buf), "%s", eq + 1);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (h->naddr == MAX_ADDRS) {
				warnx_("too many addresses for %s", h->fqdn);
				return -1;
			}
			if (parse_addr(tok, &h->addr[h->naddr]) != 0) {
				warnx_("bad address '%s' for %s", tok, h->fqdn);
				return -1;
			}
			h->naddr++;
		}
	}
	in->nh++;
	return 0;
}

static int
in_zone(const struct init *in, const struct host *h)
{
	return dns_name_is_sub(h->wire, h->wlen, in->dwire, in->dlen);
}

/* Reverse zone name and PTR owner (relative to it) of an address: a /24
 * in in-addr.arpa, a /64 in ip6.arpa. */
static void
reverse_of(const struct addr *a, char *zone, size_t zcap, char *owner,
    size_t ocap)
{
	static const char hx[] = "0123456789abcdef";
	size_t zo = 0, oo = 0;
	int i;

	if (a->af == AF_INET) {
		snprintf(zone, zcap, "%u.%u.%u.in-addr.arpa", a->a[2], a->a[1],
		    a->a[0]);
		snprintf(owner, ocap, "%u", a->a[3]);
		return;
	}
	for (i = 15; i >= 8; i--) {
		oo += (size_t)snprintf(owner + oo, ocap - oo, "%s%c.%c",
		    oo ? "." : "", hx[a->a[i] & 15], hx[a->a[i] >> 4]);
	}
	for (i = 7; i >= 0; i--) {
		zo += (size_t)snprintf(zone + zo, zcap - zo, "%c.%c.",
		    hx[a->a[i] & 15], hx[a->a[i] >> 4]);
	}
	snprintf(zone + zo, zcap - zo, "ip6.arpa");
}

static void
write_soa_ns(FILE *fp, const struct init *in, const char *origin)
{
	int i, first = 1;

	fprintf(fp, "; written by mxkit zone init\n");
	fprintf(fp, "$ORIGIN %s.\n$TTL %u\n", origin, (unsigned)in->ttl);
	for (i = 0; i < in->nh; i++) {
		if (in->h[i].role != R_NS)
			continue;
		if (first)
			fprintf(fp, "@\tSOA\t%s %s (\n\t\t%u\t; serial\n"
			    "\t\t7200\t; refresh\n\t\t3600\t; retry\n"
			    "\t\t1209600\t; expire\n\t\t3600 )\t; negative TTL\n",
			    in->h[i].fqdn, in->rname, (unsigned)in->serial);
		first = 0;
		fprintf(fp, "@\tNS\t%s\n", in->h[i].fqdn);
	}
}

static void
write_forward(FILE *fp, const struct init *in)
{
	char org[DNS_NAME_TEXT_MAX], txt[INET6_ADDRSTRLEN];
	int i, j, k;

	snprintf(org, sizeof(org), "%.*s", (int)strlen(in->domain) - 1,
	    in->domain);
	write_soa_ns(fp, in, org);
	fprintf(fp, "\n; mail: lowest preference first; the trap MX last and "
	    "far behind\n");
	for (i = 0; i < in->nh; i++)
		if (in->h[i].role != R_NS)
			fprintf(fp, "@\tMX\t%u %s\n", in->h[i].pref,
			    in->h[i].fqdn);
	fprintf(fp, "@\tTXT\t\"v=spf1 mx -all\"\n");
	fprintf(fp, "_dmarc\tTXT\t\"v=DMARC1; p=none; rua=mailto:postmaster@"
	    "%s\"\n", org);
	fprintf(fp, "\n; hosts\n");
	for (i = 0; i < in->nh; i++) {
		const struct host *h = &in->h[i];
		int dup = 0;

		if (!in_zone(in, h))
			continue;
		/* A host named twice (mx and ns) gets its records once. */
		for (k = 0; k < i; k++)
			if (dns_name_equal(in->h[k].wire, in->h[k].wlen,
			    h->wire, h->wlen) && in_zone(in, &in->h[k]))
				dup = 1;
		if (dup)
			continue;
		for (k = i; k < in->nh; k++) {
			const struct host *g = &in->h[k];

			if (!dns_name_equal(g->wire, g->wlen, h->wire, h->wlen))
				continue;
			for (j = 0; j < g->naddr; j++) {
				inet_ntop(g->addr[j].af, g->addr[j].a, txt,
				    sizeof(txt));
				fprintf(fp, "%s\t%s\t%s\n", h->fqdn,
				    g->addr[j].af == AF_INET ? "A" : "AAAA",
				    txt);
			}
		}
	}
}

/* Parses and checks a written zone; returns the number of errors and
 * warnings (printed), or -1. What init writes must pass zone check. */
static int
verify(const char *file, const char *zname)
{
	struct findings f = { 0 };
	struct mx_diag d = { findings_collect, &f, 0, 0, 0, 0 };
	struct zone_parse_opts o;
	struct zone_store *z;
	uint8_t ow[DNS_NAME_MAX];
	size_t olen;
	int r;

	if (dns_name_from_text(zname, strlen(zname), NULL, 0, ow, &olen,
	    NULL) != 0 || (z = zone_store_new(ow, olen, NULL)) == NULL)
		return -1;
	zone_opts(&o, file, ow, olen, &d, ZONE_NO_INCLUDE);
	r = zone_load_file(z, &o);
	if (r == 0 && (zone_store_finish(z, &d) != 0 || zone_check(z, &d)))
		r = MX_ENOMEM;
	findings_sort(&f);
	findings_print(&f, stderr, 0);
	findings_free(&f);
	zone_store_free(z);
	if (r != 0 && d.nerr == 0)
		return -1;
	return (int)(d.nerr + d.nwarn);
}

typedef void writer_fn(FILE *, const struct init *, const char *);

/* Writes DIR/ZNAME.zone through a temporary file, checks it, and links it
 * into place only if no such file exists: a reader never sees half a file
 * and nothing is overwritten. */
static int
emit(const struct init *in, const char *zname, writer_fn *fn, char *path,
    size_t pcap)
{
	char tmp[4096];
	FILE *fp;
	int fd, e;

	snprintf(path, pcap, "%s/%s.zone", in->dir, zname);
	snprintf(tmp, sizeof(tmp), "%s/.%s.zone.XXXXXX", in->dir, zname);
	fd = mkstemp(tmp);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		warnx_("cannot create a file in %s: %s", in->dir,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fn(fp, in, zname);
	if (fflush(fp) != 0 || fsync(fd) != 0) {
		warnx_("cannot write %s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		return -1;
	}
	fclose(fp);
	chmod(tmp, 0644);
	if (verify(tmp, zname) != 0) {
		warnx_("internal error: the zone written for %s does not pass "
		    "zone check; nothing written", zname);
		unlink(tmp);
		return -1;
	}
	if (link(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		warnx_("cannot write %s: %s", path, e == EEXIST ?
		    "file exists (mxkit zone init never overwrites)" :
		    strerror(e));
		return -1;
	}
	unlink(tmp);
	return 0;
}

static void
write_fwd(FILE *fp, const struct init *in, const char *zname)
{
	(void)zname;
	write_forward(fp, in);
}

/* One reverse zone: PTR for every address that falls in it. An address
 * shared by several hosts points at the first of them (MX hosts come
 * first). */
static void
write_rev(FILE *fp, const struct init *in, const char *zname)
{
	char z[128], owner[64], seen[MAX_HOSTS * MAX_ADDRS][64];
	int i, j, k, nseen = 0, dup;

	write_soa_ns(fp, in, zname);
	fprintf(fp, "\n");
	for (i = 0; i < in->nh; i++) {
		for (j = 0; j < in->h[i].naddr; j++) {
			reverse_of(&in->h[i].addr[j], z, sizeof(z), owner,
			    sizeof(owner));
			if (strcmp(z, zname) != 0)
				continue;
			for (dup = 0, k = 0; k < nseen; k++)
				if (strcmp(seen[k], owner) == 0)
					dup = 1;
			if (dup)
				continue;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", owner);
			fprintf(fp, "%s\tPTR\t%s\n", owner, in->h[i].fqdn);
		}
	}
}

static const char init_usage[] =
    "usage: mxkit zone init DOMAIN --mx HOST --ipv4 ADDR [--ipv6 ADDR]\n"
    "                      [--backup-mx HOST=ADDR[,ADDR]]...\n"
    "                      [--trap-mx HOST=ADDR[,ADDR]]...\n"
    "                      [--ns HOST[=ADDR[,ADDR]]]... [--dir DIR]\n"
    "                      [--ttl SECONDS] [--serial N] [--email ADDRESS]\n"
    "\n"
    "Writes DIR/DOMAIN.zone (SOA, NS, MX, SPF, DMARC, A/AAAA of the hosts\n"
    "in the domain) and one reverse zone per /24 (in-addr.arpa) and /64\n"
    "(ip6.arpa) with a PTR for every address, each checked by zone check.\n"
    "HOST without a dot is relative to DOMAIN. --ipv4/--ipv6 are the\n"
    "addresses of the --mx host. The MX preferences are 10 for --mx, 20,\n"
    "30... for each --backup-mx and 100 for a --trap-mx (it must stay the\n"
    "last and far behind). Without --ns, ns1.DOMAIN is the name server, on\n"
    "the mail host's addresses. --serial defaults to today's YYYYMMDD01,\n"
    "--ttl to 3600, --email to hostmaster@DOMAIN, --dir to '.'.\n"
    "Existing files are never overwritten.\n";

/* hostmaster@example.org -> hostmaster.example.org. (dots in the local
 * part escaped, RFC 1035 8) */
static int
rname_of(const char *email, char *out, size_t cap)
{
	const char *at = strchr(email, '@');
	size_t o = 0;
	const char *p;

	if (at == NULL || at == email || at[1] == '\0')
		return -1;
	for (p = email; p < at && o + 3 < cap; p++) {
		if (*p == '.' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	if ((size_t)snprintf(out + o, cap - o, ".%s%s", at + 1,
	    at[strlen(at) - 1] == '.' ? "" : ".") >= cap - o)
		return -1;
	return 0;
}

int zone_init(int argc, char **argv);

int
zone_init(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mx", required_argument, NULL, 'm' },
		{ "ipv4", required_argument, NULL, '4' },
		{ "ipv6", required_argument, NULL, '6' },
		{ "backup-mx", required_argument, NULL, 'b' },
		{ "trap-mx", required_argument, NULL, 't' },
		{ "ns", required_argument, NULL, 'n' },
		{ "dir", required_argument, NULL, 'd' },
		{ "ttl", required_argument, NULL, 'T' },
		{ "serial", required_argument, NULL, 's' },
		{ "email", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct init in;		/* 50 KB: off the stack */
	const char *mx = NULL, *v4 = NULL, *v6 = NULL, *email = NULL;
	const char *backups[MAX_HOSTS], *traps[MAX_HOSTS], *nss[MAX_HOSTS];
	int nb = 0, nt = 0, nn = 0, c, i, j, k, nz = 0, pref;
	char zones[MAX_ZONES][128], owner[64], path[4096];
	char *end;
	unsigned long v;
	struct stat st;

	memset(&in, 0, sizeof(in));
	in.ttl = 3600;
	in.dir = ".";
	{
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		in.serial = (uint32_t)((tm.tm_year + 1900) * 1000000u +
		    (tm.tm_mon + 1) * 10000u + tm.tm_mday * 100u + 1);
	}
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'm': mx = optarg; break;
		case '4': v4 = optarg; break;
		case '6': v6 = optarg; break;
		case 'b':
		case 't':
		case 'n':
			if (nb + nt + nn + 1 >= MAX_HOSTS) {
				warnx_("too many hosts");
				return EXIT_USAGE;
			}
			if (c == 'b')
				backups[nb++] = optarg;
			else if (c == 't')
				traps[nt++] = optarg;
			else
				nss[nn++] = optarg;
			break;
		case 'd': in.dir = optarg; break;
		case 'T':
		case 's':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (*end != '\0' || errno != 0 || v > (c == 'T' ?
			    2147483647ul : 4294967295ul) || optarg[0] == '-') {
				warnx_("bad --%s '%s'", c == 'T' ? "ttl" :
				    "serial", optarg);
				return EXIT_USAGE;
			}
			if (c == 'T')
				in.ttl = (uint32_t)v;
			else
				in.serial = (uint32_t)v;
			break;
		case 'e': email = optarg; break;
		case 'h': fputs(init_usage, stdout); return EXIT_CLEAN;
		default: fputs(init_usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || mx == NULL || v4 == NULL) {
		warnx_("zone init needs DOMAIN, --mx and --ipv4");
		fputs(init_usage, stderr);
		return EXIT_USAGE;
	}
	{
		const char *dom = argv[optind];
		int r = dns_name_from_text(dom, strlen(dom), NULL, 0, in.dwire,
		    &in.dlen, NULL);

		if (r != 0 || in.dlen < 2) {
			warnx_("bad domain '%s'%s%s", dom, r ? ": " : "",
			    r ? mx_strerror(r) : "");
			return EXIT_USAGE;
		}
		dns_name_lower(in.dwire, in.dlen);
		dns_name_to_text(in.dwire, in.dlen, in.domain,
		    sizeof(in.domain));
	}
	if (stat(in.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		warnx_("--dir %s is not a directory", in.dir);
		return EXIT_USAGE;
	}
	if (email != NULL) {
		if (rname_of(email, in.rname, sizeof(in.rname)) != 0) {
			warnx_("bad --email '%s'", email);
			return EXIT_USAGE;
		}
	} else {
		if (snprintf(in.rname, sizeof(in.rname), "hostmaster.%s",
		    in.domain) >= (int)sizeof(in.rname)) {
			warnx_("domain too long for the SOA mailbox");
			return EXIT_USAGE;
		}
	}
	/* The mail host and its addresses. */
	{
		char spec[1024];

		snprintf(spec, sizeof(spec), "%s=%s%s%s", mx, v4, v6 ? "," : "",
		    v6 ? v6 : "");
		if (add_host(&in, spec, R_MX, 1) != 0)
			return EXIT_USAGE;
		if (in.h[0].addr[0].af != AF_INET ||
		    (v6 != NULL && in.h[0].addr[1].af != AF_INET6)) {
			warnx_("--ipv4 takes an IPv4 address, --ipv6 an IPv6 "
			    "address");
			return EXIT_USAGE;
		}
		in.h[0].pref = 10;
	}
	for (i = 0, pref = 20; i < nb; i++, pref += 10) {
		if (add_host(&in, backups[i], R_BACKUP, 1) != 0)
			return EXIT_USAGE;
		in.h[in.nh - 1].pref = (unsigned)pref;
	}
	for (i = 0; i < nt; i++) {
		if (add_host(&in, traps[i], R_TRAP, 1) != 0)
			return EXIT_USAGE;
		in.h[in.nh - 1].pref = 100;
	}
	if (nn == 0) {
		char spec[1024];

		if (snprintf(spec, sizeof(spec), "ns1.%s=%s%s%s", in.domain, v4,
		    v6 ? "," : "", v6 ? v6 : "") >= (int)sizeof(spec) ||
		    add_host(&in, spec, R_NS, 1) != 0)
			return EXIT_USAGE;
	}
	for (i = 0; i < nn; i++) {
		if (add_host(&in, nss[i], R_NS, 0) != 0)
			return EXIT_USAGE;
		if (in_zone(&in, &in.h[in.nh - 1]) &&
		    in.h[in.nh - 1].naddr == 0) {
			int found = 0;

			for (k = 0; k < in.nh - 1; k++)
				if (dns_name_equal(in.h[k].wire, in.h[k].wlen,
				    in.h[in.nh - 1].wire, in.h[in.nh - 1].wlen))
					found = 1;
			if (!found) {
				warnx_("name server %s lies in %s and needs an "
				    "address: --ns HOST=ADDR",
				    in.h[in.nh - 1].fqdn, in.domain);
				return EXIT_USAGE;
			}
		}
	}
	/* The list of zones, and a refusal before anything is written if
	 * one of the files exists already. */
	snprintf(zones[nz++], sizeof(zones[0]), "%.*s",
	    (int)strlen(in.domain) - 1, in.domain);
	for (i = 0; i < in.nh; i++) {
		for (j = 0; j < in.h[i].naddr; j++) {
			char z[128];
			int dup = 0;

			reverse_of(&in.h[i].addr[j], z, sizeof(z), owner,
			    sizeof(owner));
			for (k = 0; k < nz; k++)
				if (strcmp(zones[k], z) == 0)
					dup = 1;
			if (!dup && nz < MAX_ZONES)
				snprintf(zones[nz++], sizeof(zones[0]), "%s", z);
		}
	}
	for (k = 0; k < nz; k++) {
		if (snprintf(path, sizeof(path), "%s/%s.zone", in.dir,
		    zones[k]) >= (int)sizeof(path)) {
			warnx_("--dir path too long");
			return EXIT_USAGE;
		}
		if (lstat(path, &st) == 0) {
			warnx_("%s exists; mxkit zone init never overwrites "
			    "(nothing written)", path);
			return EXIT_USAGE;
		}
	}
	for (k = 0; k < nz; k++) {
		if (emit(&in, zones[k], k == 0 ? write_fwd : write_rev, path,
		    sizeof(path)) != 0)
			return EXIT_USAGE;
		printf("wrote %s\n", path);
	}
	printf("\nThe reverse zones belong to whoever assigned the addresses."
	    "\nUnless they delegated them to you, ask them to set:\n");
	for (i = 0; i < in.nh; i++) {
		for (j = 0; j < in.h[i].naddr; j++) {
			char txt[INET6_ADDRSTRLEN];
			int dup = 0;

			for (k = 0; k < i && !dup; k++) {
				int m;

				for (m = 0; m < in.h[k].naddr; m++)
					if (in.h[k].addr[m].af ==
					    in.h[i].addr[j].af && memcmp(
					    in.h[k].addr[m].a, in.h[i].addr[j].a,
					    16) == 0)
						dup = 1;
			}
			if (dup)
				continue;
			inet_ntop(in.h[i].addr[j].af, in.h[i].addr[j].a, txt,
			    sizeof(txt));
			printf("  PTR %s -> %s\n", txt, in.h[i].fqdn);
		}
	}
	return EXIT_CLEAN;
}
