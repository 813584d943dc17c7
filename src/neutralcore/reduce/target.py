"""Targets: the paths a scenario is measured against, and the gap between them.

:class:`Target` draws target paths in t CO2e (or intensity units): absolute
contraction (linear, as SBTi's rates are, or compound at a fixed annual rate),
the SBTi near-term rates (:data:`SBTI`), intensity per unit of output (with the
output series, the absolute path it implies), the sectoral decarbonisation
approach on a pathway the user supplies, and the national pledges shipped in
the country packs' metadata, each with its citation.  :meth:`Target.values`
gives the path's real shape year by year; :meth:`Target.validate` checks it
against a framework, rule by rule (:mod:`neutralcore.reduce.targetcheck`).
:class:`Gap` is what :meth:`neutralcore.Scenario.gap` returns.

Examples
--------
>>> t = Target.sbti(2020, 100_000, 2030)
>>> round(t.value(2030), 6), round(t.value(2027), 6)
(58000.0, 70600.0)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, cast

import attrs
import numpy as np

from neutralcore._core.display import shorten, view_html, view_text
from neutralcore._core.table import Table
from neutralcore._core.validators import FrozenMap, optional_str
from neutralcore.errors import ScenarioError
from neutralcore.measure.basis import SCOPES, Scope, Scope2Method, scope2_method
from neutralcore.measure.factor import Source
from neutralcore.packs import FactorPack
from neutralcore.reduce.inputs import finite, interpolate, year_of

if TYPE_CHECKING:  # the checking module reads targets by duck type; only the annotation is imported here
    from neutralcore.reduce.targetcheck import TargetValidation

__all__ = ["Target", "Gap", "Shape", "SBTI", "SBTI_SOURCE"]

#: SBTi absolute-contraction rates (share of base-year emissions per year, linear).
SBTI: Mapping[str, float] = {"1.5C": 0.042, "well-below-2C": 0.025}
SBTI_SOURCE = Source(
    "Science Based Targets initiative (SBTi)",
    "Corporate Net-Zero Standard v1.x (2021-2024), near-term criteria: absolute contraction approach, minimum 4.2 % of "
    "base-year emissions per year (1.5 °C) and 2.5 % per year (well-below 2 °C), linear",
    2021,
    note="Read from secondary summaries that agree (SBTi launch text, community sources); the Standard's v2 (2026) was "
         "not read. Linear: required reduction = rate x (target year - base year), not compounded.",
)


#: How a target's path falls between its ends.
Shape = Literal["linear", "compound", "pathway"]


def _series(value: Any) -> FrozenMap | None:
    """``{year: value}`` (or pairs) as a read-only map of int years to finite floats >= 0."""
    if value is None:
        return None
    items = value.items() if isinstance(value, Mapping) else value
    out: dict[int, float] = {}
    for y, v in items:
        x = finite(v, f"series value for {y}")
        if x < 0:
            raise ScenarioError(f"series value {x:g} for {y} is negative", field="series")
        out[year_of(y, "series year")] = x
    if not out:
        raise ScenarioError("a series needs at least one year", field="series")
    return FrozenMap(sorted(out.items()))


def _coverage(inst: Any, attr: Any, value: float) -> None:
    if not 0 < value <= 1:
        raise ScenarioError(f"Target.coverage {value!r} must be a fraction in (0, 1] (share of the scopes' emissions "
                            "inside the target boundary)", field="coverage")


class Gap(Table):
    """Year by year: the scenario, the target path and how far the scenario is above it.

    ``gap`` is scenario minus target (positive = above the target path);
    years where the target sets no constraint (before a pledge's peak year)
    have no gap.
    """

    target: "Target"

    @property
    def years_above(self) -> list[int]:
        return [y for y, a in zip(self["year"], self["above"]) if a]

    @property
    def on_track(self) -> bool:
        return not self.years_above


def _reduction(inst: Any, attr: Any, value: float) -> None:
    if not 0 <= value <= 1:
        raise ScenarioError(f"Target.{attr.name} {value!r} must be between 0 and 100 % (a fraction)")


def _scopes(value: int | Iterable[int]) -> tuple[Scope, ...]:
    items = (value,) if isinstance(value, int) else tuple(value)
    out: list[Scope] = []
    for s in items:
        if s not in SCOPES:
            raise ScenarioError(f"target scopes must be 1, 2 or 3, got {s!r}")
        out.append(cast(Scope, int(s)))
    return tuple(sorted(set(out)))


@attrs.frozen
class Target:
    """A target path: ``value(year)`` in t CO2e (or intensity units), linear between its ends.

    The path is ``base_value`` at the year it starts declining (``start_year``,
    default the base year) and falls linearly to ``base_value x (1 - reduction)``
    at ``target_year``, then stays there.  Before ``start_year`` a target with a
    ``start_year`` sets no constraint (``nan``; a pledge's peak year).

    Build one with :meth:`absolute`, :meth:`sbti`, :meth:`intensity` or
    :meth:`national`.

    Examples
    --------
    >>> t = Target.sbti(2020, 100_000, 2030)
    >>> round(t.value(2030), 6), round(t.value(2027), 6)
    (58000.0, 70600.0)
    """

    name: str
    base_year: int = attrs.field(converter=lambda v: year_of(v, "base year"))
    base_value: float = attrs.field(converter=lambda v: finite(v, "base value"))
    target_year: int = attrs.field(converter=lambda v: year_of(v, "target year"))
    reduction: float = attrs.field(converter=lambda v: finite(v, "reduction"), validator=_reduction)
    kind: str = attrs.field(default="absolute", kw_only=True)
    scopes: tuple[Scope, ...] = attrs.field(default=(1, 2), kw_only=True, converter=_scopes)
    scope2: Scope2Method = attrs.field(default="location", kw_only=True, converter=scope2_method)
    start_year: int | None = attrs.field(default=None, kw_only=True,
                                         converter=attrs.converters.optional(lambda v: year_of(v, "start year")))
    net: bool = attrs.field(default=False, kw_only=True)
    metric: str | None = attrs.field(default=None, kw_only=True, converter=optional_str)
    method: str = attrs.field(default="", kw_only=True)
    source: Source | None = attrs.field(default=None, kw_only=True)
    citation: str | None = attrs.field(default=None, kw_only=True)
    #: ``"linear"`` (share of the base value per year), ``"compound"`` (a fixed rate on the year before) or
    #: ``"pathway"`` (the sectoral decarbonisation approach's convergence on :attr:`pathway`).
    shape: Shape = attrs.field(default="linear", kw_only=True)
    #: The year the target is submitted for validation (SBTi's 5-10 year window runs from it).
    submission_year: int | None = attrs.field(
        default=None, kw_only=True, converter=attrs.converters.optional(lambda v: year_of(v, "submission year")))
    #: Share of the emissions of :attr:`scopes` inside the target boundary (SBTi's coverage criteria).
    coverage: float = attrs.field(default=1.0, kw_only=True, converter=lambda v: finite(v, "coverage"),
                                  validator=_coverage)
    #: For an intensity target: the output (its denominator, in :attr:`metric`) per year.
    output: Mapping[int, float] | None = attrs.field(default=None, kw_only=True, converter=_series)
    #: For ``shape="pathway"``: the sector's published intensity pathway per year, supplied by the user.
    pathway: Mapping[int, float] | None = attrs.field(default=None, kw_only=True, converter=_series)

    def __attrs_post_init__(self) -> None:
        if self.target_year <= self.base_year:
            raise ScenarioError(f"target {self.name!r}: target year {self.target_year} is not after its base year "
                                f"{self.base_year}")
        if self.base_value < 0:
            raise ScenarioError(f"target {self.name!r}: base value {self.base_value:g} is negative")
        if self.kind not in ("absolute", "intensity"):
            raise ScenarioError(f"target kind {self.kind!r} must be 'absolute' or 'intensity'")
        if self.kind == "intensity" and not self.metric:
            raise ScenarioError("an intensity target needs metric= (its denominator, e.g. 't product')")
        if self.shape not in ("linear", "compound", "pathway"):
            raise ScenarioError(f"target shape {self.shape!r} must be 'linear', 'compound' or 'pathway'", field="shape")
        if self.shape == "pathway":
            if self.kind != "intensity" or not self.pathway:
                raise ScenarioError("a pathway target is an intensity target with pathway= (the sector's intensity "
                                    "per year)", field="pathway")
            end = max(self.pathway)
            if self.target_year > end or self.base_year < min(self.pathway):
                raise ScenarioError(f"the pathway covers {min(self.pathway)}-{end}; it must span the base year "
                                    f"{self.base_year} and the target year {self.target_year}", field="pathway")
        if self.shape == "compound" and self.reduction >= 1:
            raise ScenarioError("a compound path never reaches a 100 % cut; use shape='linear'", field="reduction")
        s = self.start_year
        if s is not None and not self.base_year <= s < self.target_year:
            raise ScenarioError(f"target {self.name!r}: start year {s} must be between the base year {self.base_year} "
                                f"and the target year {self.target_year}")

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def absolute(cls, base_year: int, base_emissions: float, target_year: int, reduction: float, **kw: Any) -> "Target":
        """Absolute target: *reduction* (fraction) of base-year emissions by *target_year*, linear path."""
        kw.setdefault("method", f"linear from {base_year} to a {float(reduction):.1%} cut in {target_year}")
        return cls(kw.pop("name", f"-{float(reduction):.0%} by {target_year}"), base_year, base_emissions, target_year,
                   reduction, **kw)

    @classmethod
    def sbti(cls, base_year: int, base_emissions: float, target_year: int, ambition: str = "1.5C",
             **kw: Any) -> "Target":
        """SBTi absolute contraction: 4.2 %/yr (``"1.5C"``) or 2.5 %/yr (``"well-below-2C"``) of base-year emissions, linear.

        Required reduction = rate x (target year - base year), never compounded.
        """
        if ambition not in SBTI:
            raise ScenarioError(f"SBTi ambition {ambition!r} must be one of {tuple(SBTI)}")
        by, ty = year_of(base_year, "base year"), year_of(target_year, "target year")
        if ty <= by:
            raise ScenarioError(f"target year {ty} is not after the base year {by}")
        rate = SBTI[ambition]
        reduction = rate * (ty - by)
        if reduction > 1:
            raise ScenarioError(
                f"{rate:.1%}/yr over {ty - by} years is {reduction:.0%}, more than 100 %: SBTi near-term targets span "
                "5-10 years; for a long-term target use Target.absolute(..., reduction=0.9)"
            )
        kw.setdefault("method", f"SBTi absolute contraction, {rate:.1%} of {by} emissions per year, linear")
        kw.setdefault("source", SBTI_SOURCE)
        return cls(kw.pop("name", f"SBTi {ambition} ({rate:.1%}/yr linear)"), by, base_emissions, ty, reduction, **kw)

    @classmethod
    def compound(cls, base_year: int, base_emissions: float, target_year: int, annual_rate: float,
                 **kw: Any) -> "Target":
        """Absolute target falling by *annual_rate* (fraction) of the previous year's level each year.

        The cut by the target year is ``1 - (1 - annual_rate) ** years``; SBTi's minimum rates are linear
        (:meth:`sbti`), so a compound 4.2 % a year is less than SBTi's 4.2 % (validation compares the cut).

        >>> round(Target.compound(2020, 100_000, 2030, 0.042).value(2030), 2)
        65111.11
        """
        r = finite(annual_rate, "annual rate")
        if not 0 < r < 1:
            raise ScenarioError(f"annual rate {r!r} must be a fraction between 0 and 1", field="annual_rate")
        by, ty = year_of(base_year, "base year"), year_of(target_year, "target year")
        reduction = 1.0 - (1.0 - r) ** (ty - by)
        kw.setdefault("method", f"compound, {r:.1%} of the previous year's emissions per year from {by}")
        return cls(kw.pop("name", f"-{r:.1%}/yr compound to {ty}"), by, base_emissions, ty, reduction,
                   shape="compound", **kw)

    @classmethod
    def intensity(cls, base_year: int, base_intensity: float, target_year: int, reduction: float, *, metric: str,
                  output: Mapping[int, float] | None = None, **kw: Any) -> "Target":
        """Intensity target: t CO2e per unit of *metric* (e.g. ``"t product"``), linear path.

        *output* (``{year: units of metric}``) gives the absolute emissions the path allows
        (:meth:`absolute_value`), which validation compares with the absolute minimum ambition.
        """
        kw.setdefault("method", f"intensity per {metric}, linear to a {float(reduction):.1%} cut in {target_year}")
        return cls(kw.pop("name", f"-{float(reduction):.0%} t CO2e/{metric} by {target_year}"), base_year,
                   base_intensity, target_year, reduction, kind="intensity", metric=metric, output=output, **kw)

    @classmethod
    def sda(cls, base_year: int, base_intensity: float, target_year: int, pathway: Mapping[int, float], *,
            metric: str, output: Mapping[int, float] | None = None, **kw: Any) -> "Target":
        """Sectoral decarbonisation approach: the company's intensity converges on a sector *pathway*.

        *pathway* is the sector's intensity per year (same unit as *base_intensity*), from a published
        source the user supplies (and names in ``source=``); neutralcore ships none.  The company path is
        ``I(t) = (I_c(b) - I_s(end)) x p(t) + I_s(end)`` with ``p(t) = (I_s(t) - I_s(end)) / (I_s(b) -
        I_s(end))``, ``end`` the pathway's last year (SBTi, Sectoral Decarbonization Approach, 2015,
        convergence of intensities), without the market-share term (taken as 1).

        >>> t = Target.sda(2020, 1.0, 2030, {2020: 0.8, 2030: 0.5, 2050: 0.1}, metric="t cement")
        >>> round(t.value(2030), 4), round(t.reduction, 4)
        (0.6143, 0.3857)
        """
        by, ty = year_of(base_year, "base year"), year_of(target_year, "target year")
        path = _series(pathway)
        base = finite(base_intensity, "base intensity")
        assert path is not None
        end = max(path)
        if by < min(path) or ty > end:
            raise ScenarioError(f"the pathway covers {min(path)}-{end}; it must span the base year {by} and the target "
                                f"year {ty}", field="pathway")
        target = _converge(base, path, by, ty)
        reduction = 1.0 - target / base if base > 0 else 0.0
        kw.setdefault("method", f"sectoral decarbonisation approach: intensity per {metric} converging on the "
                                f"supplied pathway by {end}")
        return cls(kw.pop("name", f"SDA {metric} to {ty}"), by, base, ty, min(max(reduction, 0.0), 1.0),
                   kind="intensity", metric=metric, shape="pathway", pathway=path, output=output, **kw)

    @classmethod
    def national(cls, pack: str | FactorPack, pledge: str | None = None, *, base_year: int, base_emissions: float,
                 **kw: Any) -> "Target":
        """A national pledge shipped in a country pack's metadata, as a DERIVED path, with its citation.

        The pledges set end points, not paths.  The path drawn here is DERIVED:
        no constraint before the pledge's peak year (if it names one), then a
        straight line from the base-year emissions to net zero in the pledge
        year.  Net-zero and neutrality pledges compare emissions net of
        removals (``net=True``).

        Where the pledge names a peak year, the line runs from *base_emissions*
        in the peak year to zero: with the base year's own emissions that is
        stricter than "peak by" if emissions still grow until then, so pass the
        expected peak level as *base_emissions* to anchor the path there.  The
        path covers every gas of the chosen scopes, even where the pledge names
        CO2 only (China's peak): both readings are stated in ``method``.

        *pack* is a pack name (loaded through the registry) or a
        :class:`~neutralcore.packs.FactorPack`.
        """
        fp = _load_pack(pack)
        pledges = dict(getattr(fp, "pledges", None) or fp.metadata.get("pledges", {}))
        if not pledges:
            raise ScenarioError(f"pack {fp.name!r} ships no pledges in its metadata")
        if pledge is None:
            usable = [k for k, p in pledges.items() if "neutrality_before" in p or "net zero" in str(p.get("target", ""))]
            if len(usable) != 1:
                raise ScenarioError(f"pack {fp.name!r} ships pledges {sorted(pledges)}; name one with pledge=")
            pledge = usable[0]
        if pledge not in pledges:
            raise ScenarioError(f"pack {fp.name!r} has no pledge {pledge!r}; it has {sorted(pledges)}")
        p = pledges[pledge]
        if "neutrality_before" in p:
            target_year = int(p["neutrality_before"])
            start = int(p["peak_before"]) if "peak_before" in p else None
            reading = (f"'peak before {start}' read as: no constraint before {start}; 'neutrality before "
                       f"{target_year}' read as net zero in {target_year}") if start else ""
        elif "net zero" in str(p.get("target", "")) and "target_year" in p:
            target_year = int(p["target_year"])
            start = int(p["emissions_peak_year"]) if "emissions_peak_year" in p else None
            reading = f"emissions peak in {start}: no constraint before {start}" if start else ""
        else:
            raise ScenarioError(
                f"pledge {pledge!r} of pack {fp.name!r} ({p.get('target')}) is not a net-zero or neutrality end point "
                "that neutralcore can draw as a path; build a Target.absolute for it"
            )
        by = year_of(base_year, "base year")
        if start is not None and start < by:
            start = None
        announced = str(p.get("announced", ""))
        year = int(announced[:4]) if announced[:4].isdigit() else int(p.get("document_year", by))
        citation = "; ".join(str(x) for x in (p.get("announcement"), p.get("document"), p.get("publisher"), p.get("url"))
                             if x)
        if p.get("document"):  # the publisher named is the document's, not the announcement's
            year = int(p.get("document_year", year))
        source = Source(str(p.get("publisher") or fp.name), str(p.get("document") or p.get("announcement") or pledge),
                        year, url=p.get("url"), note=p.get("note"))
        method = (f"DERIVED path for the pledge '{p.get('target')}': straight line from {by} emissions to net zero in "
                  f"{target_year}" + (f"; {reading}" if reading else "") + ". The pledge sets the end point, not the path"
                  + (f". From {start} the line starts at the base-year level, which is stricter than a peak if "
                     f"emissions grow until {start}: pass the expected peak level as base_emissions= to anchor there"
                     if start else "")
                  + ". The path covers every gas of the chosen scopes, whatever gases the pledge names.")
        kw.setdefault("scopes", (1, 2, 3))
        kw.setdefault("net", True)
        return cls(kw.pop("name", f"{fp.name}: {p.get('target')}"), by, base_emissions, target_year, 1.0,
                   start_year=start, method=method, source=source, citation=citation, **kw)

    # -- the path ----------------------------------------------------------------------------

    def value(self, year: int) -> float:
        """The target path in *year* (``nan`` before the base year or before ``start_year``)."""
        y = int(year)
        s = self.start_year if self.start_year is not None else self.base_year
        if y < s:
            return math.nan
        if y >= self.target_year:
            return self.base_value * (1.0 - self.reduction)
        if self.shape == "compound":
            return self.base_value * (1.0 - self.reduction) ** ((y - s) / (self.target_year - s))
        if self.shape == "pathway":
            assert self.pathway is not None
            return _converge(self.base_value, self.pathway, self.base_year, y)
        return self.base_value * (1.0 - self.reduction * (y - s) / (self.target_year - s))

    def values(self, years: Iterable[int], *, hold: bool = False) -> np.ndarray:
        """The path in each of *years*, following its real shape (linear, compound or pathway).

        ``nan`` where the target sets no constraint: before its base (or start) year and, unless
        *hold*, after its target year: a 2030 target says nothing about 2040, so it is not drawn
        flat to 2050.  What plots and gaps over a range use.

        >>> Target.sbti(2020, 100_000, 2030).values([2019, 2025, 2030, 2040]).round(1).tolist()
        [nan, 79000.0, 58000.0, nan]
        """
        ys = [int(y) for y in years]
        return np.array([math.nan if (y > self.target_year and not hold) else self.value(y) for y in ys], dtype=float)

    def absolute_value(self, year: int) -> float:
        """t CO2e the path allows in *year*: the path itself, or for an intensity target x its output.

        Raises
        ------
        ScenarioError
            For an intensity target without an output series (``field="output"``).
        """
        if self.kind != "intensity":
            return self.value(year)
        if not self.output:
            raise ScenarioError(f"intensity target {self.name!r} needs output= (its {self.metric} per year) for "
                                "absolute emissions", field="output")
        return self.value(year) * interpolate(self.output, int(year))

    def absolute_reduction(self) -> float:
        """The cut of absolute emissions from the base year to the target year (fraction)."""
        if self.kind != "intensity":
            return self.reduction
        base = self.absolute_value(self.base_year)
        return 1.0 - self.absolute_value(self.target_year) / base if base > 0 else 0.0

    def validate(self, framework: str = "SBTi near-term", *, by_scope: Mapping[int, float],
                 submission_year: int | None = None, others: Iterable["Target"] = ()) -> "TargetValidation":
        """Check this target (with *others* of the same company) against *framework*, rule by rule.

        See :func:`neutralcore.reduce.targetcheck.validate_targets`.
        """
        from neutralcore.reduce.targetcheck import validate_targets

        return validate_targets((self, *others), framework=framework, by_scope=by_scope,
                                submission_year=submission_year)

    def _view(self) -> tuple[str, list[tuple[str, str]]]:
        unit = f"t CO2e/{self.metric}" if self.kind == "intensity" else "t CO2e"
        scopes = ", ".join(map(str, self.scopes))
        facts = [
            ("path", f"{self.base_value:,.2f} {unit} in {self.base_year} to {self.value(self.target_year):,.2f} "
                     f"in {self.target_year} (-{self.reduction:.1%})"),
            ("covers", f"scopes {scopes}, scope 2 {self.scope2}-based, " + ("net of removals" if self.net
                                                                            else "removals not netted")),
        ]
        if self.source is not None:
            facts.append(("source", shorten(self.source, 100)))
        return f"Target: {self.name} ({self.kind})", facts

    def __repr__(self) -> str:
        return view_text(*self._view())

    def _repr_html_(self) -> str:
        return view_html(*self._view())

    def path(self, start: int | None = None, end: int | None = None) -> Table:
        """The path year by year, as a table."""
        a = self.base_year if start is None else int(start)
        b = self.target_year if end is None else int(end)
        years = list(range(a, b + 1))
        return Table({"year": years, "target": [self.value(y) for y in years]}, title=f"Target path: {self.name}")


def _converge(base: float, pathway: Mapping[int, float], base_year: int, year: int) -> float:
    """The sectoral decarbonisation approach's company intensity in *year* (market-share term taken as 1)."""
    end = max(pathway)
    s_end, s_base, s_y = pathway[end], interpolate(pathway, base_year), interpolate(pathway, year)
    if s_base == s_end:
        return s_end
    return (base - s_end) * (s_y - s_end) / (s_base - s_end) + s_end


def _load_pack(pack: str | FactorPack) -> FactorPack:
    if isinstance(pack, str):
        from neutralcore.registry import load

        pack = load("factors", pack)
    if not isinstance(pack, FactorPack):
        raise ScenarioError(f"pack must be a pack name or a FactorPack, got {type(pack).__name__}")
    return pack
