#!/bin/sh
# regen.sh -- rewrite tests/unit/zone/data/NN_topic.out from what the code
# does now, then show the difference for a person to review
#
#   sh tests/unit/zone/regen.sh [BUILD]      (BUILD defaults to build)
#
# Never commit a regenerated .out without reading its diff: the golden
# files are the specification of the parser, the store and the checks.
set -eu

top=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-build}
cd "$top"
make --no-print-directory BUILD="$build" "$build/tests/zone/test_zone"
MXKIT_REGEN=1 MXKIT_SRCDIR="$top" "$build/tests/zone/test_zone" >/dev/null
if git rev-parse --git-dir >/dev/null 2>&1; then
	git --no-pager diff --stat -- tests/unit/zone/data
	git status --short -- tests/unit/zone/data | grep '^??' || true
	echo "review with: git diff tests/unit/zone/data"
fi
