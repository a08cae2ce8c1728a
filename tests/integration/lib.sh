# Shared helpers for the integration tests: assertions with a pass/fail tally
# and builders for real test images (cached under $CUSTOMS_TEST_CACHE).
# Images are built without a Docker engine: umoci for OCI layouts, skopeo for
# the archive forms, debootstrap for Debian root filesystems.

set -u
SRC=${CUSTOMS_SOURCE_ROOT:?CUSTOMS_SOURCE_ROOT not set}
BLD=${CUSTOMS_BUILD_ROOT:?CUSTOMS_BUILD_ROOT not set}
CUSTOMS=${CUSTOMS:-$BLD/src/cli/customs}
DATA=$SRC/tests/data
CACHE=${CUSTOMS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/customs-tests}
mkdir -p "$CACHE"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }

# check NAME CONDITION-COMMAND...
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_exit NAME CODE COMMAND...: runs COMMAND, compares its exit code.
expect_exit() {
	local name=$1 want=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$name (exit $got)"
	else
		fail "$name: exit $got, wanted $want; stderr: $(head -c 600 "$TMP/err")"
	fi
}

# stderr_has NAME TEXT: the last expect_exit's stderr contains TEXT.
stderr_has() {
	if grep -qF -- "$2" "$TMP/err"; then pass "$1"; else fail "$1: stderr lacks '$2': $(head -c 600 "$TMP/err")"; fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}

# A lock so parallel tests do not build the same cached image twice.
with_lock() {
	local name=$1
	shift
	(
		flock 9
		"$@"
	) 9>"$CACHE/.$name.lock"
}

# OCI layout with one layer made from an Alpine minirootfs tarball.
# Prints the layout folder; tag = the Alpine version.
build_alpine_oci() {
	local ver=$1
	local out=$CACHE/alpine-$ver
	if [ ! -f "$out/.done" ]; then
		rm -rf "$out"
		umoci init --layout "$out" >/dev/null
		umoci new --image "$out:$ver" >/dev/null
		zcat "$DATA/alpine-minirootfs/alpine-minirootfs-$ver-x86_64.tar.gz" >"$TMP/layer.tar"
		umoci raw add-layer --image "$out:$ver" --history.created_by "ADD alpine-minirootfs-$ver-x86_64.tar.gz /" "$TMP/layer.tar" >/dev/null
		umoci config --image "$out:$ver" --os linux --architecture amd64 --config.cmd /bin/sh >/dev/null
		touch "$out/.done"
	fi
	echo "$out"
}
alpine_oci() { with_lock "alpine-$1" build_alpine_oci "$1"; }

# alpine_copy VERSION DIR: a writable copy of that OCI layout, for tests
# that add layers to it.
alpine_copy() {
	cp -r "$(alpine_oci "$1")" "$2"
	chmod -R u+w "$2"
}

# add_layer IMAGE TAG-FROM TAG-TO DIR: tags TAG-TO as TAG-FROM plus one layer
# holding DIR's contents (sparse files stay sparse).
add_layer() {
	tar --numeric-owner --sparse -C "$4" -cf "$TMP/add-layer.tar" .
	umoci raw add-layer --image "$1:$2" --tag "$3" "$TMP/add-layer.tar" >/dev/null
	rm -f "$TMP/add-layer.tar"
}

# The same image as oci-archive and docker-archive files (skopeo).
build_alpine_archives() {
	local ver=$1 dir
	dir=$(build_alpine_oci "$ver")
	if [ ! -f "$CACHE/alpine-$ver.oci.tar" ]; then
		skopeo copy -q "oci:$dir:$ver" "oci-archive:$CACHE/alpine-$ver.oci.tar.tmp:$ver"
		mv "$CACHE/alpine-$ver.oci.tar.tmp" "$CACHE/alpine-$ver.oci.tar"
	fi
	if [ ! -f "$CACHE/alpine-$ver.docker.tar" ]; then
		skopeo copy -q "oci:$dir:$ver" "docker-archive:$CACHE/alpine-$ver.docker.tar.tmp:alpine:$ver"
		mv "$CACHE/alpine-$ver.docker.tar.tmp" "$CACHE/alpine-$ver.docker.tar"
	fi
}
alpine_archives() { with_lock "alpine-$1" build_alpine_archives "$1"; }

# The Debian mirror this machine's apt uses (so no host name lives in the repo).
debian_mirror() {
	local m
	m=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
		grep -v security | head -n1 | awk '{ if ($1 == "deb") { for (i = 2; i <= NF; i++) if ($i ~ /^http/) { print $i; exit } } else print $2 }')
	echo "$m"
}

# Debian bookworm minbase: rootfs (debootstrap) and a one-layer OCI image.
build_bookworm() {
	local out=$CACHE/bookworm
	if [ ! -f "$out/.done" ]; then
		rm -rf "$out"
		mkdir -p "$out"
		debootstrap --variant=minbase bookworm "$out/rootfs" "$(debian_mirror)" >"$out/debootstrap.log" 2>&1 || {
			echo "debootstrap failed, see $out/debootstrap.log" >&2
			return 1
		}
		rm -rf "$out/rootfs/var/cache/apt/archives/"*.deb
		tar --numeric-owner --xattrs -C "$out/rootfs" -cf "$TMP/bookworm.tar" .
		umoci init --layout "$out/oci" >/dev/null
		umoci new --image "$out/oci:bookworm" >/dev/null
		umoci raw add-layer --image "$out/oci:bookworm" --history.created_by "debootstrap --variant=minbase bookworm" "$TMP/bookworm.tar" >/dev/null
		umoci config --image "$out/oci:bookworm" --os linux --architecture amd64 --config.cmd /bin/bash >/dev/null
		skopeo copy -q "oci:$out/oci:bookworm" "oci-archive:$out/bookworm.oci.tar:bookworm"
		touch "$out/.done"
	fi
	echo "$out"
}
bookworm() { with_lock bookworm build_bookworm; }

# Field extraction from customs JSON: json_packages FILE -> "name version" lines, sorted.
json_packages() {
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for p in d["packages"]:
    v=p["version"]
    if p.get("epoch"): v=p["epoch"]+":"+v
    print(p["name"], v)' "$1" | LC_ALL=C sort
}
