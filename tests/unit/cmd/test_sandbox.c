/* test_sandbox.c -- the daemons' system call filters refuse what they must */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "../../../cmd/sandbox.h"

/*
 * Each case forks: the child installs a role's filter, does one thing,
 * and exits 0 if it was allowed; a refused call kills it with SIGSYS
 * after a line on stderr, which the parent reads back through a pipe.
 */
struct outcome {
	int signaled, sig, status;
	char err[512];
};

static char dir[64];

/* Set by a case before run(): something the child does first. */
static void (*child_pre)(void);

static void
run(enum sandbox_role role, void (*body)(void), struct outcome *o)
{
	int p[2];
	pid_t pid;
	int st;
	ssize_t n;
	size_t got = 0;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		if (child_pre != NULL)
			child_pre();
		if (sandbox_enter(role, "test") != 0)
			_exit(99);
		body();
		_exit(0);
	}
	close(p[1]);
	while (got < sizeof(o->err) - 1 &&
	    (n = read(p[0], o->err + got, sizeof(o->err) - 1 - got)) > 0)
		got += (size_t)n;
	o->err[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	o->signaled = WIFSIGNALED(st);
	o->sig = o->signaled ? WTERMSIG(st) : 0;
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
expect_refused(enum sandbox_role role, void (*body)(void))
{
	struct outcome o;

	run(role, body, &o);
	if (!o.signaled || o.sig != SIGSYS)
		fail_msg("%s: expected death by SIGSYS, got %s %d (stderr: %s)",
		    sandbox_role_name(role), o.signaled ? "signal" : "exit",
		    o.signaled ? o.sig : o.status, o.err);
	assert_non_null(strstr(o.err, "mxkit: test: forbidden system call "));
	assert_non_null(strstr(o.err, " (seccomp)\n"));
}

static void
expect_allowed(enum sandbox_role role, void (*body)(void))
{
	struct outcome o;

	run(role, body, &o);
	if (o.signaled || o.status != 0)
		fail_msg("%s: expected exit 0, got %s %d (stderr: %s)",
		    sandbox_role_name(role), o.signaled ? "signal" : "exit",
		    o.signaled ? o.sig : o.status, o.err);
}

static void
do_exec(void)
{
	char *const argv[] = { (char *)"/bin/true", NULL };

	execv("/bin/true", argv);
	_exit(3);	/* refused with an error rather than killed */
}

static void
do_open_write(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/written", dir);
	if (open(path, O_WRONLY | O_CREAT, 0600) >= 0)
		_exit(4);
	_exit(5);
}

static void
do_open_read(void)
{
	char path[128], buf[8];
	int fd;

	snprintf(path, sizeof(path), "%s/zone", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "data", 4) != 0)
		_exit(6);
	close(fd);
}

static void
do_socket(void)
{
	if (socket(AF_INET, SOCK_DGRAM, 0) >= 0)
		_exit(7);
	_exit(8);
}

static void
do_mmap_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	_exit(p == MAP_FAILED ? 9 : 10);
}

static void
do_memory(void)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	if (p == MAP_FAILED)
		_exit(11);
	memset(p, 1, 1 << 20);
	munmap(p, 1 << 20);
	q = malloc(10 << 20);
	if (q == NULL)
		_exit(12);
	memset(q, 2, 10 << 20);
	free(q);
}

static void *
thread_main(void *arg)
{
	return arg;
}

static void
do_thread(void)
{
	pthread_t t;
	void *r = NULL;

	if (pthread_create(&t, NULL, thread_main, dir) != 0 ||
	    pthread_join(t, &r) != 0 || r != dir)
		_exit(13);
}

/* A filter is in force and no_new_privs is set, as /proc shows. */
static void
do_status(void)
{
	char line[256];
	int filter = 0, nnp = 0;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		_exit(14);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strcmp(line, "Seccomp:\t2\n") == 0)
			filter = 1;
		if (strcmp(line, "NoNewPrivs:\t1\n") == 0)
			nnp = 1;
	}
	fclose(fp);
	if (!filter || !nnp)
		_exit(15);
}

static void
do_store_file(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/store.db", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || pwrite(fd, "row", 3, 0) != 3 || fsync(fd) != 0 ||
	    fdatasync(fd) != 0 || ftruncate(fd, 2) != 0)
		_exit(16);
	close(fd);
	if (unlink(path) != 0)
		_exit(17);
}

static void
do_wait(void)
{
	/* No child: ECHILD, but the call itself is allowed. */
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		_exit(18);
}

/*
 * systemd's SystemCallFilter=@system-service refuses seccomp(2) with
 * EPERM; prctl(2) stays. A filter like that, installed first as systemd
 * does, with raw BPF: libseccomp must meet it with no state of its own
 * (it remembers whether seccomp(2) works from its first use on).
 */
static void
systemd_like_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
		_exit(97);
}

static void
do_caps(void)
{
	char line[256];
	int zero = 0;
	FILE *fp;

	if (sandbox_drop_caps("test") != 0)
		_exit(19);
	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		_exit(20);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strcmp(line, "CapEff:\t0000000000000000\n") == 0 ||
		    strcmp(line, "CapPrm:\t0000000000000000\n") == 0 ||
		    strcmp(line, "CapAmb:\t0000000000000000\n") == 0)
			zero++;
	fclose(fp);
	if (zero != 3)
		_exit(21);
}

/* Under a unit's filter that refuses seccomp(2), the daemon's own filter
 * still goes in (through prctl) and still refuses. */
static void
under_systemd(void **state)
{
	(void)state;
	child_pre = systemd_like_filter;
	expect_refused(SANDBOX_SERVE, do_exec);
	expect_allowed(SANDBOX_SERVE, do_thread);
	expect_refused(SANDBOX_TRAP_STORE, do_socket);
	child_pre = NULL;
}

/* capset before the filter: nothing is left, not even what a unit's
 * AmbientCapabilities gave (as root here: all of them). */
static void
caps_dropped(void **state)
{
	(void)state;
	child_pre = do_caps;
	expect_allowed(SANDBOX_SERVE, do_status);
	child_pre = NULL;
}

static void
serve_refuses(void **state)
{
	char path[128];

	(void)state;
	expect_refused(SANDBOX_SERVE, do_exec);
	expect_refused(SANDBOX_SERVE, do_open_write);
	snprintf(path, sizeof(path), "%s/written", dir);
	assert_int_equal(access(path, F_OK), -1);
	expect_refused(SANDBOX_SERVE, do_socket);
	expect_refused(SANDBOX_SERVE, do_mmap_exec);
}

static void
serve_allows(void **state)
{
	(void)state;
	expect_allowed(SANDBOX_SERVE, do_open_read);
	expect_allowed(SANDBOX_SERVE, do_memory);
	expect_allowed(SANDBOX_SERVE, do_thread);
	expect_allowed(SANDBOX_SERVE, do_status);
}

static void
trap_net_filter(void **state)
{
	(void)state;
	expect_refused(SANDBOX_TRAP_NET, do_exec);
	expect_refused(SANDBOX_TRAP_NET, do_open_write);
	expect_refused(SANDBOX_TRAP_NET, do_socket);
	expect_allowed(SANDBOX_TRAP_NET, do_wait);
	expect_allowed(SANDBOX_TRAP_NET, do_status);
}

static void
trap_store_filter(void **state)
{
	(void)state;
	expect_refused(SANDBOX_TRAP_STORE, do_exec);
	expect_refused(SANDBOX_TRAP_STORE, do_socket);
	expect_refused(SANDBOX_TRAP_STORE, do_mmap_exec);
	expect_allowed(SANDBOX_TRAP_STORE, do_store_file);
	expect_allowed(SANDBOX_TRAP_STORE, do_open_read);
}

static int
setup(void **state)
{
	char path[128];
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mxkit-sandbox.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/zone", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "data", 4) != 4)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/zone", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/written", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serve_refuses),
		cmocka_unit_test(serve_allows),
		cmocka_unit_test(trap_net_filter),
		cmocka_unit_test(trap_store_filter),
		cmocka_unit_test(under_systemd),
		cmocka_unit_test(caps_dropped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
