#!/bin/sh
# bulk.sh -- mxkit check --bulk beside massdns (when MASSDNS is set), adnshost,
# host and dig -f on the 100,000 mail domains of the shared harness
# (bench_bulk.sh), against NSD on 127.0.0.2:53, in one run.
#
#   bench/bulk.sh                       # REPS=3 by default
#   REPS=5 TAG=bulk1 bench/bulk.sh
#
# Two mxkit clients: mxkit-mx (--only mx: the MX query of each domain, as
# massdns does) and mxkit-full (the whole audit: MX, A, AAAA, PTR, forward,
# NS asked directly, SPF/DMARC/MTA-STS/TLS-RPT, TLSA, wildcard probe; about
# 17 queries a domain). The harness counts names per second; the audit's
# query rate (the target compares it with dnsperf's) is written beside the
# results as bulk-TAG-queries.csv from the reports' "queries" fields.
#
# Needs the packages of ../shared/bench/README.md (nsd, dnsperf, adns-tools;
# scripts/deps.sh and the harness README say which) and root for port 53.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${MXKIT_SHARED_BENCH:-$root/../shared/bench}
export BENCH_DATA=${BENCH_DATA:-${TMPDIR:-/tmp}/mxkit-bench}
export TAG=${TAG:-$(date +%Y%m%d-%H%M%S)}
[ -x "$shared/bench_bulk.sh" ] || { echo "bulk.sh: no harness at $shared" >&2; exit 2; }
make -C "$root" -s build/mxkit
if [ ! -f "$BENCH_DATA/zones/bulk.test.zone" ]; then
	python3 "$shared/gen_zones.py"
fi
side=$(mktemp -d "${TMPDIR:-/tmp}/mxkit-bulk.XXXXXX")
trap 'rm -rf "$side"' EXIT
export MXKIT_BULK_SIDE=$side
m=$root/build/mxkit
# Each client prints one line per domain answered (the harness counts
# them) and keeps the JSON reports aside for the query count.
export BULK_CMD_mxkit_mx="$m check --bulk \$BENCH_NAMES --only mx --server \$BENCH_ADDR:\$BENCH_PORT > $side/mx.jsonl; python3 -c 'import json,sys
for l in open(sys.argv[1]):
    j=json.loads(l)
    if j[\"mx\"][\"status\"]==\"OK\": print(j[\"domain\"])' $side/mx.jsonl"
export BULK_CMD_mxkit_full="$m check --bulk \$BENCH_NAMES --profile lab --server \$BENCH_ADDR:\$BENCH_PORT --ns-port \$BENCH_PORT > $side/full.jsonl; python3 -c 'import json,sys
q=0
for l in open(sys.argv[1]):
    j=json.loads(l); q+=j[\"queries\"]
    if j[\"mx\"][\"status\"]==\"OK\": print(j[\"domain\"])
open(sys.argv[2],\"a\").write(str(q)+\"\\n\")' $side/full.jsonl $side/full-queries"
"$shared/bench_bulk.sh"
results=$BENCH_DATA/results
if [ -f "$side/full-queries" ] && [ -f "$results/bulk-$TAG.csv" ]; then
	# Queries per second of each mxkit-full round: its query total over
	# the harness's seconds for that round.
	python3 - "$results/bulk-$TAG.csv" "$side/full-queries" \
	    "$results/bulk-$TAG-queries.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["tool"] == "mxkit_full"]
qs = [int(x) for x in open(sys.argv[2]).read().split()]
with open(sys.argv[3], "w") as f:
    f.write("rep,queries,seconds,queries_per_s\n")
    for r, q in zip(rows, qs):
        f.write("%s,%d,%s,%.0f\n" % (r["rep"], q, r["seconds"], q / float(r["seconds"])))
print(open(sys.argv[3]).read())
PY
fi
