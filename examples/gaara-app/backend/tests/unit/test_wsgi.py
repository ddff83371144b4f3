import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from app.wsgi import MAX_REQUEST_BYTES, NotesApp, create_app

pytestmark = pytest.mark.unit


class Captured:
    status: str = ""
    headers: dict[str, str] = {}


def call(
    app: NotesApp,
    method: str,
    path: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    query: str = "",
    content_length: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    data = (
        raw if raw is not None else b"" if body is None else json.dumps(body).encode()
    )
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": (
            content_length if content_length is not None else str(len(data))
        ),
        "wsgi.input": io.BytesIO(data),
    }
    setup_testing_defaults(environ)
    captured = Captured()

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured.status = status
        captured.headers = dict(headers)

    chunks = b"".join(app(environ, start_response))
    payload: Any = None
    if captured.headers.get("Content-Type", "").startswith("text/plain"):
        payload = chunks.decode()
    elif chunks:
        payload = json.loads(chunks)
    return int(captured.status.split()[0]), captured.headers, payload


@pytest.fixture
def app() -> NotesApp:
    return create_app()


def test_up(app: NotesApp) -> None:
    status, headers, payload = call(app, "GET", "/up")
    assert (status, payload) == (200, "ok")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == "2"
    assert call(app, "POST", "/up")[0] == 405


def test_healthz(app: NotesApp) -> None:
    status, headers, payload = call(app, "GET", "/healthz")
    assert status == 200
    assert payload["status"] == "ok"
    assert payload["notes"] == 0
    assert headers["Content-Type"].startswith("application/json")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_create_then_fetch(app: NotesApp) -> None:
    status, headers, created = call(
        app, "POST", "/notes", {"title": "hi", "tags": ["A"]}
    )
    assert status == 201
    assert headers["Location"] == f"/notes/{created['id']}"
    assert created["tags"] == ["a"]
    status, _, fetched = call(app, "GET", f"/notes/{created['id']}")
    assert status == 200
    assert fetched == created


def test_list_with_tag_filter(app: NotesApp) -> None:
    call(app, "POST", "/notes", {"title": "one", "tags": ["x"]})
    call(app, "POST", "/notes", {"title": "two"})
    _, _, everything = call(app, "GET", "/notes")
    _, _, tagged = call(app, "GET", "/notes", query="tag=x")
    assert everything["count"] == 2
    assert [n["title"] for n in tagged["notes"]] == ["one"]


def test_delete(app: NotesApp) -> None:
    _, _, created = call(app, "POST", "/notes", {"title": "bye"})
    status, headers, payload = call(app, "DELETE", f"/notes/{created['id']}")
    assert (status, payload, headers["Content-Length"]) == (204, None, "0")
    status, _, payload = call(app, "DELETE", f"/notes/{created['id']}")
    assert status == 404
    assert "not found" in payload["error"]


def test_missing_note_and_unknown_route(app: NotesApp) -> None:
    assert call(app, "GET", "/notes/999")[0] == 404
    assert call(app, "GET", "/nope")[0] == 404


def test_method_not_allowed_sets_allow_header(app: NotesApp) -> None:
    status, headers, payload = call(app, "PUT", "/notes")
    assert status == 405
    assert headers["Allow"] == "GET, POST"
    assert payload == {"error": "method PUT not allowed"}


def test_validation_error_lists_fields(app: NotesApp) -> None:
    status, _, payload = call(app, "POST", "/notes", {"title": ""})
    assert status == 422
    assert payload["fields"] == {"title": "is required"}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"raw": b"{not json", "content_type": "application/json"}, 400),
        ({"raw": b"\xff\xfe", "content_type": "application/json"}, 400),
        ({"raw": b"{}", "content_type": "text/plain"}, 415),
        ({"raw": b"{}", "content_length": "abc"}, 400),
        ({"raw": b"", "content_length": str(MAX_REQUEST_BYTES + 1)}, 413),
        ({"raw": b"", "content_length": ""}, 400),
    ],
)
def test_bad_requests(app: NotesApp, kwargs: dict[str, Any], expected: int) -> None:
    assert call(app, "POST", "/notes", **kwargs)[0] == expected
