#!/bin/sh
# list.sh -- print the test programs prove runs, one a line: list.sh BUILD [unit]
#
#   BUILD/tests/*/test_*        unit tests (cmocka, TAP)
#   tests/fuzz/replay.t         replays every fuzz corpus through BUILD/replay/fuzz_*
#   tests/integration/*/run     integration tests (omitted with "unit")
#
# Paths are printed as reached from the current directory. Every entry is
# executable and speaks TAP, so prove runs them with -e ''.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != unit ]; }; then
	echo "usage: $0 BUILD [unit]" >&2
	exit 2
fi
build=$1
here=$(dirname "$0")

for t in "$build"/tests/*/test_*; do
	if [ -f "$t" ] && [ -x "$t" ]; then
		printf '%s\n' "$t"
	fi
done

printf '%s\n' "$here/fuzz/replay.t"

if [ "${2:-}" != unit ]; then
	for t in "$here"/integration/*/run; do
		if [ -f "$t" ] && [ -x "$t" ]; then
			printf '%s\n' "$t"
		fi
	done
fi
