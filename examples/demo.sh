#!/bin/sh
# demo.sh -- make demo: mxkit's main job on the bundled examples.
#
#   sh examples/demo.sh [MXKIT]        (default build/mxkit)
#
# 1. mxkit zone init writes a mail domain's zones, mxkit zone check proves
#    them clean and locates every mistake in examples/broken.example.zone.
# 2. mxkit serve serves the lab zones of examples/lab/ on a free port of
#    127.0.0.1; mxkit check asks it (and, as the zones' only name server,
#    asks it directly) about every domain of examples/lab/domains.txt, one
#    at a time and then all at once with --bulk; the server is stopped.
#
# Nothing leaves the machine: the lab's name servers are on 127.0.0.1 and
# every other address is in the documentation ranges, which mxkit check
# never contacts (--profile lab counts them as public). No root needed.
# Exit status 0 when every result is the expected one (example.org clean,
# each broken domain with its finding), 1 otherwise: a smoke test too.
set -u
MXKIT=${1:-build/mxkit}
case $MXKIT in */*) MXKIT=$(cd "$(dirname "$MXKIT")" && pwd)/$(basename "$MXKIT") ;; esac
here=$(cd "$(dirname "$0")" && pwd)
lab=$here/lab
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxkit-demo.XXXXXX") || exit 1
pid=

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	b=$(printf '\033[1m'); e=$(printf '\033[0m'); color=always
else
	b=; e=; color=never
fi
say() { printf '\n%s== %s%s\n' "$b" "$*" "$e"; }
die() { echo "demo: $*" >&2; exit 1; }

unexpected=0
# result WHAT EXPECTED EXIT VERDICT: one line of the recap at the end.
result() {
	printf '%-24s %-22s %4s   %s\n' "$1" "$2" "$3" "$4" >> "$tmp/recap"
	[ "$4" = ok ] || unexpected=$((unexpected + 1))
}

[ -x "$MXKIT" ] || die "$MXKIT: no such program (make first)"

# --- 1. zone init and zone check -----------------------------------------

say "mxkit zone init example.org (MX 10 mx, MX 20 mx2, trap MX 100), then zone check on each zone"
mkdir "$tmp/init"
"$MXKIT" zone init example.org --dir "$tmp/init" --serial 2026112601 \
    --mx mx --ipv4 192.0.2.10 --ipv6 2001:db8::10 \
    --backup-mx mx2=198.51.100.20 \
    --trap-mx trap=203.0.113.90,2001:db8:1::90 > "$tmp/init.out" 2>&1 ||
	{ cat "$tmp/init.out"; die "zone init failed"; }
status=0
for z in "$tmp/init"/*.zone; do
	"$MXKIT" zone check "$z" > "$tmp/zcheck.out" 2>&1 || status=1
	sed "s|$tmp/init/||" "$tmp/zcheck.out"
done
[ "$status" = 0 ] || die "a zone written by zone init is not clean"

say "mxkit zone check examples/broken.example.zone (exit 1, every mistake located)"
(cd "$here/.." && "$MXKIT" zone check "${here##*/}/broken.example.zone")
rc=$?
[ "$rc" = 1 ] || die "expected exit 1 from the broken zone, got $rc"

# --- 2. mxkit serve on loopback ------------------------------------------

say "mxkit serve -c examples/lab/serve.conf on a free port of 127.0.0.1"
# A port in 20000-59999 that depends on our PID. serve says "started"
# once it has bound it, and exits when it is taken (by anything, even a
# process that answers DNS): then the next port is tried.
port=$((20000 + ($$ * 7919) % 40000))
tries=0
while :; do
	tries=$((tries + 1))
	[ "$tries" -le 20 ] || die "no free port for mxkit serve after 20 tries"
	"$MXKIT" serve -c "$lab/serve.conf" --listen "127.0.0.1:$port" \
	    > "$tmp/serve.log" 2>&1 &
	pid=$!
	i=0
	while [ "$i" -lt 100 ] && kill -0 "$pid" 2>/dev/null &&
	    ! grep -q '^mxkit serve: started' "$tmp/serve.log"; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^mxkit serve: started' "$tmp/serve.log" &&
	    kill -0 "$pid" 2>/dev/null && break
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	grep -q 'in use' "$tmp/serve.log" ||
		{ cat "$tmp/serve.log" >&2; die "mxkit serve did not start"; }
	port=$(((port - 20000 + 997) % 40000 + 20000))
done
# It is ours and it is up: it must answer.
"$MXKIT" lookup -W 2 -t SOA -p "$port" example.org 127.0.0.1 > "$tmp/lookup.out" 2>&1 ||
	{ cat "$tmp/serve.log" "$tmp/lookup.out" >&2; die "mxkit serve does not answer on port $port"; }
sed "s|$here/|examples/|" "$tmp/serve.log"

# --- 3. mxkit check, one domain at a time --------------------------------

# --ns-port: the lab's name server (the zones' NS, ns1 at 127.0.0.1) is
# asked directly on the same port.
check() {
	"$MXKIT" check --server "127.0.0.1:$port" --ns-port "$port" \
	    --profile lab --timeout 2 "$@"
}

expect='' code=''
while read -r w1 w2 w3 w4 rest; do
	case $w1 in
	'') continue ;;
	'#')
		[ "$w2" = expect ] && { expect=$w3 code=$w4; }
		continue ;;
	esac
	d=$w1
	[ -n "$expect" ] || die "domains.txt: no '# expect' line before $d"
	echo "$d $expect $code" >> "$tmp/expect"
	# The trap layout of the tutorial domain is checked too (spec X01).
	trap_opt=
	case $d in example.org) trap_opt="--trap trap.example.org " ;; esac
	if [ "$expect" = clean ]; then what="clean, exit 0"
	else what="$expect, exit $code"; fi
	say "mxkit check --profile lab $trap_opt$d   (expected: $what)"
	# shellcheck disable=SC2086
	check --color "$color" $trap_opt "$d" > "$tmp/check.out" 2>&1
	rc=$?
	cat "$tmp/check.out"
	verdict=ok
	[ "$rc" = "$code" ] || verdict="UNEXPECTED exit status"
	if [ "$expect" != clean ] &&
	    ! grep -Eq " $expect( |\$)" "$tmp/check.out"; then
		verdict="UNEXPECTED: no $expect"
	fi
	printf '%s-> exit %s: %s%s\n' "$b" "$rc" "$verdict" "$e"
	result "$d" "$expect" "$rc" "$verdict"
	expect='' code=''
done < "$lab/domains.txt"
[ -s "$tmp/expect" ] || die "no domain in $lab/domains.txt"

# --- 4. mxkit check --bulk over all of them ------------------------------

say "mxkit check --profile lab --bulk examples/lab/domains.txt (one JSON object a line; here the findings that are not info)"
check --bulk "$lab/domains.txt" > "$tmp/bulk.json" 2> "$tmp/bulk.err"
brc=$?
worst=0
bverdict=ok
while read -r d expect code; do
	line=$(grep -F "\"domain\":\"$d.\"" "$tmp/bulk.json")
	if [ -z "$line" ]; then
		printf '%-24s missing from the output\n' "$d"
		bverdict="UNEXPECTED: $d missing"
		continue
	fi
	x=$(printf '%s\n' "$line" | sed -n 's/.*"exit":\([0-9]*\).*/\1/p')
	ids=$(printf '%s\n' "$line" |
	    grep -o '"id":"[A-Z0-9-]*","severity":"\(warning\|error\)"' |
	    sed 's/"id":"\([^"]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')
	mark=
	case $x in ''|*[!0-9]*) x='?' ;; esac
	[ "$x" = "$code" ] || mark="   <- UNEXPECTED exit status"
	if [ "$expect" != clean ] &&
	    ! printf '%s\n' "$line" | grep -q "\"id\":\"$expect\""; then
		mark="   <- UNEXPECTED: no $expect"
	fi
	[ -z "$mark" ] || bverdict="UNEXPECTED (marked above)"
	printf '%-24s exit %s  %s%s\n' "$d" "$x" "${ids:-(clean)}" "$mark"
	[ "$x" != '?' ] && [ "$x" -gt "$worst" ] && worst=$x
done < "$tmp/expect"
echo
cat "$tmp/bulk.err"
n=$(wc -l < "$tmp/bulk.json")
[ "$n" = "$(wc -l < "$tmp/expect")" ] || bverdict="UNEXPECTED: $n JSON lines"
[ "$brc" = "$worst" ] || bverdict="UNEXPECTED exit status (not the worst)"
printf '%s-> exit %s (the worst of the domains): %s%s\n' "$b" "$brc" "$bverdict" "$e"
result "--bulk (all)" "each one's finding" "$brc" "$bverdict"

# --- 5. stop the server ---------------------------------------------------

say "stopping mxkit serve (pid $pid)"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
grep -E '^mxkit serve: (udp|stopped)' "$tmp/serve.log"

say "recap"
printf '%-24s %-22s %4s   %s\n' "checked" "expected" "exit" "result"
cat "$tmp/recap"
if [ "$unexpected" -ne 0 ]; then
	echo "demo: $unexpected unexpected result(s)" >&2
	exit 1
fi
echo "all as expected: example.org is clean, every broken domain shows its finding"
exit 0
