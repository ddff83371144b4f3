"""A local stand-in for Slack, PagerDuty and webhook receivers: records every request it gets.

Usage: python3 http-receiver.py DIR
Listens on a free loopback port (written to DIR/port), appends each request as a JSON line
(method, path, headers, body) to DIR/requests.jsonl, and answers 200 — except the first request to
a path ending in /flaky, which gets 429 with Retry-After: 1 (so a sender's retry is exercised).
"""
import http.server
import json
import os
import sys
import threading

directory = sys.argv[1]
lock = threading.Lock()
seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        with lock:
            first = self.path not in seen
            seen.add(self.path)
            with open(os.path.join(directory, "requests.jsonl"), "a") as log:
                log.write(json.dumps({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        if self.path.endswith("/flaky") and first:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200 if "/v2/" not in self.path else 202)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(directory, "port.tmp"), "w") as out:
    out.write(str(server.server_address[1]))
os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
server.serve_forever()
