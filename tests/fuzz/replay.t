#!/bin/bash
# replay.t -- run every fuzz target's corpus through its replay build, one TAP line per target
#
# For each $BUILD/replay/fuzz_X (built from tests/fuzz/fuzz_X.c and replay.c)
# run it on tests/fuzz/corpus/X. It passes when the program exits 0; under
# make check it is built with ASan+UBSan, so a crash, an over-read or a leak
# on any saved input fails it. BUILD defaults to "build" (relative to the
# current directory, like the Makefile's).
set -u

corpus_root=$(cd "$(dirname "$0")" && pwd)/corpus
build=${BUILD:-build}

targets=()
for bin in "$build"/replay/fuzz_*; do
	if [ -f "$bin" ] && [ -x "$bin" ]; then
		targets+=("$bin")
	fi
done

if [ "${#targets[@]}" -eq 0 ]; then
	echo "1..0 # SKIP no fuzz replay programs in $build/replay"
	exit 0
fi

log=$(mktemp "${TMPDIR:-/tmp}/mxkit-replay.XXXXXX")
trap 'rm -f "$log"' EXIT

echo "1..${#targets[@]}"
n=0
failed=0
for bin in "${targets[@]}"; do
	n=$((n + 1))
	target=${bin##*/}
	dir=$corpus_root/${target#fuzz_}
	if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
		echo "ok $n - $target # skip no corpus in tests/fuzz/corpus/${target#fuzz_}"
		continue
	fi
	count=$(find "$dir" -type f | wc -l)
	status=0
	"$bin" "$dir" > "$log" 2>&1 || status=$?
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $target replays $count inputs"
	else
		failed=$((failed + 1))
		echo "not ok $n - $target replays $count inputs"
		echo "# $bin $dir: exit status $status" >&2
		tail -n 40 "$log" | sed 's/^/# /' >&2
	fi
done

[ "$failed" -eq 0 ]
