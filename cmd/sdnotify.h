/* sdnotify.h -- systemd's readiness protocol (sd_notify), for the daemons */
#pragma once

/*
 * Connects to $NOTIFY_SOCKET, when set, and unsets it (the processes a
 * daemon starts must not talk for it). Call before the sandbox: later
 * no socket can be opened. Without NOTIFY_SOCKET every call is a no-op.
 * Returns 0, or -1 after a message when the variable is set but the
 * socket cannot be reached (the daemon goes on: systemd will time out).
 */
int sdnotify_open(const char *who);

/* Sends one state ("READY=1", "RELOADING=1", "STATUS=...", several
 * joined by newlines). Never blocks; a failure is ignored. */
void sdnotify_send(const char *state);

void sdnotify_close(void);
