#!/bin/bash
# Token auth: the registry with `auth: token` and a token server started here,
# so the full challenge -> token -> retry flow runs with scopes checked.
. "$(dirname "$0")/lib.sh"
/usr/bin/python3 -c 'import cryptography' 2>/dev/null || { echo "python3-cryptography is missing" >&2; exit 77; }

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=customs-token-signer \
	-keyout "$T/token.key" -out "$T/token.crt" >/dev/null 2>&1
/usr/bin/python3 "$(dirname "$0")/token_server.py" "$T/token.key" "$T/token.crt" "$T/token.port" \
	"$T/token.log" 2>"$T/token.err" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/token.port" ] && break; sleep 0.1; done
TPORT=$(cat "$T/token.port")
make_ca || { echo "openssl failed" >&2; exit 1; }
start_registry tok "auth: {token: {realm: \"http://127.0.0.1:$TPORT/token\", service: customs-test-registry, issuer: customs-test-issuer, rootcertbundle: $T/token.crt}}" tls
R=127.0.0.1:$PORT
build_layout "$T/img" amd64 "$ALPINE_NEW" amd64
push "oci:$T/img:amd64" "$R/private/alpine:3.20" --dest-creds bob:tokpass
push "oci:$T/img:amd64" "$R/public/alpine:3.20" --dest-creds bob:tokpass
: >"$T/token.log"
export DOCKER_CONFIG=$T/docker HOME=$T/home

check "anonymous token for a public repository" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs "docker://$R/public/alpine:3.20"
expect_grep "token asked for the pull scope" '"scopes": \["repository:public/alpine:pull"\]' "$T/token.log"
[ "$(grep -c . "$T/token.log")" -eq 1 ] && ok "one token serves manifest, config and blobs" ||
	bad "$(grep -c . "$T/token.log") token requests"

check "anonymous refused on a private repository" 3 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/private/alpine:3.20"
expect_grep "refusal says 401" "401" "$T/err"

echo tokpass >"$T/pw"
: >"$T/token.log"
check "credentials through the token server" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs \
	--username bob --password-stdin "docker://$R/private/alpine:3.20" <"$T/pw"
expect_grep "token request carried the user" '"user": "bob"' "$T/token.log"

echo nope >"$T/badpw"
check "token server refuses a wrong password" 3 "$CUSTOMS" registry inspect --tls-verify=false \
	--username bob --password-stdin "docker://$R/private/alpine:3.20" <"$T/badpw"
expect_grep "refusal names the token server" "token server" "$T/err"

check "an http realm is refused unless --tls-verify=false" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	--username bob --password-stdin "docker://$R/private/alpine:3.20" <"$T/pw"
expect_grep "refusal explains the realm" "is not https" "$T/err"

mkdir -p "$DOCKER_CONFIG"
echo '{"auths": {"'"$R"'": {"auth": "", "identitytoken": "refresh-123"}}}' >"$DOCKER_CONFIG/config.json"
: >"$T/token.log"
check "identity token: refresh-token grant" 0 "$CUSTOMS" registry inspect --tls-verify=false "docker://$R/private/alpine:3.20"
expect_grep "refresh grant used" '"how": "refresh"' "$T/token.log"
rm -f "$DOCKER_CONFIG/config.json"

# Two layers read in parallel share the client's token cache.
zcat "$ALPINE_OLD" >"$T/old.tar"
umoci raw add-layer --image "$T/img:amd64" "$T/old.tar"
push "oci:$T/img:amd64" "$R/private/alpine:two" --dest-creds bob:tokpass
: >"$T/token.log"
check "two layers, credentials" 0 "$CUSTOMS" registry inspect --tls-verify=false --verify-blobs \
	--username bob --password-stdin "docker://$R/private/alpine:two" <"$T/pw"
[ "$(json_get "$T/out" 'len(j["layers"])')" = 2 ] && ok "two layers listed" || bad "layers: $(cat "$T/out")"
if "$CUSTOMS" help sbom >/dev/null 2>&1; then
	check "sbom reads both layers in parallel" 0 "$CUSTOMS" sbom --tls-verify=false --parallel 2 \
		--username bob --password-stdin --format json "docker://$R/private/alpine:two" <"$T/pw"
	expect_grep "sbom has packages" "busybox" "$T/out"
fi

check "registry ls of tags with a token" 0 "$CUSTOMS" registry ls --tls-verify=false "$R/public/alpine"
expect_grep "tag listed" "^3.20$" "$T/out"
finish
