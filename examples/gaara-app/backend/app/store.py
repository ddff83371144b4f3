"""Thread-safe in-memory note storage."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone

from app.models import Note, NoteInput


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class NoteStore:
    """Keeps notes in a dict guarded by a lock (the HTTP server is threaded)."""

    def __init__(self, clock: Callable[[], str] = utc_now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._notes: dict[int, Note] = {}
        self._next_id = 1

    def add(self, note_input: NoteInput) -> Note:
        with self._lock:
            note = Note(
                id=self._next_id,
                title=note_input.title,
                body=note_input.body,
                tags=note_input.tags,
                created_at=self._clock(),
            )
            self._notes[note.id] = note
            self._next_id += 1
            return note

    def get(self, note_id: int) -> Note | None:
        with self._lock:
            return self._notes.get(note_id)

    def list_notes(self, tag: str | None = None) -> list[Note]:
        with self._lock:
            notes = sorted(self._notes.values(), key=lambda n: n.id)
        if tag is not None:
            notes = [n for n in notes if tag in n.tags]
        return notes

    def delete(self, note_id: int) -> bool:
        with self._lock:
            return self._notes.pop(note_id, None) is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._notes)
