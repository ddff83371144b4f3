"""Note model and input validation (mirrored by frontend/src/notes.ts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 10_000
MAX_TAGS = 10
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class ValidationError(ValueError):
    """Raised when a client sends a note that does not satisfy the rules."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class NoteInput:
    """A validated, normalised note as sent by a client."""

    title: str
    body: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Note:
    """A stored note."""

    id: int
    title: str
    body: str
    tags: tuple[str, ...]
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "created_at": self.created_at,
        }


def normalize_tags(raw: Any) -> tuple[tuple[str, ...], str | None]:
    """Lower-case, trim and de-duplicate tags; return (tags, error)."""
    if raw is None:
        return (), None
    if not isinstance(raw, list):
        return (), "must be a list of strings"
    tags: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            return (), "must be a list of strings"
        tag = item.strip().lower()
        if not TAG_PATTERN.match(tag):
            return (), f"invalid tag {item!r} (use a-z, 0-9 and '-', max 32)"
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        return (), f"at most {MAX_TAGS} tags"
    return tuple(tags), None


def validate_note(payload: Any) -> NoteInput:
    """Validate a decoded JSON payload and return a normalised NoteInput."""
    if not isinstance(payload, dict):
        raise ValidationError({"body": "expected a JSON object"})

    errors: dict[str, str] = {}

    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = "is required"
    elif len(title.strip()) > MAX_TITLE_LENGTH:
        errors["title"] = f"at most {MAX_TITLE_LENGTH} characters"

    body = payload.get("body", "")
    if not isinstance(body, str):
        errors["body"] = "must be a string"
    elif len(body) > MAX_BODY_LENGTH:
        errors["body"] = f"at most {MAX_BODY_LENGTH} characters"

    tags, tag_error = normalize_tags(payload.get("tags"))
    if tag_error is not None:
        errors["tags"] = tag_error

    unknown = sorted(set(payload) - {"title", "body", "tags"})
    if unknown:
        errors["fields"] = "unknown field(s): " + ", ".join(unknown)

    if errors:
        raise ValidationError(errors)

    return NoteInput(title=str(title).strip(), body=str(body), tags=tags)
