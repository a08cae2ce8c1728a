#!/bin/bash
# Redirects to blob storage on another host (no Authorization sent there),
# 503 with Retry-After, 429 with a Retry-After too long to wait, and a blob
# download broken halfway that resumes with a Range request.
. "$(dirname "$0")/lib.sh"

start_registry up
build_layout "$T/img" amd64 "$ALPINE_NEW" amd64
push "oci:$T/img:amd64" "127.0.0.1:$PORT/alpine:3.20"
/usr/bin/python3 "$(dirname "$0")/flaky_front.py" "http://127.0.0.1:$PORT" "$T/front.port" "$T/front.log" \
	2>"$T/front.err" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$T/front.port" ] && break; sleep 0.1; done
F=127.0.0.1:$(cat "$T/front.port")
echo frontpass >"$T/pw"

check "pull through redirects, a 503 and a broken download" 0 "$CUSTOMS" registry inspect --tls-verify=false \
	--verify-blobs --username carol --password-stdin "docker://$F/alpine:3.20" <"$T/pw"
grep '"server": "storage"' "$T/front.log" >"$T/storage.log"
[ -s "$T/storage.log" ] && ok "blobs were fetched from the storage host" || bad "storage never asked"
if grep -q '"auth": true' "$T/storage.log"; then bad "Authorization leaked to the storage host"; else ok "no Authorization sent to the storage host"; fi
expect_grep "the broken download resumed with Range" '"range": "bytes=[1-9]' "$T/storage.log"
[ "$(grep -c '/manifests/' "$T/front.log")" -ge 2 ] && ok "manifest request retried after 503" ||
	bad "manifest requests: $(grep -c '/manifests/' "$T/front.log")"
start=$(date +%s)
check "429 with an hour's Retry-After fails at once" 3 timeout 60 "$CUSTOMS" registry inspect --tls-verify=false \
	--username carol --password-stdin "docker://$F/slow/app:1" <"$T/pw"
[ $(($(date +%s) - start)) -lt 10 ] && ok "no waiting for an hour" || bad "waited $(($(date +%s) - start)) s"
expect_grep "429 reported" "HTTP 429" "$T/err"
finish
