#!/usr/bin/env python3
"""Sends one connection's worth of requests of every framing through the router and prints, as
JSON, what came back: status, body length, a header or two, and whether the connection was kept.

usage: framing.py PORT HOST
"""
import http.client
import json
import sys

port, host = int(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
results = []
previous = None
for method, path, body in [
    ("GET", "/one", None),
    ("GET", "/big?mb=3&chunked=1", None),
    ("HEAD", "/head", None),
    ("GET", "/status?code=204", None),
    ("GET", "/status?code=304", None),
    ("GET", "/hints", None),
    ("GET", "/big?mb=2", None),
    ("GET", "/smuggle", None),
    ("GET", "/close", None),
    ("GET", "/after-close", None),
    ("POST", "/upload", b"x" * 1000),
    ("GET", "/after-post", None),
]:
    connection.request(method, path, body=body, headers={"Host": host})
    response = connection.getresponse()
    data = response.read()
    sock = connection.sock
    results.append({
        "method": method, "path": path, "status": response.status, "length": len(data),
        "text": data.decode(errors="replace") if len(data) < 1000 else "",
        "requestID": response.getheader("x-request-id"), "connection": response.getheader("connection"),
        "sameConnection": sock is not None and sock is previous,
    })
    previous = sock
print(json.dumps(results))
