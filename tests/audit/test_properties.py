"""Properties of the chain: any sequence of events verifies; any single-field edit is named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kezek.audit import service

_table = service.EVENTS

_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40)
_short = st.text("abcdefghijklmnopqrstuvwxyz._-0123456789", min_size=1, max_size=30)
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
)
_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_short, inner, max_size=3)),
    max_leaves=8,
)
_event = st.fixed_dictionaries(
    {
        "actor": st.builds(service.Actor, st.sampled_from(["official", "citizen", "system", "api"]), _short),
        "action": _short,
        "object_type": _short,
        "object_id": st.one_of(st.integers(0, 10**12), _short),
        "kato": st.one_of(st.none(), st.from_regex(r"\A[0-9]{9}\Z")),
        "before": st.one_of(st.none(), st.dictionaries(_short, _json, max_size=4)),
        "after": st.one_of(st.none(), st.dictionaries(_short, _json, max_size=4)),
        "reason": st.one_of(st.none(), _text),
    }
)

EDITABLE = (
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "kato",
    "before",
    "after",
    "reason",
    "prev_hash",
    "hash",
)


def _changed(field: str, value: Any) -> Any:
    """A different value for the field, as someone editing the row by hand would write."""
    if field == "seq":
        return value + 1000
    if field == "occurred_at":
        return value + timedelta(microseconds=1)
    if field in {"prev_hash", "hash"}:
        return ("1" if value[0] == "0" else "0") + value[1:]
    if field == "kato":
        return "751000000" if value is None else value[:-1] + ("1" if value[-1] == "0" else "0")
    if field in {"before", "after"}:
        return {"edited": True} if value is None else {**value, "edited by hand": 1}
    if field == "reason":
        return "x" if value is None else value + "!"
    return value + "x"


_fast = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_fast
@given(events=st.lists(_event, min_size=1, max_size=6), data=st.data())
def test_any_sequence_verifies_and_any_single_edit_is_named(
    db: Session, events: list[dict[str, Any]], data: st.DataObject
) -> None:
    savepoint = db.begin_nested()
    try:
        for fields in events:
            service.record(db, **fields)
        result = service.verify(db)
        assert result.ok, result.first_break
        assert result.checked == len(events)

        seq = data.draw(st.integers(1, len(events)), label="edited event")
        field = data.draw(st.sampled_from(EDITABLE), label="edited field")
        current = db.execute(select(_table.c[field]).where(_table.c.seq == seq)).scalar_one()
        new = _changed(field, current)
        assert new != current
        db.execute(update(_table).where(_table.c.seq == seq).values({field: new}))

        result = service.verify(db)
        assert not result.ok, f"editing {field} of event {seq} went unnoticed"
        assert result.first_break is not None
        assert result.first_break.seq == seq, result.first_break
    finally:
        savepoint.rollback()
