"""``neutralcore report``, ``packs``, ``factors`` and ``pack check``: measuring, and the factor packs behind it."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

import numpy as np

from neutralcore._core.table import Table
from neutralcore.cli.inputs import read_instruments, read_inventory
from neutralcore.cli.output import Document, Fact, emit, table_of
from neutralcore.gwp import DEFAULT_GWP, GWP_SETS, gwp_label
from neutralcore.measure.basis import scope2_method

__all__ = ["DEFAULT_PACKS", "report", "packs", "factors", "pack_check", "add_parsers"]

#: The built-in packs, qualified by their distribution so that a third-party pack of the same name cannot
#: make the default ambiguous (it is still loaded through the registry, like any pack).
DEFAULT_PACKS = "neutralcore:vietnam,neutralcore:china,neutralcore:ipcc"


def _t(value: float) -> str:
    return f"{value:,.3f} t CO2e"


def _scope2_by_year(em: Any) -> dict[int, float]:
    table = em.by("year", "scope", gases=False)
    return {int(y): float(v) for y, s, v in zip(table["year"], table["scope"], table["co2e_t"]) if s == 2}


def report_document(args: argparse.Namespace) -> Document:
    """The emissions report of ``neutralcore report`` (see :func:`report`)."""
    from neutralcore.registry import resolve_factors

    inv = read_inventory(args.inventory)
    factors = resolve_factors(args.factors)
    if args.fallback is not None:
        factors = factors.with_fallback(args.fallback)
    basis = scope2_method(args.scope2 or "location", column="--scope2")
    instruments = read_instruments(args.instruments) if args.instruments else ()
    market = args.scope2 is not None or bool(instruments)
    res = inv.emissions(factors, gwp=args.gwp, strict=args.strict,
                        **({"scope2": basis, "instruments": instruments, "entity": args.entity} if market else {}))
    dims = [d.strip() for d in args.by.split(",") if d.strip()]
    by_year = res.by("year", gases=False)
    totals = {int(y): float(v) for y, v in zip(by_year["year"], by_year["co2e_t"])}
    if not totals:
        total_text = "0 t CO2e (no rows)"
    elif len(totals) == 1:
        (year, value), = totals.items()
        total_text = f"{_t(value)} ({year})"
    else:
        total_text = "; ".join(f"{_t(v)} in {y}" for y, v in totals.items()) + " (each year apart; years are never added)"
    n = len(inv)
    if market:
        basis_text = f"{basis}-based (--scope2 {basis}; both figures below)"
    else:
        basis_text = "location-based (grid-average factors; --scope2 market --instruments FILE for market-based)"
    facts = [
        Fact("inventory", "Inventory", str(args.inventory), f"{args.inventory} ({n:,} row{'s' if n != 1 else ''})"),
        Fact("factors", "Factors", str(args.factors), f"{args.factors} ({len(factors):,} factors)"),
        Fact("gwp", "GWP", gwp_label(res.gwp)),
        Fact("scope2_basis", "Scope 2", res.scope2_method, basis_text),
        Fact("fallback_order", "Fallback", factors.fallback,
             "the row's region first, then earlier years up the chain" if factors.fallback == "region"
             else "the row's year first, up the region chain (--fallback region to change)"),
        Fact("totals_t", "Total", {str(y): v for y, v in totals.items()}, total_text, headline=True),
    ]
    group = dims if "year" in dims else ["year", *dims]
    tables: list[tuple[str, Table]] = [("by", res.by(*group))]
    notes: list[str] = []
    if market and res.scope2 is not None:
        loc, mkt = _scope2_by_year(res.scope2.location), _scope2_by_year(res.scope2.market)
        years = sorted(set(loc) | set(mkt))
        tables.append(("scope2", Table({
            "year": years,
            "scope2_location_t": np.array([loc.get(y, 0.0) for y in years], dtype=float),
            "scope2_market_t": np.array([mkt.get(y, 0.0) for y in years], dtype=float),
        }, title="Scope 2 dual reporting (t CO2e)")))
        if len(res.scope2.instruments):
            tables.append(("instruments", res.scope2.instruments))
        notes += [f"Scope 2: {d}" for d in res.scope2.disclosures]
    summary = res.matches.summary()
    sources = list(dict.fromkeys(summary["source"]))
    ref = {src: f"[{i}]" for i, src in enumerate(sources, 1)}
    fb_rows = [i for i, kind in enumerate(summary["fallback"]) if kind != "exact"]
    facts.insert(-1, Fact("fallback_rows", "Fallbacks", res.matches.n_fallback_rows,
                      f"{res.matches.n_fallback_rows:,} row(s) used a fallback factor" if fb_rows
                      else "none: every row matched a factor for its own region and year"))
    if fb_rows:
        cols = ["activity", "region", "year", "region_used", "year_used", "fallback", "rows", "pack"]
        table = {c: [summary[c][i] for i in fb_rows] for c in cols}
        table["source"] = [ref[summary["source"][i]] for i in fb_rows]
        tables.append(("fallbacks", Table(table, title=f"{res.matches.n_fallback_rows:,} row(s) used a fallback factor")))
    for i, o in enumerate(summary["overrides"]):
        if o:
            notes.append(f"Factor for ({summary['activity'][i]}, {summary['region_used'][i]}, {summary['year_used'][i]}) "
                         f"taken from {summary['pack'][i]} over {o} (the later pack wins).")
    notes += ["Sources:", *(f"  {ref[s]} {s}" for s in sources)]
    return Document(f"Emissions of {args.inventory}", facts, tables, notes)


def report(args: argparse.Namespace) -> int:
    """``neutralcore report INVENTORY``: totals per year, the breakdown, the scope 2 basis, fallbacks and sources."""
    emit(report_document(args), args.format, args.output)
    return 0


def _num(value: float) -> str:
    """A factor value as published: no rounding, no trailing ``.0``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def packs(args: argparse.Namespace) -> int:
    """``neutralcore packs``: the installed factor packs and whether each loads (exit 1 if one does not)."""
    import warnings

    from neutralcore import registry
    from neutralcore.errors import PluginWarning

    with warnings.catch_warnings():
        # distributions with unreadable entry points are listed under the notes instead
        warnings.simplefilter("ignore", PluginWarning)
        infos = registry.list_packs()
        unreadable = registry.unreadable("factors")
        statuses = {}
        if not args.no_load:
            statuses = {(st.spec.name, st.spec.dist): st for st in registry.status("factors") if st.spec.name != "*"}
    if not infos and not unreadable:
        emit(Document("Factor packs", notes=["No factor packs are installed (entry-point group 'neutralcore.factors')."]),
             args.format, args.output)
        return 0
    header = ["name", "version", "distribution", "years", "regions", "activities"] + ([] if args.no_load else ["status"])
    rows, notes = [], []
    for info in infos:
        cov = info.coverage
        dist = f"{info.dist} {info.dist_version or ''}".strip() if info.dist else "(registered at run time)"
        row: list[Any] = [
            info.spec.qualified_name if info.conflicts else info.name,
            info.version or "?",
            dist,
            cov.year_span if cov else "?",
            len(cov.regions) if cov else "?",
            len(cov.activities) if cov else "?",
        ]
        if info.problem:
            notes.append(f"{info.spec.qualified_name}: {info.problem}")
        conflict = f"{info.name}: provided by {', '.join(info.conflicts)}; use the qualified name"
        if info.conflicts and conflict not in notes:
            notes.append(conflict)
        if not args.no_load:
            st = statuses.get((info.name, info.dist))
            if st is None or st.ok:
                row.append("ok")
            else:
                row.append(f"ERROR ({type(st.error).__name__})")
                notes.append(f"{info.spec.qualified_name}: {type(st.error).__name__}: {st.error}")
        rows.append(row)
    for err in unreadable:
        notes.append(f"{err.dist} {err.version or ''}".rstrip() + f": {err}")
    table = Table.from_rows(header, rows, right=["regions", "activities"])
    text: list[str] = [table.to_text(max_rows=None), ""] if rows else []
    titles: dict[str, str] = {}
    for info in infos:
        name = info.spec.qualified_name if info.conflicts else info.name
        if info.title and name not in titles:
            titles[name] = info.title + (f" — {info.description}" if info.description else "")
            text.append(f"{name}: {info.title}")
            if info.description:
                text.append(f"  {info.description}")
    if notes:
        text += ["", "Problems:", *(f"  {n}" for n in notes)]
    tables = [("packs", table)]
    if titles:
        tables.append(("titles", table_of(["pack", "title"], list(titles.items()), title="What each pack is")))
    emit(Document("Factor packs", tables=tables, notes=[f"Problem: {n}" for n in notes], text="\n".join(text)),
         args.format, args.output)
    broken = [st for st in statuses.values() if not st.ok]
    return 1 if broken or unreadable else 0


def factors(args: argparse.Namespace) -> int:
    """``neutralcore factors NAMES``: factors with their sources and kinds, and a region's fallback chain."""
    from neutralcore.registry import load_factors

    if args.coverage is not None:
        return coverage(args)
    if args.names is None:
        raise SystemExit("neutralcore factors: give pack NAMES, or --coverage REGION")
    fs = load_factors(args.names)
    sub = fs.where(activity=args.activity, region=args.region, year=args.year)
    criteria = ", ".join(f"{k} {v}" for k, v in (("activity", args.activity), ("region", args.region), ("year", args.year)) if v is not None)
    if not len(sub):
        print(f"Factors: {args.names} (0 of {len(fs)} factors{'; ' + criteria if criteria else ''})", file=sys.stderr)
        print("No factor matches.", file=sys.stderr)
        return 1
    rows_of = list(sub)
    gases = [g for g in sub.gases if any(g in f.gases for f in rows_of)]
    sources: dict = {}

    def ref(source: object) -> str:
        return f"[{sources.setdefault(source, len(sources) + 1)}]"

    rows = []
    for f in rows_of:
        row = [f.activity, f.region, f.year, f.unit] + [_num(f.gases[g]) if g in f.gases else "" for g in gases]
        row += [
            f"{_num(f.ncv.value)} {f.ncv.unit} {ref(f.ncv.source)}" if f.ncv else "",
            f"{_num(f.density.value)} {f.density.unit} {ref(f.density.source)}" if f.density else "",
            f.pack or "",
            f.confidence or "",
            ref(f.source),
        ]
        rows.append(row)
    header = ["activity", "region", "year", "unit"] + gases + ["ncv", "density", "pack", "conf", "source"]
    if not any(f.ncv or f.density for f in rows_of):
        header = header[:-5] + header[-3:]
        rows = [r[:-5] + r[-3:] for r in rows]
    table = Table.from_rows(header, rows, right=["year", *gases])
    headline = f"Factors: {args.names} ({len(sub)} of {len(fs)} factors{'; ' + criteria if criteria else ''})"
    text = [headline, table.to_text(max_rows=None)]
    notes = []
    if args.region is not None:
        chain = fs.region_chain(args.region)
        named = [f"{r} ({fs.regions[r][1]})" if r in fs.regions and fs.regions[r][1] else r for r in chain]
        if len(chain) > 1:
            notes.append(f"In a calculation, a {args.region} row uses the first of {', '.join(named)} that has a factor "
                         "for the row's year; if none has, the most specific one with an earlier year. "
                         "The report lists every fallback.")
            text += ["", notes[-1]]
    kinds = list(dict.fromkeys((f.activity, f.kind) for f in rows_of if f.kind))
    tables = [("factors", table)]
    if kinds:
        tables.append(("kinds", table_of(["activity", "what the factor is"], kinds, title="What the factors are")))
        text += ["", "What the factors are:", *(f"  {a}: {k}" for a, k in kinds)]
    text += ["", "Sources:"]
    for source, n in sources.items():
        text.append(f"  [{n}] {source}")
        if getattr(source, "note", None):
            text.append(f"      note: {source.note}")
    source_rows = [(f"[{n}]", str(s) + (f" (note: {s.note})" if getattr(s, "note", None) else "")) for s, n in sources.items()]
    tables.append(("sources", table_of(["ref", "source"], source_rows, title="Sources")))
    facts = [Fact("packs", "Factors", args.names, headline.removeprefix("Factors: "))]
    emit(Document(f"Factors of {args.names}", facts, tables, notes, text="\n".join(text)), args.format, args.output)
    return 0


def coverage(args: argparse.Namespace) -> int:
    """``neutralcore factors [NAMES] --coverage REGION [--year Y]``: what the packs cover for a region
    (:func:`neutralcore.measure.coverage`): per activity, where in the region's chain the factor comes from."""
    import neutralcore.measure as measure

    fn = getattr(measure, "coverage", None)
    if fn is None:
        print("neutralcore factors --coverage needs neutralcore.measure.coverage, which this version lacks",
              file=sys.stderr)
        return 2
    names = args.names or DEFAULT_PACKS
    table = fn(names, args.coverage, year=args.year)
    facts = [Fact("region", "Region", args.coverage), Fact("packs", "Factors", names),
             Fact("activities", "Covered", len(table), f"{len(table):,} activit{'y' if len(table) == 1 else 'ies'}")]
    emit(Document(f"Factor coverage of {args.coverage}", facts, [("coverage", table)]), args.format, args.output)
    return 0


def pack_check(args: argparse.Namespace) -> int:
    """``neutralcore pack check DIR``: validate a factor-pack directory, listing every bad row."""
    from neutralcore.testing import check_factor_pack

    result = check_factor_pack(args.directory)
    emit(Document("Factor pack check", [Fact("ok", "ok", True), Fact("summary", "Summary", result.summary())],
                  text=f"ok: {result.summary()}"), args.format, args.output)
    return 0


def add_parsers(sub: Any, common: Sequence[argparse.ArgumentParser]) -> None:
    """The subcommands of this module, on the ``neutralcore`` parser's subparsers *sub*."""
    rep = sub.add_parser("report", parents=common, help="emissions of an inventory (CSV, Parquet or Excel)",
                         description="Emissions of an inventory: a total per year (years are never added together), "
                                     "the breakdown, the scope 2 basis, every fallback and the sources.")
    rep.add_argument("inventory", help="inventory file: .csv (activity,quantity,unit,region,year,scope[,category,site,…]), "
                                       ".parquet or .xlsx")
    rep.add_argument("--factors", default=DEFAULT_PACKS, help="pack names, factor CSV files and pack directories, "
                     f"comma-separated; the later wins for a key both cover (default: {DEFAULT_PACKS})")
    rep.add_argument("--fallback", choices=("year", "region"), default=None,
                     help="which fallback first when a row's own region and year have no factor: 'year' (default; "
                          "the row's year up the region chain) or 'region' (the row's region, an earlier year)")
    rep.add_argument("--gwp", default=None, help=f"GWP set: {', '.join(GWP_SETS)} (default: {DEFAULT_GWP})")
    rep.add_argument("--by", default="scope", help="dimensions to group by, comma-separated (default: scope); "
                                                   "the year is always one")
    rep.add_argument("--strict", action="store_true", help="fail on any region or year fallback")
    rep.add_argument("--scope2", default=None, help="scope 2 basis of the totals: location (default) or market "
                                                    "(both figures are then shown)")
    rep.add_argument("--instruments", default=None, help="CSV of contractual instruments for market-based scope 2: "
                                                         "kind,mwh,market,vintage[,retired_for,rate,id]")
    rep.add_argument("--entity", default=None, help="the reporting entity instruments must be retired for")
    rep.set_defaults(func=report)

    pk = sub.add_parser("packs", parents=common,
                        help="list installed factor packs and check that each loads (exit 1 if one does not)")
    pk.add_argument("--no-load", action="store_true", help="only read metadata; do not import or validate any pack")
    pk.set_defaults(func=packs)

    fac = sub.add_parser("factors", parents=common, help="show the factors of installed packs, with their sources")
    fac.add_argument("names", nargs="?", help="pack name(s), comma-separated (a later pack wins where two cover the same key)")
    fac.add_argument("--activity", help="activity key or dotted prefix, e.g. electricity.grid or fuel.diesel")
    fac.add_argument("--region", help="region code, e.g. VN or CN-JS (exact; no fallback)")
    fac.add_argument("--year", type=int, help="data year (exact; no fallback)")
    fac.add_argument("--coverage", metavar="REGION", help="what the packs (default: the built-in ones) cover for REGION: "
                                                          "per activity, the region its factor comes from")
    fac.set_defaults(func=factors)

    pack = sub.add_parser("pack", help="factor-pack tools for authors")
    pack_sub = pack.add_subparsers(dest="pack_command", required=True)
    check = pack_sub.add_parser("check", parents=common,
                                help="validate a factor-pack directory (the one with pack.toml) or an installed pack")
    check.add_argument("directory", help="pack directory, or an installed pack name")
    check.set_defaults(func=pack_check)
