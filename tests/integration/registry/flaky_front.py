#!/usr/bin/python3
"""A front for the registry tests that behaves like a cloud registry on a bad
day: Basic auth, one 503 with Retry-After on the first manifest request,
429 with an hour's Retry-After for repositories under slow/,
blobs redirected to "storage" on another loopback address, and a storage
server that breaks the first download of each blob halfway (then honours
Range). Logs what it saw, one JSON line per request."""
import base64
import json
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, PORT_FILE, LOG_FILE = sys.argv[1:4]
USER = "carol:frontpass"
lock = threading.Lock()
state = {"manifest_503": False, "broken": set()}


def log(**kw):
    with lock, open(LOG_FILE, "a") as f:
        f.write(json.dumps(kw) + "\n")


def fetch(path, headers=None):
    req = urllib.request.Request(UPSTREAM + path, headers=headers or {})
    try:
        r = urllib.request.urlopen(req)
        return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        log(server="front", path=self.path, auth=bool(auth))
        if auth != "Basic " + base64.b64encode(USER.encode()).decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="front"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/v2/slow/"):
            # Longer than any client should wait: it must give up, not hang.
            self.send_response(429)
            self.send_header("Retry-After", "3600")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if "/manifests/" in self.path:
            with lock:
                first = not state["manifest_503"]
                state["manifest_503"] = True
            if first:
                self.send_response(503)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if "/blobs/" in self.path:
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.2:%d/storage%s" % (SPORT, self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        accept = self.headers.get("Accept")
        status, headers, body = fetch(self.path, {"Accept": accept} if accept else {})
        self.send_response(status)
        for h in ("Content-Type", "Docker-Content-Digest", "Link"):
            if headers.get(h):
                self.send_header(h, headers[h])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Storage(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        log(server="storage", path=self.path, auth="Authorization" in self.headers, range=rng)
        status, headers, body = fetch(self.path[len("/storage"):])
        if status != 200:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start = 0
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
        with lock:
            breaking = len(body) > 100000 and self.path not in state["broken"]
            state["broken"].add(self.path)
        self.send_response(206 if start else 200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body) - start))
        if start:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(body) - 1, len(body)))
        self.end_headers()
        if breaking:
            self.wfile.write(body[start:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body[start:])


storage = ThreadingHTTPServer(("127.0.0.2", 0), Storage)
SPORT = storage.server_address[1]
front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
threading.Thread(target=storage.serve_forever, daemon=True).start()
open(PORT_FILE, "w").write(str(front.server_address[1]))
front.serve_forever()
