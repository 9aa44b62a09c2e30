#!/bin/sh
# deps.sh -- install the Debian 12 packages that mxkit's build and tests need, only if missing
#
# Safe to run every time (make check does): when everything is installed it
# only asks dpkg and exits 0. It runs apt-get update only when something is
# missing. As non-root with something missing it names the packages and
# exits 1. Daemons packaged with the test peers (nsd, knot, bind9, postfix)
# are kept from starting during the install by a temporary policy-rc.d;
# tests start their own instances and never rely on the system ones.
set -eu

PACKAGES="
build-essential
clang
libclang-rt-14-dev
libcmocka-dev
libjansson-dev
libidn2-dev
libsqlite3-dev
libseccomp-dev
sqlite3
pkg-config
perl
python3
python3-dnspython
bind9-dnsutils
bind9
knot-dnsutils
knot
knot-dnssecutils
nsd
ldnsutils
time
iproute2
postfix
mandoc
bash-completion
systemd
debhelper
dpkg-dev
fakeroot
lintian
adduser
git
"

missing=
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	if [ "$status" != installed ]; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: as root, run: apt-get install$missing" >&2
	exit 1
fi

echo "deps.sh: installing:$missing" >&2

# invoke-rc.d asks /usr/sbin/policy-rc.d before starting a service; 101 means
# "action not allowed". Only install (and later remove) our own if none exists,
# so an administrator's policy is never replaced or deleted.
policy=/usr/sbin/policy-rc.d
own_policy=
cleanup() {
	if [ -n "$own_policy" ]; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ ! -e "$policy" ]; then
	own_policy=1
	printf '#!/bin/sh\n# temporary, from mxkit scripts/deps.sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is intended
apt-get install -y -q --no-install-recommends $missing
