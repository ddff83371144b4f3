#!/usr/bin/env python3
"""Raw HTTP/1.1 conversations with the router, for what http.client cannot send or time.

usage: rawhttp.py PORT send REQUEST...
  Each REQUEST (escapes such as \\r\\n allowed) goes on its own connection; prints, as JSON, one
  {"status", "head", "body", "closed"} per request: the answer and whether the router closed the
  connection after it (within 5 s).
"""
import json
import socket
import sys

PORT = int(sys.argv[1])


def connect():
    conn = socket.create_connection(("127.0.0.1", PORT), timeout=15)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def read_answer(conn, buffer=b""):
    """Reads one answer (framed by Content-Length); returns (status, head, body, rest) or Nones at the end."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None, buffer.decode("latin-1"), "", b""
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(lines[0].split(" ")[1]), head.decode("latin-1"), rest[:length].decode("latin-1"), rest[length:]


def until_closed(conn, limit):
    """Reads until the router closes the connection (or `limit` seconds pass); returns (bytes, closed)."""
    conn.settimeout(limit)
    seen = b""
    try:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return seen, True
            seen += chunk
    except ConnectionResetError:
        return seen, True
    except socket.timeout:
        return seen, False


def send(requests):
    results = []
    for request in requests:
        conn = connect()
        conn.sendall(request.encode("latin-1").decode("unicode_escape").encode("latin-1"))
        status, head, body, _ = read_answer(conn)
        _, closed = until_closed(conn, 5)
        results.append({"status": status, "head": head, "body": body, "closed": closed})
        conn.close()
    print(json.dumps(results))


send(sys.argv[3:])
