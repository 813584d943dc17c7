"""Pictures for notebooks: emissions by group and by gas, the trajectory against a target path, the MAC
curve with its interaction notes, and the neutrality balance as a waterfall.

matplotlib is an optional extra (``pip install 'neutralcore[plot]'``); it is
imported only when a plot is asked for.  Without it,
:class:`MissingDependencyError` (an :class:`ImportError` and a
:class:`~neutralcore.NeutralcoreError`) says what to install.
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Protocol, Sequence

import numpy as np

from neutralcore._core.charts import Groups, axes, plot_gases, plot_groups, require_matplotlib, save
from neutralcore.errors import MissingDependencyError
from neutralcore.measure.basis import Scope, scope2_method

__all__ = ["MissingDependencyError", "require_matplotlib", "save", "plot_mac", "plot_trajectory", "plot_groups",
           "plot_gases", "plot_emissions", "plot_balance", "TargetPath", "Curve", "Columns", "Groups", "BalanceLike",
           "EmissionsLike"]


class TargetPath(Protocol):
    """A target path: a :class:`~neutralcore.Target`, or anything with a ``name`` and ``value(year)``."""

    @property
    def name(self) -> str: ...
    def value(self, year: int) -> float: ...


class Columns(Protocol):
    """A table by column name (a :class:`~neutralcore.Trajectory`), with a ``title``."""

    @property
    def title(self) -> str | None: ...
    def __getitem__(self, name: str) -> Any: ...


class Curve(Protocol):
    """A MAC curve (:class:`~neutralcore.MacCurve`): rows as dicts, its year, currency and discount rate."""

    year: int
    currency: str
    discount_rate: float

    def __iter__(self) -> Iterator[dict[str, Any]]: ...


def plot_mac(curve: Curve, ax: Any = None) -> Any:
    """Draw a MAC curve: bar widths = annual abatement, heights = cost per tonne, cheapest first.

    Levers without a cost per tonne (no abatement) are listed in the legend title, not drawn.
    """
    ax = axes(ax)
    x = 0.0
    skipped = []
    colours = ["#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#264653", "#8ab17d", "#b56576", "#6d597a"]
    for i, row in enumerate(curve):
        width, height = row["abatement_t"], row["cost_per_t"]
        if not (width > 0) or height is None or not math.isfinite(height):
            skipped.append(row["lever"])
            continue
        ax.bar(x, height, width=width, align="edge", color=colours[i % len(colours)], edgecolor="black", linewidth=0.5,
               label=f"{row['lever']}: {height:,.0f} {curve.currency}/t, {width:,.0f} t/yr")
        x += width
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Abatement (t CO2e/yr, cumulative; sequential)")
    ax.set_ylabel(f"Cost ({curve.currency}/t CO2e)")
    ax.set_title(f"MAC curve {curve.year} (discount rate {curve.discount_rate:.1%})")
    if x > 0:
        ax.set_xlim(0, x * 1.02)
    ax.legend(fontsize="small", title=("not drawn (no abatement): " + ", ".join(skipped)) if skipped else None,
              title_fontsize="small")
    notes = list(getattr(curve, "notes", ()))
    if notes:  # how the levers interact: the sequential figures depend on the order
        ax.text(0.0, -0.12, "\n".join(notes), transform=ax.transAxes, fontsize="x-small", va="top", wrap=True)
    return ax


def plot_trajectory(trajectory: Columns, *, basis: str = "location", target: TargetPath | None = None, ax: Any = None,
                    scopes: Sequence[Scope] = (1, 2, 3), net: bool = False) -> Any:
    """Stacked emissions of *scopes* per year, removals below zero, and the target path if given.

    Only the scopes the target covers should be stacked against it, and a net
    target is compared with the net line (emissions of *scopes* minus removals),
    which is drawn when *net* is true.
    """
    basis = scope2_method(basis, column="basis")
    ax = axes(ax)
    years = np.asarray(trajectory["year"])
    s2 = "scope2_" + basis
    columns = {1: ("scope1", "scope 1", "#264653"), 2: (s2, f"scope 2 ({basis}-based)", "#2a9d8f"),
               3: ("scope3", "scope 3", "#e9c46a")}
    chosen = [columns[s] for s in sorted(set(scopes))]
    layers = [np.asarray(trajectory[c], dtype=float) for c, _, _ in chosen]
    ax.stackplot(years, *layers, labels=[label for _, label, _ in chosen], colors=[c for _, _, c in chosen],
                 alpha=0.85)
    removals = np.asarray(trajectory["removals_t"], dtype=float)
    if removals.any():
        ax.bar(years, -removals, color="#8ab17d", label="removals (reported separately)")
    if net:
        ax.plot(years, np.sum(layers, axis=0) - removals, color="black", linewidth=1.5,
                label="net of removals (what the target compares)")
    if target is not None:
        path = np.array([target.value(int(y)) for y in years], dtype=float)
        ax.plot(years, path, color="#e76f51", linestyle="--", linewidth=2, label=f"target: {target.name}")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Year")
    ax.set_ylabel("t CO2e/yr")
    ax.set_title(trajectory.title or "Trajectory")
    ax.legend(fontsize="small")
    return ax


class BalanceLike(Protocol):
    """A neutrality balance (:class:`~neutralcore.claim.Balance`)."""

    @property
    def subject(self) -> str: ...
    @property
    def E(self) -> float: ...
    @property
    def R(self) -> float: ...
    @property
    def residual(self) -> float: ...
    @property
    def C(self) -> float: ...
    @property
    def shortfall(self) -> float: ...
    @property
    def surplus(self) -> float: ...


def plot_balance(balance: BalanceLike, ax: Any = None) -> Any:
    """The neutrality balance as a waterfall: E, minus removals R, the residual, minus credits C, what is left.

    Credits are drawn beside the footprint, never as a cut of it: the last bar is the
    shortfall (red) or the surplus (green, below zero), which cannot be carried over.
    """
    ax = axes(ax)
    steps = [("E (emissions)", 0.0, balance.E, "#264653"),
             ("- R (removals)", balance.E - balance.R, balance.R, "#8ab17d"),
             ("E - R (residual)", 0.0, balance.residual, "#2a9d8f"),
             ("- C (credits)", balance.residual - balance.C, balance.C, "#e9c46a")]
    left = balance.shortfall if balance.shortfall > 0 else -balance.surplus
    steps.append(("shortfall" if left > 0 else "surplus", min(0.0, left), abs(left),
                  "#e76f51" if left > 0 else "#8ab17d"))
    for i, (label, base, height, colour) in enumerate(steps):
        ax.bar(i, height, bottom=base, color=colour, edgecolor="black", linewidth=0.5)
        ax.text(i, base + height, f"{height:,.0f}", ha="center", va="bottom", fontsize="small")
    ax.set_xticks(range(len(steps)), [s[0] for s in steps], fontsize="small")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("t CO2e")
    ax.set_title(f"Neutrality balance: {balance.subject} (credits do not reduce the footprint)")
    return ax


class EmissionsLike(Protocol):
    """What :func:`plot_emissions` reads of an :class:`~neutralcore.Emissions`."""

    gwp: str
    gases: tuple[str, ...]

    def by(self, *dims: str, gases: bool = True) -> Any: ...
    def plot(self, *dims: str, gases: bool = False, ax: Any = None) -> Any: ...


def plot_emissions(emissions: EmissionsLike, *dims: str, gases: bool = False, ax: Any = None) -> Any:
    """Bars of an emissions result by *dims* (default ``scope``); with *gases*, stacked by gas in t CO2e
    (:meth:`Emissions.plot <neutralcore.Emissions.plot>`).

    >>> plot_emissions(res, "site")               # doctest: +SKIP
    >>> plot_emissions(res, "scope", gases=True)  # doctest: +SKIP
    """
    return emissions.plot(*dims, gases=gases, ax=ax)
