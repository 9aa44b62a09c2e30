/* trap_report.c -- mxkit trap report: classify the trap's clients against the primary MXes' logs (mail-dns-spec 4.3) */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "cmd.h"
#include "mxkit/err.h"
#include "mxkit/trap_report.h"

/* Exit status (sysexits.h, as route and check): 0 report written, 64
 * usage, 65 the database is not a trap event database, 66 an input
 * cannot be opened, 70 internal error (out of memory), 74 read or write
 * error. Verdicts never change it: listing is trap dnsbl's business. */
#define REP_EXIT_USAGE		64
#define REP_EXIT_DATAERR	65
#define REP_EXIT_NOINPUT	66
#define REP_EXIT_SOFTWARE	70
#define REP_EXIT_IOERR		74

/* Malformed lines reported one by one on stderr before only counting. */
#define REP_MALFORMED_SHOWN	5
/* HELO octets shown in the table (JSON has them all, escaped). */
#define REP_HELO_SHOWN		32

static const char rep_usage[] =
"usage: mxkit trap report --db FILE [options] [--primary-log FILE]...\n"
"\n"
"Classify every client of the trap (the events mxkit trap listen wrote to\n"
"FILE) against the connection lines of the real MXes' logs (Postfix smtpd\n"
"and postscreen, Exim, OpenSMTPD; syslog or ISO 8601 timestamps):\n"
"ALLOWLISTED, ORDERLY (a primary MX saw the client or its network before),\n"
"INCONCLUSIVE (the logs cannot tell), SKIPPED (it came to the trap without\n"
"trying a primary).\n"
"\n"
"options:\n"
"  --db FILE              the trap's SQLite event database (required)\n"
"  --primary-log FILE     a primary MX's log (repeatable; '-' or none:\n"
"                         standard input)\n"
"  --log-tz ZONE          time zone of log times without an offset, as TZ\n"
"                         spells it (default: the local zone)\n"
"  --allow CIDR           never SKIPPED: logged as ALLOWLISTED (repeatable)\n"
"  --allow-file FILE      one CIDR a line, '#' starts a comment\n"
"  --window DUR           look-back for a primary contact (default 24h)\n"
"  --skew DUR             a primary contact may follow the hit by this\n"
"                         much; also the settle delay (default 120s)\n"
"  --gap DUR              no primary log line this long before a hit:\n"
"                         INCONCLUSIVE (default 1h)\n"
"  --trap-start TIME      when the trap started (ISO 8601 or unix seconds);\n"
"                         hits in the grace after it are INCONCLUSIVE\n"
"  --grace DUR            start-up grace (default 60s, as spamd)\n"
"  --prefix4 N            IPv4 prefix a contact counts for (default 24)\n"
"  --prefix6 N            IPv6 prefix (default 64)\n"
"  --json                 one JSON object instead of the table\n"
"  -h, --help             this help\n"
"\n"
"DUR is a number with s, m, h or d (seconds without). Exit status: 0\n"
"report written, 64 usage, 65 not a trap event database, 66 an input\n"
"cannot be opened, 70 internal error, 74 read or write error.\n";

struct rep {
	struct trap_params p;
	struct trap_cidr *allow;
	size_t nallow, callow;
	struct trap_primary *hits;
	size_t nhits, chits;
	int64_t *times;
	size_t ntimes, ctimes;
	struct trap_conn *conns;
	size_t nconns, cconns;
	char **helos;		/* one per conns[], owned */
	size_t chelos;
	unsigned long lines, matched, malformed, bad_rows;
	int64_t first_ms, last_ms;
	struct trap_log_ctx ctx;
};

static int
grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 256;
	void *nv;

	if (n < *cap)
		return 0;
	if (c > SIZE_MAX / size)
		return -1;
	nv = realloc(*v, c * size);
	if (nv == NULL)
		return -1;
	*v = nv;
	*cap = c;
	return 0;
}

/* "90", "90s", "15m", "24h", "2d": milliseconds; -1 if not. */
static int64_t
parse_dur(const char *s)
{
	char *end;
	unsigned long long v;
	int64_t mul = 1000;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v > 10ULL * 365 * 86400)
		return -1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		mul = 60000, end++;
	else if (*end == 'h')
		mul = 3600000, end++;
	else if (*end == 'd')
		mul = 86400000, end++;
	if (*end != '\0')
		return -1;
	return (int64_t)v * mul;
}

/* --log-tz: mktime in the zone TZ names; a local time the zone skips
 * (spring forward) does not exist. */
static int64_t
rep_tz(void *ud, const struct trap_log_tm *tm, int *ok)
{
	struct tm t;
	time_t s;

	(void)ud;
	memset(&t, 0, sizeof(t));
	t.tm_year = tm->year - 1900;
	t.tm_mon = tm->mon - 1;
	t.tm_mday = tm->mday;
	t.tm_hour = tm->hour;
	t.tm_min = tm->min;
	t.tm_sec = tm->sec > 59 ? 59 : tm->sec;
	t.tm_isdst = -1;
	s = mktime(&t);
	if (s == (time_t)-1 || t.tm_hour != tm->hour || t.tm_mday != tm->mday) {
		*ok = 0;
		return 0;
	}
	return (int64_t)s + (tm->sec > 59);
}

static int
add_allow(struct rep *r, const char *s, size_t len, const char *where)
{
	if (grow((void **)&r->allow, &r->callow, r->nallow,
	    sizeof(r->allow[0])) != 0)
		return REP_EXIT_SOFTWARE;
	if (trap_cidr_parse(s, len, &r->allow[r->nallow]) != 0) {
		warnx_("trap report: %s: bad CIDR '%.*s'", where,
		    len > 64 ? 64 : (int)len, s);
		return REP_EXIT_USAGE;
	}
	r->nallow++;
	return 0;
}

static int
read_allow_file(struct rep *r, const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[256], where[PATH_MAX + 32];
	size_t n, a, b;
	unsigned long lineno = 0;
	int rv;

	if (fp == NULL) {
		warnx_("trap report: %s: %s", path, strerror(errno));
		return REP_EXIT_NOINPUT;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		n = strcspn(line, "#\r\n");
		for (a = 0; a < n && (line[a] == ' ' || line[a] == '\t'); a++)
			;
		for (b = n; b > a && (line[b - 1] == ' ' ||
		    line[b - 1] == '\t'); b--)
			;
		if (b == a)
			continue;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		if ((rv = add_allow(r, line + a, b - a, where)) != 0) {
			fclose(fp);
			return rv;
		}
	}
	rv = ferror(fp) ? REP_EXIT_IOERR : 0;
	fclose(fp);
	return rv;
}

/* The events table, schema of trap listen. */
static int
read_db(struct rep *r, const char *path)
{
	static const char q[] = "SELECT start_ms, end_ms, client, helo, "
	    "mail_from, rcpt_count FROM events ORDER BY start_ms, id";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct trap_conn *c;
	const unsigned char *client, *helo, *from;
	int rc, rv = 0;
	FILE *fp;

	/* SQLite would report a missing file only as "unable to open". */
	if ((fp = fopen(path, "rb")) == NULL) {
		warnx_("trap report: %s: %s", path, strerror(errno));
		return REP_EXIT_NOINPUT;
	}
	fclose(fp);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		warnx_("trap report: %s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return REP_EXIT_NOINPUT;
	}
	/* The listener's store writes in WAL mode at the same time. */
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
		warnx_("trap report: %s: not a trap event database: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return REP_EXIT_DATAERR;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow((void **)&r->conns, &r->cconns, r->nconns,
		    sizeof(r->conns[0])) != 0 ||
		    grow((void **)&r->helos, &r->chelos, r->nconns,
		    sizeof(r->helos[0])) != 0) {
			rv = REP_EXIT_SOFTWARE;
			break;
		}
		c = &r->conns[r->nconns];
		memset(c, 0, sizeof(*c));
		client = sqlite3_column_text(st, 2);
		if (client == NULL || trap_addr_parse((const char *)client,
		    (size_t)sqlite3_column_bytes(st, 2), &c->client) != 0) {
			if (r->bad_rows++ < REP_MALFORMED_SHOWN)
				warnx_("trap report: %s: event with a bad "
				    "client address skipped", path);
			continue;
		}
		c->start_ms = sqlite3_column_int64(st, 0);
		c->end_ms = sqlite3_column_int64(st, 1);
		helo = sqlite3_column_text(st, 3);
		from = sqlite3_column_text(st, 4);
		c->envelope = (from != NULL && from[0] != '\0') ||
		    sqlite3_column_int64(st, 5) > 0;
		r->helos[r->nconns] = NULL;
		if (helo != NULL && (r->helos[r->nconns] =
		    strdup((const char *)helo)) == NULL) {
			rv = REP_EXIT_SOFTWARE;
			break;
		}
		c->helo = r->helos[r->nconns];
		r->nconns++;
	}
	if (rv == 0 && rc != SQLITE_DONE) {
		warnx_("trap report: %s: %s", path, sqlite3_errmsg(db));
		rv = rc == SQLITE_NOMEM ? REP_EXIT_SOFTWARE : REP_EXIT_DATAERR;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rv;
}

/*
 * One log, line by line into a fixed buffer: a line longer than the
 * parser's bound is read to its end, counted malformed and dropped, never
 * grown into.
 */
static int
read_log(struct rep *r, FILE *fp, const char *name)
{
	static char buf[TRAP_LOG_LINE_MAX + 2];
	struct trap_log_hit h;
	size_t n;
	int ch, over, eof = 0;
	unsigned long lineno = 0;
	enum trap_log_kind k;

	while (!eof) {
		n = 0;
		over = 0;
		while ((ch = getc(fp)) != EOF && ch != '\n') {
			if (n < sizeof(buf) - 1)
				buf[n++] = (char)ch;
			else
				over = 1;
		}
		if (ch == EOF) {
			eof = 1;
			if (n == 0 && !over)
				break;
		}
		lineno++;
		r->lines++;
		k = over ? TRAP_LOG_MALFORMED :
		    trap_log_parse_line(buf, n, &r->ctx, &h);
		if (k == TRAP_LOG_MALFORMED) {
			if (r->malformed++ < REP_MALFORMED_SHOWN)
				warnx_("trap report: %s:%lu: malformed line "
				    "skipped", name, lineno);
			continue;
		}
		if (grow((void **)&r->times, &r->ctimes, r->ntimes,
		    sizeof(r->times[0])) != 0)
			return REP_EXIT_SOFTWARE;
		r->times[r->ntimes++] = h.t_ms;
		if (r->ntimes == 1 || h.t_ms < r->first_ms)
			r->first_ms = h.t_ms;
		if (r->ntimes == 1 || h.t_ms > r->last_ms)
			r->last_ms = h.t_ms;
		if (k != TRAP_LOG_CONNECT)
			continue;
		if (grow((void **)&r->hits, &r->chits, r->nhits,
		    sizeof(r->hits[0])) != 0)
			return REP_EXIT_SOFTWARE;
		r->hits[r->nhits].addr = h.addr;
		r->hits[r->nhits].t_ms = h.t_ms;
		r->nhits++;
		r->matched++;
	}
	if (ferror(fp)) {
		warnx_("trap report: %s: read error", name);
		return REP_EXIT_IOERR;
	}
	return 0;
}

/* HELO names are the client's bytes: printable ASCII kept, the rest as
 * \xNN, at most max octets of the original. */
static void
printable(const char *s, size_t max, char *out, size_t outlen)
{
	size_t i, o = 0;
	unsigned char ch;

	for (i = 0; s[i] != '\0' && i < max && o + 5 < outlen; i++) {
		ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
			    ch);
	}
	if (s[i] != '\0' && o + 4 < outlen)
		o += (size_t)snprintf(out + o, outlen - o, "...");
	out[o] = '\0';
}

static json_t *
time_json(int64_t ms, int have)
{
	char t[64];

	return have ? json_string(trap_time_text(ms, t)) : json_null();
}

static int
print_json(const struct rep *r, const struct trap_client *cl, size_t n)
{
	json_t *root, *logs, *arr, *o;
	char t[64], a[46], helo[1024 * 4 + 8];
	size_t i;
	int rv;

	root = json_object();
	logs = json_object();
	arr = json_array();
	if (root == NULL || logs == NULL || arr == NULL)
		return REP_EXIT_SOFTWARE;
	json_object_set_new(root, "generated",
	    json_string(trap_time_text((int64_t)time(NULL) * 1000, t)));
	json_object_set_new(root, "window_s",
	    json_integer(r->p.window_ms / 1000));
	json_object_set_new(logs, "lines", json_integer((json_int_t)r->lines));
	json_object_set_new(logs, "matched",
	    json_integer((json_int_t)r->matched));
	json_object_set_new(logs, "malformed",
	    json_integer((json_int_t)r->malformed));
	json_object_set_new(logs, "first", time_json(r->first_ms,
	    r->ntimes > 0));
	json_object_set_new(logs, "last", time_json(r->last_ms,
	    r->ntimes > 0));
	json_object_set_new(root, "logs", logs);
	for (i = 0; i < n; i++) {
		if ((o = json_object()) == NULL)
			return REP_EXIT_SOFTWARE;
		json_object_set_new(o, "address",
		    json_string(mail_addr_text(&cl[i].addr, a)));
		json_object_set_new(o, "verdict",
		    json_string(trap_verdict_name(cl[i].verdict)));
		json_object_set_new(o, "connections",
		    json_integer(cl[i].connections));
		json_object_set_new(o, "first",
		    json_string(trap_time_text(cl[i].first_ms, t)));
		json_object_set_new(o, "last",
		    json_string(trap_time_text(cl[i].last_ms, t)));
		json_object_set_new(o, "envelope", json_boolean(cl[i].envelope));
		if (cl[i].helo != NULL) {
			printable(cl[i].helo, 1024, helo, sizeof(helo));
			json_object_set_new(o, "helo", json_string(helo));
		} else {
			json_object_set_new(o, "helo", json_null());
		}
		json_object_set_new(o, "reason", json_string(cl[i].reason));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "clients", arr);
	rv = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rv != 0 || fputc('\n', stdout) == EOF)
		return REP_EXIT_IOERR;
	return 0;
}

static void
print_table(const struct rep *r, const struct trap_client *cl, size_t n)
{
	char a[46], f[64], l[64], helo[REP_HELO_SHOWN * 4 + 8], conn[32];
	unsigned count[4] = {0};
	size_t i;

	/* CONN: connections with the client's verdict / all of them. */
	printf("%-39s %-12s %9s %-20s %-20s %-32s %s\n", "CLIENT", "VERDICT",
	    "CONN", "FIRST", "LAST", "HELO", "REASON");
	for (i = 0; i < n; i++) {
		if (cl[i].helo != NULL)
			printable(cl[i].helo, REP_HELO_SHOWN, helo,
			    sizeof(helo));
		else
			snprintf(helo, sizeof(helo), "-");
		snprintf(conn, sizeof(conn), "%u/%u", cl[i].connections,
		    cl[i].total);
		printf("%-39s %-12s %9s %-20s %-20s %-32s %s\n",
		    mail_addr_text(&cl[i].addr, a),
		    trap_verdict_name(cl[i].verdict), conn,
		    trap_time_text(cl[i].first_ms, f),
		    trap_time_text(cl[i].last_ms, l), helo, cl[i].reason);
		count[cl[i].verdict]++;
	}
	printf("# %zu clients: %u SKIPPED, %u INCONCLUSIVE, %u ORDERLY, "
	    "%u ALLOWLISTED; logs: %lu lines, %lu connections, %lu malformed",
	    n, count[TRAP_SKIPPED], count[TRAP_INCONCLUSIVE],
	    count[TRAP_ORDERLY], count[TRAP_ALLOWLISTED], r->lines,
	    r->matched, r->malformed);
	if (r->ntimes > 0)
		printf(", %s to %s", trap_time_text(r->first_ms, f),
		    trap_time_text(r->last_ms, l));
	printf("\n");
}

static void
rep_free(struct rep *r)
{
	size_t i;

	for (i = 0; i < r->nconns; i++)
		free(r->helos[i]);
	free(r->helos);
	free(r->conns);
	free(r->hits);
	free(r->times);
	free(r->allow);
}

/* --trap-start: unix seconds, or an ISO 8601 time read as a log line's. */
static int
parse_start(struct rep *r, const char *s, int64_t *ms)
{
	char line[96];
	struct trap_log_hit h;
	int64_t d;

	if (s[0] != '\0' && strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		d = strtoll(s, NULL, 10);
		if (errno != 0 || d > INT64_MAX / 1000)
			return -1;
		*ms = d * 1000;
		return 0;
	}
	if (strlen(s) > 64)
		return -1;
	snprintf(line, sizeof(line), "%s -", s);
	if (s[0] < '0' || s[0] > '9' ||
	    trap_log_parse_line(line, strlen(line), &r->ctx, &h) !=
	    TRAP_LOG_OTHER)
		return -1;
	*ms = h.t_ms;
	return 0;
}

int
cmd_trap_report(int argc, char **argv)
{
	enum { O_DB = 256, O_LOG, O_TZ, O_ALLOW, O_ALLOWF, O_WINDOW, O_SKEW,
	    O_GAP, O_START, O_GRACE, O_P4, O_P6, O_JSON };
	static const struct option lo[] = {
		{"db", required_argument, NULL, O_DB},
		{"primary-log", required_argument, NULL, O_LOG},
		{"log-tz", required_argument, NULL, O_TZ},
		{"allow", required_argument, NULL, O_ALLOW},
		{"allow-file", required_argument, NULL, O_ALLOWF},
		{"window", required_argument, NULL, O_WINDOW},
		{"skew", required_argument, NULL, O_SKEW},
		{"gap", required_argument, NULL, O_GAP},
		{"trap-start", required_argument, NULL, O_START},
		{"grace", required_argument, NULL, O_GRACE},
		{"prefix4", required_argument, NULL, O_P4},
		{"prefix6", required_argument, NULL, O_P6},
		{"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct rep r;
	const char *db = NULL, *start = NULL;
	const char **logs = NULL;
	struct trap_client *cl = NULL;
	struct trap_logs tl;
	size_t nlogs = 0, i, n;
	unsigned long v;
	int c, li, json = 0, rv = 0;
	int64_t d;
	FILE *fp;

	memset(&r, 0, sizeof(r));
	trap_params_default(&r.p);
	r.ctx.tz = rep_tz;
	logs = calloc((size_t)argc + 1, sizeof(*logs));
	if (logs == NULL)
		return REP_EXIT_SOFTWARE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, &li)) != -1) {
		switch (c) {
		case O_DB:
			db = optarg;
			break;
		case O_LOG:
			logs[nlogs++] = optarg;
			break;
		case O_TZ:
			if (setenv("TZ", optarg, 1) != 0)
				rv = REP_EXIT_SOFTWARE;
			break;
		case O_ALLOW:
			rv = add_allow(&r, optarg, strlen(optarg), "--allow");
			break;
		case O_ALLOWF:
			rv = read_allow_file(&r, optarg);
			break;
		case O_WINDOW:
		case O_SKEW:
		case O_GAP:
		case O_GRACE:
			if ((d = parse_dur(optarg)) < 0 ||
			    (c == O_WINDOW && d == 0)) {
				warnx_("trap report: bad duration '%s' for "
				    "--%s", optarg, lo[li].name);
				rv = REP_EXIT_USAGE;
				break;
			}
			if (c == O_WINDOW)
				r.p.window_ms = d;
			else if (c == O_SKEW)
				r.p.skew_ms = d;
			else if (c == O_GAP)
				r.p.gap_ms = d;
			else
				r.p.grace_ms = d;
			break;
		case O_START:
			start = optarg;
			break;
		case O_P4:
		case O_P6:
			if (cmd_number(optarg, 0, c == O_P4 ? 32 : 128,
			    &v) != 0) {
				warnx_("trap report: bad prefix length '%s'",
				    optarg);
				rv = REP_EXIT_USAGE;
				break;
			}
			if (c == O_P4)
				r.p.prefix4 = (unsigned)v;
			else
				r.p.prefix6 = (unsigned)v;
			break;
		case O_JSON:
			json = 1;
			break;
		case 'h':
			fputs(rep_usage, stdout);
			free(logs);
			rep_free(&r);
			return EXIT_CLEAN;
		default:
			rv = REP_EXIT_USAGE;
			break;
		}
		if (rv != 0)
			break;
	}
	if (rv == 0 && (optind != argc || db == NULL)) {
		warnx_("trap report: %s", db == NULL ? "--db FILE is required" :
		    "unexpected argument");
		rv = REP_EXIT_USAGE;
	}
	if (rv == REP_EXIT_USAGE)
		fputs(rep_usage, stderr);
	if (rv != 0)
		goto out;
	tzset();
	if (start != NULL && parse_start(&r, start, &r.p.trap_start_ms) != 0) {
		warnx_("trap report: bad time '%s' for --trap-start", start);
		fputs(rep_usage, stderr);
		rv = REP_EXIT_USAGE;
		goto out;
	}
	if ((rv = read_db(&r, db)) != 0)
		goto out;
	/* Year-less log times are placed against the latest trap event
	 * (the logs are read for these events), or now without events. */
	r.ctx.ref_ms = (int64_t)time(NULL) * 1000;
	if (r.nconns > 0) {
		r.ctx.ref_ms = r.conns[0].start_ms;
		for (i = 1; i < r.nconns; i++)
			if (r.conns[i].start_ms > r.ctx.ref_ms)
				r.ctx.ref_ms = r.conns[i].start_ms;
	}
	if (nlogs == 0)
		logs[nlogs++] = "-";
	for (i = 0; i < nlogs && rv == 0; i++) {
		if (strcmp(logs[i], "-") == 0) {
			rv = read_log(&r, stdin, "(stdin)");
			continue;
		}
		if ((fp = fopen(logs[i], "r")) == NULL) {
			warnx_("trap report: %s: %s", logs[i], strerror(errno));
			rv = REP_EXIT_NOINPUT;
			break;
		}
		rv = read_log(&r, fp, logs[i]);
		fclose(fp);
	}
	if (rv != 0)
		goto out;
	if (r.malformed > REP_MALFORMED_SHOWN)
		warnx_("trap report: %lu malformed log lines skipped in all",
		    r.malformed);

	tl.hits = r.hits;
	tl.nhits = r.nhits;
	tl.times = r.times;
	tl.ntimes = r.ntimes;
	trap_logs_prepare(&tl, &r.p);
	cl = calloc(r.nconns ? r.nconns : 1, sizeof(*cl));
	if (cl == NULL) {
		rv = REP_EXIT_SOFTWARE;
		goto out;
	}
	n = trap_report_classify(r.conns, r.nconns, &tl, r.allow, r.nallow,
	    &r.p, cl);
	if (json)
		rv = print_json(&r, cl, n);
	else
		print_table(&r, cl, n);
	if (rv == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		warnx_("trap report: write error");
		rv = REP_EXIT_IOERR;
	}
out:
	free(cl);
	free(logs);
	rep_free(&r);
	return rv;
}
