"""Shared Hypothesis strategies for inventories and factor sets."""

from __future__ import annotations

import hypothesis.strategies as st

import neutralcore as nc

SRC = nc.Source("Test publisher", "Hypothesis fixture (values are arbitrary but fixed)", 2024)

ACTIVITIES = ("electricity.grid", "fuel.diesel.stationary", "fuel.lpg.stationary")
REGIONS = ("VN", "CN-JS", "CN")
UNITS = {
    "electricity.grid": ("MWh", "kWh", "GJ"),
    "fuel.diesel.stationary": ("L", "m^3", "kg", "TJ"),
    "fuel.lpg.stationary": ("kg", "t", "GJ"),
}

quantities = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def activities(draw: st.DrawFn) -> nc.Activity:
    act = draw(st.sampled_from(ACTIVITIES))
    return nc.Activity(
        act,
        draw(quantities),
        draw(st.sampled_from(UNITS[act])),
        region=draw(st.sampled_from(REGIONS)),
        year=draw(st.integers(2023, 2024)),
        scope=2 if act.startswith("electricity") else 1,
        site=draw(st.sampled_from(("a", "b", "c", None))),
        category=draw(st.sampled_from(("x", "y", None))),
    )


activity_lists = st.lists(activities(), min_size=1, max_size=40)
