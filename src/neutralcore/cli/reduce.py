"""``neutralcore scenario`` and ``neutralcore mac``: a scenario TOML file to a trajectory, its gap and a MAC curve.

The file's format is described in ``docs/cli.md``; ``examples/scenario.toml`` is a worked one.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Sequence

from neutralcore.cli.config import Config, ConfigSection
from neutralcore.cli.inputs import read_instruments, read_inventory
from neutralcore.cli.output import Document, Fact, emit
from neutralcore.errors import NeutralcoreError

if TYPE_CHECKING:
    from neutralcore.levers import Lever
    from neutralcore.measure import FactorSet
    from neutralcore.reduce import Scenario, Target

__all__ = ["ScenarioFile", "read_scenario", "scenario", "mac", "add_parsers"]

_TOP = ("name", "inventory", "factors", "gwp", "growth", "grid_factor_path", "grid_activity", "entity", "instruments",
        "vintage_window", "output", "output_growth", "start", "end", "levers", "target", "mac")
_LEVER_KEYS = ("kind", "start", "costs")
_COST_KEYS = ("capex", "lifetime", "opex_delta", "savings", "prices", "currency")
_TARGET_KEYS = ("type", "name", "base_year", "base_emissions", "target_year", "reduction", "ambition", "pack", "pledge",
                "scopes", "scope2", "net", "metric")
_MAC_KEYS = ("year", "discount_rate", "scope2")


class ScenarioFile:
    """A scenario TOML file read and checked: the scenario, its levers, target and MAC settings."""

    def __init__(self, path: str) -> None:
        from neutralcore.registry import resolve_factors

        self.config = Config(path)
        top = self.config.section()
        top.check_keys(_TOP)
        self.top = top
        self.path = path
        self.inventory_path = top.path_value("inventory", required=True)
        assert self.inventory_path is not None
        self.inventory = _located(top, "inventory", lambda: read_inventory(self.inventory_path))  # type: ignore[arg-type]
        spec = top.get("factors", (str, list), "neutralcore:vietnam,neutralcore:china,neutralcore:ipcc")
        if isinstance(spec, list):
            if not all(isinstance(s, str) for s in spec):
                raise top.error("factors", "must be pack names or paths (strings)")
            spec = ",".join(spec)
        spec = ",".join(str(self.config.resolve(s)) if ("/" in s or s.endswith(".csv")) else s
                        for s in (p.strip() for p in spec.split(",")) if s)
        self.factors_spec = spec
        self.factors: FactorSet = _located(top, "factors", lambda: resolve_factors(spec))
        years = sorted(set(self.inventory.year.tolist()))
        self.start: int = top.get("start", int, years[0] if years else None)
        self.end: int = top.get("end", int, 2050)
        if self.start is None:
            raise top.error("inventory", "the inventory has no rows")
        self.levers = [self._lever(s) for s in top.tables("levers")]
        self.target_section = top.table("target")
        self.mac_section = top.table("mac")
        if self.mac_section is not None:
            self.mac_section.check_keys(_MAC_KEYS)

    def _lever(self, s: ConfigSection) -> tuple["Lever", int | None]:
        from neutralcore.levers import Costs, Lever, LeverSet
        from neutralcore.registry import load

        kind = s.get("kind", str, required=True)
        plugin = _located(s, "kind", lambda: load("levers", kind))
        if isinstance(plugin, Lever):
            raise s.error("kind", f"lever {kind!r} is a configured lever; a scenario file needs a lever kind")
        assert isinstance(plugin, LeverSet)
        if len(plugin) != 1 or not isinstance(plugin.levers[0], type):
            raise s.error("kind", f"lever set {kind!r} holds {len(plugin)} levers ({', '.join(plugin.names)}); "
                                  "name one kind")
        cls = plugin.levers[0]
        params = {k: v for k, v in s.data.items() if k not in _LEVER_KEYS}
        costs = s.table("costs")
        if costs is not None:
            costs.check_keys(_COST_KEYS)
            params["costs"] = _located(costs, None, lambda: Costs(**costs.data))
        start = s.get("start", int)

        def make() -> Lever:
            factory = getattr(cls, "from_factors", None)
            if factory is not None and not any(k.endswith(("_ncv", "_density")) for k in params):
                return factory(self.factors, **params)  # type: ignore[no-any-return]
            return cls(**params)

        try:
            return make(), start
        except TypeError as exc:  # an unknown or missing parameter
            raise s.error(None, f"lever {kind!r}: TypeError: {exc}") from exc
        except NeutralcoreError as exc:
            raise s.error(_culprit(exc, params), f"lever {kind!r}: {type(exc).__name__}: {exc}") from exc

    def scenario(self, levers: bool = True) -> "Scenario":
        from neutralcore.reduce import Scenario

        top = self.top
        kw: dict[str, Any] = {}
        if "growth" in top:
            kw["growth"] = top.get("growth", (float, dict))
        if "grid_factor_path" in top:
            path = top.get("grid_factor_path", dict)
            kw["grid_factor_path"] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in path.items()}
        for key, kind in (("grid_activity", str), ("entity", str), ("gwp", str), ("name", str),
                          ("output", (float, dict)), ("output_growth", float), ("vintage_window", (int, list))):
            if key in top:
                value = top.get(key, kind)
                kw[key] = tuple(value) if isinstance(value, list) else value
        if "instruments" in top:
            ins = top.path_value("instruments")
            kw["instruments"] = _located(top, "instruments", lambda: read_instruments(ins))  # type: ignore[arg-type]
        kw.setdefault("name", self.config.path.stem)
        return _located(top, None, lambda: Scenario(self.inventory, self.levers if levers else [], factors=self.factors,
                                                    base_year=self.start, **kw))

    def target(self, sc: "Scenario") -> "Target | None":
        from neutralcore.reduce import Target

        s = self.target_section
        if s is None:
            return None
        s.check_keys(_TARGET_KEYS)
        kind = s.get("type", str, required=True)
        if kind not in ("sbti", "absolute", "intensity", "national"):
            raise s.error("type", f"unknown target type {kind!r}; use sbti, absolute, intensity or national")
        national = kind == "national"
        scopes = tuple(s.get("scopes", list, [1, 2, 3] if national else [1, 2]))
        scope2 = s.get("scope2", str, "location")
        net = s.get("net", bool, national)
        base_year = s.get("base_year", int, self.start)
        if "base_emissions" in s:
            base = s.get("base_emissions", float)
        elif kind == "intensity":
            base = _located(s, None, lambda: sc.year(base_year).total(scope2, scopes=scopes, net=net) / sc.metric(base_year))
        else:
            base = _located(s, None, lambda: sc.year(base_year).total(scope2, scopes=scopes, net=net))
        kw: dict[str, Any] = {"scopes": scopes, "scope2": scope2, "net": net}
        if "name" in s:
            kw["name"] = s.get("name", str)

        def make() -> Target:
            if national:
                return Target.national(s.get("pack", str, required=True), s.get("pledge", str), base_year=base_year,
                                       base_emissions=base, **kw)
            ty = s.get("target_year", int, required=True)
            if kind == "sbti":
                return Target.sbti(base_year, base, ty, s.get("ambition", str, "1.5C"), **kw)
            reduction = s.get("reduction", float, required=True)
            if kind == "intensity":
                return Target.intensity(base_year, base, ty, reduction, metric=s.get("metric", str, required=True), **kw)
            return Target.absolute(base_year, base, ty, reduction, **kw)

        return _located(s, None, make)


def _culprit(exc: BaseException, params: dict[str, Any]) -> str | None:
    """The parameter an error names, if it names one of *params*."""
    for name in (getattr(exc, "field", None), getattr(exc, "parameter", None), getattr(exc, "column", None)):
        if isinstance(name, str) and name in params:
            return name
    text = str(exc)
    return next((k for k in params if f"{k!r}" in text or f" {k} " in text), None)


def _located(section: ConfigSection, key: str | None, make: Any) -> Any:
    """``make()``, with a neutralcore error raised again naming the file, key and line."""
    try:
        return make()
    except NeutralcoreError as exc:
        if getattr(exc, "file", None) == str(section.config.path):
            raise
        raise section.error(key, f"{type(exc).__name__}: {exc}") from exc


def read_scenario(path: str) -> ScenarioFile:
    """Read and check a scenario TOML file (see ``docs/cli.md``)."""
    return ScenarioFile(path)


def scenario(args: argparse.Namespace) -> int:
    """``neutralcore scenario SCENARIO.toml``: the trajectory, the target's gap and, with ``--plot``, a picture."""
    sf = read_scenario(args.file)
    sc = sf.scenario()
    end = args.end if args.end is not None else sf.end
    traj = _located(sf.top, "end", lambda: sc.trajectory(sf.start, end))
    target = sf.target(sc)
    facts = [
        Fact("scenario", "Scenario", sc.name),
        Fact("inventory", "Inventory", str(sf.inventory_path)),
        Fact("factors", "Factors", sf.factors_spec),
        Fact("years", "Years", [sf.start, end], f"{sf.start}-{end}"),
        Fact("levers", "Levers", [f"{lv.name} from {s or sf.start}" for lv, s in sc.levers],
             "; ".join(f"{lv.name} from {s or sf.start}" for lv, s in sc.levers) or "none"),
    ]
    tables: list[Any] = [("trajectory", traj)]
    notes = [f"Scope 2: {d}" for d in traj.disclosures]
    if target is not None:
        gap = _located(sf.target_section, None, lambda: sc.gap(target))  # type: ignore[arg-type]
        last = gap.row(len(gap) - 1) if len(gap) else None
        facts.append(Fact("target", "Target", target.name, f"{target.name} ({target.method})" if target.method else None))
        if last is not None:
            g = last["gap"]
            facts.append(Fact("gap_t", "Gap", g, f"{abs(g):,.3f} t CO2e {'above' if g > 0 else 'below'} the path in "
                                              f"{last['year']}" if g == g else f"no target path in {last['year']}",
                              headline=True))
            facts.append(Fact("on_track", "On track", gap.on_track,
                              "yes" if gap.on_track else f"no: above the path in {', '.join(map(str, gap.years_above))}",
                              headline=True))
        tables.append(("gap", gap))
        if target.citation:
            notes.append(f"Target source: {target.citation}")
    if args.plot:
        _save(lambda: sc.plot(target=target, start=sf.start, end=max(end, target.target_year if target else end)),
              args.plot)
        notes.append(f"Plot written to {args.plot}")
    emit(Document(f"Scenario {sc.name}", facts, tables, notes), args.format, args.output)
    return 0


def mac(args: argparse.Namespace) -> int:
    """``neutralcore mac SCENARIO.toml``: the MAC curve of the file's levers (``[mac]``: year, discount rate)."""
    from neutralcore.reduce import mac_curve

    sf = read_scenario(args.file)
    s = sf.mac_section
    year = s.get("year", int, sf.start) if s is not None else sf.start
    rate = s.get("discount_rate", float, None) if s is not None else None
    if args.discount_rate is not None:
        rate = args.discount_rate
    if rate is None:
        raise sf.config.error(("mac",), "missing key 'mac.discount_rate' (or give --discount-rate)")
    scope2 = s.get("scope2", str, "location") if s is not None else "location"
    if not sf.levers:
        raise sf.config.error(("levers",), "a MAC curve needs at least one [[levers]] entry with costs")
    base = sf.scenario(levers=False)
    curve = _located(s or sf.top, None, lambda: mac_curve(base, [lv for lv, _ in sf.levers], year, rate, scope2=scope2))
    facts = [
        Fact("scenario", "Scenario", base.name),
        Fact("year", "Year", year),
        Fact("discount_rate", "Discount", rate, f"{rate:.1%}"),
        Fact("currency", "Currency", curve.currency),
        Fact("scope2_basis", "Scope 2", curve.scope2, f"{curve.scope2}-based"),
        Fact("baseline_t", "Baseline", curve.baseline_t, f"{curve.baseline_t:,.3f} t CO2e in {year}"),
        Fact("total_abatement_t", "Abatement", curve.total_abatement, f"{curve.total_abatement:,.3f} t CO2e/yr",
             headline=True),
    ]
    notes = list(curve.notes)
    if args.plot:
        _save(curve.plot, args.plot)
        notes.append(f"Plot written to {args.plot}")
    emit(Document(f"MAC curve of {base.name}, {year}", facts, [("mac", curve)], notes), args.format, args.output)
    return 0


def _save(draw: Any, path: str) -> None:
    from neutralcore.plotting import save

    save(draw(), path)


def add_parsers(sub: Any, common: Sequence[argparse.ArgumentParser]) -> None:
    """The subcommands of this module, on the ``neutralcore`` parser's subparsers *sub*."""
    sc = sub.add_parser("scenario", parents=common, help="a scenario file's trajectory and its gap to the target",
                        description="Project a scenario TOML file (inventory, levers with parameters, growth, years, "
                                    "target; see docs/cli.md) and print the trajectory and the gap to the target.")
    sc.add_argument("file", help="scenario TOML file")
    sc.add_argument("--end", type=int, default=None, help="last year (default: the file's end, else 2050)")
    sc.add_argument("--plot", metavar="PNG", default=None, help="also draw the trajectory against the target path to PNG")
    sc.set_defaults(func=scenario)

    mc = sub.add_parser("mac", parents=common, help="the MAC curve of a scenario file's levers",
                        description="The marginal abatement cost curve of the levers of a scenario TOML file, "
                                    "against its baseline in the [mac] year (see docs/cli.md).")
    mc.add_argument("file", help="scenario TOML file (its [[levers]] need costs)")
    mc.add_argument("--discount-rate", type=float, default=None, help="overrides mac.discount_rate, e.g. 0.08")
    mc.add_argument("--plot", metavar="PNG", default=None, help="also draw the curve to PNG")
    mc.set_defaults(func=mac)
