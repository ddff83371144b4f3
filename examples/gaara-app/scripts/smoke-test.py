#!/usr/bin/env python3
"""Smoke tests of a running notes API: health, create, read back.

Usage: smoke-test.py URL [--through-router]

With --through-router the URL is a router that may spread requests over several replicas (one a
host), each with its own in-memory store, so the read back may reach a replica that never saw the
note: the list is checked to answer instead (each release's own smoke test, against its one
address, reads the note back).
"""

import json
import sys
import urllib.request


def call(method: str, url: str, body: object | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read() or b"{}")


def main() -> int:
    base = sys.argv[1].rstrip("/")
    through_router = "--through-router" in sys.argv[2:]
    status, health = call("GET", base + "/healthz")
    assert status == 200 and health.get("status") == "ok", f"healthz: {status} {health}"
    status, note = call("POST", base + "/notes", {"title": "smoke", "body": "deployed"})
    assert status == 201 and note.get("title") == "smoke", f"create: {status} {note}"
    if through_router:
        status, listed = call("GET", base + "/notes")
        assert status == 200 and isinstance(listed.get("notes"), list), f"list: {status} {listed}"
        print(f"smoke tests passed through the router at {base}: health, create, list")
        return 0
    status, read = call("GET", f"{base}/notes/{note['id']}")
    assert status == 200 and read == note, f"read back: {status} {read}"
    print(f"smoke tests passed against {base}: health, create, read back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
