#!/usr/bin/python3
"""A small Docker token server for the registry tests: checks Basic
credentials (or a refresh token), grants only the scopes a user may have,
and signs RS256 JWTs with a key whose certificate the registry trusts."""
import base64
import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

KEY_FILE, CERT_FILE, PORT_FILE, LOG_FILE = sys.argv[1:5]
ISSUER, SERVICE = "customs-test-issuer", "customs-test-registry"
USERS = {"bob": "tokpass"}
REFRESH = {"refresh-123": "bob"}
# user -> repository -> actions; anonymous may pull "public/*".
GRANTS = {"bob": {"private/alpine": ["pull", "push"], "public/alpine": ["pull", "push"]}}

key = serialization.load_pem_private_key(open(KEY_FILE, "rb").read(), None)
cert = x509.load_pem_x509_certificate(open(CERT_FILE, "rb").read())
x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(claims):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
    body = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = key.sign(body.encode(), padding.PKCS1v15(), hashes.SHA256())
    return body + "." + b64url(sig)


def granted(user, scopes):
    access = []
    for scope in scopes:
        parts = scope.split(":")
        if len(parts) != 3 or parts[0] != "repository":
            continue
        _, name, actions = parts
        allowed = set(GRANTS.get(user, {}).get(name, []))
        if name.startswith("public/"):
            allowed.add("pull")
        ok = [a for a in actions.split(",") if a in allowed]
        if ok:
            access.append({"type": "repository", "name": name, "actions": ok})
    return access


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def issue(self, user, service, scopes, how):
        with open(LOG_FILE, "a") as f:
            f.write(json.dumps({"user": user, "service": service, "scopes": scopes,
                                "how": how}) + "\n")
        if service != SERVICE:
            return self.answer(400, {"errors": [{"message": "wrong service"}]})
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": user or "", "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()),
                  "access": granted(user, scopes)}
        self.answer(200, {"token": sign(claims), "expires_in": 300})

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        user = None
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
            if USERS.get(u) != p:
                return self.answer(401, {"errors": [{"message": "bad credentials"}]})
            user = u
        self.issue(user, q.get("service", [""])[0], q.get("scope", []), "get")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        q = parse_qs(self.rfile.read(n).decode())
        if q.get("grant_type") != ["refresh_token"]:
            return self.answer(400, {"error": "unsupported_grant_type"})
        user = REFRESH.get(q.get("refresh_token", [""])[0])
        if not user:
            return self.answer(401, {"error": "invalid_grant"})
        self.issue(user, q.get("service", [""])[0], q.get("scope", [""])[0].split(" "),
                   "refresh")


server = HTTPServer(("127.0.0.1", 0), Handler)
open(PORT_FILE, "w").write(str(server.server_address[1]))
server.serve_forever()
