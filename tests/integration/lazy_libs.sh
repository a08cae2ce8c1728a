#!/bin/bash
# libclamav, libyara, libcurl and libarchive are loaded on first use
# (util/*_lazy.h), not linked: the binary does not need them, a run that does
# not use them does not map them, a malware scan, a jar, a docker-archive and
# `customs version` still use them, and a machine without one of them (its
# file emptied in a private mount namespace) gets a clear message, not a
# failure to start.
. "$(dirname "$0")/lib.sh"

ver=3.12.12
img=$TMP/img
alpine_copy $ver "$img"
# EICAR, assembled here so that no file in the repository trips an antivirus.
mkdir -p "$TMP/l2/opt" "$TMP/sigs" "$TMP/empty-db"
printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR' '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$TMP/l2/opt/eicar.com"
echo "$(md5sum "$TMP/l2/opt/eicar.com" | cut -d' ' -f1):68:Customs.Lazy.EICAR" >"$TMP/sigs/eicar.hdb"
echo 'rule customs_lazy_eicar { strings: $e = "EICAR-STANDARD" condition: $e }' >"$TMP/sigs/eicar.yar"
add_layer "$img" $ver infected "$TMP/l2"
# A jar (a zip with a Maven pom.properties): read with libarchive.
mkdir -p "$TMP/l3/opt"
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("META-INF/maven/org.customs/lazyjar/pom.properties",
               "groupId=org.customs\nartifactId=lazyjar\nversion=1.2.3\n")' "$TMP/l3/opt/lazy.jar"
add_layer "$img" $ver jar "$TMP/l3"
export CUSTOMS_CLAMAV_DB=$TMP/empty-db

readelf -d "$CUSTOMS" >"$TMP/dynamic"
check "readelf works on the binary" grep -q NEEDED "$TMP/dynamic"
not_needed() { ! grep -q "NEEDED.*\[$1\.so" "$TMP/dynamic"; }
for lib in libclamav libyara libcurl libarchive; do
	check "no NEEDED entry for $lib" not_needed $lib
done

not_in_out() { ! grep -q "$1" "$TMP/out"; }

# What the dynamic loader opened, from its own trace (LD_DEBUG=files).
loaded() { grep -q "file=$1\.so.*generating link map" "$TMP/err"; }
not_loaded() { ! loaded "$1"; }
expect_exit "sbom runs" 0 env LD_DEBUG=files "$CUSTOMS" sbom -f json "oci:$img:infected"
check "  without loading libclamav" not_loaded libclamav
check "  nor libyara" not_loaded libyara
check "  nor libcurl" not_loaded libcurl
check "  nor libarchive: no jar" not_loaded libarchive
expect_exit "sbom of an image with a jar" 0 env LD_DEBUG=files "$CUSTOMS" sbom -f json "oci:$img:jar"
check "  finds the jar's package" grep -q "lazyjar" "$TMP/out"
check "  loads libarchive" loaded libarchive
expect_exit "a malware scan with ClamAV signatures" 1 env LD_DEBUG=files "$CUSTOMS" scan --scanners malware --malware-rules "$TMP/sigs/eicar.hdb" --fail-on LOW -f json "oci:$img:infected"
check "  finds EICAR" grep -q "Customs.Lazy.EICAR" "$TMP/out"
check "  loads libclamav" loaded libclamav
check "  and not libyara: no YARA rule" not_loaded libyara
expect_exit "a malware scan with a YARA rule" 1 env LD_DEBUG=files "$CUSTOMS" scan --scanners malware --malware-rules "$TMP/sigs/eicar.yar" --fail-on LOW -f json "oci:$img:infected"
check "  finds EICAR" grep -q "customs_lazy_eicar" "$TMP/out"
check "  loads libyara" loaded libyara
expect_exit "version" 0 "$CUSTOMS" version
check "  lists libclamav's version" grep -qE '^libclamav [0-9]+\.[0-9]+' "$TMP/out"
check "  lists libyara's version" grep -qE '^libyara [0-9]+\.[0-9]+' "$TMP/out"
check "  lists libcurl's version" grep -qE '^libcurl [0-9]+\.[0-9]+' "$TMP/out"
# archive_version_string() says "libarchive 3.6.2" itself.
check "  lists libarchive's version" grep -qE '^libarchive libarchive [0-9]+\.[0-9]+' "$TMP/out"

# without SONAME COMMAND...: runs COMMAND where that library's file is empty,
# as on a machine without its package. Needs a user and mount namespace.
: >"$TMP/empty.so"
without() {
	local so=$1 path
	shift
	path=$(/sbin/ldconfig -p | awk -v so="$so" '$1 == so { print $NF; exit }')
	[ -n "$path" ] || return 125
	unshare -rm sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ "$TMP/empty.so" "$path" "$@"
}
if ! without libclamav.so.12 true 2>/dev/null; then
	echo "# skipped: no mount namespace here to hide a library (unshare -rm)"
	finish
fi
db=$TMP/demo.db
CUSTOMS="$CUSTOMS" "$SRC/scripts/demo-db" "$db" >/dev/null 2>&1

expect_exit "no libclamav: version still works" 0 without libclamav.so.12 "$CUSTOMS" version
check "  says libclamav is not installed" grep -q "^libclamav not loaded: libclamav is not installed: malware scanning needs the libclamav12 package" "$TMP/out"
check "  still lists libyara" grep -qE '^libyara [0-9]' "$TMP/out"
expect_exit "no libclamav: sbom works" 0 without libclamav.so.12 "$CUSTOMS" sbom -f json "oci:$img:infected"
expect_exit "no libclamav, --scanners malware: runtime error" 4 without libclamav.so.12 "$CUSTOMS" scan --scanners malware --malware-rules "$TMP/sigs/eicar.hdb" "oci:$img:infected"
stderr_has "  names the package" "libclamav is not installed: malware scanning needs the libclamav12 package"
expect_exit "no libclamav, default scanners: the scan completes" 0 without libclamav.so.12 "$CUSTOMS" scan --offline --db "$db" --malware-rules "$TMP/sigs/eicar.hdb" -f json "oci:$img:infected"
stderr_has "  with one notice" "malware scanning skipped: libclamav is not installed"
check "  and no malware key" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); sys.exit(0 if "vulnerabilities" in d and "malware" not in d else 1)' "$TMP/out"

expect_exit "no libyara: version still works" 0 without libyara.so.9 "$CUSTOMS" version
check "  says libyara is not installed" grep -q "^libyara not loaded: libyara is not installed: YARA rules need the libyara9 package" "$TMP/out"
expect_exit "no libyara: ClamAV signatures still scan" 1 without libyara.so.9 "$CUSTOMS" scan --scanners malware --malware-rules "$TMP/sigs/eicar.hdb" --fail-on LOW -f json "oci:$img:infected"
check "  and find EICAR" grep -q "Customs.Lazy.EICAR" "$TMP/out"
expect_exit "no libyara, a YARA rule: runtime error" 4 without libyara.so.9 "$CUSTOMS" scan --scanners malware --malware-rules "$TMP/sigs/eicar.yar" "oci:$img:infected"
stderr_has "  names the package" "libyara is not installed: YARA rules need the libyara9 package"

expect_exit "no libarchive: version still works" 0 without libarchive.so.13 "$CUSTOMS" version
check "  says libarchive is not installed" grep -q "^libarchive not loaded: libarchive is not installed: jars, image archives and DB bundles need the libarchive13 package" "$TMP/out"
expect_exit "no libarchive: sbom without a jar works" 0 without libarchive.so.13 "$CUSTOMS" sbom -f json "oci:$img:infected"
expect_exit "no libarchive: sbom with a jar completes" 0 without libarchive.so.13 "$CUSTOMS" sbom -f json "oci:$img:jar"
stderr_has "  with a warning for the jar" "libarchive is not installed: jars, image archives and DB bundles need the libarchive13 package"
check "  and without its package" not_in_out lazyjar
skopeo copy -q "oci:$img:jar" "docker-archive:$TMP/jar.docker.tar:lazy:jar"
expect_exit "no libarchive: docker-archive: the image cannot be read" 3 without libarchive.so.13 "$CUSTOMS" sbom -f json "docker-archive:$TMP/jar.docker.tar"
stderr_has "  names the package" "libarchive is not installed: jars, image archives and DB bundles need the libarchive13 package"

finish
