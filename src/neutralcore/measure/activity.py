"""``Activity``: one row of an inventory, validated on construction."""

from __future__ import annotations

from typing import Any, Mapping

import attrs

from neutralcore._core.validators import FrozenMap, activity_key, finite_nonneg, optional_str, region_code, scope_int, year_int
from neutralcore.errors import InputError
from neutralcore.units import parse_unit

__all__ = ["Activity", "RESERVED_COLUMNS"]

RESERVED_COLUMNS = ("activity", "quantity", "unit", "region", "year", "scope", "category", "site")


def _unit(value: Any) -> str:
    parse_unit(value)
    return str(value).strip()


def _tags(value: Mapping[str, Any] | None) -> Mapping[str, str]:
    if value is None:
        return FrozenMap()
    if not isinstance(value, Mapping):
        raise InputError(f"tags must be a mapping of dimension -> label, got {type(value).__name__}", column="tags")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or not k.isidentifier() or k in RESERVED_COLUMNS:
            raise InputError(f"tag name {k!r} must be an identifier and not one of {RESERVED_COLUMNS}", column="tags")
        out[k] = str(v)
    return FrozenMap(out)


@attrs.frozen
class Activity:
    """One activity: a quantity of something done, where, when and in which scope.

    Parameters
    ----------
    activity : str
        Dotted key matched against factors, e.g. ``"electricity.grid"``.
    quantity : float
        Finite and non-negative.
    unit : str
        Any unit pint knows (``"MWh"``, ``"L"``, ``"kg"``, ``"t*km"``).
    region, year, scope
        Region code, year of the activity, GHG Protocol scope (1, 2 or 3).
    category, site : str, optional
        Scope 3 category or any category label; site name.
    tags : mapping, optional
        Extra grouping dimensions, e.g. ``{"business_unit": "north"}``.

    Examples
    --------
    >>> Activity("electricity.grid", 1200, "MWh", region="VN", year=2023, scope=2).quantity
    1200.0
    """

    activity: str = attrs.field(converter=activity_key)
    quantity: float = attrs.field(converter=finite_nonneg)
    unit: str = attrs.field(converter=_unit)
    region: str = attrs.field(kw_only=True, converter=region_code)
    year: int = attrs.field(kw_only=True, converter=year_int)
    scope: int = attrs.field(kw_only=True, converter=scope_int)
    category: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    site: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    tags: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, converter=_tags)
