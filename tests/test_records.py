"""The one record description behind ``Offset.to_dict``, ``Retirement.to_dict`` and the JSON claim report's credits."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace as NS

from hypothesis import given
from hypothesis import strategies as st

from neutralcore._core.records import Nested, RecordSpec, json_texts

values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(),
    st.dates(), st.lists(st.integers(), max_size=3),
)
INNER = RecordSpec(("a", "a"), ("b", lambda o: o.b))
OUTER = RecordSpec(("x", "x"), ("inner", Nested(INNER, "inner")), ("y", "y"))


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


@given(st.lists(st.tuples(values, values, values, values, st.booleans()), max_size=30))
def test_encode_many_writes_what_json_dumps_writes_of_to_dict(rows: list[tuple]) -> None:
    objs = [NS(x=x, y=y, inner=NS(a=a, b=b) if present else None) for x, y, a, b, present in rows]
    assert OUTER.encode_many(objs) == [dumps(OUTER.to_dict(o)) for o in objs]


def test_one_true_and_one_point_zero_keep_their_own_texts() -> None:
    """1, 1.0 and True are one dict key in Python; each keeps its JSON text."""
    assert json_texts([1, 1.0, True, None, dt.date(2024, 1, 2), "é"]) == ["1", "1.0", "true", "null", '"2024-01-02"',
                                                                         '"é"']


def test_offset_and_retirement_dicts_are_unchanged(tmp_path) -> None:
    from neutralcore.offsets import Offset, Period, Retirement

    off = Offset.from_serial("9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0",
                             kind="avoidance", issuance_date="2020-06-01")
    assert off.to_dict() == {
        "programme": "Verra VCS", "programme_name": None, "project_id": "1060", "project_name": None, "country": "US",
        "methodology": None, "kind": "avoidance", "removal_type": None, "permanence_years": None,
        "buffer_fraction": None, "vintage_start": "2019-01-01", "vintage_end": "2019-12-31",
        "serial_start": 115597313, "serial_end": 115618057, "quantity": 20745,
        "serial": "9660-115597313-115618057-VCS-VCU-261-VER-US-14-1060-01012019-31122019-0",
        "issuance_date": "2020-06-01", "retirement_date": None, "beneficiary": None, "host_authorised": None,
        "corresponding_adjustment": "unknown", "verifier": None,
    }
    assert Offset.from_dict(off.to_dict()) == off
    r = Retirement(id=7, offset=off, subject="Acme", period=Period.year(2024), beneficiary="Acme",
                   retired_on=dt.date(2025, 3, 1))
    assert list(r.to_dict()) == ["id", "subject", "period_start", "period_end", "beneficiary", "retired_on", "reason",
                                 "ledger", "quantity", "offset"]
    assert r.to_dict()["offset"] == off.to_dict()
