# lib.sh -- TAP helpers for mxkit's bash integration tests (source it, don't run it)
#
# A test is tests/integration/<case>/run, executable, with a bash shebang;
# prove runs it directly from the repository root. Typical use:
#
#   #!/bin/bash
#   # run -- what this case checks
#   . "$(dirname "$0")/../lib.sh"
#   require_cmd dig
#   require_mxkit
#   plan 2
#   port=$(free_port)
#   spawn "$MXKIT" serve ... "$port" ...     # killed at exit, by PID
#   run_ok "dig gets an answer" dig +short -p "$port" @127.0.0.1 example.org MX
#   is "$(cat "$T/last.out")" "10 mx1.example.org." "the answer is the MX"
#   finish
#
# Results go to stdout as TAP; diagnostics go to stderr as "# ..." so prove
# shows them without -v. Don't use set -e in a test: a failed check must
# be reported, not abort the script.
#
# Environment:
#   MXKIT  the binary under test (default: build/mxkit in the repository).
#          make check sets it; when it is set and not executable the test
#          bails out, when it is only the missing default the test is skipped.
#   T      set here: a private temporary directory, removed at exit.

# Guard against double sourcing.
if [ -n "${MXKIT_TAP_LIB:-}" ]; then
	return 0
fi
MXKIT_TAP_LIB=1

MXKIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -n "${MXKIT:-}" ]; then
	MXKIT_FROM_ENV=1
	case $MXKIT in
	/*) ;;
	*) MXKIT=$PWD/$MXKIT ;;
	esac
else
	MXKIT_FROM_ENV=
	MXKIT=$MXKIT_ROOT/build/mxkit
fi
export MXKIT MXKIT_ROOT

_tap_n=0         # number of the last test reported
_tap_failed=0    # number of "not ok" lines
_tap_planned=    # the plan, once printed
_tap_pids=()     # processes started by this test (spawn / track_pid)

T=$(mktemp -d "${TMPDIR:-/tmp}/mxkit-test.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory"
	exit 1
}
export T

# diag MESSAGE...: print each line of MESSAGE to stderr as a TAP comment.
diag() {
	printf '%s\n' "$*" | sed 's/^/# /' >&2
}

# diag_file FILE [MAX]: print at most MAX (default 40) lines of FILE as comments.
diag_file() {
	local max=${2:-40} n
	[ -s "$1" ] || return 0
	sed -n "1,${max}p" "$1" | sed 's/^/# /' >&2
	n=$(wc -l < "$1")
	if [ "$n" -gt "$max" ]; then
		diag "... ($((n - max)) more lines in $1)"
	fi
}

# plan N: announce N tests. Call it once, before or after the tests (or use finish).
plan() {
	_tap_planned=$1
	printf '1..%s\n' "$1"
}

# skip_all REASON: the whole test does not apply here; exits 0.
skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

# bail_out REASON: stop the whole run (prove reports it); exits 1.
bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

# A "#" in a description would start a TAP directive: escape it.
_tap_desc() {
	local d=$*
	printf '%s' "${d//#/\\#}"
}

# pass DESC / fail DESC: report one result.
pass() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s\n' "$_tap_n" "$(_tap_desc "$*")"
}

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$(_tap_desc "$*")"
}

# ok STATUS DESC: pass when STATUS (an exit status) is 0, e.g.
#   grep -q MX "$T/out"; ok $? "the answer has an MX"
ok() {
	local status=$1
	shift
	if [ "$status" -eq 0 ]; then
		pass "$@"
	else
		fail "$@"
		diag "exit status $status"
	fi
}

# run_ok DESC CMD [ARG...]: run CMD with stdout and stderr in $T/last.out;
# pass when it exits 0, otherwise report the command and its output.
# Returns CMD's exit status.
run_ok() {
	local desc=$1 status=0
	shift
	"$@" > "$T/last.out" 2>&1 || status=$?
	if [ "$status" -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc"
		diag "command: $* (exit status $status)"
		diag_file "$T/last.out"
	fi
	return "$status"
}

# run_fails DESC CMD [ARG...]: like run_ok, but passes when CMD exits non-zero.
run_fails() {
	local desc=$1 status=0
	shift
	"$@" > "$T/last.out" 2>&1 || status=$?
	if [ "$status" -ne 0 ]; then
		pass "$desc"
	else
		fail "$desc"
		diag "command: $* (exit status 0, expected a failure)"
		diag_file "$T/last.out"
	fi
	return 0
}

# is GOT EXPECTED DESC: pass when the two strings are equal; on failure
# show a unified diff (expected -> got).
is() {
	local got=$1 expected=$2
	shift 2
	if [ "$got" = "$expected" ]; then
		pass "$@"
		return 0
	fi
	fail "$@"
	printf '%s\n' "$expected" > "$T/is.expected"
	printf '%s\n' "$got" > "$T/is.got"
	diff -u --label expected --label got "$T/is.expected" "$T/is.got" > "$T/is.diff"
	diag_file "$T/is.diff" 60
	return 1
}

# is_file GOT_FILE EXPECTED_FILE DESC: the same for two files.
is_file() {
	local got=$1 expected=$2
	shift 2
	if cmp -s "$got" "$expected"; then
		pass "$@"
		return 0
	fi
	fail "$@"
	diff -u --label "expected ($expected)" --label "got ($got)" \
		"$expected" "$got" > "$T/is.diff"
	diag_file "$T/is.diff" 60
	return 1
}

# skip DESC REASON: count a test as skipped.
skip() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s # skip %s\n' "$_tap_n" "$(_tap_desc "$1")" "$(_tap_desc "$2")"
}

# finish: print the plan if none was given, check it against the count,
# and exit 1 when something failed.
finish() {
	if [ -z "$_tap_planned" ]; then
		plan "$_tap_n"
	elif [ "$_tap_planned" -ne "$_tap_n" ]; then
		diag "planned $_tap_planned tests but ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	exit 0
}

# require_cmd CMD...: skip the whole test unless every CMD is on PATH.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null 2>&1 || skip_all "$c not installed"
	done
}

# require_root: skip unless running as root (network namespaces, low ports).
require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
}

# require_mxkit: the binary must exist. If MXKIT came from the environment
# (make check) a missing binary is an error, otherwise the test is skipped.
require_mxkit() {
	[ -x "$MXKIT" ] && return 0
	if [ -n "$MXKIT_FROM_ENV" ]; then
		bail_out "MXKIT=$MXKIT is not an executable file"
	fi
	skip_all "$MXKIT not built"
}

# spawn CMD [ARG...]: start CMD in the background in a process group of its
# own (setsid), its stdout and stderr in $T/spawn.N.log (N counts from 1).
# Cleanup signals that group, so workers CMD forks go too. Sets SPAWNED_PID
# (also the group ID) and SPAWNED_LOG.
_tap_nspawn=0
spawn() {
	_tap_nspawn=$((_tap_nspawn + 1))
	SPAWNED_LOG=$T/spawn.$_tap_nspawn.log
	# Background jobs of a script share its process group, so setsid need
	# not fork and $! is CMD's own PID.
	setsid "$@" > "$SPAWNED_LOG" 2>&1 < /dev/null &
	SPAWNED_PID=$!
	_tap_pids+=("-$SPAWNED_PID")
}

# track_pid PID...: have cleanup kill these processes too (e.g. a daemon
# that wrote a pid file). Only the PID itself is signalled.
track_pid() {
	_tap_pids+=("$@")
}

# at_exit CMD: one extra command (a string for eval) to run during cleanup,
# before processes are killed, e.g. "ip netns del mxkit-t1".
_tap_at_exit=()
at_exit() {
	_tap_at_exit+=("$1")
}

# _tap_alive PID: the process exists and is not a zombie (kill -0 alone
# also succeeds for an exited child that has not been reaped yet).
_tap_alive() {
	local st
	kill -0 "$1" 2> /dev/null || return 1
	read -r st < "/proc/$1/stat" 2> /dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# Kill only what this test started, by process (group) ID: TERM, up to 2 s
# of grace for each, then KILL.
_tap_cleanup() {
	local status=$? id pid i c
	for c in "${_tap_at_exit[@]+"${_tap_at_exit[@]}"}"; do
		eval "$c" > /dev/null 2>&1 || true
	done
	for id in "${_tap_pids[@]+"${_tap_pids[@]}"}"; do
		kill -TERM -- "$id" 2> /dev/null || true
	done
	for id in "${_tap_pids[@]+"${_tap_pids[@]}"}"; do
		pid=${id#-}
		i=0
		while [ "$i" -lt 10 ] && _tap_alive "$pid"; do
			sleep 0.2
			i=$((i + 1))
		done
		if _tap_alive "$pid"; then
			diag "process $pid ignored SIGTERM for 2 s: sending SIGKILL"
		fi
		# A group may outlive its leader: KILL it whatever the leader did.
		kill -KILL -- "$id" 2> /dev/null || true
		wait "$pid" 2> /dev/null || true
	done
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		rm -rf "$T"
	fi
	exit "$status"
}
trap _tap_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port [ADDR]: print a port number free for both TCP and UDP on ADDR
# (default 127.0.0.1; use ::1 for IPv6), chosen by the kernel and checked
# by binding both sockets. Another process can still take it before the
# test does; tests that can should retry on EADDRINUSE.
free_port() {
	python3 - "${1:-127.0.0.1}" <<'EOF'
import socket, sys
addr = sys.argv[1]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
for _ in range(50):
    t = socket.socket(fam, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, 0))
    port = t.getsockname()[1]
    u = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        u.bind((addr, port))
    except OSError:
        t.close()
        u.close()
        continue
    t.close()
    u.close()
    print(port)
    sys.exit(0)
sys.exit("no free TCP+UDP port on " + addr)
EOF
}
