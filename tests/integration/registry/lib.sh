# Shared helpers for the registry integration tests: a real Debian
# docker-registry on a free loopback port, test images built with umoci.
# Sourced by the test_*.sh scripts; each test gets its own temporary folder.

set -u
CUSTOMS=${CUSTOMS:-${CUSTOMS_BUILD_ROOT:-}/src/cli/customs}
SRC=${CUSTOMS_SOURCE_ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
ALPINE_NEW=$SRC/tests/data/alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz
ALPINE_OLD=$SRC/tests/data/alpine-minirootfs/alpine-minirootfs-3.12.12-x86_64.tar.gz
T=$(mktemp -d /tmp/customs-registry-test.XXXXXX)
PIDS=()
PASS=0
FAIL=0

cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

need() {
	for t in "$@"; do
		if ! command -v "$t" >/dev/null; then
			echo "missing tool: $t" >&2
			exit 77
		fi
	done
}
need docker-registry skopeo umoci openssl
[ -x "$CUSTOMS" ] || { echo "customs binary not found at $CUSTOMS" >&2; exit 1; }

ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }

# check NAME EXPECTED_EXIT CMD...: runs CMD, keeps its output in $T/out, $T/err.
check() {
	local name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name"
	else
		bad "$name: exit $got, expected $want"
		sed 's/^/    stderr: /' "$T/err" | head -20
	fi
}

# expect_grep NAME PATTERN FILE
expect_grep() {
	if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1: no '$2' in $3"; sed 's/^/    /' "$3" | head -20; fi
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry NAME EXTRA_YAML: writes $T/NAME.yml and starts the registry on
# a free port; sets PORT. EXTRA_YAML is appended (auth, http.tls ...).
start_registry() {
	local name=$1 extra=${2:-} tls=${3:-}
	PORT=$(free_port)
	mkdir -p "$T/$name-storage"
	{
		echo "version: 0.1"
		echo "log: {level: warn, accesslog: {disabled: true}}"
		echo "storage: {filesystem: {rootdirectory: $T/$name-storage}, delete: {enabled: true}}"
		echo "http:"
		echo "  addr: 127.0.0.1:$PORT"
		echo "  secret: customs-test-secret"
		[ -n "$tls" ] && echo "  tls: {certificate: $T/server.crt, key: $T/server.key}"
		printf '%s\n' "$extra"
	} >"$T/$name.yml"
	docker-registry serve "$T/$name.yml" >"$T/$name.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do
		# Listening is enough: TLS and auth are what the tests look at.
		if /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$PORT" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "registry did not start:" >&2
	cat "$T/$name.log" >&2
	exit 1
}

# build_layout DIR TAG ROOTFS_TGZ ARCH: an OCI layout with a one-layer image.
build_layout() {
	local dir=$1 tag=$2 tgz=$3 arch=$4
	[ -d "$dir" ] || umoci init --layout "$dir" || return 1
	zcat "$tgz" >"$T/rootfs.tar"
	umoci new --image "$dir:$tag" &&
		umoci raw add-layer --image "$dir:$tag" "$T/rootfs.tar" &&
		umoci config --image "$dir:$tag" --os linux --architecture "$arch" \
			--config.cmd /bin/sh >/dev/null
	rm -f "$T/rootfs.tar"
}

# build_multi DIR: amd64 (Alpine 3.20) and arm64 (Alpine 3.12) images plus an
# index tagged "multi" listing both with their platforms.
build_multi() {
	local dir=$1
	build_layout "$dir" amd64 "$ALPINE_NEW" amd64 || return 1
	build_layout "$dir" arm64 "$ALPINE_OLD" arm64 || return 1
	/usr/bin/python3 - "$dir" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
entries = []
for m in idx["manifests"]:
    tag = m.get("annotations", {}).get("org.opencontainers.image.ref.name")
    if tag in ("amd64", "arm64"):
        e = {k: m[k] for k in ("mediaType", "digest", "size")}
        e["platform"] = {"architecture": tag, "os": "linux"}
        entries.append(e)
body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": entries}).encode()
dg = hashlib.sha256(body).hexdigest()
open(os.path.join(d, "blobs", "sha256", dg), "wb").write(body)
idx["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                         "digest": "sha256:" + dg, "size": len(body),
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open(os.path.join(d, "index.json"), "w"))
PY
}

# push SRC_REF DEST (e.g. oci:DIR:TAG 127.0.0.1:PORT/name:tag) [skopeo options]
push() {
	local src=$1 dest=$2
	shift 2
	skopeo copy --quiet --all --dest-tls-verify=false "$@" "$src" "docker://$dest" >"$T/push.log" 2>&1 ||
		{ echo "push failed:" >&2; cat "$T/push.log" >&2; exit 1; }
}

# make_ca: a CA and a server certificate for 127.0.0.1 signed by it.
make_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=customs-test-ca \
		-keyout "$T/ca.key" -out "$T/ca.crt" >/dev/null 2>&1 &&
		openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
			-keyout "$T/server.key" -out "$T/server.csr" >/dev/null 2>&1 &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$T/san.ext" &&
		openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
			-CAcreateserial -days 2 -extfile "$T/san.ext" -out "$T/server.crt" >/dev/null 2>&1
}

# json_get FILE PYTHON_EXPR: evaluates an expression over the JSON in FILE (as j).
json_get() {
	/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
