from typing import Any

import pytest

from app.models import (
    MAX_BODY_LENGTH,
    MAX_TAGS,
    MAX_TITLE_LENGTH,
    Note,
    NoteInput,
    ValidationError,
    normalize_tags,
    validate_note,
)

pytestmark = pytest.mark.unit


def test_validate_note_normalises_title_and_tags() -> None:
    note = validate_note(
        {"title": "  Buy milk ", "body": "2L", "tags": ["Home", "home"]}
    )
    assert note == NoteInput(title="Buy milk", body="2L", tags=("home",))


def test_validate_note_defaults_body_and_tags() -> None:
    assert validate_note({"title": "x"}) == NoteInput(title="x", body="", tags=())


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 42}, "title"),
        ({"title": "t" * (MAX_TITLE_LENGTH + 1)}, "title"),
        ({"title": "ok", "body": 1}, "body"),
        ({"title": "ok", "body": "b" * (MAX_BODY_LENGTH + 1)}, "body"),
        ({"title": "ok", "tags": "work"}, "tags"),
        ({"title": "ok", "tags": [1]}, "tags"),
        ({"title": "ok", "tags": ["no spaces"]}, "tags"),
        ({"title": "ok", "owner": "me"}, "fields"),
    ],
)
def test_validate_note_rejects_bad_input(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_note(payload)
    assert field in info.value.errors
    assert field in str(info.value)


def test_validate_note_rejects_non_object() -> None:
    with pytest.raises(ValidationError) as info:
        validate_note(["title"])
    assert info.value.errors == {"body": "expected a JSON object"}


def test_normalize_tags_limits_count() -> None:
    tags, error = normalize_tags([f"t{i}" for i in range(MAX_TAGS + 1)])
    assert tags == ()
    assert error == f"at most {MAX_TAGS} tags"


def test_normalize_tags_accepts_none() -> None:
    assert normalize_tags(None) == ((), None)


def test_note_to_dict_is_json_friendly() -> None:
    note = Note(
        id=3, title="t", body="b", tags=("a", "b"), created_at="2024-01-01T00:00:00Z"
    )
    assert note.to_dict() == {
        "id": 3,
        "title": "t",
        "body": "b",
        "tags": ["a", "b"],
        "created_at": "2024-01-01T00:00:00Z",
    }
