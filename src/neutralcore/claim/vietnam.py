"""Viet Nam's GHG inventory obligation: is a facility obliged, which reports are due when, and its inventory report.

Sources (evidence in brackets):

* Decree 06/2022/NĐ-CP (7 January 2022) on GHG emission mitigation and ozone
  layer protection, Art. 5(1): the facilities that must carry out a GHG
  inventory are those emitting 3,000 t CO2e a year or more, or thermal power
  plants and industrial facilities, freight transport companies and
  commercial buildings using 1,000 TOE of energy a year or more, or solid
  waste treatment facilities of 65,000 t a year of capacity or more [S2+:
  Enviliance (report 5473), VietReader, Giant Barb]; amended by Decree
  119/2025/NĐ-CP (in force 1 August 2025) [S2+: the consolidated text at
  atld.vn, LuatVietnam].
* The list itself is the Prime Minister's: Decision 01/2022/QĐ-TTg (18 January
  2022, 1,912 facilities), updated by Decision 13/2024/QĐ-TTg (13 August 2024,
  in force 1 October 2024, 2,166 facilities), updated every two years [S2+:
  VnEconomy, TCVN, Bao Nghe An].
* Art. 11(4): every two years the listed facilities (a) give the activity data
  of the year before the reporting period to their sector ministry before
  31 March (from 2023) and (b) carry out a facility-level inventory and report
  it every two years from 2024 on Form 06 of Appendix II [S2+: LawNet's
  translation, CIC].  The day of (b)'s submission was not confirmed in the
  texts read (and Decree 119/2025 amended the article), so it is not given.

The criteria say who should be listed; the Decision says who is.  A facility
meeting a criterion but not yet listed is expected at the next update.

Examples
--------
>>> f = Facility("Binh Duong Plastics", "industry", emissions=4_200, energy_toe=650, listed=False)
>>> o = inventory_obligation(f)
>>> o.obliged, o.met
(True, ('emissions of 3,000 t CO2e a year or more',))
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import attrs

from neutralcore._core.table import Table, markdown_escape
from neutralcore.claim.reading import EmissionsResult, factors_used
from neutralcore.errors import InputError
from neutralcore.gwp import gwp_label

__all__ = ["Facility", "InventoryObligation", "inventory_obligation", "inventory_report", "SECTORS",
           "EMISSIONS_THRESHOLD", "ENERGY_THRESHOLD_TOE", "WASTE_THRESHOLD"]

Sector = Literal["thermal power", "industry", "freight transport", "commercial building", "solid waste", "other"]
SECTORS: tuple[Sector, ...] = ("thermal power", "industry", "freight transport", "commercial building", "solid waste",
                               "other")

#: Decree 06/2022/NĐ-CP Art. 5(1) thresholds.
EMISSIONS_THRESHOLD = 3_000.0   # t CO2e a year
ENERGY_THRESHOLD_TOE = 1_000.0  # TOE a year (thermal power, industry, freight transport, commercial buildings)
WASTE_THRESHOLD = 65_000.0      # t a year of solid-waste treatment capacity

_DECREE = "Decree 06/2022/NĐ-CP (7 January 2022), Art. 5(1), as amended by Decree 119/2025/NĐ-CP"
_READ = "per secondary summaries that agree (Enviliance, VietReader)"
_LIST = ("Decision 13/2024/QĐ-TTg (13 August 2024, in force 1 October 2024), updating Decision 01/2022/QĐ-TTg "
         "(18 January 2022)")
_ART11 = "Decree 06/2022/NĐ-CP, Art. 11(4), per LawNet's English translation and CIC's summary"


def _opt_number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError(f"{name} must be a number, got {value!r}", column=name)
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number, got {value!r}", column=name) from exc
    if not math.isfinite(x) or x < 0:
        raise InputError(f"{name} must be a finite number >= 0, got {value!r}", column=name)
    return x


def _sector(value: Any) -> Sector:
    key = " ".join(str(value).strip().lower().replace("_", " ").split())
    if key not in SECTORS:
        raise InputError(f"unknown sector {value!r}; use one of {', '.join(SECTORS)}", column="sector")
    return key  # type: ignore[return-value]


@attrs.frozen
class Facility:
    """A facility in Viet Nam, with the figures the inventory obligation reads.

    Parameters
    ----------
    name : str
    sector : {"thermal power", "industry", "freight transport", "commercial building", "solid waste", "other"}
    emissions : float, optional
        t CO2e a year.
    energy_toe : float, optional
        Energy use, tonnes of oil equivalent a year.
    waste_capacity : float, optional
        Solid-waste treatment capacity, t a year.
    listed : bool, optional
        Whether the facility is in the Prime Minister's list (``None``: not known).
    province : str, optional
    """

    name: str = attrs.field(converter=lambda v: str(v).strip())
    sector: Sector = attrs.field(converter=_sector)
    emissions: float | None = attrs.field(default=None, kw_only=True, converter=lambda v: _opt_number(v, "emissions"))
    energy_toe: float | None = attrs.field(default=None, kw_only=True, converter=lambda v: _opt_number(v, "energy_toe"))
    waste_capacity: float | None = attrs.field(default=None, kw_only=True, converter=lambda v: _opt_number(v, "waste_capacity"))
    listed: bool | None = attrs.field(default=None, kw_only=True)
    province: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise InputError("a facility needs a name", column="name")


@attrs.frozen
class InventoryObligation:
    """Whether a facility must carry out a GHG inventory, on which criteria, and the reports due."""

    facility: Facility
    obliged: bool
    met: tuple[str, ...]
    criteria: Table = attrs.field(repr=False)
    reports: Table = attrs.field(repr=False)
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        head = f"{self.facility.name}: {'obliged' if self.obliged else 'not obliged'} to carry out a GHG inventory"
        return "\n\n".join([head, self.criteria.to_text(max_rows=None), self.reports.to_text(max_rows=None),
                            *self.notes])


def inventory_obligation(facility: Facility, *, first_period: int = 2024) -> InventoryObligation:
    """Check *facility* against Decree 06/2022/NĐ-CP Art. 5(1) and the Prime Minister's list.

    *first_period* is the first two-year reporting period's first year (2024 under Art. 11(4)).

    Raises
    ------
    InputError
        When *facility* is not a :class:`Facility`.
    """
    if not isinstance(facility, Facility):
        raise InputError(f"inventory_obligation needs a Facility, got {type(facility).__name__}", column="facility")
    f = facility
    energy_sector = f.sector in ("thermal power", "industry", "freight transport", "commercial building")
    rows = [
        ("emissions of 3,000 t CO2e a year or more", EMISSIONS_THRESHOLD, f.emissions, "t CO2e/yr", True),
        (f"energy use of 1,000 TOE a year or more ({f.sector})", ENERGY_THRESHOLD_TOE, f.energy_toe, "TOE/yr",
         energy_sector),
        ("solid-waste treatment capacity of 65,000 t a year or more", WASTE_THRESHOLD, f.waste_capacity, "t/yr",
         f.sector == "solid waste"),
    ]
    met: list[str] = []
    table_rows = []
    for text, threshold, value, unit, applies in rows:
        if not applies:
            status = "not applicable to the sector"
        elif value is None:
            status = "not known"
        elif value >= threshold:
            status = "met"
            met.append(text)
        else:
            status = "not met"
        table_rows.append((text, threshold, value, unit, status, f"{_DECREE}, {_READ}"))
    criteria = Table.from_rows(("criterion", "threshold", "value", "unit", "status", "source"), table_rows,
                               title=f"GHG inventory criteria: {f.name}")
    notes = []
    if f.listed:
        obliged = True
        notes.append(f"listed in {_LIST}: obliged")
    elif met:
        obliged = True
        notes.append(f"not (yet) listed, but meets {len(met)} criterion(s): expect inclusion in the list's update "
                     f"(every two years), and prepare the inventory now")
    else:
        obliged = False
        unknown = [r[0] for r in table_rows if r[4] == "not known"]
        notes.append("meets no criterion" + (f"; not known: {', '.join(unknown)}" if unknown else "")
                     + (" and is not listed" if f.listed is False else ""))
    p = int(first_period)
    reports = Table.from_rows(
        ("report", "form", "due", "source"),
        [("activity data of the year before the reporting period, to the sector ministry", "per the ministry's "
          "guidance", "before 31 March, every two years from 2023", _ART11 + ", (4)(a)"),
         (f"facility-level GHG inventory report, {p}-{p + 1} period (every two years)", "Form 06, Appendix II",
          "every two years from 2024; the day of submission was not confirmed in the texts read",
          _ART11 + ", (4)(b); Decree 119/2025/NĐ-CP amended the article")] if obliged else [],
        title="Reports due")
    return InventoryObligation(f, obliged, tuple(met), criteria, reports, tuple(notes))


def inventory_report(emissions: EmissionsResult, facility: Facility, *, period: str, format: str = "markdown") -> str:
    """A facility-level inventory report of *emissions*: Markdown, HTML or JSON.

    Its sections follow the structure the inventory report forms of Decree 06/2022/NĐ-CP's
    Appendix II share, as far as read (Form 01: general description — organisation of the
    inventory, methodology, activity data and emission factors, uncertainty, QA/QC — then the
    results); Form 06's own headings were not read, so check them before filing.  Section III names
    each factor's kind (what the number is, e.g. the combined margin of CDM Tool 07 for the grid) beside
    its source.

    Raises
    ------
    InputError
        An unknown *format*.
    """
    fmt = str(format).lower()
    if fmt not in ("markdown", "html", "json"):
        raise InputError(f"unknown report format {format!r}; use markdown, html or json", column="format")
    em: Any = emissions
    by_activity = em.by("activity", "unit")
    per_gas = em.per_gas()
    matches = em.matches.summary()
    info = Table.from_rows(("field", "value"), [
        ("facility", facility.name), ("sector", facility.sector), ("province", facility.province or "—"),
        ("reporting period", period), ("listed", {True: "yes", False: "no", None: "not known"}[facility.listed]),
        ("GWP set", gwp_label(em.gwp)), ("scope 2 method", em.scope2_method),
        ("total", f"{em.total():,.2f} t CO2e"),
    ], title="I. General information")
    kinds = {(f.activity, f.region, f.year, f.unit, f.pack): f.kind for f in factors_used(em)}
    factors = Table({"activity": matches["activity"], "region": matches["region_used"],
                     "year": matches["year_used"], "fallback": matches["fallback"],
                     "kind": [kinds.get((a, r, y, u, p or ""), "") or "not stated" for a, r, y, u, p in
                              zip(matches["activity"], matches["region_used"], matches["year_used"], matches["unit"],
                                  matches["pack"])],
                     "source": matches["source"]},
                    title="III. Emission factors used")
    sections = [
        ("I. General information", info),
        ("II. Methodology", "Activity data × emission factors × GWP100 (IPCC), per source; factors and their "
                            "sources in section III."),
        ("III. Activity data", Table({"activity": by_activity["activity"], "unit": by_activity["unit"],
                                      "co2e_t": by_activity["co2e_t"]}, title="III. Activity data and emissions")),
        ("III. Emission factors", factors),
        ("IV. Results by gas", per_gas),
        ("V. Uncertainty", "Not assessed in this report (see Emissions.uncertainty() where factors carry it)."),
        ("VI. Quality control", "Reproducible with the run's factor lockfile (Emissions.lock)."),
    ]
    if fmt == "json":
        def part(x: Any) -> Any:
            return x.to_dicts() if isinstance(x, Table) else x
        return json.dumps({"facility": facility.name, "period": period, "total_t": float(em.total()),
                           "sections": {name: part(body) for name, body in sections}}, ensure_ascii=False,
                          default=float, indent=2)
    title = f"GHG inventory report: {facility.name}, {period}"
    if fmt == "markdown":
        out = [f"# {markdown_escape(title)}"]
        for name, body in sections:
            out.append(f"## {markdown_escape(name)}")
            out.append(body.to_markdown(title="") if isinstance(body, Table) else markdown_escape(body))
        return "\n\n".join(out) + "\n"
    import html

    parts = [f"<h1>{html.escape(title)}</h1>"]
    for name, body in sections:
        parts.append(f"<h2>{html.escape(name)}</h2>")
        parts.append(body.to_html(max_rows=None, title="") if isinstance(body, Table) else f"<p>{html.escape(body)}</p>")
    return "\n".join(parts)
