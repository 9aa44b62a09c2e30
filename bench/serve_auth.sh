#!/bin/sh
# serve_auth.sh -- mxkit serve beside NSD, Knot and the ceiling responder
# in one run of the shared harness (bench_auth.sh): UDP and TCP QPS, QPS per
# server core, memory and start-to-ready with the 1,000,000-name zone.
#
#   bench/serve_auth.sh                        # the harness defaults
#   REPS=3 DURATION=10 TAG=mine bench/serve_auth.sh
#   SERVERS="ceiling knot mxkit" THREADS_LIST=1 bench/serve_auth.sh
#
# mxkit runs without response rate limiting (its default), as the others
# are configured by the harness.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${MXKIT_SHARED_BENCH:-$root/../shared/bench}
export BENCH_DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/mxkit-bench}
[ -x "$shared/bench_auth.sh" ] || { echo "serve_auth.sh: no harness at $shared" >&2; exit 2; }
make -C "$root" -s build/mxkit
if [ ! -f "$BENCH_DATA/zones/big.test.zone" ]; then
	python3 "$shared/gen_zones.py"
fi
# The zone list "<origin> <file>" becomes --zone ORIGIN=DIR/FILE options.
export SERVER_CMD_mxkit="$root/build/mxkit serve \
  --listen \$BENCH_ADDR:\$BENCH_PORT --threads \$BENCH_THREADS \
  \$(awk -v d=\"\$BENCH_ZONEDIR\" '{ printf \" --zone %s=%s/%s\", \$1, d, \$2 }' \$BENCH_ZONELIST)"
export SERVERS=${SERVERS:-"ceiling nsd knot mxkit"}
export TCP_SERVERS=${TCP_SERVERS-"nsd knot mxkit"}
exec "$shared/bench_auth.sh"
