/* trap_store.c -- the store process of mxkit trap listen: fixed-size events from a socketpair into SQLite (WAL), the only process that opens the database */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cmd.h"
#include "mxkit/trap.h"
#include "sandbox.h"
#include "trap_store.h"

/*
 * The schema that mxkit trap report reads: keep it exactly. client and
 * local are text (IPv4 dotted, IPv6 RFC 5952), rcpt newline-separated,
 * end_reason one of trap_end_name's words. helo, mail_from and rcpt are
 * NULL when the client never sent them; the null reverse path is "<>".
 */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, "
    "start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, "
    "client TEXT NOT NULL, client_port INTEGER NOT NULL, "
    "local TEXT NOT NULL, local_port INTEGER NOT NULL, helo TEXT, "
    "mail_from TEXT, rcpt TEXT, rcpt_count INTEGER NOT NULL, "
    "end_reason TEXT NOT NULL, commands INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_client ON events(client, "
    "start_ms);";

#define SCHEMA_VERSION	1
/*
 * Events written in one transaction at most: a burst is committed with
 * one fsync, and a batch is only what was already waiting in the socket,
 * so nothing waits for company.
 */
#define BATCH_MAX	64
/*
 * How long a write waits for a lock that a reader or another writer
 * holds. The network process never waits for the store (its writes to
 * the socketpair do not block), so this only decides when a batch is
 * given up and counted as dropped.
 */
#define BUSY_MS		1000

struct store {
	sqlite3 *db;
	sqlite3_stmt *ins;
	const char *path;
	unsigned long long stored, dropped;
};

static int
exec_sql(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		trap_log("store: %s: %s", s->path, msg != NULL ? msg :
		    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
store_open(struct store *s, const char *path)
{
	sqlite3_stmt *st;
	int v = 0;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		trap_log("store: cannot open %s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(s->db, BUSY_MS);
	/* WAL: report's readers never block the store; FULL: a commit is
	 * on disk before the event is logged as stored. */
	if (exec_sql(s, "PRAGMA journal_mode=WAL;") != 0 ||
	    exec_sql(s, "PRAGMA synchronous=FULL;") != 0 ||
	    exec_sql(s, schema) != 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version;", -1, &st, NULL)
	    == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (v == 0 && exec_sql(s, "PRAGMA user_version=1;") != 0)
		return -1;
	if (v > SCHEMA_VERSION) {
		trap_log("store: %s: schema version %d is newer than this "
		    "mxkit's (%d)", path, v, SCHEMA_VERSION);
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, "INSERT INTO events(start_ms, end_ms, "
	    "client, client_port, local, local_port, helo, mail_from, rcpt, "
	    "rcpt_count, end_reason, commands) VALUES(?,?,?,?,?,?,?,?,?,?,?,"
	    "?);", -1, &s->ins, NULL) != SQLITE_OK) {
		trap_log("store: %s: %s", path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static void
store_close(struct store *s)
{
	sqlite3_finalize(s->ins);
	sqlite3_close(s->db);
}

/*
 * The network process faces the Internet, the store does not: a record is
 * checked before it is used, as if a client had written it. Strings are
 * cut at their last byte, counts and the end reason bounded.
 */
static int
event_sane(struct trap_event *e)
{
	unsigned i;

	if ((e->client.family != AF_INET && e->client.family != AF_INET6) ||
	    (e->local.family != AF_INET && e->local.family != AF_INET6) ||
	    e->end >= TRAP_END_COUNT || e->nrcpt > TRAP_RCPT_MAX ||
	    e->nrcpt > e->rcpt_total)
		return 0;
	e->helo[sizeof(e->helo) - 1] = '\0';
	e->mail_from[sizeof(e->mail_from) - 1] = '\0';
	for (i = 0; i < TRAP_RCPT_MAX; i++)
		e->rcpt[i][sizeof(e->rcpt[i]) - 1] = '\0';
	return 1;
}

static void
bind_text_or_null(sqlite3_stmt *st, int col, const char *s)
{
	if (s[0] == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
}

static int
insert(struct store *s, const struct trap_event *e)
{
	char client[46], local[46];
	char rcpt[TRAP_RCPT_MAX * TRAP_PATH_MAX];
	size_t n = 0, k;
	unsigned i;
	int rc;

	rcpt[0] = '\0';
	for (i = 0; i < e->nrcpt; i++) {
		k = strlen(e->rcpt[i]);
		if (i > 0)
			rcpt[n++] = '\n';
		memcpy(rcpt + n, e->rcpt[i], k);
		n += k;
		rcpt[n] = '\0';
	}
	sqlite3_reset(s->ins);
	sqlite3_clear_bindings(s->ins);
	sqlite3_bind_int64(s->ins, 1, e->start_ms);
	sqlite3_bind_int64(s->ins, 2, e->end_ms);
	sqlite3_bind_text(s->ins, 3, mail_addr_text(&e->client, client), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int(s->ins, 4, e->client_port);
	sqlite3_bind_text(s->ins, 5, mail_addr_text(&e->local, local), -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int(s->ins, 6, e->local_port);
	bind_text_or_null(s->ins, 7, e->helo);
	bind_text_or_null(s->ins, 8, e->mail_from);
	if (e->nrcpt > 0)
		sqlite3_bind_text(s->ins, 9, rcpt, (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s->ins, 9);
	sqlite3_bind_int64(s->ins, 10, e->rcpt_total);
	sqlite3_bind_text(s->ins, 11, trap_end_name(e->end), -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 12, e->commands);
	rc = sqlite3_step(s->ins);
	sqlite3_reset(s->ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One line per event: id > 0 stored as that row, 0 not stored (the log
 * then keeps the evidence that the database could not). */
static void
log_event(const struct trap_event *e, long long id)
{
	char client[46], local[46], what[48];

	if (id > 0)
		snprintf(what, sizeof(what), "event %lld stored", id);
	else
		snprintf(what, sizeof(what), "event not stored");
	trap_log("%s: client %s port %u, local %s port %u, "
	    "helo \"%s\", from \"%s\", %u/%u rcpt, %u commands, end %s, "
	    "%lld ms", what, mail_addr_text(&e->client, client),
	    e->client_port, mail_addr_text(&e->local, local), e->local_port,
	    e->helo, e->mail_from, e->nrcpt, e->rcpt_total, e->commands,
	    trap_end_name(e->end), (long long)(e->end_ms - e->start_ms));
}

/* One batch in one transaction: all stored, or all counted as dropped
 * (a full disk, a lock held too long, a read-only file). */
static void
store_batch(struct store *s, struct trap_event *ev, size_t n)
{
	long long first;
	size_t i;

	if (exec_sql(s, "BEGIN IMMEDIATE;") != 0)
		goto drop;
	for (i = 0; i < n; i++)
		if (insert(s, &ev[i]) != 0) {
			trap_log("store: %s: %s", s->path, sqlite3_errmsg(s->db));
			exec_sql(s, "ROLLBACK;");
			goto drop;
		}
	if (exec_sql(s, "COMMIT;") != 0) {
		if (!sqlite3_get_autocommit(s->db))
			exec_sql(s, "ROLLBACK;");
		goto drop;
	}
	first = sqlite3_last_insert_rowid(s->db) - (long long)n + 1;
	for (i = 0; i < n; i++)
		log_event(&ev[i], first + (long long)i);
	s->stored += n;
	return;
drop:
	for (i = 0; i < n; i++)
		log_event(&ev[i], 0);
	s->dropped += n;
	trap_log("store: %zu event(s) dropped, %llu dropped in all", n,
	    s->dropped);
}

int
trap_store_run(int fd, const char *path, const char *user, int sandbox)
{
	static struct trap_event ev[BATCH_MAX];
	struct store s;
	ssize_t r = -1;
	size_t n;
	int e = 0;
	char ok = 'R';

	/* The store ends when the network process closes its end, after the
	 * last event: a signal meant for the listener must not cut it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (store_open(&s, path) != 0) {
		store_close(&s);
		return 1;
	}
	/* The read in store_open has opened the WAL and shared-memory
	 * files: from here on nothing is created, only written. */
	if (trap_drop_privileges(user, "store") != 0) {
		store_close(&s);
		return 1;
	}
	if (sandbox_drop_caps("trap store") != 0 ||
	    (sandbox && sandbox_enter(SANDBOX_TRAP_STORE, "trap store") != 0)) {
		store_close(&s);
		return 1;
	}
	if (write(fd, &ok, 1) != 1)
		return 1;
	for (;;) {
		n = 0;
		while (n < BATCH_MAX) {
			r = recv(fd, &ev[n], sizeof(ev[n]), n == 0 ? 0 :
			    MSG_DONTWAIT);
			/* Kept: SQLite and the log overwrite errno before
			 * the test below. */
			e = r < 0 ? errno : 0;
			if (r < 0 && e == EINTR)
				continue;
			if (r <= 0)
				break;
			if ((size_t)r != sizeof(ev[n]) || !event_sane(&ev[n])) {
				trap_log("store: a malformed event record "
				    "(%zd bytes) ignored", r);
				continue;
			}
			n++;
		}
		if (n > 0)
			store_batch(&s, ev, n);
		if (r == 0 || (r < 0 && e != EAGAIN && e != EWOULDBLOCK))
			break;
	}
	trap_log("store: %llu events stored, %llu dropped", s.stored, s.dropped);
	store_close(&s);
	return 0;
}
