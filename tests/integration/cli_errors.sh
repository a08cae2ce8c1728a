#!/bin/bash
# Exit codes and messages of the command line for bad usage and unreadable or
# tampered images.
. "$(dirname "$0")/lib.sh"

expect_exit "no arguments" 2 "$CUSTOMS"
expect_exit "--help" 0 "$CUSTOMS" --help
check "--help documents exit codes" grep -q "integrity check" "$TMP/out"
expect_exit "help sbom" 0 "$CUSTOMS" help sbom
check "help sbom shows --format" grep -q -- "--format" "$TMP/out"
expect_exit "version" 0 "$CUSTOMS" version
check "version lists libarchive" grep -q "libarchive" "$TMP/out"
expect_exit "unknown command" 2 "$CUSTOMS" frobnicate
expect_exit "sbom without image" 2 "$CUSTOMS" sbom
expect_exit "sbom bad format" 2 "$CUSTOMS" sbom --format xml oci:/nonexistent
expect_exit "sbom bad --parallel" 2 "$CUSTOMS" sbom --parallel 0 oci:/nonexistent
expect_exit "missing oci dir" 3 "$CUSTOMS" sbom oci:"$TMP/nope"
expect_exit "missing archive" 3 "$CUSTOMS" sbom docker-archive:"$TMP/nope.tar"
expect_exit "rootfs not a dir" 3 "$CUSTOMS" sbom rootfs:/etc/passwd

# Ambiguous docker-archive with two images and no tag: usage error listing tags.
expect_exit "bundle without tag" 2 "$CUSTOMS" sbom docker-archive:"$DATA/go-containerregistry/v1/tarball/testdata/test_bundle.tar"

# A layer blob altered after the image was built: integrity error naming both digests.
src=$(alpine_oci 3.12.12)
cp -r "$src" "$TMP/tampered"
layer=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]+"/index.json")); m=d["manifests"][0]["digest"].split(":")[1]
mf=json.load(open(sys.argv[1]+"/blobs/sha256/"+m)); print(mf["layers"][0]["digest"].split(":")[1])' "$TMP/tampered")
blob="$TMP/tampered/blobs/sha256/$layer"
chmod u+w "$blob"
printf 'X' | dd of="$blob" bs=1 seek=100000 conv=notrunc 2>/dev/null
expect_exit "tampered layer" 3 "$CUSTOMS" sbom --format json "oci:$TMP/tampered:3.12.12"
stderr_has "message names the expected digest" "sha256:$layer"
check "no report on integrity failure" [ ! -s "$TMP/out" ]

finish
