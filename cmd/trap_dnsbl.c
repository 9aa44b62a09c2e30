/* trap_dnsbl.c -- mxkit trap dnsbl: the SKIPPED clients of a trap report as an RFC 5782 DNSBL zone, replaced atomically for mxkit serve */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "mxkit/dns.h"
#include "mxkit/dnsbl.h"
#include "mxkit/err.h"

static const char dnsbl_usage[] =
    "usage: mxkit trap dnsbl --zone NAME [--report FILE|-] [--out FILE]\n"
    "                        [--expire DURATION] [--ttl SECONDS] [--ns NAME]\n"
    "                        [--hostmaster NAME] [--serial N]\n"
    "                        [--threshold N] [--reload PIDFILE|PID]\n"
    "                        [--now TIME]\n"
    "\n"
    "Reads the JSON of 'mxkit trap report --json' and writes an RFC 5782\n"
    "DNSBL zone of its SKIPPED clients: A 127.0.0.2 and a TXT reason under\n"
    "the reversed octets (IPv4) or the 32 reversed nibbles (IPv6), with\n"
    "the test entries 127.0.0.2 and ::ffff:7f00:2 (127.0.0.1 and\n"
    "::ffff:7f00:1 never listed).\n"
    "\n"
    "--zone NAME         the DNSBL zone, e.g. skip.bl.example.org\n"
    "--report FILE|-     the report (default: standard input)\n"
    "--out FILE          replace FILE atomically (temporary file in the same\n"
    "                    directory, fsync, rename); its previous version\n"
    "                    gives first-listed times, entries that are not in\n"
    "                    this report and the serial to follow. Default:\n"
    "                    the zone on standard output\n"
    "--expire DURATION   delist a client this long after its last SKIPPED\n"
    "                    event (default 24h; units s m h d w)\n"
    "--ttl SECONDS       TTL of every record (default 300); the SOA MINIMUM\n"
    "                    (negative caching, RFC 2308) is the TTL, at most 300\n"
    "--ns NAME           the zone's name server (default: localhost.)\n"
    "--hostmaster NAME   SOA contact, as a name or an address\n"
    "                    (default: hostmaster.ZONE)\n"
    "--serial N          the SOA serial (default: the time, or one more\n"
    "                    than the previous serial if that is not older)\n"
    "--threshold N       list a SKIPPED client without envelope evidence\n"
    "                    (MAIL FROM or RCPT TO reached) only after N\n"
    "                    connections in the report (default 2; with\n"
    "                    envelope evidence one is enough)\n"
    "--reload PIDFILE|PID  send SIGHUP to mxkit serve after the rename\n"
    "--now TIME          the current time, ISO 8601 (tests, replays)\n"
    "\n"
    "Exit 0 when the zone was written, 2 on a usage, report or I/O error\n"
    "(nothing written then: the previous zone stays).\n";

#define PREFIX	"trap dnsbl: "

/* Growable arrays of the run: entries of the report, of the previous
 * zone, and addresses the report says not to list. */
struct list {
	struct dnsbl_entry *v;
	size_t n, cap;
};

struct addrs {
	struct mail_addr *v;
	size_t n, cap;
};

/* v with room for one more element of size sz (n used, *cap allocated),
 * or NULL when out of memory (v is then still valid). */
static void *
grow(void *v, size_t *cap, size_t n, size_t sz)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(v, ncap * sz);
	if (nv != NULL)
		*cap = ncap;
	return nv;
}

static int
list_add(struct list *l, const struct dnsbl_entry *e)
{
	struct dnsbl_entry *nv = grow(l->v, &l->cap, l->n, sizeof(*nv));

	if (nv == NULL)
		return -1;
	l->v = nv;
	l->v[l->n++] = *e;
	return 0;
}

static int
addrs_add(struct addrs *l, const struct mail_addr *a)
{
	struct mail_addr *nv = grow(l->v, &l->cap, l->n, sizeof(*nv));

	if (nv == NULL)
		return -1;
	l->v = nv;
	l->v[l->n++] = *a;
	return 0;
}

/* A string member of a client, "" when absent or null; -1 if another type. */
static int
opt_string(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = "";
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/*
 * The report: SKIPPED clients that meet the threshold into fresh (first
 * listed now), clients with another verdict into drop; SKIPPED clients
 * below the threshold into neither (an entry of theirs stays until it
 * expires). The schema is checked whole before anything is written, and
 * the first problem is named with its client's index.
 */
static int
read_report(const char *path, int64_t now, unsigned threshold,
    struct list *fresh, struct addrs *drop)
{
	static const char *const verdicts[] = {
		"SKIPPED", "ORDERLY", "INCONCLUSIVE", "ALLOWLISTED"
	};
	json_error_t je;
	json_t *root, *clients, *c, *v;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	const char *s, *helo, *reason;
	struct dnsbl_entry e;
	size_t i, k;
	uint64_t conns;
	int64_t t;

	if (strcmp(path, "-") == 0)
		root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
	else
		root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		if (je.line > 0)
			warnx_(PREFIX "%s:%d:%d: bad report: %s", name, je.line,
			    je.column, je.text);
		else
			warnx_(PREFIX "%s: %s", name, je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		warnx_(PREFIX "%s: bad report: not a JSON object", name);
		goto bad;
	}
	v = json_object_get(root, "generated");
	if (!json_is_string(v) ||
	    dnsbl_time_parse(json_string_value(v), &t) != 0) {
		warnx_(PREFIX "%s: bad report: \"generated\" is not an ISO 8601 "
		    "time", name);
		goto bad;
	}
	clients = json_object_get(root, "clients");
	if (!json_is_array(clients)) {
		warnx_(PREFIX "%s: bad report: no \"clients\" array", name);
		goto bad;
	}
	json_array_foreach(clients, i, c) {
		memset(&e, 0, sizeof e);
		if (!json_is_object(c)) {
			warnx_(PREFIX "%s: bad report: clients[%zu] is not an "
			    "object", name, i);
			goto bad;
		}
		v = json_object_get(c, "address");
		if (!json_is_string(v) ||
		    dnsbl_addr_parse(json_string_value(v), &e.addr) != 0) {
			warnx_(PREFIX "%s: bad report: clients[%zu].address is "
			    "not an IP address", name, i);
			goto bad;
		}
		v = json_object_get(c, "verdict");
		s = json_is_string(v) ? json_string_value(v) : "";
		for (k = 0; k < sizeof verdicts / sizeof verdicts[0]; k++)
			if (strcmp(s, verdicts[k]) == 0)
				break;
		if (k == sizeof verdicts / sizeof verdicts[0]) {
			warnx_(PREFIX "%s: bad report: clients[%zu].verdict is "
			    "not SKIPPED, ORDERLY, INCONCLUSIVE or ALLOWLISTED",
			    name, i);
			goto bad;
		}
		if (opt_string(c, "helo", &helo) != 0 ||
		    opt_string(c, "reason", &reason) != 0) {
			warnx_(PREFIX "%s: bad report: clients[%zu].helo or "
			    ".reason is not a string", name, i);
			goto bad;
		}
		v = json_object_get(c, "first");
		if (v != NULL && (!json_is_string(v) ||
		    dnsbl_time_parse(json_string_value(v), &t) != 0)) {
			warnx_(PREFIX "%s: bad report: clients[%zu].first is not "
			    "an ISO 8601 time", name, i);
			goto bad;
		}
		v = json_object_get(c, "last");
		if (!json_is_string(v) ||
		    dnsbl_time_parse(json_string_value(v), &e.last) != 0) {
			warnx_(PREFIX "%s: bad report: clients[%zu].last is not "
			    "an ISO 8601 time", name, i);
			goto bad;
		}
		v = json_object_get(c, "connections");
		if (v != NULL && (!json_is_integer(v) ||
		    json_integer_value(v) < 0)) {
			warnx_(PREFIX "%s: bad report: clients[%zu].connections "
			    "is not a count", name, i);
			goto bad;
		}
		conns = v != NULL ? (uint64_t)json_integer_value(v) : 1;
		v = json_object_get(c, "envelope");
		if (v != NULL && !json_is_boolean(v)) {
			warnx_(PREFIX "%s: bad report: clients[%zu].envelope is "
			    "not true or false", name, i);
			goto bad;
		}
		if (k != 0) {
			if (addrs_add(drop, &e.addr) != 0)
				goto oom;
			continue;
		}
		if (!dnsbl_threshold_met(conns, json_is_true(v), threshold))
			continue;
		e.first = now;
		e.code = DNSBL_CODE_SKIPPED;
		e.txtlen = dnsbl_txt_make(e.txt, e.last, helo, reason);
		if (list_add(fresh, &e) != 0)
			goto oom;
	}
	json_decref(root);
	return 0;
oom:
	warnx_(PREFIX "out of memory");
bad:
	json_decref(root);
	return -1;
}

/*
 * The previous zone at path, if any: its serial and entries. A file that
 * is not a zone this command wrote for this zone name is not replaced.
 * Returns 1 when there was one, 0 when there was none, -1 on an error.
 */
static int
read_previous(const char *path, const char *zone, uint32_t *serial,
    struct list *prev)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	struct dnsbl_entry e;
	int r, ret = -1;

	if (fp == NULL) {
		if (errno == ENOENT)
			return 0;
		warnx_(PREFIX "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (lineno == 1) {
			if (dnsbl_state_header(line, (size_t)len, zone,
			    serial) != 0) {
				warnx_(PREFIX "%s: not a zone written by mxkit "
				    "trap dnsbl for %s: not replacing it", path,
				    zone);
				goto out;
			}
			continue;
		}
		r = dnsbl_state_entry(line, (size_t)len, &e);
		if (r < 0) {
			warnx_(PREFIX "%s:%lu: bad entry line: not replacing "
			    "the zone", path, lineno);
			goto out;
		}
		if (r == 1 && list_add(prev, &e) != 0) {
			warnx_(PREFIX "out of memory");
			goto out;
		}
	}
	if (ferror(fp)) {
		warnx_(PREFIX "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (lineno == 0) {
		warnx_(PREFIX "%s: empty, not a zone written by mxkit trap "
		    "dnsbl: not replacing it", path);
		goto out;
	}
	ret = 1;
out:
	free(line);
	fclose(fp);
	return ret;
}

/*
 * Replaces path with the zone: a temporary file in the same directory
 * (rename is atomic only within a file system), written, flushed to disk,
 * given the old file's mode, renamed over path; then the directory is
 * flushed so that the rename survives a crash. A reader opens either the
 * old file or the new one, never a half-written one.
 */
static int
write_atomic(const char *path, const char *dir, const struct dnsbl_zone *z,
    const struct dnsbl_entry *e, size_t n)
{
	char *tmp, *b, *base;
	struct stat st;
	mode_t mode, um;
	FILE *fp;
	int fd, dfd, r;

	b = strdup(path);
	if (b == NULL)
		return -1;
	base = basename(b);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		free(b);
		return -1;
	}
	free(b);
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	} else {
		um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		warnx_(PREFIX "cannot create a file in %s: %s", dir,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		goto fail;
	}
	r = dnsbl_zone_write(fp, z, e, n);
	if (r != 0) {
		if (r == MX_EINVAL)
			warnx_(PREFIX "bad zone, name server or hostmaster name");
		fclose(fp);
		errno = r == MX_EINVAL ? 0 : EIO;
		goto fail;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		fclose(fp);
		goto fail;
	}
	if (fclose(fp) != 0)
		goto fail;
	if (rename(tmp, path) != 0)
		goto fail;
	/* Flushing the directory is best effort: the zone is in place. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	return 0;
fail:
	if (errno != 0)
		warnx_(PREFIX "cannot write %s: %s", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
}

/* --reload: a PID, or a file whose first line is one. */
static int
reload(const char *arg)
{
	unsigned long pid;
	char buf[32];
	FILE *fp;

	if (cmd_number(arg, 2, INT32_MAX, &pid) != 0) {
		fp = fopen(arg, "r");
		if (fp == NULL) {
			warnx_(PREFIX "--reload: cannot read %s: %s", arg,
			    strerror(errno));
			return -1;
		}
		if (fgets(buf, sizeof buf, fp) == NULL)
			buf[0] = '\0';
		fclose(fp);
		buf[strcspn(buf, " \t\r\n")] = '\0';
		if (cmd_number(buf, 2, INT32_MAX, &pid) != 0) {
			warnx_(PREFIX "--reload: %s holds no process ID", arg);
			return -1;
		}
	}
	if (kill((pid_t)pid, SIGHUP) != 0) {
		warnx_(PREFIX "--reload: cannot signal process %lu: %s", pid,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* The SOA RNAME: "user@example.org" becomes user.example.org, dots of the
 * local part escaped (RFC 1035 8); a name stays a name. */
static char *
hostmaster_name(const char *s)
{
	const char *at = strchr(s, '@');
	char *out, *p;

	out = malloc(strlen(s) * 2 + 1);
	if (out == NULL)
		return NULL;
	if (at == NULL) {
		strcpy(out, s);
		return out;
	}
	for (p = out; s < at; s++) {
		if (*s == '.' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '.';
	strcpy(p, at + 1);
	return out;
}

/* Upper bounds of the options: a week of TTL is already silly for a
 * DNSBL; RFC 2308 5 suggests 1-3 hours of negative caching at most. */
#define TTL_MAX		604800
#define MINIMUM_MAX	300

int
cmd_trap_dnsbl(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "report", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "expire", required_argument, NULL, 'e' },
		{ "ttl", required_argument, NULL, 't' },
		{ "ns", required_argument, NULL, 'n' },
		{ "hostmaster", required_argument, NULL, 'H' },
		{ "serial", required_argument, NULL, 's' },
		{ "reload", required_argument, NULL, 'R' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *zone = NULL, *report = "-", *out = NULL, *ns = "localhost.";
	const char *hm_opt = NULL, *reload_arg = NULL;
	struct list fresh = { 0 }, prev = { 0 };
	struct addrs drop = { 0 };
	struct dnsbl_entry *merged = NULL;
	struct dnsbl_zone z;
	uint8_t w[DNS_NAME_MAX];
	uint32_t expire = 86400, ttl = 300, prev_serial = 0;
	unsigned threshold = DNSBL_THRESHOLD;
	unsigned long serial = 0, v;
	int have_serial = 0, have_prev = 0, status = EXIT_USAGE, c, dfd = -1;
	char *hm = NULL, *dir = NULL, *d;
	int64_t now = (int64_t)time(NULL);
	size_t n, wl;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'z': zone = optarg; break;
		case 'r': report = optarg; break;
		case 'o': out = optarg; break;
		case 'n': ns = optarg; break;
		case 'H': hm_opt = optarg; break;
		case 'R': reload_arg = optarg; break;
		case 'e':
			if (dns_period_from_text(optarg, strlen(optarg),
			    &expire) != 0 || expire == 0) {
				warnx_(PREFIX "--expire: '%s' is not a duration "
				    "such as 24h", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			if (cmd_number(optarg, 0, TTL_MAX, &v) != 0) {
				warnx_(PREFIX "--ttl: '%s' is not a number from 0 "
				    "to %d", optarg, TTL_MAX);
				return EXIT_USAGE;
			}
			ttl = (uint32_t)v;
			break;
		case 'T':
			if (cmd_number(optarg, 1, 1000000, &v) != 0) {
				warnx_(PREFIX "--threshold: '%s' is not a number "
				    "from 1 to 1000000", optarg);
				return EXIT_USAGE;
			}
			threshold = (unsigned)v;
			break;
		case 's':
			if (cmd_number(optarg, 0, UINT32_MAX, &serial) != 0) {
				warnx_(PREFIX "--serial: '%s' is not a number "
				    "from 0 to 4294967295", optarg);
				return EXIT_USAGE;
			}
			have_serial = 1;
			break;
		case 'N':
			if (dnsbl_time_parse(optarg, &now) != 0) {
				warnx_(PREFIX "--now: '%s' is not an ISO 8601 "
				    "time", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(dnsbl_usage, stdout); return EXIT_CLEAN;
		default: fputs(dnsbl_usage, stderr); return EXIT_USAGE;
		}
	}
	if (zone == NULL || optind != argc) {
		fputs(dnsbl_usage, stderr);
		return EXIT_USAGE;
	}
	if (dns_name_from_text(zone, strlen(zone), NULL, 0, w, &wl, NULL) != 0 ||
	    wl <= 1 || wl > DNS_NAME_MAX - 64) {
		warnx_(PREFIX "--zone: '%s' is not a domain name with room for "
		    "32 nibbles under it", zone);
		return EXIT_USAGE;
	}
	if (hm_opt != NULL) {
		hm = hostmaster_name(hm_opt);
	} else if (asprintf(&hm, "hostmaster.%s", zone) < 0) {
		hm = NULL;
	}
	if (hm == NULL) {
		warnx_(PREFIX "out of memory");
		return EXIT_USAGE;
	}
	if (dns_name_from_text(ns, strlen(ns), NULL, 0, w, &wl, NULL) != 0) {
		warnx_(PREFIX "--ns: '%s' is not a domain name", ns);
		goto done;
	}
	if (dns_name_from_text(hm, strlen(hm), NULL, 0, w, &wl, NULL) != 0) {
		warnx_(PREFIX "--hostmaster: '%s' is not a domain name or a "
		    "mail address", hm_opt != NULL ? hm_opt : hm);
		goto done;
	}
	if (read_report(report, now, threshold, &fresh, &drop) != 0)
		goto done;

	if (out != NULL) {
		/* One writer at a time: two runs at once would both read the
		 * same previous zone and the second rename would drop what the
		 * first added. The lock is on the directory, which outlives
		 * every version of the file. */
		d = strdup(out);
		if (d == NULL)
			goto done;
		dir = strdup(dirname(d));
		free(d);
		if (dir == NULL)
			goto done;
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0 || flock(dfd, LOCK_EX) != 0) {
			warnx_(PREFIX "cannot lock %s: %s", dir, strerror(errno));
			goto done;
		}
		have_prev = read_previous(out, zone, &prev_serial, &prev);
		if (have_prev < 0)
			goto done;
	}
	if (have_serial && have_prev &&
	    !dnsbl_serial_follows((uint32_t)serial, prev_serial)) {
		warnx_(PREFIX "--serial %lu does not follow the previous serial "
		    "%" PRIu32 " (RFC 1982): secondaries would not update",
		    serial, prev_serial);
		goto done;
	}
	if (!have_serial)
		serial = dnsbl_serial_next(prev_serial, have_prev, now);

	merged = calloc(prev.n + fresh.n + 1, sizeof *merged);
	if (merged == NULL) {
		warnx_(PREFIX "out of memory");
		goto done;
	}
	n = dnsbl_merge(prev.v, prev.n, fresh.v, fresh.n, drop.v, drop.n, now,
	    expire, merged);
	z.zone = zone;
	z.ns = ns;
	z.hostmaster = hm;
	z.serial = (uint32_t)serial;
	z.ttl = ttl;
	z.minimum = ttl < MINIMUM_MAX ? ttl : MINIMUM_MAX;
	z.now = now;
	if (out == NULL) {
		if (dnsbl_zone_write(stdout, &z, merged, n) != 0) {
			warnx_(PREFIX "cannot write the zone");
			goto done;
		}
	} else {
		if (write_atomic(out, dir, &z, merged, n) != 0)
			goto done;
		printf("%s: zone %s serial %lu: %zu entr%s\n", out, zone,
		    serial, n, n == 1 ? "y" : "ies");
		fflush(stdout);
	}
	status = EXIT_CLEAN;
	if (reload_arg != NULL && reload(reload_arg) != 0) {
		if (out != NULL)
			warnx_(PREFIX "%s was written, but the server was not "
			    "told to reload it", out);
		status = EXIT_USAGE;
	}
done:
	if (dfd >= 0)
		close(dfd);
	free(dir);
	free(merged);
	free(fresh.v);
	free(prev.v);
	free(drop.v);
	free(hm);
	return status;
}
