/* trap_store.h -- the store process of mxkit trap listen */
#pragma once

/*
 * Runs the store: opens (creates) the SQLite database at path in WAL
 * mode, then drops root as the network process does (the open database,
 * its WAL and shared-memory files stay writable through their open
 * descriptors), writes one byte to fd when it is ready, then stores each struct
 * trap_event read from fd (a SOCK_SEQPACKET socketpair) until the other
 * end closes. Events are committed in small batches and logged on stderr
 * once committed; a batch that cannot be written is logged and counted as
 * dropped, and the store goes on. With sandbox, the store's system call
 * filter is installed once privileges are dropped. Returns the exit
 * status: 1 when the database cannot be opened, else 0.
 */
int trap_store_run(int fd, const char *path, const char *user, int sandbox);

/*
 * Started as root: becomes user (NULL: nobody), supplementary groups
 * first, and checks that root cannot be regained; who names the process
 * in the log line. Otherwise does nothing. 0, or -1 (logged).
 */
int trap_drop_privileges(const char *user, const char *who);

/*
 * One line "mxkit trap: ..." on stderr, written with one write(2): the
 * network and store processes share stderr.
 */
void trap_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
