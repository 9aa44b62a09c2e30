/* sysfilter.c -- run a command under a system call allowlist, as systemd's
 * SystemCallFilter= does (refused calls fail with EPERM): sysfilter FILE
 * CMD [ARG...], FILE one system call name a line. For deb_install, where
 * no systemd runs: the units' filter applied to their own commands. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	char line[128];
	scmp_filter_ctx ctx;
	FILE *fp;
	int nr, n = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: sysfilter FILE CMD [ARG...]\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "r")) == NULL ||
	    (ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		perror("sysfilter");
		return 2;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		nr = seccomp_syscall_resolve_name(line);
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0) {
			fprintf(stderr, "sysfilter: %s refused\n", line);
			return 2;
		}
		n++;
	}
	fclose(fp);
	if (n == 0 || seccomp_load(ctx) != 0) {
		fprintf(stderr, "sysfilter: no filter loaded\n");
		return 2;
	}
	seccomp_release(ctx);
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
