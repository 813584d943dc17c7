"""Bar charts of a group table, matplotlib loaded only when one is drawn (the ``plot`` extra).

Domain-free: a table of label columns and ``co2e_t`` / ``<gas>_t`` columns (what ``Emissions.by`` returns).
:mod:`neutralcore.plotting` re-exports these beside the domain plots.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np

from neutralcore.errors import MissingDependencyError

__all__ = ["require_matplotlib", "axes", "save", "Groups", "plot_groups", "plot_gases"]


def require_matplotlib() -> Any:
    """Return ``matplotlib.pyplot``, or raise :class:`MissingDependencyError` naming the extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependencyError(
            "plotting needs matplotlib, which is not installed: pip install 'neutralcore[plot]'",
            package="matplotlib", extra="plot",
        ) from exc
    return plt


def axes(ax: Any) -> Any:
    plt = require_matplotlib()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 5))
    return ax


def save(ax: Any, path: str) -> None:
    """Write the figure of *ax* (an Axes, or a Figure) to *path* (format by extension, e.g. ``.png``) and close it."""
    plt = require_matplotlib()
    fig = getattr(ax, "figure", ax)
    try:
        fig.savefig(path, dpi=100, bbox_inches="tight")
    except OSError as exc:
        from neutralcore.errors import InputError

        raise InputError(f"cannot write the plot to {path}: {exc.strerror or exc}", source=str(path)) from exc
    finally:
        plt.close(fig)


class Groups(Protocol):
    """A group table (:meth:`Emissions.by`): label columns, then ``co2e_t`` and ``<gas>_t`` columns, a title."""

    @property
    def title(self) -> str | None: ...
    @property
    def columns(self) -> tuple[str, ...]: ...
    def __getitem__(self, name: str) -> Any: ...
    def __len__(self) -> int: ...


def _labels(table: Groups) -> tuple[list[str], list[str]]:
    keys = [c for c in table.columns if not c.endswith("_t")]
    rows = [" / ".join(str(table[k][i]) for k in keys) for i in range(len(table))]
    return keys, rows


def plot_groups(table: Groups, ax: Any = None) -> Any:
    """Horizontal bars of ``co2e_t`` per group of a :meth:`Emissions.by` table, largest on top."""
    ax = axes(ax)
    keys, rows = _labels(table)
    values = np.asarray(table["co2e_t"], dtype=float)
    order = np.argsort(values)
    ax.barh([rows[i] for i in order], values[order], color="#2a9d8f")
    for y, v in enumerate(values[order]):
        ax.text(v, y, f" {v:,.1f}", va="center", fontsize="small")
    ax.set_xlabel("t CO2e")
    ax.set_ylabel(", ".join(keys))
    ax.set_title(table.title or "Emissions by group")
    return ax


def plot_gases(table: Groups, weights: Sequence[float], gases: Sequence[str], ax: Any = None) -> Any:
    """Bars per group stacked by gas, each gas in t CO2e (its tonnes x its GWP in *weights*)."""
    ax = axes(ax)
    _keys, rows = _labels(table)
    bottom = np.zeros(len(table))
    colours = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#b56576", "#6d597a"]
    for j, (gas, w) in enumerate(zip(gases, weights)):
        part = np.asarray(table[f"{gas}_t"], dtype=float) * float(w)
        ax.bar(rows, part, bottom=bottom, label=f"{gas} (x {w:g})", color=colours[j % len(colours)])
        bottom += part
    ax.set_ylabel("t CO2e")
    ax.set_title((table.title or "Emissions") + ", by gas")
    ax.legend(fontsize="small")
    ax.tick_params(axis="x", labelrotation=30)
    return ax
