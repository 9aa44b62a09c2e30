#!/bin/sh
# demo.sh -- the main job on the bundled examples: write a mail domain's
# zones with mxkit zone init, prove them clean with mxkit zone check, then
# show what zone check says about a zone broken the classic ways.
set -u
MXKIT=${1:-build/mxkit}
here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxkit-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then b=$(printf '\033[1m'); e=$(printf '\033[0m'); else b=; e=; fi
say() { printf '\n%s== %s%s\n' "$b" "$*" "$e"; }

say "mxkit zone init: the zones of example.org (MX 10 mx, MX 20 mx2, trap MX 100)"
"$MXKIT" zone init example.org --dir "$tmp" --serial 2026112601 \
    --mx mx --ipv4 192.0.2.10 --ipv6 2001:db8::10 \
    --backup-mx mx2=198.51.100.20 \
    --trap-mx trap=203.0.113.90,2001:db8:1::90 || exit 1

say "the forward zone it wrote"
cat "$tmp/example.org.zone"

say "mxkit zone check on every zone written (all clean: exit 0)"
status=0
for z in "$tmp"/*.zone; do
	"$MXKIT" zone check "$z" || status=1
done
[ "$status" = 0 ] || { echo "demo: a zone written by zone init is not clean" >&2; exit 1; }

say "mxkit zone print: one record a line, fully qualified (reverse zone)"
"$MXKIT" zone print "$tmp/2.0.192.in-addr.arpa.zone"

say "mxkit zone check on examples/broken.example.zone (exit 1, every mistake located)"
"$MXKIT" zone check "$here/broken.example.zone"
rc=$?
[ "$rc" = 1 ] || { echo "demo: expected exit 1 from the broken zone, got $rc" >&2; exit 1; }

say "the same findings as JSON (first finding)"
"$MXKIT" zone check --json "$here/broken.example.zone" | sed -n '1,20p'
echo "..."
exit 0
