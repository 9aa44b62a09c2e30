/* sandbox.h -- the daemons' system call filter (seccomp, through libseccomp) */
#pragma once

/*
 * What a daemon process does once it is set up: its sockets bound, its
 * files open, its privileges dropped. Each role allows the system calls
 * that process makes from then on and nothing else; openat is read-only
 * except for the trap's store, no process may execute a program, create
 * a socket (serve, the store) or map executable memory.
 */
enum sandbox_role {
	SANDBOX_SERVE,		/* mxkit serve: UDP/TCP workers, reloads */
	SANDBOX_TRAP_NET,	/* mxkit trap listen: the network process */
	SANDBOX_TRAP_STORE,	/* mxkit trap listen: the SQLite store process */
};

/*
 * Installs the filter of role on the calling process (and the threads it
 * starts afterwards; start none before). A forbidden system call is not
 * executed: the process writes "mxkit: <who>: forbidden system call N
 * (seccomp)" to stderr and dies of SIGSYS. Also sets no_new_privs.
 * Returns 0, or -1 with a message on stderr (the caller must not go on
 * unfiltered: the filter was asked for).
 */
int sandbox_enter(enum sandbox_role role, const char *who);

/*
 * Drops every capability (effective, permitted, inheritable, ambient) of
 * the calling thread: once the ports are bound, CAP_NET_BIND_SERVICE from
 * a systemd unit is of no more use. 0, or -1 with a message on stderr.
 */
int sandbox_drop_caps(const char *who);

/* The role's name, for messages and tests. */
const char *sandbox_role_name(enum sandbox_role role);
