#!/bin/bash
# customs sbom on real Alpine minirootfs images in every local transport: the
# inventory must equal what the image's lib/apk/db/installed lists.
. "$(dirname "$0")/lib.sh"

apk_oracle() { # the tarball's own package list: "name version", sorted
	tar -xzOf "$DATA/alpine-minirootfs/alpine-minirootfs-$1-x86_64.tar.gz" ./lib/apk/db/installed |
		awk -F: '/^P:/ { p = substr($0, 3) } /^V:/ { print p, substr($0, 3) }' | LC_ALL=C sort
}

for ver in 3.10.9 3.12.12 3.20.3; do
	dir=$(alpine_oci "$ver")
	alpine_archives "$ver"
	apk_oracle "$ver" >"$TMP/want"
	check "alpine $ver oracle lists 14 packages" [ "$(wc -l <"$TMP/want")" -eq 14 ]
	mkdir -p "$TMP/rootfs-$ver"
	tar -xzf "$DATA/alpine-minirootfs/alpine-minirootfs-$ver-x86_64.tar.gz" -C "$TMP/rootfs-$ver" 2>/dev/null
	for ref in "oci:$dir:$ver" "oci:$dir" "oci-archive:$CACHE/alpine-$ver.oci.tar:$ver" \
		"docker-archive:$CACHE/alpine-$ver.docker.tar" "docker-archive:$CACHE/alpine-$ver.docker.tar:alpine:$ver" \
		"rootfs:$TMP/rootfs-$ver"; do
		expect_exit "sbom $ref" 0 "$CUSTOMS" sbom --format json "$ref"
		cp "$TMP/out" "$TMP/sbom.json"
		json_packages "$TMP/sbom.json" >"$TMP/got"
		if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
			pass "$ref: packages equal lib/apk/db/installed"
		else
			fail "$ref: packages differ: $(head -20 "$TMP/diff")"
		fi
		python3 - "$TMP/sbom.json" "$ver" "$ref" >"$TMP/py" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); ver = sys.argv[2]; ref = sys.argv[3]
a = d["artifact"]
assert a["os"]["family"] == "alpine", a["os"]
assert a["os"]["version"] == ver, a["os"]
for p in d["packages"]:
    assert p["type"] == "apk", p
    assert p["purl"].startswith("pkg:apk/alpine/" + p["name"] + "@" + p["version"]), p["purl"]
    assert p["path"] == "lib/apk/db/installed", p
    assert p["src_name"], p
    if not ref.startswith("rootfs:"):
        assert p["layer"] == a["layers"][0], (p["layer"], a["layers"])
    else:
        assert p.get("layer") is None, p
if not ref.startswith("rootfs:"):
    assert len(a["layers"]) == 1
    assert a["config_digest"].startswith("sha256:")
PY
		if [ $? -eq 0 ]; then pass "$ref: os, purls, layers"; else fail "$ref: $(cat "$TMP/py")"; fi
	done
done

# The musl origin and libcrypto -> openssl source mapping of 3.12.12.
dir=$(alpine_oci 3.12.12)
"$CUSTOMS" sbom --format json "oci:$dir:3.12.12" >"$TMP/s.json"
check "libcrypto1.1's source is openssl" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
p=[p for p in d["packages"] if p["name"]=="libcrypto1.1"][0]
sys.exit(0 if p["src_name"]=="openssl" and p["src_version"]=="1.1.1n-r0" else 1)' "$TMP/s.json"

# Table and SBOM formats run on the same image.
for f in table cyclonedx spdx; do
	expect_exit "format $f" 0 "$CUSTOMS" sbom --format "$f" "oci:$dir:3.12.12"
done
check "table names musl" grep -q "musl" "$TMP/out"

finish
