/* sandbox.c -- the daemons' system call filter (seccomp, through libseccomp) */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

/*
 * An allowlist per process, as OpenSSH's privilege-separated child and
 * OpenBSD's pledge(2) do: once a daemon is set up (sockets bound, files
 * open, privileges dropped) the calls it makes are few and known. The
 * lists were read off the code and checked by running every integration
 * test of serve and the trap under the filter (a missing call stops the
 * daemon loudly, see on_sigsys).
 *
 * libseccomp rather than a hand-assembled BPF program: it knows every
 * architecture's numbers, the x32 and 32-bit ABIs that must be refused,
 * and argument comparisons, and Debian keeps it (libseccomp2).
 *
 * Under AddressSanitizer the leak check at exit stops the world with a
 * ptrace helper (clone, ptrace, waitpid, /proc reads): those calls are
 * allowed only in sanitizer builds.
 */

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif

/* Every process: memory, time, signals, its own descriptors, exit. */
static const char *const base_calls[] = {
	"read", "readv", "pread64", "write", "writev", "close", "lseek",
	"fstat", "newfstatat", "statx", "fcntl", "brk", "munmap",
	"mremap", "madvise", "futex", "set_robust_list", "rseq",
	"rt_sigreturn", "rt_sigprocmask", "rt_sigaction", "sigaltstack",
	"restart_syscall", "exit", "exit_group", "clock_gettime",
	"clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
	"time", "getpid", "gettid", "getuid", "geteuid", "getgid",
	"getegid", "getrandom", "uname", "sched_yield", "sched_getaffinity",
	/* glibc's qsort asks sysconf(_SC_PHYS_PAGES) once it sorts 1 KiB:
	 * a reload with many findings sorts them. */
	"sysinfo",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "timerfd_create", "timerfd_settime",
	"timerfd_gettime", "eventfd2", "poll", "ppoll",
	NULL
};

/* Talking over sockets that are already open. */
static const char *const net_calls[] = {
	"recvfrom", "recvmsg", "recvmmsg", "sendto", "sendmsg", "sendmmsg",
	"accept", "accept4", "shutdown", "setsockopt", "getsockopt",
	"getsockname", "getpeername",
	NULL
};

/* SQLite in WAL mode: its files, their locks, their shared memory. */
static const char *const store_calls[] = {
	"pwrite64", "fsync", "fdatasync", "ftruncate", "fallocate",
	"unlink", "unlinkat", "access", "faccessat", "faccessat2",
	"getcwd", "readlink", "readlinkat", "flock",
	"recvfrom", "recvmsg", "sendto", "sendmsg",
	NULL
};

#ifdef SANDBOX_SANITIZER
static const char *const sanitizer_calls[] = {
	"clone", "ptrace", "wait4", "waitid", "prctl", "getdents", "getdents64",
	"readlink", "readlinkat", "process_vm_readv", "kill", "getppid",
	"tgkill", "pipe2", "dup", "dup2", "dup3", "setrlimit", "getrlimit",
	"prlimit64", "mkdir", "mkdirat",
	NULL
};
#endif

static char sigsys_prefix[96];
static size_t sigsys_prefix_len;

/*
 * SCMP_ACT_TRAP: the forbidden call has not run; say which it was, with
 * write(2) only, then die of SIGSYS (pending until this handler returns).
 */
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[160], num[16];
	size_t n = sigsys_prefix_len, k = 0;
	unsigned v = si->si_syscall < 0 ? 0 : (unsigned)si->si_syscall;
	ssize_t w;

	(void)uc;
	memcpy(line, sigsys_prefix, n);
	do {
		num[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && k < sizeof(num));
	while (k > 0)
		line[n++] = num[--k];
	memcpy(line + n, " (seccomp)\n", 11);
	n += 11;
	w = write(STDERR_FILENO, line, n);
	(void)w;
	signal(sig, SIG_DFL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

static int
allow(scmp_filter_ctx ctx, const char *name, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* A call this architecture does not have: nothing to allow. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (n == 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, cmp);
}

static int
allow_list(scmp_filter_ctx ctx, const char *const *names)
{
	int r;

	for (; *names != NULL; names++)
		if ((r = allow(ctx, *names, 0, NULL)) != 0)
			return r;
	return 0;
}

/* The rules every role has, some with their arguments checked. */
static int
add_base(scmp_filter_ctx ctx, enum sandbox_role role)
{
	const struct scmp_arg_cmp noexec =
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const struct scmp_arg_cmp self =
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	const scmp_datum_t wmask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
	const struct scmp_arg_cmp ro_at = SCMP_A2(SCMP_CMP_MASKED_EQ, wmask,
	    O_RDONLY);
	const struct scmp_arg_cmp ro = SCMP_A1(SCMP_CMP_MASKED_EQ, wmask,
	    O_RDONLY);
	int r;

	if ((r = allow_list(ctx, base_calls)) != 0 ||
	    (r = allow(ctx, "mmap", 1, &noexec)) != 0 ||
	    (r = allow(ctx, "mprotect", 1, &noexec)) != 0 ||
	    (r = allow(ctx, "tgkill", 1, &self)) != 0)
		return r;
	if (role == SANDBOX_TRAP_STORE) {
		/* The database, its -wal and -shm files are created here. */
		if ((r = allow(ctx, "openat", 0, NULL)) != 0 ||
		    (r = allow(ctx, "open", 0, NULL)) != 0)
			return r;
	} else {
		if ((r = allow(ctx, "openat", 1, &ro_at)) != 0 ||
		    (r = allow(ctx, "open", 1, &ro)) != 0)
			return r;
	}
	return 0;
}

/*
 * Worker threads are started after the filter: clone for a thread only.
 * clone3 hides its flags in memory, so it fails with ENOSYS and glibc
 * falls back to clone.
 */
static int
allow_threads(scmp_filter_ctx ctx)
{
	int r = 0;
#ifndef SANDBOX_SANITIZER
	const struct scmp_arg_cmp thread =
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);

	r = allow(ctx, "clone", 1, &thread);
#endif
	/* (With a sanitizer, sanitizer_calls allows any clone.) */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	return r;
}

static int
add_role(scmp_filter_ctx ctx, enum sandbox_role role)
{
	int r;

	switch (role) {
	case SANDBOX_SERVE:
		if ((r = allow_list(ctx, net_calls)) != 0)
			return r;
		return allow_threads(ctx);
	case SANDBOX_TRAP_NET:
		/* And it waits for the store at exit. */
		if ((r = allow(ctx, "wait4", 0, NULL)) != 0)
			return r;
		return allow_list(ctx, net_calls);
	case SANDBOX_TRAP_STORE:
		return allow_list(ctx, store_calls);
	}
	return -EINVAL;
}

int
sandbox_drop_caps(const char *who)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	/* Effective, permitted and inheritable all empty; the ambient set
	 * follows (it is a subset of permitted and inheritable). */
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) != 0) {
		fprintf(stderr, "mxkit: %s: cannot drop capabilities: %s\n",
		    who, strerror(errno));
		return -1;
	}
	return 0;
}

const char *
sandbox_role_name(enum sandbox_role role)
{
	switch (role) {
	case SANDBOX_SERVE: return "serve";
	case SANDBOX_TRAP_NET: return "trap network";
	case SANDBOX_TRAP_STORE: return "trap store";
	}
	return "?";
}

int
sandbox_enter(enum sandbox_role role, const char *who)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int r;

	r = snprintf(sigsys_prefix, sizeof(sigsys_prefix),
	    "mxkit: %s: forbidden system call ", who);
	if (r < 0 || (size_t)r >= sizeof(sigsys_prefix))
		r = snprintf(sigsys_prefix, sizeof(sigsys_prefix),
		    "mxkit: forbidden system call ");
	sigsys_prefix_len = (size_t)r;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		fprintf(stderr, "mxkit: %s: sigaction(SIGSYS): %s\n", who,
		    strerror(errno));
		return -1;
	}

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL) {
		fprintf(stderr, "mxkit: %s: cannot set up the system call "
		    "filter (out of memory)\n", who);
		return -1;
	}
	/* A call of another ABI (x32, 32-bit) is refused as any other, the
	 * whole process ends (libseccomp's default kills one thread). Not
	 * SCMP_ACT_KILL_PROCESS, nor TSYNC: both need seccomp(2), which
	 * systemd's @system-service set refuses; prctl(2) then loads the
	 * filter. Every role installs it while single-threaded. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	if (r == 0)
		r = add_base(ctx, role);
	if (r == 0)
		r = add_role(ctx, role);
#ifdef SANDBOX_SANITIZER
	if (r == 0)
		r = allow_list(ctx, sanitizer_calls);
#endif
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r != 0) {
		fprintf(stderr, "mxkit: %s: cannot install the system call "
		    "filter: %s (--no-seccomp runs without it)\n", who,
		    strerror(-r));
		return -1;
	}
	return 0;
}
