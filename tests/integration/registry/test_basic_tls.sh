#!/bin/bash
# htpasswd Basic auth over TLS with a CA made here: --ca-file, explicit
# credentials, `registry login` into a Docker config, and a credential helper.
. "$(dirname "$0")/lib.sh"
need htpasswd

make_ca || { echo "openssl failed" >&2; exit 1; }
htpasswd -Bbc "$T/htpasswd" alice 's3cret:pass' >/dev/null 2>&1
start_registry basic "auth: {htpasswd: {realm: customs-test, path: $T/htpasswd}}" tls
R=127.0.0.1:$PORT
build_layout "$T/img" amd64 "$ALPINE_NEW" amd64
push "oci:$T/img:amd64" "$R/private/alpine:3.20" --dest-creds 'alice:s3cret:pass'
export DOCKER_CONFIG=$T/docker
export HOME=$T/home
mkdir -p "$HOME"

check "untrusted CA refused" 3 "$CUSTOMS" registry inspect "docker://$R/private/alpine:3.20"
expect_grep "certificate problem named" "certificate" "$T/err"

check "anonymous is refused" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" "docker://$R/private/alpine:3.20"
expect_grep "refusal says HTTP 401" "401" "$T/err"

echo 's3cret:pass' >"$T/pw"
check "Basic with --username/--password-stdin" 0 \
	"$CUSTOMS" registry inspect --ca-file "$T/ca.crt" --verify-blobs --username alice --password-stdin \
	"docker://$R/private/alpine:3.20" <"$T/pw"

echo wrong >"$T/badpw"
check "wrong password refused" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" --username alice \
	--password-stdin "docker://$R/private/alpine:3.20" <"$T/badpw"

check "--tls-verify=false skips the CA check" 0 "$CUSTOMS" registry inspect --tls-verify=false \
	--username alice --password-stdin "docker://$R/private/alpine:3.20" <"$T/pw"

check "login with a wrong password fails" 4 "$CUSTOMS" registry login --ca-file "$T/ca.crt" \
	--username alice --password-stdin "$R" <"$T/badpw"
[ ! -e "$DOCKER_CONFIG/config.json" ] && ok "failed login wrote nothing" || bad "failed login wrote config"

mkdir -p "$DOCKER_CONFIG"
echo '{"auths": {"other.example:5000": {"auth": "eDp5"}}, "psFormat": "table"}' >"$DOCKER_CONFIG/config.json"
check "login" 0 "$CUSTOMS" registry login --ca-file "$T/ca.crt" --username alice --password-stdin "$R" <"$T/pw"
expect_grep "login says so" "Login Succeeded" "$T/out"
[ "$(stat -c %a "$DOCKER_CONFIG/config.json")" = 600 ] && ok "config.json is 0600" || bad "config.json mode $(stat -c %a "$DOCKER_CONFIG/config.json")"
[ "$(json_get "$DOCKER_CONFIG/config.json" 'j["auths"]["'"$R"'"]["auth"]')" = "$(printf 'alice:s3cret:pass' | base64)" ] &&
	ok "auths entry is base64 user:password" || bad "auths entry: $(cat "$DOCKER_CONFIG/config.json")"
[ "$(json_get "$DOCKER_CONFIG/config.json" 'j["psFormat"] + j["auths"]["other.example:5000"]["auth"]')" = "tableeDp5" ] &&
	ok "other config entries kept" || bad "login lost other entries"

# Asked at the terminal when stdin is one, as docker login does; never
# otherwise (a script must say --password-stdin).
rm -f "$DOCKER_CONFIG/config.json"
check "login with no credentials and no terminal is a usage error" 2 \
	"$CUSTOMS" registry login --ca-file "$T/ca.crt" "$R" </dev/null
expect_grep "usage error says how" "password-stdin" "$T/err"
PTY="$(dirname "$0")/pty_login.py"
check "login at a terminal: prompts, no echo, Ctrl-C restores echo" 0 \
	python3 "$PTY" "$CUSTOMS" "$T/ca.crt" "$R" alice 's3cret:pass' interrupt
check "login at a terminal: asked for user and password" 0 \
	python3 "$PTY" "$CUSTOMS" "$T/ca.crt" "$R" alice 's3cret:pass'
[ "$(json_get "$DOCKER_CONFIG/config.json" 'j["auths"]["'"$R"'"]["auth"]')" = "$(printf 'alice:s3cret:pass' | base64)" ] &&
	ok "the answers were stored" || bad "auths after the prompt: $(cat "$DOCKER_CONFIG/config.json" 2>&1)"

check "credentials from the Docker config" 0 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" --verify-blobs \
	"docker://$R/private/alpine:3.20"

# A credential helper on PATH, as ECR/ACR/GCR helpers are used.
mkdir -p "$T/bin"
cat >"$T/bin/docker-credential-test" <<'SH'
#!/bin/sh
[ "$1" = get ] || exit 1
read -r server
echo "$server" >>"$HELPER_LOG"
case "$server" in
127.0.0.1:*) printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret:pass"}\n' "$server" ;;
*) echo "credentials not found in native keychain"; exit 1 ;;
esac
SH
chmod +x "$T/bin/docker-credential-test"
export HELPER_LOG=$T/helper.log
echo '{"credsStore": "test"}' >"$DOCKER_CONFIG/config.json"
PATH=$T/bin:$PATH check "credsStore helper supplies the password" 0 \
	"$CUSTOMS" registry inspect --ca-file "$T/ca.crt" --verify-blobs "docker://$R/private/alpine:3.20"
expect_grep "helper was asked for this registry" "^$R\$" "$HELPER_LOG"
echo '{"credHelpers": {"'"$R"'": "test"}}' >"$DOCKER_CONFIG/config.json"
PATH=$T/bin:$PATH check "credHelpers entry supplies the password" 0 \
	"$CUSTOMS" registry inspect --ca-file "$T/ca.crt" "docker://$R/private/alpine:3.20"
echo '{"credsStore": "missing-helper"}' >"$DOCKER_CONFIG/config.json"
check "a missing helper is an auth error" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	"docker://$R/private/alpine:3.20"
expect_grep "missing helper named" "docker-credential-missing-helper" "$T/err"
finish
