#!/bin/sh
# zone_load.sh -- mxkit zone check beside kzonecheck, nsd-checkzone,
# named-checkzone and ldns-read-zone on the 1,000,000-name zone, in one run
# of the project's shared harness (bench_load.sh): MB/s and peak RSS.
#
#   bench/zone_load.sh                  # REPS=3 by default
#   REPS=5 BENCH_DATA=/tmp/b bench/zone_load.sh
#
# Needs the packages of ../shared/bench/README.md (scripts/deps.sh installs
# them) and makes the zones with gen_zones.py when they are missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${MXKIT_SHARED_BENCH:-$root/../shared/bench}
export BENCH_DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/mxkit-bench}
[ -x "$shared/bench_load.sh" ] || { echo "zone_load.sh: no harness at $shared" >&2; exit 2; }
make -C "$root" -s build/mxkit
if [ ! -f "$BENCH_DATA/zones/big.test.zone" ]; then
	python3 "$shared/gen_zones.py"
fi
export PARSER_CMD_mxkit="$root/build/mxkit zone check --quiet --origin \$BENCH_ORIGIN \$BENCH_ZONEFILE"
export LOAD_SERVERS=${LOAD_SERVERS-}
exec "$shared/bench_load.sh"
