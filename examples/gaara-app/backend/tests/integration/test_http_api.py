"""Black-box tests: real sockets, real HTTP, only the standard library client."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytestmark = pytest.mark.integration

TIMEOUT = 5


def request(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    content_type: str = "application/json",
) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), json.loads(raw) if raw else None


def test_healthz_over_http(base_url: str) -> None:
    status, headers, payload = request(base_url, "GET", "/healthz")
    assert status == 200
    assert payload["status"] == "ok"
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def test_note_lifecycle(base_url: str) -> None:
    status, headers, created = request(
        base_url, "POST", "/notes", {"title": "Ship v1", "tags": ["release"]}
    )
    assert status == 201
    assert headers["Location"] == f"/notes/{created['id']}"

    status, _, listed = request(base_url, "GET", "/notes?tag=release")
    assert status == 200
    assert created in listed["notes"]

    status, _, _ = request(base_url, "DELETE", f"/notes/{created['id']}")
    assert status == 204
    status, _, payload = request(base_url, "GET", f"/notes/{created['id']}")
    assert status == 404
    assert payload["error"] == f"note {created['id']} not found"


def test_errors_are_json(base_url: str) -> None:
    status, _, payload = request(base_url, "POST", "/notes", {"title": ""})
    assert status == 422
    assert payload["fields"]["title"] == "is required"

    status, _, payload = request(base_url, "POST", "/notes", {"x": 1}, "text/plain")
    assert status == 415

    status, headers, _ = request(base_url, "PATCH", "/healthz")
    assert status == 405
    assert headers["Allow"] == "GET"


def test_concurrent_creates_get_unique_ids(base_url: str) -> None:
    def create(i: int) -> int:
        status, _, note = request(base_url, "POST", "/notes", {"title": f"n{i}"})
        assert status == 201
        return int(note["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
