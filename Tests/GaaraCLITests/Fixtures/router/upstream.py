#!/usr/bin/env python3
"""A small HTTP/1.1 upstream for the router tests: answers with its name.

usage: upstream.py PORT NAME
  GET /slow?s=SECONDS   waits, then answers
  GET /ws               WebSocket echo (text and binary frames, replies prefixed with NAME)
  GET /big?mb=N         streams N MiB of zeros (chunked with &chunked=1)
  GET /status?code=N    answers N with no body
  GET /hints            a 103 Early Hints, then 200
  GET /close            an answer without a length, ended by closing the connection
  GET /smuggle          an answer with both Content-Length and Transfer-Encoding
  HEAD anything         200 with a Content-Length and no body
  GET /up               health check (200, or 503 while the file NAME.down exists next to this script's cwd)
  POST anything         answers with the number of body bytes received (POST /echo: and the forwarding headers)
  any other GET         answers "NAME PATH" with the forwarding headers it saw
"""
import base64
import hashlib
import http.server
import os
import socketserver
import sys
import time
import urllib.parse

NAME = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Head and body go out as two writes: without this, Nagle holds the body for a delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def answer(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Upstream", NAME)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            return self.websocket()
        if url.path == "/big":
            return self.big(urllib.parse.parse_qs(url.query))
        if url.path == "/status":
            self.send_response(int(urllib.parse.parse_qs(url.query)["code"][0]))
            self.send_header("X-Upstream", NAME)
            self.end_headers()
            return
        if url.path == "/hints":
            self.send_response(103)
            self.send_header("Link", "</style.css>; rel=preload")
            self.end_headers()
            self.wfile.flush()
            return self.answer(200, "after hints\n")
        if url.path == "/smuggle":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"5\r\nhello\r\n0\r\n\r\n")
            self.close_connection = True
            return
        if url.path == "/close":
            self.send_response(200)
            self.send_header("X-Upstream", NAME)
            self.end_headers()
            self.wfile.write(b"until the connection closes\n")
            self.close_connection = True
            return
        if url.path == "/up":
            return self.answer(503 if os.path.exists(NAME + ".down") else 200, "up\n")
        if url.path == "/slow":
            time.sleep(float(urllib.parse.parse_qs(url.query).get("s", ["1"])[0]))
        self.answer(200, f"{NAME} {self.path} {self.forwarding()}\n")

    def forwarding(self):
        # Every value of each (a header sent twice shows as a list).
        seen = {}
        for name in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Request-Id"):
            values = self.headers.get_all(name) or [None]
            seen[name] = values[0] if len(values) == 1 else values
        return seen

    def big(self, query):
        size = int(query["mb"][0]) << 20
        chunked = query.get("chunked", ["0"])[0] == "1"
        self.send_response(200)
        self.send_header("X-Upstream", NAME)
        self.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(size))
        self.end_headers()
        block = bytes(1 << 20)
        for _ in range(size >> 20):
            self.wfile.write(b"100000\r\n" + block + b"\r\n" if chunked else block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "42")
        self.send_header("X-Upstream", NAME)
        self.end_headers()

    def do_POST(self):
        received = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                while size > 0:
                    chunk = self.rfile.read(min(1 << 20, size))
                    size -= len(chunk)
                    received += len(chunk)
                self.rfile.readline()
        else:
            length = int(self.headers.get("Content-Length", "0"))
            while received < length:
                chunk = self.rfile.read(min(1 << 20, length - received))
                if not chunk:
                    break
                received += len(chunk)
        if urllib.parse.urlparse(self.path).path == "/echo":
            return self.answer(200, f"{NAME} received {received} {self.forwarding()}\n")
        self.answer(200, f"{NAME} received {received}\n")

    def websocket(self):
        accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept.decode())
        self.end_headers()
        self.wfile.flush()
        while True:
            header = self.rfile.read(2)
            if len(header) < 2:
                return
            opcode, length = header[0] & 0x0F, header[1] & 0x7F
            if length == 126:
                length = int.from_bytes(self.rfile.read(2), "big")
            elif length == 127:
                length = int.from_bytes(self.rfile.read(8), "big")
            mask = self.rfile.read(4) if header[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            if opcode == 8:
                self.wfile.write(bytes([0x88, 0]))
                return
            reply = NAME.encode() + b" " + payload
            size = len(reply)
            head = bytes([0x80 | opcode]) + (bytes([size]) if size < 126 else bytes([126]) + size.to_bytes(2, "big") if size < 65536 else bytes([127]) + size.to_bytes(8, "big"))
            self.wfile.write(head + reply)
            self.wfile.flush()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
