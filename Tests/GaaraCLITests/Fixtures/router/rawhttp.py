#!/usr/bin/env python3
"""Raw HTTP/1.1 conversations with the router, for what http.client cannot send or time.

usage: rawhttp.py PORT send REQUEST...
  Each REQUEST (escapes such as \\r\\n allowed) goes on its own connection; prints, as JSON, one
  {"status", "head", "body", "closed"} per request: the answer and whether the router closed the
  connection after it (within 5 s).

usage: rawhttp.py PORT slow HOST TIMEOUT
  Clients too slow to send their heads, all at once, against a router run with --header-timeout
  TIMEOUT; prints, as JSON, {"kind": [{"status", "closedAfter", "answered"}...]}: what each got,
  and when its connection was closed, in seconds from the connect (or from the end of its first
  answer for the kinds that make a request first). Kinds:
    partial         a head cut short (the byte-forwarding path)
    silent          nothing at all
    partialAfterPost  a POST (the full path), then a head cut short
    large           20 KiB of head, cut short (handed to the full path incomplete)
    idleAfterGet    a GET, then nothing
    slowInTime      a head sent in pieces, done well within TIMEOUT
    resetByteAfterIdle / resetFullAfterIdle  a GET (a POST), then 0.6 TIMEOUT idle, then the
                    next head in pieces over 0.6 TIMEOUT: the first byte restarts its clock
"""
import json
import socket
import sys
import threading
import time

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


def slow(host, timeout):
    results = {}
    lock = threading.Lock()
    limit = 10

    def record(kind, **values):
        with lock:
            results.setdefault(kind, []).append(values)

    def cut_off(kind, conn, start, answered=None):
        seen, closed = until_closed(conn, limit + start - time.monotonic())
        status = int(seen.split(b" ")[1]) if seen.startswith(b"HTTP/1.1 ") else None
        record(kind, status=status, closedAfter=time.monotonic() - start if closed else None, answered=answered,
               text=seen.decode("latin-1"))

    def partial():
        conn = connect()
        start = time.monotonic()
        conn.sendall(f"GET /slow-head HTTP/1.1\r\nHost: {host}\r\nX-Partial: yes".encode())
        cut_off("partial", conn, start)

    def silent():
        conn = connect()
        cut_off("silent", conn, time.monotonic())

    def partial_after_post():
        conn = connect()
        conn.sendall(f"POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n\r\nabc".encode())
        status, _, _, _ = read_answer(conn)
        start = time.monotonic()
        conn.sendall(f"GET /next HTTP/1.1\r\nHost: {host}\r\n".encode())
        cut_off("partialAfterPost", conn, start, answered=status)

    def large():
        conn = connect()
        start = time.monotonic()
        conn.sendall(f"GET /large HTTP/1.1\r\nHost: {host}\r\nX-Large: {'x' * 20480}".encode())
        cut_off("large", conn, start)

    def idle_after_get():
        conn = connect()
        conn.sendall(f"GET /first HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        status, _, _, _ = read_answer(conn)
        cut_off("idleAfterGet", conn, time.monotonic(), answered=status)

    def pieces(conn, text, seconds):
        data = text.encode()
        step = max(1, len(data) // 6)
        parts = [data[i:i + step] for i in range(0, len(data), step)]
        for index, part in enumerate(parts):
            conn.sendall(part)
            if index < len(parts) - 1:
                time.sleep(seconds / (len(parts) - 1))

    def slow_in_time():
        conn = connect()
        start = time.monotonic()
        pieces(conn, f"GET /in-time HTTP/1.1\r\nHost: {host}\r\nX-Slow: yes\r\n\r\n", timeout * 0.3)
        status, _, body, _ = read_answer(conn)
        record("slowInTime", status=status, closedAfter=None, answered=time.monotonic() - start, text=body[:60])

    def reset_after_idle(kind, first):
        conn = connect()
        conn.sendall(first.encode())
        read_answer(conn)
        time.sleep(timeout * 0.6)
        start = time.monotonic()
        try:
            pieces(conn, f"GET /after-idle HTTP/1.1\r\nHost: {host}\r\n\r\n", timeout * 0.6)
            status, _, body, _ = read_answer(conn)
        except OSError as error:
            status, body = None, str(error)
        record(kind, status=status, closedAfter=None, answered=time.monotonic() - start, text=body[:60])

    threads = [threading.Thread(target=partial) for _ in range(50)]
    threads += [threading.Thread(target=silent) for _ in range(5)]
    threads += [threading.Thread(target=partial_after_post) for _ in range(5)]
    threads += [threading.Thread(target=large) for _ in range(3)]
    threads += [threading.Thread(target=idle_after_get) for _ in range(2)]
    threads += [threading.Thread(target=slow_in_time)]
    threads += [threading.Thread(target=reset_after_idle, args=("resetByteAfterIdle", f"GET /first HTTP/1.1\r\nHost: {host}\r\n\r\n"))]
    threads += [threading.Thread(target=reset_after_idle, args=(
        "resetFullAfterIdle", f"POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n\r\nabc"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(results))


if sys.argv[2] == "send":
    send(sys.argv[3:])
else:
    slow(sys.argv[3], float(sys.argv[4]))
