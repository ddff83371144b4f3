import re

import pytest

from app.models import NoteInput
from app.store import NoteStore, utc_now

pytestmark = pytest.mark.unit


def fixed_clock() -> str:
    return "2024-01-01T00:00:00Z"


def test_add_assigns_increasing_ids() -> None:
    store = NoteStore(clock=fixed_clock)
    first = store.add(NoteInput(title="a"))
    second = store.add(NoteInput(title="b"))
    assert (first.id, second.id) == (1, 2)
    assert first.created_at == "2024-01-01T00:00:00Z"
    assert len(store) == 2


def test_get_and_delete() -> None:
    store = NoteStore(clock=fixed_clock)
    note = store.add(NoteInput(title="a"))
    assert store.get(note.id) == note
    assert store.delete(note.id) is True
    assert store.get(note.id) is None
    assert store.delete(note.id) is False


def test_list_filters_by_tag_and_keeps_order() -> None:
    store = NoteStore(clock=fixed_clock)
    store.add(NoteInput(title="a", tags=("work",)))
    store.add(NoteInput(title="b", tags=("home",)))
    store.add(NoteInput(title="c", tags=("work", "urgent")))
    assert [n.title for n in store.list_notes()] == ["a", "b", "c"]
    assert [n.title for n in store.list_notes(tag="work")] == ["a", "c"]
    assert store.list_notes(tag="missing") == []


def test_utc_now_is_iso8601_utc() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", utc_now())
