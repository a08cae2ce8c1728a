#!/bin/bash
# Mutual TLS: the registry asks for a client certificate signed by the test
# CA (http.tls.clientcas); --cert-file/--key-file present one.
. "$(dirname "$0")/lib.sh"

make_ca || { echo "openssl failed" >&2; exit 1; }
# client_cert NAME CA: a client certificate for NAME signed by CA.{crt,key}.
client_cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$T/$1.key" -out "$T/$1.csr" \
		>/dev/null 2>&1 &&
		printf 'extendedKeyUsage=clientAuth\n' >"$T/client.ext" &&
		openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.crt" -CAkey "$T/$2.key" -CAcreateserial \
			-days 2 -extfile "$T/client.ext" -out "$T/$1.crt" >/dev/null 2>&1
}
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
	-keyout "$T/other.key" -out "$T/other.crt" >/dev/null 2>&1 || exit 1
client_cert scanner ca && client_cert stranger other || { echo "openssl failed" >&2; exit 1; }

start_registry mtls "  tls: {certificate: $T/server.crt, key: $T/server.key, clientcas: [$T/ca.crt]}"
R=127.0.0.1:$PORT
build_layout "$T/img" amd64 "$ALPINE_NEW" amd64
# skopeo takes a client certificate from a folder of NAME.cert + NAME.key.
mkdir -p "$T/certs.d"
cp "$T/scanner.crt" "$T/certs.d/client.cert"
cp "$T/scanner.key" "$T/certs.d/client.key"
push "oci:$T/img:amd64" "$R/app/alpine:3.20" --dest-cert-dir "$T/certs.d"

check "no client certificate: refused" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	"docker://$R/app/alpine:3.20"
check "a certificate from another CA: refused" 3 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	--cert-file "$T/stranger.crt" --key-file "$T/stranger.key" "docker://$R/app/alpine:3.20"
check "the CA's client certificate: inspect" 0 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	--cert-file "$T/scanner.crt" --key-file "$T/scanner.key" --verify-blobs "docker://$R/app/alpine:3.20"
check "the CA's client certificate: sbom" 0 "$CUSTOMS" sbom --format json --ca-file "$T/ca.crt" \
	--cert-file "$T/scanner.crt" --key-file "$T/scanner.key" "docker://$R/app/alpine:3.20"
[ "$(json_get "$T/out" 'len([p for p in j["packages"] if p["type"] == "apk"])')" -gt 10 ] &&
	ok "sbom over mutual TLS lists the Alpine packages" || bad "sbom: $(head -c 300 "$T/out")"
# As with curl, the key may sit in the certificate's PEM file.
cat "$T/scanner.crt" "$T/scanner.key" >"$T/scanner.pem"
check "certificate and key in one PEM file" 0 "$CUSTOMS" registry inspect --ca-file "$T/ca.crt" \
	--cert-file "$T/scanner.pem" "docker://$R/app/alpine:3.20"
check "a certificate without its key: refused" 3 "$CUSTOMS" registry inspect \
	--ca-file "$T/ca.crt" --cert-file "$T/scanner.crt" "docker://$R/app/alpine:3.20"
expect_grep "the error names the private key" "private key" "$T/err"
finish
