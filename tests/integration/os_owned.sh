#!/bin/bash
# Packages an OS package manager owns are reported once: layer 2 of a Debian
# bookworm image installs real Debian packages (python3-six, a jar library) the
# way dpkg does; the SBOM lists them as deb only, while a pip-installed
# dist-info and a jar that no package owns stay language packages.
. "$(dirname "$0")/lib.sh"

for tool in python3 dpkg-deb apt-get umoci; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
base=$(bookworm) || exit 1
(cd "$TMP" && apt-get download python3-six libcommons-lang3-java >/dev/null 2>&1) || {
	echo "SKIP: cannot download Debian packages"
	exit 77
}
img=$TMP/img
cp -r "$base/oci" "$img"
chmod -R u+w "$img"
L=$TMP/l2
mkdir -p "$L/var/lib/dpkg/info"
cp "$base/rootfs/var/lib/dpkg/status" "$L/var/lib/dpkg/status"

# Installs a .deb as dpkg would leave it: files, status stanza, file list.
install_deb() {
	local deb=$1 pkg
	pkg=$(dpkg-deb -f "$deb" Package)
	dpkg-deb -x "$deb" "$L"
	{
		echo
		dpkg-deb -f "$deb" | sed '/^Package:/a Status: install ok installed'
	} >>"$L/var/lib/dpkg/status"
	# "./usr/lib/x" -> "/usr/lib/x", "./" -> "/.", as dpkg writes .list files.
	dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p); print (p == "" ? "/." : p) }' \
		>"$L/var/lib/dpkg/info/$pkg.list"
	echo "$pkg"
}
six=$(install_deb "$TMP"/python3-six_*.deb)
lang3=$(install_deb "$TMP"/libcommons-lang3-java_*.deb)
sixv=$(dpkg-deb -f "$TMP"/python3-six_*.deb Version)
lang3v=$(dpkg-deb -f "$TMP"/libcommons-lang3-java_*.deb Version)

# Not owned: six's metadata as pip would have installed it, and a copy of the
# jar under /opt.
pipdir=$L/usr/local/lib/python3.11/dist-packages
mkdir -p "$pipdir/six-1.16.0.dist-info" "$L/opt/app"
cp "$L"/usr/lib/python3/dist-packages/six-*.egg-info/PKG-INFO "$pipdir/six-1.16.0.dist-info/METADATA"
cp "$L/usr/share/java/commons-lang3.jar" "$L/opt/app/commons-lang3.jar"

tar --numeric-owner -C "$L" -cf "$TMP/l.tar" .
umoci raw add-layer --image "$img:bookworm" --tag owned "$TMP/l.tar" >/dev/null

check "image scans" sh -c '"$0" sbom --format json "oci:$1:owned" >"$2" 2>"$3"' \
	"$CUSTOMS" "$img" "$TMP/sbom.json" "$TMP/err"

# sel TYPE NAME: "type name version path" of each such package in the SBOM.
sel() {
	python3 - "$TMP/sbom.json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t, n = sys.argv[2], sys.argv[3]
for p in d["packages"]:
    if p["type"] == t and p["name"] == n:
        print(p["type"], p["name"], p["version"], p.get("path", ""))
PY
}
check "deb $six $sixv is listed" test "$(sel deb "$six" | cut -d" " -f3)" = "$sixv"
check "deb $lang3 $lang3v is listed" test "$(sel deb "$lang3" | cut -d" " -f3)" = "$lang3v"
sel pypi six >"$TMP/pypi-six"
check "pypi six: only the pip copy, not Debian's egg-info" diff - "$TMP/pypi-six" <<EOF2
pypi six 1.16.0 usr/local/lib/python3.11/dist-packages/six-1.16.0.dist-info/METADATA
EOF2
sel maven org.apache.commons:commons-lang3 | cut -d" " -f4 | sort -u >"$TMP/maven-lang3"
check "maven commons-lang3: only the copy in /opt, not usr/share/java" diff - "$TMP/maven-lang3" <<EOF2
opt/app/commons-lang3.jar
EOF2
check "the base image's deb packages are all there" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
n=sum(1 for p in d["packages"] if p["type"]=="deb")
sys.exit(0 if n >= 90 else 1)' "$TMP/sbom.json"

finish
