#!/bin/bash
# A real Debian bookworm minbase image (debootstrap + umoci, cached): the
# inventory must equal dpkg-query over the image's own dpkg database.
. "$(dirname "$0")/lib.sh"

out=$(bookworm) || { fail "building the bookworm image (debootstrap)"; finish; }
dpkg-query --admindir="$out/rootfs/var/lib/dpkg" -W -f='${db:Status-Status}\t${Package}\t${Version}\n' |
	awk -F'\t' '$1 == "installed" { print $2, $3 }' | LC_ALL=C sort >"$TMP/want"
check "dpkg-query lists 80+ packages" [ "$(wc -l <"$TMP/want")" -gt 80 ]

for ref in "oci:$out/oci:bookworm" "oci-archive:$out/bookworm.oci.tar" "rootfs:$out/rootfs"; do
	expect_exit "sbom $ref" 0 "$CUSTOMS" sbom --format json "$ref"
	cp "$TMP/out" "$TMP/sbom.json"
	json_packages "$TMP/sbom.json" >"$TMP/got"
	if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		pass "$ref: packages equal dpkg-query"
	else
		fail "$ref: packages differ: $(head -20 "$TMP/diff")"
	fi
done

# Source packages as dpkg-query reports them (libc6 <- glibc etc.).
dpkg-query --admindir="$out/rootfs/var/lib/dpkg" -W -f='${Package}\t${source:Package}\t${source:Version}\n' |
	LC_ALL=C sort >"$TMP/src-want"
python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for p in sorted(d["packages"], key=lambda p: p["name"]):
    print("%s\t%s\t%s" % (p["name"], p["src_name"], p["src_version"]))' "$TMP/sbom.json" | LC_ALL=C sort >"$TMP/src-got"
if diff -u "$TMP/src-want" "$TMP/src-got" >"$TMP/diff"; then pass "source packages equal dpkg-query"; else fail "sources differ: $(head -20 "$TMP/diff")"; fi

check "os is debian 12 bookworm" python3 -c 'import json,sys
a=json.load(open(sys.argv[1]))["artifact"]
sys.exit(0 if a["os"]["family"]=="debian" and a["os"]["version"]=="12" and a["os"]["codename"]=="bookworm" else 1)' "$TMP/sbom.json"
check "purls carry distro=debian-12" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
sys.exit(0 if all(p["purl"].startswith("pkg:deb/debian/") and "distro=debian-12" in p["purl"] for p in d["packages"]) else 1)' "$TMP/sbom.json"

finish
