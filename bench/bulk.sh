#!/bin/sh
# bulk.sh -- mxkit check --bulk beside massdns (when MASSDNS is set), adnshost,
# host and dig -f on the 100,000 mail domains of the shared harness
# (bench_bulk.sh), against NSD on 127.0.0.2:53, in one run.
#
#   bench/bulk.sh                       # REPS=3 by default
#   MASSDNS=/path/to/massdns REPS=3 TAG=bulk1 bench/bulk.sh
#
# Two mxkit clients: mxkit_mx (--only mx: the MX query of each domain, as
# massdns does) and mxkit_full (the whole audit: MX, A, AAAA, PTR, forward,
# NS asked directly, SPF/DMARC/MTA-STS/TLS-RPT, TLSA, wildcard probe; 17
# queries a domain here). The harness counts names per second; the audit's
# query rate (the target compares it with dnsperf's) goes beside the
# results as bulk-TAG-queries.csv, from the reports' "queries" fields.
#
# Needs the packages of ../shared/bench/README.md (nsd, dnsperf, adns-tools)
# and root for port 53.
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
m=$root/build/mxkit

# Each client prints one line per domain answered (the harness counts
# them) and keeps the JSON reports aside for the query count. The harness
# runs a client with "exec", hence a script of its own for each.
# Counting with awk keeps the harness's clock on mxkit, not on a JSON
# parser: the "domain" and "queries" fields are found textually (the
# reports are one line each, written by mxkit, so this is safe here).
cat > "$side/count.awk" <<'AWK'
/"mx":\{"status":"OK"/ {
	split($0, a, "\"domain\":\"")
	split(a[2], b, "\"")
	print b[1]
}
{
	if (match($0, /"queries":[0-9]+/))
		q += substr($0, RSTART + 10, RLENGTH - 10)
}
END { if (out != "") print q >> out }
AWK
cat > "$side/mx.sh" <<EOF2
$m check --bulk "\$BENCH_NAMES" --only mx --server "\$BENCH_ADDR:\$BENCH_PORT" > $side/mx.jsonl
exec awk -f $side/count.awk $side/mx.jsonl
EOF2
cat > "$side/full.sh" <<EOF2
$m check --bulk "\$BENCH_NAMES" --profile lab --server "\$BENCH_ADDR:\$BENCH_PORT" --ns-port "\$BENCH_PORT" > $side/full.jsonl
exec awk -v out=$side/full-queries -f $side/count.awk $side/full.jsonl
EOF2
export BULK_CMD_mxkit_mx="sh $side/mx.sh"
export BULK_CMD_mxkit_full="sh $side/full.sh"
"$shared/bench_bulk.sh"

results=$BENCH_DATA/results
if [ -f "$side/full-queries" ] && [ -f "$results/bulk-$TAG.csv" ]; then
	# Queries per second of each mxkit_full round: its query total over
	# the harness's seconds for that round (the awk count included, so
	# the rate is a little low).
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
