#!/bin/bash
# Multi-layer images built from the real Alpine 3.12.12 minirootfs: later
# layers rewrite the package database, delete files with whiteouts and hide
# folders with opaque markers. The inventory must reflect the final
# filesystem, and each package must name the layer that introduced it.
. "$(dirname "$0")/lib.sh"

ver=3.12.12
base=$(alpine_oci $ver)
img=$TMP/img
cp -r "$base" "$img"
chmod -R u+w "$img"
root=$TMP/root
mkdir -p "$root"
tar -xzf "$DATA/alpine-minirootfs/alpine-minirootfs-$ver-x86_64.tar.gz" -C "$root" ./lib/apk/db/installed

# drop_stanza NAME < installed > installed-without-NAME
drop_stanza() { awk -v RS= -v ORS='\n\n' -v name="$1" '$0 !~ ("(^|\n)P:" name "\n")'; }

add_layer() { # add_layer TAG-FROM TAG-TO DIR
	tar --numeric-owner -C "$3" -cf "$TMP/l.tar" .
	umoci raw add-layer --image "$img:$1" --tag "$2" "$TMP/l.tar" >/dev/null
}

# Image "rewrite": layer 2 rewrites installed without scanelf, and whites out its binary.
mkdir -p "$TMP/l2/lib/apk/db" "$TMP/l2/usr/bin"
drop_stanza scanelf <"$root/lib/apk/db/installed" >"$TMP/l2/lib/apk/db/installed"
: >"$TMP/l2/usr/bin/.wh.scanelf"
add_layer $ver rewrite "$TMP/l2"

# Image "deleted": layer 2 adds a distroless dpkg entry, layer 3 whites out status.d.
mkdir -p "$TMP/l3/var/lib/dpkg/status.d" "$TMP/l4/var/lib/dpkg"
printf 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\nStatus: install ok installed\n\n' \
	>"$TMP/l3/var/lib/dpkg/status.d/tzdata"
: >"$TMP/l4/var/lib/dpkg/.wh.status.d"
add_layer $ver with-dpkg "$TMP/l3"
add_layer with-dpkg deleted "$TMP/l4"

# Image "opaque": layer 2 marks lib/apk/db opaque and brings a one-package database.
mkdir -p "$TMP/l5/lib/apk/db"
: >"$TMP/l5/lib/apk/db/.wh..wh..opq"
awk -v RS= -v ORS='\n\n' '$0 ~ /(^|\n)P:musl\n/' "$root/lib/apk/db/installed" >"$TMP/l5/lib/apk/db/installed"
add_layer $ver opaque "$TMP/l5"

sbom() { "$CUSTOMS" sbom --format json "oci:$img:$1" >"$TMP/$1.json" 2>"$TMP/err"; }

check "rewrite scans" sbom rewrite
check "rewrite: 13 packages, scanelf gone" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); names=[p["name"] for p in d["packages"]]
sys.exit(0 if len(names)==13 and "scanelf" not in names and "musl" in names else 1)' "$TMP/rewrite.json"
check "rewrite: packages keep the base layer that introduced them" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]
sys.exit(0 if len(L)==2 and all(p["layer"]==L[0] for p in d["packages"]) else 1)' "$TMP/rewrite.json"

check "with-dpkg scans" sbom with-dpkg
check "with-dpkg: tzdata from layer 2" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]
t=[p for p in d["packages"] if p["name"]=="tzdata"]
sys.exit(0 if len(t)==1 and t[0]["layer"]==L[1] and t[0]["type"]=="deb" and len(d["packages"])==15 else 1)' "$TMP/with-dpkg.json"
check "deleted scans" sbom deleted
check "deleted: whiteout removes tzdata" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); names=[p["name"] for p in d["packages"]]
sys.exit(0 if "tzdata" not in names and len(names)==14 else 1)' "$TMP/deleted.json"

check "opaque scans" sbom opaque
# The opaque marker deleted the lower database, so layer 2 brought musl anew.
check "opaque: only musl remains, from layer 2" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]; P=d["packages"]
sys.exit(0 if len(P)==1 and P[0]["name"]=="musl" and P[0]["layer"]==L[1] else 1)' "$TMP/opaque.json"

finish
