/* sdnotify.c -- systemd's readiness protocol (sd_notify), for the daemons */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

/*
 * Written here rather than linking libsystemd: the protocol is one
 * datagram of "KEY=VALUE" lines to a Unix socket whose path is in
 * $NOTIFY_SOCKET (sd_notify(3) documents it as stable and meant to be
 * reimplemented), and libsystemd would bring its own dependencies into
 * two network daemons for these few lines. The socket is connected once,
 * before the system call filter, so that sending needs only send(2).
 */

static int notify_fd = -1;

int
sdnotify_open(const char *who)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	size_t n;
	int fd;

	if (path == NULL || *path == '\0')
		return 0;
	n = strlen(path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	/* A path, or '@' for a name in the abstract namespace. */
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path)) {
		fprintf(stderr, "mxkit: %s: NOTIFY_SOCKET '%s' is not a socket "
		    "path: not telling systemd\n", who, path);
		unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, len) != 0) {
		fprintf(stderr, "mxkit: %s: cannot reach NOTIFY_SOCKET %s: "
		    "%s\n", who, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	unsetenv("NOTIFY_SOCKET");
	notify_fd = fd;
	return 0;
}

void
sdnotify_send(const char *state)
{
	if (notify_fd < 0)
		return;
	(void)send(notify_fd, state, strlen(state), MSG_DONTWAIT |
	    MSG_NOSIGNAL);
}

void
sdnotify_close(void)
{
	if (notify_fd >= 0)
		close(notify_fd);
	notify_fd = -1;
}
