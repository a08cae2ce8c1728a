#!/bin/bash
# Anonymous pulls from a plain-HTTP registry: single and multi-platform images,
# platform choice, digest references, and the refusal of plain HTTP by default.
. "$(dirname "$0")/lib.sh"

start_registry anon
build_multi "$T/img"
push "oci:$T/img:amd64" "127.0.0.1:$PORT/alpine:3.20"
push "oci:$T/img:multi" "127.0.0.1:$PORT/multi:latest"
R=127.0.0.1:$PORT
expected_amd64=$(skopeo inspect --raw --tls-verify=false "docker://$R/alpine:3.20" | sha256sum | cut -d' ' -f1)
layer_new=$(skopeo inspect --tls-verify=false "docker://$R/alpine:3.20" | json_get /dev/stdin 'j["Layers"][0]')

check "single-platform inspect" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs "docker://$R/alpine:3.20"
[ "$(json_get "$T/out" 'j["manifest_digest"]')" = "sha256:$expected_amd64" ] &&
	ok "manifest digest recorded" || bad "manifest digest: $(cat "$T/out")"
[ "$(json_get "$T/out" 'j["layers"][0]["digest"]')" = "$layer_new" ] && ok "layer digest" || bad "layer digest"

check "plain reference without docker://" 0 "$CUSTOMS" registry inspect --tls-verify=false "$R/alpine:3.20"

check "plain HTTP refused without --tls-verify=false" 3 "$CUSTOMS" registry inspect "docker://$R/alpine:3.20"

check "multi-platform, arm64 chosen" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs --platform linux/arm64 "docker://$R/multi"
[ "$(json_get "$T/out" 'j["architecture"]')" = arm64 ] && ok "arm64 config" || bad "arm64 config: $(cat "$T/out")"
arm_layer=$(json_get "$T/out" 'j["layers"][0]["digest"]')
[ "$arm_layer" != "$layer_new" ] && ok "arm64 image is the other one" || bad "arm64 gave the amd64 layer"

check "multi-platform, amd64 chosen" 0 "$CUSTOMS" registry inspect --tls-verify=false --platform linux/amd64 "docker://$R/multi:latest"
[ "$(json_get "$T/out" 'j["layers"][0]["digest"]')" = "$layer_new" ] && ok "amd64 layer" || bad "amd64 layer"

check "platform missing from the index" 3 "$CUSTOMS" registry inspect --tls-verify=false --platform linux/s390x "docker://$R/multi:latest"

check "pull by digest" 0 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/alpine@sha256:$expected_amd64"
check "wrong digest is not found" 3 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/alpine@sha256:$(printf x | sha256sum | cut -d' ' -f1)"
check "missing tag" 3 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/alpine:nope"
expect_grep "missing tag named" "not found" "$T/err"
check "invalid reference" 2 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/Alpine:3.20"
expect_grep "invalid reference explained" "lowercase" "$T/err"
check "tags list" 0 "$CUSTOMS" registry ls --tls-verify=false "$R/alpine"
expect_grep "tag 3.20 listed" "^3.20$" "$T/out"

# registries.json: a mirror tried first, and per-registry insecure access.
MAIN=$R
start_registry mirror
M=127.0.0.1:$PORT
push "oci:$T/img:arm64" "$M/alpine:3.20"
mkdir -p "$T/xdg/customs"
echo '{"registries": {"'"$MAIN"'": {"insecure": true, "mirrors": ["'"$M"'"]}, "'"$M"'": {"insecure": true}}}' \
	>"$T/xdg/customs/registries.json"
XDG_CONFIG_HOME=$T/xdg check "insecure from the config file, image from the mirror" 0 \
	"$CUSTOMS" registry inspect "docker://$MAIN/alpine:3.20"
[ "$(json_get "$T/out" 'j["layers"][0]["digest"]')" = "$arm_layer" ] && ok "the mirror's image was used" ||
	bad "mirror not used: $(cat "$T/out")"
XDG_CONFIG_HOME=$T/xdg check "mirror without the repository: the registry itself" 0 \
	"$CUSTOMS" registry inspect "docker://$MAIN/multi:latest"
echo '{"registries": {"'"$MAIN"'": {"mirrors": ["127.0.0.1:1"]}}}' >"$T/xdg/customs/registries.json"
XDG_CONFIG_HOME=$T/xdg check "unreachable mirror skipped" 0 \
	"$CUSTOMS" registry inspect --tls-verify=false "docker://$MAIN/alpine:3.20"
[ "$(json_get "$T/out" 'j["layers"][0]["digest"]')" = "$layer_new" ] && ok "fell back to the registry" ||
	bad "fallback: $(cat "$T/out")"
echo '{"registries": {"'"$MAIN"'": {"insecure": "yes"}}}' >"$T/xdg/customs/registries.json"
XDG_CONFIG_HOME=$T/xdg check "bad config file is reported" 3 "$CUSTOMS" registry inspect "docker://$MAIN/alpine:3.20"
expect_grep "config error names the file" "registries.json" "$T/err"

if "$CUSTOMS" help sbom >/dev/null 2>&1; then
	check "sbom through the registry" 0 "$CUSTOMS" sbom --tls-verify=false --format json "docker://$R/alpine:3.20"
	expect_grep "sbom has busybox" "busybox" "$T/out"
fi
finish
