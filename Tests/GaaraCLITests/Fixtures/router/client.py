#!/usr/bin/env python3
"""Drives the router for the tests and prints one JSON object.

usage: client.py URL MODE [ARGS]
  split N                   N GETs on one keep-alive connection; counts by upstream
  websocket N               a WebSocket handshake to /ws, then N messages (1 byte to 100 KB) each checked against its echo
  sticky CLIENTS WEIGHTS    WEIGHTS is a comma list of canary weights already set by the caller per round;
                            (used as: sticky-round CLIENTS FILE) see sticky-round
  sticky-round CLIENTS FILE one GET per simulated client, replaying each client's cookie kept in FILE (JSON);
                            prints the upstream each client reached
"""
import base64
import hashlib
import http.client
import json
import os
import socket
import sys
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
mode = sys.argv[2]


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


if mode == "split":
    count = int(sys.argv[3])
    counts = {}
    connection = connect()
    for _ in range(count):
        connection.request("GET", "/split")
        response = connection.getresponse()
        response.read()
        name = response.getheader("X-Upstream", str(response.status))
        counts[name] = counts.get(name, 0) + 1
    print(json.dumps(counts))
elif mode == "sticky-round":
    clients, path = int(sys.argv[3]), sys.argv[4]
    jar = json.load(open(path)) if os.path.exists(path) else {}
    reached = {}
    connection = connect()
    for index in range(clients):
        key = str(index)
        headers = {"Cookie": jar[key]} if key in jar else {}
        connection.request("GET", "/sticky", headers=headers)
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            jar[key] = cookie.split(";")[0]
        reached[key] = response.getheader("X-Upstream")
    json.dump(jar, open(path, "w"))
    print(json.dumps(reached))
elif mode == "websocket":
    count = int(sys.argv[3])
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /ws HTTP/1.1\r\nHost: {url.hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    reader = sock.makefile("rb")
    status = reader.readline().decode().split()[1]
    headers = {}
    while True:
        line = reader.readline().decode().strip()
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()

    def send(opcode, payload):
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big") if size < 65536 else bytes([0x80 | 127]) + size.to_bytes(8, "big"))
        sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def receive():
        header = reader.read(2)
        length = header[1] & 0x7F
        if length == 126:
            length = int.from_bytes(reader.read(2), "big")
        elif length == 127:
            length = int.from_bytes(reader.read(8), "big")
        return header[0] & 0x0F, reader.read(length)

    echoed, upstream = 0, None
    for index in range(count):
        payload = os.urandom(1 + (index * 7919) % 100_000)
        send(2, payload)
        opcode, reply = receive()
        name, _, body = reply.partition(b" ")
        upstream = name.decode()
        if opcode == 2 and body == payload:
            echoed += 1
    send(8, b"")
    closed = receive()[0] == 8
    print(json.dumps({"status": int(status), "accept_ok": headers.get("sec-websocket-accept") == base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode(), "echoed": echoed, "upstream": upstream, "closed": closed}))
