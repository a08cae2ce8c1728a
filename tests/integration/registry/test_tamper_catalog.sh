#!/bin/bash
# A blob altered in the registry's storage after the push must fail the pull
# with an integrity error naming the layer and both digests; catalog and tag
# lists follow Link pagination across pages.
. "$(dirname "$0")/lib.sh"

start_registry tamper
R=127.0.0.1:$PORT
build_layout "$T/img" amd64 "$ALPINE_NEW" amd64
for i in 1 2 3 4 5; do
	push "oci:$T/img:amd64" "$R/repo$i/alpine:3.20"
done
for t in a b c d e; do
	skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
		"docker://$R/repo1/alpine:3.20" "docker://$R/repo1/alpine:$t" >/dev/null
done

check "catalog with 2 per page" 0 "$CUSTOMS" registry ls --tls-verify=false --page-size 2 "$R"
[ "$(grep -c '^repo[1-5]/alpine$' "$T/out")" -eq 5 ] && ok "all 5 repositories across 3 pages" ||
	bad "catalog: $(tr '\n' ' ' <"$T/out")"
check "tags with 4 per page" 0 "$CUSTOMS" registry ls --tls-verify=false --page-size 4 "$R/repo1/alpine"
[ "$(sort "$T/out" | tr '\n' ' ')" = "3.20 a b c d e " ] && ok "all 6 tags across 2 pages" ||
	bad "tags: $(tr '\n' ' ' <"$T/out")"
check "ls of a missing repository" 3 "$CUSTOMS" registry ls --tls-verify=false "$R/nothere/x"

layer=$(skopeo inspect --tls-verify=false "docker://$R/repo2/alpine:3.20" | json_get /dev/stdin 'j["Layers"][0]')
hex=${layer#sha256:}
data=$T/tamper-storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data
[ -f "$data" ] || { bad "blob not found in storage at $data"; finish; }
check "pull before tampering" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs "docker://$R/repo2/alpine:3.20"
# Same size, one byte changed in the middle: only the digest can tell.
size=$(stat -c %s "$data")
printf '\x00' | dd of="$data" bs=1 seek=$((size / 2)) conv=notrunc status=none
check "altered blob fails with the integrity exit code" 3 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs "docker://$R/repo2/alpine:3.20"
expect_grep "message says integrity" "integrity error" "$T/err"
expect_grep "message names the layer digest" "$layer" "$T/err"
expect_grep "message names the repository" "repository repo2/alpine" "$T/err"
expect_grep "message names the registry" "registry $R" "$T/err"
[ "$(grep -o 'sha256:[0-9a-f]\{64\}' "$T/err" | sort -u | wc -l)" -ge 2 ] && ok "message has both digests" ||
	bad "message lacks the second digest"
if "$CUSTOMS" help sbom >/dev/null 2>&1; then
	check "sbom of the altered image fails with exit 3" 3 "$CUSTOMS" sbom --tls-verify=false --format json "docker://$R/repo2/alpine:3.20"
	[ ! -s "$T/out" ] && ok "no report written" || bad "a report was written for a tampered image"
fi
finish
