"""WSGI application: routing, JSON encoding and error handling."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from app import __version__
from app.models import ValidationError, validate_note
from app.store import NoteStore

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]

MAX_REQUEST_BYTES = 64 * 1024
NOTE_PATH = re.compile(r"^/notes/(?P<id>[0-9]{1,9})$")


class HTTPError(Exception):
    def __init__(self, status: HTTPStatus, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.payload: dict[str, Any] = {"error": message, **extra}
        self.headers: list[tuple[str, str]] = []


class Response:
    def __init__(
        self,
        status: HTTPStatus,
        payload: Any = None,
        headers: list[tuple[str, str]] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.status = status
        self.payload = payload
        self.headers = headers or []
        self.text = text  # sent as text/plain instead of the JSON payload


class NotesApp:
    """A callable WSGI app exposing the notes API.

    Routes:
      GET    /up               -> 200 "ok" (text/plain), for container health checks
      GET    /healthz          -> {"status": "ok", ...}
      GET    /notes[?tag=x]    -> {"notes": [...]}
      POST   /notes            -> 201 {note}
      GET    /notes/<id>       -> {note} or 404
      DELETE /notes/<id>       -> 204 or 404
    """

    def __init__(self, store: NoteStore | None = None) -> None:
        self.store = store if store is not None else NoteStore()

    def __call__(
        self, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            response = self.dispatch(environ)
        except HTTPError as exc:
            response = Response(exc.status, exc.payload, exc.headers)
        return self._send(response, start_response)

    def dispatch(self, environ: Environ) -> Response:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "/")) or "/"

        if path == "/up":
            self._allow(method, ("GET",))
            return Response(HTTPStatus.OK, text="ok")

        if path == "/healthz":
            self._allow(method, ("GET",))
            return Response(
                HTTPStatus.OK,
                {"status": "ok", "version": __version__, "notes": len(self.store)},
            )

        if path == "/notes":
            self._allow(method, ("GET", "POST"))
            if method == "POST":
                return self._create(environ)
            query = parse_qs(str(environ.get("QUERY_STRING", "")))
            tag = query.get("tag", [None])[0]
            notes = [n.to_dict() for n in self.store.list_notes(tag=tag)]
            return Response(HTTPStatus.OK, {"notes": notes, "count": len(notes)})

        match = NOTE_PATH.match(path)
        if match:
            self._allow(method, ("GET", "DELETE"))
            note_id = int(match.group("id"))
            if method == "DELETE":
                if not self.store.delete(note_id):
                    raise HTTPError(HTTPStatus.NOT_FOUND, f"note {note_id} not found")
                return Response(HTTPStatus.NO_CONTENT)
            note = self.store.get(note_id)
            if note is None:
                raise HTTPError(HTTPStatus.NOT_FOUND, f"note {note_id} not found")
            return Response(HTTPStatus.OK, note.to_dict())

        raise HTTPError(HTTPStatus.NOT_FOUND, f"no route for {path}")

    def _create(self, environ: Environ) -> Response:
        payload = self._read_json(environ)
        try:
            note_input = validate_note(payload)
        except ValidationError as exc:
            raise HTTPError(
                HTTPStatus.UNPROCESSABLE_ENTITY, "validation failed", fields=exc.errors
            ) from exc
        note = self.store.add(note_input)
        return Response(
            HTTPStatus.CREATED,
            note.to_dict(),
            [("Location", f"/notes/{note.id}")],
        )

    @staticmethod
    def _allow(method: str, allowed: tuple[str, ...]) -> None:
        if method not in allowed:
            error = HTTPError(
                HTTPStatus.METHOD_NOT_ALLOWED, f"method {method} not allowed"
            )
            error.headers.append(("Allow", ", ".join(allowed)))
            raise error

    @staticmethod
    def _read_json(environ: Environ) -> Any:
        content_type = str(environ.get("CONTENT_TYPE", ""))
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise HTTPError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "expected application/json"
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from exc
        if length > MAX_REQUEST_BYTES:
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HTTPError(HTTPStatus.BAD_REQUEST, "invalid JSON body") from exc

    @staticmethod
    def _send(response: Response, start_response: StartResponse) -> list[bytes]:
        status_line = f"{response.status.value} {response.status.phrase}"
        headers = list(response.headers)
        if response.status == HTTPStatus.NO_CONTENT:
            start_response(status_line, headers + [("Content-Length", "0")])
            return []
        if response.text is not None:
            body = response.text.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        else:
            body = json.dumps(response.payload, sort_keys=True).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        headers += [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"),
        ]
        start_response(status_line, headers)
        return [body]


def create_app(store: NoteStore | None = None) -> NotesApp:
    return NotesApp(store)
