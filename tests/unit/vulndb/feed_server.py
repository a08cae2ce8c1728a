#!/usr/bin/env python3
# Test feed server on 127.0.0.1 for `db update` tests. Usage:
#   feed_server.py DIR normal|drop|flaky PORTFILE
# Writes the port it listens on into PORTFILE (atomically). "normal" serves DIR with
# Last-Modified and ETag, answering conditional requests with 304; "drop"
# announces the full length, sends half of the file and closes the connection;
# "flaky" answers the first request for kev.json with 503, then as "normal".
import hashlib
import http.server
import os
import sys

root, mode, portfile = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {}


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        if mode == "flaky" and self.path.endswith("/kev.json") and not seen.get(self.path):
            seen[self.path] = True
            self.send_error(503)
            return
        data = open(path, "rb").read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        if mode in ("normal", "flaky") and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", self.date_time_string(int(os.path.getmtime(path))))
        self.end_headers()
        if mode == "drop":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
